import { describe, expect, it } from 'vitest';
import { defaultCatalog } from '../../src/catalog/index.js';
import type { ModelLookup } from '../../src/pricing/model-source.js';

const catalog = defaultCatalog();
const at = (iso: string) => new Date(iso);
const r = (l: Omit<ModelLookup, 'at'> & { at: string }) => catalog.resolve({ ...l, at: at(l.at) });

describe('price history: both sides of each change', () => {
  it('gpt-4o: the alias meant 2024-05-13 ($5/$15) until 2024-10-02, then 2024-08-06 ($2.50/$10)', () => {
    const before = r({ model: 'gpt-4o', at: '2024-10-01T23:59:59Z' });
    expect(before.model).toBe('gpt-4o-2024-05-13');
    expect(before.rates).toMatchObject({ input: '0.000005', output: '0.000015' });
    expect(before.price_version).toBe('catalog:openai/gpt-4o-2024-05-13@2024-05-13');
    const after = r({ model: 'gpt-4o', at: '2024-10-02T00:00:00Z' });
    expect(after.model).toBe('gpt-4o-2024-08-06');
    expect(after.rates).toMatchObject({ input: '0.0000025', cache_read: '0.00000125', output: '0.00001' });
  });

  it('a dated snapshot keeps its own price at any date', () => {
    for (const d of ['2024-06-01', '2025-06-01', '2026-06-01']) {
      expect(r({ model: 'gpt-4o-2024-05-13', at: d }).rates).toMatchObject({ input: '0.000005', output: '0.000015' });
    }
  });

  it('o3: $10/$40 until 2025-06-10, then $2/$8', () => {
    const before = r({ model: 'o3', at: '2025-06-09T23:59:59.999Z' });
    expect(before.rates).toEqual({ input: '0.00001', cache_read: '0.0000025', output: '0.00004' });
    expect(before.price_version).toBe('catalog:openai/o3@2025-04-16');
    const after = r({ model: 'o3', at: '2025-06-10T00:00:00Z' });
    expect(after.rates).toEqual({ input: '0.000002', cache_read: '0.0000005', output: '0.000008' });
    expect(after.price_version).toBe('catalog:openai/o3@2025-06-10');
    expect(r({ model: 'o3-2025-04-16', at: '2025-05-01' }).rates.input).toBe('0.00001');
    expect(r({ model: 'o3', at: '2025-05-01', service_tier: 'flex' }).rates).toEqual({ input: '0.000005', cache_read: '0.00000125', output: '0.00002' });
  });

  it('gemini-1.5-pro: $3.50/$10.50 before 2024-10-01, $1.25/$5 after, doubled above 128k', () => {
    const before = r({ provider: 'google', model: 'gemini-1.5-pro', at: '2024-09-30T23:59:59Z' });
    expect(before.rates).toEqual({ input: '0.0000035', cache_read: '0.000000875', output: '0.0000105' });
    expect(before.long_context).toEqual([{ threshold: '128000', rates: { input: '0.000007', cache_read: '0.00000175', output: '0.000021' } }]);
    const after = r({ provider: 'gemini', model: 'gemini-1.5-pro', at: '2024-10-01T00:00:00Z' });
    expect(after.rates).toEqual({ input: '0.00000125', cache_read: '0.0000003125', output: '0.000005' });
    expect(after.long_context).toEqual([{ threshold: '128000', rates: { input: '0.0000025', cache_read: '0.000000625', output: '0.00001' } }]);
  });

  it('gemini-1.5-flash: $0.35/$1.05 before its 2024-08-12 cut, $0.075/$0.30 after (and on 2024-10-01)', () => {
    expect(r({ provider: 'google', model: 'gemini-1.5-flash', at: '2024-08-11T23:00:00Z' }).rates).toMatchObject({ input: '0.00000035', output: '0.00000105' });
    expect(r({ provider: 'google', model: 'gemini-1.5-flash', at: '2024-08-12' }).rates).toMatchObject({ input: '0.000000075', output: '0.0000003' });
    const oct = r({ provider: 'google', model: 'gemini-1.5-flash', at: '2024-10-01' });
    expect(oct.long_context?.[0]).toEqual({ threshold: '128000', rates: { input: '0.00000015', cache_read: '0.0000000375', output: '0.0000006' } });
  });

  it('deepseek-chat: promo/V2, V3 standard, off-peak window, V3.1, V3.2 prices', () => {
    expect(r({ model: 'deepseek-chat', at: '2025-01-15T12:00:00Z' }).rates).toEqual({ input: '0.00000014', cache_read: '0.000000014', output: '0.00000028' });
    expect(r({ model: 'deepseek-chat', at: '2025-02-15T12:00:00Z' }).rates).toEqual({ input: '0.00000027', cache_read: '0.00000007', output: '0.0000011' });
    // off-peak is UTC 16:30–00:30 (crossing midnight)
    const peak = r({ model: 'deepseek-chat', at: '2025-03-01T16:29:59Z' });
    expect(peak.rates.input).toBe('0.00000027');
    expect(peak.price_version).toBe('catalog:deepseek/deepseek-chat@2025-02-26');
    for (const t of ['2025-03-01T16:30:00Z', '2025-03-01T23:59:00Z', '2025-03-02T00:29:59Z']) {
      const off = r({ model: 'deepseek-chat', at: t });
      expect(off.rates).toEqual({ input: '0.000000135', cache_read: '0.000000035', output: '0.00000055' });
      expect(off.price_version).toBe('catalog:deepseek/deepseek-chat@2025-02-26+off_peak');
    }
    expect(r({ model: 'deepseek-chat', at: '2025-03-02T00:30:00Z' }).rates.input).toBe('0.00000027');
    expect(r({ model: 'deepseek-chat', at: '2025-09-06T20:00:00Z' }).rates).toEqual({ input: '0.00000056', cache_read: '0.00000007', output: '0.00000168' });
    expect(r({ model: 'deepseek-chat', at: '2025-10-01T20:00:00Z' }).rates).toEqual({ input: '0.00000028', cache_read: '0.000000028', output: '0.00000042' });
  });

  it('deepseek-reasoner: $0.55/$2.19 at launch, 75% off off-peak, then the shared V3.1 / V3.2 prices', () => {
    expect(r({ model: 'deepseek-reasoner', at: '2025-02-01T20:00:00Z' }).rates).toEqual({ input: '0.00000055', cache_read: '0.00000014', output: '0.00000219' });
    expect(r({ model: 'deepseek-reasoner', at: '2025-04-01T20:00:00Z' }).rates).toEqual({ input: '0.000000135', cache_read: '0.000000035', output: '0.00000055' });
    expect(r({ model: 'deepseek-reasoner', at: '2025-04-01T10:00:00Z' }).rates.output).toBe('0.00000219');
    expect(r({ model: 'deepseek-reasoner', at: '2025-09-10T20:00:00Z' }).rates.output).toBe('0.00000168');
    expect(() => r({ model: 'deepseek-reasoner', at: '2025-01-19' })).toThrow(expect.objectContaining({ code: 'model_unpriced' }));
  });

  it('mistral-*-latest follow the alias to the snapshot of the day', () => {
    const large = (d: string) => r({ model: 'mistral-large-latest', at: d }).model;
    expect(large('2024-03-01')).toBe('mistral-large-2402');
    expect(large('2024-07-24')).toBe('mistral-large-2407');
    expect(large('2024-11-18')).toBe('mistral-large-2411');
    expect(r({ model: 'mistral-large-latest', at: '2025-06-01' }).rates).toMatchObject({ input: '0.000002', output: '0.000006' });
    expect(large('2025-12-02')).toBe('mistral-large-2512');
    expect(r({ model: 'mistral-large-latest', at: '2026-01-01' }).rates).toMatchObject({ input: '0.0000005', output: '0.0000015' });
    const small = (d: string) => r({ model: 'mistral-small-latest', at: d });
    expect(small('2024-10-01').rates).toMatchObject({ input: '0.0000002', output: '0.0000006' });
    expect(small('2025-02-01').model).toBe('mistral-small-2501');
    expect(small('2025-07-01').model).toBe('mistral-small-2506');
    expect(small('2026-04-01').rates).toMatchObject({ input: '0.00000015', cache_read: '0.000000015', output: '0.0000006' });
  });

  it('Bedrock Llama 3.1 70B: $0.99 at launch, $0.72 later', () => {
    expect(r({ model: 'meta.llama3-1-70b-instruct-v1:0', at: '2024-09-01' }).rates).toEqual({ input: '0.00000099', output: '0.00000099' });
    expect(r({ provider: 'aws', model: 'us.meta.llama3-1-70b-instruct-v1:0', at: '2025-03-01' }).rates).toEqual({ input: '0.00000072', output: '0.00000072' });
  });

  it('show() returns the full history of a name', () => {
    const s = catalog.show('gpt-4o');
    expect(s.alias?.targets.map((t) => t.model)).toEqual(['gpt-4o-2024-05-13', 'gpt-4o-2024-08-06']);
    expect(s.models.map((m) => m.id)).toEqual(['gpt-4o-2024-05-13', 'gpt-4o-2024-08-06']);
    const o3 = catalog.show('o3', { at: new Date('2025-05-01') });
    expect(o3.models[0]!.prices.map((p) => [p.effective_from, p.until])).toEqual([['2025-04-16', '2025-06-10'], ['2025-06-10', undefined]]);
    expect(o3.at?.price.rates.output).toBe('0.00004');
  });
});

import { describe, expect, it } from 'vitest';
import { importGenaiPrices, importLitellm, importModelsDev, type ImportResult } from '../../src/catalog/index.js';
import { cleanFloat, perMillion, perToken } from '../../src/catalog/import/float.js';
import { formatDecimal } from '../../src/money/index.js';
import { printYaml } from '../../src/yaml/index.js';
import { tryLoadRatecard } from '../../src/ratecard.js';
import fc from 'fast-check';
import { readRef, requireReferenceData } from './reference.js';

function checkAccounting(r: ImportResult) {
  expect(r.imported).toBe(r.document.models.length);
  // ids and aliases are unique in a pricing document, case-insensitively
  const names = r.document.models.flatMap((m) => [m.id, ...(m.aliases ?? [])].map((n) => n.toLowerCase()));
  expect(new Set(names).size).toBe(names.length);
  expect(r.imported + r.skipped.length).toBe(r.total);
  for (const s of r.skipped) expect(s.reason.length, s.key).toBeGreaterThan(5);
  for (const m of r.document.models) for (const v of Object.values(m.rates)) expect(v).toMatch(/^\d+(\.\d+)?$/);
}

describe('importers on the real reference files', () => {
  requireReferenceData();
  const litellm = readRef('litellm/model_prices_and_context_window.json') as Record<string, unknown>;
  const genai = readRef('genai-prices/data.json') as unknown[];
  const modelsDev = readRef('models.dev/provider_model_costs.json') as Record<string, Record<string, unknown>>;

  it('LiteLLM: every key imported or skipped with a reason', () => {
    const r = importLitellm(litellm);
    expect(r.total).toBe(Object.keys(litellm).length);
    checkAccounting(r);
    expect(r.imported).toBeGreaterThan(1000);
    expect(r.skipped.find((s) => s.key === 'sample_spec')?.reason).toMatch(/documentation/);
    const sonnet = r.document.models.find((m) => m.provider === 'anthropic' && m.id === 'claude-sonnet-4-5')!;
    expect(sonnet.rates).toMatchObject({ input: '0.000003', cache_write_5m: '0.00000375', cache_write_1h: '0.000006', output: '0.000015' });
    expect(sonnet.long_context).toEqual([{ threshold: '200000', rates: expect.objectContaining({ input: '0.000006', output: '0.0000225' }) }]);
  });

  it('genai-prices: every model imported or skipped with a reason', () => {
    const r = importGenaiPrices(genai, { at: '2026-08-21' });
    expect(r.total).toBe((genai as { models: unknown[] }[]).reduce((n, p) => n + p.models.length, 0));
    checkAccounting(r);
    const openai = importGenaiPrices(genai, { at: '2026-08-21', provider: 'openai' });
    const o3 = openai.document.models.find((m) => m.id === 'o3')!;
    expect(o3.rates).toMatchObject({ input: '0.000002', output: '0.000008' });
    expect(o3.aliases).toContain('o3-2025-04-16');
    // a dated price list is imported at the requested date
    const old = importGenaiPrices(genai, { at: '2025-05-01', provider: 'openai' });
    expect(old.document.models.find((m) => m.id === 'o3')!.rates.input).toBe('0.00001');
  });

  it('models.dev: every provider-model entry imported or skipped with a reason', () => {
    const r = importModelsDev(modelsDev);
    expect(r.total).toBe(Object.values(modelsDev).reduce((n, p) => n + Object.keys(p).length, 0));
    checkAccounting(r);
    const g = r.document.models.find((m) => m.provider === 'google' && m.id === 'gemini-2.5-pro')!;
    expect(g.long_context).toEqual([{ threshold: '200000', rates: { input: '0.0000025', cache_read: '0.00000025', output: '0.000015' } }]);
  });

  it.each([
    ['litellm', () => importLitellm(litellm, { provider: 'anthropic' })],
    ['genai-prices', () => importGenaiPrices(genai, { provider: 'anthropic' })],
    ['models.dev', () => importModelsDev(modelsDev, { provider: 'anthropic' })],
  ])('%s with --provider: the printed YAML loads back as a valid pricing file', (_, run) => {
    const r = run();
    checkAccounting(r);
    expect(r.imported).toBeGreaterThan(5);
    expect(r.skipped.some((s) => /filtered out/.test(s.reason))).toBe(true);
    const loaded = tryLoadRatecard(printYaml(r.document), { filename: 'imported.yaml' });
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('genai-prices without a filter: the whole import loads back as one valid pricing file', () => {
    const r = importGenaiPrices(genai, { at: '2026-08-21' });
    expect(r.skipped.some((s) => /already imported from/.test(s.reason))).toBe(true);
    const loaded = tryLoadRatecard(printYaml(r.document), { filename: 'genai.yaml' });
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('malformed input is a RatecardError, not a crash', () => {
    expect(() => importLitellm([])).toThrow(expect.objectContaining({ code: 'import_invalid' }));
    expect(() => importGenaiPrices({})).toThrow(expect.objectContaining({ code: 'import_invalid' }));
    expect(() => importModelsDev('x')).toThrow(expect.objectContaining({ code: 'import_invalid' }));
  });
});

describe('float conversion', () => {
  it('removes float noise deliberately', () => {
    expect(perToken(3.0000000000000004e-6)).toBe('0.000003');
    expect(perToken(2.9999900000000002e-6)).toBe('0.00000299999');
    expect(perToken(1.5625e-7)).toBe('0.00000015625');
    expect(perToken(0.1 + 0.2)).toBe('0.3');
    expect(perMillion(0.0028)).toBe('0.0000000028');
    expect(perMillion(2.5)).toBe('0.0000025');
    expect(perToken('abc')).toBeUndefined();
    expect(perToken(Number.NaN)).toBeUndefined();
  });

  it('property: a price written with ≤ 6 significant digits survives the float round trip exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999_999 }), fc.integer({ min: 0, max: 12 }), (digits, shift) => {
        const text = formatDecimal(cleanFloat(`${digits}e-${shift}`)!);
        const asFloat = digits / 10 ** shift; // what an upstream script would have computed
        expect(perToken(asFloat)).toBe(text);
        expect(perToken(asFloat)).not.toMatch(/e/i);
      }),
      { numRuns: 2000 },
    );
  });
});

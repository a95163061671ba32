import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Catalog, defaultCatalog, loadCatalogFile } from '../../src/catalog/index.js';
import { isRatecardError, type RatecardError } from '../../src/errors/index.js';
import type { ModelLookup } from '../../src/pricing/model-source.js';
import { Dec, formatDecimal } from '../../src/money/index.js';
import { errorOf as error } from '../support/errors.js';

const catalog = defaultCatalog();
const file = loadCatalogFile();
const NOW = new Date('2026-06-01T12:00:00Z');
const r = (l: Partial<ModelLookup> & { model: string }) => catalog.resolve({ at: NOW, ...l });


describe('name resolution', () => {
  it.each([
    // [provider, model as sent, canonical model, provider]
    [undefined, 'gpt-4o-2024-08-06', 'gpt-4o-2024-08-06', 'openai'],
    [undefined, 'GPT-4o-2024-08-06', 'gpt-4o-2024-08-06', 'openai'],
    [undefined, 'openai/gpt-4o', 'gpt-4o-2024-08-06', 'openai'],
    ['OpenAI', 'gpt-4o', 'gpt-4o-2024-08-06', 'openai'],
    ['azure', 'gpt-4o-2024-08-06', 'gpt-4o-2024-08-06', 'azure'],
    [undefined, 'azure/gpt-4o-2024-08-06', 'gpt-4o-2024-08-06', 'azure'],
    [undefined, 'claude-sonnet-4-5', 'claude-sonnet-4-5', 'anthropic'],
    ['gemini', 'gemini-2.5-pro', 'gemini-2.5-pro', 'google'],
    [undefined, 'gemini/gemini-2.5-pro', 'gemini-2.5-pro', 'google'],
    ['vertex_ai', 'gemini-2.5-pro', 'gemini-2.5-pro', 'vertex'],
    ['vertex', 'claude-sonnet-4-5@20250929', 'claude-sonnet-4-5@20250929', 'vertex'],
    ['aws', 'anthropic.claude-3-5-sonnet-20240620-v1:0', 'anthropic.claude-3-5-sonnet-20240620-v1:0', 'bedrock'],
    ['bedrock', 'us.anthropic.claude-3-5-sonnet-20240620-v1:0', 'anthropic.claude-3-5-sonnet-20240620-v1:0', 'bedrock'],
    ['bedrock', 'eu.anthropic.claude-3-5-sonnet-20240620-v1:0', 'anthropic.claude-3-5-sonnet-20240620-v1:0', 'bedrock'],
    ['bedrock', 'apac.anthropic.claude-3-5-sonnet-20240620-v1:0', 'anthropic.claude-3-5-sonnet-20240620-v1:0', 'bedrock'],
    ['bedrock', 'global.anthropic.claude-sonnet-4-5-20250929-v1:0', 'anthropic.claude-sonnet-4-5-20250929-v1:0', 'bedrock'],
    ['bedrock', 'anthropic.claude-3-5-sonnet-20240620', 'anthropic.claude-3-5-sonnet-20240620-v1:0', 'bedrock'],
    [undefined, 'bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0', 'anthropic.claude-3-5-sonnet-20240620-v1:0', 'bedrock'],
    [undefined, 'mistralai/mistral-large-latest', 'mistral-large-2512', 'mistral'],
    [undefined, 'deepseek-chat', 'deepseek-chat', 'deepseek'],
    ['together_ai', 'meta-llama/Llama-3.3-70B-Instruct-Turbo', 'meta-llama/Llama-3.3-70B-Instruct-Turbo', 'together'],
    ['x-ai', 'grok-4', 'grok-4', 'xai'],
  ] as const)('%s %s → %s (%s)', (provider, model, id, p) => {
    const got = r({ model, ...(provider ? { provider } : {}) });
    expect(got.model).toBe(id);
    expect(got.provider).toBe(p);
    expect(got.price_version).toMatch(new RegExp(`^catalog:${p}/${id.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}@\\d{4}-\\d{2}-\\d{2}`));
  });

  it('unknown models are model_not_found with suggestions, never zero rates', () => {
    const e = error(() => r({ model: 'gpt-4oo' }));
    expect(e.code).toBe('model_not_found');
    expect(e.details.suggestions).toContain('gpt-4o');
    expect(e.message).toContain('did you mean');
    const scoped = error(() => r({ provider: 'anthropic', model: 'claude-sonet-4-5' }));
    expect(scoped.details.suggestions).toContain('claude-sonnet-4-5');
    expect(error(() => r({ provider: 'nosuchcloud', model: 'gpt-4o' })).code).toBe('model_not_found');
    expect(error(() => r({ provider: 'anthropic', model: 'gpt-4o' })).code).toBe('model_not_found');
  });

  it('a model asked for before its first price is model_unpriced', () => {
    const e = error(() => r({ model: 'o3', at: new Date('2025-01-01') }));
    expect(e.code).toBe('model_unpriced');
    expect(e.details.priced_from).toBe('2025-04-16');
    expect(error(() => r({ model: 'o3', at: new Date('nope') })).code).toBe('invalid_timestamp');
  });

  it('lists models and aliases, filtered by provider (synonyms accepted)', () => {
    const all = catalog.list();
    expect(all.length).toBe(file.models.length + file.aliases.length);
    const google = catalog.list({ provider: 'gemini' });
    expect(google.every((m) => m.provider === 'google')).toBe(true);
    expect(google.some((m) => m.model === 'gemini-2.5-pro')).toBe(true);
    expect(catalog.list({ provider: 'openai' }).find((m) => m.model === 'gpt-4o')).toMatchObject({ kind: 'alias', target: 'gpt-4o-2024-08-06' });
  });

  it('loads its data lazily, on the first lookup', () => {
    let loads = 0;
    const c = new Catalog(() => (loads++, file));
    expect(loads).toBe(0);
    c.resolve({ model: 'gpt-4o', at: NOW });
    c.resolve({ model: 'o3', at: NOW });
    expect(loads).toBe(1);
  });
});

describe('special prices', () => {
  it('long-context cliffs: every rate of the request switches (claude sonnet 4/4.5, gemini-2.5-pro: 200k)', () => {
    for (const model of ['claude-sonnet-4-5', 'claude-sonnet-4-20250514']) {
      const p = r({ model });
      expect(p.rates).toMatchObject({ input: '0.000003', output: '0.000015', cache_read: '0.0000003', cache_write_5m: '0.00000375', cache_write_1h: '0.000006' });
      expect(p.long_context).toEqual([{ threshold: '200000', rates: { input: '0.000006', cache_read: '0.0000006', cache_write_5m: '0.0000075', cache_write_1h: '0.000012', output: '0.0000225' } }]);
    }
    const g = r({ provider: 'google', model: 'gemini-2.5-pro' });
    expect(g.long_context).toEqual([{ threshold: '200000', rates: { input: '0.0000025', cache_read: '0.00000025', output: '0.000015' } }]);
  });

  it('Anthropic cache: writes 1.25× (5m) and 2× (1h) input, reads 0.1×, for every Claude model', () => {
    for (const m of file.models.filter((x) => x.provider === 'anthropic')) {
      for (const p of m.prices) {
        const { input, cache_write_5m, cache_write_1h, cache_read } = p.rates;
        const ratio = (x: string | undefined) => formatDecimal(new Dec(x!).div(input!));
        expect(ratio(cache_write_1h), m.id).toBe('2');
        // Haiku 3 is the documented exception: Anthropic lists its cache prices rounded ($0.30 write, $0.03 read).
        const haiku3 = /^claude-3-haiku/.test(m.id);
        expect(ratio(cache_write_5m), m.id).toBe(haiku3 ? '1.2' : '1.25');
        expect(ratio(cache_read), m.id).toBe(haiku3 ? '0.12' : '0.1');
      }
    }
  });

  it('reasoning, audio and image token rates, per-request and web-search fees', () => {
    expect(r({ provider: 'google', model: 'gemini-2.5-flash' }).rates.reasoning).toBe('0.0000025');
    expect(r({ model: 'gpt-4o-audio-preview-2024-12-17' }).rates).toMatchObject({ input: '0.0000025', input_audio: '0.00004', output_audio: '0.00008' });
    expect(r({ provider: 'bedrock', model: 'amazon.nova-2-pro-preview-20251202-v1:0' }).rates.input_image).toBe('0.0000021875');
    expect(r({ provider: 'perplexity', model: 'sonar-medium-online' }).rates.request).toBe('0.005');
    expect(r({ model: 'claude-sonnet-4-5' }).rates.web_search).toBe('0.01');
  });

  it('service tiers: batch 50%, flex and priority at their own rates, unknown tiers refused', () => {
    const std = r({ model: 'gpt-5' });
    expect(r({ model: 'gpt-5', service_tier: 'default' })).toBe(std);
    expect(r({ model: 'gpt-5', service_tier: 'batch' }).rates).toEqual({ input: '0.000000625', cache_read: '0.0000000625', output: '0.000005' });
    expect(r({ model: 'gpt-5', service_tier: 'flex' }).price_version).toMatch(/\+flex$/);
    expect(r({ model: 'gpt-5', service_tier: 'priority' }).rates).toEqual({ input: '0.0000025', cache_read: '0.00000025', output: '0.00002' });
    // Anthropic documents batch at 50% of every token rate, cache included; long context too
    const batch = r({ model: 'claude-sonnet-4-5', service_tier: 'batch' });
    expect(batch.rates).toMatchObject({ input: '0.0000015', cache_write_1h: '0.000003', output: '0.0000075', web_search: '0.01' });
    expect(batch.long_context?.[0]?.rates.input).toBe('0.000003');
    const e = error(() => r({ model: 'claude-sonnet-4-5', service_tier: 'priority' }));
    expect(e.code).toBe('model_unpriced');
    expect(e.details.available).toEqual(['standard', 'batch']);
    expect(error(() => r({ model: 'gpt-5', service_tier: 'turbo' })).code).toBe('model_unpriced');
  });

  it('regional uplift: Bedrock geo profiles and Vertex regional endpoints +10% (Claude 4.5), global at list price', () => {
    const id = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
    expect(r({ provider: 'bedrock', model: `global.${id}` }).rates.input).toBe('0.000003');
    const us = r({ provider: 'bedrock', model: `us.${id}` });
    expect(us.rates).toMatchObject({ input: '0.0000033', output: '0.0000165', cache_write_5m: '0.000004125' });
    expect(us.long_context?.[0]?.rates.input).toBe('0.0000066');
    expect(us.price_version).toMatch(/\+region:us$/);
    expect(r({ provider: 'bedrock', model: id, region: 'eu-west-1' }).rates.input).toBe('0.0000033');
    expect(r({ provider: 'bedrock', model: id, region: 'us-gov-west-1' }).rates.input).toBe('0.0000036');
    expect(r({ provider: 'vertex', model: 'claude-sonnet-4-5', region: 'us-east5' }).rates.output).toBe('0.0000165');
    expect(r({ provider: 'vertex', model: 'claude-sonnet-4-5', region: 'global' }).rates.output).toBe('0.000015');
    // models without a documented uplift are at list price in any region
    expect(r({ provider: 'vertex', model: 'gemini-2.5-pro', region: 'us-central1' }).rates.input).toBe('0.00000125');
  });
});

describe('properties', () => {
  const names = file.models.map((m) => ({ provider: m.provider, id: m.id, from: m.prices[0]!.effective_from }));
  const arbModel = fc.constantFrom(...names);
  const arbCase = (s: string) => fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length }).map((flags) => [...s].map((c, i) => (flags[i] ? c.toUpperCase() : c)).join(''));

  it('every model resolves at any time from its first price on, to non-zero plain-decimal rates', () => {
    fc.assert(
      fc.property(arbModel, fc.integer({ min: 0, max: 3 * 365 * 86_400_000 }), (m, offset) => {
        const at = new Date(Date.parse(`${m.from}T00:00:00Z`) + offset);
        const p = catalog.resolve({ provider: m.provider, model: m.id, at });
        expect(p.model).toBe(m.id);
        expect(p.price_version.startsWith(`catalog:${m.provider}/${m.id}@`)).toBe(true);
        const token = [p.rates.input, p.rates.output].filter((x) => x !== undefined);
        expect(token.length).toBeGreaterThan(0);
        for (const v of Object.values(p.rates)) expect(v).toMatch(/^\d+(\.\d+)?$/);
        expect(token.some((v) => v !== '0')).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('resolution is case-insensitive and accepts the provider prefix', () => {
    fc.assert(
      fc.property(arbModel.chain((m) => fc.tuple(fc.constant(m), arbCase(m.id))), ([m, cased]) => {
        const at = new Date(Date.parse(`${m.from}T00:00:00Z`) + 86_400_000);
        const direct = catalog.resolve({ provider: m.provider, model: m.id, at });
        expect(catalog.resolve({ provider: m.provider.toUpperCase(), model: cased, at })).toBe(direct);
        expect(catalog.resolve({ model: `${m.provider}/${cased}`, at })).toBe(direct);
      }),
      { numRuns: 300 },
    );
  });

  it('the day before a model\'s first price is always model_unpriced', () => {
    fc.assert(
      fc.property(arbModel, (m) => {
        const at = new Date(Date.parse(`${m.from}T00:00:00Z`) - 1);
        expect(error(() => catalog.resolve({ provider: m.provider, model: m.id, at })).code).toBe('model_unpriced');
      }),
      { numRuns: 200 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { compileRatecard } from '../../src/compile/index.js';
import { RatecardError } from '../../src/errors/index.js';
import type { ModelLookup, ModelSource, ResolvedModelPrice } from '../../src/pricing/model-source.js';
import type { PricingDocument } from '../../src/pricing/document.js';
import { doc, errorOf, GPT4O, SONNET, span } from './helpers.js';

describe('compileRatecard', () => {
  it('exposes the document, currency, plans, models and meters', () => {
    const d = doc({
      models: [GPT4O, SONNET],
      plans: [{ name: 'pro', period: 'monthly', fee: '20', includes: { quantity: '1000', meter: 'tokens' }, tiers: [{ mode: 'package', meter: 'requests', period: 'monthly', package: { size: '100', price: '1' } }] }],
      tiers: [{ mode: 'graduated', meter: 'output_tokens', period: 'monthly', tiers: [{ unit_price: '0.00001' }] }],
    });
    const rc = compileRatecard(d);
    expect(rc.document).toBe(d);
    expect(rc.currency).toBe('USD');
    expect(rc.plans.map((p) => p.name)).toEqual(['pro']);
    expect(rc.plan('pro')?.fee).toBe('20');
    expect(rc.models()).toEqual([
      { id: 'gpt-4o', provider: 'openai', aliases: ['gpt-4o-2024-08-06'] },
      { id: 'claude-sonnet-4-5', provider: 'anthropic', aliases: [] },
    ]);
    expect(rc.meters().sort()).toEqual(['output_tokens', 'requests', 'tokens']);
    expect(rc.version).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('the version ignores spans and key order, and changes with any price', () => {
    const a = compileRatecard(doc({ models: [GPT4O] })).version;
    const reordered: PricingDocument = { budgets: [], plans: [], tiers: [], rules: [], models: [{ rates: { output: '0.00001', cache_read: '0.00000125', input: '0.0000025' }, aliases: ['gpt-4o-2024-08-06'], provider: 'openai', id: 'gpt-4o', span: span(3, 1) }], currency: 'USD' };
    expect(compileRatecard(reordered).version).toBe(a);
    expect(compileRatecard(doc({ models: [{ ...GPT4O, rates: { ...GPT4O.rates, output: '0.000011' } }] })).version).not.toBe(a);
  });

  it('reports every problem of a document at once, with spans and codes', () => {
    const bad = doc({
      currency: 'usd',
      models: [
        { id: 'a', rates: { input: '1e-6', output: '-1', outptu: '1' } as never, span: span(2, 1) },
        { id: 'A', rates: { input: '1' }, span: span(3, 1) },
        { id: 'b', rates: { input: '1' }, long_context: [{ threshold: '128k', rates: { input: '2' } }] },
      ],
      rules: [
        { type: 'markup', percent: '10', multiplier: '1.1', span: span(5, 1) },
        { type: 'discount', percent: '150', span: span(6, 1) },
      ],
      tiers: [{ mode: 'graduated', meter: 'output_tokens', period: 'monthly', tiers: [{ up_to: '100', unit_price: '1' }, { up_to: '50', unit_price: '1' }, { up_to: '200', unit_price: 'x' }], span: span(8, 1) }],
      plans: [{ name: 'p', period: 'monthly' }, { name: 'p', period: 'monthly', includes: { quantity: '1.5', meter: 'tokens' } }],
    });
    const e = errorOf(() => compileRatecard(bad, { file: 'bad.yaml' }));
    const codes = e.diagnostics.map((d) => d.code).sort();
    expect(codes).toEqual([
      'duplicate_model', 'duplicate_plan', 'invalid_currency', 'invalid_decimal', 'invalid_discount', 'invalid_quantity',
      'invalid_rule', 'invalid_threshold', 'invalid_tiers', 'invalid_tiers', 'invalid_tiers', 'negative_amount', 'unknown_rate',
    ]);
    expect(e.diagnostics.every((d) => d.file === 'bad.yaml')).toBe(true);
    expect(e.message).toContain('bad.yaml:2:1');
    expect(e.diagnostics.find((d) => d.code === 'unknown_rate')?.hint).toContain('output');
  });

  it('neither compiling nor quoting mutates the document or the request', () => {
    const freeze = <T>(o: T): T => {
      if (o && typeof o === 'object') { Object.values(o).forEach(freeze); Object.freeze(o); }
      return o;
    };
    const d = freeze(doc({ models: [GPT4O], rules: [{ type: 'markup', percent: '10' }], plans: [{ name: 'p', period: 'monthly', includes: { quantity: '5', meter: 'input' } }] }));
    const rc = compileRatecard(d);
    const request = freeze({ model: 'gpt-4o', usage: { input: 10 }, attributes: { plan: 'p', tags: ['a'] }, period: { quantities: { input: '1' } } });
    expect(rc.quote(request).price).toBe('0.0000165'); // 6 of 10 input tokens billed (4 free left), ×1.1
  });

  it('warns (without failing) when a scope names a model the file does not price', () => {
    const rc = compileRatecard(doc({ models: [GPT4O], rules: [{ type: 'markup', percent: '5', scope: { models: ['gpt-4o-mini'] } }] }));
    expect(rc.warnings.map((w) => [w.severity, w.code])).toEqual([['warning', 'unknown_model']]);
  });
});

/** A tiny catalog with o3's 2025-06-10 price cut. */
class FakeCatalog implements ModelSource {
  calls: ModelLookup[] = [];
  resolve(lookup: ModelLookup): ResolvedModelPrice {
    this.calls.push(lookup);
    if (lookup.model.toLowerCase() !== 'o3') throw new RatecardError('model_not_found', `unknown ${lookup.model}`, { details: { suggestions: ['o3'] } });
    const old = lookup.at < new Date('2025-06-10T00:00:00Z');
    return {
      model: 'o3', provider: 'openai', currency: 'USD',
      rates: old ? { input: '0.00001', output: '0.00004' } : { input: '0.000002', output: '0.000008' },
      price_version: old ? 'catalog:openai/o3@2025-04-16' : 'catalog:openai/o3@2025-06-10',
    };
  }
}

describe('catalog fallback', () => {
  it('prices models the file does not list from the catalog at the call’s time, with rules applied', () => {
    const catalog = new FakeCatalog();
    const rc = compileRatecard(doc({ use_catalog: true, models: [GPT4O], rules: [{ type: 'markup', percent: '10' }] }), { catalog });
    const before = rc.quote({ model: 'o3', usage: { input: 1000, reasoning: 1000 }, at: '2025-06-01T00:00:00Z', service_tier: 'flex' });
    expect(before).toMatchObject({ cost: '0.05', price: '0.055', model: 'o3', provider: 'openai', price_version: 'catalog:openai/o3@2025-04-16' });
    expect(before.lines[0]!.rule).toBe('catalog openai/o3 input');
    expect(catalog.calls[0]).toMatchObject({ model: 'o3', service_tier: 'flex', at: new Date('2025-06-01T00:00:00Z') });
    const after = rc.quote({ model: 'o3', usage: { input: 1000, reasoning: 1000 }, at: new Date('2025-07-01T00:00:00Z') });
    expect(after).toMatchObject({ cost: '0.01', price: '0.011', price_version: 'catalog:openai/o3@2025-06-10' });
    // File models never reach the catalog.
    rc.quote({ model: 'gpt-4o', usage: { input: 1 } });
    expect(catalog.calls).toHaveLength(2);
  });

  it('merges suggestions when neither the file nor the catalog knows the model', () => {
    const rc = compileRatecard(doc({ use_catalog: true, models: [GPT4O] }), { catalog: new FakeCatalog() });
    const e = errorOf(() => rc.quote({ model: 'gpt-4oo', usage: { input: 1 } }));
    expect(e.code).toBe('model_not_found');
    expect(e.details.suggestions).toEqual(['gpt-4o', 'o3']);
  });

  it('without use_catalog the catalog is not consulted', () => {
    const rc = compileRatecard(doc({ models: [GPT4O] }), { catalog: new FakeCatalog() });
    expect(errorOf(() => rc.quote({ model: 'o3', usage: { input: 1 } })).code).toBe('model_not_found');
  });

  it('rejects a catalog price in another currency and a bad call time', () => {
    const eur: ModelSource = { resolve: () => ({ model: 'm', provider: 'x', currency: 'EUR', rates: { input: '1' }, price_version: 'v' }) };
    const rc = compileRatecard(doc({ use_catalog: true }), { catalog: eur });
    expect(errorOf(() => rc.quote({ model: 'm', usage: { input: 1 } })).code).toBe('currency_mismatch');
    expect(errorOf(() => rc.quote({ model: 'm', usage: { input: 1 }, at: 'yesterday' })).code).toBe('invalid_time');
  });
});

/** printRate(document) builds back to the same document, for the examples and for generated documents. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadRatePricing, printRate } from '../../src/dsl/index.js';
import { Dec, formatDecimal } from '../../src/money/index.js';
import type { PricingDocument, RateTable } from '../../src/pricing/document.js';
import { RATE_KEYS } from '../../src/pricing/document.js';
import { stripSpans } from '../../src/pricing/normalize.js';

const reload = (doc: PricingDocument) => {
  const text = printRate(doc);
  const r = loadRatePricing(text);
  expect(r.diagnostics.filter((d) => d.severity === 'error'), text).toEqual([]);
  return stripSpans(r.document!);
};

const decimal = (maxScale: number) =>
  fc.tuple(fc.bigInt({ min: 1n, max: 10n ** 9n }), fc.integer({ min: 0, max: maxScale })).map(([n, s]) => formatDecimal(new Dec(n.toString()).div(new Dec(10).pow(s))));
const integer = fc.bigInt({ min: 1n, max: 10n ** 10n }).map(String);
const name = fc.string({ minLength: 1, maxLength: 10 });
const rates: fc.Arbitrary<RateTable> = fc.dictionary(fc.constantFrom(...RATE_KEYS), decimal(12), { minKeys: 1 }) as fc.Arbitrary<RateTable>;

const documentArb: fc.Arbitrary<PricingDocument> = fc
  .record({
    name: fc.option(name, { nil: undefined }),
    version: fc.option(fc.oneof(integer, name), { nil: undefined }),
    currency: fc.constantFrom('USD', 'EUR', 'JPY'),
    models: fc.uniqueArray(
      fc.record({ id: name, provider: fc.option(fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/), { nil: undefined }), rates, long_context: fc.option(fc.tuple(fc.bigInt({ min: 1000n, max: 10n ** 6n }).map(String), rates).map(([threshold, r]) => [{ threshold, rates: r }]), { nil: undefined }) }),
      { selector: (m) => m.id.toLowerCase(), minLength: 1, maxLength: 3 },
    ),
    percent: fc.array(fc.integer({ min: 1, max: 10_000 }).map((n) => formatDecimal(new Dec(n).div(100))), { maxLength: 2 }),
    tiers: fc.uniqueArray(integer, { minLength: 1, maxLength: 3 }).map((bounds) => bounds.map(BigInt).sort((a, b) => (a < b ? -1 : 1)).map(String)),
    prices: fc.array(decimal(9), { minLength: 4, maxLength: 4 }),
    amount: decimal(2),
  })
  .map((g) => {
    const doc: PricingDocument = {
      currency: g.currency,
      models: g.models.map((m) => ({ id: m.id, rates: m.rates, ...(m.provider ? { provider: m.provider } : {}), ...(m.long_context ? { long_context: m.long_context } : {}) })),
      rules: g.percent.map((p, i) => (i % 2 === 0 ? { type: 'markup' as const, percent: p } : { type: 'discount' as const, percent: p, when: [{ attribute: 'customer', op: 'in' as const, values: ['a', 'b"c'] }] })),
      tiers: [{ mode: 'graduated', meter: 'output_tokens', period: 'monthly', tiers: [...g.tiers.map((up_to, i) => ({ up_to, unit_price: g.prices[i]! })), { unit_price: g.prices[3]! }] }],
      plans: [{ name: 'p', period: 'monthly', fee: g.amount, includes: { quantity: g.tiers[0]!, meter: 'reasoning' }, cap: g.amount }],
      budgets: [{ per: 'customer', period: 'daily', amount: g.amount, alerts: ['50', '100'] }],
    };
    if (g.name !== undefined) doc.name = g.name;
    if (g.version !== undefined) doc.version = g.version;
    return doc;
  });

describe('printRate', () => {
  it('prints generated documents so they build back exactly', () => {
    // Money prints with at least two decimals (`5.00`), which builds back as written; compare values.
    const normalize = (d: PricingDocument) => JSON.parse(JSON.stringify(d, (_, v) => (typeof v === 'string' && /^\d+\.\d+$/.test(v) ? formatDecimal(new Dec(v)) : v)));
    fc.assert(fc.property(documentArb, (doc) => {
      expect(normalize(reload(doc))).toEqual(normalize(stripSpans(doc)));
    }), { numRuns: 100 });
  });

  it.each(readdirSync(join(import.meta.dirname, '../../pricing-examples')).filter((f) => f.endsWith('.rate')))('pricing-examples/%s', (name) => {
    const src = readFileSync(join(import.meta.dirname, '../../pricing-examples', name), 'utf8');
    const doc = loadRatePricing(src).document!;
    expect(reload(doc)).toEqual(stripSpans(doc));
  });
});

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileRatecard } from '../../src/compile/index.js';
import type { AdjustmentRule, ModelPricing, Plan, RateTable, TierSchedule } from '../../src/pricing/document.js';
import type { QuoteRequest } from '../../src/engine/types.js';
import { doc, sumLines } from './helpers.js';

// ---- an independent exact reference: fractions n / 10^s over BigInt ----
type Frac = { n: bigint; s: number };
const P10 = (k: number) => 10n ** BigInt(k);
function frac(text: string): Frac {
  const neg = text.startsWith('-');
  const [i, f = ''] = text.replace(/^[-+]/, '').split('.');
  const n = BigInt((i || '0') + f);
  return { n: neg ? -n : n, s: f.length };
}
const add = (a: Frac, b: Frac): Frac => (a.s >= b.s ? { n: a.n + b.n * P10(a.s - b.s), s: a.s } : add(b, a));
const mul = (a: Frac, b: Frac): Frac => ({ n: a.n * b.n, s: a.s + b.s });
const int = (q: number): Frac => ({ n: BigInt(q), s: 0 });
const same = (a: Frac, b: Frac) => a.n * P10(b.s) === b.n * P10(a.s);

const decimal = (maxScale: number, maxMantissa = 10 ** 7) =>
  fc.tuple(fc.integer({ min: 0, max: maxMantissa }), fc.integer({ min: 0, max: maxScale })).map(([m, s]) => {
    const d = String(m).padStart(s + 1, '0');
    return s === 0 ? d : `${d.slice(0, d.length - s)}.${d.slice(d.length - s)}`;
  });
/** A discount percent in [0, 100] with up to 3 fraction digits. */
const discountPercent = fc.integer({ min: 0, max: 100000 }).map((m) => {
  const d = String(m).padStart(4, '0');
  return `${d.slice(0, -3)}.${d.slice(-3)}`;
});
const tokens = fc.integer({ min: 0, max: 2_000_000 });
const KINDS = ['input', 'cache_read', 'cache_write_5m', 'output', 'reasoning'] as const;

const rates: fc.Arbitrary<RateTable> = fc.record({ input: decimal(12), cache_read: decimal(12), cache_write_5m: decimal(12), output: decimal(12), reasoning: decimal(12) });
const usage = fc.record({ input: tokens, cache_read: tokens, cache_write_5m: tokens, output: tokens, reasoning: tokens });

describe('quote properties', () => {
  it('exact: price equals a BigInt reference of Σ tokens × rate × markup × discount', () => {
    fc.assert(fc.property(rates, usage, decimal(3, 50000), discountPercent, (r, u, markup, discount) => {
      const rc = compileRatecard(doc({ models: [{ id: 'm', rates: r }], rules: [{ type: 'markup', percent: markup }, { type: 'discount', percent: discount }] }));
      const q = rc.quote({ model: 'm', usage: u });
      let cost: Frac = int(0);
      for (const k of KINDS) cost = add(cost, mul(int(u[k]), frac(r[k]!)));
      const up = add(int(1), mul(frac(markup), { n: 1n, s: 2 })); // 1 + p/100
      const down = add(int(1), mul(frac(discount), { n: -1n, s: 2 })); // 1 − d/100
      expect(same(frac(q.cost), cost)).toBe(true);
      expect(same(frac(q.price), mul(mul(cost, up), down))).toBe(true);
      expect(q.price).not.toMatch(/e/i);
    }), { numRuns: 300 });
  });

  it('price == cost when the document has no rules, tiers or plans (long context included)', () => {
    const model = (r: RateTable, lc: RateTable): ModelPricing => ({ id: 'm', rates: r, long_context: [{ threshold: '1000000', rates: lc }] });
    fc.assert(fc.property(rates, rates, usage, (r, lc, u) => {
      const q = compileRatecard(doc({ models: [model(r, lc)] })).quote({ model: 'm', usage: u });
      expect(q.price).toBe(q.cost);
      expect(sumLines(q)).toBe(q.price);
    }), { numRuns: 200 });
  });

  const rule: fc.Arbitrary<AdjustmentRule> = fc.oneof(
    decimal(2, 5000).map((p) => ({ type: 'markup', percent: p }) as AdjustmentRule),
    decimal(2, 300).map((m) => ({ type: 'markup', multiplier: m }) as AdjustmentRule),
    discountPercent.map((p) => ({ type: 'discount', percent: p }) as AdjustmentRule),
    decimal(6, 100000).map((f) => ({ type: 'discount', fixed: f }) as AdjustmentRule),
    fc.tuple(decimal(2, 5000), fc.constantFrom('acme', 'globex')).map(([p, c]) => ({ type: 'markup', percent: p, when: [{ attribute: 'customer', op: 'eq', values: [c] }] }) as AdjustmentRule),
  );

  it('markup/discount order: markups, then percent discounts, then fixed discounts, whatever the source order', () => {
    fc.assert(fc.property(rates, usage, fc.array(rule, { maxLength: 6 }).chain((rs) => fc.tuple(fc.constant(rs), fc.shuffledSubarray(rs, { minLength: rs.length, maxLength: rs.length }))), (r, u, [rs, shuffled]) => {
      const request: QuoteRequest = { model: 'm', usage: u, attributes: { customer: 'acme' } };
      const a = compileRatecard(doc({ models: [{ id: 'm', rates: r }], rules: rs })).quote(request);
      const b = compileRatecard(doc({ models: [{ id: 'm', rates: r }], rules: shuffled })).quote(request);
      expect(b.price).toBe(a.price);
      // Reference: cost × Π markups × Π percent discounts, then fixed discounts floored at 0.
      let p = frac(a.cost);
      const applies = (x: AdjustmentRule) => !x.when || x.when[0]!.values[0] === 'acme';
      for (const x of rs) if (x.type === 'markup' && applies(x)) p = mul(p, x.percent !== undefined ? add(int(1), mul(frac(x.percent), { n: 1n, s: 2 })) : frac(x.multiplier!));
      for (const x of rs) if (x.type === 'discount' && x.percent !== undefined) p = mul(p, add(int(1), mul(frac(x.percent), { n: -1n, s: 2 })));
      for (const x of rs) if (x.type === 'discount' && x.fixed !== undefined) {
        p = add(p, mul(frac(x.fixed), int(-1)));
        if (p.n < 0n) p = int(0);
      }
      expect(same(frac(a.price), p)).toBe(true);
    }), { numRuns: 200 });
  });

  const schedule: fc.Arbitrary<TierSchedule> = fc.tuple(fc.constantFrom('graduated', 'volume') as fc.Arbitrary<'graduated' | 'volume'>, fc.integer({ min: 1, max: 500000 }), decimal(10), decimal(10), fc.constantFrom('output_tokens', 'input', 'requests') as fc.Arbitrary<'output_tokens' | 'input' | 'requests'>)
    .map(([mode, bound, p1, p2, meter]) => ({ mode, meter, period: 'monthly', tiers: [{ up_to: String(bound), unit_price: p1, flat_fee: '0.5' }, { unit_price: p2 }] }));
  const plan: fc.Arbitrary<Plan> = fc.tuple(fc.integer({ min: 0, max: 1_000_000 }), fc.option(decimal(4), { nil: undefined }))
    .map(([included, cap]) => ({ name: 'p', period: 'monthly', includes: { quantity: String(included), meter: 'tokens' }, ...(cap !== undefined ? { cap } : {}) }));

  it('the lines of any quote sum exactly to its price, and its usage lines to its cost', () => {
    fc.assert(fc.property(
      rates, usage, fc.array(rule, { maxLength: 4 }), fc.option(schedule, { nil: undefined }), fc.option(plan, { nil: undefined }),
      fc.record({ tokens: fc.integer({ min: 0, max: 3_000_000 }), output_tokens: fc.integer({ min: 0, max: 3_000_000 }), input: fc.integer({ min: 0, max: 3_000_000 }), requests: fc.integer({ min: 0, max: 1000 }) }),
      decimal(8, 10 ** 9),
      (r, u, rs, tier, p, before, spend) => {
        const rc = compileRatecard(doc({ models: [{ id: 'm', rates: { ...r, request: '0.001' } }], rules: rs, tiers: tier ? [tier] : [], plans: p ? [p] : [] }));
        const q = rc.quote({
          model: 'm', usage: u, attributes: { customer: 'acme', ...(p ? { plan: 'p' } : {}) },
          period: { quantities: { tokens: String(before.tokens), output_tokens: String(before.output_tokens), input: String(before.input), requests: String(before.requests) }, spend },
        });
        expect(sumLines(q)).toBe(q.price);
        const usageOnly = { ...q, lines: q.lines.filter((l) => l.kind === 'usage') };
        expect(sumLines(usageOnly)).toBe(q.cost);
      },
    ), { numRuns: 300 });
  });
});

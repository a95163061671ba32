import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkDocument, checkTierRanges } from '../../src/pricing/check.js';
import { parseQuantity, perScale, perUnit, stripSpans } from '../../src/pricing/normalize.js';
import type { PricingDocument, Tier } from '../../src/pricing/document.js';
import { Dec } from '../../src/money/index.js';

const doc = (over: Partial<PricingDocument>): PricingDocument => ({
  currency: 'USD', models: [{ id: 'gpt-4o', provider: 'openai', aliases: ['gpt-4o-2024-08-06'], rates: { input: '0.0000025' } }],
  rules: [], tiers: [], plans: [], budgets: [], ...over,
});
const codes = (d: PricingDocument) => checkDocument(d).map((x) => `${x.severity === 'warning' ? 'warn:' : ''}${x.code}`);
const graduated = (tiers: Tier[]): PricingDocument => doc({ tiers: [{ mode: 'graduated', meter: 'tokens', period: 'monthly', tiers }] });

const decimal = fc
  .tuple(fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.integer({ min: 0, max: 12 }))
  .map(([digits, scale]) => {
    const s = digits.toString().padStart(scale + 1, '0');
    return scale === 0 ? s : `${s.slice(0, s.length - scale)}.${s.slice(s.length - scale)}`;
  });

describe('checkDocument', () => {
  it('finds nothing wrong in a sound document', () => {
    expect(checkDocument(doc({
      rules: [{ type: 'markup', percent: '20', scope: { models: ['GPT-4o-2024-08-06'], providers: ['openai'] } }, { type: 'discount', fixed: '0.01', when: [{ attribute: 'service_tier', op: 'eq', values: ['batch'] }] }],
      plans: [{ name: 'pro', period: 'monthly', fee: '20', minimum: '20', cap: '100', includes: { quantity: '1000000', meter: 'tokens' } }],
      budgets: [{ per: 'customer', period: 'monthly', amount: '100', alerts: ['50', '80', '100'] }],
      rounding: { mode: 'half_up' },
    }))).toEqual([]);
  });

  it.each([
    ['invalid_currency', { currency: 'usd' }],
    ['unknown_rounding_mode', { rounding: { mode: 'bankers' } }],
    ['duplicate_model', { models: [{ id: 'a', rates: { input: '1' } }, { id: 'A', rates: { input: '1' } }] }],
    ['duplicate_alias', { models: [{ id: 'a', rates: { input: '1' } }, { id: 'b', aliases: ['a'], rates: { input: '1' } }] }],
    ['negative_value', { models: [{ id: 'a', rates: { output: '-1' } }] }],
    ['invalid_decimal', { models: [{ id: 'a', rates: { output: '1e-6' } }] }],
    ['model_without_rates', { models: [{ id: 'a', rates: {} }] }],
    ['adjustment_value_missing', { rules: [{ type: 'discount' }] }],
    ['adjustment_value_conflict', { rules: [{ type: 'markup', percent: '10', multiplier: '1.1' }] }],
    ['discount_over_100', { rules: [{ type: 'discount', percent: '100.01' }] }],
    ['warn:markup_reduces_price', { rules: [{ type: 'markup', multiplier: '0.9' }] }],
    ['unknown_model', { rules: [{ type: 'markup', percent: '1', scope: { models: ['gpt-40'] } }] }],
    ['warn:unknown_provider', { rules: [{ type: 'markup', percent: '1', scope: { providers: ['opneai'] } }] }],
    ['empty_condition', { rules: [{ type: 'markup', percent: '1', when: [{ attribute: 'plan', op: 'in', values: [] }] }] }],
    ['unknown_operator', { rules: [{ type: 'markup', percent: '1', when: [{ attribute: 'plan', op: 'gt' as 'eq', values: ['x'] }] }] }],
    ['warn:unknown_service_tier', { rules: [{ type: 'discount', percent: '50', when: [{ attribute: 'service_tier', op: 'eq', values: ['bulk'] }] }] }],
    ['long_context_not_ascending', { models: [{ id: 'a', rates: { input: '1' }, long_context: [{ threshold: '200', rates: {} }, { threshold: '200', rates: {} }] }] }],
    ['not_an_integer', { models: [{ id: 'a', rates: { input: '1' }, long_context: [{ threshold: '200.5', rates: {} }] }] }],
    ['duplicate_plan', { plans: [{ name: 'Pro', period: 'monthly' }, { name: 'pro', period: 'monthly' }] }],
    ['cap_below_minimum', { plans: [{ name: 'p', period: 'monthly', minimum: '10', cap: '5' }] }],
    ['unknown_period', { plans: [{ name: 'p', period: 'hourly' as 'daily' }] }],
    ['unknown_meter', { plans: [{ name: 'p', period: 'monthly', includes: { quantity: '1', meter: 'words' as 'tokens' } }] }],
    ['period_mixed', { plans: [{ name: 'p', period: 'monthly', tiers: [{ mode: 'package', meter: 'requests', period: 'daily', package: { size: '10', price: '1' } }] }] }],
    ['period_mixed', { plans: [{ name: 'p', period: 'monthly' }], tiers: [{ mode: 'package', meter: 'requests', period: 'weekly', package: { size: '10', price: '1' } }] }],
    ['period_mixed', { tiers: [
      { mode: 'package', meter: 'requests', period: 'daily', package: { size: '10', price: '1' } },
      { mode: 'package', meter: 'web_searches', period: 'monthly', package: { size: '10', price: '1' } },
    ] }],
    ['invalid_package_size', { tiers: [{ mode: 'package', meter: 'requests', period: 'daily', package: { size: '0', price: '1' } }] }],
    ['package_missing', { tiers: [{ mode: 'package', meter: 'requests', period: 'daily' }] }],
    ['tiers_missing', { tiers: [{ mode: 'volume', meter: 'requests', period: 'daily', tiers: [] }] }],
    ['unknown_tier_mode', { tiers: [{ mode: 'stairs' as 'volume', meter: 'requests', period: 'daily' }] }],
    ['alerts_not_ascending', { budgets: [{ per: 'customer', period: 'monthly', amount: '1', alerts: ['80', '80'] }] }],
    ['budget_not_positive', { budgets: [{ per: 'customer', period: 'monthly', amount: '0' }] }],
    ['duplicate_budget', { budgets: [{ name: 'b', per: 'customer', period: 'monthly', amount: '1' }, { name: 'B', per: 'agent', period: 'monthly', amount: '1' }] }],
  ] as [string, Partial<PricingDocument>][])('reports %s', (code, over) => {
    expect(codes(doc(over))).toContain(code);
  });

  it('gives did-you-mean hints', () => {
    const [d] = checkDocument(doc({ rules: [{ type: 'markup', percent: '1', scope: { models: ['gpt-4o-2024-08-6'] } }] }));
    expect(d?.hint).toMatch(/^did you mean `gpt-4o-2024-08-06`/);
    expect(checkDocument(doc({ rounding: { mode: 'half_evn' } }))[0]?.hint).toBe('did you mean `half_even`?');
  });

  it('makes unknown models in scopes a warning when the catalog is used', () => {
    const d = doc({ use_catalog: true, rules: [{ type: 'markup', percent: '1', scope: { models: ['claude-opus-4-1'] } }] });
    expect(checkDocument(d)).toMatchObject([{ code: 'unknown_model', severity: 'warning' }]);
  });

  it('places diagnostics with the locate callback and the file name', () => {
    const span = { start: { line: 7, column: 3, offset: 70 }, end: { line: 7, column: 9, offset: 76 } };
    const d = doc({ models: [{ id: 'a', rates: { input: '-1' } }] });
    const [diag] = checkDocument(d, { file: 'p.rate', locate: (owner, field) => (owner === d.models[0]!.rates && field === 'input' ? span : undefined) });
    expect(diag).toMatchObject({ code: 'negative_value', file: 'p.rate', span });
  });

  it('accepts any ascending bounds with an unbounded last tier, and flags any out-of-order pair', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.bigInt({ min: 1n, max: 10n ** 12n }), { minLength: 1, maxLength: 6 }), (bounds) => {
      const sorted = [...bounds].sort((a, b) => (a < b ? -1 : 1));
      const tiers = (list: bigint[]): Tier[] => [...list.map((b) => ({ up_to: String(b), unit_price: '1' })), { unit_price: '1' }];
      expect(codes(graduated(tiers(sorted)))).toEqual([]);
      const reversed = [...sorted].reverse();
      if (bounds.length > 1) expect(codes(graduated(tiers(reversed)))).toContain('tiers_not_ascending');
    }));
  });

  it('flags a bounded last tier and an unbounded middle tier', () => {
    expect(codes(graduated([{ up_to: '10', unit_price: '1' }]))).toEqual(['last_tier_bounded']);
    expect(codes(graduated([{ unit_price: '1' }, { up_to: '10', unit_price: '1' }, { unit_price: '1' }]))).toEqual(['tier_unbounded_not_last']);
  });

  it('alerts: ascending lists pass, any list with a non-increase fails', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 6 }), (alerts) => {
      const ascending = alerts.every((a, i) => i === 0 || a > alerts[i - 1]!);
      const found = codes(doc({ budgets: [{ per: 'customer', period: 'monthly', amount: '1', alerts: alerts.map(String) }] }));
      expect(found.includes('alerts_not_ascending')).toBe(!ascending);
    }));
  });

  it('never throws, whatever the decimal strings hold', () => {
    fc.assert(fc.property(fc.string(), fc.string(), (a, b) => {
      expect(() => checkDocument(doc({ models: [{ id: 'm', rates: { input: a }, long_context: [{ threshold: b, rates: {} }] }], rules: [{ type: 'discount', percent: a }] }))).not.toThrow();
    }));
  });
});

describe('periods', () => {
  it('period_mixed once per plan or schedule whose known period differs from the first known one; never throws (property)', () => {
    const period = fc.constantFrom('daily', 'weekly', 'monthly', 'quarterly', 'yearly', 'hourly', '');
    const schedule = period.map((p) => ({ mode: 'package' as const, meter: 'requests' as const, period: p as 'daily', package: { size: '10', price: '1' } }));
    const plan = fc.record({ period, tiers: fc.array(schedule, { maxLength: 2 }) });
    fc.assert(
      fc.property(fc.array(plan, { maxLength: 3 }), fc.array(schedule, { maxLength: 3 }), (plans, tiers) => {
        const d = doc({ plans: plans.map((p, i) => ({ name: `p${i}`, period: p.period as 'daily', tiers: p.tiers })), tiers });
        const order = [...plans.flatMap((p) => [p.period, ...p.tiers.map((t) => t.period)]), ...tiers.map((t) => t.period)];
        const known = order.filter((x) => ['daily', 'weekly', 'monthly', 'quarterly', 'yearly'].includes(x));
        const expected = known.filter((x) => x !== known[0]).length;
        let found: string[] = [];
        expect(() => (found = codes(d))).not.toThrow();
        expect(found.filter((c) => c === 'period_mixed')).toHaveLength(expected);
      }),
    );
  });
});

describe('checkTierRanges', () => {
  it('accepts contiguous ranges and names gaps and overlaps', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 1e9 }), { minLength: 1, maxLength: 5 }), fc.integer({ min: -5, max: 5 }), (bounds, shift) => {
      const sorted = [...bounds].sort((a, b) => a - b);
      const ranges = [...sorted.map((b, i) => ({ from: String(i ? sorted[i - 1] : 0), up_to: String(b) })), { from: String(sorted.at(-1)) }];
      expect(checkTierRanges(ranges)).toEqual([]);
      const last = ranges.at(-1)!;
      last.from = String(Number(last.from) + shift);
      const found = checkTierRanges(ranges).map((d) => d.code);
      expect(found).toEqual(shift > 0 ? ['tier_gap'] : shift < 0 ? ['tier_overlap'] : []);
    }));
  });
});

describe('normalize', () => {
  it('perUnit is exact: per-1M text × 1,000,000 gives back the written value', () => {
    fc.assert(fc.property(decimal, fc.constantFrom('1K' as const, '1M' as const), (text, scale) => {
      const unit = perUnit(text, scale)!;
      expect(unit).not.toMatch(/e/i);
      expect(new Dec(unit).times(scale === '1M' ? 1_000_000 : 1000).eq(new Dec(text))).toBe(true);
    }));
  });

  it('perScale only answers when converting back is lossless', () => {
    fc.assert(fc.property(decimal, (rate) => {
      const scaled = perScale(rate, '1M');
      if (scaled !== undefined) expect(perUnit(scaled, '1M')).toBe(rate);
    }));
    expect(perScale('0.0000025', '1M')).toBe('2.5');
    expect(perScale('0.00000250', '1M')).toBeUndefined();
  });

  it('parseQuantity reads suffixes exactly', () => {
    expect(['200K', '1.5M', '2B', '10_000', '7', '1.25K', 'x', '-1', '1e3'].map(parseQuantity))
      .toEqual(['200000', '1500000', '2000000000', '10000', '7', '1250', undefined, undefined, undefined]);
  });

  it('stripSpans removes every span and undefined field, and copies', () => {
    const span = { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 2, offset: 1 } };
    const original = doc({ models: [{ id: 'a', rates: { input: '1' }, span, provider: undefined }], budgets: [{ per: 'customer', period: 'daily', amount: '1', span, when: [{ attribute: 'plan', op: 'eq', values: ['x'], span }] }] });
    const stripped = stripSpans(original);
    expect(JSON.stringify(stripped)).not.toContain('span');
    expect(stripped.models[0]).toEqual({ id: 'a', rates: { input: '1' } });
    expect(original.models[0]!.span).toBe(span);
  });
});

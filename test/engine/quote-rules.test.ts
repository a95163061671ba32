import { describe, expect, it } from 'vitest';
import { compileRatecard } from '../../src/compile/index.js';
import type { AdjustmentRule, Plan, TierSchedule } from '../../src/pricing/document.js';
import { doc, errorOf, GPT4O, SONNET, span, sumLines } from './helpers.js';

/** A model at $1 per token so hand computations stay readable. */
const UNIT = { id: 'unit', provider: 'acme', rates: { input: '1', output: '2' } };

function rc(rules: AdjustmentRule[] = [], extra: { tiers?: TierSchedule[]; plans?: Plan[] } = {}) {
  return compileRatecard(doc({ models: [UNIT, GPT4O, SONNET], rules, ...extra }));
}

describe('markups and discounts', () => {
  it('markup percent, then percent discount, then fixed discount, whatever the source order', () => {
    const rules: AdjustmentRule[] = [
      { type: 'discount', fixed: '1' },
      { type: 'discount', percent: '10' },
      { type: 'markup', percent: '20' },
    ];
    const q = rc(rules).quote({ model: 'unit', usage: { input: 100 } });
    // 100 × 1.2 = 120; × 0.9 = 108; − 1 = 107
    expect(q.lines.map((l) => [l.kind, l.amount, l.rule])).toEqual([
      ['usage', '100', 'model unit input'],
      ['markup', '20', 'markup 20% on all models'],
      ['discount', '-12', 'discount 10% on all models'],
      ['discount', '-1', 'discount 1 per call on all models'],
    ]);
    expect(q).toMatchObject({ cost: '100', price: '107' });
  });

  it('markups compound in source order; multipliers too', () => {
    expect(rc([{ type: 'markup', percent: '10' }, { type: 'markup', percent: '10' }]).quote({ model: 'unit', usage: { input: 100 } }).price).toBe('121');
    expect(rc([{ type: 'markup', multiplier: '1.5', name: 'resale' }]).quote({ model: 'unit', usage: { input: 3 } }).lines[1]).toMatchObject({ amount: '1.5', rule: 'markup "resale" ×1.5 on all models' });
  });

  it('a fixed discount never takes the price below 0', () => {
    const q = rc([{ type: 'discount', fixed: '0.01' }]).quote({ model: 'gpt-4o', usage: { input: 2000 } });
    expect(q.lines.at(-1)).toMatchObject({ kind: 'discount', amount: '-0.005' });
    expect(q.price).toBe('0');
  });

  it('a 100% discount gives 0, exactly', () => {
    expect(rc([{ type: 'discount', percent: '100' }]).quote({ model: 'gpt-4o', usage: { input: 7 } }).price).toBe('0');
  });

  it('scope by model id, alias and provider', () => {
    const r = rc([
      { type: 'markup', percent: '10', scope: { models: ['gpt-4o-2024-08-06'] } },
      { type: 'markup', percent: '50', scope: { providers: ['Anthropic'] } },
    ]);
    expect(r.quote({ model: 'gpt-4o', usage: { input: 100000 } }).price).toBe('0.275');
    expect(r.quote({ model: 'claude-sonnet-4-5', usage: { input: 100000 } }).price).toBe('0.45');
    expect(r.quote({ model: 'unit', usage: { input: 1 } }).price).toBe('1');
  });

  it('a provider scope on a provider-less model is checked against the call’s provider', () => {
    const r = compileRatecard(doc({ models: [{ id: 'house', rates: { input: '1' } }], rules: [{ type: 'markup', percent: '10', scope: { providers: ['vllm'] } }] }));
    expect(r.quote({ model: 'house', provider: 'vllm', usage: { input: 10 } }).price).toBe('11');
    expect(r.quote({ model: 'house', provider: 'groq', usage: { input: 10 } }).price).toBe('10');
    expect(r.quote({ model: 'house', usage: { input: 10 } }).price).toBe('10');
  });
});

describe('conditions', () => {
  const when = (attribute: string, op: 'eq' | 'ne' | 'in' | 'not_in', ...values: string[]) =>
    rc([{ type: 'discount', percent: '50', when: [{ attribute, op, values }] }]);
  const price = (r: ReturnType<typeof rc>, extra: object) => r.quote({ model: 'unit', usage: { input: 10 }, ...extra }).price;

  it.each([
    ['customer eq', when('customer', 'eq', 'acme'), { attributes: { customer: 'acme' } }, '5'],
    ['customer eq (other)', when('customer', 'eq', 'acme'), { attributes: { customer: 'globex' } }, '10'],
    ['customer eq (missing)', when('customer', 'eq', 'acme'), {}, '10'],
    ['customer ne (missing)', when('customer', 'ne', 'acme'), {}, '5'],
    ['agent in', when('agent', 'in', 'a', 'b'), { attributes: { agent: 'b' } }, '5'],
    ['agent not_in', when('agent', 'not_in', 'a', 'b'), { attributes: { agent: 'b' } }, '10'],
    ['conversation eq', when('conversation', 'eq', 'c1'), { attributes: { conversation: 'c1' } }, '5'],
    ['task eq', when('task', 'eq', 'summarize'), { attributes: { task: 'summarize' } }, '5'],
    ['tags contains', when('tags', 'eq', 'internal'), { attributes: { tags: ['x', 'internal'] } }, '5'],
    ['tags in (any)', when('tags', 'in', 'a', 'internal'), { attributes: { tags: ['internal'] } }, '5'],
    ['tags ne (none)', when('tags', 'ne', 'internal'), { attributes: { tags: ['x', 'internal'] } }, '10'],
    ['tags not_in (none)', when('tags', 'not_in', 'a', 'b'), { attributes: { tags: ['x'] } }, '5'],
    ['service_tier from request', when('service_tier', 'eq', 'batch'), { service_tier: 'batch' }, '5'],
    ['service_tier from attributes', when('service_tier', 'eq', 'batch'), { attributes: { service_tier: 'batch' } }, '5'],
    ['provider (case-insensitive)', when('provider', 'eq', 'ACME'), {}, '5'],
    ['model by id', when('model', 'eq', 'Unit'), {}, '5'],
    ['custom attribute', when('region', 'in', 'eu-west-1'), { attributes: { region: 'eu-west-1' } }, '5'],
    ['custom attribute (case-sensitive)', when('region', 'in', 'eu-west-1'), { attributes: { region: 'EU-WEST-1' } }, '10'],
  ] as const)('%s', (_name, r, extra, expected) => {
    expect(price(r, extra)).toBe(expected);
  });

  it('all clauses must hold', () => {
    const r = rc([{ type: 'discount', percent: '50', when: [{ attribute: 'customer', op: 'eq', values: ['acme'] }, { attribute: 'plan', op: 'ne', values: ['free'] }] }]);
    expect(price(r, { attributes: { customer: 'acme' } })).toBe('5');
    expect(r.quote({ model: 'unit', usage: { input: 10 }, attributes: { customer: 'globex' } }).price).toBe('10');
  });

  it('the model condition matches the requested alias as well as the id', () => {
    const r = compileRatecard(doc({ models: [GPT4O], rules: [{ type: 'discount', percent: '50', when: [{ attribute: 'model', op: 'eq', values: ['gpt-4o-2024-08-06'] }] }] }));
    expect(r.quote({ model: 'gpt-4o', usage: { input: 1000000 } }).price).toBe('1.25');
  });

  it('rule text shows the condition', () => {
    const r = when('tags', 'in', 'a', 'b');
    expect(r.quote({ model: 'unit', usage: { input: 1 }, attributes: { tags: ['a'] } }).lines[1]!.rule).toBe('discount 50% on all models when tags in ("a", "b")');
  });
});

describe('tier schedules in quotes', () => {
  const graduated: TierSchedule = { mode: 'graduated', meter: 'output_tokens', period: 'monthly', tiers: [{ up_to: '1000', unit_price: '0.00002' }, { unit_price: '0.00001' }] };

  it('graduated: the covered usage is re-priced at f(before+q) − f(before)', () => {
    const q = rc([], { tiers: [graduated] }).quote({ model: 'gpt-4o', usage: { input: 1000, output: 1500, reasoning: 500 }, period: { quantities: { output_tokens: '500' } } });
    // output+reasoning = 2000 after 500: 500 × 0.00002 + 1500 × 0.00001 = 0.025, replacing 0.02 at model rates
    expect(q.lines.at(-1)).toMatchObject({ kind: 'tier', component: 'output_tokens', quantity: '2000', amount: '0.005', rule: 'tiers graduated on output_tokens monthly on all models' });
    expect(q).toMatchObject({ cost: '0.0225', price: '0.0275', metered: { output_tokens: '2000' } });
    expect(sumLines(q)).toBe(q.price);
  });

  it('volume: the per-call delta can be negative when the period crosses into a cheaper tier', () => {
    const volume: TierSchedule = { ...graduated, mode: 'volume' };
    const q = rc([], { tiers: [volume] }).quote({ model: 'gpt-4o', usage: { output: 200 }, period: { quantities: { output_tokens: '900' } } });
    // f(1100) − f(900) = 0.011 − 0.018 = −0.007; replaces 0.002
    expect(q.lines.at(-1)!.amount).toBe('-0.009');
    expect(q.price).toBe('-0.007');
  });

  it('package: ceil((Q − free) / size) × price, charged as the delta', () => {
    const pkg: TierSchedule = { mode: 'package', meter: 'requests', period: 'monthly', package: { size: '1000', price: '0.5', free: '100' } };
    const r = rc([], { tiers: [pkg] });
    const at = (before: string) => r.quote({ model: 'unit', usage: { input: 1 }, period: { quantities: { requests: before } } }).price;
    expect(at('0')).toBe('1'); // within the free 100
    expect(at('100')).toBe('1.5'); // request 101 opens the first package
    expect(at('101')).toBe('1');
    expect(at('1100')).toBe('1.5'); // request 1101 opens the second
  });

  it('plan schedules apply only to calls on that plan; top-level ones to every matching call', () => {
    const plan: Plan = { name: 'pro', period: 'monthly', tiers: [graduated] };
    const r = rc([], { plans: [plan] });
    expect(r.quote({ model: 'gpt-4o', usage: { output: 100 }, attributes: { plan: 'pro' } }).price).toBe('0.002');
    expect(r.quote({ model: 'gpt-4o', usage: { output: 100 } }).price).toBe('0.001');
  });

  it('schedule scope and when', () => {
    const scoped: TierSchedule = { ...graduated, scope: { models: ['claude-sonnet-4-5'] } };
    const cond: TierSchedule = { ...graduated, when: [{ attribute: 'customer', op: 'eq', values: ['acme'] }] };
    expect(rc([], { tiers: [scoped] }).quote({ model: 'gpt-4o', usage: { output: 100 } }).metered).toBeUndefined();
    expect(rc([], { tiers: [cond] }).quote({ model: 'gpt-4o', usage: { output: 100 }, attributes: { customer: 'acme' } }).price).toBe('0.002');
    expect(rc([], { tiers: [cond] }).quote({ model: 'gpt-4o', usage: { output: 100 } }).price).toBe('0.001');
  });

  it('two schedules pricing the same usage of one call is an error, not a double charge', () => {
    const e = errorOf(() => rc([], { tiers: [graduated, { ...graduated, meter: 'tokens' }] }).quote({ model: 'gpt-4o', usage: { output: 1 } }));
    expect(e.code).toBe('tier_overlap');
    // Disjoint meters are fine.
    const q = rc([], { tiers: [graduated, { ...graduated, meter: 'input' }] }).quote({ model: 'gpt-4o', usage: { input: 10, output: 10 } });
    expect(q.metered).toEqual({ output_tokens: '10', input: '10' });
  });

  it('a plan schedule overrides a top-level schedule on the same usage; a partial overlap is an error', () => {
    const everyone: TierSchedule = { mode: 'graduated', meter: 'output_tokens', period: 'monthly', tiers: [{ unit_price: '3' }] };
    const planned: Plan = { name: 'pro', period: 'monthly', tiers: [{ mode: 'graduated', meter: 'output_tokens', period: 'monthly', tiers: [{ unit_price: '1' }] }] };
    const r = rc([], { tiers: [everyone], plans: [planned] });
    expect(r.quote({ model: 'unit', usage: { output: 10 }, attributes: { plan: 'pro' } }).price).toBe('10');
    expect(r.quote({ model: 'unit', usage: { output: 10 } }).price).toBe('30');
    const partial = rc([], { tiers: [{ ...everyone, meter: 'tokens' }], plans: [planned] });
    expect(errorOf(() => partial.quote({ model: 'unit', usage: { output: 10 }, attributes: { plan: 'pro' } })).code).toBe('tier_overlap');
  });

  it('rejects malformed period quantities', () => {
    const e = errorOf(() => rc([], { tiers: [graduated] }).quote({ model: 'gpt-4o', usage: { output: 1 }, period: { quantities: { output_tokens: '1.5' } } }));
    expect(e.code).toBe('period_invalid');
  });
});

describe('plans', () => {
  it('an unknown plan is plan_not_found with suggestions', () => {
    const e = errorOf(() => rc([], { plans: [{ name: 'enterprise', period: 'monthly' }] }).quote({ model: 'unit', usage: {}, attributes: { plan: 'enterprize' } }));
    expect(e.code).toBe('plan_not_found');
    expect(e.details.suggestions).toEqual(['enterprise']);
  });

  it('the allowance waives usage consumed from the period’s prior quantity, in kind order', () => {
    const r = rc([], { plans: [{ name: 'pro', period: 'monthly', includes: { quantity: '1000', meter: 'tokens' } }] });
    const q = r.quote({ model: 'unit', usage: { input: 300, output: 100 }, attributes: { plan: 'pro' }, period: { quantities: { tokens: '800' } } });
    // 200 free units left: all from input (first in kind order)
    expect(q.lines.map((l) => [l.kind, l.component, l.quantity, l.amount])).toEqual([
      ['usage', 'input', '300', '300'],
      ['usage', 'output', '100', '200'],
      ['allowance', 'input', '200', '-200'],
    ]);
    expect(q).toMatchObject({ cost: '500', price: '300', metered: { tokens: '400' } });
    expect(q.lines[2]!.rule).toBe('plan "pro" includes 1000 tokens');
    const spill = r.quote({ model: 'unit', usage: { input: 100, output: 300 }, attributes: { plan: 'pro' }, period: { quantities: { tokens: '700' } } });
    expect(spill.lines.filter((l) => l.kind === 'allowance').map((l) => [l.component, l.quantity])).toEqual([['input', '100'], ['output', '200']]);
    expect(r.quote({ model: 'unit', usage: { input: 5 }, attributes: { plan: 'pro' }, period: { quantities: { tokens: '1000' } } }).price).toBe('5');
  });

  it('the cap limits the period’s usage charges against prior spend', () => {
    const r = rc([], { plans: [{ name: 'capped', period: 'monthly', cap: '100' }] });
    const q = r.quote({ model: 'unit', usage: { input: 50 }, attributes: { plan: 'capped' }, period: { spend: '70' } });
    expect(q.lines.at(-1)).toMatchObject({ kind: 'cap', amount: '-20', rule: 'plan "capped" cap 100 per month' });
    expect(q).toMatchObject({ cost: '50', price: '30' });
    expect(r.quote({ model: 'unit', usage: { input: 50 }, attributes: { plan: 'capped' }, period: { spend: '150' } }).price).toBe('0');
    expect(r.quote({ model: 'unit', usage: { input: 5 }, attributes: { plan: 'capped' }, period: { spend: '1' } }).lines.some((l) => l.kind === 'cap')).toBe(false);
    const fine = r.quote({ model: 'unit', usage: { input: 50 }, attributes: { plan: 'capped' }, period: { spend: '99.0000000000000000000001' } });
    expect(fine.price).toBe('0.9999999999999999999999');
    expect(sumLines(fine)).toBe(fine.price);
    expect(errorOf(() => r.quote({ model: 'unit', usage: {}, attributes: { plan: 'capped' }, period: { spend: '1e3' } })).code).toBe('period_invalid');
  });
});

describe('evaluation order, all steps in one call', () => {
  it('rates → allowance → tiers → markups → percent discounts → fixed discounts → cap', () => {
    const plan: Plan = {
      name: 'team', period: 'monthly', cap: '1000', span: span(20, 1),
      includes: { quantity: '100', meter: 'input_tokens' },
      tiers: [{ mode: 'graduated', meter: 'output', period: 'monthly', tiers: [{ up_to: '10', unit_price: '3' }, { unit_price: '1' }] }],
    };
    const r = compileRatecard(doc({
      models: [UNIT],
      plans: [plan],
      rules: [
        { type: 'discount', fixed: '5', span: span(12, 1) },
        { type: 'discount', percent: '25', span: span(11, 1) },
        { type: 'markup', percent: '100', span: span(10, 1) },
      ],
    }), { file: 'order.rate' });
    const q = r.quote({ model: 'unit', usage: { input: 150, output: 20 }, attributes: { plan: 'team' }, period: { quantities: { input_tokens: '60', output: '5' }, spend: '900' } });
    // 1. cost 150 + 40 = 190; 2. 40 input tokens free → −40 (150); 3. output 20 after 5: 5×3 + 15×1 = 30 replaces 40 → −10 (140)
    // 4. ×2 → +140 (280); 5. ×0.75 → −70 (210); 6. −5 (205); 7. room 100 → −105 (100)
    expect(q.lines.map((l) => [l.kind, l.amount, l.source])).toEqual([
      ['usage', '150', undefined],
      ['usage', '40', undefined],
      ['allowance', '-40', 'order.rate:20:1'],
      ['tier', '-10', undefined],
      ['markup', '140', 'order.rate:10:1'],
      ['discount', '-70', 'order.rate:11:1'],
      ['discount', '-5', 'order.rate:12:1'],
      ['cap', '-105', 'order.rate:20:1'],
    ]);
    expect(q).toMatchObject({ cost: '190', price: '100', metered: { input_tokens: '150', output: '20' } });
    expect(sumLines(q)).toBe('100');
  });

  it('the allowance leaves kinds priced by a tier schedule alone', () => {
    const plan: Plan = { name: 'p', period: 'monthly', includes: { quantity: '1000', meter: 'tokens' }, tiers: [{ mode: 'graduated', meter: 'output', period: 'monthly', tiers: [{ unit_price: '5' }] }] };
    const q = compileRatecard(doc({ models: [UNIT], plans: [plan] })).quote({ model: 'unit', usage: { input: 10, output: 10 }, attributes: { plan: 'p' } });
    expect(q.lines.map((l) => [l.kind, l.component, l.amount])).toEqual([
      ['usage', 'input', '10'],
      ['usage', 'output', '20'],
      ['allowance', 'input', '-10'],
      ['tier', 'output', '30'],
    ]);
    expect(q.price).toBe('50');
  });
});

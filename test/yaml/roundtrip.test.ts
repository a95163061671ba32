import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadYamlPricing, printYaml } from '../../src/yaml/index.js';
import { stripSpans } from '../../src/pricing/normalize.js';
import { ATTRIBUTES, METERS, PERIODS, SERVICE_TIERS } from '../../src/pricing/check.js';
import type {
  AdjustmentRule, Budget, Condition, ModelPricing, Plan, PricingDocument, RateTable, Tier, TierSchedule,
} from '../../src/pricing/document.js';
import { RATE_KEYS } from '../../src/pricing/document.js';
import { ROUNDING_MODES } from '../../src/money/index.js';

/** Decimal strings as a file may hold them: any scale, trailing zeros kept. */
const decimal = fc
  .tuple(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.integer({ min: 0, max: 12 }))
  .map(([digits, scale]) => {
    const s = digits.toString().padStart(scale + 1, '0');
    return scale === 0 ? s : `${s.slice(0, s.length - scale)}.${s.slice(s.length - scale)}`;
  });
/** Per-token rates, including the "X per 1M" ones the printer turns into per-1M text. */
const rate = fc.oneof(decimal, fc.integer({ min: 1, max: 100_000 }).map((n) => `0.${'0'.repeat(6)}${n}`.replace(/0+$/, '') || '0'));
const integer = fc.bigInt({ min: 1n, max: 10n ** 12n }).map(String);
const percent = fc.integer({ min: 0, max: 10_000 }).map((n) => (n % 100 === 0 ? String(n / 100) : (n / 100).toFixed(2)));
/** Names, including ones that need quoting in YAML. */
const name = fc.oneof(
  fc.stringMatching(/^[a-z][a-z0-9-]{0,10}(\.[0-9])?$/),
  fc.constantFrom('true', 'null', '3.5', '007', 'has space', 'colon: yes', '#hash', 'quote"d', "it's", 'ünïcode', '- dash', '[x]'),
);
const nonEmptyNames = fc.uniqueArray(name, { minLength: 1, maxLength: 3 });

const rateTable = fc.record(Object.fromEntries(RATE_KEYS.map((k) => [k, k === 'request' || k === 'web_search' ? decimal : rate])) as Record<keyof RateTable, fc.Arbitrary<string>>, { requiredKeys: [] })
  .filter((t) => Object.keys(t).length > 0);

const clause = fc.record({
  attribute: fc.oneof(fc.constantFrom(...ATTRIBUTES), fc.stringMatching(/^[a-z][a-z_]{0,8}$/).filter((a) => !(ATTRIBUTES as readonly string[]).includes(a))),
  op: fc.constantFrom('eq', 'ne', 'in', 'not_in'),
  values: nonEmptyNames,
}).map((c) => (c.attribute === 'service_tier' ? { ...c, values: [SERVICE_TIERS[c.values.length % 4]!] } : c));
const condition: fc.Arbitrary<Condition> = fc.array(clause, { minLength: 1, maxLength: 3 });

function documentArb(): fc.Arbitrary<PricingDocument> {
  return fc.uniqueArray(name, { minLength: 0, maxLength: 4, comparator: (a, b) => a.toLowerCase() === b.toLowerCase() }).chain((ids) => {
    const models = fc.tuple(...ids.map((id) => fc.record({
      id: fc.constant(id),
      provider: fc.option(fc.constantFrom('openai', 'anthropic', 'google'), { nil: undefined }),
      rates: rateTable,
      long_context: fc.option(
        fc.uniqueArray(fc.integer({ min: 1, max: 2000 }), { minLength: 1, maxLength: 2 }).chain((ts) =>
          fc.tuple(...[...ts].sort((a, b) => a - b).map((t) => fc.record({ threshold: fc.constant(String(t * 1000)), rates: rateTable })))),
        { nil: undefined }),
    }, { requiredKeys: ['id', 'rates'] }) as fc.Arbitrary<ModelPricing>));
    const scope = fc.option(fc.record({
      models: ids.length ? fc.uniqueArray(fc.constantFrom(...ids), { minLength: 1, maxLength: 2 }) : fc.constant(undefined),
    }, { requiredKeys: [] }).map((s) => (s.models ? s : undefined)), { nil: undefined });
    const markup = fc.record({
      type: fc.constant('markup' as const), name: fc.option(name, { nil: undefined }),
      value: fc.oneof(percent.map((p) => ({ percent: p })), decimal.map((d) => ({ multiplier: `1${d.includes('.') ? d.slice(d.indexOf('.')) : ''}` }))),
      scope, when: fc.option(condition, { nil: undefined }),
    }).map(({ value, ...r }) => ({ ...r, ...value }));
    const discount = fc.record({
      type: fc.constant('discount' as const), name: fc.option(name, { nil: undefined }),
      value: fc.oneof(fc.integer({ min: 0, max: 100 }).map((p) => ({ percent: String(p) })), decimal.map((d) => ({ fixed: d }))),
      scope, when: fc.option(condition, { nil: undefined }),
    }).map(({ value, ...r }) => ({ ...r, ...value }));
    const tiers = fc.uniqueArray(fc.bigInt({ min: 1n, max: 10n ** 10n }), { minLength: 0, maxLength: 3 }).chain((bounds) =>
      fc.tuple(...[...bounds].sort((a, b) => (a < b ? -1 : 1)).map(String).concat(['∞']).map((b) =>
        fc.record({ up_to: fc.constant(b === '∞' ? undefined : b), unit_price: rate, flat_fee: fc.option(decimal, { nil: undefined }) }))));
    const schedule = (period: fc.Arbitrary<string>) => fc.record({
      name: fc.option(name, { nil: undefined }),
      meter: fc.constantFrom(...METERS),
      period,
      body: fc.oneof(
        fc.record({ mode: fc.constantFrom('graduated' as const, 'volume' as const), tiers }),
        fc.record({ mode: fc.constant('package' as const), package: fc.record({ size: integer, price: decimal, free: fc.option(integer, { nil: undefined }) }) }),
      ),
      scope, when: fc.option(condition, { nil: undefined }),
    }).map(({ body, ...s }) => ({ ...s, ...body }) as TierSchedule);
    const plan = (planName: string) => fc.constantFrom(...PERIODS).chain((period) => fc.record({
      name: fc.constant(planName), period: fc.constant(period),
      fee: fc.option(decimal, { nil: undefined }),
      includes: fc.option(fc.record({ quantity: integer, meter: fc.constantFrom(...METERS) }), { nil: undefined }),
      tiers: fc.option(fc.array(schedule(fc.constant(period)), { maxLength: 2 }), { nil: undefined }),
      minimum: fc.option(decimal, { nil: undefined }),
    }) as fc.Arbitrary<Plan>);
    const budget = fc.record({
      name: fc.option(name, { nil: undefined }),
      per: fc.oneof(fc.constantFrom(...ATTRIBUTES), fc.constant('team')),
      period: fc.constantFrom(...PERIODS),
      amount: integer,
      alerts: fc.option(fc.uniqueArray(fc.integer({ min: 1, max: 150 }), { minLength: 1, maxLength: 3 }).map((a) => a.sort((x, y) => x - y).map(String)), { nil: undefined }),
      hard_limit: fc.option(fc.boolean(), { nil: undefined }),
      when: fc.option(condition, { nil: undefined }),
    }) as fc.Arbitrary<Budget>;
    return fc.record({
      name: fc.option(name, { nil: undefined }),
      version: fc.option(fc.oneof(name, integer), { nil: undefined }),
      currency: fc.constantFrom('USD', 'EUR', 'JPY'),
      use_catalog: fc.option(fc.boolean(), { nil: undefined }),
      rounding: fc.option(fc.constantFrom(...Object.keys(ROUNDING_MODES)).map((mode) => ({ mode })), { nil: undefined }),
      models: ids.length ? models : fc.constant([]),
      rules: fc.array(fc.oneof(markup, discount) as fc.Arbitrary<AdjustmentRule>, { maxLength: 4 }),
      tiers: fc.array(schedule(fc.constantFrom(...PERIODS)), { maxLength: 2 }),
      plans: fc.uniqueArray(name, { maxLength: 2, comparator: (a, b) => a.toLowerCase() === b.toLowerCase() }).chain((names) => (names.length ? fc.tuple(...names.map(plan)) : fc.constant([]))),
      budgets: fc.array(budget, { maxLength: 2 }),
    }, { requiredKeys: ['currency', 'models', 'rules', 'tiers', 'plans', 'budgets'] }) as fc.Arbitrary<PricingDocument>;
  });
}

describe('printYaml', () => {
  it('loadYamlPricing(printYaml(doc)) gives back the document exactly', () => {
    fc.assert(
      fc.property(documentArb(), (generated) => {
        const doc = stripSpans(generated);
        const text = printYaml(doc);
        const result = loadYamlPricing(text);
        // A document comes back whenever the text is well-formed and matches the schema;
        // semantic findings (e.g. two budgets with one name) do not stop it.
        expect(result.document, JSON.stringify(result.diagnostics)).toBeDefined();
        expect(stripSpans(result.document!), text).toEqual(doc);
      }),
      { numRuns: 200 },
    );
  });

  it('is a fixed point: printing a loaded print gives the same text', () => {
    fc.assert(
      fc.property(documentArb(), (doc) => {
        const text = printYaml(doc);
        expect(printYaml(loadYamlPricing(text).document!)).toBe(text);
      }),
      { numRuns: 100 },
    );
  });

  it('prints readable per-1M rates only when they convert back exactly', () => {
    const doc: PricingDocument = {
      currency: 'USD', rules: [], tiers: [], plans: [], budgets: [],
      models: [{ id: 'm', rates: { input: '0.0000025', output: '0.00000250', cache_read: '0.000000001', request: '0.01' } }],
    };
    const text = printYaml(doc);
    expect(text).toContain('input: 2.5 per 1M');
    expect(text).toContain('output: 0.00000250'); // trailing zero kept: per 1M would lose it
    expect(text).toContain('cache_read: 0.001 per 1M');
    expect(text).toContain('per_request: 0.01');
  });
});

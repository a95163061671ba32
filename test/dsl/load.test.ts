import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadRatePricing } from '../../src/dsl/index.js';
import { formatDiagnostic } from '../../src/errors/index.js';
import { Dec, formatDecimal } from '../../src/money/index.js';
import { codes, where } from './helpers.js';

const load = (src: string) => loadRatePricing(src, { file: 'test.rate' });
const model = (body: string) => load(`currency USD\nmodel "m" {\n${body}\n}\n`);

describe('loadRatePricing: values', () => {
  it('stores rates per one unit, exactly', () => {
    const r = model(`input 2.50 per 1M tokens
cached input 1.25 per 1M tokens
cache write 5m 3.75 per 1M tokens
cache write 1h 6 per 1M tokens
output 0.01 per 1k tokens
reasoning 0.000_005 per token
input audio 40 per 1_000_000 tokens
request 0.01 per request
web search 25.00 per 1000 searches
default 3 per 1M tokens`);
    expect(r.diagnostics).toEqual([]);
    expect(r.document!.models[0]!.rates).toEqual({
      input: '0.0000025', cache_read: '0.00000125', cache_write_5m: '0.00000375', cache_write_1h: '0.000006', output: '0.00001',
      reasoning: '0.000005', input_audio: '0.00004', request: '0.01', web_search: '0.025', default: '0.000003',
    });
  });

  it('evaluates arithmetic exactly, with units', () => {
    const r = model('input (2.00 + 0.50) per 1M tokens\noutput 10 per 1M tokens * 80%\nrequest ($0.02 / 2) per request');
    expect(r.diagnostics).toEqual([]);
    expect(r.document!.models[0]!.rates).toEqual({ input: '0.0000025', output: '0.000008', request: '0.01' });
  });

  it('"X per N tokens" is X / N exactly for any decimal X and count N', () => {
    const decimal = fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.integer({ min: 0, max: 8 })).map(([n, scale]) => formatDecimal(new Dec(n.toString()).div(new Dec(10).pow(scale))));
    fc.assert(
      fc.property(decimal, fc.constantFrom(['1', 1], ['1k', 1000], ['1M', 1_000_000], ['10M', 10_000_000], ['250', 250]), (price, [count, n]) => {
        const r = model(`input ${price} per ${count} tokens`);
        const expected = new Dec(price).div(n);
        if (!expected.times(n).eq(price)) return; // not a terminating decimal: checked below
        expect(r.document?.models[0]!.rates.input).toBe(formatDecimal(expected));
        expect(r.document!.models[0]!.rates.input).not.toMatch(/e/i);
      }),
    );
  });

  it('refuses a rate that is not an exact decimal', () => {
    expect(codes(model('input 1 per 3 tokens').diagnostics)).toEqual(['inexact_value']);
  });

  it('reads the whole example from the design notes', () => {
    const r = load(`ratecard "acme-ai" version 3
currency USD
use catalog
rounding half_up
model "claude-sonnet-4-5" (provider anthropic) {
  alias "claude-sonnet-4-5-20250929", "sonnet"
  input 3.00 per 1M tokens;  cache read 0.30 per 1M tokens
  output 15.00 per 1M tokens
  above 200k prompt tokens { input 6.00 per 1M tokens; output 22.50 per 1M tokens }
}
markup 20% on all models
markup factor 1.1 on provider anthropic when region in ("eu", "ap") as "regional uplift"
discount 50% when service_tier = "batch"
discount 0.001 per request on model "claude-sonnet-4-5" when tags not in ("internal")
tiers volume on requests monthly when plan != "free" {
  up to 1000 0.01 per request
  from 1000 to 10k 0.008 per request flat 5.00
  above 0.005 per request
}
tiers package on web searches monthly { 5.00 per 1000 searches; first 100 free }
plan "enterprise" monthly {
  fee 500.00
  includes 100M tokens
  tiers graduated on output tokens { up to 10M 8.00 per 1M tokens; above 4.00 per 1M tokens }
  minimum 1_000.00
  cap 10_000
}
budget "per-customer" per customer monthly $2_000.00 when plan = "pro" { alert at 50%, 80%, 100%; hard limit }
`);
    expect(r.diagnostics).toEqual([]);
    const d = r.document!;
    expect(d).toMatchObject({ name: 'acme-ai', version: '3', currency: 'USD', use_catalog: true, rounding: { mode: 'half_up' } });
    expect(d.models[0]).toMatchObject({ id: 'claude-sonnet-4-5', provider: 'anthropic', aliases: ['claude-sonnet-4-5-20250929', 'sonnet'], long_context: [{ threshold: '200000', rates: { input: '0.000006', output: '0.0000225' } }] });
    expect(d.rules.map((x) => ({ ...x, span: undefined }))).toMatchObject([
      { type: 'markup', percent: '20' },
      { type: 'markup', multiplier: '1.1', scope: { providers: ['anthropic'] }, when: [{ attribute: 'region', op: 'in', values: ['eu', 'ap'] }], name: 'regional uplift' },
      { type: 'discount', percent: '50', when: [{ attribute: 'service_tier', op: 'eq', values: ['batch'] }] },
      { type: 'discount', fixed: '0.001', scope: { models: ['claude-sonnet-4-5'] }, when: [{ attribute: 'tags', op: 'not_in', values: ['internal'] }] },
    ]);
    expect(d.tiers[0]).toMatchObject({ mode: 'volume', meter: 'requests', period: 'monthly', tiers: [{ up_to: '1000', unit_price: '0.01' }, { up_to: '10000', unit_price: '0.008', flat_fee: '5.00' }, { unit_price: '0.005' }] });
    expect(d.tiers[1]).toMatchObject({ mode: 'package', meter: 'web_searches', package: { size: '1000', price: '5.00', free: '100' } });
    expect(d.plans[0]).toMatchObject({ name: 'enterprise', period: 'monthly', fee: '500.00', includes: { quantity: '100000000', meter: 'tokens' }, minimum: '1000.00', cap: '10000', tiers: [{ mode: 'graduated', meter: 'output_tokens', period: 'monthly' }] });
    expect(d.budgets[0]).toMatchObject({ name: 'per-customer', per: 'customer', period: 'monthly', amount: '2000.00', alerts: ['50', '80', '100'], hard_limit: true });
  });

  it('keywords do not steal identifiers; quoted names take any text', () => {
    const r = load(`currency USD
model per { input 1 per token }
model o1 (provider per) { input 1 per token }
model gpt-4o-2024-08-06 { input 1 per token }
model claude-3.5-sonnet { input 1 per token }
model "my \\"quoted\\" model\\u{1F600}" { input 1 per token }
model input { output 1 per token }
markup 10% on models per, input from provider per when model = per`);
    expect(r.diagnostics).toEqual([]);
    expect(r.document!.models.map((m) => m.id)).toEqual(['per', 'o1', 'gpt-4o-2024-08-06', 'claude-3.5-sonnet', 'my "quoted" model😀', 'input']);
    expect(r.document!.rules[0]!.scope).toEqual({ models: ['per', 'input'], providers: ['per'] });
  });

  it('keeps comments out of the document', () => {
    const r = load('# header\ncurrency USD // trailing\nmodel m { input 1 per token # per token\n}');
    expect(r.diagnostics).toEqual([]);
  });
});

describe('loadRatePricing: type and unit errors', () => {
  it.each([
    ['input 2.50', 'missing_unit'],
    ['input 20%', 'type_mismatch'],
    ['input $5 + 10M tokens', 'type_mismatch'],
    ['input 2 per request', 'unit_mismatch'],
    ['request 2 per 1M tokens', 'unit_mismatch'],
    ['input 2 per 0 tokens', 'invalid_unit_count'],
    ['input 2 / 0 per token', 'division_by_zero'],
    ['input 2k per token', 'type_mismatch'],
    ['input 2 EUR per token', 'currency_mismatch'],
    ['input 10% per token', 'type_mismatch'],
    ['input 1 per token * 1 per token', 'type_mismatch'],
    ['cache write 10m 1 per token', 'unknown_cache_ttl'],
    ['input 1 per token\ninput 2 per token', 'duplicate_rate'],
  ])('%s → %s', (body, code) => {
    const r = model(body);
    expect(r.document).toBeUndefined();
    expect(codes(r.diagnostics)).toContain(code);
  });

  it('rejects a percent where money is expected, and money where a percent is', () => {
    const r = load('currency USD\nmodel m { input 1 per token }\nplan p monthly { fee 10%; includes $5 }\nmarkup $5\nbudget per customer monthly 100 { alert at 50 }');
    expect(where(r.diagnostics)).toEqual([
      [3, 22, 'type_mismatch'],
      [3, 36, 'type_mismatch'],
      [4, 8, 'missing_unit'],
      [5, 44, 'missing_unit'],
    ]);
  });

  it('every error carries file:line:col and a code frame with a caret', () => {
    const src = 'currency USD\nmodel m {\n  input 2.50\n}\n';
    const [d] = loadRatePricing(src, { file: 'prices.rate' }).diagnostics;
    expect(formatDiagnostic(d!, src)).toBe(
      'prices.rate:3:9: error[missing_unit]: the input rate needs a unit\n  = help: write `2.5 per 1M tokens`\n  2 | model m {\n> 3 |   input 2.50\n    |         ^^^^\n  4 | }',
    );
  });
});

describe('loadRatePricing: syntax errors and recovery', () => {
  it('reports every error in one run, with did-you-mean', () => {
    const r = load(`currency USD
model "gpt-4o" {
  ouput 10 per 1M tokens
  cached imput 1 per 1M tokens
  input 2.5 per 1M tokens
}
markup 20% on all modles
modle "x" { input 1 per token }
discount 10% when plan = "a"
budget per customer montly 100
`);
    expect(r.document).toBeUndefined();
    expect(where(r.diagnostics)).toEqual([
      [3, 3, 'unknown_keyword'],
      [4, 10, 'unexpected_token'],
      [7, 19, 'unexpected_token'],
      [8, 1, 'unexpected_token'],
      [10, 21, 'unexpected_token'],
    ]);
    expect(r.diagnostics.map((d) => d.hint)).toEqual([
      'did you mean `output`?', 'did you mean `input`?', 'did you mean `models` or `model`?', 'did you mean `model`?', 'did you mean `monthly`?',
    ]);
  });

  it('never drops lexer errors', () => {
    const r = load('currency USD\nmodel m { input 1 per token @ }\nmarkup 5% ^^\nmodel "open');
    expect(where(r.diagnostics)).toEqual([
      [2, 29, 'unexpected_character'],
      [3, 11, 'unexpected_character'],
      [4, 6, 'unexpected_end'],
      [4, 7, 'unterminated_string'],
    ]);
  });

  it('reports bad escapes in strings', () => {
    expect(where(load('currency USD\nmodel "a\\qb" { input 1 per token }').diagnostics)).toEqual([[2, 9, 'invalid_escape']]);
  });

  it('suggests a standard attribute and flags rules that can never apply', () => {
    const r = load('currency USD\nmodel m { input 1 per token }\ndiscount 5% when custmer = "a"\nmarkup 5% when plan = "a" and plan = "b"\nmarkup 1% when tags = "a" and tags = "b"');
    expect(where(r.diagnostics)).toEqual([[3, 18, 'unknown_attribute'], [4, 16, 'unreachable_rule']]);
    expect(r.diagnostics[0]!.hint).toContain('`customer`');
    expect(r.document).toBeDefined(); // warnings only
  });

  it('checks tier ranges written with `from`', () => {
    const r = load(`currency USD
model m { input 1 per token }
tiers graduated on tokens monthly {
  from 0 to 10M 1 per 1M tokens
  from 20M to 30M 1 per 1M tokens
  from 25M to 40M 1 per 1M tokens
  above 40M 1 per 1M tokens
}`);
    expect(where(r.diagnostics)).toEqual([[5, 8, 'tier_gap'], [6, 8, 'tier_overlap']]);
  });

  it('runs the shared document checks with precise positions', () => {
    const r = load(`currency USD
model m { input 1 per token }
model M { input 1 per token }
markup 5% on model "mm"
tiers graduated on tokens monthly { up to 10M 1 per 1M tokens; up to 5M 1 per 1M tokens; above 1 per 1M tokens }
discount 120%`);
    expect(where(r.diagnostics)).toEqual([[3, 1, 'duplicate_model'], [4, 11, 'unknown_model'], [5, 70, 'tiers_not_ascending'], [6, 10, 'discount_over_100']]);
  });

  it('requires a currency', () => {
    expect(codes(load('model m { input 1 per token }').diagnostics)).toEqual(['missing_currency']);
  });
});

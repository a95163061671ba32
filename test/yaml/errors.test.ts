import { describe, expect, it } from 'vitest';
import { loadYamlPricing } from '../../src/yaml/index.js';
import { formatDiagnostic } from '../../src/errors/index.js';

const where = (src: string, file = 'bad.yaml') =>
  loadYamlPricing(src, { file }).diagnostics.map((d) => `${d.code}@${d.span?.start.line}:${d.span?.start.column}`);

const base = (models: string) => `pricing:\n${models}`;

/** Each case: an invalid file, the code expected, and where (line:col) it must point. */
const CASES: { name: string; yaml: string; expect: string; hint?: RegExp; severity?: 'warning' }[] = [
  { name: 'yaml syntax error', yaml: 'pricing:\n  gpt-4o: [1, 2\n', expect: 'yaml_syntax@3:1' },
  { name: 'duplicate key', yaml: base('  gpt-4o:\n    input: 1\n    input: 2\n'), expect: 'duplicate_key@4:5' },
  { name: 'unknown field with did-you-mean', yaml: base('  gpt-4o:\n    inptu: 2.50 per 1M\n'), expect: 'unknown_field@3:5', hint: /`input`/ },
  { name: 'unknown top-level field', yaml: 'prcing:\n  a: { input: 1 }\n', expect: 'unknown_field@1:1', hint: /`pricing`/ },
  { name: 'exponent notation', yaml: base('  gpt-4o:\n    output: 1e-5\n'), expect: 'invalid_decimal@3:13', hint: /0\.00001/ },
  { name: 'bad rate unit', yaml: base('  gpt-4o:\n    output: 10 per 1Q\n'), expect: 'invalid_rate@3:13' },
  { name: 'wrong type', yaml: 'use_catalog: yes\n', expect: 'invalid_type@1:14' },
  { name: 'missing required field', yaml: 'budgets:\n  - per: customer\n    amount: 10\n', expect: 'missing_field@2:5' },
  { name: 'rule with neither markup nor discount', yaml: 'rules:\n  - name: x\n', expect: 'missing_field@2:5' },
  { name: 'rule with both markup and discount', yaml: 'rules:\n  - markup: 10%\n    discount: 5%\n', expect: 'conflicting_fields@3:5' },
  { name: 'unknown period', yaml: 'plans:\n  pro:\n    period: montly\n', expect: 'unknown_period@3:13', hint: /`monthly`/ },
  { name: 'unknown meter', yaml: 'tiers:\n  - meter: output_token\n    period: monthly\n    package: { size: 10, price: 1 }\n', expect: 'unknown_meter@2:12', hint: /`output_tokens`/ },
  { name: 'unknown rounding mode', yaml: 'rounding: half-even\n', expect: 'unknown_rounding_mode@1:11', hint: /`half_even`/ },
  { name: 'unknown condition attribute', yaml: 'rules:\n  - discount: 5%\n    when: { cusotmer: acme }\n', expect: 'unknown_field@3:13', hint: /`customer`/ },
  { name: 'discount without a percent sign', yaml: 'rules:\n  - discount: 0.5\n', expect: 'invalid_value@2:15', hint: /50%/ },
  { name: 'invalid quantity', yaml: base('  m:\n    input: 1\n    long_context:\n      - above: lots\n        input: 2\n'), expect: 'invalid_quantity@5:16' },
  { name: 'negative price', yaml: base('  m:\n    per_token: -0.000003\n'), expect: 'negative_value@3:16' },
  { name: 'invalid currency', yaml: 'currency: usd\npricing:\n  m: { input: 1 }\n', expect: 'invalid_currency@1:11', hint: /`USD`/ },
  { name: 'discount over 100%', yaml: 'rules:\n  - discount: 150%\n', expect: 'discount_over_100@2:15' },
  { name: 'markup with both values', yaml: 'rules:\n  - markup: { percent: 20, multiplier: 1.2 }\n', expect: 'adjustment_value_conflict@2:40' },
  { name: 'tiers out of order', yaml: 'tiers:\n  - meter: tokens\n    period: monthly\n    graduated:\n      - { up_to: 10M, price: 1 }\n      - { up_to: 5M, price: 1 }\n      - { price: 1 }\n', expect: 'tiers_not_ascending@6:18' },
  { name: 'last tier bounded', yaml: 'tiers:\n  - meter: tokens\n    period: monthly\n    volume:\n      - { up_to: 10M, price: 1 }\n', expect: 'last_tier_bounded@5:18' },
  { name: 'unbounded tier before the last', yaml: 'tiers:\n  - meter: tokens\n    period: monthly\n    volume:\n      - { price: 2 }\n      - { price: 1 }\n', expect: 'tier_unbounded_not_last@5:9' },
  { name: 'gap between tiers', yaml: 'tiers:\n  - meter: tokens\n    period: monthly\n    graduated:\n      - { up_to: 10M, price: 1 }\n      - { from: 20M, price: 1 }\n', expect: 'tier_gap@6:17' },
  { name: 'overlapping tiers', yaml: 'tiers:\n  - meter: tokens\n    period: monthly\n    graduated:\n      - { up_to: 10M, price: 1 }\n      - { from: 5M, price: 1 }\n', expect: 'tier_overlap@6:17' },
  { name: 'package size zero', yaml: 'tiers:\n  - meter: requests\n    period: monthly\n    package: { size: 0, price: 1 }\n', expect: 'invalid_package_size@4:22' },
  { name: 'unknown model in a scope', yaml: base('  gpt-4o: { input: 1 }\nrules:\n  - markup: 10%\n    models: [gpt4o]\n'), expect: 'unknown_model@5:14', hint: /`gpt-4o`/ },
  { name: 'duplicate alias', yaml: base('  a: { input: 1 }\n  b: { input: 1, aliases: [A] }\n'), expect: 'duplicate_alias@3:28' },
  { name: 'long context not ascending', yaml: base('  m:\n    input: 1\n    long_context:\n      - { above: 200K, input: 2 }\n      - { above: 100K, input: 3 }\n'), expect: 'long_context_not_ascending@6:18' },
  { name: 'alerts not ascending', yaml: 'budgets:\n  - { per: customer, period: monthly, amount: 10, alerts: [80%, 50%] }\n', expect: 'alerts_not_ascending@2:65' },
  { name: 'unknown budget attribute', yaml: 'budgets:\n  - { per: custmer, period: monthly, amount: 10 }\n', expect: 'unknown_attribute@2:12', hint: /`customer`/ },
  { name: 'model without rates', yaml: base('  m: {}\n'), expect: 'model_without_rates@2:3' },
  { name: 'cap below minimum', yaml: 'plans:\n  p: { period: monthly, minimum: 100, cap: 50 }\n', expect: 'cap_below_minimum@2:44' },
  { name: 'empty file', yaml: '# nothing\n', expect: 'empty_file@1:1' },
  { name: 'includes names two meters', yaml: 'plans:\n  p: { period: monthly, includes: { tokens: 1M, requests: 10 } }\n', expect: 'invalid_value@2:35' },
  { name: 'unknown service tier (warning)', yaml: 'rules:\n  - discount: 50%\n    when: { service_tier: bacth }\n', expect: 'unknown_service_tier@3:27', hint: /`batch`/, severity: 'warning' },
];

describe('YAML diagnostics: code and position', () => {
  it('has at least 15 distinct codes', () => {
    expect(new Set(CASES.map((c) => c.expect.split('@')[0])).size).toBeGreaterThanOrEqual(15);
  });

  it.each(CASES)('$name → $expect', ({ yaml, expect: expected, hint, severity }) => {
    const result = loadYamlPricing(yaml, { file: 'bad.yaml' });
    const found = result.diagnostics.map((d) => `${d.code}@${d.span?.start.line}:${d.span?.start.column}`);
    expect(found).toContain(expected);
    const d = result.diagnostics[found.indexOf(expected)]!;
    expect(d.file).toBe('bad.yaml');
    expect(d.severity).toBe(severity ?? 'error');
    if (hint) expect(d.hint).toMatch(hint);
    // Every message is plain text with a code frame, never a stack trace.
    const text = formatDiagnostic(d, yaml);
    expect(text).toMatch(/^bad\.yaml:\d+:\d+: (error|warning)\[/);
    expect(text).not.toMatch(/\n\s+at /);
  });

  it('reports every problem of a file in one run, in source order', () => {
    const src = [
      'currency: usd',                // 1
      'pricing:',                     // 2
      '  gpt-4o:',                    // 3
      '    inptu: 2.50 per 1M',       // 4
      '    output: 1e-5',             // 5
      '  claude:',                    // 6
      '    per_token: -0.000003',     // 7
      'rules:',                       // 8
      '  - discount: 150%',           // 9
      '  - markup: 10%',              // 10
      '    models: [gpt4o]',          // 11
      'plans:',                       // 12
      '  pro: { period: montly }',    // 13
      '',
    ].join('\n');
    expect(where(src)).toEqual([
      'invalid_currency@1:11',
      'unknown_field@4:5',
      'invalid_decimal@5:13',
      'negative_value@7:16',
      'discount_over_100@9:15',
      'unknown_model@11:14',
      'unknown_period@13:18',
    ]);
  });

  it('returns no document when the file does not match the schema, but one with semantic errors', () => {
    expect(loadYamlPricing('pricing:\n  m: { inptu: 1 }\n').document).toBeUndefined();
    const r = loadYamlPricing('pricing:\n  m: { input: -1 }\n');
    expect(r.document?.models[0]?.rates.input).toBe('-1');
    expect(r.diagnostics.map((d) => d.code)).toEqual(['negative_value']);
  });

  it('does not repeat a problem the schema already reported', () => {
    // The invalid discount is reported once by the schema, not again as a missing value.
    expect(where('rules:\n  - discount: 0.5\n')).toEqual(['invalid_value@2:15']);
    expect(where('tiers:\n  - meter: tokens\n    period: monthly\n    graduated:\n      - { up_to: 10X, price: 1 }\n      - { price: 1 }\n'))
      .toEqual(['invalid_quantity@5:18']);
  });

  it('refuses alias bombs and deep nesting without hanging', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`)].join('\n');
    const codes = loadYamlPricing(bomb).diagnostics.map((d) => d.code);
    expect(codes).toContain('yaml_too_large');
  });
});

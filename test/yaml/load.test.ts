import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020Module from 'ajv/dist/2020.js';
import { loadYamlPricing, printYaml, PRICING_SCHEMA } from '../../src/yaml/index.js';
import { stripSpans } from '../../src/pricing/normalize.js';
import type { PricingDocument } from '../../src/pricing/document.js';

const examplesDir = join(import.meta.dirname, '../../pricing-examples');
const examples = readdirSync(examplesDir).filter((f) => /\.ya?ml$/.test(f));

function load(src: string): PricingDocument {
  const r = loadYamlPricing(src, { file: 't.yaml' });
  expect(r.diagnostics).toEqual([]);
  return stripSpans(r.document!);
}

describe('loadYamlPricing', () => {
  it('accepts the published minimal form exactly as is', () => {
    const src = 'pricing:\n  gpt-4o:\n    per_token: 0.000005\n    markup: 1.2 # 20% margin\n  claude-3.5:\n    per_token: 0.000003\n    markup: 1.5\n';
    expect(load(src)).toEqual({
      currency: 'USD',
      models: [
        { id: 'gpt-4o', rates: { default: '0.000005' } },
        { id: 'claude-3.5', rates: { default: '0.000003' } },
      ],
      rules: [
        { type: 'markup', multiplier: '1.2', scope: { models: ['gpt-4o'] } },
        { type: 'markup', multiplier: '1.5', scope: { models: ['claude-3.5'] } },
      ],
      tiers: [], plans: [], budgets: [],
    });
  });

  it('reads decimals from the source text, never through a float', () => {
    const doc = load('pricing:\n  m:\n    input: 0.1000000000000000055511151231257827\n    output: 0.30\n    cache_read: 1_000.000_001\n    per_request: "0.000005"\n');
    expect(doc.models[0]!.rates).toEqual({
      input: '0.1000000000000000055511151231257827', output: '0.30', cache_read: '1000.000001', request: '0.000005',
    });
  });

  it('converts per-1M and per-1K rates exactly to per-token strings', () => {
    const doc = load('pricing:\n  m:\n    input: 2.50 per 1M\n    output: 10 per 1M tokens\n    cache_read: 0.0003 per 1K\n    reasoning: 0.000000003333 per 1m\n');
    expect(doc.models[0]!.rates).toEqual({ input: '0.0000025', output: '0.00001', cache_read: '0.0000003', reasoning: '0.000000000000003333' });
  });

  it('reads quantities with K/M/B suffixes and keeps rules in source order', () => {
    const doc = load([
      'rules:', '  - discount: 10%', 'pricing:', '  m:', '    input: 1', '    markup: 20%', '    long_context: [{ above: 1.5M, input: 2 }]',
      'plans:', '  p: { period: monthly, includes: { output_tokens: 2B } }', '',
    ].join('\n'));
    expect(doc.models[0]!.long_context).toEqual([{ threshold: '1500000', rates: { input: '2' } }]);
    expect(doc.plans[0]!.includes).toEqual({ quantity: '2000000000', meter: 'output_tokens' });
    expect(doc.rules.map((r) => r.type)).toEqual(['discount', 'markup']);
  });

  it('reads every condition form, custom attributes included', () => {
    const doc = load('rules:\n  - discount: 5%\n    when:\n      customer: acme\n      plan: [pro, team]\n      tags: { not_in: [internal] }\n      service_tier: { ne: batch }\n      custom.region: { eq: [eu, uk] }\n');
    expect(doc.rules[0]!.when).toEqual([
      { attribute: 'customer', op: 'eq', values: ['acme'] },
      { attribute: 'plan', op: 'in', values: ['pro', 'team'] },
      { attribute: 'tags', op: 'not_in', values: ['internal'] },
      { attribute: 'service_tier', op: 'ne', values: ['batch'] },
      { attribute: 'region', op: 'eq', values: ['eu', 'uk'] },
    ]);
  });

  it('accepts JSON, which is YAML', () => {
    const doc = load('{"currency": "EUR", "pricing": {"m": {"input": 0.000001, "output": "3 per 1M"}}}');
    expect(doc.currency).toBe('EUR');
    expect(doc.models[0]!.rates).toEqual({ input: '0.000001', output: '0.000003' });
  });

  it('keeps source spans for explain and diagnostics', () => {
    const r = loadYamlPricing('pricing:\n  gpt-4o:\n    input: 1\n');
    expect(r.document!.models[0]!.span?.start).toMatchObject({ line: 2, column: 3 });
  });
});

describe('pricing examples', () => {
  it('has at least the five required examples', () => {
    expect(examples).toEqual(expect.arrayContaining(['minimal.yaml', 'reseller-markup.yaml', 'enterprise-plan.yaml', 'volume-tiers.yaml', 'batch-discount.yaml']));
  });

  it.each(examples)('%s loads without any diagnostic and round-trips through printYaml', (file) => {
    const doc = load(readFileSync(join(examplesDir, file), 'utf8'));
    expect(load(printYaml(doc))).toEqual(doc);
  });

  it('minimal.yaml is the published minimal form verbatim', () => {
    expect(readFileSync(join(examplesDir, 'minimal.yaml'), 'utf8')).toBe(
      'pricing:\n  gpt-4o:\n    per_token: 0.000005\n    markup: 1.2 # 20% margin\n  claude-3.5:\n    per_token: 0.000003\n    markup: 1.5\n');
  });

  it('reseller-markup.yaml has the Sonnet long-context cliff in exact per-token rates', () => {
    const doc = load(readFileSync(join(examplesDir, 'reseller-markup.yaml'), 'utf8'));
    const sonnet = doc.models.find((m) => m.id === 'claude-sonnet-4-5')!;
    expect(sonnet.long_context).toEqual([{ threshold: '200000', rates: { input: '0.000006', cache_read: '0.0000006', cache_write_5m: '0.0000075', cache_write_1h: '0.000012', output: '0.0000225' } }]);
  });
});

describe('schemas/pricing.schema.json', () => {
  type AjvClass = typeof Ajv2020Module.default;
  const Ajv2020 = ((Ajv2020Module as unknown as { default?: AjvClass }).default ?? Ajv2020Module) as AjvClass;

  it('compiles under ajv strict mode', () => {
    const ajv = new Ajv2020({ strict: true, allowUnionTypes: true });
    expect(() => ajv.compile(PRICING_SCHEMA)).not.toThrow();
  });

  it('validates every example as plain YAML data (as an editor would see it)', async () => {
    const { parse } = await import('yaml');
    const validate = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true }).compile(PRICING_SCHEMA);
    for (const file of examples) {
      const ok = validate(parse(readFileSync(join(examplesDir, file), 'utf8')));
      expect(validate.errors ?? [], file).toEqual([]);
      expect(ok).toBe(true);
    }
  });

  it('documents every property for editors', () => {
    const schema = PRICING_SCHEMA as { properties: Record<string, { description?: string }> };
    for (const [key, prop] of Object.entries(schema.properties)) expect(prop.description, key).toBeTruthy();
  });
});

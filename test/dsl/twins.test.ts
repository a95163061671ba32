/**
 * Every YAML example in pricing-examples/ has a `.rate` twin: both must build the same
 * document and, compiled, quote every call identically.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRatecard } from '../../src/compile/index.js';
import { loadRatePricing } from '../../src/dsl/index.js';
import type { QuoteRequest } from '../../src/engine/types.js';
import { stripSpans } from '../../src/pricing/normalize.js';
import { loadYamlPricing } from '../../src/yaml/index.js';

const dir = join(import.meta.dirname, '../../pricing-examples');
const yamls = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

function load(name: string) {
  const rate = readFileSync(join(dir, name.replace(/\.yaml$/, '.rate')), 'utf8');
  const yaml = readFileSync(join(dir, name), 'utf8');
  return { rate: loadRatePricing(rate, { file: name }), yaml: loadYamlPricing(yaml, { file: name }) };
}

/** A quote without `source` positions, which point into each file's own lines. */
function outcome(quote: () => unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(quote(), (k, v) => (k === 'source' ? undefined : v)));
  } catch (e) {
    return { error: (e as { code?: string }).code ?? String(e) };
  }
}

describe('pricing-examples twins', () => {
  it('covers the required examples', () => {
    for (const name of ['minimal', 'reseller-markup', 'enterprise-plan', 'volume-tiers', 'batch-discount']) expect(yamls).toContain(`${name}.yaml`);
  });

  it.each(yamls)('%s and its .rate twin build equal documents', (name) => {
    const { rate, yaml } = load(name);
    expect(rate.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(yaml.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(stripSpans(rate.document!)).toEqual(stripSpans(yaml.document!));
  });

  it.each(yamls)('%s and its .rate twin quote generated calls identically', (name) => {
    const { rate, yaml } = load(name);
    const a = compileRatecard(rate.document!);
    const b = compileRatecard(yaml.document!);
    expect(a.version).toBe(b.version);
    const models = [...rate.document!.models.flatMap((m) => [m.id, ...(m.aliases ?? [])]), 'unknown-model'];
    const tokens = fc.integer({ min: 0, max: 400_000 });
    const request = fc.record({
      model: fc.constantFrom(...models),
      usage: fc.record({ input: tokens, cache_read: tokens, cache_write_5m: tokens, output: tokens, reasoning: tokens, web_searches: fc.integer({ min: 0, max: 3 }) }, { requiredKeys: ['input', 'output'] }),
      service_tier: fc.constantFrom('standard', 'batch', 'flex'),
      attributes: fc.record(
        {
          customer: fc.constantFrom('acme', 'acme-eu', 'other'),
          plan: fc.constantFrom('pro', 'trial', 'enterprise'),
          tags: fc.subarray(['internal', 'eval', 'prod']),
          region: fc.constantFrom('eu', 'us'),
          cohort: fc.constantFrom('trial', 'paid'),
          team: fc.constantFrom('a', 'b'),
        },
        { requiredKeys: [] },
      ),
      period: fc.record({ quantities: fc.record({ tokens: tokens.map(String), output_tokens: tokens.map(String), input_tokens: tokens.map((n) => String(n * 1000)), web_searches: fc.nat(3000).map(String) }), spend: fc.nat(30_000).map(String) }),
    });
    fc.assert(
      fc.property(request, (req) => {
        expect(outcome(() => a.quote(req as QuoteRequest))).toEqual(outcome(() => b.quote(req as QuoteRequest)));
      }),
      { numRuns: 150 },
    );
  });
});

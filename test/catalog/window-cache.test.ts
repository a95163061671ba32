/**
 * The compiled rater caches a catalog price for the window of call times in which it is
 * in force (Catalog.resolveWindow). Property: for any sequence of call times, in any
 * order, the cached rater quotes exactly what an uncached one (plain resolve) quotes —
 * across price changes, alias moves and DeepSeek's daily off-peak window.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileRatecard } from '../../src/compile/index.js';
import { defaultCatalog } from '../../src/catalog/index.js';
import type { PricingDocument } from '../../src/pricing/document.js';
import type { QuoteRequest } from '../../src/engine/types.js';

const catalog = defaultCatalog();
const doc: PricingDocument = { currency: 'USD', use_catalog: true, models: [], rules: [], tiers: [], plans: [], budgets: [] };

const CALLS: { model: string; provider?: string; service_tier?: string }[] = [
  { model: 'o3' },
  { model: 'gpt-4o', provider: 'openai' },
  { model: 'gpt-4o', provider: 'openai', service_tier: 'batch' },
  { model: 'deepseek-chat', provider: 'deepseek' },
  { model: 'deepseek-reasoner' },
  { model: 'gemini-1.5-pro', provider: 'google' },
  { model: 'mistral-large-latest' },
  { model: 'gpt-4o-2024-05-13' },
];

// Times near the known boundaries (to the minute and millisecond), plus anywhere in 2024–2026.
const BOUNDARIES = ['2024-10-01', '2025-02-08', '2025-06-10', '2025-09-05'].flatMap((d) => {
  const midnight = Date.parse(`${d}T00:00:00Z`);
  return [midnight, midnight + 30 * 60_000, midnight + 16.5 * 3_600_000];
});
const time = fc.oneof(
  fc.integer({ min: Date.parse('2024-01-01T00:00:00Z'), max: Date.parse('2026-06-01T00:00:00Z') }),
  fc.tuple(fc.constantFrom(...BOUNDARIES), fc.integer({ min: -120_000, max: 120_000 })).map(([b, d]) => b + d),
);

function outcome(rater: { quote(r: QuoteRequest): unknown }, request: QuoteRequest): string {
  try {
    return JSON.stringify(rater.quote(request));
  } catch (e) {
    return `error ${(e as { code?: string }).code}: ${(e as Error).message}`;
  }
}

describe('catalog price-window cache', () => {
  it('quotes exactly like an uncached lookup for any order of call times', () => {
    const uncached = compileRatecard(doc, { catalog: { resolve: (l) => catalog.resolve(l) } });
    fc.assert(
      fc.property(fc.array(fc.tuple(time, fc.constantFrom(...CALLS), fc.boolean()), { minLength: 1, maxLength: 60 }), (calls) => {
        const cached = compileRatecard(doc, { catalog });
        for (const [t, call, asString] of calls) {
          const request: QuoteRequest = { ...call, at: asString ? new Date(t).toISOString() : new Date(t), usage: { input: 1000, cache_read: 10, output: 100 } };
          expect(outcome(cached, request)).toBe(outcome(uncached, request));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('switches DeepSeek to the off-peak price exactly at 16:30:00 UTC and back at 00:30:00', () => {
    const rater = compileRatecard(doc, { catalog });
    const q = (at: string) => rater.quote({ model: 'deepseek-chat', provider: 'deepseek', at, usage: { input: 1_000_000 } }).cost;
    expect(q('2025-03-01T16:29:59.999Z')).toBe('0.27');
    expect(q('2025-03-01T16:30:00.000Z')).toBe('0.135');
    expect(q('2025-03-02T00:29:59.999Z')).toBe('0.135');
    expect(q('2025-03-02T00:30:00.000Z')).toBe('0.27');
  });
});

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TOKEN_KINDS, normalizeUsage, parseCanonicalUsage, totalTokens } from '../../src/usage/index.js';
import { RatecardError } from '../../src/errors/index.js';
import { SHAPE_CASES } from './generators.js';

const RUNS = { numRuns: 300 };

describe.each(SHAPE_CASES)('$name properties', (c) => {
  it('consistent objects normalize to their exact buckets, detected from the fields alone', () => {
    fc.assert(
      fc.property(c.arb, ({ usage, truth }) => {
        expect(normalizeUsage({ ...(c.provider ? { provider: c.provider } : {}), usage })).toEqual(truth);
      }),
      RUNS,
    );
  });

  it('no double counting: the buckets sum to the provider’s billable total, all non-negative integers', () => {
    fc.assert(
      fc.property(c.arb, ({ usage }) => {
        const u = normalizeUsage({ ...(c.provider ? { provider: c.provider } : {}), usage });
        expect(totalTokens(u)).toBe(c.billable(usage));
        for (const k of TOKEN_KINDS) expect(Number.isSafeInteger(u[k]) && u[k] >= 0).toBe(true);
        expect(parseCanonicalUsage(u)).toEqual(u); // valid canonical usage
      }),
      RUNS,
    );
  });

  for (const [name, breaker] of Object.entries(c.breakers)) {
    it(`inconsistent objects always raise usage_inconsistent: ${name}`, () => {
      fc.assert(
        fc.property(c.arb, fc.integer({ min: 1, max: 1_000_000 }), ({ usage }, k) => {
          const broken = breaker(usage, k);
          let error: unknown;
          try {
            normalizeUsage({ ...(c.provider ? { provider: c.provider } : {}), usage: broken });
          } catch (e) {
            error = e;
          }
          expect(error).toBeInstanceOf(RatecardError);
          expect((error as RatecardError).code).toBe('usage_inconsistent');
        }),
        RUNS,
      );
    });
  }
});

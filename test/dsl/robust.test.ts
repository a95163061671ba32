import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DSL_LIMITS, formatRate, loadRatePricing } from '../../src/dsl/index.js';
import { KEYWORDS } from '../../src/dsl/tokens.js';

/** Every result is a document or at least one error; every diagnostic is well-formed and inside the source. */
function wellFormed(source: string): void {
  const r = loadRatePricing(source, { file: 'fuzz.rate' });
  if (!r.document) expect(r.diagnostics.some((d) => d.severity === 'error')).toBe(true);
  for (const d of r.diagnostics) {
    expect(d.code).toMatch(/^[a-z][a-z0-9_]*$/);
    expect(d.message.length).toBeGreaterThan(0);
    if (d.span) {
      expect(d.span.start.offset).toBeGreaterThanOrEqual(0);
      expect(d.span.start.offset).toBeLessThanOrEqual(source.length);
      expect(d.span.start.line).toBeGreaterThanOrEqual(1);
    }
  }
  expect(r.diagnostics.length).toBeLessThanOrEqual(DSL_LIMITS.maxDiagnostics + 1);
}

const pieces = [
  ...KEYWORDS, '{', '}', '(', ')', ',', ';', '%', '$', '+', '-', '*', '/', '=', '!=', '1', '2.50', '10M', '200k', '1_000.00', '5m', '1h',
  '"gpt-4o"', '"a\\"b"', '"open', 'gpt-4o', 'USD', 'x', '#c\n', '\n', '@', '.5', '1e5',
];

describe('robustness', () => {
  it('random bytes never crash or hang the loader', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => wellFormed(Buffer.from(bytes).toString('latin1'))), { numRuns: 300 });
  });

  it('random unicode text never crashes', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), wellFormed), { numRuns: 300 });
  });

  it('random token sequences never crash, and formatting them never throws', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 80 }), (tokens) => {
        const source = tokens.join(' ');
        wellFormed(source);
        formatRate(source);
      }),
      { numRuns: 500 },
    );
  });

  it('enforces the frozen limits', () => {
    expect(Object.isFrozen(DSL_LIMITS)).toBe(true);
    const deep = `currency USD\nmodel m { input ${'('.repeat(200)}1${')'.repeat(200)} per token }`;
    expect(loadRatePricing(deep).diagnostics.map((d) => d.code)).toEqual(['too_deep']);
    const huge = `currency USD\n${'#'.repeat(DSL_LIMITS.maxSourceLength)}`;
    expect(loadRatePricing(huge).diagnostics.map((d) => d.code)).toEqual(['too_large']);
    const many = `currency USD\n${'; '.repeat(DSL_LIMITS.maxTokens)}`;
    expect(loadRatePricing(many).diagnostics.map((d) => d.code)).toEqual(['too_large']);
  });

  it('caps the number of diagnostics for garbage input', () => {
    const r = loadRatePricing('@ '.repeat(5000));
    expect(r.diagnostics.length).toBe(DSL_LIMITS.maxDiagnostics + 1);
    expect(r.diagnostics.filter((d) => d.code === 'too_many_errors')).toHaveLength(1);
  });
});

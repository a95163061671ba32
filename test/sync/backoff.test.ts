import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backoffDelay, nextDelay, parseRetryAfter, signBody, verifySignature } from '../../src/sync/index.js';

describe('backoff', () => {
  it('stays within [0, min(max, base·2^(n-1))) for any attempt and jitter', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.double({ min: 0, max: 0.9999999, noNaN: true }), fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 100_000 }), (attempt, r, baseMs, maxMs) => {
        const d = backoffDelay(attempt, { baseMs, maxMs }, () => r);
        expect(Number.isInteger(d)).toBe(true);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThan(Math.max(1, Math.min(maxMs, baseMs * 2 ** (attempt - 1))));
      }),
    );
  });

  it('grows exponentially until the cap (with the same jitter draw)', () => {
    const at = (n: number) => backoffDelay(n, { baseMs: 100, maxMs: 5000 }, () => 0.5);
    expect([1, 2, 3, 4, 5, 6, 7].map(at)).toEqual([50, 100, 200, 400, 800, 1600, 2500]);
  });

  it('reads Retry-After as delay-seconds or an HTTP-date, and ignores garbage', () => {
    const now = Date.parse('2025-03-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Sat, 01 Mar 2025 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Fri, 28 Feb 2025 23:00:00 GMT', now)).toBe(0); // in the past: now
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter('1.5', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('Retry-After wins over backoff, capped', () => {
    expect(nextDelay(1, 7000, { baseMs: 10 })).toBe(7000);
    expect(nextDelay(1, 10 ** 9, { maxRetryAfterMs: 60_000 })).toBe(60_000);
    expect(nextDelay(3, undefined, { baseMs: 10 }, () => 0.5)).toBe(20);
  });
});

describe('HMAC signatures', () => {
  it('verify accepts exactly the signed body, secret and a fresh timestamp', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), fc.string(), (body, secret, other) => {
        const t = 1_700_000_000;
        const h = signBody(body, secret, t);
        expect(verifySignature(body, h, secret, { now: t + 10 })).toBe(true);
        if (other !== body) expect(verifySignature(other, h, secret, { now: t })).toBe(false);
        expect(verifySignature(body, h, `${secret}x`, { now: t })).toBe(false);
        expect(verifySignature(body, h, secret, { now: t + 301 })).toBe(false);
      }),
    );
    expect(verifySignature('x', 't=abc,v1=zz', 's')).toBe(false);
    expect(verifySignature('x', undefined, 's')).toBe(false);
  });
});

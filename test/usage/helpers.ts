import { expect } from 'vitest';
import { emptyUsage, type CanonicalUsage } from '../../src/usage/canonical.js';
import { RatecardError } from '../../src/errors/index.js';

/** Canonical usage with every bucket not named here at its default (0, requests 1). */
export function canonical(partial: Partial<CanonicalUsage>): CanonicalUsage {
  return { ...emptyUsage(), ...partial };
}

/** Runs `fn`, expects a RatecardError with `code`, returns it for further checks. */
export function expectError(fn: () => unknown, code: string): RatecardError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(RatecardError);
    const err = e as RatecardError;
    expect(err.code, err.message).toBe(code);
    return err;
  }
  throw new Error(`expected RatecardError ${code}, nothing was thrown`);
}

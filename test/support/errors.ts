import { RatecardError } from '../../src/errors/index.js';

/** The RatecardError a function throws (fails the test if it throws nothing or something else). */
export function errorOf(fn: () => unknown): RatecardError {
  try {
    fn();
  } catch (e) {
    if (e instanceof RatecardError) return e;
    throw e;
  }
  throw new Error('expected a RatecardError');
}

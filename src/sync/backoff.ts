/**
 * Exponential backoff with full jitter (a random delay in [0, min(max, base·2^n)]), so
 * many senders that failed together do not retry together; and Retry-After, which the
 * target sends as delay-seconds or an HTTP-date, takes precedence (capped).
 */
export interface BackoffOptions {
  /** First backoff ceiling, ms. Default 200. */
  baseMs?: number;
  /** Largest backoff, ms. Default 30 000. */
  maxMs?: number;
  /** Largest Retry-After honored, ms (a broken header must not park the outbox for a day). Default 300 000. */
  maxRetryAfterMs?: number;
}

export function backoffDelay(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const base = options.baseMs ?? 200;
  const max = options.maxMs ?? 30_000;
  const ceiling = Math.min(max, base * 2 ** Math.min(attempt - 1, 30));
  return Math.floor(random() * ceiling);
}

/** Milliseconds to wait from a Retry-After header value; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // HTTP-date (IMF-fixdate, also the obsolete RFC 850 / asctime forms Date.parse reads).
  if (!/[a-z]/i.test(text)) return undefined;
  const when = Date.parse(text);
  if (Number.isNaN(when)) return undefined;
  return Math.max(0, when - now);
}

/** The wait before the next attempt: Retry-After when given (capped), else jittered backoff. */
export function nextDelay(attempt: number, retryAfterMs: number | undefined, options: BackoffOptions = {}, random?: () => number): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, options.maxRetryAfterMs ?? 300_000);
  return backoffDelay(attempt, options, random);
}

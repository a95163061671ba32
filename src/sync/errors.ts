/**
 * Why a delivery attempt failed, and whether trying again can help. Transient failures
 * (network, timeouts, 408, 429, 5xx) are retried with backoff; a permanent one (any
 * other 4xx) sends the batch, or the offending events, to the dead letters.
 */
export class SinkError extends Error {
  override readonly name = 'SinkError';
  readonly retryable: boolean;
  readonly status: number | undefined;
  /** From Retry-After, when the target said when to come back. */
  readonly retryAfterMs: number | undefined;
  /** The response body, when there was one (sinks read structured errors from it). */
  readonly body: string | undefined;

  constructor(message: string, options: { retryable: boolean; status?: number; retryAfterMs?: number; body?: string; cause?: unknown }) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.retryable = options.retryable;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.body = options.body;
  }
}

/** Statuses worth retrying: request timeout, too many requests, and server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Anything that is not a SinkError (a reset socket, DNS, a bug in a custom sink) is treated as transient. */
export function asSinkError(e: unknown): SinkError {
  if (e instanceof SinkError) return e;
  const cause = (e as { cause?: { code?: string } } | undefined)?.cause;
  const detail = cause?.code ? ` (${cause.code})` : '';
  return new SinkError(`${e instanceof Error ? e.message : String(e)}${detail}`, { retryable: true, cause: e });
}

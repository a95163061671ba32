/**
 * One HTTP POST of a prepared body, with a per-attempt timeout, optional HMAC signature
 * and Bearer auth. Classifies the outcome: 2xx resolves; 408/429/5xx and network failures
 * throw a retryable SinkError (with Retry-After when sent); any other status throws a
 * permanent one carrying the response text as the reason.
 */
import { SinkError, isRetryableStatus } from './errors.js';
import { parseRetryAfter } from './backoff.js';
import { SIGNATURE_HEADER, signBody, type SigningOptions } from './signature.js';

export interface HttpTargetOptions {
  url: string;
  headers?: Record<string, string>;
  /** Sent as `Authorization: Bearer <token>`. */
  bearerToken?: string;
  /** Per-attempt timeout, ms. Default 10 000. */
  timeoutMs?: number;
  signing?: SigningOptions;
}

export interface HttpResponse {
  status: number;
  text: string;
}

const MAX_REASON = 500;

export async function postBody(target: HttpTargetOptions, body: string, contentType: string, signal: AbortSignal): Promise<HttpResponse> {
  const headers: Record<string, string> = { 'content-type': contentType, ...target.headers };
  if (target.bearerToken) headers.authorization = `Bearer ${target.bearerToken}`;
  if (target.signing) headers[target.signing.header ?? SIGNATURE_HEADER] = signBody(body, target.signing.secret);
  const timeout = AbortSignal.timeout(target.timeoutMs ?? 10_000);
  let res: Response;
  let text: string;
  try {
    res = await fetch(target.url, { method: 'POST', headers, body, signal: AbortSignal.any([signal, timeout]) });
    text = await res.text();
  } catch (e) {
    const reason = timeout.aborted ? `timed out after ${target.timeoutMs ?? 10_000} ms` : describeNetworkError(e);
    throw new SinkError(`POST ${target.url}: ${reason}`, { retryable: true, cause: e });
  }
  if (res.status >= 200 && res.status < 300) return { status: res.status, text };
  const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
  const reason = `POST ${target.url}: HTTP ${res.status}${text ? `: ${text.slice(0, MAX_REASON)}` : ''}`;
  throw new SinkError(reason, { retryable: isRetryableStatus(res.status), status: res.status, body: text, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
}

function describeNetworkError(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `${cause.code}${cause.message ? ` (${cause.message})` : ''}`;
  return e instanceof Error ? e.message : String(e);
}

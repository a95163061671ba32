/**
 * Generic HTTP sink: POSTs `{"events":[SyncEvent, …]}` as JSON. Any 2xx acknowledges the
 * whole batch; the receiver deduplicates by `id`. A receiver may refuse single events by
 * answering 2xx with `{"rejected":[{"index":0,"reason":"…"}]}`.
 *
 * `format: 'entry'` sends each stored entry verbatim instead (`{id, seq, type, at, hash,
 * prev_hash, entry: <canonical body>}`): nothing is parsed or re-encoded on the way, and the
 * receiver can verify the hash chain.
 */
import { encodeEvent } from '../event.js';
import { postBody, type HttpTargetOptions } from '../http.js';
import type { Rejection, SendContext, SendResult, Sink, SyncEvent } from '../types.js';

export interface HttpSinkOptions extends HttpTargetOptions {
  name?: string;
  maxBatchEvents?: number;
  /** `event` (default): flattened SyncEvents. `entry`: the stored entries verbatim. */
  format?: 'event' | 'entry';
}

export function createHttpSink(options: HttpSinkOptions): Sink {
  return {
    name: options.name ?? 'http',
    ...(options.maxBatchEvents !== undefined ? { maxBatchEvents: options.maxBatchEvents } : {}),
    ...(options.format === 'entry' ? { raw: true } : {}),
    async send(events: readonly SyncEvent[], ctx: SendContext): Promise<SendResult> {
      const res = await postBody(options, `{"events":[${events.map(encodeEvent).join(',')}]}`, 'application/json', ctx.signal);
      return { rejected: readRejections(res.text, events.length) };
    },
  };
}

function readRejections(text: string, n: number): Rejection[] {
  if (!text.includes('rejected')) return [];
  try {
    const body = JSON.parse(text) as { rejected?: unknown };
    if (!Array.isArray(body.rejected)) return [];
    return body.rejected.filter((r): r is Rejection => Number.isInteger((r as Rejection)?.index) && (r as Rejection).index >= 0 && (r as Rejection).index < n)
      .map((r) => ({ index: r.index, reason: typeof r.reason === 'string' ? r.reason : 'rejected by the receiver' }));
  } catch {
    return [];
  }
}

/**
 * Generic HTTP sink: POSTs `{"events":[SyncEvent, …]}` as JSON. Any 2xx acknowledges the
 * whole batch; the receiver deduplicates by `id`. A receiver may refuse single events by
 * answering 2xx with `{"rejected":[{"index":0,"reason":"…"}]}`.
 *
 * `format: 'entry'` sends each stored entry verbatim instead (`{id, seq, type, at, hash,
 * prev_hash, entry: <canonical body>}`): nothing is parsed or re-encoded on the way, and the
 * receiver can verify the hash chain.
 */
import { encodeEventBytes } from '../event.js';
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
      const res = await postBody(options, batchBody(events), 'application/json', ctx.signal);
      return { rejected: readRejections(res.text, events.length) };
    },
  };
}

const OPEN = Buffer.from('{"events":[');
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']}');

/** `{"events":[…]}` from the events' cached UTF-8 encodings, joined as bytes (no batch-sized string). */
function batchBody(events: readonly SyncEvent[]): Buffer {
  const parts: Buffer[] = new Array<Buffer>(events.length * 2 + 1);
  let n = 0;
  parts[n++] = OPEN;
  for (let i = 0; i < events.length; i++) {
    if (i > 0) parts[n++] = COMMA;
    parts[n++] = encodeEventBytes(events[i]!);
  }
  parts[n++] = CLOSE;
  parts.length = n;
  return Buffer.concat(parts);
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

/**
 * A caller that takes the raw HTTP response (`asResponse()`: a gateway passing the
 * provider's body on to its own client) gets it untouched; ratecard reads a clone beside
 * it — a JSON body through the adapter's `fromBody`, an SSE body event by event through
 * its stream observer — so the call is recorded with its usage instead of as unread.
 * Anthropic's message threads read a streamed turn the same way (`_responseProps()`).
 * Runs off the caller's path; nothing here can fail the caller's read.
 */
import type { PendingCall } from './call.js';
import { errorName, headerOf } from './call.js';
import type { ApiAdapter } from './instrument.js';

interface BodyLike {
  headers?: unknown;
  body?: ReadableStream<Uint8Array> | null;
  json(): Promise<unknown>;
}

/** Read `copy` (a clone of the caller's response) and finish `call` from it. */
export async function recordRawResponse(copy: BodyLike, adapter: ApiAdapter, call: PendingCall): Promise<void> {
  const requestId = headerOf(copy.headers, adapter.requestIdHeader);
  const type = headerOf(copy.headers, 'content-type') ?? '';
  if (!type.includes('text/event-stream')) {
    let body: unknown;
    try {
      body = await copy.json();
    } catch {
      call.succeed({ complete: false, requestId }, 'response_unreadable');
      return;
    }
    const outcome = typeof body === 'object' && body !== null ? adapter.fromBody(body as Record<string, unknown>) : { complete: false };
    if (requestId) outcome.requestId = requestId;
    call.succeed(outcome, 'no_usage');
    return;
  }
  const observer = adapter.observeStream(false);
  let reason = 'stream_ended_without_usage';
  try {
    for await (const data of sseData(copy.body)) {
      call.progress++;
      if (data === '[DONE]') continue;
      let event: unknown;
      try {
        event = JSON.parse(data);
      } catch {
        continue; // not an event we can read; the provider's own framing, not usage
      }
      observer.onEvent(event, call);
    }
  } catch (error) {
    reason = `stream_error: ${errorName(error)}`;
  }
  const outcome = observer.outcome();
  if (requestId) outcome.requestId = requestId;
  call.succeed(outcome, reason);
}

/** The `data` of each server-sent event (multi-line data joined by \n), per the SSE framing rules. */
export async function* sseData(body: ReadableStream<Uint8Array> | null | undefined): AsyncGenerator<string> {
  if (!body) return;
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  const line = function* (text: string): Generator<string> {
    if (text === '') {
      if (data.length > 0) yield data.join('\n');
      data = [];
    } else if (text.startsWith('data:')) {
      data.push(text.slice(text.startsWith('data: ') ? 6 : 5));
    }
    // `event:`, `id:`, `retry:` and `:` comments carry no usage: the data has the event type.
  };
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = buffer.search(/\r\n|\r|\n/)) !== -1) {
      if (nl === buffer.length - 1 && buffer[nl] === '\r') break; // its \n may be in the next chunk
      const text = buffer.slice(0, nl);
      buffer = buffer.slice(buffer[nl] === '\r' && buffer[nl + 1] === '\n' ? nl + 2 : nl + 1);
      yield* line(text);
    }
  }
  buffer += decoder.decode();
  if (buffer !== '') yield* line(buffer);
  yield* line('');
}

/**
 * Instruments what an SDK method returns, in place, so the caller keeps the same object:
 * a Stainless `APIPromise` keeps `.withResponse()`, `.asResponse()` and `_thenUnwrap`;
 * a `Stream` keeps `tee()`, `toReadableStream()` and `controller`. Only the path the
 * data takes is tapped. Every tap is guarded: a bug here is counted, never thrown.
 */
import type { CallOutcome, PendingCall } from './call.js';
import { headerOf } from './call.js';

/** Reads one API's wire format. */
export interface ApiAdapter {
  /** Response header carrying the provider's request id. */
  requestIdHeader: string;
  /** Outcome of a non-streamed response body. */
  fromBody(body: Record<string, unknown>): CallOutcome;
  /** A fresh observer for one stream. */
  observeStream(hideUsageChunk: boolean): StreamObserver;
}

export interface StreamObserver {
  /** Sees each event; returns true to hide it from the caller (only chunks we asked for). */
  onEvent(event: unknown, call: PendingCall): boolean;
  outcome(): CallOutcome;
}

type AnyFn = (...args: unknown[]) => unknown;
type Obj = Record<string | symbol, unknown>;

interface Tap {
  call: PendingCall;
  adapter: ApiAdapter;
  hideUsageChunk: boolean;
  onInternalError: () => void;
}

/** Instrument a method's return value; returns it (same object when possible). */
export function instrumentResult(result: unknown, tap: Tap): unknown {
  if (!isObj(result) || typeof result.then !== 'function') {
    // Synchronous result: nothing we understand; close the call so it is not left open.
    guard(tap, () => onData(result, undefined, tap));
    return result;
  }
  if (typeof result.withResponse === 'function') return patchApiPromise(result, tap);
  return (result as unknown as PromiseLike<unknown>).then(
    (data) => {
      guard(tap, () => onData(data, undefined, tap));
      return data;
    },
    (error: unknown) => {
      guard(tap, () => tap.call.fail(error));
      throw error;
    },
  );
}

/**
 * Shadow then/catch/finally/withResponse on the instance. The parsed data flows through
 * one memoized `withResponse()` of the original, which also yields the response headers
 * (request id) without reading the body twice. `asResponse()` is left alone: a caller
 * reading the raw body gets it unread; the call then stays open until shutdown().
 */
function patchApiPromise(p: Obj, tap: Tap): Obj {
  const origWithResponse = p.withResponse as AnyFn;
  let tapped: Promise<{ data: unknown; response: unknown }> | undefined;
  const run = (): Promise<{ data: unknown; response: unknown }> =>
    (tapped ??= (origWithResponse.call(p) as Promise<{ data: unknown; response: unknown }>).then(
      (r) => {
        guard(tap, () => onData(r.data, r.response, tap));
        return r;
      },
      (error: unknown) => {
        guard(tap, () => tap.call.fail(error));
        throw error;
      },
    ));
  const data = (): Promise<unknown> => run().then((r) => r.data);
  define(p, 'then', (a?: AnyFn, b?: AnyFn) => data().then(a, b));
  define(p, 'catch', (b?: AnyFn) => data().catch(b));
  define(p, 'finally', (f?: () => void) => data().finally(f));
  define(p, 'withResponse', () => run().then((r) => ({ ...r })));
  return p;
}

function onData(data: unknown, response: unknown, tap: Tap): void {
  const headers = isObj(response) ? response.headers : undefined;
  const requestId = headerOf(headers, tap.adapter.requestIdHeader) ?? (isObj(data) ? str(data._request_id) : undefined);
  if (isObj(data) && isStreamLike(data)) {
    patchStream(data, tap, requestId);
    return;
  }
  const outcome = isObj(data) ? tap.adapter.fromBody(data as Record<string, unknown>) : { complete: false };
  if (requestId) outcome.requestId = requestId;
  tap.call.succeed(outcome);
}

function isStreamLike(x: Obj): boolean {
  return typeof x[Symbol.asyncIterator] === 'function';
}

/**
 * Stainless streams build every iterator (for-await, tee, toReadableStream) from the
 * instance's `iterator` factory, so wrapping that one field observes all of them; other
 * async iterables get an own `Symbol.asyncIterator`. Only the first iterator is observed:
 * a second one is the SDK's "already consumed" error, not a new call.
 */
function patchStream(stream: Obj, tap: Tap, requestId: string | undefined): void {
  const observer = tap.adapter.observeStream(tap.hideUsageChunk);
  let claimed = false;
  const wrap = (inner: AsyncIterator<unknown>): AsyncIterator<unknown> => {
    if (claimed) return inner;
    claimed = true;
    return observeIterator(inner, observer, tap, requestId);
  };
  if (typeof stream.iterator === 'function') {
    const orig = stream.iterator as () => AsyncIterator<unknown>;
    stream.iterator = () => wrap(orig.call(stream));
  } else {
    const orig = stream[Symbol.asyncIterator] as () => AsyncIterator<unknown>;
    define(stream, Symbol.asyncIterator, () => wrap(orig.call(stream)));
  }
}

async function* observeIterator(inner: AsyncIterator<unknown>, observer: StreamObserver, tap: Tap, requestId: string | undefined): AsyncGenerator<unknown> {
  let ended = false;
  let reason = 'stream_abandoned';
  try {
    for (;;) {
      const r = await inner.next();
      if (r.done) {
        ended = true;
        reason = 'stream_ended_without_usage';
        return;
      }
      let hide = false;
      try {
        hide = observer.onEvent(r.value, tap.call);
      } catch {
        tap.onInternalError();
      }
      if (!hide) yield r.value;
    }
  } catch (error) {
    ended = true;
    reason = `stream_error: ${errorName(error)}`;
    throw error;
  } finally {
    // Abandoned (break / return / cancel): close the SDK iterator so it aborts the request.
    if (!ended) {
      try {
        await inner.return?.();
      } catch {
        // the caller is leaving; a failing close is not theirs to handle
      }
    }
    guard(tap, () => {
      const outcome = observer.outcome();
      if (requestId) outcome.requestId = requestId;
      tap.call.succeed(outcome, reason);
    });
  }
}

function errorName(e: unknown): string {
  if (isObj(e)) return str(e.name) ?? 'Error';
  return typeof e;
}

function guard(tap: Tap, fn: () => void): void {
  try {
    fn();
  } catch {
    tap.onInternalError();
  }
}

function define(o: object, key: string | symbol, value: unknown): void {
  Object.defineProperty(o, key, { value, writable: true, configurable: true, enumerable: false });
}

export function isObj(x: unknown): x is Obj {
  return x !== null && (typeof x === 'object' || typeof x === 'function');
}

export function str(x: unknown): string | undefined {
  return typeof x === 'string' && x !== '' ? x : undefined;
}

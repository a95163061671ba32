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
    guard(tap, () => onData(result, tap));
    return result;
  }
  if (typeof result.withResponse === 'function') return patchApiPromise(result, tap);
  return (result as unknown as PromiseLike<unknown>).then(
    (data) => {
      guard(tap, () => onData(data, tap));
      return data;
    },
    (error: unknown) => {
      guard(tap, () => tap.call.fail(error));
      throw error;
    },
  );
}

/**
 * Shadow then/catch/finally/withResponse on the instance (plain own properties over the
 * prototype's). The parsed data flows once through the original `then` (Stainless
 * caches the parse, so `withResponse()` afterwards returns the same, tapped, object).
 * `asResponse()` is left alone: a caller reading the raw body gets it unread; such a
 * call stays open until shutdown(), which records it as incomplete.
 */
function patchApiPromise(p: Obj, tap: Tap): Obj {
  const origThen = p.then as AnyFn;
  const origWithResponse = p.withResponse as AnyFn;
  const origAsResponse = typeof p.asResponse === 'function' ? (p.asResponse as () => Promise<unknown>) : undefined;
  let tapped: Promise<unknown> | undefined;
  const run = (): Promise<unknown> =>
    (tapped ??= origThen.call(
      p,
      (data: unknown) => {
        guard(tap, () => onData(data, tap, origAsResponse && (() => origAsResponse.call(p))));
        return data;
      },
      (error: unknown) => {
        guard(tap, () => tap.call.fail(error));
        throw error;
      },
    ) as Promise<unknown>);
  p.then = (a?: AnyFn, b?: AnyFn) => run().then(a, b);
  p.catch = (b?: AnyFn) => run().then(undefined, b);
  p.finally = (f?: () => void) => run().finally(f);
  p.withResponse = () => run().then(() => origWithResponse.call(p));
  return p;
}

/** Mutable so a stream can learn its request id from headers that resolve after it started. */
interface Ids {
  requestId: string | undefined;
}

function onData(data: unknown, tap: Tap, response?: () => Promise<unknown>): void {
  const ids: Ids = { requestId: isObj(data) ? str(data._request_id) : undefined };
  if (isObj(data) && isStreamLike(data)) {
    // Streams carry no `_request_id`: read the header from the (already received) response.
    response?.().then(
      (r) => {
        if (isObj(r)) ids.requestId ??= headerOf(r.headers, tap.adapter.requestIdHeader);
      },
      () => undefined,
    );
    patchStream(data, tap, ids);
    return;
  }
  const outcome = isObj(data) ? tap.adapter.fromBody(data as Record<string, unknown>) : { complete: false };
  if (ids.requestId) outcome.requestId = ids.requestId;
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
function patchStream(stream: Obj, tap: Tap, ids: Ids): void {
  const observer = tap.adapter.observeStream(tap.hideUsageChunk);
  let claimed = false;
  const wrap = (inner: AsyncIterator<unknown>): AsyncIterator<unknown> => {
    if (claimed) return inner;
    claimed = true;
    return observeIterator(inner, observer, tap, ids);
  };
  if (typeof stream.iterator === 'function') {
    const orig = stream.iterator as () => AsyncIterator<unknown>;
    stream.iterator = () => wrap(orig.call(stream));
  } else {
    const orig = stream[Symbol.asyncIterator] as () => AsyncIterator<unknown>;
    define(stream, Symbol.asyncIterator, () => wrap(orig.call(stream)));
  }
}

/**
 * A hand-written iterator (one `then` per event, cheaper than an async generator) that
 * finishes the call exactly once: at the end, on an error, or on return() — the path
 * a `break`, a cancelled ReadableStream or an abort takes.
 */
function observeIterator(inner: AsyncIterator<unknown>, observer: StreamObserver, tap: Tap, ids: Ids): AsyncIterableIterator<unknown> {
  let finished = false;
  const finish = (reason: string): void => {
    if (finished) return;
    finished = true;
    guard(tap, () => {
      const outcome = observer.outcome();
      if (ids.requestId) outcome.requestId = ids.requestId;
      tap.call.succeed(outcome, reason);
    });
  };
  const onResult = (r: IteratorResult<unknown>): IteratorResult<unknown> | Promise<IteratorResult<unknown>> => {
    if (r.done) {
      finish('stream_ended_without_usage');
      return r;
    }
    let hide = false;
    try {
      hide = observer.onEvent(r.value, tap.call);
    } catch {
      tap.onInternalError();
    }
    return hide ? inner.next().then(onResult, onError) : r;
  };
  const onError = (error: unknown): never => {
    finish(`stream_error: ${errorName(error)}`);
    throw error;
  };
  const it: AsyncIterableIterator<unknown> = {
    next: () => (finished ? inner.next() : inner.next().then(onResult, onError)),
    return: (value?: unknown) => {
      finish('stream_abandoned');
      // Close the SDK iterator so it aborts the request.
      return inner.return ? inner.return(value) : Promise.resolve({ done: true as const, value });
    },
    throw: (error?: unknown) => {
      finish('stream_abandoned');
      return inner.throw ? inner.throw(error) : Promise.reject(error);
    },
    [Symbol.asyncIterator]: () => it,
  };
  return it;
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

/**
 * Instruments what an SDK method returns, in place, so the caller keeps the same object:
 * a Stainless `APIPromise` keeps `.withResponse()`, `.asResponse()` and `_thenUnwrap`;
 * a `Stream` keeps `tee()`, `toReadableStream()` and `controller`. Only the path the
 * data takes is tapped. Every tap is guarded: a bug here is counted, never thrown.
 */
import type { CallOutcome, PendingCall, StaleHandler, StaleVerdict } from './call.js';
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
const noop = (): void => undefined;
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
 * Shadow then/catch/finally/withResponse/_thenUnwrap on the instance (plain own
 * properties over the prototype's). The parsed data flows once through the original
 * `then` (Stainless caches the parse, so `withResponse()` afterwards returns the same,
 * tapped, object). `asResponse()` is left alone: a caller reading the raw body gets it
 * unread; the tracker's sweep later records such a call as incomplete (onStale).
 *
 * Hot path: the closures made per call are plain member assignments (no inferred
 * names: tsx/esbuild `keepNames` would otherwise pay an Object.defineProperty for each).
 */
function patchApiPromise(p: Obj, tap: Tap): Obj {
  const state = new ApiPromiseTap(p, tap);
  tap.call.staleHandler = state;
  // `then` (what `await` calls) taps inside the caller's own callbacks: no extra promise hop.
  p.then = (a?: AnyFn, b?: AnyFn) => state.then(a, b);
  p.catch = (b?: AnyFn) => state.run().then(undefined, b);
  p.finally = (f?: () => void) => state.run().finally(f);
  p.withResponse = () => state.run().then(() => state.origWithResponse.call(p));
  // `parse()` helpers derive a new promise from the same response: tap the data it transforms.
  const origUnwrap = p._thenUnwrap;
  if (typeof origUnwrap === 'function') {
    p._thenUnwrap = (transform: AnyFn) => origUnwrap.call(p, (data: unknown, props: unknown) => transform(state.see(data), props));
  }
  return p;
}

class ApiPromiseTap implements StaleHandler {
  readonly origWithResponse: AnyFn;
  #p: Obj;
  #tap: Tap;
  #origThen: AnyFn;
  #tapped: Promise<unknown> | undefined;
  /** The data (or error) went through the tap once: later callbacks pass it straight on. */
  #seen = false;
  /** The caller (or the sweep) asked for the data: it will reach the tap. */
  #consumed = false;
  #response: (() => unknown) | undefined;

  constructor(p: Obj, tap: Tap) {
    this.#p = p;
    this.#tap = tap;
    this.#origThen = p.then as AnyFn;
    this.origWithResponse = p.withResponse as AnyFn;
    this.#response = responseSource(p);
  }

  /**
   * The sweep found the call open with no one reading it. Awaited: keep (it ends when the
   * awaited promise settles). Never awaited (fire-and-forget): read the response ourselves,
   * unless the caller took the raw body (`asResponse()`), so the call is still recorded.
   */
  onStale(): StaleVerdict {
    if (this.#consumed) return 'keep';
    this.#consumed = true;
    const call = this.#tap.call;
    const rp = this.#p.responsePromise as Promise<unknown> | undefined;
    const read = (): void => void this.run().then(undefined, noop);
    if (!rp || typeof rp.then !== 'function') read();
    else {
      rp.then((props) => {
        const res = isObj(props) ? props.response : undefined;
        if (isObj(res) && res.bodyUsed === true) call.abandon('response_read_by_caller');
        else read();
      }, read);
    }
    return 'keep';
  }

  /** The shared tapped promise (catch/finally/withResponse); built on first use only. */
  run(): Promise<unknown> {
    this.#consumed = true;
    return (this.#tapped ??= this.#origThen.call(
      this.#p,
      (data: unknown) => {
        this.#data(data);
        return data;
      },
      (error: unknown) => {
        this.#error(error);
        throw error;
      },
    ) as Promise<unknown>);
  }

  then(a: AnyFn | undefined, b: AnyFn | undefined): unknown {
    if (this.#tapped) return this.#tapped.then(a, b);
    this.#consumed = true;
    return this.#origThen.call(
      this.#p,
      (data: unknown) => {
        this.#data(data);
        return typeof a === 'function' ? a(data) : data;
      },
      (error: unknown) => {
        this.#error(error);
        if (typeof b === 'function') return b(error);
        throw error;
      },
    );
  }

  /** Tap data reaching the caller by another route (`_thenUnwrap`); returns it. */
  see(data: unknown): unknown {
    this.#data(data);
    return data;
  }

  #data(data: unknown): void {
    if (this.#seen) return;
    this.#seen = true;
    try {
      onData(data, this.#tap, this.#response);
    } catch {
      this.#tap.onInternalError();
    }
  }

  #error(error: unknown): void {
    if (this.#seen) return;
    this.#seen = true;
    try {
      this.#tap.call.fail(error);
    } catch {
      this.#tap.onInternalError();
    }
  }
}

/**
 * Where a stream's request id comes from. Stainless promises hand the parsed `Response`
 * to their own `parseResponse(client, props)`: wrapping that field captures it for free,
 * read synchronously when the stream finishes. Otherwise `asResponse()` (a promise).
 */
function responseSource(p: Obj): (() => unknown) | undefined {
  const parse = p.parseResponse;
  if (typeof parse === 'function') {
    let response: unknown;
    p.parseResponse = function (this: unknown, client: unknown, props: unknown) {
      if (isObj(props)) response = props.response;
      return (parse as AnyFn).call(this, client, props);
    };
    return () => response;
  }
  const asResponse = p.asResponse;
  if (typeof asResponse === 'function') return () => (asResponse as AnyFn).call(p);
  return undefined;
}

/** Mutable so a stream can learn its request id from headers that resolve after it started. */
interface Ids {
  requestId: string | undefined;
}

function onData(data: unknown, tap: Tap, response?: () => unknown): void {
  const ids: Ids = { requestId: isObj(data) ? str(data._request_id) : undefined };
  if (isObj(data) && isStreamLike(data)) {
    // From here the stream's reads are the call's progress: a sweep settles it once they stop.
    tap.call.staleHandler = undefined;
    // Streams carry no `_request_id`: read the header from the (already received) response.
    const r = response?.();
    if (isObj(r) && typeof r.then === 'function') {
      (r as unknown as Promise<unknown>).then(
        (res) => {
          if (isObj(res)) ids.requestId ??= headerOf(res.headers, tap.adapter.requestIdHeader);
        },
        () => undefined,
      );
    } else if (isObj(r)) {
      ids.requestId = headerOf(r.headers, tap.adapter.requestIdHeader);
    }
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
  if (typeof stream.iterator === 'function') {
    const orig = stream.iterator as () => AsyncIterator<unknown>;
    stream.iterator = () => {
      const inner = orig.call(stream);
      if (claimed) return inner;
      claimed = true;
      return new ObservedIterator(inner, observer, tap, ids);
    };
  } else {
    const orig = stream[Symbol.asyncIterator] as () => AsyncIterator<unknown>;
    define(stream, Symbol.asyncIterator, () => {
      const inner = orig.call(stream);
      if (claimed) return inner;
      claimed = true;
      return new ObservedIterator(inner, observer, tap, ids);
    });
  }
}

/**
 * A hand-written iterator (one `then` per event, cheaper than an async generator) that
 * finishes the call exactly once: at the end, on an error, or on return() — the path
 * a `break`, a cancelled ReadableStream or an abort takes. A class, so the per-call cost
 * is one object and two callbacks (no per-call method closures).
 */
class ObservedIterator implements AsyncIterableIterator<unknown> {
  #inner: AsyncIterator<unknown>;
  #observer: StreamObserver;
  #tap: Tap;
  #ids: Ids;
  #finished = false;
  #onResult: (r: IteratorResult<unknown>) => IteratorResult<unknown> | Promise<IteratorResult<unknown>>;
  #onError: (error: unknown) => never;

  constructor(inner: AsyncIterator<unknown>, observer: StreamObserver, tap: Tap, ids: Ids) {
    this.#inner = inner;
    this.#observer = observer;
    this.#tap = tap;
    this.#ids = ids;
    this.#onResult = (r) => this.#result(r);
    this.#onError = (error) => {
      this.#finish(`stream_error: ${errorName(error)}`);
      throw error;
    };
  }

  next(): Promise<IteratorResult<unknown>> {
    return this.#finished ? this.#inner.next() : this.#inner.next().then(this.#onResult, this.#onError);
  }

  return(value?: unknown): Promise<IteratorResult<unknown>> {
    this.#finish('stream_abandoned');
    // Close the SDK iterator so it aborts the request.
    const inner = this.#inner;
    return inner.return ? inner.return(value) : Promise.resolve({ done: true as const, value });
  }

  throw(error?: unknown): Promise<IteratorResult<unknown>> {
    this.#finish('stream_abandoned');
    const inner = this.#inner;
    return inner.throw ? inner.throw(error) : Promise.reject(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #result(r: IteratorResult<unknown>): IteratorResult<unknown> | Promise<IteratorResult<unknown>> {
    if (r.done) {
      this.#finish('stream_ended_without_usage');
      return r;
    }
    let hide = false;
    const call = this.#tap.call;
    call.progress++;
    try {
      hide = this.#observer.onEvent(r.value, call);
    } catch {
      this.#tap.onInternalError();
    }
    return hide ? this.#inner.next().then(this.#onResult, this.#onError) : r;
  }

  #finish(reason: string): void {
    if (this.#finished) return;
    this.#finished = true;
    try {
      const outcome = this.#observer.outcome();
      if (this.#ids.requestId) outcome.requestId = this.#ids.requestId;
      this.#tap.call.succeed(outcome, reason);
    } catch {
      this.#tap.onInternalError();
    }
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

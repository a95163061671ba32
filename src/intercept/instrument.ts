/**
 * Instruments what an SDK method returns, in place, so the caller keeps the same object:
 * a Stainless `APIPromise` keeps `.withResponse()`, `.asResponse()` and `_thenUnwrap`;
 * a `Stream` keeps `tee()`, `toReadableStream()` and `controller`. Only the path the
 * data takes is tapped. Every tap is guarded: a bug here is counted, never thrown.
 */
import type { CallOutcome, PendingCall, StaleHandler, StaleVerdict } from './call.js';
import { errorName, headerOf } from './call.js';
import { recordRawResponse } from './raw-response.js';

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
    guard(tap, () => onData(result, tap, undefined));
    return result;
  }
  if (isStainlessPromise(result)) {
    tapStainless(result, tap);
    return result;
  }
  if (typeof result.withResponse === 'function') return tapThen(result, tap);
  return (result as unknown as PromiseLike<unknown>).then(
    (data) => {
      guard(tap, () => onData(data, tap, undefined));
      return data;
    },
    (error: unknown) => {
      guard(tap, () => tap.call.fail(error));
      throw error;
    },
  );
}

/** A Stainless `APIPromise` (openai, @anthropic-ai/sdk): its data goes through `parseResponse`, its errors through `responsePromise`. */
function isStainlessPromise(p: Obj): boolean {
  const rp = p.responsePromise;
  return isObj(rp) && typeof rp.then === 'function' && typeof p.parseResponse === 'function';
}

/**
 * Tap an `APIPromise` at its two sources instead of its many consumers: every way to the
 * data (`then`/`await`, `catch`, `finally`, `withResponse()`, `_thenUnwrap()` behind the
 * `parse()` helpers) calls the instance's `parseResponse`, and every failure rejects its
 * `responsePromise`. Two own fields are replaced, the caller keeps the same object, and
 * nothing is added to the caller's chain: the parsed data is observed beside it, before the
 * caller sees it. `asResponse()` (the raw body, which does not parse) is shadowed on the
 * instance: the caller gets the response untouched and a clone of it is read beside them.
 */
function tapStainless(p: Obj, tap: Tap): void {
  const t = new StainlessTap(p, tap);
  tap.call.staleHandler = t;
  p.responsePromise = (p.responsePromise as Promise<unknown>).then(undefined, t.onError);
  p.parseResponse = t.parseResponse;
  p.asResponse = t.asResponse;
  // Anthropic's thread helpers read the response through this instead of the promise.
  if (typeof p._responseProps === 'function') p._responseProps = () => t.responseProps();
}

class StainlessTap implements StaleHandler {
  readonly #p: Obj;
  readonly #tap: Tap;
  readonly #parse: AnyFn;
  #response: unknown;
  #seen = false;

  constructor(p: Obj, tap: Tap) {
    this.#p = p;
    this.#tap = tap;
    this.#parse = p.parseResponse as AnyFn;
  }

  // Arrow fields: handed to the SDK as callbacks (no `this` of theirs).
  readonly onError = (error: unknown): never => {
    this.#fail(error);
    throw error;
  };

  readonly parseResponse = (client: unknown, props: unknown): unknown => {
    if (isObj(props)) this.#response = props.response;
    const parsed = this.#parse.call(this.#p, client, props);
    if (isObj(parsed) && typeof parsed.then === 'function') (parsed as unknown as Promise<unknown>).then(this.#onData, this.#onParseError);
    else this.#onData(parsed);
    return parsed;
  };

  readonly #onData = (data: unknown): void => {
    if (this.#seen) return;
    this.#seen = true;
    try {
      onData(data, this.#tap, this.#response);
    } catch {
      this.#tap.onInternalError();
    }
  };

  readonly #onParseError = (error: unknown): void => this.#fail(error);

  /**
   * The raw response, as the SDK's `asResponse()` gives it. Unless the data is parsed too
   * (`withResponse()` parses, then asks for the response: the parse records the call), the
   * call is recorded from a clone, read off the caller's path.
   */
  readonly asResponse = (): Promise<unknown> =>
    (this.#p.responsePromise as Promise<unknown>).then((props) => {
      const res = isObj(props) ? props.response : undefined;
      this.#recordFromClone(res);
      return res;
    });

  /**
   * The response with its request metadata, as the SDK's internal `_responseProps()` gives it
   * to a helper that parses the body itself (Anthropic message threads): recorded from a
   * clone, like `asResponse()`.
   */
  responseProps(): Promise<unknown> {
    return (this.#p.responsePromise as Promise<unknown>).then((props) => {
      this.#recordFromClone(isObj(props) ? props.response : undefined);
      return props;
    });
  }

  #recordFromClone(res: unknown): void {
    if (this.#seen || this.#p.parsedPromise !== undefined || !isObj(res) || typeof res.clone !== 'function') return;
    this.#seen = true;
    const tap = this.#tap;
    // From here the clone's events are the call's progress: a read that stalls is swept as stale.
    tap.call.staleHandler = undefined;
    try {
      // Cloned before the caller holds it: the clone reads its own branch of the body.
      void recordRawResponse((res.clone as () => Parameters<typeof recordRawResponse>[0]).call(res), tap.adapter, tap.call).catch(() => {
        tap.onInternalError();
        tap.call.abandon('response_unreadable');
      });
    } catch {
      tap.onInternalError();
    }
  }

  #fail(error: unknown): void {
    if (this.#seen) return;
    this.#seen = true;
    try {
      this.#tap.call.fail(error);
    } catch {
      this.#tap.onInternalError();
    }
  }

  /**
   * The sweep found the call open with no progress. Parsing (the caller awaits it): keep,
   * it ends when the parse does. Never parsed (fire-and-forget): parse it ourselves so the
   * call is recorded with its usage, unless the caller read the raw body by a way we do not
   * see (`asResponse()` we do see: it records from a clone).
   */
  onStale(): StaleVerdict {
    const p = this.#p;
    if (p.parsedPromise !== undefined || this.#seen) return 'keep';
    const call = this.#tap.call;
    const read = (): void => void (p.then as AnyFn).call(p, undefined, noop);
    (p.responsePromise as Promise<unknown>).then((props) => {
      const res = isObj(props) ? props.response : undefined;
      if (isObj(res) && res.bodyUsed === true) call.abandon('response_read_by_caller');
      else read();
    }, noop);
    return 'keep';
  }
}

/**
 * A promise of another SDK with helpers of its own (`withResponse`, ...): only `then`
 * (what `await` calls) is shadowed on the instance, so the helpers stay; a call consumed
 * only through them is settled by the sweep.
 */
function tapThen(p: Obj, tap: Tap): Obj {
  const origThen = p.then as AnyFn;
  let seen = false;
  p.then = (a?: AnyFn, b?: AnyFn) =>
    origThen.call(
      p,
      (data: unknown) => {
        if (!seen) {
          seen = true;
          guard(tap, () => onData(data, tap, undefined));
        }
        return typeof a === 'function' ? a(data) : data;
      },
      (error: unknown) => {
        if (!seen) {
          seen = true;
          guard(tap, () => tap.call.fail(error));
        }
        if (typeof b === 'function') return b(error);
        throw error;
      },
    );
  return p;
}

function onData(data: unknown, tap: Tap, response: unknown): void {
  if (isObj(data) && isStreamLike(data)) {
    // From here the stream's reads are the call's progress: a sweep settles it once they stop.
    tap.call.staleHandler = undefined;
    // Streams carry no `_request_id`: read the header from the (already received) response.
    patchStream(data, tap, isObj(response) ? headerOf(response.headers, tap.adapter.requestIdHeader) : undefined);
    return;
  }
  const outcome = isObj(data) ? tap.adapter.fromBody(data as Record<string, unknown>) : { complete: false };
  const requestId = isObj(data) ? str(data._request_id) : undefined;
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
  if (typeof stream.iterator === 'function') {
    const orig = stream.iterator as () => AsyncIterator<unknown>;
    stream.iterator = () => {
      const inner = orig.call(stream);
      if (claimed) return inner;
      claimed = true;
      return new ObservedIterator(inner, observer, tap, requestId);
    };
  } else {
    const orig = stream[Symbol.asyncIterator] as () => AsyncIterator<unknown>;
    define(stream, Symbol.asyncIterator, () => {
      const inner = orig.call(stream);
      if (claimed) return inner;
      claimed = true;
      return new ObservedIterator(inner, observer, tap, requestId);
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
  readonly #requestId: string | undefined;
  #finished = false;
  #onResult: (r: IteratorResult<unknown>) => IteratorResult<unknown> | Promise<IteratorResult<unknown>>;
  #onError: (error: unknown) => never;

  constructor(inner: AsyncIterator<unknown>, observer: StreamObserver, tap: Tap, requestId: string | undefined) {
    this.#inner = inner;
    this.#observer = observer;
    this.#tap = tap;
    this.#requestId = requestId;
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
      if (this.#requestId) outcome.requestId = this.#requestId;
      this.#tap.call.succeed(outcome, reason);
    } catch {
      this.#tap.onInternalError();
    }
  }
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

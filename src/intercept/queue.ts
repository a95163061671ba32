/**
 * The tracker: a bounded in-memory queue between intercepted calls and the Recorder.
 * The caller's path only pushes (synchronously, O(1)); a full queue drops and counts
 * rather than blocking or growing. Draining happens off the caller's path: on a
 * setImmediate once `batchSize` events wait, on an unref'd timer, on flush(), or in a
 * microtask once the queue is half full. Open calls are swept now and then, so one the
 * caller never reads is recorded long before shutdown (see PendingCall.sweep).
 */
import { performance } from 'node:perf_hooks';
import { RatecardError } from '../errors/index.js';
import type { Recorder, TrackerStats, UsageEvent } from './types.js';

export interface TrackerOptions {
  recorder: Recorder;
  /** Queue capacity, counting the event being recorded; pushes beyond it are dropped and counted. Default 4096 (about 2.6 MB when full). */
  maxQueue?: number;
  /** Drain as soon as this many events wait. Default 64. */
  batchSize?: number;
  /** Drain at least this often while events wait, ms. Default 1000. */
  flushIntervalMs?: number;
  /** Told about every event the recorder rejected (never throws into the caller). */
  onError?: (error: unknown, event: UsageEvent) => void;
  /**
   * A call open this long with no progress is settled: a response nobody read is read and
   * recorded, a stream nobody reads is recorded as incomplete (`stale`). Calls the caller is
   * still awaiting are left alone. Default 900000 (15 min), beyond the SDKs' own timeouts.
   */
  staleAfterMs?: number;
}

/** A queued call whose event is built when it is drained (off the caller's path). */
export interface LazyEvent {
  toEvent(): UsageEvent;
}

type Queued = UsageEvent | LazyEvent;

function isLazy(x: Queued): x is LazyEvent {
  return typeof (x as Partial<LazyEvent>).toEvent === 'function';
}

/**
 * Something that can finish a call that never finished (used at shutdown). The links are
 * the tracker's: an intrusive list costs no hashing or allocation per call (a Set did).
 */
export interface InflightCall {
  abandon(reason: string): void;
  /** Settle the call if it has been open for `staleAfterMs` with no progress (clock: performance.now()). */
  sweep(now: number, staleAfterMs: number): void;
  inflightPrev?: InflightCall | undefined;
  inflightNext?: InflightCall | undefined;
  inflightOwner?: object | undefined;
}

export class Tracker {
  readonly #recorder: Recorder;
  readonly #max: number;
  readonly #batch: number;
  readonly #interval: number;
  readonly #staleAfter: number;
  #sweeper: NodeJS.Timeout | undefined;
  readonly #onError: ((error: unknown, event: UsageEvent) => void) | undefined;
  // V8 left-trims small arrays on shift(), so this is O(1) at these sizes.
  readonly #queue: Queued[] = [];
  #timer: NodeJS.Timeout | undefined;
  #immediate: NodeJS.Immediate | undefined;
  #draining: Promise<void> | undefined;
  #closed = false;
  #urgent = false;
  #inflightHead: InflightCall | undefined;
  #inflightCount = 0;
  readonly #stats = { pushed: 0, recorded: 0, dropped: 0, failed: 0, internal_errors: 0 };
  /** Per-event callbacks (budget reservations to settle); only created when a push passes one. */
  #after: Map<Queued, AfterRecord> | undefined;

  constructor(options: TrackerOptions) {
    if (!options || typeof options.recorder?.record !== 'function') {
      throw new RatecardError('tracker_invalid_recorder', 'a tracker needs a recorder: an object with a record(event) method');
    }
    this.#recorder = options.recorder;
    this.#max = positiveInt(options.maxQueue, 4096, 'maxQueue');
    this.#batch = positiveInt(options.batchSize, 64, 'batchSize');
    this.#interval = positiveInt(options.flushIntervalMs, 1000, 'flushIntervalMs');
    this.#staleAfter = positiveInt(options.staleAfterMs, 900_000, 'staleAfterMs');
    this.#onError = options.onError;
  }

  /** Enqueue one event (or a finished call, built into its event when drained). Never throws, never blocks; returns false when dropped. */
  push(event: UsageEvent | LazyEvent, after?: AfterRecord): boolean {
    if (this.#closed || this.#queue.length >= this.#max) {
      this.#stats.dropped++;
      if (after) callAfter(after, undefined, false);
      return false;
    }
    if (after) (this.#after ??= new Map()).set(event, after);
    this.#queue.push(event);
    this.#stats.pushed++;
    if (this.#queue.length * 2 >= this.#max && !this.#urgent) {
      // Half full: a caller that never yields to the event loop (a microtask-only loop)
      // would starve setImmediate; drain in a microtask rather than start dropping.
      this.#urgent = true;
      queueMicrotask(() => {
        this.#urgent = false;
        void this.#drain();
      });
    } else if (this.#queue.length >= this.#batch) {
      this.#immediate ??= setImmediate(() => {
        this.#immediate = undefined;
        void this.#drain();
      });
    } else if (this.#timer === undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        void this.#drain();
      }, this.#interval);
      this.#timer.unref();
    }
    return true;
  }

  /** Register a call that has started; shutdown() records still-open ones as incomplete. */
  open(call: InflightCall): void {
    if (call.inflightOwner !== undefined) return;
    call.inflightOwner = this;
    call.inflightPrev = undefined;
    call.inflightNext = this.#inflightHead;
    if (this.#inflightHead) this.#inflightHead.inflightPrev = call;
    this.#inflightHead = call;
    this.#inflightCount++;
    if (this.#sweeper === undefined && !this.#closed) {
      // One timer per tracker, never per call; unref'd so it never keeps the process alive.
      this.#sweeper = setInterval(() => this.sweep(), Math.max(1, Math.min(60_000, Math.floor(this.#staleAfter / 2))));
      this.#sweeper.unref();
    }
  }

  /** Settle open calls that went stale (runs on its own timer; callable directly). */
  sweep(now = performance.now()): void {
    const open: InflightCall[] = [];
    for (let c = this.#inflightHead; c !== undefined; c = c.inflightNext) open.push(c);
    for (const call of open) {
      try {
        call.sweep(now, this.#staleAfter);
      } catch {
        this.internalError();
      }
    }
  }

  close(call: InflightCall): void {
    if (call.inflightOwner !== this) return;
    const { inflightPrev: prev, inflightNext: next } = call;
    if (prev) prev.inflightNext = next;
    else this.#inflightHead = next;
    if (next) next.inflightPrev = prev;
    call.inflightOwner = call.inflightPrev = call.inflightNext = undefined;
    this.#inflightCount--;
  }

  /** Count a failure of the interceptor itself (the user's call is unaffected). */
  internalError(): void {
    this.#stats.internal_errors++;
  }

  /** Hand every queued event to the recorder and wait for it (async recorders included). */
  async flush(): Promise<void> {
    while (this.#queue.length > 0 || this.#draining) {
      await this.#drain();
    }
  }

  /**
   * Record open calls as incomplete (abandoned), flush, and stop accepting events.
   * Idempotent.
   */
  async shutdown(): Promise<void> {
    const open: InflightCall[] = [];
    for (let c = this.#inflightHead; c !== undefined; c = c.inflightNext) open.push(c);
    // Oldest first, as they were opened.
    for (const call of open.reverse()) call.abandon('shutdown');
    this.#closed = true;
    if (this.#sweeper) clearInterval(this.#sweeper);
    this.#sweeper = undefined;
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#immediate) clearImmediate(this.#immediate);
    this.#timer = this.#immediate = undefined;
    await this.flush();
  }

  get closed(): boolean {
    return this.#closed;
  }

  stats(): TrackerStats {
    return { ...this.#stats, queued: this.#queue.length, inflight: this.#inflightCount };
  }

  #drain(): Promise<void> {
    // One drain at a time so the recorder sees events in push order.
    this.#draining ??= this.#run().finally(() => {
      this.#draining = undefined;
    });
    return this.#draining;
  }

  async #run(): Promise<void> {
    // An event leaves the queue only once recorded, so a slow or stalled recorder keeps
    // the memory bound at maxQueue events (a detached batch would escape the bound).
    while (this.#queue.length > 0) {
      const item = this.#queue[0]!;
      const after = this.#after?.get(item);
      if (after) this.#after!.delete(item);
      let event: UsageEvent;
      try {
        event = isLazy(item) ? item.toEvent() : item;
      } catch {
        // The interceptor's own failure: counted, the call is let go.
        this.#stats.internal_errors++;
        if (after) callAfter(after, undefined, false);
        this.#queue.shift();
        continue;
      }
      try {
        let result = this.#recorder.record(event);
        if (isThenable(result)) result = await result;
        this.#stats.recorded++;
        if (after) callAfter(after, result, true);
      } catch (error) {
        if (after) callAfter(after, undefined, false);
        this.#stats.failed++;
        try {
          this.#onError?.(error, event);
        } catch {
          // an onError that throws must not stop the drain
        }
      }
      this.#queue.shift();
    }
  }
}

/** Told once an event was recorded (`ok`, with what the recorder returned, e.g. the ledger entry) or not (dropped, failed). */
export type AfterRecord = (recorded: unknown, ok: boolean) => void;

function callAfter(after: AfterRecord, recorded: unknown, ok: boolean): void {
  try {
    after(recorded, ok);
  } catch {
    // a callback must not stop the drain
  }
}

export function createTracker(options: TrackerOptions): Tracker {
  return new Tracker(options);
}

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return x !== null && (typeof x === 'object' || typeof x === 'function') && typeof (x as { then?: unknown }).then === 'function';
}

function positiveInt(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RatecardError('tracker_invalid_option', `${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

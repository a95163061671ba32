/**
 * Shared shapes of the interceptors. The interceptors only capture: they build a
 * UsageEvent (provider RAW usage or canonical buckets) and hand it to a Recorder; the
 * ledger normalizes and prices, off the caller's path.
 */
import type { CallAttributes } from '../engine/types.js';
import type { UsageEvent } from '../ledger/event.js';

export type { CallAttributes, UsageEvent };

/** The sink the interceptors record into; the ledger satisfies it. May be sync or async. */
export interface Recorder {
  record(event: UsageEvent): unknown;
}

/**
 * Attribution of a call: who it is for and why. Wrapper defaults, then the
 * `withAttribution` scope, then the per-call option; later ones win, tags accumulate.
 */
export interface Attribution extends CallAttributes {}

/** The per-call option (`{ ratecard: {...} }` in the SDK request options). */
export interface CallOptions extends Attribution {
  /** Idempotency key override (default: the provider's request id). */
  id?: string;
}

/** Counters a tracker keeps; all monotonic except `queued` and `inflight`. */
export interface TrackerStats {
  /** Events pushed to the queue (accepted). */
  pushed: number;
  /** Events the recorder accepted. */
  recorded: number;
  /** Events dropped because the queue was full or the tracker shut down. */
  dropped: number;
  /** Events the recorder rejected or threw on. */
  failed: number;
  /** Events waiting in the queue. */
  queued: number;
  /** Calls started and not yet finished (open streams, unawaited promises). */
  inflight: number;
  /** Failures of the interceptor itself (extraction bugs); the call went on untouched. */
  internal_errors: number;
}

/** What a budget guard is told about a call before it is sent. */
export interface BudgetCall {
  /** The call's merged attribution (wrapper defaults < scope < per-call option). */
  attributes?: Attribution;
  model?: string;
  provider?: string;
  service_tier?: string;
}

/** A held estimate (from `reserve`), settled once the call's event is recorded. */
export interface BudgetHold {
  settle(entry?: unknown): Promise<unknown>;
  release(): unknown;
}

/**
 * The budget guard `track` takes (`budgets` option): structurally `Budgets` from
 * `ratecard/alerts`, which this module does not import. Rejects with `budget_exceeded`.
 */
export interface BudgetGuard {
  assertWithinBudget(call: BudgetCall, estimate?: string): Promise<unknown>;
  reserve?(call: BudgetCall, estimate: string): Promise<BudgetHold>;
}

/**
 * Shapes shared by the outbox and its sinks. A SyncEvent is one ledger entry as it leaves
 * the process: a stable id (downstream deduplication), its seq, and money as decimal
 * strings. Sinks turn batches of them into their wire format.
 */
import type { CallAttributes } from '../engine/types.js';

export interface SyncEvent {
  /** Stable delivery id: the entry's idempotency key (prefixed when the outbox has an idPrefix). Same entry, same id, on every retry. */
  id: string;
  seq: number;
  /** Entry type: usage, reversal, correction, alert, … */
  type: string;
  /** Event time, ISO-8601. */
  at: string;
  provider?: string;
  model?: string;
  status?: string;
  attributes?: CallAttributes;
  /** 'priced' | 'unpriced'; absent on records without a rating (alerts). */
  rating_status?: string;
  unpriced_reason?: string;
  currency?: string;
  /** Decimal strings, never numbers (negative on reversals). */
  cost?: string;
  price?: string;
  period?: string;
  ratecard_version?: string;
  price_version?: string;
  /** Per-meter quantities (decimal strings). */
  metered?: Record<string, string>;
  refs?: { reverses?: number; replaces?: number; reason?: string };
  /** Body of a budget alert record. */
  alert?: Record<string, unknown>;
  /** The entry's hash in the ledger chain. */
  hash: string;
  /** Set for sinks that take entries verbatim (`raw`): the previous entry's hash, so the receiver can check the chain. */
  prev_hash?: string;
}

/** One event a sink refused for good (it goes to the dead letters). */
export interface Rejection {
  /** Index into the batch that was sent. */
  index: number;
  reason: string;
  status?: number;
}

/** What a sink reports for a batch it delivered: everything but `rejected` was applied (or was already). */
export interface SendResult {
  rejected?: Rejection[];
}

export interface SendContext {
  /** Aborted when the outbox stops or the attempt times out. */
  signal: AbortSignal;
  attempt: number;
}

/** A delivery target. `send` resolves when the batch is acknowledged, or throws a SinkError. */
export interface Sink {
  readonly name: string;
  /** Largest batch (events) the target takes in one request, e.g. Lago's 100. */
  readonly maxBatchEvents?: number;
  /**
   * Takes the stored entry bodies verbatim: the outbox skips decoding, events carry only
   * id/seq/type/at/hash/prev_hash, and encodeEvent(e) embeds the canonical body as `entry`.
   */
  readonly raw?: boolean;
  send(events: readonly SyncEvent[], context: SendContext): Promise<SendResult>;
  close?(): Promise<void>;
}

/** A dead letter: an entry the sink refused for good, kept (persisted) with the reason. */
export interface DeadLetter {
  id: string;
  seq: number;
  sink: string;
  reason: string;
  status?: number;
  attempts: number;
  at: string;
}

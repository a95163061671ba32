/**
 * The storage interface every ledger adapter implements (memory, file, SQLite, PostgreSQL).
 *
 * Storage knows nothing about pricing: it keeps immutable, hash-chained records in a
 * gapless sequence, enforces one record per idempotency key, and serializes appends
 * across callers AND processes. The ledger (src/ledger) builds bodies and hashes; the
 * adapter stores them verbatim and hands them back byte-for-byte.
 *
 * Versioned: bump STORAGE_INTERFACE_VERSION on any breaking change.
 */

import { RatecardError } from '../errors/index.js';

export const STORAGE_INTERFACE_VERSION = 1 as const;

/** prev_hash of the first record (seq 1). */
export const GENESIS_HASH = '0'.repeat(64);

/** Well-known record types; adapters accept any string. */
export type EntryType = 'usage' | 'correction' | 'reversal' | 'period_close' | 'alert' | (string & {});

/** One stored ledger entry. Immutable once appended. */
export interface EntryRecord {
  /** 1, 2, 3 … gapless per ledger. */
  seq: number;
  /** Idempotency key, unique per ledger (no expiry). */
  key: string;
  type: EntryType;
  /** Event time, ISO-8601 (not the append time: events may arrive out of order). */
  at: string;
  /** Canonical JSON of the entry (money as decimal strings). Stored and returned verbatim. */
  body: string;
  /** sha256 hex of the canonical request payload, compared on idempotent replays. */
  payload_hash: string;
  /** `hash` of record seq-1; GENESIS_HASH for seq 1. */
  prev_hash: string;
  /** sha256 hex of (prev_hash + body). Computed by the ledger, not by the adapter. */
  hash: string;
}

export interface Head {
  /** Last appended seq; 0 for an empty ledger. */
  seq: number;
  /** Hash of the last record; GENESIS_HASH for an empty ledger. */
  hash: string;
}

/**
 * Exclusive append rights while the appendWith callback runs. Reads inside the tx see
 * records staged earlier in the same tx.
 */
export interface AppendTx {
  /** Head including records staged in this tx. */
  head(): Head;
  /** Existing (committed or staged) records for these keys; absent keys are not in the map. */
  findByKeys(keys: readonly string[]): Promise<Map<string, EntryRecord>> | Map<string, EntryRecord>;
  /**
   * Stage records. Each must continue the chain: seq = head.seq + 1 …, prev_hash = head.hash,
   * key not yet present. A violation throws RatecardError `storage_conflict`
   * (the whole tx is then discarded). Durable only when appendWith resolves.
   */
  append(records: readonly EntryRecord[]): void;
}

/** What `scan` keeps. */
export interface RecordFilter {
  /** Text the stored body must contain. */
  bodyIncludes: string;
}

export interface OpenReport {
  kind: string;
  /** Records present after open. */
  head: Head;
  /** Set when open() repaired a torn/corrupt tail (file adapter) — the bytes dropped. */
  recovered?: { truncatedBytes: number; droppedRecords?: number; reason: string };
  /** Schema migrations applied (SQL adapters). */
  migrations?: string[];
}

export interface LedgerStorage {
  /** 'memory' | 'file' | 'sqlite' | 'postgres' | … */
  readonly kind: string;
  /** Migrations / recovery / locking. Must be called (once) before any other method. Idempotent. */
  open(): Promise<OpenReport>;
  /**
   * Run `fn` with exclusive append rights, serialized across callers and processes.
   * Resolves only after the staged records are durable (group commit allowed). If `fn`
   * throws, nothing it staged is kept and the error propagates.
   */
  appendWith<R>(fn: (tx: AppendTx) => R | Promise<R>): Promise<R>;
  /** Records with seq >= fromSeq, ascending, at most `limit`. */
  read(fromSeq: number, limit: number): Promise<EntryRecord[]>;
  /**
   * Optional: the records with seq in [fromSeq, toSeq] whose stored body contains
   * `filter.bodyIncludes`, ascending. Never fewer than match (the caller checks again, so an
   * adapter may return more). Lets an adapter skip the others undecoded (file) or filter in the
   * database (SQL); without it, the ledger reads every record and filters them itself.
   */
  scan?(fromSeq: number, toSeq: number, filter: RecordFilter): Promise<EntryRecord[]>;
  getByKey(key: string): Promise<EntryRecord | undefined>;
  head(): Promise<Head>;
  /** Small key/value store beside the log (sync cursors, alert firings). Not hash-chained. */
  getMeta(name: string): Promise<string | undefined>;
  setMeta(name: string, value: string): Promise<void>;
  /** Flush, release locks/connections. Safe to call twice. */
  close(): Promise<void>;
}

/** Factory shape used by the conformance suite and openStorage. */
export type StorageFactory = () => LedgerStorage | Promise<LedgerStorage>;

/**
 * Check that `records` continue the chain after `head` with keys not yet taken. Adapters
 * call this from AppendTx.append; throws RatecardError `storage_conflict` naming the problem.
 * `hasKey` sees committed and already-staged keys.
 */
export function assertContinues(head: Head, records: readonly EntryRecord[], hasKey: (key: string) => boolean): void {
  let { seq, hash } = head;
  const seen = new Set<string>();
  for (const r of records) {
    const problem =
      r.seq !== seq + 1 ? `seq ${r.seq} does not follow ${seq}`
      : r.prev_hash !== hash ? `seq ${r.seq}: prev_hash does not match the hash of seq ${seq}`
      : hasKey(r.key) || seen.has(r.key) ? `seq ${r.seq}: idempotency key ${JSON.stringify(r.key)} already exists`
      : undefined;
    if (problem) throw new RatecardError('storage_conflict', `cannot append: ${problem}`, { details: { seq: r.seq, key: r.key } });
    seen.add(r.key);
    seq = r.seq;
    hash = r.hash;
  }
}

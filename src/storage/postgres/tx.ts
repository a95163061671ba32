/**
 * The append transaction handed to an appendWith callback on PostgreSQL. Reads go to the
 * batch's connection (which holds the ledger row lock, so they see every earlier caller
 * of the batch); append() only checks and stages; flush() writes the caller's records
 * with one statement after its callback returned.
 */
import type { PoolClient } from 'pg';
import { RatecardError } from '../../errors/index.js';
import type { AppendTx, EntryRecord, Head } from '../types.js';
import { rowToRecord, type Queries } from './queries.js';

export class PgTx implements AppendTx {
  done = false;
  /** First chain violation; the whole tx is discarded even if the callback caught it. */
  conflict: RatecardError | undefined;
  /** A query of this tx failed: the database transaction is aborted. */
  dbError: unknown;
  readonly staged: EntryRecord[] = [];
  private readonly stagedKeys = new Set<string>();
  private current: Head;

  constructor(
    private readonly client: PoolClient,
    private readonly q: Queries,
    private readonly ledger: string,
    start: Head,
  ) {
    this.current = { ...start };
  }

  head(): Head {
    this.check();
    return { ...this.current };
  }

  async findByKeys(keys: readonly string[]): Promise<Map<string, EntryRecord>> {
    this.check();
    const found = new Map<string, EntryRecord>();
    // A key PostgreSQL cannot store (NUL) cannot be present; don't let it abort the tx.
    const wanted = [...new Set(keys)].filter((k) => typeof k === 'string' && !k.includes('\u0000'));
    if (wanted.length === 0) return found;
    const wantedSet = new Set(wanted);
    for (const r of this.staged) if (wantedSet.has(r.key)) found.set(r.key, copy(r));
    const rest = wanted.filter((k) => !found.has(k));
    if (rest.length === 0) return found;
    try {
      const res = await this.client.query({ ...this.q.byKeys, values: [this.ledger, rest] });
      for (const row of res.rows) found.set(row.key as string, rowToRecord(row));
    } catch (e) {
      this.dbError ??= e;
      throw e;
    }
    return found;
  }

  append(records: readonly EntryRecord[]): void {
    this.check();
    let head = this.current;
    const keys = new Set<string>();
    try {
      for (const rec of records) {
        checkRecord(rec, head);
        if (this.stagedKeys.has(rec.key) || keys.has(rec.key)) {
          throw new RatecardError('storage_conflict', `key ${JSON.stringify(rec.key)} is staged twice in one transaction`, { details: { key: rec.key } });
        }
        keys.add(rec.key);
        head = { seq: rec.seq, hash: rec.hash };
      }
    } catch (e) {
      if (e instanceof RatecardError) this.conflict ??= e;
      throw e;
    }
    for (const rec of records) {
      this.staged.push(copy(rec));
      this.stagedKeys.add(rec.key);
    }
    this.current = head;
  }

  /**
   * Insert the staged records: all or none. The statement inserts nothing when any key
   * already exists; we hold the ledger lock, so nobody can add one in between (the
   * unique constraint stays as the backstop).
   */
  async flush(): Promise<void> {
    if (this.staged.length === 0) return;
    const res = await this.client.query({ ...this.q.insertBatch, values: [this.ledger, JSON.stringify(this.staged), this.staged.map((r) => r.key)] });
    if (res.rowCount === this.staged.length) return;
    const dup = await this.client.query({ ...this.q.byKeys, values: [this.ledger, this.staged.map((r) => r.key)] });
    const key = (dup.rows[0]?.key as string | undefined) ?? '?';
    throw new RatecardError('storage_conflict', `key ${JSON.stringify(key)} is already in the ledger`, { details: { key } });
  }

  private check(): void {
    if (this.done) throw new RatecardError('storage_tx_closed', 'this append transaction has ended; use the tx only inside its appendWith callback');
  }
}

/** Field types and chain rules; PostgreSQL text also refuses NUL and lone surrogates. */
function checkRecord(rec: EntryRecord, head: Head): void {
  for (const f of ['key', 'type', 'at', 'body', 'payload_hash', 'prev_hash', 'hash'] as const) {
    const v = rec[f];
    if (typeof v !== 'string') throw new RatecardError('storage_invalid_record', `record field ${f} must be a string`, { details: { field: f } });
    if (v.includes('\u0000')) throw new RatecardError('storage_invalid_record', `record field ${f} contains a NUL character, which PostgreSQL text cannot store`, { details: { field: f } });
    if (/\p{Cs}/u.test(v)) throw new RatecardError('storage_invalid_record', `record field ${f} is not valid Unicode (lone surrogate)`, { details: { field: f } });
  }
  if (rec.seq !== head.seq + 1) {
    throw new RatecardError('storage_conflict', `record seq ${String(rec.seq)} does not follow head seq ${head.seq}`, { details: { expected: head.seq + 1, got: rec.seq } });
  }
  if (rec.prev_hash !== head.hash) {
    throw new RatecardError('storage_conflict', `record ${rec.seq} prev_hash does not match the hash of record ${head.seq}`, { details: { seq: rec.seq } });
  }
}

function copy(r: EntryRecord): EntryRecord {
  return { seq: r.seq, key: r.key, type: r.type, at: r.at, body: r.body, payload_hash: r.payload_hash, prev_hash: r.prev_hash, hash: r.hash };
}

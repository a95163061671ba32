/**
 * In-memory storage: the reference adapter (tests, ephemeral ledgers, benchmarks).
 * Appends are serialized through a promise chain; staged records become visible only
 * when the callback returns, so a throwing callback leaves nothing behind.
 */
import { GENESIS_HASH, type AppendTx, type EntryRecord, type Head, type LedgerStorage, type OpenReport, type RecordFilter } from './types.js';
import { createStagedTx } from './staging.js';
import { RatecardError } from '../errors/index.js';

/** Serializes async critical sections in call order. */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  run<R>(fn: () => Promise<R>): Promise<R> {
    const result = this.tail.then(fn, fn);
    this.tail = result.then(() => undefined, () => undefined);
    return result;
  }
}

export class MemoryStorage implements LedgerStorage {
  readonly kind = 'memory';
  private readonly records: EntryRecord[] = [];
  private readonly byKey = new Map<string, EntryRecord>();
  private readonly meta = new Map<string, string>();
  private readonly mutex = new Mutex();
  private closed = false;
  /** Open handles: the store stays usable until the last one closes (several users may share one store). */
  private opens = 0;

  async open(): Promise<OpenReport> {
    this.opens++;
    this.closed = false;
    return { kind: this.kind, head: this.headSync() };
  }

  appendWith<R>(fn: (tx: AppendTx) => R | Promise<R>): Promise<R> {
    return this.mutex.run(async () => {
      this.assertOpen();
      const { tx, staged, assertNoConflict } = createStagedTx(
        () => this.headSync(),
        (k) => this.byKey.has(k),
        (k) => this.byKey.get(k),
      );
      const result = await fn(tx);
      assertNoConflict();
      for (const r of staged) {
        this.records.push(r);
        this.byKey.set(r.key, r);
      }
      return result;
    });
  }

  async read(fromSeq: number, limit: number): Promise<EntryRecord[]> {
    this.assertOpen();
    const start = Math.max(0, fromSeq - 1);
    return this.records.slice(start, start + Math.max(0, limit)).map((r) => ({ ...r }));
  }

  async scan(fromSeq: number, toSeq: number, filter: RecordFilter): Promise<EntryRecord[]> {
    this.assertOpen();
    const out: EntryRecord[] = [];
    for (let i = Math.max(0, fromSeq - 1); i < Math.min(this.records.length, toSeq); i++) if (this.records[i]!.body.includes(filter.bodyIncludes)) out.push({ ...this.records[i]! });
    return out;
  }

  async getByKey(key: string): Promise<EntryRecord | undefined> {
    this.assertOpen();
    const r = this.byKey.get(key);
    return r ? { ...r } : undefined;
  }

  async head(): Promise<Head> {
    this.assertOpen();
    return this.headSync();
  }

  async getMeta(name: string): Promise<string | undefined> {
    return this.meta.get(name);
  }

  async setMeta(name: string, value: string): Promise<void> {
    this.meta.set(name, value);
  }

  async close(): Promise<void> {
    this.opens = Math.max(0, this.opens - 1);
    if (this.opens === 0) this.closed = true;
  }

  private headSync(): Head {
    const last = this.records[this.records.length - 1];
    return last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: GENESIS_HASH };
  }

  private assertOpen(): void {
    if (this.closed) throw new RatecardError('storage_closed', 'the memory storage is closed');
  }
}

export function createMemoryStorage(): MemoryStorage {
  return new MemoryStorage();
}

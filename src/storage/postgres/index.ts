/**
 * PostgreSQL ledger storage (`pg`, an optional peer dependency loaded on open()).
 *
 * - Several ledgers share one schema (`ledger` column); each has a row in `ledgers`.
 * - Appends lock that row (`SELECT … FOR UPDATE`) inside the transaction, so writers in
 *   any number of processes serialize per ledger; the head is read after the lock.
 * - Idempotency by the unique constraint (ledger, key); gapless seq by the primary key
 *   (ledger, seq) and the lock. UPDATE/DELETE/TRUNCATE on entries are refused by trigger.
 * - Inside one process, queued callers are group-committed: one transaction, each
 *   caller's records inserted (all or none) after its callback returns. A failed
 *   callback inserts nothing; COMMIT (synchronous_commit) makes the batch durable.
 * - Schema migrations are versioned in `<schema>.schema_migrations` and applied under an
 *   advisory lock (see migrations.ts).
 */
import { AppendQueue, type AppendJob } from '../append-queue.js';
import type { Pool, PoolClient, QueryResult } from 'pg';
import { RatecardError } from '../../errors/index.js';
import type { AppendTx, EntryRecord, Head, LedgerStorage, OpenReport, RecordFilter } from '../types.js';
import { migrate } from './migrations.js';
import { IDENT, queries, quoteIdent, rowToHead, rowToRecord, type Queries } from './queries.js';
import { PgTx } from './tx.js';

export interface PostgresStorageOptions {
  /** e.g. postgres://user@host:5432/db */
  connectionString: string;
  /** Ledger name within the schema (default "default"). */
  ledger?: string;
  /** Schema holding the tables (default "ratecard"; created if missing). */
  schema?: string;
  /** Connections in the pool (default 4): one for appends, the rest for reads. */
  poolSize?: number;
  /** Most callbacks group-committed in one transaction (default 512). */
  maxBatch?: number;
  /** How long an append waits for another writer's ledger lock, ms (default 30 000). */
  lockTimeoutMs?: number;
}

export function createPostgresStorage(options: PostgresStorageOptions): LedgerStorage {
  return new PostgresStorage(options);
}

class PostgresStorage implements LedgerStorage {
  readonly kind = 'postgres';
  private pool: Pool | undefined;
  private opening: Promise<OpenReport> | undefined;
  private closed = false;
  private readonly appends = new AppendQueue(() => this.runBatch());
  private readonly ledger: string;
  private readonly schema: string;
  private readonly q: Queries;
  private readonly poolSize: number;
  private readonly maxBatch: number;
  private readonly lockTimeoutMs: number;

  constructor(private readonly options: PostgresStorageOptions) {
    if (!options || typeof options.connectionString !== 'string' || options.connectionString === '') {
      throw new RatecardError('storage_invalid_option', 'PostgreSQL storage needs a connectionString');
    }
    this.ledger = options.ledger ?? 'default';
    if (typeof this.ledger !== 'string' || this.ledger === '' || this.ledger.length > 200 || this.ledger.includes('\u0000')) {
      throw new RatecardError('storage_invalid_option', 'ledger must be a non-empty name of at most 200 characters');
    }
    this.schema = options.schema ?? 'ratecard';
    if (!IDENT.test(this.schema)) {
      throw new RatecardError('storage_invalid_option', `schema ${JSON.stringify(this.schema)} must be letters, digits and underscores (at most 63, not starting with a digit)`);
    }
    this.q = queries(quoteIdent(this.schema));
    this.poolSize = Math.max(2, options.poolSize ?? 4);
    this.maxBatch = Math.max(1, options.maxBatch ?? 512);
    this.lockTimeoutMs = Math.max(1, Math.floor(options.lockTimeoutMs ?? 30_000));
  }

  open(): Promise<OpenReport> {
    if (this.closed) return Promise.reject(closedError());
    this.opening ??= this.doOpen();
    return this.opening;
  }

  private async doOpen(): Promise<OpenReport> {
    const pg = await loadDriver();
    const pool = new pg.Pool({ connectionString: this.options.connectionString, max: this.poolSize });
    // An idle connection dropped by the server must not crash the host; the next query reconnects.
    pool.on('error', () => undefined);
    try {
      const client = await pool.connect();
      let applied: string[];
      try {
        applied = await migrate(client, this.schema, quoteIdent(this.schema), this.ledger);
      } finally {
        client.release();
      }
      this.pool = pool;
      return { kind: this.kind, head: await this.head(), migrations: applied };
    } catch (e) {
      this.pool = undefined;
      this.opening = undefined;
      await pool.end().catch(() => undefined);
      if (e instanceof RatecardError) throw e;
      throw new RatecardError('storage_open_failed', `cannot open PostgreSQL ledger ${JSON.stringify(this.ledger)} (schema ${this.schema}): ${(e as Error).message}`, { cause: e });
    }
  }

  appendWith<R>(fn: (tx: AppendTx) => R | Promise<R>): Promise<R> {
    if (this.closed) return Promise.reject(closedError());
    if (!this.pool) return Promise.reject(notOpenError());
    return this.appends.enqueue(fn);
  }

  private async runBatch(): Promise<void> {
    let client: PoolClient;
    try {
      client = await this.pool!.connect();
    } catch (e) {
      for (const job of this.appends.jobs.splice(0, this.maxBatch)) job.reject(wrapPgError(e, 'cannot connect to PostgreSQL'));
      return;
    }
    const settled: { job: AppendJob; ok: boolean; value: unknown }[] = [];
    let broken: unknown; // a database error: the transaction is aborted
    let locked = false;
    try {
      let head = await this.lockAndHead(client);
      locked = true;
      while (this.appends.jobs.length > 0 && settled.length < this.maxBatch && broken === undefined) {
        const job = this.appends.jobs.shift()!;
        const tx = new PgTx(client, this.q, this.ledger, head);
        try {
          const value = await job.fn(tx);
          if (tx.conflict) throw tx.conflict;
          if (tx.dbError !== undefined) throw tx.dbError;
          await tx.flush().catch((e: unknown) => {
            if (!(e instanceof RatecardError)) tx.dbError ??= e;
            throw e;
          });
          head = tx.head();
          settled.push({ job, ok: true, value });
        } catch (e) {
          settled.push({ job, ok: false, value: tx.dbError !== undefined ? wrapPgError(e, 'append failed') : e });
          if (tx.dbError !== undefined) broken = tx.dbError;
        } finally {
          tx.done = true;
        }
      }
      if (broken !== undefined) throw broken;
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release(isConnectionError(e) ? (e as Error) : undefined);
      const what = !locked ? 'could not take the ledger lock' : broken !== undefined ? 'the batch transaction was aborted by a database error' : 'PostgreSQL commit failed';
      const err = wrapPgError(e, what);
      for (const s of settled) s.job.reject(s.ok ? err : s.value);
      // Jobs not yet run when the lock or connection failed get the same error.
      if (settled.length === 0) for (const job of this.appends.jobs.splice(0, this.maxBatch)) job.reject(err);
      return;
    }
    client.release();
    for (const s of settled) (s.ok ? s.job.resolve : s.job.reject)(s.value);
  }

  private async lockAndHead(client: PoolClient): Promise<Head> {
    const text = this.q.lockAndHead(client.escapeLiteral(this.ledger), this.lockTimeoutMs);
    const results = (await client.query(text)) as unknown as QueryResult[];
    if (results[2]!.rowCount !== 1) {
      throw new RatecardError('storage_open_failed', `ledger ${JSON.stringify(this.ledger)} has no row in ${this.schema}.ledgers`);
    }
    return rowToHead(results[3]!.rows[0]);
  }

  async read(fromSeq: number, limit: number): Promise<EntryRecord[]> {
    const pool = this.readPool();
    if (!(limit > 0)) return [];
    const res = await pool.query({ ...this.q.read, values: [this.ledger, Math.max(1, Math.floor(fromSeq)), Math.floor(limit)] });
    return res.rows.map(rowToRecord);
  }

  async scan(fromSeq: number, toSeq: number, filter: RecordFilter): Promise<EntryRecord[]> {
    // A NUL cannot be in a stored body (PostgreSQL text refuses it): nothing matches.
    if (filter.bodyIncludes.includes('\u0000')) return [];
    const res = await this.readPool().query({ ...this.q.scan, values: [this.ledger, Math.max(1, Math.floor(fromSeq)), Math.floor(toSeq), filter.bodyIncludes] });
    return res.rows.map(rowToRecord);
  }

  async getByKey(key: string): Promise<EntryRecord | undefined> {
    const pool = this.readPool();
    if (typeof key !== 'string' || key.includes('\u0000')) return undefined;
    const res = await pool.query({ ...this.q.byKey, values: [this.ledger, key] });
    return res.rows[0] ? rowToRecord(res.rows[0]) : undefined;
  }

  async head(): Promise<Head> {
    const res = await this.readPool().query({ ...this.q.head, values: [this.ledger] });
    return rowToHead(res.rows[0]);
  }

  async getMeta(name: string): Promise<string | undefined> {
    const pool = this.readPool();
    if (typeof name !== 'string' || name.includes('\u0000')) return undefined;
    const res = await pool.query({ ...this.q.getMeta, values: [this.ledger, name] });
    return res.rows[0]?.value as string | undefined;
  }

  async setMeta(name: string, value: string): Promise<void> {
    const pool = this.readPool();
    if (typeof name !== 'string' || typeof value !== 'string' || name.includes('\u0000') || value.includes('\u0000')) {
      throw new RatecardError('storage_invalid_record', 'meta name and value must be strings without NUL characters');
    }
    await pool.query({ ...this.q.setMeta, values: [this.ledger, name, value] });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.opening) await this.opening.catch(() => undefined);
    await this.appends.whenIdle();
    const pool = this.pool;
    this.pool = undefined;
    await pool?.end();
  }

  private readPool(): Pool {
    if (this.closed) throw closedError();
    if (!this.pool) throw notOpenError();
    return this.pool;
  }
}

async function loadDriver(): Promise<typeof import('pg')> {
  try {
    const mod = (await import('pg')) as typeof import('pg') & { default?: typeof import('pg') };
    return mod.default ?? mod;
  } catch (e) {
    throw new RatecardError('storage_driver_missing', 'PostgreSQL storage needs the optional peer dependency pg (npm install pg)', { cause: e });
  }
}

function isConnectionError(e: unknown): boolean {
  const code = (e as { code?: string }).code;
  return code === undefined || code.startsWith('08') || code === 'ECONNRESET' || code === 'ECONNREFUSED' || code === '57P01';
}

function wrapPgError(e: unknown, what: string): unknown {
  if (e instanceof RatecardError) return e;
  const code = (e as { code?: string }).code;
  if (code === '55P03') return new RatecardError('storage_busy', `${what}: another writer held the ledger lock too long`, { cause: e });
  if (code === '23505') return new RatecardError('storage_conflict', `${what}: ${(e as Error).message}`, { cause: e });
  return new RatecardError('storage_io', `${what}: ${(e as Error).message}`, { cause: e });
}

function closedError(): RatecardError {
  return new RatecardError('storage_closed', 'this storage is closed');
}

function notOpenError(): RatecardError {
  return new RatecardError('storage_not_open', 'call open() before using the storage');
}

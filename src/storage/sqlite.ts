/**
 * SQLite ledger storage (better-sqlite3 12.x, an optional peer dependency loaded on open()).
 *
 * - WAL journal, `synchronous=FULL` by default: a commit is on disk when appendWith
 *   resolves, even on power loss (NORMAL survives a process crash but may lose the last
 *   commits on power loss; opt in with `{ synchronous: 'NORMAL' }`).
 * - Appends run under `BEGIN IMMEDIATE`, so writers in several processes serialize on
 *   SQLite's write lock (waiting up to `busyTimeoutMs`). Inside one process, callers queue
 *   and are group-committed: every queued callback runs in its own SAVEPOINT of one
 *   transaction, so a failing callback stages nothing while the others still commit.
 * - Reads use a second connection, so they never see a batch that is still open.
 * - The entries table has `key UNIQUE`: a crash or a racing writer can never store two
 *   records for one idempotency key.
 */
import { AppendQueue, type AppendJob } from './append-queue.js';
import type BetterSqlite3 from 'better-sqlite3';
import { RatecardError } from '../errors/index.js';
import { GENESIS_HASH, type AppendTx, type EntryRecord, type Head, type LedgerStorage, type OpenReport, type RecordFilter } from './types.js';

export interface SqliteStorageOptions {
  /** `FULL` (default) or `NORMAL`; see the module comment. */
  synchronous?: 'FULL' | 'NORMAL';
  /** How long to wait for another process's write lock, ms (default 10 000). */
  busyTimeoutMs?: number;
  /** Most callbacks group-committed in one transaction (default 512). */
  maxBatch?: number;
}

type DB = BetterSqlite3.Database;
type Statement = BetterSqlite3.Statement;

/** Versioned schema; applied in order, each once, recorded in schema_migrations. */
const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: '001_entries_meta',
    sql: `CREATE TABLE entries (
            seq INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            type TEXT NOT NULL,
            at TEXT NOT NULL,
            body TEXT NOT NULL,
            payload_hash TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
          );
          CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);`,
  },
];

const COLUMNS = 'seq, key, type, at, body, payload_hash, prev_hash, hash';

interface Statements {
  insert: Statement;
  head: Statement;
  byKeys: Statement;
  byKey: Statement;
  read: Statement;
  scan: Statement;
  getMeta: Statement;
  setMeta: Statement;
}

export function createSqliteStorage(path: string, options: SqliteStorageOptions = {}): LedgerStorage {
  return new SqliteStorage(path, options);
}

class SqliteStorage implements LedgerStorage {
  readonly kind = 'sqlite';
  private writer: DB | undefined;
  private reader: DB | undefined;
  private w: Statements | undefined;
  private r: Statements | undefined;
  private opening: Promise<OpenReport> | undefined;
  private closed = false;
  private readonly appends = new AppendQueue(() => this.runBatch());
  private readonly synchronous: 'FULL' | 'NORMAL';
  private readonly busyTimeoutMs: number;
  private readonly maxBatch: number;

  constructor(
    private readonly path: string,
    options: SqliteStorageOptions,
  ) {
    if (typeof path !== 'string' || path === '') throw new RatecardError('storage_invalid_option', 'SQLite storage needs a file path');
    this.synchronous = options.synchronous ?? 'FULL';
    if (this.synchronous !== 'FULL' && this.synchronous !== 'NORMAL') {
      throw new RatecardError('storage_invalid_option', `synchronous must be FULL or NORMAL, got ${String(options.synchronous)}`);
    }
    this.busyTimeoutMs = options.busyTimeoutMs ?? 10_000;
    this.maxBatch = Math.max(1, options.maxBatch ?? 512);
  }

  open(): Promise<OpenReport> {
    if (this.closed) return Promise.reject(closedError());
    this.opening ??= this.doOpen();
    return this.opening;
  }

  private async doOpen(): Promise<OpenReport> {
    const Database = await loadDriver();
    let writer: DB | undefined;
    let reader: DB | undefined;
    try {
      writer = new Database(this.path, { timeout: this.busyTimeoutMs });
      // WAL is persistent in the file; switching needs a moment without other writers.
      const mode = writer.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal' && this.path !== ':memory:') {
        throw new RatecardError('storage_open_failed', `could not switch ${this.path} to WAL (journal_mode is ${String(mode)})`);
      }
      writer.pragma(`synchronous = ${this.synchronous}`);
      // better-sqlite3 is synchronous: SQLite's own busy wait would block the event loop,
      // and with it the async callback that holds the lock in this very process. So the
      // writer never waits inside SQLite; beginImmediate() retries with async sleeps.
      writer.pragma('busy_timeout = 0');
      const migrations = await migrate(writer, this.busyTimeoutMs);
      reader = this.path === ':memory:' ? writer : new Database(this.path, { timeout: this.busyTimeoutMs, readonly: true });
      this.writer = writer;
      this.reader = reader;
      this.w = prepare(writer);
      this.r = reader === writer ? this.w : prepare(reader);
      return { kind: this.kind, head: readHead(this.r), migrations };
    } catch (e) {
      reader?.close();
      writer?.close();
      this.opening = undefined;
      if (e instanceof RatecardError) throw e;
      throw new RatecardError('storage_open_failed', `cannot open SQLite ledger ${this.path}: ${(e as Error).message}`, { cause: e });
    }
  }

  appendWith<R>(fn: (tx: AppendTx) => R | Promise<R>): Promise<R> {
    if (this.closed) return Promise.reject(closedError());
    if (!this.w) return Promise.reject(notOpenError());
    return this.appends.enqueue(fn);
  }

  /** One transaction: every queued callback (up to maxBatch) in its own savepoint. */
  private async runBatch(): Promise<void> {
    const db = this.writer!;
    const st = this.w!;
    const settled: { job: AppendJob; ok: boolean; value: unknown }[] = [];
    try {
      await beginImmediate(db, this.busyTimeoutMs);
    } catch (e) {
      for (const job of this.appends.jobs.splice(0, this.maxBatch)) job.reject(wrapSqlError(e, 'could not take the SQLite write lock'));
      return;
    }
    try {
      let head = readHead(st);
      while (this.appends.jobs.length > 0 && settled.length < this.maxBatch) {
        const job = this.appends.jobs.shift()!;
        db.exec('SAVEPOINT caller');
        const tx = new SqliteTx(st, head);
        try {
          const value = await job.fn(tx);
          if (tx.conflict) throw tx.conflict;
          db.exec('RELEASE caller');
          head = tx.head();
          settled.push({ job, ok: true, value });
        } catch (e) {
          db.exec('ROLLBACK TO caller');
          db.exec('RELEASE caller');
          settled.push({ job, ok: false, value: e });
        } finally {
          tx.done = true;
        }
      }
      db.exec('COMMIT');
    } catch (e) {
      if (db.inTransaction) db.exec('ROLLBACK');
      const err = wrapSqlError(e, 'SQLite commit failed');
      for (const s of settled) s.job.reject(s.ok ? err : s.value);
      return;
    }
    for (const s of settled) (s.ok ? s.job.resolve : s.job.reject)(s.value);
  }

  async read(fromSeq: number, limit: number): Promise<EntryRecord[]> {
    const st = this.readStatements();
    if (!(limit > 0)) return [];
    return (st.read.all(Math.max(1, Math.floor(fromSeq)), Math.floor(limit)) as EntryRecord[]).map(copyRow);
  }

  async scan(fromSeq: number, toSeq: number, filter: RecordFilter): Promise<EntryRecord[]> {
    const st = this.readStatements();
    return (st.scan.all(Math.max(1, Math.floor(fromSeq)), Math.floor(toSeq), filter.bodyIncludes) as EntryRecord[]).map(copyRow);
  }

  async getByKey(key: string): Promise<EntryRecord | undefined> {
    const row = this.readStatements().byKey.get(key) as EntryRecord | undefined;
    return row && copyRow(row);
  }

  async head(): Promise<Head> {
    return readHead(this.readStatements());
  }

  async getMeta(name: string): Promise<string | undefined> {
    const row = this.readStatements().getMeta.get(name) as { value: string } | undefined;
    return row?.value;
  }

  async setMeta(name: string, value: string): Promise<void> {
    if (typeof name !== 'string' || typeof value !== 'string') {
      throw new RatecardError('storage_invalid_record', 'meta name and value must be strings');
    }
    // Through the append queue: the writer connection may hold an open batch.
    await this.appendWith(() => void this.w!.setMeta.run(name, value));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.opening) await this.opening.catch(() => undefined);
    await this.appends.whenIdle();
    if (this.reader !== this.writer) this.reader?.close();
    this.writer?.close();
    this.writer = this.reader = undefined;
    this.w = this.r = undefined;
  }

  private readStatements(): Statements {
    if (this.closed) throw closedError();
    if (!this.r) throw notOpenError();
    return this.r;
  }
}

class SqliteTx implements AppendTx {
  done = false;
  conflict: RatecardError | undefined;

  constructor(
    private readonly st: Statements,
    private current: Head,
  ) {}

  head(): Head {
    this.check();
    return { ...this.current };
  }

  findByKeys(keys: readonly string[]): Map<string, EntryRecord> {
    this.check();
    const found = new Map<string, EntryRecord>();
    if (keys.length === 0) return found;
    for (const row of this.st.byKeys.all(JSON.stringify(keys)) as EntryRecord[]) found.set(row.key, copyRow(row));
    return found;
  }

  append(records: readonly EntryRecord[]): void {
    this.check();
    let head = this.current;
    try {
      for (const rec of records) {
        checkRecord(rec, head);
        try {
          this.st.insert.run(rec.seq, rec.key, rec.type, rec.at, rec.body, rec.payload_hash, rec.prev_hash, rec.hash);
        } catch (e) {
          if ((e as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) {
            throw new RatecardError('storage_conflict', `key ${JSON.stringify(rec.key)} is already in the ledger`, { details: { key: rec.key } });
          }
          throw e;
        }
        head = { seq: rec.seq, hash: rec.hash };
      }
    } catch (e) {
      // The interface: a violation discards the whole tx, even if the callback catches it.
      if (e instanceof RatecardError) this.conflict ??= e;
      throw e;
    }
    this.current = head;
  }

  private check(): void {
    if (this.done) throw new RatecardError('storage_tx_closed', 'this append transaction has ended; use the tx only inside its appendWith callback');
  }
}

/** With the u flag, \p{Cs} matches only unpaired surrogates, which SQLite cannot store verbatim. */
const LONE_SURROGATE = /\p{Cs}/u;

/** The chain rules every staged record must follow (the hash itself is the ledger's business). */
function checkRecord(rec: EntryRecord, head: Head): void {
  for (const f of ['key', 'type', 'at', 'body', 'payload_hash', 'prev_hash', 'hash'] as const) {
    if (typeof rec[f] !== 'string') throw new RatecardError('storage_invalid_record', `record field ${f} must be a string`, { details: { field: f } });
    if (LONE_SURROGATE.test(rec[f])) throw new RatecardError('storage_invalid_record', `record field ${f} is not valid Unicode (lone surrogate)`, { details: { field: f } });
  }
  if (rec.seq !== head.seq + 1) {
    throw new RatecardError('storage_conflict', `record seq ${String(rec.seq)} does not follow head seq ${head.seq}`, { details: { expected: head.seq + 1, got: rec.seq } });
  }
  if (rec.prev_hash !== head.hash) {
    throw new RatecardError('storage_conflict', `record ${rec.seq} prev_hash does not match the hash of record ${head.seq}`, { details: { seq: rec.seq } });
  }
}

/** BEGIN IMMEDIATE, waiting for another writer with async sleeps (see doOpen). */
async function beginImmediate(db: DB, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      db.exec('BEGIN IMMEDIATE');
      return;
    } catch (e) {
      if (!(e as { code?: string }).code?.startsWith('SQLITE_BUSY') || Date.now() >= deadline) throw e;
      // Jittered backoff, 1 ms doubling up to ~20 ms, like SQLite's own busy handler.
      await new Promise((r) => setTimeout(r, Math.min(2 ** attempt, 20) * (0.5 + Math.random())));
    }
  }
}

async function migrate(db: DB, timeoutMs: number): Promise<string[]> {
  // IMMEDIATE: two processes opening a fresh file at once apply each migration once.
  await beginImmediate(db, timeoutMs);
  try {
    db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const done = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
    const applied: string[] = [];
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
      applied.push(m.name);
    }
    const newest = Math.max(0, ...done);
    if (newest > MIGRATIONS.length) {
      throw new RatecardError('storage_schema_too_new', `this ledger has schema version ${newest}; this ratecard knows up to ${MIGRATIONS.length}. Upgrade ratecard.`);
    }
    db.exec('COMMIT');
    return applied;
  } catch (e) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw e;
  }
}

function prepare(db: DB): Statements {
  return {
    insert: db.prepare(`INSERT INTO entries (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
    head: db.prepare('SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1'),
    byKeys: db.prepare(`SELECT ${COLUMNS} FROM entries WHERE key IN (SELECT value FROM json_each(?))`),
    byKey: db.prepare(`SELECT ${COLUMNS} FROM entries WHERE key = ?`),
    read: db.prepare(`SELECT ${COLUMNS} FROM entries WHERE seq >= ? ORDER BY seq LIMIT ?`),
    scan: db.prepare(`SELECT ${COLUMNS} FROM entries WHERE seq BETWEEN ? AND ? AND instr(body, ?) > 0 ORDER BY seq`),
    getMeta: db.prepare('SELECT value FROM meta WHERE name = ?'),
    setMeta: db.prepare('INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value'),
  };
}

function readHead(st: Statements): Head {
  const row = st.head.get() as Head | undefined;
  return row ? { seq: row.seq, hash: row.hash } : { seq: 0, hash: GENESIS_HASH };
}

/** A plain record with the interface's key order (rows are already fresh objects). */
function copyRow(r: EntryRecord): EntryRecord {
  return { seq: r.seq, key: r.key, type: r.type, at: r.at, body: r.body, payload_hash: r.payload_hash, prev_hash: r.prev_hash, hash: r.hash };
}

async function loadDriver(): Promise<typeof BetterSqlite3> {
  try {
    const mod = (await import('better-sqlite3')) as { default: typeof BetterSqlite3 };
    return mod.default;
  } catch (e) {
    throw new RatecardError('storage_driver_missing', 'SQLite storage needs the optional peer dependency better-sqlite3 (npm install better-sqlite3@12)', { cause: e });
  }
}

function wrapSqlError(e: unknown, what: string): unknown {
  if (e instanceof RatecardError) return e;
  const code = (e as { code?: string }).code;
  if (code?.startsWith('SQLITE_BUSY')) return new RatecardError('storage_busy', `${what}: the database stayed locked by another writer`, { cause: e });
  return new RatecardError('storage_io', `${what}: ${(e as Error).message}`, { cause: e });
}

function closedError(): RatecardError {
  return new RatecardError('storage_closed', 'this storage is closed');
}

function notOpenError(): RatecardError {
  return new RatecardError('storage_not_open', 'call open() before using the storage');
}

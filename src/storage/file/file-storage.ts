/**
 * The file adapter, the embedded default: one append-only file of CRC-framed records
 * (see frame.ts), an exclusive writer lock, group commit and torn-tail recovery.
 *
 * Durability: appendWith writes the staged records, releases the append mutex, then waits
 * for an fdatasync that STARTED after its write. Appends that arrive while a sync runs are
 * written meanwhile and share the next sync (group commit), so one fsync acknowledges many
 * appends. If a sync fails the storage refuses further work (the page cache state is
 * unknown): reopen to recover.
 */
import { closeSync, copyFileSync, existsSync, fdatasync, fsyncSync, ftruncateSync, openSync, readFileSync, readSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { promisify } from 'node:util';
import { RatecardError } from '../../errors/index.js';
import { Mutex } from '../memory.js';
import { type AppendTx, type EntryRecord, type Head, type LedgerStorage, type OpenReport, type RecordFilter } from '../types.js';
import { createStagedTx } from '../staging.js';
import { decodeRecord, encodeRecord, HEADER } from './frame.js';
import { acquireLock, releaseLock } from './lock.js';
import { scanLedgerFile } from './scan.js';

const fdatasyncAsync = promisify(fdatasync);

export interface FileStorageOptions {
  /** Open without the writer lock and without repairing the file (for `verify` beside a running writer). */
  readOnly?: boolean;
  /** Skip fsync (tests and benchmarks of the non-durable path only). Default true. */
  durable?: boolean;
}

interface Deferred { promise: Promise<void>; resolve: () => void; reject: (e: unknown) => void }
function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  promise.catch(() => undefined); // observed by callers; avoid unhandled rejections when none wait
  return { promise, resolve, reject };
}

/** The state of one open ledger file, shared by every handle on that path in this process. */
class FileCore implements LedgerStorage {
  readonly kind = 'file';
  /** Counters for tests and benchmarks: group commit shows as syncs < appends. */
  readonly stats = { appends: 0, records: 0, syncs: 0 };
  private fd = -1;
  private size = 0;
  private offsets: number[] = [];
  private keys = new Map<string, number>();
  private headState: Head = { seq: 0, hash: '' };
  private readonly mutex = new Mutex();
  private nextSync: Deferred | undefined;
  private syncing = false;
  private failure: unknown;
  private opened: Promise<OpenReport> | undefined;
  private readonly lockPath: string;
  private readonly metaPath: string;
  private readonly onExit = () => releaseLock(this.lockPath);

  constructor(readonly path: string, private readonly options: FileStorageOptions = {}) {
    this.lockPath = `${path}.lock`;
    this.metaPath = `${path}.meta.json`;
  }

  open(): Promise<OpenReport> {
    this.opened ??= Promise.resolve().then(() => this.openSync());
    return this.opened;
  }

  private openSync(): OpenReport {
    const readOnly = this.options.readOnly === true;
    if (!readOnly) {
      acquireLock(this.lockPath);
      process.once('exit', this.onExit);
    }
    try {
      return this.openLocked(readOnly);
    } catch (e) {
      if (!readOnly) this.releaseLockNow();
      throw e;
    }
  }

  private openLocked(readOnly: boolean): OpenReport {
    if (!existsSync(this.path)) {
      if (readOnly) throw new RatecardError('storage_not_found', `no ledger file at ${this.path}`);
      writeFileSync(this.path, HEADER, { flag: 'wx' });
      this.fsyncDir();
    }
    const scan = scanLedgerFile(this.path);
    if (scan.header === 'not_ledger') {
      throw new RatecardError('storage_not_ledger', `${this.path} is not a ratecard ledger file (its first line is not \`${HEADER.trim()}\`)`);
    }
    let recovered: OpenReport['recovered'];
    this.fd = openSync(this.path, readOnly ? 'r' : 'r+');
    if (scan.header === 'empty') {
      // Crash while creating the file: only a prefix of the header exists.
      if (!readOnly) {
        ftruncateSync(this.fd, 0);
        writeSync(this.fd, HEADER, 0, 'latin1');
        fsyncSync(this.fd);
        if (scan.fileSize > 0) recovered = { truncatedBytes: scan.fileSize, droppedRecords: 0, reason: 'incomplete file header' };
      }
      scan.validEnd = HEADER.length;
    } else if (scan.validEnd < scan.fileSize && !readOnly) {
      const truncatedBytes = scan.fileSize - scan.validEnd;
      // More than a torn tail (complete lines after the damage): keep the bytes aside, never destroy them.
      let savedTo: string | undefined;
      if (scan.linesAfterDamage > 0) {
        savedTo = `${this.path}.damaged-${Date.now()}`;
        copyFileSync(this.path, savedTo);
      }
      ftruncateSync(this.fd, scan.validEnd);
      fsyncSync(this.fd);
      recovered = {
        truncatedBytes,
        droppedRecords: scan.linesAfterDamage + 1,
        reason: `${scan.damage ?? 'damaged tail'}${savedTo ? `; the file before repair was copied to ${savedTo}` : ''}`,
      };
    }
    this.size = scan.validEnd;
    this.offsets = scan.offsets;
    this.keys = scan.keys;
    this.headState = scan.head;
    this.failure = undefined;
    return { kind: this.kind, head: { ...scan.head }, ...(recovered ? { recovered } : {}) };
  }

  async appendWith<R>(fn: (tx: AppendTx) => R | Promise<R>): Promise<R> {
    const { result, wrote } = await this.mutex.run(async () => {
      this.assertWritable();
      const { tx, staged, assertNoConflict } = createStagedTx(
        () => this.headState,
        (k) => this.keys.has(k),
        (k) => this.getByKeyUnchecked(k),
      );
      const result = await fn(tx);
      assertNoConflict();
      if (staged.length === 0) return { result, wrote: false };
      this.writeRecords(staged);
      return { result, wrote: true };
    });
    if (wrote && this.options.durable !== false) await this.requestSync();
    return result;
  }

  private writeRecords(records: EntryRecord[]): void {
    const bufs = records.map(encodeRecord);
    const all = bufs.length === 1 ? bufs[0]! : Buffer.concat(bufs);
    try {
      let done = 0;
      while (done < all.length) done += writeSync(this.fd, all, done, all.length - done, this.size + done);
    } catch (e) {
      this.failure = e;
      throw new RatecardError('storage_failed', `writing ${this.path} failed: ${(e as Error).message}`, { cause: e });
    }
    let off = this.size;
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      this.offsets.push(off);
      this.keys.set(r.key, r.seq);
      off += bufs[i]!.length;
    }
    this.size = off;
    this.stats.appends++;
    this.stats.records += records.length;
    const last = records[records.length - 1]!;
    this.headState = { seq: last.seq, hash: last.hash };
  }

  /** Resolves after an fdatasync that started after this call. */
  private requestSync(): Promise<void> {
    this.nextSync ??= deferred();
    const mine = this.nextSync;
    if (!this.syncing) void this.syncLoop();
    return mine.promise;
  }

  private async syncLoop(): Promise<void> {
    this.syncing = true;
    while (this.nextSync) {
      const batch = this.nextSync;
      this.nextSync = undefined;
      try {
        if (this.failure) throw this.failure;
        await fdatasyncAsync(this.fd);
        this.stats.syncs++;
        batch.resolve();
      } catch (e) {
        this.failure ??= e;
        batch.reject(new RatecardError('storage_failed', `fsync of ${this.path} failed: ${(e as Error).message}; reopen the ledger to recover`, { cause: e }));
      }
    }
    this.syncing = false;
  }

  async read(fromSeq: number, limit: number): Promise<EntryRecord[]> {
    this.assertOpen();
    const first = Math.max(1, fromSeq);
    const last = Math.min(this.headState.seq, first + Math.max(0, limit) - 1);
    if (last < first) return [];
    const buf = this.bytesOf(first, last);
    const out: EntryRecord[] = [];
    let lineStart = 0;
    for (let seq = first; seq <= last; seq++) {
      const nl = buf.indexOf(0x0a, lineStart);
      out.push(this.recordAt(buf, lineStart, nl, seq));
      lineStart = nl + 1;
    }
    return out;
  }

  /**
   * Records of [fromSeq, toSeq] whose body contains the text, found by searching the raw
   * bytes for it as the line's JSON spells it (the writer escapes with JSON.stringify, which
   * escapes each character on its own): only the records it is found in are checked and
   * parsed. The others were checked when the file was opened.
   */
  async scan(fromSeq: number, toSeq: number, filter: RecordFilter): Promise<EntryRecord[]> {
    this.assertOpen();
    const first = Math.max(1, fromSeq);
    const last = Math.min(this.headState.seq, toSeq);
    if (last < first) return [];
    const base = this.offsets[first - 1]!;
    const buf = this.bytesOf(first, last);
    const needle = Buffer.from(JSON.stringify(filter.bodyIncludes).slice(1, -1), 'utf8');
    const out: EntryRecord[] = [];
    let seq = first;
    for (let at = buf.indexOf(needle); at !== -1 && seq <= last; ) {
      seq = this.seqAt(base + at, seq, last);
      const lineEnd = this.endOf(seq) - base - 1;
      out.push(this.recordAt(buf, this.offsets[seq - 1]! - base, lineEnd, seq));
      seq++;
      at = buf.indexOf(needle, lineEnd + 1);
    }
    return out;
  }

  /** Record `seq` from its line `buf[start, end)`; a damaged one is `storage_corrupt`. */
  private recordAt(buf: Buffer, start: number, end: number, seq: number): EntryRecord {
    const r = decodeRecord(buf, start, end);
    if (!r || r.seq !== seq) throw new RatecardError('storage_corrupt', `${this.path}: record ${seq} is damaged on disk (checksum mismatch)`, { details: { seq } });
    return r;
  }

  /** The byte offset just past record `seq` (its newline included). */
  private endOf(seq: number): number {
    return seq < this.offsets.length ? this.offsets[seq]! : this.size;
  }

  /** The bytes of records first..last (lines with their newlines). */
  private bytesOf(first: number, last: number): Buffer {
    const start = this.offsets[first - 1]!;
    const buf = Buffer.allocUnsafe(this.endOf(last) - start);
    let got = 0;
    while (got < buf.length) got += readSync(this.fd, buf, got, buf.length - got, start + got);
    return buf;
  }

  /** The seq of the record holding byte `offset`, searching [lo, hi] (offsets ascend). */
  private seqAt(offset: number, lo: number, hi: number): number {
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.offsets[mid - 1]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  async getByKey(key: string): Promise<EntryRecord | undefined> {
    this.assertOpen();
    return this.getByKeyUnchecked(key);
  }

  private async getByKeyUnchecked(key: string): Promise<EntryRecord | undefined> {
    const seq = this.keys.get(key);
    return seq === undefined ? undefined : (await this.read(seq, 1))[0];
  }

  async head(): Promise<Head> {
    this.assertOpen();
    return { ...this.headState };
  }

  async getMeta(name: string): Promise<string | undefined> {
    if (!name.startsWith(BULK)) return this.readMeta()[name];
    try {
      return readFileSync(this.bulkPath(name), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  async setMeta(name: string, value: string): Promise<void> {
    if (this.options.readOnly) throw new RatecardError('storage_read_only', 'the ledger was opened read-only');
    await this.mutex.run(async () => {
      if (name.startsWith(BULK)) writeAtomically(this.bulkPath(name), value);
      else writeAtomically(this.metaPath, JSON.stringify({ ...this.readMeta(), [name]: value }));
    });
  }

  /**
   * `bulk:` meta (large values written now and then: the aggregates checkpoint) has a file of
   * its own, so the meta file, rewritten whole on every sync cursor move, stays small.
   */
  private bulkPath(name: string): string {
    return `${this.path}.bulk-${name.slice(BULK.length).replace(/[^A-Za-z0-9_-]/g, '_')}`;
  }

  private readMeta(): Record<string, string> {
    try {
      return JSON.parse(readFileSync(this.metaPath, 'utf8')) as Record<string, string>;
    } catch {
      return {};
    }
  }

  async close(): Promise<void> {
    if (this.fd < 0) return;
    await this.mutex.run(async () => {
      while (this.syncing || this.nextSync) await new Promise((r) => setImmediate(r));
    });
    closeSync(this.fd);
    this.fd = -1;
    this.opened = undefined;
    if (!this.options.readOnly) this.releaseLockNow();
  }

  private releaseLockNow(): void {
    releaseLock(this.lockPath);
    process.removeListener('exit', this.onExit);
  }

  private fsyncDir(): void {
    try {
      const fd = openSync(dirname(this.path), 'r');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch {
      /* some platforms cannot fsync a directory */
    }
  }

  private assertOpen(): void {
    if (this.fd < 0) throw new RatecardError('storage_closed', `the file ledger ${this.path} is not open (call open())`);
  }

  private assertWritable(): void {
    this.assertOpen();
    if (this.options.readOnly) throw new RatecardError('storage_read_only', 'the ledger was opened read-only');
    if (this.failure) throw new RatecardError('storage_failed', `an earlier write or fsync of ${this.path} failed; reopen the ledger to recover`, { cause: this.failure });
  }
}

const BULK = 'bulk:';

/** Write `text` to `path` so that a crash leaves the old file or the new one, never a mix. */
function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, text);
  const fd = openSync(tmp, 'r');
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, path);
}

/**
 * Handles on one path share one FileCore in this process (so two ledgers or a ledger and
 * a tool in one process serialize through one mutex); other processes are kept out by
 * the lock file. The core is opened by the first handle and closed by the last.
 */
const cores = new Map<string, { core: FileCore; handles: number }>();

export class FileStorage implements LedgerStorage {
  readonly kind = 'file';
  private core: FileCore | undefined;
  private readonly id: string;

  constructor(readonly path: string, private readonly options: FileStorageOptions = {}) {
    this.id = `${resolve(path)}${options.readOnly ? '\u0000ro' : ''}${options.durable === false ? '\u0000nosync' : ''}`;
  }

  /** Counters of the shared core (group commit shows as syncs < appends). */
  get stats(): FileCore['stats'] {
    return (this.core ?? cores.get(this.id)?.core)?.stats ?? { appends: 0, records: 0, syncs: 0 };
  }

  async open(): Promise<OpenReport> {
    if (!this.core) {
      let shared = cores.get(this.id);
      if (!shared) {
        shared = { core: new FileCore(this.path, this.options), handles: 0 };
        cores.set(this.id, shared);
      }
      shared.handles++;
      this.core = shared.core;
      try {
        return await shared.core.open();
      } catch (e) {
        await this.close();
        throw e;
      }
    }
    return this.core.open();
  }

  async appendWith<R>(fn: (tx: AppendTx) => R | Promise<R>): Promise<R> {
    return this.use().appendWith(fn);
  }
  async read(fromSeq: number, limit: number): Promise<EntryRecord[]> {
    return this.use().read(fromSeq, limit);
  }
  async scan(fromSeq: number, toSeq: number, filter: RecordFilter): Promise<EntryRecord[]> {
    return this.use().scan(fromSeq, toSeq, filter);
  }
  async getByKey(key: string): Promise<EntryRecord | undefined> {
    return this.use().getByKey(key);
  }
  async head(): Promise<Head> {
    return this.use().head();
  }
  async getMeta(name: string): Promise<string | undefined> {
    return this.use().getMeta(name);
  }
  async setMeta(name: string, value: string): Promise<void> {
    return this.use().setMeta(name, value);
  }

  async close(): Promise<void> {
    const core = this.core;
    if (!core) return;
    this.core = undefined;
    const shared = cores.get(this.id);
    if (shared && shared.core === core && --shared.handles <= 0) {
      cores.delete(this.id);
      await core.close();
    }
  }

  private use(): FileCore {
    if (!this.core) throw new RatecardError('storage_closed', `the file ledger ${this.path} is not open (call open())`);
    return this.core;
  }
}

export function createFileStorage(path: string, options: FileStorageOptions = {}): FileStorage {
  return new FileStorage(path, options);
}

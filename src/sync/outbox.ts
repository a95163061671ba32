/**
 * The sync outbox: delivers ledger entries to a sink, at least once, off the caller's path.
 *
 * The ledger IS the queue: the outbox keeps only a cursor (last acknowledged seq, in the
 * storage's meta) and reads entries after it. Nothing is buffered beside the ledger, so a
 * crash or restart loses nothing (it resumes at the cursor and re-sends what was not yet
 * acknowledged; receivers deduplicate by event id) and a slow sink holds the cursor back
 * instead of growing memory: at most `maxInFlight` batches past the cursor are ever held.
 *
 * A batch leaves when `batchSize` entries are pending or `flushIntervalMs` has passed;
 * it is cut to `maxBatchBytes` and the sink's own limit. Transient failures are retried
 * with jittered exponential backoff (Retry-After honored); permanent ones (4xx other than
 * 408/429) are bisected to isolate the refused events, which become dead letters.
 */
import { createCipher, type Cipher, type EncryptionOptions } from '../ledger/encryption.js';
import type { Ledger } from '../ledger/ledger.js';
import { RatecardError } from '../errors/index.js';
import type { LedgerStorage } from '../storage/types.js';
import { nextDelay, type BackoffOptions } from './backoff.js';
import { DeadLetterStore } from './dead-letters.js';
import { asSinkError } from './errors.js';
import { encodeEventBytes, rawSyncEvent, recordToSyncEvent } from './event.js';
import type { DeadLetter, Sink, SyncEvent } from './types.js';

export interface OutboxOptions {
  /** The ledger whose entries to deliver (its storage is used), or the storage directly. */
  ledger?: Ledger;
  storage?: LedgerStorage;
  sink: Sink;
  /** Names the cursor and dead letters in the storage meta. Default: the sink's name. */
  name?: string;
  /** Send when this many entries are pending; also the most entries per batch. Default 100. */
  batchSize?: number;
  /** Send whatever is pending after this long. Default 5000 ms. */
  flushIntervalMs?: number;
  /** Largest batch, in bytes of encoded events. Default 1 MiB. */
  maxBatchBytes?: number;
  /** Batches in flight at once. Default 2. */
  maxInFlight?: number;
  /** How often to look for new entries. Default min(flushIntervalMs, 250) ms. */
  pollIntervalMs?: number;
  retry?: BackoffOptions & { maxAttempts?: number };
  /** Entry types delivered. Default usage, reversal and correction (budget alerts have their own outbox). */
  types?: readonly string[];
  /** Prefix of every event id (several ledgers into one backend). */
  idPrefix?: string;
  /** Key to read encrypted attribution (else events carry no attributes for such entries). */
  encryption?: EncryptionOptions;
  onDeadLetter?: (letters: readonly DeadLetter[]) => void;
  /** Every failed attempt (logging); the outbox retries on its own. */
  onError?: (error: Error, info: { attempt: number; events: number }) => void;
  /** For tests: the jitter source. */
  random?: () => number;
}

export interface OutboxStats {
  cursor: number;
  head: number;
  delivered: number;
  batches: number;
  retries: number;
  deadLettered: number;
  inFlight: number;
}

interface Batch { to: number; events: SyncEvent[]; done: boolean }

export const DEFAULT_TYPES = ['usage', 'reversal', 'correction'] as const;
const SPLITTABLE = new Set([400, 413, 422]);

class Aborted extends Error {}

export class Outbox {
  readonly name: string;
  private readonly storage: LedgerStorage;
  private readonly ledger: Ledger | undefined;
  private readonly sink: Sink;
  private readonly o: Required<Pick<OutboxOptions, 'batchSize' | 'flushIntervalMs' | 'maxBatchBytes' | 'maxInFlight' | 'pollIntervalMs'>>;
  private readonly types: Set<string>;
  private readonly cipher: Cipher | undefined;
  private readonly dead: DeadLetterStore;
  private cursor = 0;
  private persisted = 0;
  private readSeq = 0;
  private head = 0;
  private window: Batch[] = [];
  private inFlight = 0;
  private flushTarget = 0;
  private lastSend = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private abort = new AbortController();
  private started: Promise<void> | undefined;
  private pumping = false;
  private pumpAgain = false;
  private persisting: Promise<void> | undefined;
  private waiters = new Set<() => void>();
  /** Ids already dead-lettered: a refusal is final, so re-reads after a restart skip them. */
  private deadIds = new Set<string>();
  private readonly counts = { delivered: 0, batches: 0, retries: 0, deadLettered: 0 };

  constructor(private readonly options: OutboxOptions) {
    const storage = options.storage ?? options.ledger?.storage;
    if (!storage) throw new RatecardError('sync_invalid_options', 'createOutbox needs `ledger` or `storage`');
    if (!options.sink || typeof options.sink.send !== 'function') throw new RatecardError('sync_invalid_options', 'createOutbox needs a `sink` with send()');
    this.storage = storage;
    this.ledger = options.ledger;
    this.sink = options.sink;
    this.name = options.name ?? options.sink.name;
    const flushIntervalMs = positive(options.flushIntervalMs, 5000, 'flushIntervalMs');
    this.o = {
      batchSize: Math.min(positive(options.batchSize, 100, 'batchSize'), options.sink.maxBatchEvents ?? Infinity),
      flushIntervalMs,
      maxBatchBytes: positive(options.maxBatchBytes, 1 << 20, 'maxBatchBytes'),
      maxInFlight: positive(options.maxInFlight, 2, 'maxInFlight'),
      pollIntervalMs: positive(options.pollIntervalMs, Math.min(flushIntervalMs, 250), 'pollIntervalMs'),
    };
    this.types = new Set(options.types ?? DEFAULT_TYPES);
    this.cipher = options.encryption ? createCipher(options.encryption) : undefined;
    this.dead = new DeadLetterStore(storage, this.name);
  }

  private get cursorMeta(): string {
    return `sync:${this.name}:cursor`;
  }

  /** Load the cursor and start polling (timers unref'd: the outbox never keeps a process alive). */
  start(): Promise<void> {
    this.started ??= (async () => {
      if (this.ledger) await this.ledger.open();
      else await this.storage.open();
      const saved = await this.storage.getMeta(this.cursorMeta);
      this.cursor = this.persisted = this.readSeq = saved ? Number(saved) : 0;
      this.deadIds = new Set((await this.dead.list()).filter((d) => d.seq > this.cursor).map((d) => d.id));
      this.window = [];
      this.abort = new AbortController();
      this.timer = setInterval(() => void this.pump(), this.o.pollIntervalMs);
      this.timer.unref();
    })();
    this.started.catch(() => (this.started = undefined));
    return this.started;
  }

  /** Deliver everything recorded so far; resolves once the sink acknowledged it (or it was dead-lettered). */
  async flush(): Promise<void> {
    await this.start();
    const target = (await this.storage.head()).seq;
    this.flushTarget = Math.max(this.flushTarget, target);
    await this.pump();
    await this.until(() => this.cursor >= target);
    await this.persistCursor();
  }

  /** Look for new entries now (e.g. right after a record) instead of at the next poll. */
  notify(): void {
    if (this.started) void this.pump();
  }

  /**
   * Stop polling. By default first flushes (up to `timeoutMs`); then aborts what is still in
   * flight (it will be re-sent from the cursor on the next start) and saves the cursor.
   */
  async stop(options: { flush?: boolean; timeoutMs?: number } = {}): Promise<void> {
    if (!this.started) return;
    await this.started;
    if (options.flush !== false) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((r) => (timer = setTimeout(r, options.timeoutMs ?? 10_000)));
      await Promise.race([this.flush().catch(() => undefined), timeout]);
      clearTimeout(timer);
    }
    clearInterval(this.timer);
    this.abort.abort();
    await this.until(() => this.inFlight === 0).catch(() => undefined);
    await this.persistCursor();
    this.started = undefined;
    await this.sink.close?.();
  }

  /** Refused events, with the reason (persisted). */
  deadLetters(): Promise<DeadLetter[]> {
    return this.dead.list();
  }

  /** Forget dead letters (after handling them); returns how many were removed. */
  clearDeadLetters(ids: readonly string[]): Promise<number> {
    return this.dead.remove(ids);
  }

  stats(): OutboxStats {
    return { cursor: this.cursor, head: this.head, inFlight: this.inFlight, ...this.counts };
  }

  /** Dispatch batches while there is room in flight and enough pending (or a flush asks). */
  private async pump(): Promise<void> {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    if (!this.started || this.abort.signal.aborted) return;
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        this.head = (await this.storage.head()).seq;
        // The window (unacknowledged batches, in flight or done behind a slower one) is bounded too: head-of-line blocking is the backpressure.
        while (this.window.length < this.o.maxInFlight && this.readSeq < this.head && !this.abort.signal.aborted) {
          const pending = this.head - this.readSeq;
          const due = pending >= this.o.batchSize || this.readSeq < this.flushTarget || Date.now() - this.lastSend >= this.o.flushIntervalMs;
          if (!due) break;
          const batch = await this.readBatch();
          this.window.push(batch);
          if (batch.events.length === 0) {
            batch.done = true;
            this.advance();
            continue;
          }
          this.lastSend = Date.now();
          this.inFlight++;
          void this.deliver(batch);
        }
      } while (this.pumpAgain);
    } catch (e) {
      // A storage read failed: report and try again at the next poll.
      this.options.onError?.(e instanceof Error ? e : new Error(String(e)), { attempt: 0, events: 0 });
    } finally {
      this.pumping = false;
    }
  }

  private async readBatch(): Promise<Batch> {
    const records = await this.storage.read(this.readSeq + 1, Math.min(this.o.batchSize, this.head - this.readSeq));
    const events: SyncEvent[] = [];
    const oversized: DeadLetter[] = [];
    let bytes = 2;
    let to = this.readSeq;
    for (const r of records) {
      if (this.types.has(r.type)) {
        const event = this.sink.raw ? rawSyncEvent(r, this.options.idPrefix) : recordToSyncEvent(r, this.cipher, this.options.idPrefix);
        if (this.deadIds.has(event.id)) {
          to = r.seq;
          continue;
        }
        const size = encodeEventBytes(event).length + 1;
        if (size + 2 > this.o.maxBatchBytes) oversized.push(this.letter(event, `event is ${size} bytes, over maxBatchBytes ${this.o.maxBatchBytes}`, undefined, 0));
        else if (bytes + size > this.o.maxBatchBytes && events.length > 0) break;
        else {
          bytes += size;
          events.push(event);
        }
      }
      to = r.seq;
    }
    if (records.length === 0) throw new RatecardError('sync_read_failed', `storage returned no entries after seq ${this.readSeq} although head is ${this.head}`);
    if (oversized.length > 0) await this.recordDead(oversized);
    this.readSeq = to;
    return { to, events, done: false };
  }

  private async deliver(batch: Batch): Promise<void> {
    try {
      const letters = await this.sendWithRetry(batch.events, batch.events.length);
      await this.recordDead(letters);
      this.counts.delivered += batch.events.length - letters.length;
      this.counts.batches++;
      batch.done = true;
      batch.events = [];
    } catch (e) {
      if (!(e instanceof Aborted)) this.options.onError?.(e instanceof Error ? e : new Error(String(e)), { attempt: 0, events: batch.events.length });
    } finally {
      this.inFlight--;
      this.advance();
      void this.pump();
    }
  }

  /** Send until acknowledged; returns the events refused for good. Throws Aborted when stopping. */
  private async sendWithRetry(events: SyncEvent[], total: number): Promise<DeadLetter[]> {
    const signal = this.abort.signal;
    for (let attempt = 1; ; attempt++) {
      if (signal.aborted) throw new Aborted();
      try {
        const result = await this.sink.send(events, { signal, attempt });
        return (result.rejected ?? []).map((r) => this.letter(events[r.index]!, r.reason, r.status, attempt));
      } catch (e) {
        if (signal.aborted) throw new Aborted();
        const err = asSinkError(e);
        this.options.onError?.(err, { attempt, events: events.length });
        if (!err.retryable) {
          // Isolate the events the target refuses: the rest of the batch is fine.
          if (events.length > 1 && err.status !== undefined && SPLITTABLE.has(err.status)) {
            const mid = events.length >> 1;
            return [...(await this.sendWithRetry(events.slice(0, mid), total)), ...(await this.sendWithRetry(events.slice(mid), total))];
          }
          return events.map((ev) => this.letter(ev, err.message, err.status, attempt));
        }
        const max = this.options.retry?.maxAttempts ?? Infinity;
        if (attempt >= max) return events.map((ev) => this.letter(ev, `gave up after ${attempt} attempts: ${err.message}`, err.status, attempt));
        this.counts.retries++;
        await sleep(nextDelay(attempt, err.retryAfterMs, this.options.retry, this.options.random), signal);
      }
    }
  }

  private letter(event: SyncEvent, reason: string, status: number | undefined, attempts: number): DeadLetter {
    return { id: event.id, seq: event.seq, sink: this.sink.name, reason, ...(status !== undefined ? { status } : {}), attempts, at: new Date().toISOString() };
  }

  private async recordDead(letters: DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    await this.dead.add(letters);
    for (const d of letters) this.deadIds.add(d.id);
    this.counts.deadLettered += letters.length;
    this.options.onDeadLetter?.(letters);
  }

  /** Move the cursor over the acknowledged prefix of the window (batches finish out of order). */
  private advance(): void {
    let moved = false;
    while (this.window.length > 0 && this.window[0]!.done) {
      this.cursor = this.window.shift()!.to;
      moved = true;
    }
    if (moved) void this.persistCursor().catch(() => undefined);
    for (const w of [...this.waiters]) w();
  }

  /** Save the cursor; one write at a time, the latest value wins (a stale cursor only means re-sends). */
  private async persistCursor(): Promise<void> {
    while (this.persisting) await this.persisting;
    if (this.persisted === this.cursor) return;
    const value = this.cursor;
    this.persisting = this.storage.setMeta(this.cursorMeta, String(value)).then(() => {
      this.persisted = Math.max(this.persisted, value);
    });
    try {
      await this.persisting;
    } finally {
      this.persisting = undefined;
    }
  }

  private until(done: () => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (done()) {
          this.waiters.delete(check);
          resolve();
        } else if (this.abort.signal.aborted && this.inFlight === 0) {
          this.waiters.delete(check);
          if (done()) resolve();
          else reject(new RatecardError('sync_stopped', 'the outbox was stopped before everything was delivered'));
        }
      };
      this.waiters.add(check);
      check();
    });
  }
}

export function createOutbox(options: OutboxOptions): Outbox {
  return new Outbox(options);
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!(value > 0)) throw new RatecardError('sync_invalid_options', `${name} must be a positive number, got ${value}`);
  return value;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Aborted());
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new Aborted());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

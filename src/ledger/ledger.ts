/**
 * The ledger: record() checks, rates and appends usage events, idempotently, in one step.
 *
 * Concurrent record() calls are batched: while one batch is being appended (and, for the
 * file adapter, fsynced), new calls queue and go together into the next append. Within a
 * batch, events are rated in arrival order against staged aggregates, so tiers see every
 * earlier call; a key seen twice resolves to one entry. The staged aggregates become the
 * ledger's inside the storage transaction, so the next transaction starts from them.
 */
import type { PeriodState, Rater } from '../engine/types.js';
import { RatecardError } from '../errors/index.js';
import { listPriceRater } from '../quote.js';
import type { Period, PricingDocument } from '../pricing/document.js';
import type { EntryRecord, Head, LedgerStorage } from '../storage/types.js';
import { Aggregates, type AggregateSnapshot } from './aggregates.js';
import { checkpointInterval, checkpointSlot, jsonInSlices, loadCheckpointFor, saveCheckpoint } from './checkpoint.js';
import { canonicalJson, sha256Hex } from './canonical-json.js';
import { createCipher, type Cipher, type EncryptionOptions } from './encryption.js';
import { buildRecord, decodeRecord, entryPayload, type LedgerEntry } from './entry.js';
import type { UsageEvent } from './event.js';
import { checkEvent, diffPayloads, type EventPayload } from './payload.js';
import { defaultNormalizer, PERIOD_ATTRIBUTE, rateEvent, type RateContext, type UsageNormalizer } from './rate.js';
import { rerateLedger, type RerateOptions, type RerateReport } from './rerate.js';
import { InvoiceBuilder, type Invoice, type InvoiceInput } from './invoice/build.js';
import { billingRun, type BillingRun, type BillingRunInput } from './invoice/run.js';
import { verifyLedger, type VerifyOptions, type VerifyReport } from './verify.js';
import { ledgerPeriod, parsePeriodKey, periodKey } from './period.js';

export interface LedgerOptions {
  storage: LedgerStorage;
  /** A compiled ratecard (or any Rater). Default: list prices from the built-in catalog. */
  ratecard?: Rater;
  /** Wall clock for `recorded_at` (tests inject one). */
  clock?: () => Date;
  /** Encrypt attribution and metadata at rest. */
  encryption?: EncryptionOptions;
  /** Aggregation period of the quote's period state. Default: the period of the ratecard's plans and tiers (they must share one: `period_mismatch`), else monthly. */
  period?: Period;
  /** Attributes aggregates are kept for. Default ['customer'] (always included: it feeds tiers and caps). */
  aggregateBy?: string[];
  /** Usage normalizer. Default: src/usage normalizeUsage (canonical or any provider shape). */
  normalizeUsage?: UsageNormalizer;
  /**
   * Save an aggregates checkpoint every this many entries, and on close() after at least
   * min(this, 1000) new ones, so that opening replays only the entries after it. `false`:
   * never save or use one (every open replays the whole ledger). Default 50000.
   */
  checkpointEvery?: number | false;
}

/** What the last open() did: how many entries it replayed, and from which checkpoint. */
export interface OpenStats {
  /** Seq of the checkpoint the aggregates started from (0: none, a full replay). */
  checkpointSeq: number;
  replayed: number;
}

interface Pending { key: string; payload: EventPayload; payloadHash: string; resolve: (e: LedgerEntry) => void; reject: (e: unknown) => void }

const MAX_BATCH = 4096;
const PAGE = 10_000;

/** Where the aggregates checkpoint is kept (`bulk:`: apart from small meta such as sync cursors). */
export const AGGREGATES_CHECKPOINT = 'bulk:aggregates-checkpoint';

interface AggregatesState {
  attributes: string[];
  cells: AggregateSnapshot[];
}

export class Ledger {
  readonly storage: LedgerStorage;
  readonly ratecard: Rater | undefined;
  readonly period: Period;
  private readonly clock: () => Date;
  /** The at-rest cipher (undefined without `encryption`): modules that append their own records (budget alerts) seal with it. */
  readonly cipher: Cipher | undefined;
  private readonly normalize: UsageNormalizer;
  private aggs: Aggregates;
  private readonly aggregateBy: string[];
  private ready: Promise<void> | undefined;
  private readonly queue: Pending[] = [];
  private flushing = false;
  /** Seq of an encrypted entry seen without the key: attribution is unreadable, so tiers cannot be computed. */
  private encryptedWithoutKey = false;
  private readonly checkpointEvery: number | undefined;
  /** Seq of the checkpoint last loaded or saved. */
  private checkpointSeq = 0;
  private checkpointing: Promise<void> | undefined;
  /** What the last open() did (tests and diagnostics). */
  openStats: OpenStats = { checkpointSeq: 0, replayed: 0 };

  constructor(options: LedgerOptions) {
    this.storage = options.storage;
    this.ratecard = options.ratecard;
    this.clock = options.clock ?? (() => new Date());
    this.cipher = options.encryption ? createCipher(options.encryption) : undefined;
    this.normalize = options.normalizeUsage ?? defaultNormalizer;
    this.period = ledgerPeriod(documentOf(options.ratecard), options.period);
    this.aggregateBy = [...new Set([PERIOD_ATTRIBUTE, ...(options.aggregateBy ?? [])])];
    this.aggs = new Aggregates(this.aggregateBy);
    this.checkpointEvery = checkpointInterval(options.checkpointEvery, 'ledger_invalid_option');
  }

  /** Open the storage (recovery, migrations) and rebuild aggregates by replaying every entry. Called lazily by every method. */
  open(): Promise<void> {
    this.ready ??= (async () => {
      await this.storage.open();
      await this.rebuildAggregates();
    })();
    this.ready.catch(() => (this.ready = undefined));
    return this.ready;
  }

  private async rebuildAggregates(): Promise<void> {
    const checkpoint = this.checkpointEvery === undefined ? undefined : await loadCheckpointFor(this.storage, AGGREGATES_CHECKPOINT, this.checkpointOwner, this.cipher, (state, seq) => this.aggregatesFrom(state, seq));
    const aggs = checkpoint?.state ?? new Aggregates(this.aggregateBy);
    const from = aggs.appliedSeq;
    this.encryptedWithoutKey = false;
    let replayed = 0;
    for await (const entry of this.entries({ from: from + 1 })) {
      if (entry.encrypted && !this.cipher) this.encryptedWithoutKey = true;
      aggs.apply(entry);
      replayed++;
    }
    this.aggs = aggs;
    this.checkpointSeq = from;
    this.openStats = { checkpointSeq: from, replayed };
  }

  /** What the aggregates checkpoint depends on: the attributes aggregated, in any order. */
  private get checkpointOwner(): string {
    return JSON.stringify([...this.aggregateBy].sort());
  }

  /** The storage meta this ledger keeps its aggregates checkpoint under. */
  get checkpointName(): string {
    return checkpointSlot(AGGREGATES_CHECKPOINT, this.checkpointOwner);
  }

  /** Aggregates from a checkpoint's state, if it was kept for this ledger's attributes. */
  private aggregatesFrom(state: unknown, seq: number): Aggregates | undefined {
    const s = state as Partial<AggregatesState> | null;
    const attrs = s?.attributes;
    if (!Array.isArray(attrs) || attrs.length !== this.aggregateBy.length || !this.aggregateBy.every((a) => attrs.includes(a)) || !Array.isArray(s!.cells)) return undefined;
    return Aggregates.fromSnapshot(this.aggregateBy, s!.cells, seq);
  }

  /**
   * Save the aggregates as a checkpoint when enough entries were applied since the last one:
   * `minNew`, and a quarter of the cell count (replaying an entry costs ~45 µs, checkpointing
   * a cell ~5 µs, so with fewer new entries the replay is the cheaper way). The cells are
   * copied now (consistent with appliedSeq) and written in slices after. A failure (a
   * read-only storage, a full disk) only means the next open replays more.
   */
  private checkpoint(minNew: number): Promise<void> {
    const aggs = this.aggs;
    const seq = aggs.appliedSeq;
    if (this.checkpointEvery === undefined || this.encryptedWithoutKey || this.checkpointing || seq - this.checkpointSeq < Math.max(minNew, aggs.size / 4)) return this.checkpointing ?? Promise.resolve();
    const cells = aggs.snapshotInSlices();
    this.checkpointing = (async () => {
      try {
        const stateJson = `{"attributes":${JSON.stringify(aggs.attributes)},"cells":${await jsonInSlices(await cells)}}`;
        if (await saveCheckpoint(this.storage, this.checkpointName, seq, stateJson, this.cipher)) this.checkpointSeq = Math.max(this.checkpointSeq, seq);
      } catch {
        // a cache: the next open replays from the previous checkpoint
      } finally {
        this.checkpointing = undefined;
      }
    })();
    return this.checkpointing;
  }

  /** Check, rate and append one usage event; returns the entry (the original one on an idempotent replay). */
  async record(event: UsageEvent): Promise<LedgerEntry> {
    const { key, payload } = checkEvent(event);
    const canon = canonicalJson(payload);
    const payloadHash = this.cipher ? this.cipher.payloadHash(canon) : sha256Hex(canon);
    return new Promise<LedgerEntry>((resolve, reject) => {
      this.queue.push({ key, payload, payloadHash, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        void this.flushLoop();
      }
    });
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        // Every batch reopens if needed: a failed append drops the aggregates (they may hold its entries).
        await this.open();
        if (this.encryptedWithoutKey) throw new RatecardError('encryption_key_required', 'this ledger holds encrypted attribution: pass the `encryption` key to record into it');
        await this.flush(this.queue.splice(0, MAX_BATCH));
      }
    } catch (e) {
      for (const p of this.queue.splice(0)) p.reject(e);
    } finally {
      this.flushing = false;
    }
  }

  private async flush(batch: Pending[]): Promise<void> {
    const outcome = new Map<Pending, { entry?: LedgerEntry; error?: unknown }>();
    try {
      await this.storage.appendWith(async (tx) => {
        await this.catchUp(tx.head());
        const staged = this.aggs.overlay();
        const ctx = this.rateContext(staged);
        const existing = await tx.findByKeys([...new Set(batch.map((p) => p.key))]);
        const inBatch = new Map<string, LedgerEntry>();
        const records: EntryRecord[] = [];
        let head = tx.head();
        const recordedAt = this.clock().toISOString();
        for (const p of batch) {
          const prior = inBatch.get(p.key) ?? decodeIfAny(existing.get(p.key), this.cipher);
          if (prior) {
            outcome.set(p, prior.payload_hash === p.payloadHash ? { entry: { ...prior, replayed: true } } : { error: conflict(p, prior) });
            continue;
          }
          const rating = rateEvent(p.payload, ctx);
          const { attributes, metadata, ...event } = p.payload;
          const { record, entry } = buildRecord(
            { seq: head.seq + 1, prevHash: head.hash, payloadHash: p.payloadHash, body: { type: 'usage', key: p.key, event, ...(attributes ? { attributes } : {}), ...(metadata ? { metadata } : {}), rating, recorded_at: recordedAt } },
            this.cipher,
          );
          records.push(record);
          staged.apply(entry);
          head = { seq: record.seq, hash: record.hash };
          inBatch.set(p.key, entry);
          outcome.set(p, { entry });
        }
        tx.append(records);
        staged.commit();
      });
    } catch (e) {
      // The append may have failed after the aggregates were committed: rebuild from storage on next use.
      this.ready = undefined;
      for (const p of batch) p.reject(e);
      return;
    }
    for (const p of batch) {
      const o = outcome.get(p)!;
      if (o.entry) p.resolve(o.entry);
      else p.reject(o.error);
    }
    if (this.checkpointEvery !== undefined) void this.checkpoint(this.checkpointEvery);
  }

  /** Apply entries other writers (processes sharing a SQL ledger) appended since we last looked. */
  private async catchUp(head: Head): Promise<void> {
    while (this.aggs.appliedSeq < head.seq) {
      const page = await this.storage.read(this.aggs.appliedSeq + 1, Math.min(PAGE, head.seq - this.aggs.appliedSeq));
      if (page.length === 0) break;
      for (const r of page) this.aggs.apply(decodeRecord(r, this.cipher));
    }
  }

  /** The ratecard in use: the one given, else list prices from the built-in catalog. */
  rater(): Rater {
    return this.ratecard ?? listPriceRater();
  }

  rateContext(aggs: Aggregates, rater: Rater = this.rater()): RateContext {
    return { rater, normalize: this.normalize, period: this.period, stateFor: (c, k): PeriodState => aggs.periodState(PERIOD_ATTRIBUTE, c, k) };
  }

  /** The entry recorded under an idempotency key. */
  async get(key: string): Promise<LedgerEntry | undefined> {
    await this.open();
    return decodeIfAny(await this.storage.getByKey(key), this.cipher);
  }

  /**
   * Every entry from `from` (seq, default 1) on, in order, read page by page; with
   * `bodyIncludes`, only those whose stored body contains that text (the rest are not decoded).
   */
  async *entries(options: { from?: number; bodyIncludes?: string | undefined } = {}): AsyncIterable<LedgerEntry> {
    yield* this.#records(undefined, options.from, options.bodyIncludes);
  }

  /**
   * Entries whose stored record passes `keep` and whose body holds `needle` (the rest are not
   * decoded), from `from` on. With a needle, an adapter that can `scan` finds the records itself.
   */
  async *#records(keep: ((r: EntryRecord) => boolean) | undefined, from = 1, needle?: string): AsyncIterable<LedgerEntry> {
    if (!this.ready) await this.open();
    const storage = this.storage;
    if (needle !== undefined && storage.scan) {
      for (let seq = from; ; ) {
        // The head per page: entries appended meanwhile are read too, as with read().
        const head = (await storage.head()).seq;
        if (seq > head) return;
        const to = Math.min(head, seq + PAGE - 1);
        for (const r of await storage.scan(seq, to, { bodyIncludes: needle })) {
          if (r.body.includes(needle) && (keep === undefined || keep(r))) yield decodeRecord(r, this.cipher);
        }
        seq = to + 1;
      }
    }
    let seq = from;
    for (;;) {
      const page = await storage.read(seq, PAGE);
      for (const r of page) if ((needle === undefined || r.body.includes(needle)) && (keep === undefined || keep(r))) yield decodeRecord(r, this.cipher);
      if (page.length < PAGE) return;
      seq = page[page.length - 1]!.seq + 1;
    }
  }

  /** Aggregates of one attribute value in one period (e.g. customer `acme`, `2025-03`). */
  async aggregate(attribute: string, value: string, period: string): Promise<AggregateSnapshot | undefined> {
    await this.open();
    return this.aggs.get(attribute, value, period);
  }

  /** All aggregates, sorted (for inspection and replay comparisons). */
  async aggregates(): Promise<AggregateSnapshot[]> {
    await this.open();
    return this.aggs.snapshot();
  }

  /** Recompute the hash chain and re-rate every entry with the ratecard version it recorded. */
  async verify(options: VerifyOptions = {}): Promise<VerifyReport> {
    await this.open();
    const raters = [...(options.ratecards ?? []), this.rater()];
    return verifyLedger(this, this.storage, this.cipher, { ...options, ratecards: raters });
  }

  /** Re-rate entries in [from, to) with another ratecard: appends reversal + correction pairs. */
  async rerate(options: RerateOptions): Promise<RerateReport> {
    await this.open();
    return rerateLedger(this, options, {
      cipher: this.cipher,
      clock: this.clock,
      aggs: () => this.aggs,
      catchUp: (h) => this.catchUp(h),
      invalidate: () => (this.ready = undefined),
    });
  }

  /**
   * The invoice of one customer for one period. Plans and rounding come from `document`,
   * else from the ledger's ratecard when it carries its pricing document.
   */
  async invoice(input: InvoiceInput): Promise<Invoice> {
    await this.open();
    this.#assertCanInvoice();
    const document = input.document ?? documentOf(this.ratecard);
    const inPeriod = recordIn(input.period);
    const builder = new InvoiceBuilder({ ...input, ...(document ? { document } : {}) });
    // Bodies are canonical JSON: an entry of this customer holds `"customer":<its JSON string>`
    // verbatim, so the others are skipped undecoded (attribution sealed: decode them all).
    const needle = this.cipher ? undefined : `"customer":${JSON.stringify(input.customer)}`;
    for await (const e of this.#records(inPeriod, 1, needle)) builder.add(e);
    return builder.finish();
  }

  /**
   * Every customer's invoice for one period, from one pass over the log (see
   * `BillingRunInput`): what a month-end run calls instead of `invoice()` per customer.
   */
  async invoices(input: BillingRunInput): Promise<BillingRun> {
    await this.open();
    this.#assertCanInvoice();
    const document = input.document ?? documentOf(this.ratecard);
    return billingRun(this.#records(recordIn(input.period)), { ...input, ...(document ? { document } : {}) });
  }

  #assertCanInvoice(): void {
    if (this.encryptedWithoutKey) throw new RatecardError('encryption_key_required', 'this ledger holds encrypted attribution: pass the `encryption` key to build invoices');
  }

  /** Wait for queued records, then close the storage. */
  async close(): Promise<void> {
    while (this.flushing) await new Promise((r) => setImmediate(r));
    if (this.ready && this.checkpointEvery !== undefined) {
      await this.ready.catch(() => undefined);
      await this.checkpointing;
      await this.checkpoint(Math.min(this.checkpointEvery, 1000));
    }
    await this.storage.close();
    this.ready = undefined;
  }
}

export function createLedger(options: LedgerOptions): Ledger {
  return new Ledger(options);
}

function documentOf(rater: Rater | undefined): PricingDocument | undefined {
  const doc = (rater as { document?: unknown } | undefined)?.document;
  return doc && typeof doc === 'object' && Array.isArray((doc as PricingDocument).plans) ? (doc as PricingDocument) : undefined;
}

/** Whether a stored record's event time falls in the period (read from the record: nothing decoded). */
function recordIn(period: string): (r: EntryRecord) => boolean {
  const kind = parsePeriodKey(period);
  return (r) => periodKey(new Date(r.at), kind) === period;
}

function decodeIfAny(record: EntryRecord | undefined, cipher: Cipher | undefined): LedgerEntry | undefined {
  return record ? decodeRecord(record, cipher) : undefined;
}

function conflict(p: Pending, prior: LedgerEntry): RatecardError {
  const fields = prior.encrypted && !prior.attributes && !prior.metadata && (p.payload.attributes || p.payload.metadata)
    ? diffPayloads(entryPayload(prior), { ...p.payload, attributes: undefined, metadata: undefined }).concat('(encrypted attribution not compared)')
    : diffPayloads(entryPayload(prior), p.payload);
  return new RatecardError(
    'idempotency_conflict',
    `idempotency key ${JSON.stringify(p.key)} was already recorded (entry ${prior.seq}) with a different payload: ${fields.join(', ')} differ${fields.length === 1 ? 's' : ''}`,
    { details: { key: p.key, seq: prior.seq, fields } },
  );
}

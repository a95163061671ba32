/**
 * Budgets at run time: spend per attribute value and period, threshold alerts that fire
 * exactly once (recorded as hash-chained `alert` records in the ledger), and hard limits
 * checked before a call (`check`, `assertWithinBudget`, or `reserve` … `settle` to hold an
 * estimated maximum while the call runs).
 *
 * The spend comes from the ledger itself: `refresh()` reads entries appended since the
 * last look (by this process or any other sharing the ledger), so a restart rebuilds it.
 */
import type { Ledger } from '../ledger/ledger.js';
import type { LedgerEntry } from '../ledger/entry.js';
import type { UsageEvent } from '../ledger/event.js';
import { periodKey } from '../ledger/period.js';
import { Dec, parseDecimal, ZERO, type Decimal } from '../money/index.js';
import type { Budget, PricingDocument } from '../pricing/document.js';
import { RatecardError } from '../errors/index.js';
import { canonicalJson, sha256Hex } from '../ledger/canonical-json.js';
import { checkpointInterval, checkpointSlot, jsonInSlices, loadCheckpointFor, saveCheckpoint } from '../ledger/checkpoint.js';
import { alertKey, appendAlert } from './alert-record.js';
import { Holds } from './reservations.js';
import { budgetValue, cellKey, compileBudgets, fmt, SpendBook, type CompiledBudget } from './spend.js';
import type { BudgetAlert, BudgetCheck, BudgetStatus, CallInput } from './types.js';

export interface BudgetsOptions {
  ledger: Ledger;
  /** Default: the budgets of the ledger's ratecard document. */
  budgets?: readonly Budget[];
  onAlert?: (alert: BudgetAlert) => void | Promise<void>;
  /** How long a reservation holds if never settled. Default 5 minutes. */
  reservationTtlMs?: number;
  clock?: () => Date;
  /**
   * Save the spend as a checkpoint every this many entries read, so a restart reads only the
   * entries after it (else the whole log before the first check). `false`: never. Default 50000.
   */
  checkpointEvery?: number | false;
}

/** Where the budgets' checkpoints are kept (`bulk:`: apart from small meta). */
export const BUDGETS_CHECKPOINT = 'bulk:budgets-checkpoint';

interface SpendState {
  /** Which budgets the spend was kept for: another set of budgets cannot use it. */
  budgets: string;
  cells: Array<[string, string]>;
  /** Keys of the alert records in the ledger up to the checkpoint (what has fired). */
  fired: string[];
}

export interface Reservation {
  readonly amount: string;
  /** The call finished: count its recorded entry (if any) and drop the hold. */
  settle(entry?: LedgerEntry): Promise<void>;
  /** Drop the hold without an entry (the call failed before costing anything). */
  release(): void;
}

const PERCENT = new Dec(100);

export class Budgets {
  readonly ledger: Ledger;
  private readonly compiled: CompiledBudget[];
  private readonly book: SpendBook;
  private readonly fired = new Set<string>();
  private readonly listeners = new Set<(a: BudgetAlert) => void | Promise<void>>();
  private readonly holds: Holds;
  private readonly clock: () => Date;
  private readonly ttl: number;
  private tail: Promise<unknown> = Promise.resolve();
  private queued: Promise<BudgetAlert[]> | undefined;
  /** Alert keys read back from the ledger (unlike `fired`, never one whose append failed): what a checkpoint may say fired. */
  private readonly recordedAlerts = new Set<string>();
  private readonly checkpointEvery: number | undefined;
  private readonly fingerprint: string;
  private checkpointSeq = 0;
  private started = false;
  /** Seq of the checkpoint the spend started from (0: read the whole log). */
  startedFrom = 0;

  /** The storage meta this set of budgets keeps its checkpoint under. */
  get checkpointName(): string {
    return checkpointSlot(BUDGETS_CHECKPOINT, this.fingerprint);
  }

  /** A refresh failed (an alert may not have been appended): no checkpoint may cover it. */
  private checkpointBlocked = false;

  constructor(options: BudgetsOptions) {
    this.ledger = options.ledger;
    const budgets = options.budgets ?? documentBudgets(options.ledger);
    this.compiled = compileBudgets(budgets);
    this.book = new SpendBook(this.compiled);
    this.checkpointEvery = checkpointInterval(options.checkpointEvery, 'budget_invalid');
    this.fingerprint = sha256Hex(canonicalJson(this.compiled.map((c) => ({ id: c.id, budget: c.budget }))));
    this.clock = options.clock ?? (() => new Date());
    this.holds = new Holds(() => this.clock().getTime());
    this.ttl = options.reservationTtlMs ?? 300_000;
    if (options.onAlert) this.listeners.add(options.onAlert);
  }

  /** Listen for alerts; returns an unsubscribe function. */
  onAlert(listener: (a: BudgetAlert) => void | Promise<void>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Record through the ledger, then bring spend up to date (alerts fire before this resolves). */
  async record(event: UsageEvent): Promise<LedgerEntry> {
    const entry = await this.ledger.record(event);
    await this.refresh();
    return entry;
  }

  /**
   * Read entries appended since the last look, update spend and fire the alerts whose
   * thresholds were crossed. Returns the alerts this call fired. Serialized: concurrent
   * callers share one pass.
   */
  refresh(): Promise<BudgetAlert[]> {
    // One pass at a time; callers arriving while one waits to start share it.
    if (this.queued) return this.queued;
    const run = this.tail.then(async () => {
      this.queued = undefined;
      try {
        if (!this.started) await this.startFromCheckpoint();
        const fired = await this.catchUp();
        this.maybeCheckpoint();
        return fired;
      } catch (e) {
        this.checkpointBlocked = true;
        throw e;
      }
    });
    this.queued = run;
    this.tail = run.catch(() => []);
    return run;
  }

  /** First refresh: start from the last checkpoint kept for these budgets, if the ledger still has its entry. */
  private async startFromCheckpoint(): Promise<void> {
    this.started = true;
    if (this.checkpointEvery === undefined) return;
    await this.ledger.open();
    const accept = (state: unknown): SpendState | undefined => {
      const s = state as Partial<SpendState> | null;
      return s?.budgets === this.fingerprint && Array.isArray(s.cells) && Array.isArray(s.fired) ? (s as SpendState) : undefined;
    };
    const cp = await loadCheckpointFor(this.ledger.storage, BUDGETS_CHECKPOINT, this.fingerprint, this.ledger.cipher, accept);
    if (!cp) return;
    this.book.restore(cp.state.cells, cp.seq);
    for (const k of cp.state.fired) {
      this.fired.add(k);
      this.recordedAlerts.add(k);
    }
    this.checkpointSeq = this.startedFrom = cp.seq;
  }

  /** Save the spend every `checkpointEvery` entries read (off the caller's path; a failure only means a longer replay). */
  private maybeCheckpoint(): void {
    const seq = this.book.appliedSeq;
    if (this.checkpointEvery === undefined || this.checkpointBlocked || seq - this.checkpointSeq < Math.max(this.checkpointEvery, this.book.size / 4)) return;
    // Copied now (consistent with appliedSeq: Decimals are immutable), written in slices after.
    const cells = this.book.cells();
    const fired = [...this.recordedAlerts];
    this.checkpointSeq = seq;
    const storage = this.ledger.storage;
    void (async () => {
      const stateJson = `{"budgets":${JSON.stringify(this.fingerprint)},"cells":${await jsonInSlices(cells)},"fired":${await jsonInSlices(fired)}}`;
      await saveCheckpoint(storage, this.checkpointName, seq, stateJson, this.ledger.cipher);
    })().catch(() => undefined);
  }

  private async catchUp(): Promise<BudgetAlert[]> {
    const crossings: Array<Omit<BudgetAlert, 'seq'>> = [];
    const cipher = this.ledger.cipher;
    for await (const entry of this.ledger.entries({ from: this.book.appliedSeq + 1 })) {
      if (entry.type === 'alert') {
        // The key is the firing's identity (its value may be sealed: no need to open it).
        this.fired.add(entry.key);
        this.recordedAlerts.add(entry.key);
        // A clear-keyed firing from before encryption was turned on counts under its digest key too.
        const a = (entry as { alert?: Partial<BudgetAlert> }).alert;
        if (cipher && typeof a?.value === 'string' && a.budget && a.period && a.threshold) {
          const digest = alertKey(a.budget, a.value, a.period, a.threshold, cipher);
          this.fired.add(digest);
          this.recordedAlerts.add(digest);
        }
        this.book.appliedSeq = Math.max(this.book.appliedSeq, entry.seq);
        continue;
      }
      // Without the key the attribution is unreadable: spend would silently read as 0.
      if (entry.encrypted && !cipher) throw new RatecardError('encryption_key_required', 'this ledger holds encrypted attribution: pass the `encryption` key to the ledger to track budgets');
      for (const c of this.book.apply(entry)) {
        for (const t of c.b.thresholds) {
          const line = c.b.amount.times(t.value).div(PERCENT);
          // Not fired yet and at or over the line: fire (also when a crash lost the firing of an earlier crossing).
          if (c.after.lt(line)) continue;
          const id = alertKey(c.b.id, c.value, c.period, t.text, cipher);
          if (this.fired.has(id)) continue;
          crossings.push({ id, budget: c.b.id, per: c.b.budget.per, value: c.value, period: c.period, threshold: t.text, amount: fmt(c.b.amount), spent: fmt(c.after), hard_limit: c.b.budget.hard_limit === true, at: entry.at, entry_seq: entry.seq });
        }
      }
    }
    const fired: BudgetAlert[] = [];
    for (const a of crossings) {
      if (this.fired.has(a.id)) continue;
      this.fired.add(a.id);
      const recorded = await appendAlert(this.ledger.storage, a, this.clock().toISOString(), cipher);
      if (recorded) fired.push(recorded);
    }
    for (const a of fired) {
      for (const l of this.listeners) {
        try {
          await l(a);
        } catch {
          // A failing listener must not block the others nor the caller; the alert is in the ledger.
        }
      }
    }
    return fired;
  }

  /** Where the call stands against every budget that counts it (refreshes first). */
  async check(input: CallInput | CallInput['attributes'], estimate?: string): Promise<BudgetCheck> {
    await this.refresh();
    return this.checkNow(asCall(input), estimate === undefined ? ZERO : money(estimate));
  }

  /** Throw `budget_exceeded` when a hard limit refuses the call. */
  async assertWithinBudget(input: CallInput | CallInput['attributes'], estimate?: string): Promise<BudgetCheck> {
    const result = await this.check(input, estimate);
    if (!result.ok) throw exceeded(result);
    return result;
  }

  /**
   * Hold `estimate` (the call's maximum cost) against its hard-limited budgets, or throw
   * `budget_exceeded`. Check and hold happen in one synchronous step, so concurrent
   * reservations in this process cannot jointly overspend.
   */
  async reserve(input: CallInput | CallInput['attributes'], estimate: string, options: { ttlMs?: number } = {}): Promise<Reservation> {
    const amount = money(estimate);
    await this.refresh();
    const call = asCall(input);
    const result = this.checkNow(call, amount);
    if (!result.ok) throw exceeded(result);
    const cells = result.budgets.filter((s) => s.hard_limit).map((s) => cellKey(s.budget, s.value, s.period));
    const id = this.holds.add(cells, amount, options.ttlMs ?? this.ttl);
    return {
      amount: fmt(amount),
      settle: async (entry) => {
        // Count the entry before dropping the hold, so the spend is never seen without both.
        if (entry) await this.refresh();
        this.holds.release(id);
      },
      release: () => void this.holds.release(id),
    };
  }

  /** Spend of one budget for one attribute value in a period (default: the current one). */
  spent(budget: string, value: string, period?: string): string {
    const b = this.compiled.find((c) => c.id === budget);
    if (!b) throw new RatecardError('budget_not_found', `no budget \`${budget}\`; budgets: ${this.compiled.map((c) => c.id).join(', ') || '(none)'}`);
    return fmt(this.book.get(b.id, value, period ?? periodKey(this.clock(), b.budget.period)));
  }

  /** Budget ids, in document order. */
  get ids(): string[] {
    return this.compiled.map((c) => c.id);
  }

  private checkNow(call: CallInput, estimate: Decimal): BudgetCheck {
    const at = call.at === undefined ? this.clock() : new Date(call.at);
    const statuses: BudgetStatus[] = [];
    for (const b of this.compiled) {
      const value = budgetValue(b, call);
      if (value === undefined) continue;
      const period = periodKey(at, b.budget.period);
      const spent = this.book.get(b.id, value, period);
      const reserved = this.holds.held(cellKey(b.id, value, period));
      const remaining = b.amount.minus(spent).minus(reserved);
      const hard = b.budget.hard_limit === true;
      // Exhausted (nothing left), or the estimate does not fit in what is left.
      const over = hard && (remaining.lte(0) || estimate.gt(remaining));
      statuses.push({ budget: b.id, per: b.budget.per, value, period, amount: fmt(b.amount), spent: fmt(spent), reserved: fmt(reserved), remaining: fmt(remaining), hard_limit: hard, exceeded: over });
    }
    return { ok: statuses.every((s) => !s.exceeded), budgets: statuses };
  }
}

export function createBudgets(options: BudgetsOptions): Budgets {
  return new Budgets(options);
}

function asCall(input: CallInput | CallInput['attributes']): CallInput {
  if (!input) return {};
  const maybe = input as CallInput;
  return 'attributes' in maybe || 'model' in maybe || 'at' in maybe ? maybe : { attributes: input as CallInput['attributes'] };
}

function money(text: string): Decimal {
  const d = parseDecimal(text);
  if (!d || d.isNeg()) throw new RatecardError('budget_invalid_estimate', `estimate must be a non-negative decimal string, got ${JSON.stringify(text)}`);
  return d;
}

function exceeded(result: BudgetCheck): RatecardError {
  const over = result.budgets.filter((s) => s.exceeded);
  const what = over.map((s) => `${s.per} \`${s.value}\` has spent ${s.spent} (+${s.reserved} reserved) of ${s.amount} in ${s.period} (budget ${s.budget})`).join('; ');
  return new RatecardError('budget_exceeded', `budget exceeded: ${what}`, { details: { budgets: over } });
}

function documentBudgets(ledger: Ledger): Budget[] {
  const doc = (ledger.ratecard as { document?: PricingDocument } | undefined)?.document;
  return Array.isArray(doc?.budgets) ? doc.budgets : [];
}

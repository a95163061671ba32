/**
 * Period aggregates per (attribute value, period): metered quantities per meter, spend
 * (sum of prices), cost, and entry counts. They feed tiers and caps (the quote's period
 * state) and budgets. Maintained incrementally as entries are appended; applying the same
 * entries in seq order from an empty state (a replay) gives the same result, which the
 * property tests check. Reversals carry negated amounts, so they simply add.
 */
import type { PeriodState } from '../engine/types.js';
import { Dec, formatDecimal, ZERO, type Decimal } from '../money/index.js';
import type { LedgerEntry } from './entry.js';

export interface AggregateSnapshot {
  attribute: string;
  value: string;
  period: string;
  quantities: Record<string, string>;
  spend: string;
  cost: string;
  entries: number;
  unpriced: number;
}

interface Cell { quantities: Map<string, Decimal>; spend: Decimal; cost: Decimal; entries: number; unpriced: number }

const SEP = '\u0000';

export class Aggregates {
  private readonly cells = new Map<string, Cell>();
  /** Highest seq applied: lets a writer catch up on entries other processes appended. */
  appliedSeq = 0;

  constructor(readonly attributes: readonly string[] = ['customer']) {}

  /** The value an entry contributes under for an attribute; '' when the call had none. */
  static valueOf(entry: LedgerEntry, attribute: string): string {
    const v = entry.attributes?.[attribute];
    return typeof v === 'string' ? v : '';
  }

  apply(entry: LedgerEntry): void {
    // Entries without a rating (budget `alert` records) hold no usage: only the seq moves.
    if (!entry.rating) {
      if (entry.seq > this.appliedSeq) this.appliedSeq = entry.seq;
      return;
    }
    const period = entry.rating.period.key;
    for (const attribute of this.attributes) {
      const cell = this.cell(attribute, Aggregates.valueOf(entry, attribute), period);
      cell.entries++;
      const r = entry.rating;
      if (r.status !== 'priced') {
        cell.unpriced++;
        continue;
      }
      cell.spend = cell.spend.plus(new Dec(r.price));
      cell.cost = cell.cost.plus(new Dec(r.cost));
      for (const [meter, q] of Object.entries(r.metered ?? {})) {
        cell.quantities.set(meter, (cell.quantities.get(meter) ?? ZERO).plus(new Dec(q)));
      }
    }
    if (entry.seq > this.appliedSeq) this.appliedSeq = entry.seq;
  }

  /** The state a quote for this attribute value and period starts from. */
  periodState(attribute: string, value: string, period: string): PeriodState {
    const cell = this.find(key(attribute, value, period));
    if (!cell) return { quantities: {}, spend: '0' };
    const quantities: Record<string, string> = {};
    for (const [m, q] of [...cell.quantities].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) quantities[m] = formatDecimal(q);
    return { quantities, spend: formatDecimal(cell.spend) };
  }

  get(attribute: string, value: string, period: string): AggregateSnapshot | undefined {
    const cell = this.find(key(attribute, value, period));
    return cell ? snapshot(attribute, value, period, cell) : undefined;
  }

  /** Every cell, sorted by key: a deterministic form for comparing with a replay. */
  snapshot(): AggregateSnapshot[] {
    return [...this.cells.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, cell]) => {
        const [attribute, value, period] = k.split(SEP) as [string, string, string];
        return snapshot(attribute, value, period, cell);
      });
  }

  /** How many cells there are (what a checkpoint of these aggregates costs). */
  get size(): number {
    return this.cells.size;
  }

  /**
   * The cells as they are now, for a checkpoint: copied cheaply (Decimals are immutable and
   * shared), then turned into snapshots a slice at a time so a large ledger never stalls the
   * event loop for long. Unsorted: a checkpoint does not need the order.
   */
  async snapshotInSlices(slice = 2000): Promise<AggregateSnapshot[]> {
    // References suffice: a committed cell is never changed in place (see cell()).
    const cells = [...this.cells];
    const out: AggregateSnapshot[] = [];
    for (let i = 0; i < cells.length; i++) {
      if (i > 0 && i % slice === 0) await new Promise((r) => setImmediate(r));
      const [k, cell] = cells[i]!;
      const [attribute, value, period] = k.split(SEP) as [string, string, string];
      out.push(snapshot(attribute, value, period, cell));
    }
    return out;
  }

  /** The inverse of snapshot(): aggregates as they were after `appliedSeq` (a checkpoint). */
  static fromSnapshot(attributes: readonly string[], cells: readonly AggregateSnapshot[], appliedSeq: number): Aggregates {
    const out = new Aggregates(attributes);
    for (const c of cells) {
      const quantities = new Map<string, Decimal>();
      for (const [m, q] of Object.entries(c.quantities)) quantities.set(m, new Dec(q));
      out.cells.set(key(c.attribute, c.value, c.period), { quantities, spend: new Dec(c.spend), cost: new Dec(c.cost), entries: c.entries, unpriced: c.unpriced });
    }
    out.appliedSeq = appliedSeq;
    return out;
  }

  /**
   * A staging layer: reads fall through to this object, writes copy the cell first, and
   * nothing reaches this object until commit(). A batch that fails is simply dropped.
   */
  overlay(): Aggregates {
    const o = new Aggregates(this.attributes);
    o.parent = this;
    o.appliedSeq = this.appliedSeq;
    return o;
  }

  /** Move an overlay's cells into its parent. */
  commit(): void {
    const parent = this.parent;
    if (!parent) return;
    for (const [k, cell] of this.cells) parent.cells.set(k, cell);
    parent.appliedSeq = Math.max(parent.appliedSeq, this.appliedSeq);
    this.cells.clear();
  }

  private parent: Aggregates | undefined;

  private find(k: string): Cell | undefined {
    return this.cells.get(k) ?? this.parent?.find(k);
  }

  /**
   * The cell to write to. An overlay copies a cell on its first write; the committed
   * aggregates copy on every write, so a cell they hold is never changed in place and a
   * checkpoint can format the cells of one moment a slice at a time (Decimals are immutable).
   */
  private cell(attribute: string, value: string, period: string): Cell {
    const k = key(attribute, value, period);
    let cell = this.cells.get(k);
    if (cell && !this.parent) {
      cell = { ...cell, quantities: new Map(cell.quantities) };
      this.cells.set(k, cell);
    } else if (!cell) {
      const inherited = this.parent?.find(k);
      cell = inherited ? { ...inherited, quantities: new Map(inherited.quantities) } : { quantities: new Map(), spend: ZERO, cost: ZERO, entries: 0, unpriced: 0 };
      this.cells.set(k, cell);
    }
    return cell;
  }
}

function key(attribute: string, value: string, period: string): string {
  return `${attribute}${SEP}${value}${SEP}${period}`;
}

function snapshot(attribute: string, value: string, period: string, cell: Cell): AggregateSnapshot {
  const quantities: Record<string, string> = {};
  for (const [m, q] of [...cell.quantities].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) quantities[m] = formatDecimal(q);
  return { attribute, value, period, quantities, spend: formatDecimal(cell.spend), cost: formatDecimal(cell.cost), entries: cell.entries, unpriced: cell.unpriced };
}

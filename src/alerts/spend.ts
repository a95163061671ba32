/**
 * Spend per (budget, attribute value, budget period), kept from ledger entries: the sum of
 * entry prices (reversals carry negative prices, so corrections simply add). A budget's
 * period is its own (a daily budget on a monthly ledger), computed from the event time.
 */
import { compileCondition, type Predicate } from '../engine/conditions.js';
import type { LedgerEntry } from '../ledger/entry.js';
import { periodKey } from '../ledger/period.js';
import { Dec, ZERO, formatDecimal, parseDecimal, type Decimal } from '../money/index.js';
import type { Budget } from '../pricing/document.js';
import { RatecardError } from '../errors/index.js';
import type { CallInput } from './types.js';

export interface CompiledBudget {
  id: string;
  budget: Budget;
  amount: Decimal;
  /** Thresholds as written (percent strings) with their decimal value, ascending. */
  thresholds: Array<{ text: string; value: Decimal }>;
  applies: Predicate | undefined;
}

/** Compile budgets once: ids (name, else per:period:amount, made unique), amounts, thresholds, conditions. */
export function compileBudgets(budgets: readonly Budget[]): CompiledBudget[] {
  const seen = new Map<string, number>();
  const problems: string[] = [];
  const out = budgets.map((b, i) => {
    const amount = parseDecimal(b.amount);
    if (!amount || amount.isNeg()) problems.push(`budget ${i + 1}: amount \`${b.amount}\` is not a non-negative decimal`);
    const thresholds = (b.alerts ?? []).map((t) => ({ text: t, value: parseDecimal(t) ?? (problems.push(`budget ${i + 1}: alert \`${t}\` is not a percentage`), ZERO) }));
    thresholds.sort((x, y) => x.value.comparedTo(y.value));
    let id = b.name ?? `${b.per}:${b.period}:${b.amount}`;
    const n = seen.get(id) ?? 0;
    seen.set(id, n + 1);
    if (n > 0) id = `${id}#${n + 1}`;
    return { id, budget: b, amount: amount ?? ZERO, thresholds, applies: compileCondition(b.when) };
  });
  if (problems.length > 0) throw new RatecardError('budget_invalid', problems.join('\n'), { details: { problems } });
  return out;
}

/** Whether a call (or an entry) is counted by a budget, and under which attribute value. */
export function budgetValue(b: CompiledBudget, call: CallInput): string | undefined {
  const v = call.attributes?.[b.budget.per];
  if (typeof v !== 'string' || v === '') return undefined;
  if (b.applies) {
    const model = call.model?.toLowerCase();
    const ok = b.applies({ attributes: call.attributes, provider: call.provider?.toLowerCase(), modelNames: model ? [model] : [], serviceTier: call.service_tier ?? (typeof call.attributes?.service_tier === 'string' ? call.attributes.service_tier : undefined) });
    if (!ok) return undefined;
  }
  return v;
}

export function cellKey(budget: string, value: string, period: string): string {
  return `${budget}\u0000${value}\u0000${period}`;
}

export class SpendBook {
  private readonly spend = new Map<string, Decimal>();
  appliedSeq = 0;

  constructor(private readonly budgets: readonly CompiledBudget[]) {}

  /** Add a priced entry; returns the cells it changed with their spend before and after. */
  apply(entry: LedgerEntry): Array<{ b: CompiledBudget; value: string; period: string; before: Decimal; after: Decimal }> {
    if (entry.seq > this.appliedSeq) this.appliedSeq = entry.seq;
    const r = entry.rating as LedgerEntry['rating'] | undefined;
    if (!r || r.status !== 'priced') return [];
    const price = new Dec(r.price);
    const call: CallInput = { attributes: entry.attributes, model: entry.event.model, ...(entry.event.provider !== undefined ? { provider: entry.event.provider } : {}), ...(entry.event.service_tier !== undefined ? { service_tier: entry.event.service_tier } : {}) };
    const changed = [];
    for (const b of this.budgets) {
      const value = budgetValue(b, call);
      if (value === undefined) continue;
      const period = periodKey(new Date(entry.at), b.budget.period);
      const k = cellKey(b.id, value, period);
      const before = this.spend.get(k) ?? ZERO;
      const after = before.plus(price);
      this.spend.set(k, after);
      changed.push({ b, value, period, before, after });
    }
    return changed;
  }

  get(budget: string, value: string, period: string): Decimal {
    return this.spend.get(cellKey(budget, value, period)) ?? ZERO;
  }

  get size(): number {
    return this.spend.size;
  }

  /** Every cell's spend as [key, decimal string] (a checkpoint's state). */
  cells(): Array<[string, string]> {
    return [...this.spend].map(([k, v]) => [k, formatDecimal(v)]);
  }

  /** Start from a checkpoint: the cells as of entry `seq`. */
  restore(cells: ReadonlyArray<readonly [string, string]>, seq: number): void {
    this.spend.clear();
    for (const [k, v] of cells) this.spend.set(k, new Dec(v));
    this.appliedSeq = seq;
  }
}

export function fmt(d: Decimal): string {
  return formatDecimal(d);
}

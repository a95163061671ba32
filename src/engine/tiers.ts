/**
 * Tier math as pure functions. Convention: tier i covers the period quantity in
 * (up_to[i-1], up_to[i]] (the first starts at 0, the last is unbounded).
 *
 * - graduated: f(Q) = Σ (portion of Q inside tier i) × unit_i + flat_i for every tier Q entered;
 * - volume:    f(Q) = Q × unit_r + flat_r, r the tier Q reaches (f(0) = 0);
 * - package:   f(Q) = ceil(max(0, Q − free) / size) × price.
 *
 * A call is charged f(before + q) − f(before), so the per-call charges of a period sum to
 * f(total) exactly, in any order. For volume that delta can be negative (crossing into a
 * cheaper tier re-prices the whole period); `volumeTrueUp` settles a period whose calls
 * were charged from stale state. Amounts are bigints at a caller-chosen scale (fixed.ts).
 */
import { RatecardError } from '../errors/index.js';
import { parseDecimal } from '../money/index.js';
import type { SourceSpan } from '../errors/diagnostic.js';
import type { TierSchedule } from '../pricing/document.js';
import { formatScaled, ScaledConst } from './fixed.js';

export interface CompiledTiers {
  mode: 'graduated' | 'volume' | 'package';
  /** Upper bound of each tier (inclusive), undefined = unbounded. */
  bounds: (bigint | undefined)[];
  unit: ScaledConst[];
  flat: (ScaledConst | undefined)[];
  pkg?: { size: bigint; price: ScaledConst; free: bigint };
  /** Finest scale any constant of the schedule needs. */
  scale: number;
}

export interface TierProblem {
  message: string;
  span?: SourceSpan;
}

function integer(text: string | undefined): bigint | undefined {
  return text !== undefined && /^\d+$/.test(text.trim()) ? BigInt(text.trim()) : undefined;
}

function nonNegative(text: string | undefined, what: string, span: SourceSpan | undefined, problems: TierProblem[]): ScaledConst {
  const d = parseDecimal(text);
  if (d === undefined || d.isNegative()) {
    problems.push({ message: `${what} must be a non-negative decimal, got ${JSON.stringify(text)}`, ...(span ? { span } : {}) });
    return new ScaledConst(parseDecimal('0')!);
  }
  return new ScaledConst(d);
}

/** Check a schedule's numbers and build its exact form; every problem is listed. */
export function buildTiers(schedule: TierSchedule): { tiers?: CompiledTiers; problems: TierProblem[] } {
  const problems: TierProblem[] = [];
  const span = schedule.span;
  const at = (s: SourceSpan | undefined) => (s ?? span ? { span: (s ?? span)! } : {});
  if (schedule.mode === 'package') {
    const p = schedule.package;
    if (!p) return { problems: [{ message: 'a package schedule needs `package: { size, price }`', ...at(undefined) }] };
    const size = integer(p.size);
    const free = p.free === undefined ? 0n : integer(p.free);
    if (size === undefined || size === 0n) problems.push({ message: `package size must be a positive integer, got ${JSON.stringify(p.size)}`, ...at(undefined) });
    if (free === undefined) problems.push({ message: `package free quantity must be a non-negative integer, got ${JSON.stringify(p.free)}`, ...at(undefined) });
    const price = nonNegative(p.price, 'package price', span, problems);
    if (problems.length > 0) return { problems };
    return { tiers: { mode: 'package', bounds: [], unit: [], flat: [], pkg: { size: size!, price, free: free! }, scale: price.scale }, problems };
  }
  const list = schedule.tiers ?? [];
  if (list.length === 0) problems.push({ message: `a ${schedule.mode} schedule needs at least one tier`, ...at(undefined) });
  const bounds: (bigint | undefined)[] = [];
  const unit: ScaledConst[] = [];
  const flat: (ScaledConst | undefined)[] = [];
  let previous = 0n;
  list.forEach((tier, i) => {
    const last = i === list.length - 1;
    let bound: bigint | undefined;
    if (tier.up_to === undefined) {
      if (!last) problems.push({ message: 'only the last tier may be unbounded (no `up_to`)', ...at(tier.span) });
    } else {
      bound = integer(tier.up_to);
      if (bound === undefined) problems.push({ message: `tier bound must be a non-negative integer, got ${JSON.stringify(tier.up_to)}`, ...at(tier.span) });
      else if (bound <= previous) problems.push({ message: `tier bounds must increase: ${bound} after ${previous}`, ...at(tier.span) });
      else previous = bound;
      if (last) problems.push({ message: 'the last tier must be unbounded (no `up_to`), so every quantity is priced', ...at(tier.span) });
    }
    bounds.push(bound);
    unit.push(nonNegative(tier.unit_price, 'tier unit price', tier.span ?? span, problems));
    flat.push(tier.flat_fee === undefined ? undefined : nonNegative(tier.flat_fee, 'tier flat fee', tier.span ?? span, problems));
  });
  if (problems.length > 0) return { problems };
  const scale = Math.max(0, ...unit.map((u) => u.scale), ...flat.map((f) => f?.scale ?? 0));
  return { tiers: { mode: schedule.mode, bounds, unit, flat, scale }, problems };
}

/** f(Q): the charge for a whole period quantity, at `scale`. */
export function periodCharge(t: CompiledTiers, quantity: bigint, scale: number): bigint {
  if (quantity <= 0n) return 0n;
  if (t.mode === 'package') {
    const p = t.pkg!;
    const billable = quantity - p.free;
    if (billable <= 0n) return 0n;
    return ((billable + p.size - 1n) / p.size) * p.price.at(scale);
  }
  if (t.mode === 'volume') {
    for (let i = 0; i < t.bounds.length; i++) {
      const b = t.bounds[i];
      if (b === undefined || quantity <= b) return quantity * t.unit[i]!.at(scale) + (t.flat[i]?.at(scale) ?? 0n);
    }
    return 0n; // unreachable: the last tier is unbounded
  }
  return graduatedDelta(t, 0n, quantity, scale);
}

/** Graduated f(before + q) − f(before) directly from the overlap with each tier. */
function graduatedDelta(t: CompiledTiers, before: bigint, q: bigint, scale: number): bigint {
  const after = before + q;
  let total = 0n;
  let from = 0n;
  for (let i = 0; i < t.bounds.length; i++) {
    const to = t.bounds[i];
    if (to !== undefined && to <= before) {
      from = to;
      continue;
    }
    if (after <= from) break;
    const lo = before > from ? before : from;
    const hi = to === undefined || after < to ? after : to;
    total += (hi - lo) * t.unit[i]!.at(scale);
    const fee = t.flat[i];
    if (fee !== undefined && before <= from) total += fee.at(scale); // the period enters tier i in this call
    if (to === undefined) break;
    from = to;
  }
  return total;
}

/** The charge of one call adding `q` to a period that already holds `before`: f(before+q) − f(before). */
export function eventCharge(t: CompiledTiers, before: bigint, q: bigint, scale: number): bigint {
  if (q === 0n) return 0n;
  if (t.mode === 'graduated') return graduatedDelta(t, before, q, scale);
  return periodCharge(t, before + q, scale) - periodCharge(t, before, scale);
}

// ---- Decimal-string wrappers for callers outside the engine (ledger, CLI, tests) ----

function compiled(schedule: TierSchedule): CompiledTiers {
  const { tiers, problems } = buildTiers(schedule);
  if (!tiers) throw new RatecardError('invalid_tiers', problems.map((p) => p.message).join('; '), { details: { problems: problems.map((p) => p.message) } });
  return tiers;
}

function quantityOf(value: string | number | bigint, what: string): bigint {
  const q = typeof value === 'bigint' ? value : integer(String(value));
  if (q === undefined || q < 0n) throw new RatecardError('invalid_quantity', `${what} must be a non-negative integer, got ${JSON.stringify(String(value))}`);
  return q;
}

/** f(Q) of a schedule as a decimal string. */
export function tierPeriodCharge(schedule: TierSchedule, quantity: string | number | bigint): string {
  const t = compiled(schedule);
  return formatScaled(periodCharge(t, quantityOf(quantity, 'quantity'), t.scale), t.scale);
}

/** f(before + q) − f(before) as a decimal string. */
export function tierEventCharge(schedule: TierSchedule, before: string | number | bigint, quantity: string | number | bigint): string {
  const t = compiled(schedule);
  return formatScaled(eventCharge(t, quantityOf(before, 'before'), quantityOf(quantity, 'quantity'), t.scale), t.scale);
}

/**
 * Period-close settlement: the amount to add so that what was billed for the period equals
 * f(periodQuantity). Zero when every call was charged f(after) − f(before) from exact state;
 * non-zero when calls were quoted from stale period state (concurrency, late events).
 */
export function volumeTrueUp(schedule: TierSchedule, periodQuantity: string | number | bigint, billedSoFar: string): string {
  const t = compiled(schedule);
  const billed = parseDecimal(billedSoFar);
  if (billed === undefined) throw new RatecardError('invalid_amount', `billedSoFar must be a decimal string, got ${JSON.stringify(billedSoFar)}`);
  const scale = Math.max(t.scale, billed.decimalPlaces());
  const owed = periodCharge(t, quantityOf(periodQuantity, 'periodQuantity'), scale);
  const paid = new ScaledConst(billed).at(scale);
  return formatScaled(owed - paid, scale);
}

/**
 * Pricing one call against a compiled model. Evaluation order (docs/engine.md):
 *   1. usage lines at the model rates (long-context cliff applied) → cost
 *   2. plan allowance waives model-priced usage, consumed from the period's prior quantity
 *   3. tier schedules replace the price of the kinds their meter counts by f(before+q) − f(before)
 *   4. markups, 5. percent discounts, 6. fixed discounts (source order within each step)
 *   7. plan cap against the period's prior spend
 * Every step appends lines; the lines sum exactly to the price.
 */
import { RatecardError } from '../errors/index.js';
import { parseDecimal } from '../money/index.js';
import type { Meter } from '../pricing/document.js';
import { promptSize, type CanonicalUsage } from '../usage/canonical.js';
import type { CompiledAdjustment, CompiledModel, CompiledPlan, CompiledRates, CompiledSchedule } from './compiled.js';
import type { CallContext } from './conditions.js';
import { formatScaled as formatScaledImport, pow10 as pow10Import, ScaledConst } from './fixed.js';
import { meterQuantity as meterQuantityImport } from './meters.js';
import { KIND_ORDER as KIND_ORDER_IMPORT } from './rates.js';
import { eventCharge as eventChargeImport } from './tiers.js';
import type { QuoteLine, QuoteRequest, Quote } from './types.js';

// Local copies of imports: some loaders (tsx, CJS interop) turn every imported-binding
// read into a getter call, which is measurable on a ~1 µs path.
const KIND_ORDER = KIND_ORDER_IMPORT;
const KINDS = KIND_ORDER.length;
const formatScaled = formatScaledImport;
const pow10 = pow10Import;
const eventCharge = eventChargeImport;
const meterQuantity = meterQuantityImport;

function periodQuantity(request: QuoteRequest, meter: Meter): bigint {
  const raw = request.period?.quantities?.[meter];
  if (raw === undefined) return 0n;
  if (typeof raw !== 'string' || !/^\d+$/.test(raw)) {
    throw new RatecardError('period_invalid', `period.quantities.${meter} must be a decimal string of a non-negative integer, got ${JSON.stringify(raw)}`);
  }
  return BigInt(raw);
}

function line(kind: QuoteLine['kind'], component: string | undefined, quantity: string | undefined, unitPrice: string | undefined, amount: string, rule: string, source: string | undefined): QuoteLine {
  // Object literals (stable shapes, fields in reading order); absent fields are left out,
  // not set to undefined, so lines serialize cleanly.
  if (component === undefined) return source === undefined ? { kind, amount, rule } : { kind, amount, rule, source };
  if (unitPrice === undefined) {
    return source === undefined ? { kind, component, quantity, amount, rule } : { kind, component, quantity, amount, rule, source };
  }
  return source === undefined
    ? { kind, component, quantity, unit_price: unitPrice, amount, rule }
    : { kind, component, quantity, unit_price: unitPrice, amount, rule, source };
}

function rateMissing(model: CompiledModel, kinds: string[]): RatecardError {
  return new RatecardError(
    'rate_missing',
    `model \`${model.id}\` has no rate for ${kinds.map((k) => `\`${k}\``).join(', ')} (no own rate, no default, no fallback); refusing to price it as 0`,
    { details: { model: model.id, kinds } },
  );
}

export interface PriceInput {
  model: CompiledModel;
  usage: CanonicalUsage;
  request: QuoteRequest;
  plan: CompiledPlan | undefined;
  currency: string;
  /** Lower-case requested model name (for `model` conditions). */
  requested: string;
  serviceTier: string | undefined;
}

// Module-level helpers rather than per-call closures: the hot path allocates no functions.
function callContext(input: PriceInput): CallContext {
  const { model, request, requested } = input;
  return {
    attributes: request.attributes,
    provider: (model.provider ?? request.provider)?.toLowerCase(),
    modelNames: model.names.includes(requested) ? model.names : [requested, ...model.names],
    serviceTier: input.serviceTier,
  };
}

interface Walk {
  input: PriceInput;
  ctx: CallContext | undefined;
  applied: CompiledSchedule[] | undefined;
  tierMask: number;
  metered: Partial<Record<Meter, string>> | undefined;
  lines: QuoteLine[];
  scale: number;
}

function holds(w: Walk, when: ((ctx: CallContext) => boolean) | undefined): boolean {
  return when === undefined || when((w.ctx ??= callContext(w.input)));
}

function meterCall(w: Walk, m: Meter, mask: number): number {
  const q = meterQuantity(w.input.usage, mask);
  (w.metered ??= {})[m] = String(q);
  return q;
}

/**
 * Add the schedules of `list` that hold for this call. `planMask` is what the call's plan
 * schedules already price: a top-level schedule entirely inside it is overridden by the
 * plan; any other overlap would price the same tokens twice and is an error.
 */
function selectSchedules(w: Walk, list: CompiledSchedule[] | undefined, planMask: number): void {
  if (!list) return;
  for (const s of list) {
    if (!holds(w, s.when)) continue;
    if (planMask !== 0 && (s.mask & planMask) === s.mask) continue;
    if (w.tierMask & s.mask) {
      throw new RatecardError('tier_overlap', `two tier schedules price the same usage for this call: \`${s.rule}\` overlaps an earlier schedule; narrow their scope or conditions`, { details: { rule: s.rule } });
    }
    w.tierMask |= s.mask;
    (w.applied ??= []).push(s);
  }
}

function applyFactors(w: Walk, list: CompiledAdjustment[], price: bigint): bigint {
  for (const r of list) {
    if (!holds(w, r.when)) continue;
    const f = r.factor!;
    const next = (price * f.at(f.scale)) / pow10(f.scale); // exact: the model scale reserves f.scale digits
    w.lines.push(line(r.kind, undefined, undefined, undefined, formatScaled(next - price, w.scale), r.rule, r.source));
    price = next;
  }
  return price;
}

export function priceCall(input: PriceInput): Quote {
  const { model, usage, request, plan } = input;
  const scale = model.scale;
  const rules = model.rules;

  // 1. Model rates, with the long-context cliff for the whole request.
  let rates: CompiledRates = model.base;
  if (model.longContext.length > 0) {
    const prompt = promptSize(usage);
    for (const lc of model.longContext) if (prompt > lc.threshold) { rates = lc.rates; break; }
  }
  const lines: QuoteLine[] = [];
  const amounts: bigint[] = new Array<bigint>(KINDS).fill(0n);
  let cost = 0n;
  let missing: string[] | undefined;
  let warnings: string[] | undefined;
  for (let i = 0; i < KINDS; i++) {
    const kind = KIND_ORDER[i]!;
    const q = usage[kind];
    if (q === 0) continue;
    const slot = rates.slots[i];
    if (slot === undefined) {
      if (kind !== 'requests') (missing ??= []).push(kind);
      continue;
    }
    const amount = BigInt(q) * slot.rate;
    amounts[i] = amount;
    cost += amount;
    lines.push(line('usage', kind, String(q), slot.unitPrice, formatScaled(amount, scale), slot.rule, slot.source));
    if (slot.warning !== undefined) (warnings ??= []).push(slot.warning);
  }
  if (missing) throw rateMissing(model, missing);
  let price = cost;

  const w: Walk = { input, ctx: undefined, applied: undefined, tierMask: 0, metered: undefined, lines, scale };
  // Which schedules apply, so the allowance leaves their kinds alone.
  if (plan) selectSchedules(w, rules.planSchedules.get(plan.name), 0);
  selectSchedules(w, rules.schedules, w.tierMask);

  // 2. Allowance: free units this call = min(before+q, A) − min(before, A), in kind order.
  const allowance = plan?.allowance;
  if (allowance) {
    const before = periodQuantity(request, allowance.meter);
    const q = BigInt(meterCall(w, allowance.meter, allowance.mask));
    const cap = allowance.quantity;
    let free = (before + q < cap ? before + q : cap) - (before < cap ? before : cap);
    for (let i = 0; i < KINDS && free > 0n; i++) {
      if (!(allowance.mask & (1 << i)) || w.tierMask & (1 << i)) continue;
      const used = usage[KIND_ORDER[i]!];
      const slot = rates.slots[i];
      if (used === 0 || slot === undefined) continue;
      const waived = BigInt(used) < free ? BigInt(used) : free;
      free -= waived;
      const amount = -(waived * slot.rate);
      price += amount;
      lines.push(line('allowance', KIND_ORDER[i], waived.toString(), slot.unitPrice, formatScaled(amount, scale), allowance.rule, allowance.source));
    }
  }

  // 3. Tier schedules: replace the model-rate amount of their kinds by the period delta.
  if (w.applied) {
    for (const s of w.applied) {
      const before = periodQuantity(request, s.meter);
      const q = meterCall(w, s.meter, s.mask);
      let replaced = 0n;
      for (let i = 0; i < KINDS; i++) if (s.mask & (1 << i)) replaced += amounts[i]!;
      const amount = eventCharge(s.tiers, before, BigInt(q), scale) - replaced;
      price += amount;
      lines.push(line('tier', s.meter, String(q), undefined, formatScaled(amount, scale), s.rule, s.source));
    }
  }

  // 4–6. Markups, then percent discounts (multiplicative, compounding), then fixed discounts.
  price = applyFactors(w, rules.markups, price);
  price = applyFactors(w, rules.percentDiscounts, price);
  for (const r of rules.fixedDiscounts) {
    if (!holds(w, r.when)) continue;
    const off = r.fixed!.at(scale);
    const taken = price <= 0n ? 0n : off < price ? off : price;
    price -= taken;
    lines.push(line('discount', undefined, undefined, undefined, formatScaled(-taken, scale), r.rule, r.source));
  }

  // 7. Cap: the period's usage charges never exceed plan.cap.
  let outScale = scale;
  if (plan?.cap) {
    const spendText = request.period?.spend ?? '0';
    const spend = parseDecimal(spendText);
    if (spend === undefined) throw new RatecardError('period_invalid', `period.spend must be a decimal string, got ${JSON.stringify(spendText)}`);
    const spendC = new ScaledConst(spend);
    if (spendC.scale > scale) {
      // A finer prior spend than this quote's amounts: widen the final figures only.
      const widen = pow10(spendC.scale - scale);
      price *= widen;
      cost *= widen;
      outScale = spendC.scale;
    }
    let room = plan.cap.at(outScale) - spendC.at(outScale);
    if (room < 0n) room = 0n;
    if (price > room) {
      lines.push(line('cap', undefined, undefined, undefined, formatScaled(room - price, outScale), plan.capRule, plan.capSource));
      price = room;
    }
  }

  const quote: Quote = {
    currency: input.currency,
    cost: formatScaled(cost, outScale),
    price: formatScaled(price, outScale),
    lines,
    model: model.id,
    price_version: model.priceVersion,
  };
  const provider = model.provider ?? request.provider;
  if (provider !== undefined) quote.provider = provider;
  if (w.metered) quote.metered = w.metered;
  if (warnings) quote.warnings = warnings;
  return quote;
}

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
import type { CompiledModel, CompiledPlan, CompiledRates, CompiledSchedule } from './compiled.js';
import type { CallContext } from './conditions.js';
import { formatScaled, pow10, ScaledConst } from './fixed.js';
import { meterQuantity } from './meters.js';
import { KIND_ORDER } from './rates.js';
import { eventCharge } from './tiers.js';
import type { QuoteLine, QuoteRequest, Quote } from './types.js';

const KINDS = KIND_ORDER.length;

function periodQuantity(request: QuoteRequest, meter: Meter): bigint {
  const raw = request.period?.quantities?.[meter];
  if (raw === undefined) return 0n;
  if (typeof raw !== 'string' || !/^\d+$/.test(raw)) {
    throw new RatecardError('period_invalid', `period.quantities.${meter} must be a decimal string of a non-negative integer, got ${JSON.stringify(raw)}`);
  }
  return BigInt(raw);
}

function line(kind: QuoteLine['kind'], component: string | undefined, quantity: string | undefined, unitPrice: string | undefined, amount: string, rule: string, source: string | undefined): QuoteLine {
  // Fields in reading order; absent ones left out rather than set to undefined (clean JSON).
  const l = { kind } as QuoteLine;
  if (component !== undefined) l.component = component;
  if (quantity !== undefined) l.quantity = quantity;
  if (unitPrice !== undefined) l.unit_price = unitPrice;
  l.amount = amount;
  l.rule = rule;
  if (source !== undefined) l.source = source;
  return l;
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
  /** Name the quote reports (the resolved model id). */
  priceVersion: string;
  context: () => CallContext;
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
  }
  if (missing) throw rateMissing(model, missing);
  let price = cost;

  let ctx: CallContext | undefined;
  const context = () => (ctx ??= input.context());
  let metered: Partial<Record<Meter, string>> | undefined;
  const meter = (m: Meter, mask: number): number => {
    const q = meterQuantity(usage, mask);
    (metered ??= {})[m] = String(q);
    return q;
  };

  // Which schedules apply, so the allowance leaves their kinds alone.
  let applied: CompiledSchedule[] | undefined;
  let tierMask = 0;
  const consider = (list: CompiledSchedule[] | undefined) => {
    if (!list) return;
    for (const s of list) {
      if (s.when && !s.when(context())) continue;
      if (tierMask & s.mask) {
        throw new RatecardError('tier_overlap', `two tier schedules price the same usage for this call: \`${s.rule}\` overlaps an earlier schedule; narrow their scope or conditions`, { details: { rule: s.rule } });
      }
      tierMask |= s.mask;
      (applied ??= []).push(s);
    }
  };
  if (plan) consider(rules.planSchedules.get(plan.name));
  consider(rules.schedules);

  // 2. Allowance: free units this call = min(before+q, A) − min(before, A), in kind order.
  const allowance = plan?.allowance;
  if (allowance) {
    const before = periodQuantity(request, allowance.meter);
    const q = BigInt(meter(allowance.meter, allowance.mask));
    const cap = allowance.quantity;
    let free = (before + q < cap ? before + q : cap) - (before < cap ? before : cap);
    for (let i = 0; i < KINDS && free > 0n; i++) {
      if (!(allowance.mask & (1 << i)) || tierMask & (1 << i)) continue;
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
  if (applied) {
    for (const s of applied) {
      const before = periodQuantity(request, s.meter);
      const q = meter(s.meter, s.mask);
      let replaced = 0n;
      for (let i = 0; i < KINDS; i++) if (s.mask & (1 << i)) replaced += amounts[i]!;
      const amount = eventCharge(s.tiers, before, BigInt(q), scale) - replaced;
      price += amount;
      lines.push(line('tier', s.meter, String(q), undefined, formatScaled(amount, scale), s.rule, s.source));
    }
  }

  // 4–6. Markups, then percent discounts (multiplicative, compounding), then fixed discounts.
  for (const group of [rules.markups, rules.percentDiscounts]) {
    for (const r of group) {
      if (r.when && !r.when(context())) continue;
      const f = r.factor!;
      const next = (price * f.at(f.scale)) / pow10(f.scale); // exact: the model scale reserves f.scale digits
      const amount = next - price;
      price = next;
      lines.push(line(r.kind, undefined, undefined, undefined, formatScaled(amount, scale), r.rule, r.source));
    }
  }
  for (const r of rules.fixedDiscounts) {
    if (r.when && !r.when(context())) continue;
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
    price_version: input.priceVersion,
  };
  const provider = model.provider ?? request.provider;
  if (provider !== undefined) quote.provider = provider;
  if (metered) quote.metered = metered;
  return quote;
}

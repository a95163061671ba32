/**
 * Invoices per customer and period. Lines, in order: the plan's recurring fee, usage by
 * model and token kind, then tier / allowance / markup / discount / cap lines by rule,
 * then the invoice-level cap and minimum-commitment true-ups. Amounts stay exact until
 * the very end, where they are rounded ONCE to the currency's minor unit with the
 * declared mode and leftover units allocated so the lines sum exactly to the total.
 *
 * Conventions: the minimum commitment compares against fee + usage; the invoice cap
 * limits usage charges (fee excluded), as the engine's per-call cap does.
 */
import { RatecardError } from '../../errors/index.js';
import { allocateRounded, DEFAULT_ROUNDING, Dec, formatDecimal, formatFixed, isRoundingMode, minorUnits, ZERO, type Decimal, type RoundingMode } from '../../money/index.js';
import type { Period, Plan, PricingDocument } from '../../pricing/document.js';
import type { LedgerEntry } from '../entry.js';
import { parsePeriodKey, periodKey } from '../period.js';

export type InvoiceLineKind = 'fee' | 'usage' | 'tier' | 'allowance' | 'markup' | 'discount' | 'cap' | 'minimum';

export interface InvoiceLine {
  kind: InvoiceLineKind;
  description: string;
  model?: string;
  component?: string;
  quantity?: string;
  unit_price?: string;
  /** Rounded to the currency's minor unit; the lines sum exactly to `total`. */
  amount: string;
  /** The exact amount before rounding. */
  exact: string;
}

export interface BreakdownRow { value: string; amount: string; entries: number }

export interface Invoice {
  customer: string;
  period: string;
  currency: string;
  plan?: string;
  lines: InvoiceLine[];
  total: string;
  rounding: RoundingMode;
  /** Usage charges per agent and per conversation ('' = not attributed); each sums to the usage lines. */
  breakdowns: { agent: BreakdownRow[]; conversation: BreakdownRow[] };
  entries: number;
  /**
   * Entries that carry no price: each is a problem to resolve (never billed as 0 silently).
   * `warnings`: what priced calls were warned of (a fallback rate stood in), with how many calls.
   */
  problems: { unpriced: number; by_reason: Record<string, number>; examples: Array<{ seq: number; key: string; reason: string }>; warnings: Array<{ warning: string; calls: number }> };
}

export interface InvoiceInput {
  customer: string;
  /** YYYY-MM (or another period key: YYYY-MM-DD, YYYY-Www, YYYY-Qn, YYYY). */
  period: string;
  /** Plans and rounding come from here. */
  document?: PricingDocument;
  /** Plan name; default: the `plan` attribute of the customer's entries (none: no fee, minimum or cap). */
  plan?: string;
  /** Currency when there are no priced entries; default the document's. */
  currency?: string;
}

interface Group { line: Omit<InvoiceLine, 'amount' | 'exact' | 'quantity'>; quantity?: Decimal; amount: Decimal }

export function buildInvoice(entries: Iterable<LedgerEntry>, input: InvoiceInput): Invoice {
  const builder = new InvoiceBuilder(input);
  for (const e of entries) builder.add(e);
  return builder.finish();
}

/**
 * One invoice, accumulated entry by entry: a billing run feeds one builder per customer
 * from a single pass over the log and holds only their running totals, not the entries.
 */
export class InvoiceBuilder {
  readonly #input: InvoiceInput;
  readonly #kind: Period;
  readonly #groups = new Map<string, Group>();
  readonly #byAgent = new Map<string, { amount: Decimal; entries: number }>();
  readonly #byConversation = new Map<string, { amount: Decimal; entries: number }>();
  readonly #problems: Invoice['problems'] = { unpriced: 0, by_reason: {}, examples: [], warnings: [] };
  readonly #warned = new Map<string, number>();
  readonly #currencies = new Set<string>();
  readonly #planNames = new Set<string>();
  #count = 0;

  constructor(input: InvoiceInput) {
    this.#input = input;
    this.#kind = parsePeriodKey(input.period);
  }

  /** Count one entry in (entries of other customers or periods, and unrated records, are ignored). */
  add(e: LedgerEntry): void {
    const input = this.#input;
    // Records without a rating (budget alerts written by src/alerts) carry no charges.
    if (!e.rating) return;
    if (e.attributes?.customer !== input.customer || periodKey(new Date(e.at), this.#kind) !== input.period) return;
    this.#count++;
    if (typeof e.attributes.plan === 'string' && e.type === 'usage') this.#planNames.add(e.attributes.plan);
    const r = e.rating;
    const problems = this.#problems;
    if (r.status !== 'priced') {
      if (e.type === 'usage') {
        const reason = r.error?.code ?? r.reason;
        problems.unpriced++;
        problems.by_reason[reason] = (problems.by_reason[reason] ?? 0) + 1;
        if (problems.examples.length < 20) problems.examples.push({ seq: e.seq, key: e.key, reason });
      }
      return;
    }
    this.#currencies.add(r.currency);
    for (const w of r.warnings ?? []) this.#warned.set(w, (this.#warned.get(w) ?? 0) + 1);
    const groups = this.#groups;
    for (const l of r.lines) {
      const isUsage = l.kind === 'usage';
      const key = isUsage ? `usage|${e.event.model}|${l.component ?? ''}|${l.unit_price ?? ''}` : `${l.kind}|${l.rule}|${l.component ?? ''}`;
      let g = groups.get(key);
      if (!g) {
        const base = isUsage
          ? { kind: 'usage' as const, description: `${e.event.model} ${l.component ?? 'usage'}`, model: e.event.model, ...(l.component ? { component: l.component } : {}), ...(l.unit_price ? { unit_price: l.unit_price } : {}) }
          : { kind: l.kind as InvoiceLineKind, description: l.rule, ...(l.component ? { component: l.component } : {}) };
        g = { line: base, amount: ZERO };
        groups.set(key, g);
      }
      g.amount = g.amount.plus(new Dec(l.amount));
      if (l.quantity !== undefined && (isUsage || l.kind === 'tier' || l.kind === 'allowance')) g.quantity = (g.quantity ?? ZERO).plus(new Dec(l.quantity));
    }
    addTo(this.#byAgent, e.attributes.agent, r.price);
    addTo(this.#byConversation, e.attributes.conversation, r.price);
  }

  /** The invoice of what was added (throws `invoice_mixed_currency`, `invoice_plan_ambiguous`, `plan_not_found`). */
  finish(): Invoice {
    const input = this.#input;
    const problems = { ...this.#problems };
    problems.warnings = [...this.#warned].map(([warning, calls]) => ({ warning, calls })).sort((a, b) => (a.warning < b.warning ? -1 : a.warning > b.warning ? 1 : 0));
    const currencies = this.#currencies;
    if (currencies.size > 1) throw new RatecardError('invoice_mixed_currency', `customer ${input.customer} has entries in several currencies in ${input.period}: ${[...currencies].join(', ')}`);
    const currency = [...currencies][0] ?? input.currency ?? input.document?.currency ?? 'USD';
    const plan = pickPlan(input, this.#planNames);
    const exact: Array<Omit<InvoiceLine, 'amount' | 'exact'> & { exact: Decimal }> = [];
    if (plan?.fee) exact.push({ kind: 'fee', description: `plan ${plan.name} fee (${plan.period})`, exact: new Dec(plan.fee) });
    const order: InvoiceLineKind[] = ['usage', 'tier', 'allowance', 'markup', 'discount', 'cap'];
    const sorted = [...this.#groups.values()].sort((a, b) => order.indexOf(a.line.kind) - order.indexOf(b.line.kind) || (a.line.description < b.line.description ? -1 : a.line.description > b.line.description ? 1 : 0));
    for (const g of sorted) exact.push({ ...g.line, ...(g.quantity !== undefined ? { quantity: formatDecimal(g.quantity) } : {}), exact: g.amount });
    const usageTotal = sorted.reduce((a, g) => a.plus(g.amount), ZERO);
    if (plan?.cap && usageTotal.gt(plan.cap)) exact.push({ kind: 'cap', description: `cap ${plan.cap} on usage`, exact: new Dec(plan.cap).minus(usageTotal) });
    const subtotal = exact.reduce((a, l) => a.plus(l.exact), ZERO);
    if (plan?.minimum && subtotal.lt(plan.minimum)) exact.push({ kind: 'minimum', description: `minimum commitment ${plan.minimum} (true-up)`, exact: new Dec(plan.minimum).minus(subtotal) });

    const places = minorUnits(currency);
    const declared = input.document?.rounding?.mode;
    const mode: RoundingMode = isRoundingMode(declared) ? declared : DEFAULT_ROUNDING;
    const { total, parts } = allocateRounded(exact.map((l) => l.exact), places, mode);
    const lines: InvoiceLine[] = exact.map((l, i) => {
      const { exact: x, ...rest } = l;
      return { ...rest, amount: formatFixed(parts[i]!, places), exact: formatDecimal(x) };
    });
    const usageRounded = parts.reduce((a, p, i) => (['fee', 'minimum'].includes(exact[i]!.kind) ? a : a.plus(p)), ZERO);
    return {
      customer: input.customer,
      period: input.period,
      currency,
      ...(plan ? { plan: plan.name } : {}),
      lines,
      total: formatFixed(total, places),
      rounding: mode,
      breakdowns: { agent: breakdown(this.#byAgent, usageRounded, places, mode), conversation: breakdown(this.#byConversation, usageRounded, places, mode) },
      entries: this.#count,
      problems,
    };
  }
}

function addTo(map: Map<string, { amount: Decimal; entries: number }>, value: unknown, price: string): void {
  const k = typeof value === 'string' ? value : '';
  const cur = map.get(k) ?? { amount: ZERO, entries: 0 };
  map.set(k, { amount: cur.amount.plus(new Dec(price)), entries: cur.entries + 1 });
}

/** Rounded per-value shares that sum exactly to the invoice's rounded usage lines. */
function breakdown(map: Map<string, { amount: Decimal; entries: number }>, target: Decimal, places: number, mode: RoundingMode): BreakdownRow[] {
  const rows = [...map.entries()].sort(([, a], [, b]) => b.amount.comparedTo(a.amount));
  if (rows.length === 0) return [];
  const { parts } = allocateRounded(rows.map(([, v]) => v.amount), places, mode);
  // The usage lines were rounded together with the fee and minimum; move any unit of difference to the largest share.
  const diff = target.minus(parts.reduce((a, p) => a.plus(p), ZERO));
  parts[0] = parts[0]!.plus(diff);
  return rows.map(([value, v], i) => ({ value, amount: formatFixed(parts[i]!, places), entries: v.entries }));
}

function pickPlan(input: InvoiceInput, fromEntries: Set<string>): Plan | undefined {
  const plans = input.document?.plans ?? [];
  const name = input.plan ?? (fromEntries.size === 1 ? [...fromEntries][0] : undefined);
  if (name === undefined) {
    if (fromEntries.size > 1) throw new RatecardError('invoice_plan_ambiguous', `customer ${input.customer} used several plans in ${input.period} (${[...fromEntries].join(', ')}): pass the plan to invoice`);
    return undefined;
  }
  const plan = plans.find((p) => p.name === name);
  if (!plan) throw new RatecardError('plan_not_found', `unknown plan ${JSON.stringify(name)}${plans.length ? ` (plans: ${plans.map((p) => p.name).join(', ')})` : ' (no pricing document with plans was given)'}`, { details: { plan: name } });
  return plan;
}

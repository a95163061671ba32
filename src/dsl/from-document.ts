/**
 * PricingDocument → AST, for printRate and `convert --to rate`. Chooses the readable
 * spelling (`2.5 per 1M tokens`, `200k`) that builds back to exactly the same document.
 */
import { Dec, formatDecimal } from '../money/index.js';
import type { Condition, Meter, PricingDocument, RateKey, RateTable, RuleScope, TierSchedule } from '../pricing/document.js';
import { RATE_KEYS } from '../pricing/document.js';
import { perScale } from '../pricing/normalize.js';
import type * as A from './ast.js';
import { unitOfMeter, unitOfRate } from './build.js';

export function documentToProgram(doc: PricingDocument): A.Program {
  const statements: A.Statement[] = [];
  if (doc.name !== undefined || doc.version !== undefined) {
    const h: A.HeaderStmt = { kind: 'header', name: doc.name ?? '' };
    if (doc.version !== undefined) h.version = doc.version;
    statements.push(h);
  }
  statements.push({ kind: 'currency', code: doc.currency });
  if (doc.use_catalog) statements.push({ kind: 'use_catalog' });
  if (doc.rounding) statements.push({ kind: 'rounding', mode: doc.rounding.mode });
  for (const m of doc.models ?? []) {
    const s: A.ModelStmt = { kind: 'model', name: m.id, entries: [] };
    if (m.provider !== undefined) s.provider = m.provider;
    if (m.aliases?.length) s.entries.push({ kind: 'alias', names: [...m.aliases] });
    s.entries.push(...rates(m.rates));
    for (const lc of m.long_context ?? []) s.entries.push({ kind: 'long_context', threshold: count(lc.threshold), rates: rates(lc.rates) });
    statements.push(s);
  }
  for (const r of doc.rules ?? []) {
    let value: A.Expr;
    let factor = false;
    if (r.percent !== undefined) value = { kind: 'percent', text: r.percent };
    else if (r.type === 'markup') {
      value = num(r.multiplier ?? '1');
      factor = true;
    } else value = { kind: 'per', amount: money(r.fixed ?? '0'), unit: 'requests' };
    const s: A.AdjustmentStmt = { kind: r.type, value, ...applicability(r) };
    if (factor) s.factor = true;
    statements.push(s);
  }
  for (const t of doc.tiers ?? []) statements.push(schedule(t));
  for (const p of doc.plans ?? []) {
    const s: A.PlanStmt = { kind: 'plan', name: p.name, period: p.period, entries: [] };
    if (p.fee !== undefined) s.entries.push({ kind: 'fee', value: money(p.fee) });
    if (p.includes) s.entries.push(includes(p.includes.quantity, p.includes.meter));
    for (const t of p.tiers ?? []) s.entries.push(schedule(t, p.period));
    if (p.minimum !== undefined) s.entries.push({ kind: 'minimum', value: money(p.minimum) });
    if (p.cap !== undefined) s.entries.push({ kind: 'cap', value: money(p.cap) });
    statements.push(s);
  }
  for (const b of doc.budgets ?? []) {
    const s: A.BudgetStmt = { kind: 'budget', per: b.per, period: b.period, amount: money(b.amount) };
    if (b.name !== undefined) s.name = b.name;
    if (b.when) s.when = clauses(b.when);
    if (b.alerts?.length) s.alerts = b.alerts.map((a) => ({ kind: 'percent', text: a }));
    if (b.hard_limit) s.hardLimit = true;
    statements.push(s);
  }
  return { kind: 'program', statements };
}

function num(text: string): A.NumberExpr {
  return { kind: 'number', text };
}

/** Money reads as a rate card writes it: at least two decimals (`500.00`, `2.50`). */
function money(text: string): A.NumberExpr {
  const d = new Dec(text);
  return num(d.toFixed(Math.max(2, d.decimalPlaces())));
}

function rates(table: RateTable): A.RateEntry[] {
  return RATE_KEYS.filter((k) => table[k] !== undefined).map((key) => ({ kind: 'rate', key, value: price(table[key]!, unitOfRate(key as RateKey)) }));
}

/** Token prices read best per million; requests and searches per one. */
function price(perOne: string, unit: A.Unit): A.Expr {
  const million = unit === 'tokens' ? perScale(perOne, '1M') : undefined;
  return million !== undefined ? { kind: 'per', amount: money(million), count: '1M', unit } : { kind: 'per', amount: money(perOne), unit };
}

/** `200000` → `200k`, `10000000` → `10M`, when the short form is exact. */
function count(text: string): A.NumberExpr {
  const d = new Dec(text);
  if (!d.isInteger() || d.isZero()) return num(text);
  for (const [suffix, factor] of [['M', 1_000_000], ['k', 1_000]] as const) {
    const scaled = d.div(factor);
    if (scaled.gte(1) && scaled.decimalPlaces() <= (suffix === 'M' ? 3 : 0)) return num(`${formatDecimal(scaled)}${suffix}`);
  }
  return num(text);
}

function includes(quantity: string, meter: Meter): A.IncludesEntry {
  if (meter === 'tokens' || meter === 'requests' || meter === 'web_searches') {
    return { kind: 'includes', quantity: { kind: 'quantity', text: count(quantity).text, unit: unitOfMeter(meter) } };
  }
  return { kind: 'includes', quantity: count(quantity), meter };
}

function schedule(t: TierSchedule, planPeriod?: string): A.TiersStmt {
  const unit = unitOfMeter(t.meter);
  const s: A.TiersStmt = { kind: 'tiers', mode: t.mode, meter: t.meter, entries: [], ...applicability(t) };
  if (t.period !== planPeriod) s.period = t.period;
  if (t.mode === 'package' && t.package) {
    const size = t.package.size === '1' ? undefined : count(t.package.size).text;
    s.entries.push({ kind: 'package_price', price: { kind: 'per', amount: money(t.package.price), unit, ...(size ? { count: size } : {}) } });
    if (t.package.free !== undefined) s.entries.push({ kind: 'free', quantity: count(t.package.free) });
  }
  for (const tier of t.tiers ?? []) {
    const line: A.TierLine = { kind: 'tier', form: tier.up_to !== undefined ? 'up_to' : 'above', price: price(tier.unit_price, unit) };
    if (tier.up_to !== undefined) line.upper = count(tier.up_to);
    if (tier.flat_fee !== undefined) line.flat = money(tier.flat_fee);
    s.entries.push(line);
  }
  return s;
}

function applicability(r: { scope?: RuleScope; when?: Condition; name?: string }): A.Applicability {
  const out: A.Applicability = {};
  if (r.scope && (r.scope.models?.length || r.scope.providers?.length)) {
    out.scope = {};
    if (r.scope.models?.length) out.scope.models = [...r.scope.models];
    if (r.scope.providers?.length) out.scope.providers = [...r.scope.providers];
  }
  if (r.when?.length) out.when = clauses(r.when);
  if (r.name !== undefined) out.name = r.name;
  return out;
}

function clauses(when: Condition): A.Clause[] {
  return when.map((c) => ({ attribute: c.attribute, op: c.op, values: [...c.values] }));
}

/**
 * AST → PricingDocument: evaluates every expression in the dimension its place expects
 * (a price per token, money, a percent, a count) and records where each field was
 * written, so the shared semantic checks (pricing/check.ts) can point at it.
 */
import type { SourceSpan } from '../errors/diagnostic.js';
import { formatDecimal } from '../money/index.js';
import type {
  AdjustmentRule, Allowance, Budget, Condition, LongContextTier, Meter, ModelPricing, Plan, PricingDocument, RateKey, RateTable, RuleScope, Tier, TierSchedule,
} from '../pricing/document.js';
import type { TierRange } from '../pricing/check.js';
import type * as A from './ast.js';
import type { Reporter } from './context.js';
import { describe, Evaluator, singular, valueText, type Value } from './values.js';

export type Locator = (owner: object, field: string | number) => SourceSpan | undefined;

export interface BuildResult {
  document: PricingDocument;
  locate: Locator;
  /** Explicit `from`/`above` bounds per schedule, for checkTierRanges. */
  ranges: TierRange[][];
}

export function unitOfRate(key: RateKey): A.Unit {
  return key === 'request' ? 'requests' : key === 'web_search' ? 'searches' : 'tokens';
}

export function unitOfMeter(meter: Meter): A.Unit {
  return meter === 'requests' ? 'requests' : meter === 'web_searches' ? 'searches' : 'tokens';
}

const RATE_LABELS: Readonly<Record<RateKey, string>> = {
  default: 'default', input: 'input', cache_read: 'cache read', cache_read_audio: 'cache read audio', cache_write_5m: 'cache write 5m', cache_write_1h: 'cache write 1h',
  output: 'output', reasoning: 'reasoning', input_audio: 'input audio', output_audio: 'output audio', input_image: 'input image',
  output_image: 'output image', request: 'request', web_search: 'web search',
};

export function rateLabel(key: RateKey): string {
  return RATE_LABELS[key];
}

export class DocumentBuilder {
  private readonly spans = new WeakMap<object, Map<string | number, SourceSpan>>();
  private readonly evaluator: Evaluator;
  private readonly ranges: TierRange[][] = [];
  private currency = '';

  constructor(private readonly report: Reporter, private readonly options: { requireCurrency?: boolean } = {}) {
    this.evaluator = new Evaluator(report);
  }

  build(program: A.Program): BuildResult {
    const doc: PricingDocument = { currency: '', models: [], rules: [], tiers: [], plans: [], budgets: [] };
    const seen = new Map<string, A.Statement>();
    for (const s of program.statements) {
      if (s.kind === 'header' || s.kind === 'currency' || s.kind === 'use_catalog' || s.kind === 'rounding') {
        if (seen.has(s.kind)) this.report.error('duplicate_statement', `\`${s.kind === 'use_catalog' ? 'use catalog' : s.kind === 'header' ? 'ratecard' : s.kind}\` is given twice`, s.span, 'keep one');
        seen.set(s.kind, s);
      }
      if (s.kind === 'currency') {
        doc.currency = this.currency = s.code;
        this.at(doc, 'currency', s.span);
      }
    }
    if (!seen.has('currency') && this.options.requireCurrency !== false) this.report.error('missing_currency', 'the rate card does not say its currency', program.statements[0]?.span, 'add a line like `currency USD`');
    for (const s of program.statements) {
      switch (s.kind) {
        case 'header':
          // `ratecard "" version 3`: how a document with a version but no name prints.
          if (s.name !== '') doc.name = s.name;
          if (s.version !== undefined) doc.version = s.version;
          break;
        case 'use_catalog':
          doc.use_catalog = true;
          break;
        case 'rounding':
          doc.rounding = this.at({ mode: s.mode }, 'mode', s.span);
          this.at(doc, 'rounding', s.span);
          break;
        case 'model':
          doc.models.push(this.model(s));
          break;
        case 'markup':
        case 'discount':
          doc.rules.push(this.adjustment(s));
          break;
        case 'tiers':
          doc.tiers.push(this.schedule(s));
          break;
        case 'plan':
          doc.plans.push(this.plan(s));
          break;
        case 'budget':
          doc.budgets.push(this.budget(s));
          break;
      }
    }
    return { document: doc, locate: (owner, field) => this.spans.get(owner)?.get(field), ranges: this.ranges };
  }

  /** Remember that `owner[field]` was written at `span`; returns owner for chaining. */
  private at<T extends object>(owner: T, field: string | number, span: SourceSpan | undefined): T {
    if (!span) return owner;
    let m = this.spans.get(owner);
    if (!m) this.spans.set(owner, (m = new Map()));
    m.set(field, span);
    return owner;
  }

  private model(s: A.ModelStmt): ModelPricing {
    const m: ModelPricing = { id: s.name, rates: {}, span: s.span };
    if (s.provider !== undefined) m.provider = s.provider;
    for (const e of s.entries) {
      if (e.kind === 'rate') this.rate(m.rates, e, `model \`${s.name}\``);
      else if (e.kind === 'alias') {
        m.aliases ??= [];
        for (const name of e.names) this.at(m.aliases, m.aliases.push(name) - 1, e.span);
      } else {
        const tier: LongContextTier = { threshold: this.count(e.threshold, 'tokens', 'a long-context threshold') ?? '0', rates: {}, span: e.span };
        this.at(tier, 'threshold', e.threshold.span);
        for (const r of e.rates) this.rate(tier.rates, r, `the long-context rates of \`${s.name}\``);
        (m.long_context ??= []).push(tier);
      }
    }
    return m;
  }

  private rate(table: RateTable, e: A.RateEntry, where: string): void {
    if (table[e.key] !== undefined) {
      this.report.error('duplicate_rate', `${where} gives the ${rateLabel(e.key)} rate twice`, e.span, 'keep one');
      return;
    }
    const value = this.price(e.value, unitOfRate(e.key), `the ${rateLabel(e.key)} rate`);
    if (value !== undefined) this.at(table, e.key, e.span)[e.key] = value;
  }

  private adjustment(s: A.AdjustmentStmt): AdjustmentRule {
    const rule: AdjustmentRule = s.kind === 'markup' ? { type: 'markup', span: s.span } : { type: 'discount', span: s.span };
    const v = this.evaluator.eval(s.value);
    if (v) {
      if (s.factor) {
        if (v.dim === 'number' && rule.type === 'markup') rule.multiplier = valueText(v);
        else this.mismatch(s.value.span, 'a markup factor', 'a plain number like 1.2', v);
      } else if (v.dim === 'percent') rule.percent = valueText(v);
      else if (rule.type === 'discount' && v.dim === 'price' && v.unit === 'requests' && this.currencyOk(v, s.value.span)) rule.fixed = valueText(v);
      else if (v.dim === 'number' || v.dim === 'money') {
        this.report.error('missing_unit', `a ${s.kind} needs a unit`, s.value.span,
          s.kind === 'markup' ? `write \`${formatDecimal(v.value)}%\` or \`markup factor ${formatDecimal(v.value)}\`` : `write \`${formatDecimal(v.value)}%\` or \`${formatDecimal(v.value)} per request\``);
      } else this.mismatch(s.value.span, `a ${s.kind}`, s.kind === 'markup' ? 'a percent' : 'a percent or an amount per request', v);
    }
    for (const f of ['percent', 'multiplier', 'fixed']) this.at(rule, f, s.value.span);
    this.applicability(s, rule);
    return rule;
  }

  private applicability(s: A.Applicability, target: { scope?: RuleScope; when?: Condition; name?: string }): void {
    if (s.scope && !s.scope.all) {
      const scope: RuleScope = {};
      if (s.scope.models) scope.models = this.spanned([...s.scope.models], s.scope.span);
      if (s.scope.providers) scope.providers = this.spanned([...s.scope.providers], s.scope.span);
      target.scope = this.at(this.at(scope, 'models', s.scope.span), 'providers', s.scope.span);
    }
    if (s.when) target.when = this.condition(s.when);
    if (s.name !== undefined) target.name = s.name;
  }

  private spanned<T extends unknown[]>(list: T, span: SourceSpan | undefined): T {
    list.forEach((_, i) => this.at(list, i, span));
    return list;
  }

  private condition(clauses: A.Clause[]): Condition {
    return clauses.map((c) => {
      const out = { attribute: c.attribute, op: c.op, values: this.spanned([...c.values], c.span), span: c.span };
      return this.at(this.at(out, 'op', c.span), 'values', c.span);
    });
  }

  private schedule(s: A.TiersStmt, planPeriod?: TierSchedule['period']): TierSchedule {
    const period = s.period ?? planPeriod;
    if (period === undefined) this.report.error('missing_period', 'tiers outside a plan need a period', s.span, `e.g. \`tiers ${s.mode} on ${s.meter} monthly { … }\``);
    const out: TierSchedule = { mode: s.mode, meter: s.meter, period: period ?? 'monthly', span: s.span };
    const unit = unitOfMeter(s.meter);
    const ranges: TierRange[] = [];
    for (const e of s.entries) {
      if (s.mode === 'package') this.packageEntry(out, e, unit);
      else if (e.kind !== 'tier') {
        this.report.error('misplaced_entry', `${e.kind === 'free' ? '`first … free`' : 'a package price'} belongs in \`tiers package\`, not ${s.mode} tiers`, e.span);
      } else {
        const tier: Tier = { unit_price: this.price(e.price, unit, 'a tier price') ?? '0', span: e.span };
        this.at(tier, 'unit_price', e.price.span);
        if (e.upper) this.at(tier, 'up_to', e.upper.span).up_to = this.count(e.upper, unit, 'a tier bound');
        if (e.flat) this.at(tier, 'flat_fee', e.flat.span).flat_fee = this.money(e.flat, 'a flat fee');
        (out.tiers ??= []).push(tier);
        const range: TierRange = { span: e.lower?.span ?? e.span };
        if (e.lower) range.from = this.count(e.lower, unit, 'a tier bound');
        if (tier.up_to !== undefined) range.up_to = tier.up_to;
        ranges.push(range);
      }
    }
    if (ranges.length > 0) this.ranges.push(ranges);
    this.applicability(s, out);
    return out;
  }

  private packageEntry(out: TierSchedule, e: A.TierEntry, unit: A.Unit): void {
    out.package ??= { size: '1', price: '0' };
    if (e.kind === 'free') {
      this.at(out.package, 'free', e.span).free = this.count(e.quantity, unit, 'a free quantity');
    } else if (e.kind === 'tier') {
      this.report.error('misplaced_entry', 'package tiers have one price, like `5.00 per 1000 requests`, not ranges', e.span);
    } else if (e.price.kind !== 'per') {
      this.report.error('package_price_form', 'write a package price as `PRICE per SIZE UNITS`', e.span, `e.g. \`5.00 per 1000 ${unit}\``);
    } else {
      if (e.price.unit !== unit) this.report.error('unit_mismatch', `these tiers count ${unit}, but the package is priced per ${e.price.unit}`, e.span);
      out.package.size = e.price.count === undefined ? '1' : (this.count({ kind: 'number', text: e.price.count }, unit, 'a package size') ?? '1');
      out.package.price = this.money(e.price.amount, 'a package price') ?? '0';
      this.at(this.at(out.package, 'size', e.span), 'price', e.span);
      this.at(out, 'package', e.span);
    }
  }

  private plan(s: A.PlanStmt): Plan {
    const plan: Plan = { name: s.name, period: s.period, span: s.span };
    for (const e of s.entries) {
      if (e.kind === 'tiers') {
        (plan.tiers ??= []).push(this.schedule(e, s.period));
        continue;
      }
      const field = e.kind === 'includes' ? 'includes' : e.kind;
      if (plan[field] !== undefined) {
        this.report.error('duplicate_entry', `plan \`${s.name}\` gives \`${e.kind}\` twice`, e.span, 'keep one');
        continue;
      }
      this.at(plan, field, e.span);
      if (e.kind === 'includes') {
        const allowance = this.allowance(e);
        if (allowance) plan.includes = allowance;
      } else {
        const v = this.money(e.value, `a plan ${e.kind}`);
        if (v !== undefined) plan[e.kind] = v;
      }
    }
    return plan;
  }

  private allowance(e: A.IncludesEntry): Allowance | undefined {
    const v = this.evaluator.eval(e.quantity);
    if (!v) return undefined;
    if (v.dim !== 'count' && v.dim !== 'number') {
      this.mismatch(e.quantity.span, 'an included quantity', 'a number of tokens, requests or searches', v);
      return undefined;
    }
    const written = v.dim === 'count' ? v.unit : undefined;
    const meter: Meter | undefined = e.meter ?? (written === 'tokens' ? 'tokens' : written === 'requests' ? 'requests' : written === 'searches' ? 'web_searches' : undefined);
    if (!meter) {
      this.report.error('missing_unit', 'say what the plan includes', e.quantity.span, `e.g. \`includes ${formatDecimal(v.value)} tokens\``);
      return undefined;
    }
    const quantity = this.countValue(v, e.quantity.span, unitOfMeter(meter), 'an included quantity');
    if (quantity === undefined) return undefined;
    return this.at({ quantity, meter, span: e.span }, 'quantity', e.quantity.span);
  }

  private budget(s: A.BudgetStmt): Budget {
    const b: Budget = { per: s.per, period: s.period, amount: this.money(s.amount, 'a budget') ?? '0', span: s.span };
    this.at(b, 'amount', s.amount.span);
    if (s.name !== undefined) this.at(b, 'name', s.span).name = s.name;
    if (s.alerts) {
      const alerts: string[] = [];
      for (const a of s.alerts) {
        const v = this.percent(a, 'an alert threshold');
        if (v !== undefined) this.at(alerts, alerts.push(v) - 1, a.span);
      }
      b.alerts = alerts;
    }
    if (s.hardLimit) b.hard_limit = true;
    if (s.when) b.when = this.condition(s.when);
    return b;
  }

  // Expected dimensions. Each reports its own error and returns undefined on failure.

  private price(e: A.Expr, unit: A.Unit, what: string): string | undefined {
    const v = this.evaluator.eval(e);
    if (!v) return undefined;
    if (v.dim === 'price') {
      if (v.unit !== unit) {
        this.report.error('unit_mismatch', `${what} is charged per ${singular(unit)}, not per ${singular(v.unit)}`, e.span, `write \`… per ${unit === 'tokens' ? '1M tokens' : singular(unit)}\``);
        return undefined;
      }
      return this.currencyOk(v, e.span) ? valueText(v) : undefined;
    }
    if (v.dim === 'number' || v.dim === 'money') {
      this.report.error('missing_unit', `${what} needs a unit`, e.span, `write \`${formatDecimal(v.value)} per ${unit === 'tokens' ? '1M tokens' : singular(unit)}\``);
      return undefined;
    }
    this.mismatch(e.span, what, `a price per ${singular(unit)}`, v);
    return undefined;
  }

  private money(e: A.Expr, what: string): string | undefined {
    const v = this.evaluator.eval(e);
    if (!v) return undefined;
    if (v.dim === 'money' || v.dim === 'number') return this.currencyOk(v, e.span) ? valueText(v) : undefined;
    this.mismatch(e.span, what, 'an amount of money', v);
    return undefined;
  }

  private percent(e: A.Expr, what: string): string | undefined {
    const v = this.evaluator.eval(e);
    if (!v) return undefined;
    if (v.dim === 'percent') return valueText(v);
    if (v.dim === 'number') this.report.error('missing_unit', `${what} is a percent`, e.span, `write \`${formatDecimal(v.value)}%\``);
    else this.mismatch(e.span, what, 'a percent', v);
    return undefined;
  }

  private count(e: A.Expr, unit: A.Unit, what: string): string | undefined {
    const v = this.evaluator.eval(e);
    return v && this.countValue(v, e.span, unit, what);
  }

  private countValue(v: Value, span: SourceSpan | undefined, unit: A.Unit, what: string): string | undefined {
    if (v.dim === 'number' || (v.dim === 'count' && (v.unit === undefined || v.unit === unit))) return formatDecimal(v.value);
    if (v.dim === 'count') this.report.error('unit_mismatch', `${what} counts ${unit}, not ${v.unit}`, span);
    else this.mismatch(span, what, `a number of ${unit}`, v);
    return undefined;
  }

  private currencyOk(v: Value, span: SourceSpan | undefined): boolean {
    if (v.currency === undefined || v.currency === this.currency || this.currency === '') return true;
    this.report.error('currency_mismatch', `this amount is in ${v.currency}, but the rate card is in ${this.currency}`, span, v.currency === 'USD' ? 'drop the `$`' : `write it in ${this.currency}`);
    return false;
  }

  private mismatch(span: SourceSpan | undefined, what: string, expected: string, found: Value): void {
    this.report.error('type_mismatch', `${what} must be ${expected}, not ${describe(found)}`, span);
  }
}

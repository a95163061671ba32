/**
 * Semantic checks on a PricingDocument, beyond what a schema or grammar can say. They
 * work on the document alone (both syntaxes call them), so positions come from the
 * document's spans, refined by an optional `locate` callback that knows where a given
 * field of a given object was written.
 */
import type { Diagnostic, Severity, SourceSpan } from '../errors/index.js';
import { periodUses } from './periods.js';
import { isDecimalString, isRoundingMode, parseDecimal, ROUNDING_MODES, type Decimal } from '../money/index.js';
import { didYouMean } from '../util/suggest.js';
import type {
  AdjustmentRule, Budget, Condition, ModelPricing, Plan, PricingDocument, RateTable, RuleScope, Tier, TierSchedule,
} from './document.js';
import { RATE_KEYS } from './document.js';
import { TOKEN_KINDS } from '../usage/canonical.js';
import type { Meter, Period } from './document.js';

/* The closed vocabularies of pricing files (shared by both syntaxes and the printers). */

export const PERIODS = ['daily', 'weekly', 'monthly', 'quarterly', 'yearly'] as const satisfies readonly Period[];
export const TIER_MODES = ['graduated', 'volume', 'package'] as const satisfies readonly TierSchedule['mode'][];
export const METERS = [...TOKEN_KINDS, 'tokens', 'input_tokens', 'output_tokens', 'requests', 'web_searches'] as const satisfies readonly Meter[];
/** Call attributes with a name of their own; anything else is a custom attribute. */
export const ATTRIBUTES = ['customer', 'plan', 'agent', 'conversation', 'task', 'provider', 'model', 'tags', 'service_tier'] as const;
export const SERVICE_TIERS = ['standard', 'batch', 'flex', 'priority'] as const;

export interface CheckOptions {
  file?: string;
  /** Where `field` (a property name or array index) of `owner` was written, when the syntax knows. */
  locate?: (owner: object, field: string | number) => SourceSpan | undefined;
}

/** Every semantic problem of `doc`, errors and warnings, in document order. */
export function checkDocument(doc: PricingDocument, options: CheckOptions = {}): Diagnostic[] {
  const c = new Checker(doc, options);
  c.run();
  return c.out;
}

/** A tier bound as written in a syntax that has explicit ranges (`from`/`to`). */
export interface TierRange {
  from?: string;
  up_to?: string;
  span?: SourceSpan;
}

/**
 * Contiguity of tiers written with explicit `from` bounds: each `from` must equal the
 * previous tier's `up_to` (0 for the first). Reports `tier_gap` and `tier_overlap`.
 */
export function checkTierRanges(ranges: readonly TierRange[], file?: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  let previous = '0';
  for (const r of ranges) {
    const from = r.from !== undefined ? parseDecimal(r.from) : undefined;
    const prev = parseDecimal(previous);
    if (from !== undefined && prev !== undefined && !from.eq(prev)) {
      const gap = from.gt(prev);
      out.push(diag(gap ? 'tier_gap' : 'tier_overlap', gap
        ? `tier starts at ${r.from} but the previous tier ends at ${previous}: quantities in (${previous}, ${r.from}] have no price`
        : `tier starts at ${r.from} but the previous tier already covers up to ${previous}`,
      'error', file, r.span, `start this tier at ${previous}`));
    }
    if (r.up_to === undefined) break;
    previous = r.up_to;
  }
  return out;
}

function diag(code: string, message: string, severity: Severity, file?: string, span?: SourceSpan, hint?: string): Diagnostic {
  const d: Diagnostic = { code, message, severity };
  if (file !== undefined) d.file = file;
  if (span !== undefined) d.span = span;
  if (hint !== undefined) d.hint = hint;
  return d;
}

const RATE_LABELS: Partial<Record<string, string>> = { default: 'per-token rate', request: 'per-request fee', web_search: 'per-web-search fee' };

class Checker {
  readonly out: Diagnostic[] = [];
  private readonly modelNames = new Map<string, string>();
  private readonly providers = new Set<string>();

  constructor(private readonly doc: PricingDocument, private readonly options: CheckOptions) {}

  run(): void {
    const { doc } = this;
    if (!/^[A-Z]{3}$/.test(doc.currency ?? '')) {
      const upper = (doc.currency ?? '').toUpperCase();
      this.report('invalid_currency', `currency \`${doc.currency ?? ''}\` is not an ISO 4217 code (three capital letters, e.g. USD)`,
        this.at(doc, 'currency'), /^[A-Z]{3}$/.test(upper) ? `write \`${upper}\`` : undefined);
    }
    if (doc.rounding && !isRoundingMode(doc.rounding.mode)) {
      this.report('unknown_rounding_mode', `unknown rounding mode \`${doc.rounding.mode}\``, this.at(doc.rounding, 'mode') ?? this.at(doc, 'rounding'),
        didYouMean(doc.rounding.mode, Object.keys(ROUNDING_MODES)) ?? `use one of ${Object.keys(ROUNDING_MODES).join(', ')}`);
    }
    for (const m of doc.models ?? []) this.model(m);
    for (const r of doc.rules ?? []) this.rule(r);
    for (const t of doc.tiers ?? []) this.schedule(t);
    const plans = new Map<string, Plan>();
    for (const p of doc.plans ?? []) {
      const key = (p.name ?? '').toLowerCase();
      if (plans.has(key)) this.report('duplicate_plan', `plan \`${p.name}\` is defined twice`, this.at(p, 'name'));
      else plans.set(key, p);
      this.plan(p);
    }
    this.periods(doc);
    const budgets = new Set<string>();
    for (const b of doc.budgets ?? []) {
      if (b.name !== undefined) {
        if (budgets.has(b.name.toLowerCase())) this.report('duplicate_budget', `budget \`${b.name}\` is defined twice`, this.at(b, 'name'));
        budgets.add(b.name.toLowerCase());
      }
      this.budget(b);
    }
  }

  /**
   * Plans and tier schedules share one period: period state (the quantities tiers see, the
   * spend caps see) is kept per one period, so a daily tier beside a monthly plan would be
   * priced on the wrong quantities. The first one sets it; each other is reported.
   */
  private periods(doc: PricingDocument): void {
    // Unknown periods are reported by their own check (unknown_period).
    const known = periodUses(doc).filter((u) => (PERIODS as readonly string[]).includes(u.period));
    const first = known[0];
    if (first === undefined) return;
    for (const u of known) {
      if (u.period === first.period) continue;
      this.report('period_mixed', `${u.what} counts ${u.period}, but ${first.what} counts ${first.period}; plans and tiers of one ratecard share one period`,
        this.at(u.owner, 'period'), `make it ${first.period}, or put it in a ratecard of its own`);
    }
  }

  private report(code: string, message: string, span: SourceSpan | undefined, hint?: string, severity: Severity = 'error'): void {
    this.out.push(diag(code, message, severity, this.options.file, span, hint));
  }

  /** The span of `owner[field]`, else the owner's own span. */
  private at(owner: object, field?: string | number): SourceSpan | undefined {
    const precise = field !== undefined ? this.options.locate?.(owner, field) : undefined;
    return precise ?? (owner as { span?: SourceSpan }).span;
  }

  /** Parse a decimal field; report `invalid_decimal` / `negative_value` / `not_an_integer`. */
  private amount(owner: object, field: string | number, what: string, opts: { integer?: boolean; allowNegative?: boolean } = {}): Decimal | undefined {
    const text = (owner as Record<string | number, unknown>)[field];
    if (text === undefined) return undefined;
    const span = this.at(owner, field);
    if (typeof text !== 'string' || !isDecimalString(text)) {
      this.report('invalid_decimal', `${what} \`${String(text)}\` is not a plain decimal number`, span, 'write digits with an optional fraction, e.g. 0.0000025');
      return undefined;
    }
    const value = parseDecimal(text)!;
    if (!opts.allowNegative && value.isNegative() && !value.isZero()) {
      this.report('negative_value', `${what} must not be negative (got ${text})`, span);
    } else if (opts.integer && !value.isInteger()) {
      this.report('not_an_integer', `${what} must be a whole number (got ${text})`, span);
    }
    return value;
  }

  private model(m: ModelPricing): void {
    this.claimName(m.id, m, 'id');
    (m.aliases ?? []).forEach((a, i) => this.claimName(a, m.aliases!, i, m.id));
    if (m.provider) this.providers.add(m.provider.toLowerCase());
    this.rates(m.rates ?? {}, `model \`${m.id}\``);
    if (Object.values(m.rates ?? {}).every((v) => v === undefined) && !(m.long_context?.length)) {
      this.report('model_without_rates', `model \`${m.id}\` has no rates, so its calls could only be priced at 0`, this.at(m),
        'give it `per_token` or `input`/`output` rates');
    }
    let previous: Decimal | undefined;
    for (const lc of m.long_context ?? []) {
      const t = this.amount(lc, 'threshold', 'long-context threshold', { integer: true });
      if (t !== undefined && previous !== undefined && !t.gt(previous)) {
        this.report('long_context_not_ascending', `long-context threshold ${lc.threshold} must be above the previous one (${previous.toFixed()})`,
          this.at(lc, 'threshold'), 'list long-context tiers from the lowest threshold up');
      }
      if (t !== undefined) previous = t;
      this.rates(lc.rates ?? {}, `long-context rate of \`${m.id}\``);
    }
  }

  /** Model ids and aliases share one case-insensitive namespace. */
  private claimName(name: string, owner: object, field: string | number, aliasOf?: string): void {
    if (typeof name !== 'string' || name === '') {
      this.report('missing_name', aliasOf !== undefined ? `an alias of \`${aliasOf}\` is empty` : 'a model has no id', this.at(owner, field));
      return;
    }
    const key = name.toLowerCase();
    const existing = this.modelNames.get(key);
    if (existing !== undefined) {
      const code = aliasOf !== undefined ? 'duplicate_alias' : 'duplicate_model';
      this.report(code, `\`${name}\` ${aliasOf !== undefined ? `(alias of \`${aliasOf}\`) ` : ''}is already defined${existing === name ? '' : ` as \`${existing}\``}`,
        this.at(owner, field));
    } else {
      this.modelNames.set(key, name);
    }
  }

  private rates(table: RateTable, what: string): void {
    for (const key of RATE_KEYS) this.amount(table, key, `${what} ${RATE_LABELS[key] ?? `${key} rate`}`);
  }

  private rule(r: AdjustmentRule): void {
    const label = r.name ? `${r.type} \`${r.name}\`` : r.type;
    const fields = r.type === 'markup' ? (['percent', 'multiplier'] as const) : (['percent', 'fixed'] as const);
    const given = fields.filter((f) => (r as unknown as Record<string, unknown>)[f] !== undefined);
    if (given.length === 0) {
      this.report('adjustment_value_missing', `${label} needs a ${fields[0]} or a ${fields[1]}`, this.at(r), `e.g. \`${r.type}: 20%\``);
    } else if (given.length === 2) {
      this.report('adjustment_value_conflict', `${label} has both a ${fields[0]} and a ${fields[1]}; give only one`, this.at(r, fields[1]));
    }
    for (const f of given) {
      const v = this.amount(r, f, `${label} ${f}`);
      if (v === undefined) continue;
      if (r.type === 'discount' && f === 'percent' && v.gt(100)) {
        this.report('discount_over_100', `discount of ${r.percent}% would make the price negative`, this.at(r, f), 'a percent discount is at most 100%');
      }
      if (r.type === 'markup' && f === 'multiplier' && v.lt(1) && !v.isNegative()) {
        this.report('markup_reduces_price', `markup multiplier ${r.multiplier} lowers the price`, this.at(r, f),
          'a multiplier of 1.2 adds 20%; use a discount to lower prices', 'warning');
      }
    }
    this.scope(r.scope);
    this.condition(r.when);
  }

  private scope(scope: RuleScope | undefined): void {
    if (!scope) return;
    const useCatalog = this.doc.use_catalog === true;
    (scope.models ?? []).forEach((name, i) => {
      if (this.modelNames.has(name.toLowerCase())) return;
      this.report('unknown_model', `model \`${name}\` is not defined in this file${useCatalog ? '; it must come from the catalog' : ''}`,
        this.at(scope.models!, i) ?? this.at(scope, 'models'), didYouMean(name, this.modelNames.values()), useCatalog ? 'warning' : 'error');
    });
    if (useCatalog || this.providers.size === 0) return;
    (scope.providers ?? []).forEach((name, i) => {
      if (this.providers.has(name.toLowerCase())) return;
      this.report('unknown_provider', `no model in this file has provider \`${name}\`, so this scope matches nothing`,
        this.at(scope.providers!, i) ?? this.at(scope, 'providers'), didYouMean(name, this.providers), 'warning');
    });
  }

  private condition(when: Condition | undefined): void {
    for (const clause of when ?? []) {
      if (!['eq', 'ne', 'in', 'not_in'].includes(clause.op)) {
        this.report('unknown_operator', `unknown condition operator \`${clause.op}\``, this.at(clause, 'op'), didYouMean(clause.op, ['eq', 'ne', 'in', 'not_in']));
      }
      if (!clause.attribute) this.report('missing_attribute', 'condition has no attribute', this.at(clause));
      if (!clause.values?.length) this.report('empty_condition', `condition on \`${clause.attribute}\` lists no values`, this.at(clause, 'values'));
      if (clause.attribute === 'service_tier') {
        clause.values?.forEach((v, i) => {
          if ((SERVICE_TIERS as readonly string[]).includes(v)) return;
          this.report('unknown_service_tier', `service tier \`${v}\` is not one of ${SERVICE_TIERS.join(', ')}`,
            this.at(clause.values, i) ?? this.at(clause), didYouMean(v, SERVICE_TIERS), 'warning');
        });
      }
    }
  }

  private schedule(s: TierSchedule, planPeriod?: string): void {
    const label = s.name ? `tier schedule \`${s.name}\`` : 'tier schedule';
    if (!(TIER_MODES as readonly string[]).includes(s.mode)) {
      this.report('unknown_tier_mode', `unknown tier mode \`${s.mode}\``, this.at(s, 'mode'), didYouMean(s.mode, TIER_MODES));
    }
    this.vocab(s, 'meter', METERS, 'unknown_meter', 'meter');
    this.vocab(s, 'period', PERIODS, 'unknown_period', 'period');
    if (s.mode === 'package') {
      if (!s.package) this.report('package_missing', `${label} is a package schedule but has no package size and price`, this.at(s));
      if (s.tiers?.length) this.report('unexpected_tiers', `${label} is a package schedule; its tier list is ignored`, this.at(s, 'tiers'));
    } else if (s.mode === 'graduated' || s.mode === 'volume') {
      if (!s.tiers?.length) this.report('tiers_missing', `${label} has no tiers`, this.at(s, 'tiers'));
      if (s.package) this.report('unexpected_package', `${label} is ${s.mode}; its package is ignored`, this.at(s, 'package'));
    }
    if (s.package) {
      const size = this.amount(s.package, 'size', 'package size', { allowNegative: true });
      if (size !== undefined && (!size.gt(0) || !size.isInteger())) {
        this.report('invalid_package_size', `package size must be a whole number above 0 (got ${s.package.size})`, this.at(s.package, 'size'));
      }
      this.amount(s.package, 'price', 'package price');
      this.amount(s.package, 'free', 'free quantity', { integer: true });
    }
    this.tiers(s.tiers ?? [], label);
    this.scope(s.scope);
    this.condition(s.when);
  }

  private tiers(tiers: readonly Tier[], label: string): void {
    let previous: Decimal | undefined;
    tiers.forEach((t, i) => {
      const last = i === tiers.length - 1;
      const upTo = this.amount(t, 'up_to', 'tier bound');
      if (t.up_to === undefined && !last) {
        this.report('tier_unbounded_not_last', `only the last tier of ${label} may be unbounded`, this.at(t), 'give this tier an `up_to` bound');
      }
      if (t.up_to !== undefined && last) {
        this.report('last_tier_bounded', `the last tier of ${label} ends at ${t.up_to}, so larger quantities have no price`,
          this.at(t, 'up_to'), 'remove `up_to` from the last tier so it covers everything above');
      }
      if (upTo !== undefined) {
        const floor = previous ?? parseDecimal('0')!;
        if (!upTo.gt(floor)) {
          this.report('tiers_not_ascending', `tier bound ${t.up_to} must be above the previous bound (${floor.toFixed()}); tiers overlap or are out of order`,
            this.at(t, 'up_to'), 'list tiers from the lowest bound up');
        }
        previous = previous === undefined || upTo.gt(previous) ? upTo : previous;
      }
      this.amount(t, 'unit_price', 'tier price');
      this.amount(t, 'flat_fee', 'tier flat fee');
    });
  }

  private plan(p: Plan): void {
    if (!p.name) this.report('missing_name', 'plan has no name', this.at(p));
    this.vocab(p, 'period', PERIODS, 'unknown_period', 'period');
    this.amount(p, 'fee', `plan \`${p.name}\` fee`);
    const min = this.amount(p, 'minimum', `plan \`${p.name}\` minimum`);
    const cap = this.amount(p, 'cap', `plan \`${p.name}\` cap`);
    if (min !== undefined && cap !== undefined && cap.lt(min)) {
      this.report('cap_below_minimum', `plan \`${p.name}\` caps usage at ${p.cap}, below its minimum of ${p.minimum}`, this.at(p, 'cap'));
    }
    if (p.includes) {
      this.amount(p.includes, 'quantity', 'included quantity', { integer: true });
      this.vocab(p.includes, 'meter', METERS, 'unknown_meter', 'meter');
    }
    for (const s of p.tiers ?? []) this.schedule(s, p.period);
  }

  private budget(b: Budget): void {
    const label = b.name ? `budget \`${b.name}\`` : `budget per ${b.per}`;
    if (!b.per) this.report('missing_attribute', `${label} does not say what it is kept per`, this.at(b), `e.g. per: customer`);
    this.vocab(b, 'period', PERIODS, 'unknown_period', 'period');
    const amount = this.amount(b, 'amount', `${label} amount`);
    if (amount !== undefined && amount.isZero()) this.report('budget_not_positive', `${label} amount must be above 0`, this.at(b, 'amount'));
    let previous: Decimal | undefined;
    (b.alerts ?? []).forEach((_, i) => {
      const v = this.amount(b.alerts!, i, 'alert threshold');
      if (v === undefined) return;
      if (previous !== undefined && !v.gt(previous)) {
        this.report('alerts_not_ascending', `alert at ${b.alerts![i]}% must be above the previous one (${previous.toFixed()}%)`,
          this.at(b.alerts!, i) ?? this.at(b, 'alerts'), 'list alert thresholds in ascending order');
      }
      previous = v;
    });
    this.condition(b.when);
  }

  private vocab(owner: object, field: string, allowed: readonly string[], code: string, what: string): void {
    const value = (owner as Record<string, unknown>)[field];
    if (typeof value === 'string' && allowed.includes(value)) return;
    this.report(code, `unknown ${what} \`${String(value)}\``, this.at(owner, field),
      didYouMean(String(value), allowed) ?? `use one of ${allowed.join(', ')}`);
  }
}


/**
 * JSON view of a YAML pricing file → PricingDocument. Tolerant: a value of the wrong
 * shape (already reported by the schema) is skipped, so the semantic checks can still
 * run on the rest. Records where each field was written, for `checkDocument`'s `locate`.
 */
import type { SourceSpan } from '../errors/index.js';
import type {
  AdjustmentRule, Allowance, Budget, Condition, ConditionClause, DiscountRule, LongContextTier, MarkupRule, Meter, ModelPricing,
  Period, Plan, PricingDocument, RateKey, RateTable, RuleScope, Tier, TierSchedule,
} from '../pricing/document.js';
import type { TierRange } from '../pricing/check.js';
import { pointer, type JsonView, type Located } from './view.js';
import { readDecimal, readPercent, readQuantity, readRate } from './values.js';

type Obj = { [key: string]: JsonView };
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** YAML rate keys → RateTable keys. Everything else is spelled the same. */
export const YAML_RATE_KEYS: Readonly<Record<string, RateKey>> = {
  per_token: 'default', input: 'input', cache_read: 'cache_read', cache_read_audio: 'cache_read_audio', cache_write_5m: 'cache_write_5m', cache_write_1h: 'cache_write_1h',
  output: 'output', reasoning: 'reasoning', input_audio: 'input_audio', output_audio: 'output_audio',
  input_image: 'input_image', output_image: 'output_image', per_request: 'request', per_web_search: 'web_search',
};
/** Fees are plain amounts; token rates may be written per 1M / per 1K. */
const FEE_KEYS = new Set(['per_request', 'per_web_search']);
export const CUSTOM_PREFIX = 'custom.';

export interface BuildResult {
  document: PricingDocument;
  locate: (owner: object, field: string | number) => SourceSpan | undefined;
  /** Tiers written with explicit `from` bounds, for the contiguity check. */
  ranges: TierRange[][];
}

export function buildDocument(view: JsonView, locations: Map<string, Located>): BuildResult {
  return new Builder(locations).root(isObj(view) ? view : {});
}

class Builder {
  private readonly fields = new WeakMap<object, Map<string | number, SourceSpan>>();
  private readonly ranges: TierRange[][] = [];
  constructor(private readonly locations: Map<string, Located>) {}

  private value(ptr: string): SourceSpan | undefined {
    return this.locations.get(ptr)?.value;
  }
  /** From the key (when there is one) to the end of the value. */
  private entry(ptr: string): SourceSpan | undefined {
    const l = this.locations.get(ptr);
    if (!l) return undefined;
    return l.key ? { start: l.key.start, end: l.value.end } : l.value;
  }
  private mark(owner: object, field: string | number, span: SourceSpan | undefined): void {
    if (!span) return;
    let m = this.fields.get(owner);
    if (!m) this.fields.set(owner, (m = new Map()));
    m.set(field, span);
  }
  /** Set `owner[field]` from a converted view value, remembering where it was written. */
  private set<T extends object>(owner: T, field: keyof T & string, value: unknown, ptr: string): void {
    if (value === undefined) return;
    (owner as Record<string, unknown>)[field] = value;
    this.mark(owner, field, this.value(ptr));
  }
  private withSpan<T extends object>(obj: T, span: SourceSpan | undefined): T {
    if (span) (obj as { span?: SourceSpan }).span = span;
    return obj;
  }
  /** A list of names, each located. */
  private names(v: unknown, ptr: string): string[] | undefined {
    if (!Array.isArray(v)) return undefined;
    const out: string[] = [];
    v.forEach((item, i) => {
      if (typeof item !== 'string') return;
      this.mark(out, out.length, this.value(pointer(ptr, i)));
      out.push(item);
    });
    return out;
  }

  root(v: Obj): BuildResult {
    const doc: PricingDocument = { currency: 'USD', models: [], rules: [], tiers: [], plans: [], budgets: [] };
    this.set(doc, 'name', str(v.name), '/name');
    this.set(doc, 'version', str(v.version), '/version');
    if (typeof v.currency === 'string') this.set(doc, 'currency', v.currency, '/currency');
    if (typeof v.use_catalog === 'boolean') this.set(doc, 'use_catalog', v.use_catalog, '/use_catalog');
    if (typeof v.rounding === 'string') {
      const rounding = { mode: v.rounding };
      this.mark(rounding, 'mode', this.value('/rounding'));
      this.set(doc, 'rounding', rounding, '/rounding');
    }
    const rules: { rule: AdjustmentRule; at: number }[] = [];
    if (isObj(v.pricing)) {
      for (const [id, entry] of Object.entries(v.pricing)) {
        const ptr = pointer('/pricing', id);
        doc.models.push(this.model(id, entry, ptr));
        if (isObj(entry) && entry.markup !== undefined) {
          const rule = this.markup(entry.markup, pointer(ptr, 'markup'), this.entry(pointer(ptr, 'markup')));
          const scope: RuleScope = { models: [id] };
          this.mark(scope.models!, 0, this.locations.get(ptr)?.key);
          rule.scope = scope;
          rules.push({ rule, at: rule.span?.start.offset ?? 0 });
        }
      }
    }
    if (Array.isArray(v.rules)) {
      v.rules.forEach((r, i) => {
        const rule = this.rule(r, pointer('/rules', i));
        if (rule) rules.push({ rule, at: rule.span?.start.offset ?? 0 });
      });
    }
    // Markups written inside a model and rules written in `rules` keep their source order.
    doc.rules = rules.sort((a, b) => a.at - b.at).map((r) => r.rule);
    if (Array.isArray(v.tiers)) v.tiers.forEach((t, i) => this.push(doc.tiers, this.schedule(t, pointer('/tiers', i))));
    if (isObj(v.plans)) for (const [name, p] of Object.entries(v.plans)) this.push(doc.plans, this.plan(name, p, pointer('/plans', name)));
    if (Array.isArray(v.budgets)) v.budgets.forEach((b, i) => this.push(doc.budgets, this.budget(b, pointer('/budgets', i))));
    return {
      document: doc,
      locate: (owner, field) => this.fields.get(owner)?.get(field),
      ranges: this.ranges,
    };
  }

  private push<T>(list: T[], item: T | undefined): void {
    if (item !== undefined) list.push(item);
  }

  private model(id: string, v: JsonView, ptr: string): ModelPricing {
    const m: ModelPricing = this.withSpan({ id, rates: {} }, this.entry(ptr));
    this.mark(m, 'id', this.locations.get(ptr)?.key);
    if (!isObj(v)) return m;
    this.set(m, 'provider', str(v.provider), pointer(ptr, 'provider'));
    const aliases = this.names(v.aliases, pointer(ptr, 'aliases'));
    this.set(m, 'aliases', aliases, pointer(ptr, 'aliases'));
    m.rates = this.rates(v, ptr);
    if (Array.isArray(v.long_context)) {
      const tiers: LongContextTier[] = [];
      v.long_context.forEach((lc, i) => {
        const p = pointer(pointer(ptr, 'long_context'), i);
        if (!isObj(lc)) return;
        const tier: LongContextTier = this.withSpan({ threshold: '', rates: this.rates(lc, p) }, this.value(p));
        const threshold = readQuantity(lc.above);
        if (threshold === undefined) return;
        this.set(tier, 'threshold', threshold, pointer(p, 'above'));
        tiers.push(tier);
      });
      this.set(m, 'long_context', tiers, pointer(ptr, 'long_context'));
    }
    return m;
  }

  private rates(v: Obj, ptr: string): RateTable {
    const table: RateTable = {};
    for (const [yamlKey, key] of Object.entries(YAML_RATE_KEYS)) {
      const raw = v[yamlKey];
      if (raw === undefined) continue;
      this.set(table, key, FEE_KEYS.has(yamlKey) ? readDecimal(raw) : readRate(raw), pointer(ptr, yamlKey));
    }
    return table;
  }

  private markup(v: JsonView, ptr: string, span: SourceSpan | undefined): MarkupRule {
    const rule: MarkupRule = this.withSpan({ type: 'markup' }, span);
    if (typeof v === 'string') {
      if (v.trim().endsWith('%')) this.set(rule, 'percent', readPercent(v), ptr);
      else this.set(rule, 'multiplier', readDecimal(v), ptr);
    } else if (isObj(v)) {
      this.set(rule, 'percent', readPercent(v.percent), pointer(ptr, 'percent'));
      this.set(rule, 'multiplier', readDecimal(v.multiplier), pointer(ptr, 'multiplier'));
    }
    return rule;
  }

  private discount(v: JsonView, ptr: string, span: SourceSpan | undefined): DiscountRule {
    const rule: DiscountRule = this.withSpan({ type: 'discount' }, span);
    if (typeof v === 'string') this.set(rule, 'percent', readPercent(v), ptr);
    else if (isObj(v)) {
      this.set(rule, 'percent', readPercent(v.percent), pointer(ptr, 'percent'));
      this.set(rule, 'fixed', readDecimal(v.fixed), pointer(ptr, 'fixed'));
    }
    return rule;
  }

  private rule(v: JsonView, ptr: string): AdjustmentRule | undefined {
    if (!isObj(v)) return undefined;
    const span = this.value(ptr);
    let rule: AdjustmentRule;
    if (v.markup !== undefined) rule = this.markup(v.markup, pointer(ptr, 'markup'), span);
    else if (v.discount !== undefined) rule = this.discount(v.discount, pointer(ptr, 'discount'), span);
    else return undefined;
    this.set(rule, 'name', str(v.name), pointer(ptr, 'name'));
    this.scoped(rule, v, ptr);
    return rule;
  }

  /** `models`, `providers` and `when`, shared by rules and tier schedules. */
  private scoped(owner: { scope?: RuleScope; when?: Condition }, v: Obj, ptr: string): void {
    const scope: RuleScope = {};
    this.set(scope, 'models', this.names(v.models, pointer(ptr, 'models')), pointer(ptr, 'models'));
    this.set(scope, 'providers', this.names(v.providers, pointer(ptr, 'providers')), pointer(ptr, 'providers'));
    if (scope.models || scope.providers) owner.scope = scope;
    if (v.when !== undefined) this.set(owner, 'when', this.condition(v.when, pointer(ptr, 'when')), pointer(ptr, 'when'));
  }

  private condition(v: JsonView, ptr: string): Condition | undefined {
    const maps: [Obj, string][] = isObj(v) ? [[v, ptr]] : Array.isArray(v) ? v.flatMap((m, i) => (isObj(m) ? [[m, pointer(ptr, i)] as [Obj, string]] : [])) : [];
    if (maps.length === 0) return undefined;
    const out: Condition = [];
    for (const [map, mptr] of maps) {
      for (const [key, value] of Object.entries(map)) {
        const p = pointer(mptr, key);
        const attribute = key.startsWith(CUSTOM_PREFIX) ? key.slice(CUSTOM_PREFIX.length) : key;
        const clause = this.clause(attribute, value, p);
        if (clause) out.push(clause);
      }
    }
    return out;
  }

  private clause(attribute: string, v: JsonView, ptr: string): ConditionClause | undefined {
    let op: ConditionClause['op'];
    let raw: JsonView;
    let vptr = ptr;
    if (isObj(v)) {
      const [first] = Object.entries(v);
      if (!first || !['eq', 'ne', 'in', 'not_in'].includes(first[0])) return undefined;
      op = first[0] as ConditionClause['op'];
      raw = first[1];
      vptr = pointer(ptr, first[0]);
    } else {
      op = Array.isArray(v) ? 'in' : 'eq';
      raw = v;
    }
    const values = Array.isArray(raw) ? this.names(raw, vptr) : typeof raw === 'string' ? [raw] : undefined;
    if (!values) return undefined;
    if (!Array.isArray(raw)) this.mark(values, 0, this.value(vptr));
    const clause: ConditionClause = this.withSpan({ attribute, op, values }, this.entry(ptr));
    this.mark(clause, 'values', this.value(vptr));
    this.mark(clause, 'op', this.locations.get(vptr)?.key ?? this.value(vptr));
    return clause;
  }

  private schedule(v: JsonView, ptr: string, planPeriod?: string): TierSchedule | undefined {
    if (!isObj(v)) return undefined;
    const mode = (['graduated', 'volume', 'package'] as const).find((k) => v[k] !== undefined);
    if (!mode) return undefined;
    const s: TierSchedule = this.withSpan({ mode, meter: String(v.meter ?? '') as Meter, period: String(v.period ?? planPeriod ?? '') as Period }, this.value(ptr));
    this.set(s, 'name', str(v.name), pointer(ptr, 'name'));
    this.mark(s, 'mode', this.locations.get(pointer(ptr, mode))?.key);
    this.mark(s, 'meter', this.value(pointer(ptr, 'meter')));
    this.mark(s, 'period', this.value(pointer(ptr, v.period !== undefined ? 'period' : mode)));
    const body = v[mode];
    const bptr = pointer(ptr, mode);
    if (mode === 'package') {
      if (isObj(body)) {
        const pkg: NonNullable<TierSchedule['package']> = { size: '', price: '' };
        this.mark(pkg, 'size', this.value(bptr));
        this.mark(pkg, 'price', this.value(bptr));
        this.set(pkg, 'size', readQuantity(body.size), pointer(bptr, 'size'));
        this.set(pkg, 'price', readDecimal(body.price), pointer(bptr, 'price'));
        this.set(pkg, 'free', readQuantity(body.free), pointer(bptr, 'free'));
        this.set(s, 'package', pkg, bptr);
      }
    } else if (Array.isArray(body)) {
      const tiers: Tier[] = [];
      const ranges: TierRange[] = [];
      body.forEach((t, i) => {
        const tptr = pointer(bptr, i);
        if (!isObj(t)) return;
        const tier: Tier = this.withSpan({ unit_price: '' }, this.value(tptr));
        this.set(tier, 'up_to', readQuantity(t.up_to), pointer(tptr, 'up_to'));
        this.set(tier, 'unit_price', readRate(t.price), pointer(tptr, 'price'));
        this.set(tier, 'flat_fee', readDecimal(t.flat_fee), pointer(tptr, 'flat_fee'));
        const range: TierRange = { from: readQuantity(t.from), up_to: tier.up_to, span: this.value(pointer(tptr, 'from')) ?? tier.span };
        ranges.push(range);
        tiers.push(tier);
      });
      this.set(s, 'tiers', tiers, bptr);
      if (ranges.some((r) => r.from !== undefined)) this.ranges.push(ranges);
    }
    this.scoped(s, v, ptr);
    return s;
  }

  private plan(name: string, v: JsonView, ptr: string): Plan | undefined {
    if (!isObj(v)) return undefined;
    const p: Plan = this.withSpan({ name, period: String(v.period ?? '') as Period }, this.entry(ptr));
    this.mark(p, 'name', this.locations.get(ptr)?.key);
    this.mark(p, 'period', this.value(pointer(ptr, 'period')));
    this.set(p, 'fee', readDecimal(v.fee), pointer(ptr, 'fee'));
    if (isObj(v.includes)) {
      const [entry] = Object.entries(v.includes);
      const iptr = pointer(ptr, 'includes');
      if (entry) {
        const allowance: Allowance = this.withSpan({ meter: entry[0] as Meter, quantity: '' }, this.value(iptr));
        this.set(allowance, 'quantity', readQuantity(entry[1]), pointer(iptr, entry[0]));
        this.mark(allowance, 'meter', this.locations.get(pointer(iptr, entry[0]))?.key);
        this.set(p, 'includes', allowance, iptr);
      }
    }
    if (Array.isArray(v.tiers)) {
      const tiers: TierSchedule[] = [];
      v.tiers.forEach((t, i) => this.push(tiers, this.schedule(t, pointer(pointer(ptr, 'tiers'), i), p.period)));
      this.set(p, 'tiers', tiers, pointer(ptr, 'tiers'));
    }
    this.set(p, 'minimum', readDecimal(v.minimum), pointer(ptr, 'minimum'));
    this.set(p, 'cap', readDecimal(v.cap), pointer(ptr, 'cap'));
    return p;
  }

  private budget(v: JsonView, ptr: string): Budget | undefined {
    if (!isObj(v)) return undefined;
    const per = str(v.per) ?? '';
    const b: Budget = this.withSpan({ per: per.startsWith(CUSTOM_PREFIX) ? per.slice(CUSTOM_PREFIX.length) : per, period: String(v.period ?? '') as Period, amount: '' }, this.value(ptr));
    this.mark(b, 'per', this.value(pointer(ptr, 'per')));
    this.mark(b, 'period', this.value(pointer(ptr, 'period')));
    this.set(b, 'name', str(v.name), pointer(ptr, 'name'));
    this.set(b, 'amount', readDecimal(v.amount), pointer(ptr, 'amount'));
    if (Array.isArray(v.alerts)) {
      const alerts: string[] = [];
      v.alerts.forEach((a, i) => {
        const pct = readPercent(a);
        if (pct === undefined) return;
        this.mark(alerts, alerts.length, this.value(pointer(pointer(ptr, 'alerts'), i)));
        alerts.push(pct);
      });
      this.set(b, 'alerts', alerts, pointer(ptr, 'alerts'));
    }
    if (typeof v.hard_limit === 'boolean') this.set(b, 'hard_limit', v.hard_limit, pointer(ptr, 'hard_limit'));
    if (v.when !== undefined) this.set(b, 'when', this.condition(v.when, pointer(ptr, 'when')), pointer(ptr, 'when'));
    return b;
  }
}

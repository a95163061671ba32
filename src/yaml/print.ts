/**
 * PricingDocument → canonical full-form YAML. Lossless: loading the output gives back
 * the same document (without spans). Rates print per 1M tokens when that converts back
 * to exactly the same per-token string, else per token.
 */
import type {
  AdjustmentRule, Budget, Condition, ConditionClause, LongContextTier, ModelPricing, Plan, PricingDocument, RateTable, TierSchedule,
} from '../pricing/document.js';
import { ATTRIBUTES } from '../pricing/check.js';
import { perScale } from '../pricing/normalize.js';
import { CUSTOM_PREFIX, YAML_RATE_KEYS } from './build.js';

const RESERVED = /^(true|false|null|yes|no|on|off|y|n|~)$/i;

/** A string as a YAML scalar: plain when that reads back as the same text, else double-quoted. */
export function yamlString(s: string): string {
  return /^[A-Za-z0-9_][A-Za-z0-9_.\/-]*$/.test(s) && !RESERVED.test(s) ? s : JSON.stringify(s);
}

const list = (items: readonly string[]) => `[${items.map(yamlString).join(', ')}]`;

/** 200000 → 200K, 10000000 → 10M (only when exact); other quantities as written. */
export function formatQuantity(q: string): string {
  if (!/^[1-9]\d*$/.test(q)) return q;
  for (const [suffix, zeros] of [['B', 9], ['M', 6], ['K', 3]] as const) {
    if (q.length > zeros && q.endsWith('0'.repeat(zeros))) return `${q.slice(0, q.length - zeros)}${suffix}`;
  }
  return q;
}

/** Per-token rate → `2.5 per 1M` when that is exact and easier to read, else the decimal as is. */
export function formatRate(rate: string): string {
  const perMillion = perScale(rate, '1M');
  const small = /^-?0\.000/.test(rate) && !/^-?0\.0*$/.test(rate);
  return perMillion !== undefined && small ? `${perMillion} per 1M` : rate;
}

class Printer {
  private readonly lines: string[] = [];
  line(indent: number, text: string): void {
    this.lines.push(`${'  '.repeat(indent)}${text}`);
  }
  field(indent: number, key: string, value: string | undefined): void {
    if (value !== undefined) this.line(indent, `${key}: ${value}`);
  }
  /** The first line of a sequence item carries the `- `; later fields align under it. */
  item(indent: number, write: (first: (key: string, value: string | undefined) => void, rest: number) => void): void {
    let first = true;
    write((key, value) => {
      if (value === undefined) return;
      this.line(indent, `${first ? '- ' : '  '}${key}:${value === '' ? '' : ` ${value}`}`);
      first = false;
    }, indent + 1);
    if (first) this.line(indent, '- {}');
  }
  text(): string {
    return this.lines.join('\n') + '\n';
  }
}

export function printYaml(doc: PricingDocument): string {
  const p = new Printer();
  p.field(0, 'name', doc.name !== undefined ? yamlString(doc.name) : undefined);
  p.field(0, 'version', doc.version !== undefined ? yamlString(doc.version) : undefined);
  p.field(0, 'currency', yamlString(doc.currency));
  p.field(0, 'use_catalog', doc.use_catalog !== undefined ? String(doc.use_catalog) : undefined);
  p.field(0, 'rounding', doc.rounding ? yamlString(doc.rounding.mode) : undefined);
  if (doc.models.length) {
    p.line(0, 'pricing:');
    for (const m of doc.models) model(p, m);
  }
  if (doc.rules.length) {
    p.line(0, 'rules:');
    for (const r of doc.rules) rule(p, r, 1);
  }
  if (doc.tiers.length) {
    p.line(0, 'tiers:');
    for (const s of doc.tiers) schedule(p, s, 1);
  }
  if (doc.plans.length) {
    p.line(0, 'plans:');
    for (const pl of doc.plans) plan(p, pl);
  }
  if (doc.budgets.length) {
    p.line(0, 'budgets:');
    for (const b of doc.budgets) budget(p, b, 1);
  }
  return p.text();
}

function rateFields(table: RateTable, put: (key: string, value: string | undefined) => void): void {
  for (const [yamlKey, key] of Object.entries(YAML_RATE_KEYS)) {
    const v = table[key];
    if (v !== undefined) put(yamlKey, key === 'request' || key === 'web_search' ? v : formatRate(v));
  }
}

function model(p: Printer, m: ModelPricing): void {
  const lc = m.long_context;
  const hasRates = Object.values(m.rates).some((v) => v !== undefined);
  if (m.provider === undefined && m.aliases === undefined && !hasRates && lc === undefined) {
    p.line(1, `${yamlString(m.id)}: {}`);
    return;
  }
  p.line(1, `${yamlString(m.id)}:`);
  p.field(2, 'provider', m.provider !== undefined ? yamlString(m.provider) : undefined);
  p.field(2, 'aliases', m.aliases ? list(m.aliases) : undefined);
  rateFields(m.rates, (k, v) => p.field(2, k, v));
  if (lc) {
    p.line(2, lc.length ? 'long_context:' : 'long_context: []');
    for (const tier of lc) longContext(p, tier);
  }
}

function longContext(p: Printer, t: LongContextTier): void {
  p.item(3, (put) => {
    put('above', formatQuantity(t.threshold));
    rateFields(t.rates, put);
  });
}

function adjustment(r: AdjustmentRule): string {
  if (r.type === 'markup') {
    if (r.percent !== undefined && r.multiplier === undefined) return `${r.percent}%`;
    if (r.multiplier !== undefined && r.percent === undefined) return r.multiplier;
    return flowMap([['percent', r.percent !== undefined ? `${r.percent}%` : undefined], ['multiplier', r.multiplier]]);
  }
  if (r.percent !== undefined && r.fixed === undefined) return `${r.percent}%`;
  return flowMap([['percent', r.percent !== undefined ? `${r.percent}%` : undefined], ['fixed', r.fixed]]);
}

function flowMap(entries: [string, string | undefined][]): string {
  const parts = entries.filter(([, v]) => v !== undefined).map(([k, v]) => `${k}: ${v}`);
  return parts.length ? `{ ${parts.join(', ')} }` : '{}';
}

function rule(p: Printer, r: AdjustmentRule, indent: number): void {
  p.item(indent, (put) => {
    put('name', r.name !== undefined ? yamlString(r.name) : undefined);
    put(r.type, adjustment(r));
    put('models', r.scope?.models ? list(r.scope.models) : undefined);
    put('providers', r.scope?.providers ? list(r.scope.providers) : undefined);
    put('when', r.when ? condition(r.when) : undefined);
  });
}

function attributeKey(name: string): string {
  return (ATTRIBUTES as readonly string[]).includes(name) ? name : yamlString(`${CUSTOM_PREFIX}${name}`);
}

function clauseValue(c: ConditionClause): string {
  const one = c.values.length === 1 ? yamlString(c.values[0]!) : undefined;
  if (c.op === 'eq' && one !== undefined) return one;
  if (c.op === 'in') return list(c.values);
  return `{ ${c.op}: ${one ?? list(c.values)} }`;
}

function condition(when: Condition): string {
  const attrs = when.map((c) => c.attribute);
  const clause = (c: ConditionClause) => `${attributeKey(c.attribute)}: ${clauseValue(c)}`;
  // A mapping cannot repeat a key: conditions testing one attribute twice print as a list.
  if (new Set(attrs).size !== attrs.length) return `[${when.map((c) => `{ ${clause(c)} }`).join(', ')}]`;
  return when.length ? `{ ${when.map(clause).join(', ')} }` : '{}';
}

const TOKEN_METERS = new Set(['requests', 'web_searches']);

function schedule(p: Printer, s: TierSchedule, indent: number): void {
  const perToken = !TOKEN_METERS.has(s.meter);
  p.item(indent, (put, rest) => {
    put('name', s.name !== undefined ? yamlString(s.name) : undefined);
    put('meter', yamlString(s.meter));
    put('period', yamlString(s.period));
    if (s.mode === 'package') {
      const pkg = s.package;
      put('package', pkg ? flowMap([['size', formatQuantity(pkg.size)], ['price', pkg.price], ['free', pkg.free !== undefined ? formatQuantity(pkg.free) : undefined]]) : '{}');
    } else {
      const tiers = s.tiers ?? [];
      put(s.mode, tiers.length ? '' : '[]');
      for (const t of tiers) {
        p.item(rest + 1, (tput) => {
          tput('up_to', t.up_to !== undefined ? formatQuantity(t.up_to) : undefined);
          tput('price', perToken ? formatRate(t.unit_price) : t.unit_price);
          tput('flat_fee', t.flat_fee);
        });
      }
    }
    put('models', s.scope?.models ? list(s.scope.models) : undefined);
    put('providers', s.scope?.providers ? list(s.scope.providers) : undefined);
    put('when', s.when ? condition(s.when) : undefined);
  });
}

function plan(p: Printer, pl: Plan): void {
  p.line(1, `${yamlString(pl.name)}:`);
  p.field(2, 'period', yamlString(pl.period));
  p.field(2, 'fee', pl.fee);
  p.field(2, 'includes', pl.includes ? `{ ${yamlString(pl.includes.meter)}: ${formatQuantity(pl.includes.quantity)} }` : undefined);
  if (pl.tiers) {
    p.line(2, pl.tiers.length ? 'tiers:' : 'tiers: []');
    for (const s of pl.tiers) schedule(p, s, 3);
  }
  p.field(2, 'minimum', pl.minimum);
  p.field(2, 'cap', pl.cap);
}

function budget(p: Printer, b: Budget, indent: number): void {
  p.item(indent, (put) => {
    put('name', b.name !== undefined ? yamlString(b.name) : undefined);
    put('per', attributeKey(b.per));
    put('period', yamlString(b.period));
    put('amount', b.amount);
    put('alerts', b.alerts ? `[${b.alerts.map((a) => `${a}%`).join(', ')}]` : undefined);
    put('hard_limit', b.hard_limit !== undefined ? String(b.hard_limit) : undefined);
    put('when', b.when ? condition(b.when) : undefined);
  });
}

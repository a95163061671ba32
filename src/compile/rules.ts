/**
 * Compiles markups, discounts, tier schedules and plans (model-independent), then filters
 * them per model by scope, so a quote only walks rules that can apply to its model.
 */
import type { AdjustmentRule, ModelPricing, PricingDocument, RuleScope, TierSchedule } from '../pricing/document.js';
import type { SourceSpan } from '../errors/diagnostic.js';
import { Dec, formatDecimal } from '../money/index.js';
import { didYouMean } from '../util/suggest.js';
import type { CompiledAdjustment, CompiledPlan, CompiledSchedule, ModelRules } from '../engine/compiled.js';
import { compileCondition, describeCondition, type Predicate } from '../engine/conditions.js';
import { ScaledConst } from '../engine/fixed.js';
import { isMeter, meterMask } from '../engine/meters.js';
import { buildTiers } from '../engine/tiers.js';
import { Problems, sourceOf } from './problems.js';

interface Scope {
  /** File models named by the scope (by id or alias). */
  entries?: Set<ModelPricing>;
  /** Lower-case names not in the file (matched against catalog-priced calls). */
  names?: Set<string>;
  providers?: Set<string>;
}

interface Scoped<T> {
  item: T;
  scope: Scope | undefined;
}

export interface DocRules {
  markups: Scoped<CompiledAdjustment>[];
  percentDiscounts: Scoped<CompiledAdjustment>[];
  fixedDiscounts: Scoped<CompiledAdjustment>[];
  schedules: Scoped<CompiledSchedule>[];
  planSchedules: Map<string, Scoped<CompiledSchedule>[]>;
  plans: Map<string, CompiledPlan>;
  /** Finest scale of any additive constant (tier prices, fees, fixed discounts, caps). */
  constScale: number;
  /** Digits the multiplicative factors (markups, percent discounts) can add. */
  factorScale: number;
}

/** What a per-model rule filter knows about the model. */
export interface RuleTarget {
  entry?: ModelPricing;
  /** Lower-case names of the call's model (requested, resolved id, aliases). */
  names: readonly string[];
  provider?: string;
}

const PERIOD_UNIT: Record<string, string> = { daily: 'day', weekly: 'week', monthly: 'month', quarterly: 'quarter', yearly: 'year' };

function describeScope(scope: RuleScope | undefined): string {
  const parts: string[] = [];
  if (scope?.models?.length) parts.push(`models ${scope.models.join(', ')}`);
  if (scope?.providers?.length) parts.push(`providers ${scope.providers.join(', ')}`);
  return parts.length ? ` on ${parts.join(' and ')}` : ' on all models';
}

function compileScope(scope: RuleScope | undefined, index: Map<string, ModelPricing[]>, doc: PricingDocument, p: Problems, span: SourceSpan | undefined): Scope | undefined {
  if (!scope || (!scope.models?.length && !scope.providers?.length)) return undefined;
  const out: Scope = {};
  if (scope.models?.length) {
    out.entries = new Set();
    out.names = new Set();
    for (const name of scope.models) {
      const found = index.get(name.toLowerCase());
      if (found) for (const m of found) out.entries.add(m);
      else {
        out.names.add(name.toLowerCase());
        if (!doc.use_catalog) p.add('warning', 'unknown_model', `rule scope names model \`${name}\`, which this file does not price (and use_catalog is off)`, span, didYouMean(name, index.keys()));
      }
    }
  }
  if (scope.providers?.length) out.providers = new Set(scope.providers.map((x) => x.toLowerCase()));
  return out;
}

function compileAdjustment(rule: AdjustmentRule, p: Problems, file: string | undefined): CompiledAdjustment | undefined {
  const label = rule.name ? `${rule.type} "${rule.name}"` : rule.type;
  const tail = describeScope(rule.scope) + describeCondition(rule.when);
  const base = { kind: rule.type, rule: '', ...(sourceOf(file, rule.span) ? { source: sourceOf(file, rule.span)! } : {}) };
  const when = compileCondition(rule.when);
  if (when) Object.assign(base, { when });
  const hundred = new Dec(100);
  if (rule.type === 'markup') {
    if ((rule.percent === undefined) === (rule.multiplier === undefined)) {
      p.error('invalid_rule', 'a markup needs exactly one of `percent` or `multiplier`', rule.span);
      return undefined;
    }
    if (rule.percent !== undefined) {
      const pct = p.decimal(rule.percent, 'markup percent', rule.span);
      return pct && { ...base, factor: new ScaledConst(pct.div(hundred).plus(1)), rule: `${label} ${formatDecimal(pct)}%${tail}` };
    }
    const m = p.decimal(rule.multiplier, 'markup multiplier', rule.span);
    return m && { ...base, factor: new ScaledConst(m), rule: `${label} ×${formatDecimal(m)}${tail}` };
  }
  if ((rule.percent === undefined) === (rule.fixed === undefined)) {
    p.error('invalid_rule', 'a discount needs exactly one of `percent` or `fixed`', rule.span);
    return undefined;
  }
  if (rule.percent !== undefined) {
    const pct = p.decimal(rule.percent, 'discount percent', rule.span);
    if (pct && pct.greaterThan(hundred)) {
      p.error('invalid_discount', `a discount cannot exceed 100%, got ${rule.percent}%`, rule.span);
      return undefined;
    }
    return pct && { ...base, factor: new ScaledConst(new Dec(1).minus(pct.div(hundred))), rule: `${label} ${formatDecimal(pct)}%${tail}` };
  }
  const fixed = p.decimal(rule.fixed, 'fixed discount', rule.span);
  return fixed && { ...base, fixed: new ScaledConst(fixed), rule: `${label} ${formatDecimal(fixed)} per call${tail}` };
}

function compileSchedule(s: TierSchedule, p: Problems, file: string | undefined, planName?: string): CompiledSchedule | undefined {
  if (!isMeter(s.meter)) {
    p.error('invalid_meter', `unknown meter \`${String(s.meter)}\``, s.span, didYouMean(String(s.meter), ['tokens', 'input_tokens', 'output_tokens', 'requests', 'web_searches', 'input', 'output']));
    return undefined;
  }
  const { tiers, problems } = buildTiers(s);
  for (const x of problems) p.error('invalid_tiers', x.message, x.span);
  if (!tiers) return undefined;
  const label = `tiers ${s.mode}${s.name ? ` "${s.name}"` : ''} on ${s.meter} ${s.period}${planName !== undefined ? ` (plan "${planName}")` : ''}`;
  const out: CompiledSchedule = { tiers, meter: s.meter, mask: meterMask(s.meter), rule: label + describeScope(s.scope) + describeCondition(s.when) };
  const when = compileCondition(s.when);
  if (when) out.when = when;
  const src = sourceOf(file, s.span);
  if (src) out.source = src;
  return out;
}

export function compileRules(doc: PricingDocument, index: Map<string, ModelPricing[]>, p: Problems, file: string | undefined): DocRules {
  const out: DocRules = { markups: [], percentDiscounts: [], fixedDiscounts: [], schedules: [], planSchedules: new Map(), plans: new Map(), constScale: 0, factorScale: 0 };
  const widen = (c: ScaledConst | undefined) => { if (c) out.constScale = Math.max(out.constScale, c.scale); };
  for (const rule of doc.rules ?? []) {
    const item = compileAdjustment(rule, p, file);
    if (!item) continue;
    const scoped = { item, scope: compileScope(rule.scope, index, doc, p, rule.span) };
    if (item.factor) {
      out.factorScale += item.factor.scale;
      (item.kind === 'markup' ? out.markups : out.percentDiscounts).push(scoped);
    } else {
      widen(item.fixed);
      out.fixedDiscounts.push(scoped);
    }
  }
  for (const s of doc.tiers ?? []) {
    const item = compileSchedule(s, p, file);
    if (item) {
      out.constScale = Math.max(out.constScale, item.tiers.scale);
      out.schedules.push({ item, scope: compileScope(s.scope, index, doc, p, s.span) });
    }
  }
  for (const plan of doc.plans ?? []) {
    if (out.plans.has(plan.name)) p.error('duplicate_plan', `plan "${plan.name}" is defined twice`, plan.span);
    for (const [field, v] of [['fee', plan.fee], ['minimum', plan.minimum]] as const) if (v !== undefined) p.decimal(v, `plan ${field}`, plan.span);
    const compiled: CompiledPlan = { name: plan.name, plan, capRule: `plan "${plan.name}" cap` };
    const src = sourceOf(file, plan.span);
    if (plan.cap !== undefined) {
      const cap = p.decimal(plan.cap, 'plan cap', plan.span);
      if (cap) {
        compiled.cap = new ScaledConst(cap);
        compiled.capRule = `plan "${plan.name}" cap ${formatDecimal(cap)} per ${PERIOD_UNIT[plan.period] ?? plan.period}`;
        widen(compiled.cap);
      }
      if (src) compiled.capSource = src;
    }
    const inc = plan.includes;
    if (inc) {
      const q = typeof inc.quantity === 'string' && /^\d+$/.test(inc.quantity) ? BigInt(inc.quantity) : undefined;
      if (q === undefined) p.error('invalid_quantity', `plan allowance must be a non-negative integer quantity, got ${JSON.stringify(inc.quantity)}`, inc.span ?? plan.span);
      if (!isMeter(inc.meter)) p.error('invalid_meter', `unknown meter \`${String(inc.meter)}\``, inc.span ?? plan.span);
      else if (q !== undefined) {
        const isrc = sourceOf(file, inc.span ?? plan.span);
        compiled.allowance = { quantity: q, meter: inc.meter, mask: meterMask(inc.meter), rule: `plan "${plan.name}" includes ${q} ${inc.meter}`, ...(isrc ? { source: isrc } : {}) };
      }
    }
    const schedules: Scoped<CompiledSchedule>[] = [];
    for (const s of plan.tiers ?? []) {
      const item = compileSchedule(s, p, file, plan.name);
      if (item) {
        out.constScale = Math.max(out.constScale, item.tiers.scale);
        schedules.push({ item, scope: compileScope(s.scope, index, doc, p, s.span) });
      }
    }
    out.plans.set(plan.name, compiled);
    out.planSchedules.set(plan.name, schedules);
  }
  return out;
}

/** Keep the rules whose scope admits `target`; a provider scope on a provider-less file model becomes a call-time check. */
function filter<T extends { when?: Predicate }>(list: Scoped<T>[], target: RuleTarget): T[] {
  const out: T[] = [];
  for (const { item, scope } of list) {
    if (!scope) { out.push(item); continue; }
    if (scope.entries || scope.names) {
      const byEntry = target.entry !== undefined && scope.entries?.has(target.entry) === true;
      if (!byEntry && !target.names.some((n) => scope.names?.has(n))) continue;
    }
    const providers = scope.providers;
    if (!providers) { out.push(item); continue; }
    if (target.provider !== undefined) {
      if (providers.has(target.provider.toLowerCase())) out.push(item);
      continue;
    }
    const when = item.when;
    const check: Predicate = (ctx) => ctx.provider !== undefined && providers.has(ctx.provider);
    out.push({ ...item, when: when ? (ctx) => check(ctx) && when(ctx) : check });
  }
  return out;
}

export function rulesFor(rules: DocRules, target: RuleTarget): ModelRules {
  return {
    markups: filter(rules.markups, target),
    percentDiscounts: filter(rules.percentDiscounts, target),
    fixedDiscounts: filter(rules.fixedDiscounts, target),
    schedules: filter(rules.schedules, target),
    planSchedules: new Map([...rules.planSchedules].map(([name, list]) => [name, filter(list, target)])),
  };
}

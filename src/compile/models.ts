/**
 * Model prices compiled once: rate strings parsed, fallbacks resolved per kind, rule texts
 * rendered, long-context tiers merged over the base and sorted, rules filtered by scope;
 * plus the name index quoting looks models up in (lower-case ids, then aliases).
 */
import type { SourceSpan } from '../errors/diagnostic.js';
import type { Decimal } from '../money/index.js';
import { RATE_KEYS, type ModelPricing, type RateKey, type RateTable } from '../pricing/document.js';
import { didYouMean } from '../util/suggest.js';
import type { CompiledModel, CompiledRates, LongContextRates, RateSlot } from '../engine/compiled.js';
import { formatScaled, ScaledConst } from '../engine/fixed.js';
import { fallbackNeedsWarning, KIND_ORDER, mergeRates, OWN_KEY, resolveRate } from '../engine/rates.js';
import { Problems, sourceOf } from './problems.js';
import { rulesFor, type DocRules } from './rules.js';

type Values = Partial<Record<RateKey, ScaledConst>>;

function parseRates(table: RateTable | undefined, what: string, span: SourceSpan | undefined, p: Problems): Values {
  const out: Values = {};
  if (!table || typeof table !== 'object') {
    p.error('invalid_rates', `${what} needs a rate table`, span);
    return out;
  }
  for (const [key, text] of Object.entries(table)) {
    if (text === undefined) continue;
    if (!(RATE_KEYS as readonly string[]).includes(key)) {
      p.error('unknown_rate', `${what}: unknown rate \`${key}\``, span, didYouMean(key, RATE_KEYS));
      continue;
    }
    const d: Decimal | undefined = p.decimal(text, `${what} rate \`${key}\``, span);
    if (d) out[key as RateKey] = new ScaledConst(d);
  }
  return out;
}

function buildRates(values: Values, scale: number, label: string, suffix: string, source: string | undefined): CompiledRates {
  const slots: (RateSlot | undefined)[] = KIND_ORDER.map((kind) => {
    const r = resolveRate(values, kind);
    if (!r) return undefined;
    const c = values[r.key]!;
    const what = kind === 'requests' ? 'request fee' : kind === 'web_searches' ? 'web_search fee' : kind;
    const how = r.origin === 'default' ? ' (default rate)' : r.origin === 'fallback' ? ` (${r.key} rate)` : '';
    const slot: RateSlot = { rate: c.at(scale), unitPrice: formatScaled(c.at(scale), scale), rule: `${label} ${what}${how}${suffix}` };
    if (source !== undefined) slot.source = source;
    if (r.origin === 'fallback' && fallbackNeedsWarning(kind)) {
      slot.warning = `\`${kind}\` priced at the \`${r.key}\` rate: ${label}${suffix} has no \`${OWN_KEY[kind]}\` rate (providers price it differently; add one to be exact)`;
    }
    return slot;
  });
  return { slots };
}

/** A model as a pricing document or the catalog gives it. */
export type ModelInput = ModelPricing;

/**
 * Compile one model's prices. `label` starts rule texts (`model gpt-4o`, `catalog openai/o3`);
 * `extraNames` are further lower-case names `model` conditions and scopes match (the requested name).
 */
export function compileModel(
  m: ModelInput,
  opts: { label: string; priceVersion: string; rules: DocRules; file: string | undefined; problems: Problems; entry?: ModelPricing; extraNames?: string[] },
): CompiledModel {
  const p = opts.problems;
  const what = `model \`${m.id}\``;
  const base = parseRates(m.rates, what, m.span, p);
  const tiers = (m.long_context ?? []).map((lc) => {
    const t = typeof lc.threshold === 'string' && /^\d+$/.test(lc.threshold) ? Number(lc.threshold) : NaN;
    if (!Number.isSafeInteger(t)) p.error('invalid_threshold', `${what}: long-context threshold must be a non-negative integer, got ${JSON.stringify(lc.threshold)}`, lc.span ?? m.span);
    return { threshold: t, values: mergeRates(base, parseRates(lc.rates, `${what} long-context tier`, lc.span ?? m.span, p)), span: lc.span };
  });
  const seen = new Set<number>();
  for (const t of tiers) {
    if (seen.has(t.threshold)) p.error('duplicate_threshold', `${what}: two long-context tiers at ${t.threshold} prompt tokens`, t.span ?? m.span);
    seen.add(t.threshold);
  }
  let rateScale = 0;
  for (const v of [base, ...tiers.map((t) => t.values)]) for (const c of Object.values(v)) rateScale = Math.max(rateScale, c!.scale);
  const scale = Math.max(rateScale, opts.rules.constScale) + opts.rules.factorScale;
  const source = sourceOf(opts.file, m.span);
  const longContext: LongContextRates[] = tiers
    .filter((t) => Number.isSafeInteger(t.threshold))
    .sort((a, b) => b.threshold - a.threshold)
    .map((t) => ({ threshold: t.threshold, rates: buildRates(t.values, scale, opts.label, `, above ${t.threshold} prompt tokens`, sourceOf(opts.file, t.span) ?? source) }));
  const names = [m.id, ...(m.aliases ?? [])].map((n) => n.toLowerCase());
  for (const n of opts.extraNames ?? []) if (!names.includes(n)) names.push(n);
  const model: CompiledModel = {
    id: m.id,
    names,
    scale,
    base: buildRates(base, scale, opts.label, '', source),
    longContext,
    priceVersion: opts.priceVersion,
    rules: rulesFor(opts.rules, { ...(opts.entry ? { entry: opts.entry } : {}), names, ...(m.provider !== undefined ? { provider: m.provider } : {}) }),
  };
  if (m.provider !== undefined) model.provider = m.provider;
  return model;
}

interface IndexEntry {
  model: CompiledModel;
  provider: string | undefined;
}

/** Lower-case name → models answering to it: ids first (source order), then aliases. */
export class ModelIndex {
  private readonly byName = new Map<string, IndexEntry[]>();

  constructor(models: readonly CompiledModel[], aliases: readonly (readonly string[])[]) {
    const add = (name: string, model: CompiledModel) => {
      const key = name.toLowerCase();
      const list = this.byName.get(key) ?? [];
      if (!list.some((e) => e.model === model)) list.push({ model, provider: model.provider?.toLowerCase() });
      this.byName.set(key, list);
    };
    models.forEach((m) => add(m.id, m));
    models.forEach((m, i) => aliases[i]!.forEach((a) => add(a, m)));
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  private pick(list: IndexEntry[] | undefined, provider: string | undefined): CompiledModel | undefined {
    if (!list) return undefined;
    if (provider === undefined) return list[0]!.model;
    let loose: CompiledModel | undefined;
    for (const e of list) {
      if (e.provider === provider) return e.model;
      if (e.provider === undefined) loose ??= e.model;
    }
    return loose;
  }

  /** Case-insensitive id or alias, with an optional provider filter; also `provider/model`. */
  find(name: string, provider: string | undefined): CompiledModel | undefined {
    const lower = name.toLowerCase();
    const prov = provider?.toLowerCase();
    const hit = this.pick(this.byName.get(lower), prov);
    if (hit) return hit;
    const slash = lower.indexOf('/');
    if (slash <= 0) return undefined;
    const prefix = lower.slice(0, slash);
    if (prov !== undefined && prov !== prefix) return undefined;
    return this.pick(this.byName.get(lower.slice(slash + 1)), prefix);
  }
}

/** Report models that answer to the same name for the same provider. */
export function checkDuplicates(models: readonly ModelPricing[], p: Problems): void {
  const seen = new Map<string, ModelPricing>();
  for (const m of models) {
    for (const name of [m.id, ...(m.aliases ?? [])]) {
      if (typeof name !== 'string' || name === '') continue;
      const key = `${(m.provider ?? '').toLowerCase()}\u0000${name.toLowerCase()}`;
      const prior = seen.get(key);
      if (prior && prior !== m) p.error('duplicate_model', `model name \`${name}\`${m.provider ? ` (provider ${m.provider})` : ''} is already used by model \`${prior.id}\``, m.span);
      else seen.set(key, m);
    }
  }
}

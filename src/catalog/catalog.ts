/**
 * The built-in model catalog as a ModelSource: list prices in force at a call's time,
 * with service tiers, off-peak windows and regional uplifts applied. Unknown models and
 * times before a model's first price are errors, never zero rates.
 */
import { RatecardError } from '../errors/ratecard-error.js';
import { Dec, formatDecimal } from '../money/index.js';
import type { LongContextTier, RateTable } from '../pricing/document.js';
import type { ModelLookup, ModelSource, ResolvedModelPrice, ResolvedPriceWindow } from '../pricing/model-source.js';
import { suggest } from '../util/suggest.js';
import { CatalogIndex, type Entry, type ModelRecord, type PriceRecord } from './index-data.js';
import { loadCatalogFile } from './load.js';
import { parseModelName, regionKeys } from './names.js';
import { canonicalProvider, providerSpellings } from './providers.js';
import { SERVICE_TIERS, type CatalogAlias, type CatalogFile, type CatalogModel, type CatalogPrice, type ServiceTier } from './types.js';

/** Service-tier names that mean the standard price. */
const STANDARD_TIERS = new Set(['standard', 'default', 'auto', 'on_demand', 'on-demand']);
const MAX_CACHED_NAMES = 10_000;

interface Found {
  entry: Entry;
  provider: string;
  region: string | undefined;
}

/** A remembered model_not_found: a repeated unknown name throws it again without recomputing suggestions. */
interface Miss {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

export interface CatalogListEntry {
  provider: string;
  model: string;
  /** `alias` for moving names that point at a snapshot by date. */
  kind: 'model' | 'alias';
  /** Current (latest) price; for an alias, its current target's. */
  effective_from: string;
  rates: RateTable;
  long_context?: LongContextTier[];
  service_tiers: ServiceTier[];
  target?: string;
}

export interface CatalogShow {
  provider: string;
  model: string;
  /** Set when the name asked for is an alias: its targets over time. */
  alias?: CatalogAlias;
  /** Every model the name has meant, each with its full price history. */
  models: CatalogModel[];
  /** The price in force at `at` (standard tier). */
  at?: { at: string; price: ResolvedModelPrice };
}

export class Catalog implements ModelSource {
  #load: () => CatalogFile;
  #index: CatalogIndex | undefined;
  #found = new Map<string, Found>();
  #missed = new Map<string, Miss>();

  /** `data` or a loader called on first use (the default catalog reads data/catalog.json lazily). */
  constructor(data: CatalogFile | (() => CatalogFile)) {
    this.#load = typeof data === 'function' ? data : () => data;
  }

  get index(): CatalogIndex {
    return (this.#index ??= new CatalogIndex(this.#load()));
  }

  resolve(lookup: ModelLookup): ResolvedModelPrice {
    return this.#resolve(lookup, undefined);
  }

  /** resolve(), plus the call times `[from, until)` over which the same lookup gives this same price. */
  resolveWindow(lookup: ModelLookup): ResolvedPriceWindow {
    const w: Window = { from: Number.NEGATIVE_INFINITY, until: Number.POSITIVE_INFINITY };
    const price = this.#resolve(lookup, w);
    return { price, from: w.from, until: w.until };
  }

  #resolve(lookup: ModelLookup, w: Window | undefined): ResolvedModelPrice {
    const t = lookup.at.getTime();
    if (Number.isNaN(t)) throw new RatecardError('invalid_timestamp', `invalid call time for model \`${lookup.model}\``);
    const found = this.#find(lookup.provider, lookup.model, lookup.region);
    const model = this.#modelAt(found, t, lookup, w);
    const price = pricedAt(model, t);
    if (!price) {
      const first = model.model.prices[0]!.effective_from;
      throw new RatecardError('model_unpriced', `model \`${model.model.provider}/${model.model.id}\` has no catalog price at ${lookup.at.toISOString()} (priced from ${first})`, {
        details: { model: model.model.id, provider: model.model.provider, at: lookup.at.toISOString(), priced_from: first },
      });
    }
    if (w) narrow(w, price.fromMs, price.untilMs);
    return this.#variant(model, price, t, lookup.service_tier, found.region, w);
  }

  /** Every model (and moving alias), optionally of one provider, at its current price. */
  list(options: { provider?: string } = {}): CatalogListEntry[] {
    const idx = this.index;
    const provider = options.provider === undefined ? undefined : this.#provider(options.provider);
    const out: CatalogListEntry[] = [];
    for (const m of idx.file.models) {
      if (provider !== undefined && m.provider !== provider) continue;
      out.push(listEntry(m.provider, m.id, 'model', m.prices.at(-1)!));
    }
    for (const a of idx.file.aliases) {
      if (provider !== undefined && a.provider !== provider) continue;
      const target = a.targets.at(-1)!.model;
      const m = idx.file.models.find((x) => x.provider === a.provider && x.id === target)!;
      out.push({ ...listEntry(a.provider, a.name, 'alias', m.prices.at(-1)!), target });
    }
    return out.sort((x, y) => x.provider.localeCompare(y.provider) || x.model.localeCompare(y.model));
  }

  /** Full history of a model name; with `at`, also the price in force then. */
  show(model: string, options: { provider?: string; at?: Date } = {}): CatalogShow {
    const found = this.#find(options.provider, model, undefined);
    const e = found.entry;
    const models = e.kind === 'alias' ? e.targets.map((t) => t.model.model) : [e.model];
    const out: CatalogShow = {
      provider: found.provider,
      model: e.kind === 'alias' ? e.alias.name : e.model.id,
      models: [...new Set(models)],
    };
    if (e.kind === 'alias') out.alias = e.alias;
    if (options.at) out.at = { at: options.at.toISOString(), price: this.resolve({ model, at: options.at, ...(options.provider ? { provider: options.provider } : {}) }) };
    return out;
  }

  #provider(name: string): string {
    const idx = this.index;
    const p = canonicalProvider(name);
    if (p !== undefined && idx.has(p)) return p;
    throw new RatecardError('model_not_found', `unknown provider \`${name}\``, {
      details: { provider: name, suggestions: suggest(name, providerSpellings()) },
    });
  }

  #find(providerName: string | undefined, model: string, region: string | undefined): Found {
    const cacheKey = `${providerName ?? ''}\u0000${model}\u0000${region ?? ''}`;
    const hit = this.#found.get(cacheKey);
    if (hit) return hit;
    const missed = this.#missed.get(cacheKey);
    if (missed) throw notFound(missed);
    const found = this.#lookup(providerName, model, region);
    if ('entry' in found) {
      if (this.#found.size >= MAX_CACHED_NAMES) this.#found.clear();
      this.#found.set(cacheKey, found);
      return found;
    }
    // The catalog never changes after it is indexed, so a miss stays a miss for this exact key.
    if (this.#missed.size >= MAX_CACHED_NAMES) this.#missed.clear();
    this.#missed.set(cacheKey, found);
    throw notFound(found);
  }

  /** The entry a name means, or the model_not_found to throw (with its suggestions). */
  #lookup(providerName: string | undefined, model: string, region: string | undefined): Found | Miss {
    const idx = this.index;
    const parsed = parseModelName(model);
    let explicit: string | undefined;
    try {
      explicit = providerName === undefined ? undefined : this.#provider(providerName);
    } catch (e) {
      if (e instanceof RatecardError) return { code: e.code, message: e.message, details: { ...e.details } };
      throw e;
    }
    // An explicit provider is tried with the whole name first (ids may contain a slash), then without a provider prefix.
    const tables: { provider?: string; get: (key: string) => Entry | undefined; keys: string[] }[] = [];
    if (explicit !== undefined) {
      const table = idx.table(explicit)!;
      tables.push({ provider: explicit, get: (k) => table.get(k), keys: [...parsed.fullKeys, ...parsed.keys] });
    }
    if (parsed.provider !== undefined && idx.has(parsed.provider)) {
      const table = idx.table(parsed.provider)!;
      tables.push({ provider: parsed.provider, get: (k) => table.get(k), keys: parsed.keys });
    }
    tables.push({ get: (k) => idx.any(k), keys: explicit === undefined ? [...parsed.fullKeys, ...(parsed.provider === undefined ? parsed.keys : [])] : [] });
    for (const { provider, get, keys } of tables) {
      for (const key of keys) {
        const entry = get(key);
        if (entry) return { entry, provider: provider ?? providerOf(entry), region: region ?? parsed.region };
      }
    }
    const scope = explicit ?? parsed.provider;
    const candidates = scope !== undefined ? idx.names(scope) : idx.allNames;
    const suggestions = suggest(parsed.keys[0] ?? model, candidates);
    const where = scope !== undefined ? ` for provider \`${scope}\`` : '';
    const hint = suggestions.length > 0 ? ` (did you mean ${suggestions.map((s) => `\`${s}\``).join(' or ')}?)` : '';
    return {
      code: 'model_not_found',
      message: `model \`${model}\` is not in the catalog${where}${hint}`,
      details: { model, ...(scope !== undefined ? { provider: scope } : {}), suggestions },
    };
  }

  #modelAt(found: Found, t: number, lookup: ModelLookup, w: Window | undefined): ModelRecord {
    const e = found.entry;
    if (e.kind === 'model') return e;
    for (const target of e.targets) {
      if (t >= target.fromMs && t < target.untilMs) {
        if (w) narrow(w, target.fromMs, target.untilMs);
        return target.model;
      }
    }
    const first = e.alias.targets[0]!.effective_from;
    throw new RatecardError('model_unpriced', `\`${e.alias.provider}/${e.alias.name}\` did not name any model at ${lookup.at.toISOString()} (first from ${first})`, {
      details: { model: e.alias.name, provider: e.alias.provider, at: lookup.at.toISOString(), priced_from: first },
    });
  }

  #variant(model: ModelRecord, rec: PriceRecord, t: number, tierName: string | undefined, region: string | undefined, w: Window | undefined): ResolvedModelPrice {
    const tier = serviceTier(tierName, model, rec);
    const offPeak = rec.offPeak !== undefined && tier === undefined && inWindow(t, rec.offPeak.start, rec.offPeak.end);
    if (w && rec.offPeak !== undefined && tier === undefined) narrowToDailySegment(w, t, rec.offPeak.start, rec.offPeak.end);
    let uplift: [string, string] | undefined;
    if (region !== undefined && model.model.regions !== undefined) {
      const memo = model.uplifts.get(region);
      uplift = memo !== undefined ? (memo ?? undefined) : regionUplift(model.model, region);
      if (memo === undefined) {
        if (model.uplifts.size >= 256) model.uplifts.clear();
        model.uplifts.set(region, uplift ?? null);
      }
    }
    const key = `${tier ?? ''}|${offPeak ? 'o' : ''}|${uplift?.[0] ?? ''}`;
    const cached = rec.cache.get(key);
    if (cached) return cached;
    const p = rec.price;
    const src = tier !== undefined ? p.tiers![tier]! : offPeak ? p.off_peak! : p;
    let rates = src.rates;
    let long = src.long_context ?? (tier !== undefined || offPeak ? undefined : p.long_context);
    let version = `catalog:${model.model.provider}/${model.model.id}@${p.effective_from}`;
    if (tier !== undefined) version += `+${tier}`;
    if (offPeak) version += '+off_peak';
    if (uplift) {
      rates = scaleRates(rates, uplift[1]);
      long = long?.map((l) => ({ threshold: l.threshold, rates: scaleRates(l.rates, uplift[1]) }));
      version += `+region:${uplift[0]}`;
    }
    const resolved: ResolvedModelPrice = Object.freeze({
      model: model.model.id,
      provider: model.model.provider,
      currency: this.index.file.currency,
      rates: Object.freeze({ ...rates }),
      ...(long ? { long_context: long } : {}),
      price_version: version,
    });
    rec.cache.set(key, resolved);
    return resolved;
  }
}

interface Window {
  from: number;
  until: number;
}

function narrow(w: Window, from: number, until: number): void {
  if (from > w.from) w.from = from;
  if (until < w.until) w.until = until;
}

/**
 * Narrow `w` to the stretch of time around `t` with no off-peak boundary in it (the
 * window's `start` and `end` minute of each UTC day), so inWindow() answers the same
 * for every time in it.
 */
function narrowToDailySegment(w: Window, t: number, start: number, end: number): void {
  const dayStart = t - (((t % 86_400_000) + 86_400_000) % 86_400_000);
  let from = Number.NEGATIVE_INFINITY;
  let until = Number.POSITIVE_INFINITY;
  for (let d = -1; d <= 1; d++) {
    for (const m of [start, end]) {
      const b = dayStart + d * 86_400_000 + m * 60_000;
      if (b <= t && b > from) from = b;
      if (b > t && b < until) until = b;
    }
  }
  narrow(w, from, until);
}

/** A fresh error each time, with its own copy of the details: callers may keep or change what they catch. */
function notFound(miss: Miss): RatecardError {
  const details: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(miss.details)) details[k] = Array.isArray(v) ? [...v] : v;
  return new RatecardError(miss.code, miss.message, { details });
}

function providerOf(e: Entry): string {
  return e.kind === 'alias' ? e.alias.provider : e.model.provider;
}

function pricedAt(model: ModelRecord, t: number): PriceRecord | undefined {
  for (const p of model.prices) if (t >= p.fromMs && t < p.untilMs) return p;
  return undefined;
}

function serviceTier(name: string | undefined, model: ModelRecord, rec: PriceRecord): ServiceTier | undefined {
  if (name === undefined) return undefined;
  const n = name.trim().toLowerCase();
  if (STANDARD_TIERS.has(n)) return undefined;
  const available = SERVICE_TIERS.filter((t) => rec.price.tiers?.[t] !== undefined);
  if ((available as string[]).includes(n)) return n as ServiceTier;
  const what = (SERVICE_TIERS as readonly string[]).includes(n) ? 'has no catalog price for' : 'does not know';
  throw new RatecardError('model_unpriced', `\`${model.model.provider}/${model.model.id}\` ${what} service tier \`${name}\` (available: standard${available.map((a) => `, ${a}`).join('')})`, {
    details: { model: model.model.id, provider: model.model.provider, service_tier: name, available: ['standard', ...available] },
  });
}

function inWindow(t: number, start: number, end: number): boolean {
  const m = Math.floor((((t % 86_400_000) + 86_400_000) % 86_400_000) / 60_000);
  return start <= end ? m >= start && m < end : m >= start || m < end;
}

function regionUplift(model: CatalogModel, region: string | undefined): [string, string] | undefined {
  if (region === undefined || model.regions === undefined) return undefined;
  const keys = regionKeys(region);
  if (keys[0] === 'global') return undefined;
  for (const k of keys) {
    const f = model.regions[k];
    if (f !== undefined) return f === '1' ? undefined : [k, f];
  }
  const any = model.regions['*'];
  return any === undefined || any === '1' ? undefined : [keys[0]!, any];
}

function scaleRates(rates: RateTable, factor: string): RateTable {
  const f = new Dec(factor);
  const out: RateTable = {};
  for (const [k, v] of Object.entries(rates)) out[k as keyof RateTable] = formatDecimal(new Dec(v as string).times(f));
  return out;
}

function listEntry(provider: string, model: string, kind: 'model' | 'alias', p: CatalogPrice): CatalogListEntry {
  const e: CatalogListEntry = {
    provider, model, kind, effective_from: p.effective_from, rates: p.rates,
    service_tiers: SERVICE_TIERS.filter((t) => p.tiers?.[t] !== undefined),
  };
  if (p.long_context) e.long_context = p.long_context;
  return e;
}

let defaultInstance: Catalog | undefined;

/** The built-in catalog (data/catalog.json), loaded on its first lookup. */
export function defaultCatalog(): Catalog {
  return (defaultInstance ??= new Catalog(() => loadCatalogFile()));
}

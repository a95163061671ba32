/**
 * Pre-indexed form of the catalog file: dates as epoch ms, names as lower-case map keys,
 * so a lookup is a few Map reads and a short scan over a model's price periods.
 *
 * Indexing is per provider and lazy: the first lookup of `gpt-4o` builds OpenAI's table
 * only, not the thousand models of every cloud reseller (most of a cold start's cost).
 */
import { canonicalProvider, PROVIDER_PREFERENCE } from './providers.js';
import { indexKeys } from './names.js';
import type { CatalogAlias, CatalogFile, CatalogModel, CatalogPrice } from './types.js';
import type { ResolvedModelPrice } from '../pricing/model-source.js';

export interface PriceRecord {
  price: CatalogPrice;
  fromMs: number;
  untilMs: number;
  /** Off-peak window in minutes of the UTC day: [start, end), may wrap midnight. */
  offPeak?: { start: number; end: number };
  /** Resolved answers by variant (tier, window, region), built on first use. */
  cache: Map<string, ResolvedModelPrice>;
}

/** A model and its price periods; the periods (dates parsed, caches) are built on its first lookup. */
export class ModelRecord {
  readonly kind = 'model' as const;
  readonly model: CatalogModel;
  #prices: PriceRecord[] | undefined;
  #uplifts: Map<string, [string, string] | null> | undefined;

  constructor(model: CatalogModel) {
    this.model = model;
  }

  get prices(): PriceRecord[] {
    return (this.#prices ??= this.model.prices.map(priceRecord));
  }

  /** Regional uplift by region name as asked (null: none), memoized. */
  get uplifts(): Map<string, [string, string] | null> {
    return (this.#uplifts ??= new Map());
  }
}

export interface AliasRecord {
  kind: 'alias';
  alias: CatalogAlias;
  targets: { fromMs: number; untilMs: number; model: ModelRecord }[];
}

export type Entry = ModelRecord | AliasRecord;

/** One provider's lookup table and its display names (for suggestions). */
interface ProviderTable {
  table: Map<string, Entry>;
  names: string[];
}

export function dayMs(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

function priceRecord(price: CatalogPrice): PriceRecord {
  const rec: PriceRecord = {
    price,
    fromMs: dayMs(price.effective_from),
    untilMs: price.until ? dayMs(price.until) : Number.POSITIVE_INFINITY,
    cache: new Map(),
  };
  if (price.off_peak) rec.offPeak = { start: minutes(price.off_peak.start), end: minutes(price.off_peak.end) };
  return rec;
}

/** Index one provider's models and moving aliases (both in file order). */
function buildProvider(provider: string, models: CatalogModel[], aliases: CatalogAlias[]): ProviderTable {
  const table = new Map<string, Entry>();
  const names: string[] = [];
  const put = (key: string, entry: Entry, display: string) => {
    // As the eager build did: a key spelled like its display name (derived keys display as
    // themselves) takes the slot and is listed for suggestions; exact ids are re-put below.
    const own = key === display.toLowerCase();
    if (own || !table.has(key)) table.set(key, entry);
    if (own) names.push(display);
  };
  const records = new Map<string, ModelRecord>();
  for (const m of models) {
    const rec = new ModelRecord(m);
    const id = m.id.toLowerCase();
    records.set(id, rec);
    for (const k of indexKeys(m.id)) put(k, rec, k === id ? m.id : k);
    for (const a of m.aliases ?? []) put(a.toLowerCase(), rec, a);
  }
  // Exact ids first, derived keys after: re-put exact ids so no derived key shadows them.
  for (const [id, rec] of records) table.set(id, rec);
  for (const a of aliases) {
    const targets = a.targets.map((t) => {
      const model = records.get(t.model.toLowerCase());
      if (!model) throw new Error(`catalog alias ${provider}/${a.name} targets unknown model ${t.model}`);
      return { fromMs: dayMs(t.effective_from), untilMs: t.until ? dayMs(t.until) : Number.POSITIVE_INFINITY, model };
    });
    table.set(a.name.toLowerCase(), { kind: 'alias', alias: a, targets });
    names.push(a.name);
  }
  return { table, names };
}

export class CatalogIndex {
  readonly file: CatalogFile;
  /** Providers listed in the file, in the order they first appear (models, then aliases). */
  readonly #providers = new Map<string, { models: CatalogModel[]; aliases: CatalogAlias[] }>();
  /** Which provider an unqualified name means when several list it: makers first. */
  readonly #preference: string[];
  readonly #built = new Map<string, ProviderTable>();
  #allNames: string[] | undefined;

  constructor(file: CatalogFile) {
    this.file = file;
    const group = (p: string) => {
      let g = this.#providers.get(p);
      if (!g) this.#providers.set(p, (g = { models: [], aliases: [] }));
      return g;
    };
    for (const m of file.models) group(m.provider).models.push(m);
    for (const a of file.aliases) {
      const g = group(a.provider);
      g.aliases.push(a);
      // Checked now, not when the provider is first used: a broken file fails on load.
      for (const t of a.targets) {
        const target = t.model.toLowerCase();
        if (!g.models.some((m) => m.id.toLowerCase() === target)) throw new Error(`catalog alias ${a.provider}/${a.name} targets unknown model ${t.model}`);
      }
    }
    const others = [...this.#providers.keys()].filter((p) => !PROVIDER_PREFERENCE.includes(canonicalProvider(p) ?? ('' as never))).sort();
    this.#preference = [...PROVIDER_PREFERENCE, ...others];
  }

  /** Whether the file lists any model or alias of `provider` (a canonical id). */
  has(provider: string): boolean {
    return this.#providers.has(provider);
  }

  /** `provider`'s names (lower-cased keys) → entries, built on first use. */
  table(provider: string): Map<string, Entry> | undefined {
    return this.#provider(provider)?.table;
  }

  /** An unqualified name: the entry of the most preferred provider listing it. */
  any(key: string): Entry | undefined {
    for (const p of this.#preference) {
      const e = this.#provider(p)?.table.get(key);
      if (e) return e;
    }
    return undefined;
  }

  /** Display names of one provider, for suggestions. */
  names(provider: string): string[] {
    return this.#provider(provider)?.names ?? [];
  }

  /** Display names of every provider, for suggestions (builds every table). */
  get allNames(): string[] {
    return (this.#allNames ??= [...new Set([...this.#providers.keys()].flatMap((p) => this.names(p)))]);
  }

  #provider(provider: string): ProviderTable | undefined {
    let t = this.#built.get(provider);
    if (t) return t;
    const g = this.#providers.get(provider);
    if (!g) return undefined;
    this.#built.set(provider, (t = buildProvider(provider, g.models, g.aliases)));
    return t;
  }
}

export function buildIndex(file: CatalogFile): CatalogIndex {
  return new CatalogIndex(file);
}

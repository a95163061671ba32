/**
 * Pre-indexed form of the catalog file: dates as epoch ms, names as lower-case map keys,
 * so a lookup is a few Map reads and a short scan over a model's price periods.
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

export interface ModelRecord {
  kind: 'model';
  model: CatalogModel;
  prices: PriceRecord[];
  /** Regional uplift by region name as asked (null: none), memoized. */
  uplifts: Map<string, [string, string] | null>;
}

export interface AliasRecord {
  kind: 'alias';
  alias: CatalogAlias;
  targets: { fromMs: number; untilMs: number; model: ModelRecord }[];
}

export type Entry = ModelRecord | AliasRecord;

export interface CatalogIndex {
  file: CatalogFile;
  byProvider: Map<string, Map<string, Entry>>;
  /** Unqualified names → the entry of the most preferred provider listing them. */
  anyProvider: Map<string, Entry>;
  /** Display names per provider, for suggestions. */
  names: Map<string, string[]>;
  allNames: string[];
}

export function dayMs(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

function modelRecord(model: CatalogModel): ModelRecord {
  const prices = model.prices.map((price): PriceRecord => {
    const rec: PriceRecord = {
      price,
      fromMs: dayMs(price.effective_from),
      untilMs: price.until ? dayMs(price.until) : Number.POSITIVE_INFINITY,
      cache: new Map(),
    };
    if (price.off_peak) rec.offPeak = { start: minutes(price.off_peak.start), end: minutes(price.off_peak.end) };
    return rec;
  });
  return { kind: 'model', model, prices, uplifts: new Map() };
}

export function buildIndex(file: CatalogFile): CatalogIndex {
  const byProvider = new Map<string, Map<string, Entry>>();
  const names = new Map<string, string[]>();
  const table = (p: string) => {
    let t = byProvider.get(p);
    if (!t) byProvider.set(p, (t = new Map()));
    return t;
  };
  const put = (provider: string, key: string, entry: Entry, display: string) => {
    const t = table(provider);
    // The exact id wins over a derived key (suffix-stripped, `@`→`-`) of another entry.
    if (!t.has(key) || key === display.toLowerCase()) t.set(key, entry);
    if (key === display.toLowerCase()) (names.get(provider) ?? names.set(provider, []).get(provider)!).push(display);
  };
  const models = new Map<string, ModelRecord>();
  for (const m of file.models) {
    const rec = modelRecord(m);
    models.set(`${m.provider}/${m.id.toLowerCase()}`, rec);
    for (const k of indexKeys(m.id)) put(m.provider, k, rec, k === m.id.toLowerCase() ? m.id : k);
    for (const a of m.aliases ?? []) put(m.provider, a.toLowerCase(), rec, a);
  }
  // Exact ids first, derived keys after: re-put exact ids so no derived key shadows them.
  for (const rec of models.values()) table(rec.model.provider).set(rec.model.id.toLowerCase(), rec);
  for (const a of file.aliases) {
    const targets = a.targets.map((t) => {
      const model = models.get(`${a.provider}/${t.model.toLowerCase()}`);
      if (!model) throw new Error(`catalog alias ${a.provider}/${a.name} targets unknown model ${t.model}`);
      return { fromMs: dayMs(t.effective_from), untilMs: t.until ? dayMs(t.until) : Number.POSITIVE_INFINITY, model };
    });
    const rec: AliasRecord = { kind: 'alias', alias: a, targets };
    table(a.provider).set(a.name.toLowerCase(), rec);
    (names.get(a.provider) ?? names.set(a.provider, []).get(a.provider)!).push(a.name);
  }
  const anyProvider = new Map<string, Entry>();
  const order = [...PROVIDER_PREFERENCE, ...[...byProvider.keys()].filter((p) => !PROVIDER_PREFERENCE.includes(canonicalProvider(p) ?? ('' as never))).sort()];
  for (const p of order) for (const [k, e] of byProvider.get(p) ?? []) if (!anyProvider.has(k)) anyProvider.set(k, e);
  const allNames = [...new Set([...names.values()].flat())];
  return { file, byProvider, anyProvider, names, allNames };
}

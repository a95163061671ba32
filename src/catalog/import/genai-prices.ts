/**
 * pydantic/genai-prices `data.json`: providers → models, prices per 1M tokens (or per 1K
 * requests), optionally a list of dated / time-of-day constrained prices, and long-context
 * tiers written as `{ base, tiers: [{ start, price }] }` per kind.
 */
import { RatecardError } from '../../errors/ratecard-error.js';
import type { LongContextTier, ModelPricing, RateKey, RateTable } from '../../pricing/document.js';
import { canonicalProvider } from '../providers.js';
import { perMillion, perThousand } from './float.js';
import { emptyDocument, UniqueModels, type ImportOptions, type ImportResult, type SkippedEntry } from './result.js';

const MTOK_FIELDS: Record<string, RateKey> = {
  input_mtok: 'input',
  output_mtok: 'output',
  cache_read_mtok: 'cache_read',
  cache_audio_read_mtok: 'cache_read_audio',
  cache_write_mtok: 'cache_write_5m',
  cache_write_1h_mtok: 'cache_write_1h',
  output_reasoning_mtok: 'reasoning',
  input_audio_mtok: 'input_audio',
  output_audio_mtok: 'output_audio',
  input_image_mtok: 'input_image',
  output_image_mtok: 'output_image',
};
const KCOUNT_FIELDS: Record<string, RateKey> = { requests_kcount: 'request', web_searches_kcount: 'web_search' };

export type GenaiMatch =
  | { equals: string } | { starts_with: string } | { ends_with: string } | { contains: string } | { regex: string }
  | { or: GenaiMatch[] } | { and: GenaiMatch[] };

/** Evaluate a genai-prices `match` clause against a model name (case-insensitive, like the library). */
export function genaiMatches(match: GenaiMatch, name: string): boolean {
  const n = name.toLowerCase();
  if ('equals' in match) return n === match.equals.toLowerCase();
  if ('starts_with' in match) return n.startsWith(match.starts_with.toLowerCase());
  if ('ends_with' in match) return n.endsWith(match.ends_with.toLowerCase());
  if ('contains' in match) return n.includes(match.contains.toLowerCase());
  if ('regex' in match) return new RegExp(match.regex, 'i').test(name);
  if ('or' in match) return match.or.some((m) => genaiMatches(m, name));
  if ('and' in match) return match.and.every((m) => genaiMatches(m, name));
  return false;
}

/** Every name a match clause lists with `equals` (the exact aliases it accepts). */
export function genaiEqualsNames(match: GenaiMatch): string[] {
  if ('equals' in match) return [match.equals];
  if ('or' in match) return match.or.flatMap(genaiEqualsNames);
  return [];
}

interface GenaiPriceEntry { constraint?: { start_date?: string; start_time?: string; end_time?: string }; prices: Record<string, unknown> }
export interface GenaiModel { id: string; match: GenaiMatch; prices: Record<string, unknown> | GenaiPriceEntry[] }
export interface GenaiProvider { id: string; models: GenaiModel[] }

/**
 * The price in force at `at` (ISO date), ignoring time-of-day windows (the default rates
 * apply outside them): the latest entry whose start_date ≤ at.
 */
export function genaiPriceAt(model: GenaiModel, at: string): Record<string, unknown> | undefined {
  if (!Array.isArray(model.prices)) return model.prices;
  let chosen: Record<string, unknown> | undefined;
  for (const e of model.prices) {
    const c = e.constraint;
    if (c?.start_time !== undefined || c?.end_time !== undefined) continue;
    if (c?.start_date !== undefined && c.start_date > at) continue;
    chosen = e.prices;
  }
  return chosen;
}

/** Map genai-prices price fields to per-unit rates; unknown units are returned for reporting. */
export function mapGenaiPrices(prices: Record<string, unknown>): { rates: RateTable; long_context?: LongContextTier[]; unknown: string[] } {
  const rates: RateTable = {};
  const above = new Map<number, RateTable>();
  const unknown: string[] = [];
  for (const [field, value] of Object.entries(prices)) {
    const kind = MTOK_FIELDS[field] ?? KCOUNT_FIELDS[field];
    if (kind === undefined) { unknown.push(field); continue; }
    const convert = MTOK_FIELDS[field] ? perMillion : perThousand;
    if (value && typeof value === 'object' && 'base' in value) {
      const tiered = value as { base: unknown; tiers?: { start: number; price: unknown }[] };
      const base = convert(tiered.base);
      if (base !== undefined && base !== '0') rates[kind] = base;
      for (const t of tiered.tiers ?? []) {
        const r = convert(t.price);
        if (r === undefined) continue;
        const tier = above.get(t.start) ?? {};
        tier[kind] = r;
        above.set(t.start, tier);
      }
      continue;
    }
    const rate = convert(value);
    if (rate === undefined) { unknown.push(field); continue; }
    if (rate !== '0') rates[kind] = rate;
  }
  const out: { rates: RateTable; long_context?: LongContextTier[]; unknown: string[] } = { rates, unknown };
  // genai-prices applies a tier when the prompt is strictly above `start`: the same convention as ratecard's threshold.
  if (above.size > 0) out.long_context = [...above.entries()].sort((a, b) => a[0] - b[0]).map(([s, r]) => ({ threshold: String(s), rates: r }));
  return out;
}

export function importGenaiPrices(json: unknown, options: ImportOptions & { at?: string } = {}): ImportResult {
  if (!Array.isArray(json)) throw new RatecardError('import_invalid', 'genai-prices data.json must be a JSON array of providers');
  const doc = emptyDocument('imported from genai-prices');
  const skipped: SkippedEntry[] = [];
  const at = options.at ?? new Date().toISOString().slice(0, 10);
  const wanted = options.provider === undefined ? undefined : (canonicalProvider(options.provider) ?? options.provider.toLowerCase());
  let total = 0;
  const unique = new UniqueModels();
  for (const p of json as GenaiProvider[]) {
    const provider = canonicalProvider(p.id) ?? p.id;
    for (const m of p.models ?? []) {
      total++;
      const key = `${p.id}/${m.id}`;
      if (wanted !== undefined && provider !== wanted) { skipped.push({ key, reason: `provider ${provider} filtered out` }); continue; }
      const prices = genaiPriceAt(m, at);
      if (!prices) { skipped.push({ key, reason: `no price in force at ${at}` }); continue; }
      const mapped = mapGenaiPrices(prices);
      if (mapped.rates.input === undefined && mapped.rates.output === undefined) {
        const why = mapped.unknown.length > 0 ? `only units ratecard does not price (${mapped.unknown.join(', ')})` : 'no prices (free or unlisted)';
        skipped.push({ key, reason: why });
        continue;
      }
      const model: ModelPricing = { id: m.id, provider, rates: mapped.rates };
      const aliases = genaiEqualsNames(m.match).filter((a) => a.toLowerCase() !== m.id.toLowerCase());
      if (aliases.length > 0) model.aliases = [...new Set(aliases)];
      if (mapped.long_context) model.long_context = mapped.long_context;
      unique.add(key, model);
    }
  }
  unique.finish(doc, skipped);
  return { document: doc, skipped, total, imported: doc.models.length };
}

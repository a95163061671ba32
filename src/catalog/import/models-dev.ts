/**
 * models.dev `cost` tables: `{ provider: { model: { cost?: {...per 1M}, release_date } } }`.
 * `tiers: [{ tier: { size }, ...rates }]` are long-context prices above `size` prompt tokens.
 */
import { RatecardError } from '../../errors/ratecard-error.js';
import type { LongContextTier, ModelPricing, RateKey, RateTable } from '../../pricing/document.js';
import { canonicalProvider } from '../providers.js';
import { perMillion, perToken } from './float.js';
import { emptyDocument, UniqueModels, type ImportOptions, type ImportResult, type SkippedEntry } from './result.js';

const FIELDS: Record<string, RateKey> = {
  input: 'input',
  output: 'output',
  cache_read: 'cache_read',
  cached_input: 'cache_read',
  cache_input: 'cache_read',
  cache_write: 'cache_write_5m',
  cached_write: 'cache_write_5m',
  reasoning: 'reasoning',
  input_audio: 'input_audio',
  output_audio: 'output_audio',
  request: 'request',
};

export function mapModelsDevCost(cost: Record<string, unknown>): { rates: RateTable; long_context?: LongContextTier[]; unknown: string[] } {
  const rates: RateTable = {};
  const unknown: string[] = [];
  let long: LongContextTier[] | undefined;
  for (const [field, value] of Object.entries(cost)) {
    if (field === 'tiers' && Array.isArray(value)) {
      long = [];
      for (const t of value as Record<string, unknown>[]) {
        const size = (t.tier as { size?: number } | undefined)?.size;
        if (typeof size !== 'number') continue;
        const { rates: tr } = mapModelsDevCost(Object.fromEntries(Object.entries(t).filter(([k]) => k !== 'tier')));
        long.push({ threshold: String(size), rates: tr });
      }
      continue;
    }
    const kind = FIELDS[field];
    const rate = kind === undefined ? undefined : field === 'request' ? perToken(value) : perMillion(value);
    if (kind === undefined || rate === undefined) { unknown.push(field); continue; }
    if (rate !== '0') rates[kind] = rate;
  }
  const out: { rates: RateTable; long_context?: LongContextTier[]; unknown: string[] } = { rates, unknown };
  if (long && long.length > 0) out.long_context = long.sort((a, b) => Number(a.threshold) - Number(b.threshold));
  return out;
}

export function importModelsDev(json: unknown, options: ImportOptions = {}): ImportResult {
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new RatecardError('import_invalid', 'models.dev costs must be a JSON object of providers');
  const doc = emptyDocument('imported from models.dev');
  const skipped: SkippedEntry[] = [];
  const wanted = options.provider === undefined ? undefined : (canonicalProvider(options.provider) ?? options.provider.toLowerCase());
  let total = 0;
  const unique = new UniqueModels();
  for (const [pid, models] of Object.entries(json as Record<string, Record<string, { cost?: Record<string, unknown> }>>)) {
    const provider = canonicalProvider(pid) ?? pid;
    for (const [mid, entry] of Object.entries(models)) {
      total++;
      const key = `${pid}/${mid}`;
      if (wanted !== undefined && provider !== wanted) { skipped.push({ key, reason: `provider ${provider} filtered out` }); continue; }
      if (!entry.cost) { skipped.push({ key, reason: 'no cost table (price not listed)' }); continue; }
      const mapped = mapModelsDevCost(entry.cost);
      if (mapped.rates.input === undefined && mapped.rates.output === undefined) {
        skipped.push({ key, reason: 'input and output are zero or missing (free or unlisted)' });
        continue;
      }
      const model: ModelPricing = { id: mid, provider, rates: mapped.rates };
      if (mapped.long_context) model.long_context = mapped.long_context;
      unique.add(key, model);
    }
  }
  unique.finish(doc, skipped);
  return { document: doc, skipped, total, imported: doc.models.length };
}

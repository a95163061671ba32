/**
 * LiteLLM's `model_prices_and_context_window.json`: per-token floats, one flat object per
 * model key. Field names encode the kind, an optional long-context threshold
 * (`_above_200k_tokens`) and an optional service tier (`_batches`, `_flex`, `_priority`).
 */
import { RatecardError } from '../../errors/ratecard-error.js';
import type { LongContextTier, ModelPricing, RateKey, RateTable } from '../../pricing/document.js';
import { canonicalProvider, providerFromLitellm } from '../providers.js';
import type { ServiceTier, TierPrice } from '../types.js';
import { perToken } from './float.js';
import { emptyDocument, UniqueModels, type ImportOptions, type ImportResult, type SkippedEntry } from './result.js';

const BASE_FIELDS: Record<string, RateKey> = {
  input_cost_per_token: 'input',
  output_cost_per_token: 'output',
  cache_read_input_token_cost: 'cache_read',
  cache_read_input_audio_token_cost: 'cache_read_audio',
  cache_creation_input_token_cost: 'cache_write_5m',
  cache_creation_input_token_cost_above_1hr: 'cache_write_1h',
  output_cost_per_reasoning_token: 'reasoning',
  input_cost_per_audio_token: 'input_audio',
  output_cost_per_audio_token: 'output_audio',
  input_cost_per_image_token: 'input_image',
  output_cost_per_image_token: 'output_image',
  input_cost_per_request: 'request',
};
const TIER_SUFFIX: Record<string, ServiceTier> = { _batches: 'batch', _flex: 'flex', _priority: 'priority' };
const ABOVE_RE = /_above_(\d+)k_tokens$/;

export interface LitellmPrice {
  rates: RateTable;
  long_context?: LongContextTier[];
  tiers?: Partial<Record<ServiceTier, TierPrice>>;
}

type Bucket = { rates: RateTable; above: Map<number, RateTable> };

function bucket(): Bucket {
  return { rates: {}, above: new Map() };
}

function longContext(b: Bucket): LongContextTier[] | undefined {
  if (b.above.size === 0) return undefined;
  return [...b.above.entries()].sort((x, y) => x[0] - y[0]).map(([k, rates]) => ({ threshold: String(k * 1000), rates }));
}

/** Map one LiteLLM entry to rates; zero optional rates are dropped (LiteLLM uses 0 for "unknown"). */
export function mapLitellmEntry(entry: Record<string, unknown>): LitellmPrice | { skip: string } {
  const std = bucket();
  const tiers = new Map<ServiceTier, Bucket>();
  for (const [field, value] of Object.entries(entry)) {
    let name = field;
    let tier: ServiceTier | undefined;
    for (const [suffix, t] of Object.entries(TIER_SUFFIX)) {
      if (name.endsWith(suffix)) {
        tier = t;
        name = name.slice(0, -suffix.length);
      }
    }
    let threshold: number | undefined;
    const m = ABOVE_RE.exec(name);
    if (m && BASE_FIELDS[name] === undefined) {
      threshold = Number(m[1]);
      name = name.slice(0, m.index);
    }
    const kind = BASE_FIELDS[name];
    let rate: string | undefined;
    if (kind !== undefined) rate = perToken(value);
    else if (name === 'search_context_cost_per_query' && value && typeof value === 'object') {
      rate = perToken((value as Record<string, unknown>).search_context_size_medium);
    }
    const key: RateKey | undefined = kind ?? (name === 'search_context_cost_per_query' ? 'web_search' : undefined);
    if (key === undefined || rate === undefined || rate === '0') continue;
    let b = std;
    if (tier) {
      b = tiers.get(tier) ?? bucket();
      tiers.set(tier, b);
    }
    if (threshold === undefined) b.rates[key] = rate;
    else {
      const t = b.above.get(threshold) ?? {};
      t[key] = rate;
      b.above.set(threshold, t);
    }
  }
  if (std.rates.input === undefined && std.rates.output === undefined) return { skip: 'no token prices (input and output missing or zero)' };
  const out: LitellmPrice = { rates: std.rates };
  const lc = longContext(std);
  if (lc) out.long_context = lc;
  if (tiers.size > 0) {
    out.tiers = {};
    for (const [t, b] of [...tiers.entries()].sort()) {
      const tp: TierPrice = { rates: b.rates };
      const tlc = longContext(b);
      if (tlc) tp.long_context = tlc;
      out.tiers[t] = tp;
    }
  }
  return out;
}

const PRICED_MODES = new Set(['chat', 'responses', 'completion', 'embedding', undefined]);

/** Split a LiteLLM key into the provider's own model id: strip `gemini/`, `azure/`, … prefixes. */
export function litellmModelId(key: string, litellmProvider: string): string {
  const slash = key.indexOf('/');
  if (slash < 0) return key;
  const prefix = key.slice(0, slash);
  if (prefix === litellmProvider || canonicalProvider(prefix) !== undefined || prefix.startsWith('vertex_ai')) return key.slice(slash + 1);
  return key;
}

/** Import a whole LiteLLM price map as a PricingDocument; every key is imported or skipped with a reason. */
export function importLitellm(json: unknown, options: ImportOptions = {}): ImportResult {
  const doc = emptyDocument('imported from LiteLLM');
  const skipped: SkippedEntry[] = [];
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new RatecardError('import_invalid', 'LiteLLM price map must be a JSON object');
  const entries = Object.entries(json as Record<string, unknown>);
  const wanted = options.provider === undefined ? undefined : (canonicalProvider(options.provider) ?? options.provider.toLowerCase());
  const unique = new UniqueModels();
  for (const [key, raw] of entries) {
    if (key === 'sample_spec') { skipped.push({ key, reason: 'documentation entry, not a model' }); continue; }
    if (!raw || typeof raw !== 'object') { skipped.push({ key, reason: 'not an object' }); continue; }
    const entry = raw as Record<string, unknown>;
    const lp = typeof entry.litellm_provider === 'string' ? entry.litellm_provider : undefined;
    if (!lp) { skipped.push({ key, reason: 'no litellm_provider' }); continue; }
    const provider = providerFromLitellm(lp) ?? lp;
    if (wanted !== undefined && provider !== wanted) { skipped.push({ key, reason: `provider ${provider} filtered out` }); continue; }
    const mode = typeof entry.mode === 'string' ? entry.mode : undefined;
    if (!PRICED_MODES.has(mode)) { skipped.push({ key, reason: `mode ${mode} is not priced per token` }); continue; }
    const mapped = mapLitellmEntry(entry);
    if ('skip' in mapped) { skipped.push({ key, reason: mapped.skip }); continue; }
    const id = litellmModelId(key, lp);
    const model: ModelPricing = { id, provider, rates: mapped.rates };
    if (mapped.long_context) model.long_context = mapped.long_context;
    unique.add(key, model);
  }
  unique.finish(doc, skipped);
  return { document: doc, skipped, total: entries.length, imported: doc.models.length };
}

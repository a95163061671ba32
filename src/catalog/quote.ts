/**
 * Price one call at the provider's list price: raw provider usage (or canonical buckets)
 * → normalizeUsage → the built-in catalog's price in force at the call's time → the
 * engine. Not re-exported from src/catalog/index.ts, so loading the catalog does not load
 * the engine and the normalizers.
 */
import { compileRatecard, type CompiledRatecard } from '../compile/index.js';
import type { Quote, QuoteRequest, Rater } from '../engine/types.js';
import type { ModelSource } from '../pricing/model-source.js';
import { isCanonicalUsage } from '../usage/parse-canonical.js';
import { normalizeUsage, type UsageShape } from '../usage/index.js';
import { defaultCatalog, type Catalog } from './catalog.js';

export interface CatalogQuoteRequest extends Omit<QuoteRequest, 'usage' | 'period'> {
  /** The provider's usage object (or the whole response), or canonical buckets. */
  usage: unknown;
  /** Skip shape detection for raw usage. */
  shape?: UsageShape;
  /** Region for regional uplifts (`us-east-1`, `eu`, `global`, …); a Bedrock profile prefix on the model works too. */
  region?: string;
}

const EMPTY_DOC = { currency: 'USD', use_catalog: true, models: [], rules: [], tiers: [], plans: [], budgets: [] } as const;
const raters = new WeakMap<Catalog, Map<string, CompiledRatecard>>();

/** One compiled list-price rater per catalog and region (the engine's lookup has no region of its own). */
export function listPriceRaterFor(catalog: Catalog, region: string | undefined): Rater {
  return compiledRaterFor(catalog, region);
}

function compiledRaterFor(catalog: Catalog, region: string | undefined): CompiledRatecard {
  let byRegion = raters.get(catalog);
  if (!byRegion) raters.set(catalog, (byRegion = new Map()));
  const key = region === undefined ? '' : region.toLowerCase();
  let rater = byRegion.get(key);
  if (!rater) {
    const source: ModelSource =
      region === undefined ? catalog : { resolve: (l) => catalog.resolve({ ...l, region }), resolveWindow: (l) => catalog.resolveWindow({ ...l, region }) };
    rater = compileRatecard({ ...EMPTY_DOC, models: [], rules: [], tiers: [], plans: [], budgets: [] }, { catalog: source });
    if (byRegion.size >= 64) byRegion.clear();
    byRegion.set(key, rater);
  }
  return rater;
}

/**
 * The list-price quote of one call. Throws RatecardError for unknown models
 * (`model_not_found`), times before a model's first price (`model_unpriced`) and
 * inconsistent or missing usage: a call is never priced as 0 by accident.
 */
export function quoteWithCatalog(request: CatalogQuoteRequest, options: { catalog?: Catalog } = {}): Quote {
  const raw = request.usage;
  const canonical = isCanonicalUsage(raw);
  const usage = canonical
    ? (raw as QuoteRequest['usage'])
    : normalizeUsage(request.shape !== undefined ? { usage: raw, provider: request.provider, shape: request.shape } : { usage: raw, provider: request.provider });
  // Built field by field: object rest/spread on the hot path costs more than the lookup itself.
  const q: QuoteRequest = { model: request.model, usage };
  if (request.provider !== undefined) q.provider = request.provider;
  if (request.at !== undefined) q.at = request.at;
  if (request.service_tier !== undefined) q.service_tier = request.service_tier;
  if (request.attributes !== undefined) q.attributes = request.attributes;
  const rater = compiledRaterFor(options.catalog ?? defaultCatalog(), request.region);
  // A normalizer's output is already canonical buckets: no need to read it again.
  return canonical ? rater.quote(q) : rater.quoteCanonical(q);
}

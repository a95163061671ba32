/**
 * One-call quoting from code: `quote(request)` prices a call at list price from the
 * built-in catalog, or with `{ ratecard }` by a compiled pricing file. `usage` may be
 * canonical buckets or the provider's raw usage object (normalized first).
 */
import type { Quote, QuoteRequest, Rater } from './engine/types.js';
import { defaultCatalog } from './catalog/index.js';
import { listPriceRaterFor, quoteWithCatalog, type CatalogQuoteRequest } from './catalog/quote.js';
import { normalizeUsage } from './usage/index.js';
import { isCanonicalUsage } from './usage/parse-canonical.js';

export { isCanonicalUsage };

export interface AnyUsageQuoteRequest extends Omit<QuoteRequest, 'usage'> {
  /** Canonical buckets or a provider's raw usage object. */
  usage: unknown;
}

/** A rater that prices every call at the built-in catalog's list price (USD). */
export function listPriceRater(): Rater {
  return listPriceRaterFor(defaultCatalog(), undefined);
}

/** Canonicalize the request's usage (normalizing provider-shaped objects). */
export function canonicalRequest(request: AnyUsageQuoteRequest): QuoteRequest {
  if (isCanonicalUsage(request.usage)) return request as QuoteRequest;
  const usage = normalizeUsage({ ...(request.provider !== undefined ? { provider: request.provider } : {}), usage: request.usage });
  return { ...request, usage };
}

/** Price one call: with `ratecard`, by your pricing file; without, at catalog list price. */
export function quote(request: AnyUsageQuoteRequest | CatalogQuoteRequest, options: { ratecard?: Rater } = {}): Quote {
  if (options.ratecard === undefined && !('period' in request && request.period !== undefined)) return quoteWithCatalog(request);
  return (options.ratecard ?? listPriceRater()).quote(canonicalRequest(request as AnyUsageQuoteRequest));
}

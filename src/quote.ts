/**
 * One-call quoting from code: `quote(request)` prices a call at list price from the
 * built-in catalog, or with `{ ratecard }` by a compiled pricing file. `usage` may be
 * canonical buckets or the provider's raw usage object (normalized first).
 */
import type { Quote, QuoteRequest, Rater } from './engine/types.js';
import { compileRatecard } from './compile/index.js';
import { defaultCatalog } from './catalog/index.js';
import { normalizeUsage } from './usage/index.js';
import { USAGE_KINDS } from './usage/canonical.js';

export interface AnyUsageQuoteRequest extends Omit<QuoteRequest, 'usage'> {
  /** Canonical buckets or a provider's raw usage object. */
  usage: unknown;
}

const CANONICAL_KEYS = new Set<string>([...USAGE_KINDS, 'cache_write']);

/** True when every field of `usage` is a canonical bucket name (so no normalizer is needed). */
export function isCanonicalUsage(usage: unknown): boolean {
  if (usage === null || typeof usage !== 'object' || Array.isArray(usage)) return false;
  const keys = Object.keys(usage);
  return keys.length > 0 && keys.every((k) => CANONICAL_KEYS.has(k));
}

let catalogRater: Rater | undefined;

/** A rater that prices every call at the built-in catalog's list price (USD). */
export function listPriceRater(): Rater {
  catalogRater ??= compileRatecard(
    { currency: 'USD', use_catalog: true, models: [], rules: [], tiers: [], plans: [], budgets: [] },
    { catalog: defaultCatalog() },
  );
  return catalogRater;
}

/** Canonicalize the request's usage (normalizing provider-shaped objects). */
export function canonicalRequest(request: AnyUsageQuoteRequest): QuoteRequest {
  if (isCanonicalUsage(request.usage)) return request as QuoteRequest;
  const usage = normalizeUsage({ ...(request.provider !== undefined ? { provider: request.provider } : {}), usage: request.usage });
  return { ...request, usage };
}

export function quote(request: AnyUsageQuoteRequest, options: { ratecard?: Rater } = {}): Quote {
  return (options.ratecard ?? listPriceRater()).quote(canonicalRequest(request));
}

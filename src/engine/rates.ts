/**
 * Which rate prices each usage kind. Order: the kind's own rate, then the table's
 * `default` (the minimal form's per-token price, token kinds only), then the cross-kind
 * fallback chain (reasoning → output, cache writes/reads → input, ...). Requests and web
 * searches only have their own fee. Resolved once per rate table at compile time.
 */
import type { RateKey } from '../pricing/document.js';
import { TOKEN_KINDS, type UsageKind } from '../usage/canonical.js';

/** Every billable kind in the fixed order the engine walks (lines, allowance consumption). */
export const KIND_ORDER: readonly UsageKind[] = [...TOKEN_KINDS, 'requests', 'web_searches'];

/** The rate-table key holding a kind's own rate. */
export const OWN_KEY: Readonly<Record<UsageKind, RateKey>> = {
  input: 'input', cache_read: 'cache_read', cache_read_audio: 'cache_read_audio', cache_write_5m: 'cache_write_5m', cache_write_1h: 'cache_write_1h',
  output: 'output', reasoning: 'reasoning', input_audio: 'input_audio', output_audio: 'output_audio',
  input_image: 'input_image', output_image: 'output_image', requests: 'request', web_searches: 'web_search',
};

/** Cross-kind fallbacks, tried in order after the own rate and `default`. */
export const FALLBACKS: Readonly<Record<UsageKind, readonly RateKey[]>> = {
  input: [], output: [],
  reasoning: ['output'],
  cache_read: ['input'],
  cache_read_audio: ['cache_read', 'input'],
  cache_write_5m: ['input'],
  cache_write_1h: ['cache_write_5m', 'input'],
  input_audio: ['input'], input_image: ['input'],
  output_audio: ['output'], output_image: ['output'],
  requests: [], web_searches: [],
};

export type RateOrigin = 'own' | 'default' | 'fallback';

/**
 * Whether a fallback stands in for a rate providers set differently, so the quote should
 * say so: cache reads cost a fraction of input, cache writes more than input, audio and
 * images their own rates. Reasoning tokens are billed at the output rate by every
 * provider: that fallback is the price, not a stand-in.
 */
export function fallbackNeedsWarning(kind: UsageKind): boolean {
  return kind !== 'reasoning';
}

export interface ResolvedRate {
  /** The key of the table whose value prices the kind. */
  key: RateKey;
  origin: RateOrigin;
}

/** The key that prices `kind` in `table`, or undefined when nothing does. */
export function resolveRate(table: Partial<Record<RateKey, unknown>>, kind: UsageKind): ResolvedRate | undefined {
  const own = OWN_KEY[kind];
  if (table[own] !== undefined) return { key: own, origin: 'own' };
  if (kind === 'requests' || kind === 'web_searches') return undefined;
  if (table.default !== undefined) return { key: 'default', origin: 'default' };
  for (const key of FALLBACKS[kind]) if (table[key] !== undefined) return { key, origin: 'fallback' };
  return undefined;
}

/**
 * The table in force above a long-context threshold: the tier's rates over the base
 * rates. Fallbacks resolve in the merged table, so a base without `cache_read` follows the
 * tier's `input`, while a kind the base prices itself keeps its base rate unless the tier
 * lists it.
 */
export function mergeRates<T>(base: Partial<Record<RateKey, T>>, over: Partial<Record<RateKey, T>>): Partial<Record<RateKey, T>> {
  const merged: Partial<Record<RateKey, T>> = { ...base };
  for (const [k, v] of Object.entries(over) as [RateKey, T | undefined][]) if (v !== undefined) merged[k] = v;
  return merged;
}

import { RatecardError } from '../errors/index.js';
import { emptyUsage, USAGE_KINDS, type CanonicalUsage, type UsageKind } from './canonical.js';

const KNOWN = new Set<string>([...USAGE_KINDS, 'cache_write']);

function toCount(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value === 'bigint') return value >= 0n && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : undefined;
  if (typeof value === 'string' && /^\d+$/.test(value)) {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : undefined;
  }
  return undefined;
}

/**
 * Read canonical usage (already in exclusive buckets) from a plain object. Every problem
 * is reported at once: unknown fields (`usage_unknown_field`) and counts that are not
 * non-negative integers (`usage_invalid_count`). `cache_write` is accepted as the 5-minute
 * bucket; giving both it and `cache_write_5m` is a conflict.
 */
export function parseCanonicalUsage(value: unknown): CanonicalUsage {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new RatecardError('usage_invalid', 'usage must be an object of token counts');
  }
  const usage = emptyUsage();
  const problems: string[] = [];
  let code = 'usage_invalid_count';
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const raw = obj[key];
    if (raw === undefined || raw === null) continue;
    if (!KNOWN.has(key)) {
      problems.push(`unknown usage field \`${key}\` (known: ${USAGE_KINDS.join(', ')})`);
      code = 'usage_unknown_field';
      continue;
    }
    const n = toCount(raw);
    if (n === undefined) {
      problems.push(`\`${key}\` must be a non-negative integer, got ${JSON.stringify(typeof raw === 'bigint' ? raw.toString() : raw)}`);
      continue;
    }
    const target: UsageKind = key === 'cache_write' ? 'cache_write_5m' : (key as UsageKind);
    if (key === 'cache_write' && 'cache_write_5m' in (value as object)) {
      problems.push('give either `cache_write` or `cache_write_5m`, not both');
      continue;
    }
    usage[target] = n;
  }
  if (problems.length > 0) {
    throw new RatecardError(problems.length > 1 ? 'usage_invalid' : code, problems.join('; '), { details: { problems } });
  }
  return usage;
}

/** True when every field of `usage` is a canonical bucket name, so no provider normalizer is needed. */
export function isCanonicalUsage(usage: unknown): boolean {
  if (usage === null || typeof usage !== 'object' || Array.isArray(usage)) return false;
  let n = 0;
  for (const k in usage) {
    if (!KNOWN.has(k)) return false;
    n++;
  }
  return n > 0;
}

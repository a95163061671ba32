/**
 * Reading the scalar forms of the YAML syntax into PricingDocument strings. Inputs are
 * the JSON view's strings (numbers already replaced by their source text), so nothing
 * here ever sees a JS float.
 */
import { isDecimalString } from '../money/index.js';
import { parseQuantity, perUnit, type PerUnitScale } from '../pricing/normalize.js';

/** `1_000.50` → `1000.50`; undefined unless a plain decimal. */
export function readDecimal(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const text = v.trim().replace(/_/g, '');
  return isDecimalString(text) ? text : undefined;
}

const RATE_RE = /^(\S+?)(?:\s+per\s+1([KkMm])(?:\s+tokens?)?)?$/;

/** `0.0000025` or `2.50 per 1M` (also `per 1K`, optional `tokens`) → the per-one-unit string. */
export function readRate(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const m = RATE_RE.exec(v.trim());
  const number = readDecimal(m?.[1]);
  if (!m || number === undefined) return undefined;
  const scale = (m[2] ? `1${m[2].toUpperCase()}` : '1') as PerUnitScale;
  return perUnit(number, scale);
}

/** `20%` or `20` → `20`. */
export function readPercent(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  return readDecimal(v.trim().replace(/%$/, ''));
}

/** `200K`, `1.5M`, `10_000` → an integer string (or a plain decimal when the value has a fraction). */
export function readQuantity(v: unknown): string | undefined {
  return typeof v === 'string' ? parseQuantity(v) : undefined;
}

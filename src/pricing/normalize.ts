/**
 * Helpers shared by both syntaxes: span-free copies for equality, and the exact
 * conversion of "X per 1M tokens" into the per-one-unit strings PricingDocument stores.
 */
import { Dec, formatDecimal, isDecimalString } from '../money/index.js';
import type { PricingDocument } from './document.js';

/** Deep copy of `doc` without any `span` field (and without undefined-valued keys), for equality in tests. */
export function stripSpans(doc: PricingDocument): PricingDocument {
  return strip(doc) as PricingDocument;
}

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === 'span' || v === undefined) continue;
      out[k] = strip(v);
    }
    return out;
  }
  return value;
}

/** Units a price can be written per: one unit, a thousand, a million. */
export const PER_UNIT_SCALES = { '1': 1n, '1K': 1_000n, '1M': 1_000_000n } as const;
export type PerUnitScale = keyof typeof PER_UNIT_SCALES;

/**
 * The per-one-unit decimal string of a price written per `scale` units, exactly:
 * `perUnit("2.50", "1M")` → `"0.0000025"`. A price per one unit is returned as written.
 * Returns undefined when `text` is not a plain decimal.
 */
export function perUnit(text: string, scale: PerUnitScale): string | undefined {
  if (!isDecimalString(text)) return undefined;
  if (scale === '1') return text;
  return formatDecimal(new Dec(text).div(PER_UNIT_SCALES[scale].toString()));
}

/**
 * The inverse, for printers: the price per `scale` units when converting it back with
 * `perUnit` gives exactly `rate` again (so printing is lossless), else undefined.
 */
export function perScale(rate: string, scale: Exclude<PerUnitScale, '1'>): string | undefined {
  if (!isDecimalString(rate)) return undefined;
  const scaled = formatDecimal(new Dec(rate).times(PER_UNIT_SCALES[scale].toString()));
  return perUnit(scaled, scale) === rate ? scaled : undefined;
}

/**
 * A quantity written with an optional K/M/B suffix and `_` separators (`200K`, `1.5M`,
 * `10_000`) as a plain decimal string (`200000`), or undefined when it is not one.
 * Whether it must be whole is for the checker to say.
 */
export function parseQuantity(text: string): string | undefined {
  const m = /^(\d[\d_]*(?:\.\d[\d_]*)?)([KkMmBb]?)$/.exec(text.trim());
  if (!m) return undefined;
  const digits = m[1]!.replace(/_/g, '');
  const factor = { '': 1n, k: 1_000n, m: 1_000_000n, b: 1_000_000_000n }[m[2]!.toLowerCase()]!;
  const value = new Dec(digits).times(factor.toString());
  return formatDecimal(value);
}

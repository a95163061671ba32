/**
 * The only module that imports decimal.js. It owns a private clone so the host
 * application's global Decimal configuration is never touched (no Decimal.set).
 *
 * - precision 80 significant digits: a price (≤ 20 digits) × a token count (≤ 16)
 *   × a few percentages stays exact, far below this bound.
 * - toExpNeg / toExpPos pushed to their limits: toString() never uses exponent notation.
 */
import { Decimal as DecimalJs } from 'decimal.js';

export const Dec = DecimalJs.clone({
  precision: 80,
  rounding: DecimalJs.ROUND_HALF_EVEN,
  toExpNeg: -9e15,
  toExpPos: 9e15,
  minE: -9e15,
  maxE: 9e15,
});

/** An exact decimal value. Instances come from `Dec`; never construct from a float. */
export type Decimal = InstanceType<typeof Dec>;

export const ZERO: Decimal = new Dec(0);
export const ONE: Decimal = new Dec(1);

/** Plain decimal literal: optional sign, digits, optional fraction. No exponent, no spaces. */
const DECIMAL_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** True when `text` is a plain decimal literal (what every boundary accepts). */
export function isDecimalString(text: string): boolean {
  return DECIMAL_RE.test(text);
}

/**
 * Parse a decimal from its text. Accepts plain decimal strings and bigint; JS numbers
 * only when they are safe integers (token counts), since a float has already lost the
 * decimal the user wrote. Returns undefined for anything else, so callers report errors.
 */
export function parseDecimal(value: unknown): Decimal | undefined {
  if (typeof value === 'string') {
    const text = value.trim();
    return DECIMAL_RE.test(text) ? new Dec(text) : undefined;
  }
  if (typeof value === 'bigint') return new Dec(value.toString());
  if (typeof value === 'number' && Number.isSafeInteger(value)) return new Dec(value);
  if (value instanceof Dec) return value;
  return undefined;
}

/** Like parseDecimal, but throws a TypeError naming `what` (for internal, already-validated data). */
export function toDecimal(value: unknown, what = 'value'): Decimal {
  const d = parseDecimal(value);
  if (d === undefined) throw new TypeError(`${what}: not a plain decimal: ${String(value)}`);
  return d;
}

/** Canonical decimal string: no exponent, no trailing fractional zeros, "-0" printed as "0". */
export function formatDecimal(d: Decimal): string {
  if (d.isZero()) return '0';
  return d.toFixed();
}

/** Decimal string with exactly `places` fraction digits (for money already rounded to a unit). */
export function formatFixed(d: Decimal, places: number): string {
  const s = d.toFixed(places);
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}

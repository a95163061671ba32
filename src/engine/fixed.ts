/**
 * Exact fixed-point amounts for the quoting hot path: an amount is a bigint of units of
 * 10^-scale. Every engine operation is an exact add, subtract or multiply by a constant,
 * so a scale chosen at compile time (see compile/scale.ts) holds every intermediate value
 * without rounding. Parsing goes through src/money (decimal.js) once, at compile time;
 * quoting only multiplies bigints and formats them, which is several times cheaper than
 * Decimal objects and keeps the "no floats" rule.
 */
import { Dec, type Decimal } from '../money/index.js';

const POW10: bigint[] = [1n];
/** 10^n as a bigint (cached). */
export function pow10(n: number): bigint {
  for (let i = POW10.length; i <= n; i++) POW10.push(POW10[i - 1]! * 10n);
  return POW10[n]!;
}

/** Number of fraction digits the value needs (trailing zeros ignored). */
export function scaleOf(d: Decimal): number {
  return d.decimalPlaces();
}

/** `d` as units of 10^-scale. Throws when `d` needs more digits (an engine bug, not user input). */
export function toScaled(d: Decimal, scale: number): bigint {
  if (d.decimalPlaces() > scale) throw new Error(`internal: ${d.toFixed()} does not fit scale ${scale}`);
  return BigInt(d.times(new Dec(10).pow(scale)).toFixed(0));
}

/** Exact Decimal of a scaled amount (for tests and slow paths). */
export function fromScaled(v: bigint, scale: number): Decimal {
  return new Dec(v.toString()).div(new Dec(10).pow(scale));
}

/** Rescale `v` from scale `from` to a larger scale `to`. */
export function rescale(v: bigint, from: number, to: number): bigint {
  return to === from ? v : v * pow10(to - from);
}

/**
 * Canonical decimal string of a scaled amount: no exponent, no trailing fraction zeros,
 * zero printed as "0". Equivalent to formatDecimal(fromScaled(v, scale)), without Decimal.
 */
export function formatScaled(v: bigint, scale: number): string {
  if (v === 0n) return '0';
  const neg = v < 0n;
  const digits = (neg ? -v : v).toString();
  if (scale === 0) return neg ? '-' + digits : digits;
  const len = digits.length;
  let end = len;
  const stop = len > scale ? len - scale : 0;
  while (end > stop && digits.charCodeAt(end - 1) === 48) end--; // trailing fraction zeros
  let text: string;
  if (len <= scale) {
    text = '0.' + zeros(scale - len) + (end === len ? digits : digits.slice(0, end));
  } else {
    const cut = len - scale;
    text = end === cut ? digits.slice(0, cut) : digits.slice(0, cut) + '.' + digits.slice(cut, end);
  }
  return neg ? '-' + text : text;
}

const ZEROS: string[] = Array.from({ length: 40 }, (_, i) => '0'.repeat(i));
function zeros(n: number): string {
  return ZEROS[n] ?? '0'.repeat(n);
}

/**
 * A compile-time constant (rate, fee, factor) with its exact bigint form cached per scale,
 * so a catalog model priced at a finer scale than the file reuses the same rule objects.
 */
export class ScaledConst {
  readonly value: Decimal;
  readonly scale: number;
  private readonly byScale: (bigint | undefined)[] = [];

  constructor(value: Decimal) {
    this.value = value;
    this.scale = scaleOf(value);
  }

  at(scale: number): bigint {
    let v = this.byScale[scale];
    if (v === undefined) {
      v = toScaled(this.value, scale);
      this.byScale[scale] = v;
    }
    return v;
  }
}

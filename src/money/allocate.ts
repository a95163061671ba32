import { Dec, ZERO, type Decimal } from './decimal.js';
import { roundTo, type RoundingMode, DEFAULT_ROUNDING } from './rounding.js';

/**
 * Round each exact part to `places` digits so that the rounded parts sum exactly to the
 * rounded total (largest-remainder method). The total is rounded once with `mode`; each
 * part is first truncated toward zero, then the leftover minor units go to the parts with
 * the largest discarded remainders (ties: earlier part first), so results are deterministic.
 */
export function allocateRounded(
  parts: readonly Decimal[],
  places: number,
  mode: RoundingMode = DEFAULT_ROUNDING,
): { total: Decimal; parts: Decimal[] } {
  const exactTotal = parts.reduce((acc, p) => acc.plus(p), ZERO);
  const total = roundTo(exactTotal, places, mode);
  const unit = new Dec(1).div(new Dec(10).pow(places));
  const truncated = parts.map((p) => p.toDecimalPlaces(places, Dec.ROUND_DOWN));
  const allocated = truncated.reduce((acc, p) => acc.plus(p), ZERO);
  // Leftover in minor units; may be negative when parts are negative.
  let leftover = total.minus(allocated).div(unit).round().toNumber();
  const step = leftover >= 0 ? unit : unit.neg();
  const order = parts
    .map((p, i) => ({ i, rem: p.minus(truncated[i]!).times(Math.sign(leftover) || 1) }))
    .sort((a, b) => b.rem.comparedTo(a.rem) || a.i - b.i);
  const result = truncated.slice();
  for (let k = 0; leftover !== 0 && order.length > 0; k = (k + 1) % order.length) {
    const idx = order[k]!.i;
    result[idx] = result[idx]!.plus(step);
    leftover -= Math.sign(leftover);
  }
  return { total, parts: result };
}

/**
 * Split `total` (already in minor units) into parts proportional to `weights`, with
 * the parts summing exactly to `total`.
 */
export function allocateByWeights(total: Decimal, weights: readonly Decimal[], places: number): Decimal[] {
  const sum = weights.reduce((acc, w) => acc.plus(w), ZERO);
  if (sum.isZero()) {
    const even = weights.map(() => new Dec(1));
    return allocateByWeights(total, even, places);
  }
  const exact = weights.map((w) => total.times(w).div(sum));
  const { parts } = allocateRounded(exact, places, 'half_even');
  // Division can be inexact at 80 digits; the rounded total equals `total` when it is already rounded.
  return parts;
}

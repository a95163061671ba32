import { Dec, type Decimal } from './decimal.js';

/** Named rounding modes. `half_even` (banker's rounding) is the default at invoice lines. */
export const ROUNDING_MODES = {
  half_even: Dec.ROUND_HALF_EVEN,
  half_up: Dec.ROUND_HALF_UP,
  half_down: Dec.ROUND_HALF_DOWN,
  up: Dec.ROUND_UP,
  down: Dec.ROUND_DOWN,
  ceiling: Dec.ROUND_CEIL,
  floor: Dec.ROUND_FLOOR,
} as const satisfies Record<string, number>;

export type RoundingMode = keyof typeof ROUNDING_MODES;
export const DEFAULT_ROUNDING: RoundingMode = 'half_even';

export function isRoundingMode(value: unknown): value is RoundingMode {
  return typeof value === 'string' && Object.hasOwn(ROUNDING_MODES, value);
}

/** Round to `places` fraction digits with an explicit mode. */
export function roundTo(value: Decimal, places: number, mode: RoundingMode = DEFAULT_ROUNDING): Decimal {
  return value.toDecimalPlaces(places, ROUNDING_MODES[mode]);
}

export const roundHalfEven = (v: Decimal, places: number) => roundTo(v, places, 'half_even');
export const roundHalfUp = (v: Decimal, places: number) => roundTo(v, places, 'half_up');
export const roundDown = (v: Decimal, places: number) => roundTo(v, places, 'down');
export const roundUp = (v: Decimal, places: number) => roundTo(v, places, 'up');

export { Dec, ZERO, ONE, type Decimal, isDecimalString, parseDecimal, toDecimal, formatDecimal, formatFixed } from './decimal.js';
export { ROUNDING_MODES, DEFAULT_ROUNDING, type RoundingMode, isRoundingMode, roundTo } from './rounding.js';
export { minorUnits, isCurrencyCode } from './currency.js';
export { allocateRounded, allocateByWeights } from './allocate.js';

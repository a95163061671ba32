export type * from './types.js';
export { tierPeriodCharge, tierEventCharge, volumeTrueUp, buildTiers, periodCharge, eventCharge, type CompiledTiers } from './tiers.js';
export { resolveRate, mergeRates, KIND_ORDER, FALLBACKS } from './rates.js';
export { meterKinds, meterQuantity, METERS, isMeter } from './meters.js';
export { compileCondition, type CallContext, type Predicate } from './conditions.js';
export { formatScaled } from './fixed.js';

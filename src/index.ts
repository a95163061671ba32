export * from './money/index.js';
export * from './errors/index.js';
export * from './usage/canonical.js';
export { parseCanonicalUsage } from './usage/parse-canonical.js';
export * from './usage/index.js';
export type * from './pricing/document.js';
export type * from './engine/types.js';
export { compileRatecard, CompiledRatecard, type CompileOptions, type ModelInfo } from './compile/index.js';
export { tierPeriodCharge, tierEventCharge, volumeTrueUp } from './engine/tiers.js';

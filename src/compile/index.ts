export { compileRatecard, CompiledRatecard, type CompileOptions, type ModelInfo } from './ratecard.js';
export { canonicalJson, documentVersion } from './version.js';

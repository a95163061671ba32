// The core entry point: pricing files, the engine, the catalog, usage normalizers, money.
// Optional integrations (SDK interceptors, SQL storage) live behind their own subpaths.
export * from './money/index.js';
export * from './errors/index.js';
export * from './usage/index.js';
export type * from './pricing/document.js';
export type * from './pricing/model-source.js';
export type * from './engine/types.js';
export { compileRatecard, CompiledRatecard, type CompileOptions, type ModelInfo } from './compile/index.js';
export { tierPeriodCharge, tierEventCharge, volumeTrueUp } from './engine/tiers.js';
export { loadRatecard, tryLoadRatecard, parsePricing, detectSyntax, type LoadOptions, type PricingSyntax } from './ratecard.js';
export { quote, listPriceRater, canonicalRequest, isCanonicalUsage, type AnyUsageQuoteRequest } from './quote.js';
export { loadYamlPricing, printYaml } from './yaml/index.js';
export { loadRatePricing, printRate } from './dsl/index.js';
export { checkDocument } from './pricing/check.js';
export { Catalog, defaultCatalog } from './catalog/index.js';
export { quoteWithCatalog, type CatalogQuoteRequest } from './catalog/quote.js';
export * from './ledger/index.js';
export * from './storage/index.js';

export { Catalog, defaultCatalog, type CatalogListEntry, type CatalogShow } from './catalog.js';
export { loadCatalogFile, catalogPath } from './load.js';
export { canonicalProvider, PROVIDERS, type ProviderId } from './providers.js';
export type { CatalogFile, CatalogModel, CatalogPrice, CatalogAlias, ServiceTier } from './types.js';
export { importLitellm } from './import/litellm.js';
export { importGenaiPrices } from './import/genai-prices.js';
export { importModelsDev } from './import/models-dev.js';
export type { ImportResult, SkippedEntry, ImportOptions } from './import/result.js';

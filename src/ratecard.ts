/**
 * Loading a pricing file: pick the syntax (`.rate` DSL or YAML), parse and check it into
 * a PricingDocument, compile it into a rule graph. Every problem is reported at once.
 */
import { RatecardError, type Diagnostic, type Result } from './errors/index.js';
import type { PricingDocument } from './pricing/document.js';
import type { ModelSource } from './pricing/model-source.js';
import { loadYamlPricing } from './yaml/index.js';
import { loadRatePricing } from './dsl/index.js';
import { compileRatecard, type CompiledRatecard } from './compile/index.js';
import { defaultCatalog } from './catalog/index.js';

export type PricingSyntax = 'rate' | 'yaml';

export interface LoadOptions {
  /** Used in diagnostics and to pick the syntax by extension (`.rate`, `.yaml`, `.yml`, `.json`). */
  filename?: string;
  /** Force a syntax instead of guessing from the filename or content. */
  syntax?: PricingSyntax;
  /** Price source for models the file does not list when it says `use_catalog` (default: the built-in catalog). */
  catalog?: ModelSource;
}

/** The syntax of a pricing file: by extension, else by its first meaningful line. */
export function detectSyntax(source: string, filename?: string): PricingSyntax {
  if (filename) {
    if (/\.rate$/i.test(filename)) return 'rate';
    if (/\.(ya?ml|json)$/i.test(filename)) return 'yaml';
  }
  for (const raw of source.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('//') || line === '---') continue;
    return /^(ratecard|currency|model|markup|discount|plan|budget|tiers|use)\b(?!\s*:)/.test(line) ? 'rate' : 'yaml';
  }
  return 'yaml';
}

/** Parse and check pricing text into a document, without compiling. */
export function parsePricing(source: string, options: LoadOptions = {}): { document?: PricingDocument; diagnostics: Diagnostic[]; syntax: PricingSyntax } {
  const syntax = options.syntax ?? detectSyntax(source, options.filename);
  const file = options.filename !== undefined ? { file: options.filename } : {};
  const result = syntax === 'rate' ? loadRatePricing(source, file) : loadYamlPricing(source, file);
  return { ...result, syntax };
}

function compileChecked(source: string, options: LoadOptions): Result<CompiledRatecard> {
  const { document, diagnostics } = parsePricing(source, options);
  if (!document || diagnostics.some((d) => d.severity === 'error')) return { ok: false, diagnostics };
  // The catalog's data loads on first lookup, so passing it costs nothing when unused.
  const catalog = options.catalog ?? (document.use_catalog ? defaultCatalog() : undefined);
  const compileOptions = { ...(catalog ? { catalog } : {}), ...(options.filename !== undefined ? { file: options.filename } : {}) };
  return { ok: true, value: compileRatecard(document, compileOptions), diagnostics };
}

/**
 * Load and compile a pricing file. Throws a RatecardError carrying every diagnostic.
 * Models the file does not list are priced from the built-in catalog when it says so.
 */
export function loadRatecard(source: string, options: LoadOptions = {}): CompiledRatecard {
  const result = compileChecked(source, options);
  if (!result.ok) throw RatecardError.fromDiagnostics(result.diagnostics, source);
  return result.value;
}

/** Like loadRatecard, but returns `{ ok, value | diagnostics }` instead of throwing. */
export function tryLoadRatecard(source: string, options: LoadOptions = {}): Result<CompiledRatecard> {
  return compileChecked(source, options);
}

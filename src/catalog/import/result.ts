import type { PricingDocument } from '../../pricing/document.js';

/** An entry of the source file that did not become a model, and why. */
export interface SkippedEntry {
  key: string;
  reason: string;
}

/** What an importer returns: every source entry is either in `document.models` or in `skipped`. */
export interface ImportResult {
  document: PricingDocument;
  skipped: SkippedEntry[];
  /** Number of entries in the source file. imported + skipped = total. */
  total: number;
  imported: number;
}

export interface ImportOptions {
  /** Keep only this provider (canonical id or synonym); others are reported skipped. */
  provider?: string;
}

export function emptyDocument(name: string): PricingDocument {
  return { name, currency: 'USD', models: [], rules: [], tiers: [], plans: [], budgets: [] };
}

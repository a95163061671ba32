import type { ModelPricing, PricingDocument } from '../../pricing/document.js';
import { PROVIDER_PREFERENCE, type ProviderId } from '../providers.js';

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

/**
 * Model ids (and aliases) are unique in a pricing document, case-insensitively. When
 * several providers list a name, the model's maker (PROVIDER_PREFERENCE) gets it; later
 * ones are reported skipped (import one provider at a time with --provider to get that
 * provider's price); colliding aliases are dropped.
 */
export class UniqueModels {
  #pending: { key: string; model: ModelPricing; rank: number; order: number }[] = [];

  add(key: string, model: ModelPricing): void {
    const rank = PROVIDER_PREFERENCE.indexOf((model.provider ?? '') as ProviderId);
    this.#pending.push({ key, model, rank: rank < 0 ? PROVIDER_PREFERENCE.length : rank, order: this.#pending.length });
  }

  /** Put the models into `doc` (in source order) and report the duplicates in `skipped`. */
  finish(doc: PricingDocument, skipped: SkippedEntry[]): void {
    const owner = new Map<string, string>();
    const kept = new Set<number>();
    for (const p of [...this.#pending].sort((a, b) => a.rank - b.rank || a.order - b.order)) {
      const m = p.model;
      const id = m.id.toLowerCase();
      const taken = owner.get(id);
      if (taken !== undefined) {
        skipped.push({ key: p.key, reason: `id \`${m.id}\` already imported from ${taken} (use --provider ${m.provider ?? ''} to import this one)` });
        continue;
      }
      const where = `${m.provider ?? 'no provider'}/${m.id}`;
      owner.set(id, where);
      kept.add(p.order);
    }
    for (const p of this.#pending) {
      if (!kept.has(p.order)) continue;
      const m = p.model;
      if (m.aliases) {
        const aliases = m.aliases.filter((a) => !owner.has(a.toLowerCase()) && owner.set(a.toLowerCase(), m.id));
        if (aliases.length > 0) m.aliases = aliases;
        else delete m.aliases;
      }
      doc.models.push(m);
    }
  }
}

/**
 * The shape of `data/catalog.json`: list prices with history. Rates are per ONE unit
 * (token, request, search) as plain decimal strings, like RateTable everywhere else.
 * Dates are UTC calendar days (`YYYY-MM-DD`); a price is in force from the start of
 * `effective_from` until the start of `until` (exclusive).
 */
import type { DecimalString, LongContextTier, RateTable } from '../pricing/document.js';

export const SERVICE_TIERS = ['batch', 'flex', 'priority'] as const;
export type ServiceTier = (typeof SERVICE_TIERS)[number];

/** Rates that replace the standard ones under a service tier (batch, flex, priority). */
export interface TierPrice {
  rates: RateTable;
  long_context?: LongContextTier[];
}

/** A daily UTC window with its own rates (DeepSeek's off-peak discount). */
export interface TimeWindowPrice {
  /** `HH:MM` UTC, inclusive. */
  start: string;
  /** `HH:MM` UTC, exclusive; may be earlier than `start` (window crosses midnight). */
  end: string;
  rates: RateTable;
  long_context?: LongContextTier[];
}

export interface CatalogPrice {
  effective_from: string;
  until?: string;
  /** Where the numbers come from: `litellm:<key>`, `genai-prices:<provider>/<id>`, `curated:<why>`. */
  source: string;
  note?: string;
  rates: RateTable;
  long_context?: LongContextTier[];
  tiers?: Partial<Record<ServiceTier, TierPrice>>;
  off_peak?: TimeWindowPrice;
}

export interface CatalogModel {
  provider: string;
  /** Canonical id as the provider's API names it (original case). */
  id: string;
  /** Other names that always mean this model (date-independent). */
  aliases?: string[];
  /**
   * Regional uplift: multiplier per region key (`us`, `eu`, `apac`, `us-gov`, …); `*`
   * applies to any region not listed except `global`.
   */
  regions?: Record<string, DecimalString>;
  /** Ascending by effective_from, contiguous: each `until` is the next `effective_from`. */
  prices: CatalogPrice[];
}

/** A moving name (`gpt-4o`, `mistral-large-latest`) that points at different snapshots over time. */
export interface CatalogAlias {
  provider: string;
  name: string;
  targets: { effective_from: string; until?: string; model: string; source: string }[];
}

export interface CatalogProvider {
  name: string;
  /** Other spellings accepted for the provider id (and as a `provider/` model prefix). */
  synonyms: string[];
}

export interface CatalogFile {
  schema: 1;
  currency: string;
  sources: Record<string, { name: string; upstream: string; as_of: string; license: string }>;
  providers: Record<string, CatalogProvider>;
  models: CatalogModel[];
  aliases: CatalogAlias[];
}

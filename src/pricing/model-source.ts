/**
 * Where the engine gets a model's prices: the models written in a pricing file, or the
 * built-in catalog (src/catalog) when the file says `use_catalog` or no file is given.
 */
import type { LongContextTier, RateTable } from './document.js';

export interface ResolvedModelPrice {
  /** Canonical model id of the price entry (e.g. `gpt-4o-2024-08-06`). */
  model: string;
  provider: string;
  currency: string;
  /** Per-unit rates in force at the requested time and service tier. */
  rates: RateTable;
  long_context?: LongContextTier[];
  /** Identifies the exact price used: e.g. `catalog:openai/o3@2025-06-10`. Recorded in ledger entries. */
  price_version: string;
}

export interface ModelLookup {
  provider?: string;
  model: string;
  /** The call's time; selects the price in force. */
  at: Date;
  /** batch | flex | priority | standard. */
  service_tier?: string;
  /** Region for regional uplifts (e.g. Bedrock cross-region, Vertex regional). */
  region?: string;
}

export interface ModelSource {
  /**
   * The price in force, or throws RatecardError `model_not_found` (with
   * `details.suggestions`) / `model_unpriced`. Never returns zero rates for an unknown model.
   */
  resolve(lookup: ModelLookup): ResolvedModelPrice;
  /**
   * Optional: the same price as `resolve`, plus the window of call times `[from, until)`
   * (epoch ms) over which `resolve` with the same lookup (any `at` inside) returns that
   * very price. Lets a compiled rater skip lookups while the call time stays inside.
   */
  resolveWindow?(lookup: ModelLookup): ResolvedPriceWindow;
}

/** A resolved price and the call times `[from, until)` (epoch ms) it is in force for, for the same lookup. */
export interface ResolvedPriceWindow {
  price: ResolvedModelPrice;
  from: number;
  until: number;
}

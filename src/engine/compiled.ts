/**
 * The compiled rule graph the quoting hot path walks: every decimal pre-parsed into an
 * exact bigint at the model's scale, rule texts and sources pre-rendered, scopes already
 * applied per model. Built by src/compile; read-only afterwards.
 */
import type { Meter, Plan } from '../pricing/document.js';
import type { Predicate } from './conditions.js';
import type { ScaledConst } from './fixed.js';
import type { CompiledTiers } from './tiers.js';

export interface RateSlot {
  /** Price per unit as a bigint at the model's scale. */
  rate: bigint;
  /** Same price, formatted once. */
  unitPrice: string;
  rule: string;
  source?: string;
  /** Set when a fallback that providers price differently stands in (e.g. cache reads at the input rate): carried on the quote. */
  warning?: string;
}

/** One rate table with its fallbacks resolved, indexed like KIND_ORDER. */
export interface CompiledRates {
  slots: (RateSlot | undefined)[];
}

export interface LongContextRates {
  /** Strictly more prompt tokens than this switches the whole request to `rates`. */
  threshold: number;
  rates: CompiledRates;
}

export interface CompiledAdjustment {
  /** Multiply the running price by `factor` (markups, percent discounts) or subtract `fixed`. */
  factor?: ScaledConst;
  fixed?: ScaledConst;
  kind: 'markup' | 'discount';
  when?: Predicate;
  rule: string;
  source?: string;
}

export interface CompiledSchedule {
  tiers: CompiledTiers;
  meter: Meter;
  /** KIND_ORDER bits the meter counts. */
  mask: number;
  when?: Predicate;
  rule: string;
  source?: string;
}

export interface CompiledAllowance {
  quantity: bigint;
  meter: Meter;
  mask: number;
  rule: string;
  source?: string;
}

export interface CompiledPlan {
  name: string;
  plan: Plan;
  allowance?: CompiledAllowance;
  cap?: ScaledConst;
  capRule: string;
  capSource?: string;
}

/** The rules whose scope admits one model, in evaluation order. */
export interface ModelRules {
  markups: CompiledAdjustment[];
  percentDiscounts: CompiledAdjustment[];
  fixedDiscounts: CompiledAdjustment[];
  /** Top-level tier schedules in scope. */
  schedules: CompiledSchedule[];
  /** Plan name → that plan's schedules in scope. */
  planSchedules: Map<string, CompiledSchedule[]>;
}

export interface CompiledModel {
  id: string;
  provider?: string;
  /** Lower-case id and aliases, for `model` conditions. */
  names: string[];
  /** Fraction digits every amount of this model's quotes fits in exactly. */
  scale: number;
  base: CompiledRates;
  /** Descending by threshold: the first crossed one applies. */
  longContext: LongContextRates[];
  priceVersion: string;
  rules: ModelRules;
}

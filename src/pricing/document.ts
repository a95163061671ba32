/**
 * The pricing document: the one model that both syntaxes (YAML and the `.rate` DSL)
 * produce after parsing and checking, and that `compile` turns into a rule graph.
 *
 * All money and rates are plain decimal strings exactly as the user wrote them
 * (normalized: no `_`, no unit suffix); token thresholds and quantities are decimal
 * strings of integers. Rates are stored PER ONE UNIT (per token, per request): a
 * "2.50 per 1M tokens" in a source file is stored as "0.0000025".
 * Spans point back into the source file for diagnostics and `explain`.
 */
import type { SourceSpan } from '../errors/diagnostic.js';
import type { TokenKind } from '../usage/canonical.js';

export type DecimalString = string;

/** Per-unit prices of one model. A missing kind falls back (see engine docs). */
export interface RateTable {
  /** Applies to every billable token kind that has no rate of its own (the minimal YAML form's `per_token`). */
  default?: DecimalString;
  input?: DecimalString;
  cache_read?: DecimalString;
  /** Cached audio input; defaults to the `cache_read` rate. */
  cache_read_audio?: DecimalString;
  cache_write_5m?: DecimalString;
  cache_write_1h?: DecimalString;
  output?: DecimalString;
  /** Defaults to the output rate. */
  reasoning?: DecimalString;
  input_audio?: DecimalString;
  output_audio?: DecimalString;
  input_image?: DecimalString;
  output_image?: DecimalString;
  /** Fee per request (call). */
  request?: DecimalString;
  /** Fee per web search performed by the call. */
  web_search?: DecimalString;
}

export type RateKey = keyof RateTable;
export const RATE_KEYS: readonly RateKey[] = [
  'default', 'input', 'cache_read', 'cache_read_audio', 'cache_write_5m', 'cache_write_1h', 'output', 'reasoning',
  'input_audio', 'output_audio', 'input_image', 'output_image', 'request', 'web_search',
];

/** Above `threshold` prompt tokens (strictly greater), every rate of the request switches to `rates` (missing kinds keep the base rate). */
export interface LongContextTier {
  threshold: DecimalString;
  rates: RateTable;
  span?: SourceSpan;
}

export interface ModelPricing {
  /** The model name as calls name it (matched case-insensitively). */
  id: string;
  provider?: string;
  /** Other names that resolve to this entry. */
  aliases?: string[];
  rates: RateTable;
  long_context?: LongContextTier[];
  span?: SourceSpan;
}

/** Call attributes conditions can test. `tags` is a list; others are single strings. */
export type AttributeName = string;

/**
 * A condition: all clauses must hold. `eq`/`in` against a list attribute (tags) means
 * "contains any of"; `ne`/`not_in` means "contains none of".
 */
export interface ConditionClause {
  attribute: AttributeName;
  op: 'eq' | 'ne' | 'in' | 'not_in';
  values: string[];
  span?: SourceSpan;
}
export type Condition = ConditionClause[];

/** Which calls a rule applies to, before its `when` condition is tested. */
export interface RuleScope {
  /** Model ids (or aliases) the rule applies to; absent = all models. */
  models?: string[];
  /** Providers the rule applies to; absent = all providers. */
  providers?: string[];
}

export interface MarkupRule {
  type: 'markup';
  /** Exactly one of percent (20 → ×1.20) or multiplier (1.2). */
  percent?: DecimalString;
  multiplier?: DecimalString;
  scope?: RuleScope;
  when?: Condition;
  name?: string;
  span?: SourceSpan;
}

export interface DiscountRule {
  type: 'discount';
  /** Exactly one of percent (50 → ×0.50) or fixed (an amount off per call, never below 0). */
  percent?: DecimalString;
  fixed?: DecimalString;
  scope?: RuleScope;
  when?: Condition;
  name?: string;
  span?: SourceSpan;
}

export type AdjustmentRule = MarkupRule | DiscountRule;

/**
 * What a tier schedule or allowance counts. A token kind, or a group:
 * `tokens` (all token kinds), `input_tokens` (PROMPT_KINDS), `output_tokens` (OUTPUT_KINDS),
 * `requests`, `web_searches`.
 */
export type Meter = TokenKind | 'tokens' | 'input_tokens' | 'output_tokens' | 'requests' | 'web_searches';

export type Period = 'daily' | 'weekly' | 'monthly' | 'quarterly' | 'yearly';

/** One tier: applies to the part of the period quantity in (previous up_to, up_to]; `up_to` absent = unbounded. */
export interface Tier {
  up_to?: DecimalString;
  /** Price per ONE unit of the meter inside this tier. */
  unit_price: DecimalString;
  /** Flat fee charged once when the period quantity first enters this tier. */
  flat_fee?: DecimalString;
  span?: SourceSpan;
}

export interface TierSchedule {
  name?: string;
  mode: 'graduated' | 'volume' | 'package';
  meter: Meter;
  period: Period;
  /** graduated / volume: ascending `up_to`, last one unbounded. */
  tiers?: Tier[];
  /** package: ceil((Q − free) / size) × price. */
  package?: { size: DecimalString; price: DecimalString; free?: DecimalString };
  scope?: RuleScope;
  when?: Condition;
  span?: SourceSpan;
}

export interface Allowance {
  quantity: DecimalString;
  meter: Meter;
  span?: SourceSpan;
}

export interface Plan {
  name: string;
  period: Period;
  /** Recurring fee per period. */
  fee?: DecimalString;
  includes?: Allowance;
  tiers?: TierSchedule[];
  /** Minimum commitment per period: the invoice is trued up to at least this. */
  minimum?: DecimalString;
  /** Maximum usage charge per period. */
  cap?: DecimalString;
  span?: SourceSpan;
}

export interface Budget {
  name?: string;
  /** The attribute budgets are kept per (e.g. `customer`, `agent`). */
  per: AttributeName;
  period: Period;
  amount: DecimalString;
  /** Alert thresholds in percent of `amount`, ascending (e.g. 50, 80, 100). */
  alerts?: DecimalString[];
  /** Refuse calls once the budget is exhausted. */
  hard_limit?: boolean;
  when?: Condition;
  span?: SourceSpan;
}

export interface PricingDocument {
  name?: string;
  version?: string;
  currency: string;
  /** When true, models not listed here are priced from the built-in catalog. */
  use_catalog?: boolean;
  models: ModelPricing[];
  /** Markups and discounts in source order. */
  rules: AdjustmentRule[];
  /** Tier schedules outside any plan (apply to every matching call). */
  tiers: TierSchedule[];
  plans: Plan[];
  budgets: Budget[];
  /** Invoice rounding. */
  rounding?: { mode: string };
}

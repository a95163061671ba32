/**
 * The typed AST of a `.rate` file. Every node has a source span; literals keep the text
 * the user wrote (`1_000.00`, `10M`) so the formatter never rewrites a number, and
 * values are only turned into exact decimals when the document is built (build.ts).
 */
import type { SourceSpan } from '../errors/diagnostic.js';
import type { Meter, Period, RateKey } from '../pricing/document.js';

/** Optional so generated ASTs (property tests) and printed documents need no positions. */
export interface Node {
  span?: SourceSpan;
}

export type Unit = 'tokens' | 'requests' | 'searches';

export type Expr = NumberExpr | PercentExpr | MoneyExpr | QuantityExpr | PerExpr | BinaryExpr;

/** A plain number; `text` may carry `_` separators and a k/M/B count suffix. */
export interface NumberExpr extends Node { kind: 'number'; text: string }
export interface PercentExpr extends Node { kind: 'percent'; text: string }
/** `$500` (currency `$`) or `500 EUR`. */
export interface MoneyExpr extends Node { kind: 'money'; text: string; currency: string }
/** `10M tokens`, `1000 requests`. */
export interface QuantityExpr extends Node { kind: 'quantity'; text: string; unit: Unit }
/** `2.50 per 1M tokens`: `amount` per `count` (default 1) units. */
export interface PerExpr extends Node { kind: 'per'; amount: Expr; count?: string; unit: Unit }
export interface BinaryExpr extends Node { kind: 'binary'; op: '+' | '-' | '*' | '/'; left: Expr; right: Expr }

export interface Clause extends Node {
  attribute: string;
  op: 'eq' | 'ne' | 'in' | 'not_in';
  values: string[];
}

export interface Scope extends Node {
  /** `on all models` */
  all?: boolean;
  models?: string[];
  providers?: string[];
}

/** Clauses shared by markups, discounts and tier schedules. */
export interface Applicability {
  scope?: Scope;
  when?: Clause[];
  name?: string;
}

export interface HeaderStmt extends Node { kind: 'header'; name: string; version?: string }
export interface CurrencyStmt extends Node { kind: 'currency'; code: string }
export interface UseCatalogStmt extends Node { kind: 'use_catalog' }
export interface RoundingStmt extends Node { kind: 'rounding'; mode: string }

export interface RateEntry extends Node { kind: 'rate'; key: RateKey; value: Expr }
export interface AliasEntry extends Node { kind: 'alias'; names: string[] }
export interface LongContextEntry extends Node { kind: 'long_context'; threshold: Expr; rates: RateEntry[] }
export type ModelEntry = RateEntry | AliasEntry | LongContextEntry;

export interface ModelStmt extends Node { kind: 'model'; name: string; provider?: string; entries: ModelEntry[] }

export interface AdjustmentStmt extends Node, Applicability {
  kind: 'markup' | 'discount';
  /** `markup factor 1.2`: a multiplier instead of a percentage. */
  factor?: boolean;
  value: Expr;
}

export interface TierLine extends Node {
  kind: 'tier';
  form: 'up_to' | 'from_to' | 'above';
  /** Lower bound as written (`from A`, `above A`); checked against the previous tier's upper bound. */
  lower?: Expr;
  /** Upper bound (`up to B`, `to B`); absent = unbounded. */
  upper?: Expr;
  price: Expr;
  flat?: Expr;
}
export interface FreeLine extends Node { kind: 'free'; quantity: Expr }
export interface PackageLine extends Node { kind: 'package_price'; price: Expr }
export type TierEntry = TierLine | FreeLine | PackageLine;

export interface TiersStmt extends Node, Applicability {
  kind: 'tiers';
  mode: 'graduated' | 'volume' | 'package';
  meter: Meter;
  period?: Period;
  entries: TierEntry[];
}

export interface PlanAmount extends Node { kind: 'fee' | 'minimum' | 'cap'; value: Expr }
export interface IncludesEntry extends Node { kind: 'includes'; quantity: Expr; meter?: Meter }
export type PlanEntry = PlanAmount | IncludesEntry | TiersStmt;
export interface PlanStmt extends Node { kind: 'plan'; name: string; period: Period; entries: PlanEntry[] }

export interface BudgetStmt extends Node {
  kind: 'budget';
  name?: string;
  per: string;
  period: Period;
  amount: Expr;
  when?: Clause[];
  alerts?: Expr[];
  hardLimit?: boolean;
}

export type Statement =
  | HeaderStmt | CurrencyStmt | UseCatalogStmt | RoundingStmt
  | ModelStmt | AdjustmentStmt | TiersStmt | PlanStmt | BudgetStmt;

export interface Program extends Node { kind: 'program'; statements: Statement[] }

/** A `#` or `//` comment, kept beside the AST so the formatter can put it back. */
export interface Comment { text: string; offset: number; line: number; endLine: number }

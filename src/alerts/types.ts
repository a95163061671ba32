/** Shapes of budgets at run time: what a check answers and what an alert says. Money as decimal strings. */
import type { CallAttributes } from '../engine/types.js';

/** What a budget check sees of a call about to be made. A bare attributes object also works. */
export interface CallInput {
  attributes?: CallAttributes;
  model?: string;
  provider?: string;
  service_tier?: string;
  /** When the call happens (the budget period it falls into). Default: now. */
  at?: string | Date;
}

export interface BudgetStatus {
  /** Stable id of the budget: its name, else `per:period:amount`. */
  budget: string;
  per: string;
  value: string;
  period: string;
  amount: string;
  /** Recorded spend (sum of entry prices) in the period. */
  spent: string;
  /** Held by open reservations. */
  reserved: string;
  /** amount − spent − reserved (negative when over). */
  remaining: string;
  hard_limit: boolean;
  /** True when a hard limit refuses the call. */
  exceeded: boolean;
}

export interface BudgetCheck {
  ok: boolean;
  budgets: BudgetStatus[];
}

export interface BudgetAlert {
  /**
   * The alert record's key in the ledger: `alert:<budget>:<value>:<period>:<threshold>`, with a keyed
   * digest in place of `<value>` in an encrypted ledger (see alert-record.ts). Unique, so it fires once.
   */
  id: string;
  budget: string;
  per: string;
  value: string;
  period: string;
  /** Percent of the amount, as written (e.g. "80"). */
  threshold: string;
  amount: string;
  /** Spend when the threshold was crossed. */
  spent: string;
  hard_limit: boolean;
  /** Event time of the entry that crossed it. */
  at: string;
  /** Seq of the entry that crossed it, and of the alert record. */
  entry_seq: number;
  seq: number;
}

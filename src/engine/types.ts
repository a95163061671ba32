/**
 * The public shapes of quoting: what a caller asks, and what the engine answers.
 * Money in answers is always a plain decimal string.
 */
import type { UsageInput } from '../usage/canonical.js';
import type { Meter } from '../pricing/document.js';

export interface CallAttributes {
  customer?: string;
  plan?: string;
  agent?: string;
  conversation?: string;
  task?: string;
  tags?: string[];
  [name: string]: string | string[] | undefined;
}

export interface QuoteRequest {
  provider?: string;
  model: string;
  /** Canonical usage buckets (see usage/canonical.ts); provider-shaped usage goes through a normalizer first. */
  usage: UsageInput;
  /** When the call happened (ISO-8601 string or Date); selects the price in force. Default: now. */
  at?: string | Date;
  attributes?: CallAttributes;
  /** batch | flex | priority | standard (also readable as attributes.service_tier). */
  service_tier?: string;
  /**
   * Period state before this call, for tiers, allowances and caps: prior quantity per
   * meter and prior spend, within the current period. The ledger maintains these
   * aggregates; absent = start of period.
   */
  period?: PeriodState;
}

export interface PeriodState {
  /** Quantity already metered this period, by meter, as decimal strings of integers. */
  quantities?: Partial<Record<Meter, string>>;
  /** Usage charges already billed this period (for caps), decimal string. */
  spend?: string;
}

export type QuoteLineKind = 'usage' | 'fee' | 'allowance' | 'tier' | 'markup' | 'discount' | 'cap';

export interface QuoteLine {
  kind: QuoteLineKind;
  /** Token kind, `requests`, `web_searches`, or a meter for tier/allowance lines. */
  component?: string;
  /** Decimal string (integer for token counts). */
  quantity?: string;
  /** Price per unit, decimal string. */
  unit_price?: string;
  /** Signed decimal string; the lines of a quote sum exactly to `price`. */
  amount: string;
  /** Human-readable origin, e.g. `model gpt-4o input`, `markup 20% on all models`. */
  rule: string;
  /** Where the rule is written: `file:line:col` when known. */
  source?: string;
}

export interface Quote {
  currency: string;
  /** Provider cost at the model rates (before plans and rules), exact decimal string. */
  cost: string;
  /** What the customer pays for this call, exact decimal string (equals cost when no rule applies). */
  price: string;
  lines: QuoteLine[];
  model: string;
  provider?: string;
  /** Which price version was used (catalog price id / effective date, or the ratecard content hash). */
  price_version?: string;
  /** Per-meter quantities this call adds (for the ledger's period aggregates). */
  metered?: Partial<Record<Meter, string>>;
  /** Diagnostics that did not stop the quote (e.g. a fallback rate was used). */
  warnings?: string[];
}

/** Anything that can price a call: a compiled ratecard or the built-in catalog. */
export interface Rater {
  quote(request: QuoteRequest): Quote;
  /** Stable content hash of the pricing used, recorded in ledger entries. */
  readonly version: string;
}

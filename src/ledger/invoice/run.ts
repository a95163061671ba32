/**
 * A billing run: every customer's invoice for one period from a single pass over the log
 * (one invoice at a time would read the whole log once per customer). One customer's
 * problem (several currencies, an ambiguous or unknown plan) fails that invoice, not the
 * run; usage attributed to no customer is counted, never dropped silently.
 */
import { RatecardError } from '../../errors/index.js';
import { Dec, formatDecimal, ZERO, type Decimal } from '../../money/index.js';
import type { PricingDocument } from '../../pricing/document.js';
import type { LedgerEntry } from '../entry.js';
import { parsePeriodKey, periodKey } from '../period.js';
import { InvoiceBuilder, type Invoice } from './build.js';

export interface BillingRunInput {
  /** YYYY-MM (or another period key: YYYY-MM-DD, YYYY-Www, YYYY-Qn, YYYY). */
  period: string;
  /**
   * Invoice exactly these customers, each even without usage in the period (a plan's fee
   * or minimum is still owed). Default: every customer with entries in the period.
   */
  customers?: readonly string[];
  /** Plans and rounding come from here. */
  document?: PricingDocument;
  /** Plan per customer; a customer not named here is on the plan their calls named. */
  plans?: Readonly<Record<string, string>>;
  /** Currency of an invoice without priced entries; default the document's. */
  currency?: string;
}

export interface BillingRunFailure {
  customer: string;
  code: string;
  message: string;
}

export interface BillingRun {
  period: string;
  /** Sorted by customer. */
  invoices: Invoice[];
  /** Customers whose invoice could not be built, with the reason (fix and run again). */
  failed: BillingRunFailure[];
  /**
   * Rated entries of the period with no `customer` attribute: billed to nobody. `amounts`:
   * their priced total per currency (exact decimal strings); `unpriced`: how many carry no price.
   */
  unattributed: { entries: number; unpriced: number; amounts: Record<string, string> };
}

export async function billingRun(entries: AsyncIterable<LedgerEntry>, input: BillingRunInput): Promise<BillingRun> {
  const kind = parsePeriodKey(input.period);
  const only = input.customers === undefined ? undefined : new Set(checkCustomers(input.customers));
  const builders = new Map<string, InvoiceBuilder>();
  const builderFor = (customer: string): InvoiceBuilder => {
    let b = builders.get(customer);
    if (!b) {
      const plan = input.plans?.[customer];
      b = new InvoiceBuilder({
        customer,
        period: input.period,
        ...(input.document ? { document: input.document } : {}),
        ...(plan !== undefined ? { plan } : {}),
        ...(input.currency !== undefined ? { currency: input.currency } : {}),
      });
      builders.set(customer, b);
    }
    return b;
  };
  for (const customer of only ?? []) builderFor(customer);
  let unattributed = 0;
  let unpriced = 0;
  const amounts = new Map<string, Decimal>();
  for await (const e of entries) {
    if (!e.rating || periodKey(new Date(e.at), kind) !== input.period) continue;
    const customer = e.attributes?.customer;
    if (typeof customer === 'string') {
      if (only === undefined || only.has(customer)) builderFor(customer).add(e);
      continue;
    }
    unattributed++;
    if (e.rating.status === 'priced') amounts.set(e.rating.currency, (amounts.get(e.rating.currency) ?? ZERO).plus(new Dec(e.rating.price)));
    else unpriced++;
  }
  const invoices: Invoice[] = [];
  const failed: BillingRunFailure[] = [];
  for (const customer of [...builders.keys()].sort()) {
    try {
      invoices.push(builders.get(customer)!.finish());
    } catch (error) {
      if (!(error instanceof RatecardError)) throw error;
      failed.push({ customer, code: error.code, message: error.message });
    }
  }
  const byCurrency = Object.fromEntries([...amounts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([c, d]) => [c, formatDecimal(d)]));
  return { period: input.period, invoices, failed, unattributed: { entries: unattributed, unpriced, amounts: byCurrency } };
}

function checkCustomers(customers: readonly string[]): readonly string[] {
  const bad = customers.filter((c) => typeof c !== 'string' || c === '');
  if (bad.length > 0) throw new RatecardError('invoice_customer_invalid', `customers must be non-empty strings (got ${bad.map((c) => JSON.stringify(c)).join(', ')})`);
  return customers;
}

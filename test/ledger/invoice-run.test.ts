/**
 * Billing runs (`ledger.invoices`): every customer's invoice for a period from one pass.
 * Property: the run equals `invoice()` per customer (same invoices, the same failures,
 * sorted), over random ledgers with entries on both sides of period boundaries, unattributed
 * and unpriced entries, several plans. Entries of other periods are never decoded.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLedger, type Invoice } from '../../src/ledger/index.js';
import { RatecardError } from '../../src/errors/index.js';
import { Dec, ZERO } from '../../src/money/index.js';
import type { PricingDocument } from '../../src/pricing/document.js';
import { createMemoryStorage } from '../../src/storage/memory.js';
import type { EntryRecord } from '../../src/storage/types.js';
import { testRater } from './test-rater.js';

const DOC: PricingDocument = {
  currency: 'USD', models: [], rules: [], tiers: [], budgets: [], rounding: { mode: 'half_even' },
  plans: [
    { name: 'pro', period: 'monthly', fee: '49.00', minimum: '60' },
    { name: 'team', period: 'monthly', fee: '10.00', cap: '0.05' },
  ],
};
// Both sides of the 2025-02 boundaries, to the millisecond.
const TIMES = ['2025-01-31T23:59:59.999Z', '2025-02-01T00:00:00.000Z', '2025-02-14T08:00:00+05:00', '2025-02-28T23:59:59.999Z', '2025-03-01T00:00:00Z'];

interface Ev { customer?: string; plan?: string; at: string; output: number; model: string; incomplete: boolean }

const event = fc.record({
  customer: fc.option(fc.constantFrom('acme', 'globex', 'a"b', 'ünï'), { nil: undefined }),
  plan: fc.option(fc.constantFrom('pro', 'team'), { nil: undefined }),
  at: fc.constantFrom(...TIMES),
  output: fc.integer({ min: 0, max: 40_000 }),
  model: fc.constantFrom('gpt-test', 'gpt-test', 'no-such-model'),
  incomplete: fc.boolean(),
});

async function ledgerOf(events: Ev[]) {
  const ledger = createLedger({ storage: createMemoryStorage(), ratecard: testRater(), clock: () => new Date(0) });
  let n = 0;
  for (const e of events) {
    await ledger.record({
      id: `e${n++}`, at: e.at, model: e.model,
      ...(e.incomplete ? { status: 'incomplete' as const } : { usage: { input: 100, output: e.output } }),
      attributes: { ...(e.customer !== undefined ? { customer: e.customer } : {}), ...(e.plan !== undefined ? { plan: e.plan } : {}) },
    });
  }
  return ledger;
}

/** What `invoice()` gives per customer: the invoice, or the code it failed with. */
async function oneByOne(ledger: Awaited<ReturnType<typeof ledgerOf>>, customers: string[], plans: Record<string, string> = {}) {
  const invoices: Invoice[] = [];
  const failed: Array<{ customer: string; code: string }> = [];
  for (const customer of [...customers].sort()) {
    try {
      invoices.push(await ledger.invoice({ customer, period: '2025-02', document: DOC, ...(plans[customer] ? { plan: plans[customer] } : {}) }));
    } catch (error) {
      if (!(error instanceof RatecardError)) throw error;
      failed.push({ customer, code: error.code });
    }
  }
  return { invoices, failed };
}

describe('billing run', () => {
  it('equals invoice() for each customer with entries in the period; counts what is billed to nobody', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(event, { maxLength: 30 }), async (events) => {
        const ledger = await ledgerOf(events);
        const run = await ledger.invoices({ period: '2025-02', document: DOC });
        const inPeriod = (e: Ev) => new Date(e.at).toISOString().startsWith('2025-02');
        const customers = [...new Set(events.filter((e) => inPeriod(e) && e.customer !== undefined).map((e) => e.customer!))];
        const expected = await oneByOne(ledger, customers);
        expect(run.invoices).toEqual(expected.invoices);
        expect(run.failed.map(({ customer, code }) => ({ customer, code }))).toEqual(expected.failed);
        // Nobody's: recomputed from the decoded entries.
        let amount = ZERO;
        let entries = 0;
        let unpriced = 0;
        for await (const e of ledger.entries()) {
          if (!e.rating || e.attributes?.customer !== undefined || !e.at.startsWith('2025-02')) continue;
          entries++;
          if (e.rating.status === 'priced') amount = amount.plus(new Dec(e.rating.price));
          else unpriced++;
        }
        expect(run.unattributed.entries).toBe(entries);
        expect(run.unattributed.unpriced).toBe(unpriced);
        expect(new Dec(run.unattributed.amounts.USD ?? '0').eq(amount)).toBe(true);
        if (entries === unpriced) expect(run.unattributed.amounts).toEqual({});
      }),
      { numRuns: 60 },
    );
  });

  it('named customers only, each invoiced even without usage; plans per customer', async () => {
    const ledger = await ledgerOf([
      { customer: 'acme', plan: 'pro', at: TIMES[1]!, output: 1000, model: 'gpt-test', incomplete: false },
      { customer: 'globex', plan: 'team', at: TIMES[2]!, output: 1000, model: 'gpt-test', incomplete: false },
    ]);
    const run = await ledger.invoices({ period: '2025-02', document: DOC, customers: ['idle', 'acme'], plans: { idle: 'pro', acme: 'team' } });
    expect(run.invoices.map((i) => [i.customer, i.plan, i.entries, i.total])).toEqual([
      ['acme', 'team', 1, '10.00'],
      ['idle', 'pro', 0, '60.00'],
    ]);
    expect(run.invoices).toEqual((await oneByOne(ledger, ['acme', 'idle'], { idle: 'pro', acme: 'team' })).invoices);
    await expect(ledger.invoices({ period: '2025-02', customers: ['acme', ''] })).rejects.toMatchObject({ code: 'invoice_customer_invalid' });
    await expect(ledger.invoices({ period: 'February' })).rejects.toMatchObject({ code: 'period_invalid' });
  });

  it('one customer failing does not fail the run', async () => {
    const ledger = await ledgerOf([
      { customer: 'acme', plan: 'pro', at: TIMES[1]!, output: 10, model: 'gpt-test', incomplete: false },
      { customer: 'acme', plan: 'team', at: TIMES[2]!, output: 10, model: 'gpt-test', incomplete: false },
      { customer: 'globex', plan: 'team', at: TIMES[2]!, output: 10, model: 'gpt-test', incomplete: false },
    ]);
    const run = await ledger.invoices({ period: '2025-02', document: DOC, plans: { globex: 'nope' } });
    expect(run.invoices).toEqual([]);
    expect(run.failed.map((f) => [f.customer, f.code])).toEqual([['acme', 'invoice_plan_ambiguous'], ['globex', 'plan_not_found']]);
    expect(run.failed[0]!.message).toMatch(/several plans/);
  });

  it('does not decode the entries of other periods', async () => {
    const ledger = await ledgerOf(TIMES.map((at, i) => ({ customer: 'acme', at, output: i * 10, model: 'gpt-test', incomplete: false })));
    const before = await ledger.invoices({ period: '2025-02', document: DOC });
    type Reads = { read: (from: number, limit: number) => Promise<EntryRecord[]>; scan: (from: number, to: number, f: { bodyIncludes: string }) => Promise<EntryRecord[]> };
    const storage = (ledger as unknown as { storage: Reads }).storage;
    const read = storage.read.bind(storage);
    const scan = storage.scan.bind(storage);
    // Records of other months now hold bodies that cannot be decoded (the needle kept, so a scan still finds them).
    const spoil = (r: EntryRecord) => (new Date(r.at).toISOString().startsWith('2025-02') ? r : { ...r, body: `{not json ${r.body}` });
    storage.read = async (from, limit) => (await read(from, limit)).map(spoil);
    storage.scan = async (from, to, f) => (await scan(from, to, f)).map(spoil);
    expect(await ledger.invoices({ period: '2025-02', document: DOC })).toEqual(before);
    expect(await ledger.invoice({ customer: 'acme', period: '2025-02', document: DOC })).toEqual(before.invoices[0]);
    expect(before.invoices[0]!.entries).toBe(3);
  });

  it('refuses a ledger with sealed attribution when the key is missing', async () => {
    const storage = createMemoryStorage();
    const key = Buffer.alloc(32, 7).toString('base64');
    const sealed = createLedger({ storage, ratecard: testRater(), encryption: { key } });
    await sealed.record({ id: 'x', at: TIMES[1]!, model: 'gpt-test', usage: { input: 1, output: 1 }, attributes: { customer: 'acme' } });
    const run = await sealed.invoices({ period: '2025-02' });
    expect(run.invoices.map((i) => i.customer)).toEqual(['acme']);
    await expect(createLedger({ storage, ratecard: testRater() }).invoices({ period: '2025-02' })).rejects.toMatchObject({ code: 'encryption_key_required' });
  });
});

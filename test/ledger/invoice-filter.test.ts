/**
 * Invoices skip the entries of other customers without decoding them (a text search of the
 * canonical body): for any customer ids — quotes, backslashes, non-ASCII, one id a prefix of
 * another, an id spelled inside another attribute — the invoice equals one built from every
 * entry decoded and filtered by customer.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLedger } from '../../src/ledger/index.js';
import { buildInvoice } from '../../src/ledger/invoice/build.js';
import type { LedgerEntry } from '../../src/ledger/entry.js';
import { createMemoryStorage } from '../../src/storage/memory.js';
import { testRater } from './test-rater.js';

const TRICKY = ['acme', 'acme2', 'a"b', 'a\\b', 'ünï', '😀', 'x","customer":"acme', '"customer":"acme"', ''];

describe('invoice entry filter', () => {
  it('equals the invoice of every entry decoded and filtered by customer', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            customer: fc.oneof(fc.constantFrom(...TRICKY), fc.string({ maxLength: 6 })),
            agent: fc.constantFrom('bot', '"customer":"acme"', 'acme'),
            month: fc.integer({ min: 1, max: 2 }),
            output: fc.integer({ min: 0, max: 5000 }),
          }),
          { minLength: 1, maxLength: 25 },
        ),
        async (events) => {
          const ledger = createLedger({ storage: createMemoryStorage(), ratecard: testRater(), clock: () => new Date(0) });
          let n = 0;
          for (const e of events) {
            await ledger.record({ id: `e${n++}`, at: `2025-0${e.month}-05T00:00:00Z`, model: 'gpt-test', usage: { input: 10, output: e.output }, attributes: { customer: e.customer, agent: e.agent } });
          }
          const all: LedgerEntry[] = [];
          for await (const e of ledger.entries()) all.push(e);
          for (const customer of new Set([...events.map((e) => e.customer), 'nobody'])) {
            const expected = buildInvoice(
              all.filter((e) => e.attributes?.customer === customer),
              { customer, period: '2025-01' },
            );
            expect(await ledger.invoice({ customer, period: '2025-01' })).toEqual(expected);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

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

  it('finds the customer across pages of the log (more entries than one scan covers)', async () => {
    const ledger = createLedger({ storage: createMemoryStorage(), ratecard: testRater(), clock: () => new Date(0) });
    const N = 25_000;
    // Entries on both sides of each 10 000-entry page boundary (seqs 10000/10001, 20000/20001).
    const EDGES = new Set([9_999, 10_000, 19_999, 20_000]);
    for (let i = 0; i < N; i += 1000) {
      await Promise.all(Array.from({ length: 1000 }, (_, j) => ledger.record({ id: `e${i + j}`, at: '2025-01-05T00:00:00Z', model: 'gpt-test', usage: { input: 1, output: i + j }, attributes: { customer: (i + j) % 997 === 0 || EDGES.has(i + j) ? 'acme' : 'other' } })));
    }
    const all: LedgerEntry[] = [];
    for await (const e of ledger.entries()) if (e.attributes?.customer === 'acme') all.push(e);
    const inv = await ledger.invoice({ customer: 'acme', period: '2025-01' });
    expect(inv.entries).toBe(Math.floor((N - 1) / 997) + 1 + EDGES.size);
    expect(inv).toEqual(buildInvoice(all, { customer: 'acme', period: '2025-01' }));
  });

  it('entries({ bodyIncludes }) also yields what is recorded while it iterates, as entries() does', async () => {
    const ledger = createLedger({ storage: createMemoryStorage(), ratecard: testRater(), clock: () => new Date(0) });
    const rec = (id: string, customer: string) => ledger.record({ id, at: '2025-01-05T00:00:00Z', model: 'gpt-test', usage: { input: 1, output: 1 }, attributes: { customer } });
    await rec('a', 'acme');
    await rec('b', 'other');
    const seen: string[] = [];
    for await (const e of ledger.entries({ bodyIncludes: '"customer":"acme"' })) {
      seen.push(e.key);
      if (e.key === 'a') {
        await rec('c', 'other');
        await rec('d', 'acme');
      }
    }
    expect(seen).toEqual(['a', 'd']);
  });
});

/**
 * Aggregates maintained incrementally by record() equal a full replay of the stored
 * entries, and equal a reference model computed straight from the accepted events, for
 * random streams with duplicates, conflicting keys, out-of-order times, unpriced calls
 * and concurrent batches. With graduated tiers, per-event charges sum to the period
 * charge whatever the order.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Aggregates, createLedger, type UsageEvent } from '../../src/ledger/index.js';
import { createMemoryStorage } from '../../src/storage/memory.js';
import { decodeRecord } from '../../src/ledger/entry.js';
import { Dec, formatDecimal, ZERO, type Decimal } from '../../src/money/index.js';
import { testRater } from './test-rater.js';

const TIERS: Array<[number | undefined, string]> = [[3000, '0.01'], [8000, '0.005'], [undefined, '0.001']];
const INPUT_RATE = '0.000001';

function graduated(q: number): Decimal {
  let total = ZERO;
  let prev = 0;
  for (const [upTo, price] of TIERS) {
    const top = upTo === undefined ? q : Math.min(q, upTo);
    if (top > prev) total = total.plus(new Dec(top - prev).times(price));
    if (upTo === undefined || q <= upTo) break;
    prev = upTo;
  }
  return total;
}

const eventArb = fc.record({
  key: fc.integer({ min: 0, max: 25 }),
  customer: fc.constantFrom('acme', 'globex', undefined),
  month: fc.integer({ min: 1, max: 3 }),
  minute: fc.integer({ min: 0, max: 40_000 }),
  input: fc.integer({ min: 0, max: 4000 }),
  output: fc.integer({ min: 0, max: 4000 }),
  kind: fc.constantFrom('ok', 'ok', 'ok', 'ok', 'incomplete', 'unknown_model'),
});

type Ev = typeof eventArb extends fc.Arbitrary<infer T> ? T : never;

function toEvent(e: Ev): UsageEvent {
  const at = new Date(Date.UTC(2025, e.month - 1, 1) + e.minute * 60_000).toISOString();
  return {
    id: `k${e.key}`,
    at,
    model: e.kind === 'unknown_model' ? 'mystery' : 'gpt-test',
    ...(e.kind === 'incomplete' ? { status: 'incomplete' as const } : { usage: { input: e.input, output: e.output } }),
    ...(e.customer ? { attributes: { customer: e.customer } } : {}),
  };
}

describe('aggregates', () => {
  it('incremental == replay == reference model, for random streams with duplicates and out-of-order times', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(eventArb, { minLength: 1, maxLength: 60 }),
        fc.array(fc.nat({ max: 59 }), { maxLength: 15 }),
        fc.integer({ min: 1, max: 8 }),
        async (raw, repeats, concurrency) => {
          // Exact duplicates: replay some earlier events at random later points.
          const events = raw.map(toEvent);
          for (const r of repeats) if (r < events.length) events.push(events[r]!);
          const storage = createMemoryStorage();
          const ledger = createLedger({ storage, ratecard: testRater({ tiers: TIERS }), clock: () => new Date(0) });
          const accepted = new Map<string, UsageEvent>();
          for (let i = 0; i < events.length; i += concurrency) {
            const chunk = events.slice(i, i + concurrency);
            const results = await Promise.allSettled(chunk.map((e) => ledger.record(e)));
            results.forEach((r, j) => {
              const e = chunk[j]!;
              if (r.status === 'fulfilled') {
                if (!accepted.has(e.id)) accepted.set(e.id, e);
                expect(JSON.stringify(accepted.get(e.id))).toBe(JSON.stringify(e));
              } else {
                expect(r.reason).toMatchObject({ code: 'idempotency_conflict' });
                expect(accepted.has(e.id)).toBe(true);
              }
            });
          }
          // 1. one entry per accepted key
          expect((await storage.head()).seq).toBe(accepted.size);
          // 2. incremental == replay
          const replay = new Aggregates(['customer']);
          for (const r of await storage.read(1, 10_000)) replay.apply(decodeRecord(r));
          const incremental = await ledger.aggregates();
          expect(incremental).toEqual(replay.snapshot());
          // 3. == reference model: per customer-month, spend = input cost + graduated(total output)
          const model = new Map<string, { input: number; output: number; entries: number; unpriced: number }>();
          for (const e of accepted.values()) {
            const k = `${e.attributes?.customer ?? ''}|${e.at.slice(0, 7)}`;
            const m = model.get(k) ?? { input: 0, output: 0, entries: 0, unpriced: 0 };
            m.entries++;
            if (e.status === 'incomplete' || e.model === 'mystery') m.unpriced++;
            else {
              m.input += Number(e.usage!.input);
              m.output += Number(e.usage!.output);
            }
            model.set(k, m);
          }
          expect(incremental.length).toBe(model.size);
          for (const a of incremental) {
            const m = model.get(`${a.value}|${a.period}`)!;
            expect(a.entries).toBe(m.entries);
            expect(a.unpriced).toBe(m.unpriced);
            expect(a.spend).toBe(formatDecimal(new Dec(m.input).times(INPUT_RATE).plus(graduated(m.output))));
          }
          // 4. the chain and every rating verify
          const report = await ledger.verify();
          expect(report.ok).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });
});

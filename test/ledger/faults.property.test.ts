/**
 * Simulation with injected storage faults: appends fail before the callback runs, or
 * after it staged its records (as a failed write/fsync would: nothing kept). The ledger
 * must reject exactly the affected calls, never acknowledge a record it did not keep,
 * and its aggregates must still equal a replay of what storage holds; retrying the
 * failed events records each exactly once.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Aggregates, createLedger, type UsageEvent } from '../../src/ledger/index.js';
import { decodeRecord } from '../../src/ledger/entry.js';
import { MemoryStorage } from '../../src/storage/memory.js';
import type { AppendTx } from '../../src/storage/types.js';
import { RatecardError } from '../../src/errors/index.js';
import { testRater } from './test-rater.js';

class FaultyStorage extends MemoryStorage {
  constructor(private readonly faults: () => 'none' | 'before' | 'after') {
    super();
  }
  override async appendWith<R>(fn: (tx: AppendTx) => R | Promise<R>): Promise<R> {
    const fault = this.faults();
    await new Promise((r) => setTimeout(r, 1)); // an append takes time, like a real write
    if (fault === 'before') throw new RatecardError('storage_failed', 'injected: write refused');
    return super.appendWith(async (tx) => {
      const r = await fn(tx);
      if (fault === 'after') throw new RatecardError('storage_failed', 'injected: fsync failed');
      return r;
    });
  }
}

describe('ledger under injected storage faults', () => {
  it('acknowledges only what storage kept; aggregates equal a replay; retries record once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ customer: fc.constantFrom('a', 'b'), output: fc.integer({ min: 0, max: 3000 }), day: fc.integer({ min: 1, max: 28 }) }), { minLength: 1, maxLength: 40 }),
        fc.array(fc.constantFrom('none', 'none', 'none', 'before', 'after'), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 40 }),
        async (specs, faultPlan, concurrency) => {
          let i = 0;
          const storage = new FaultyStorage(() => faultPlan[i++ % faultPlan.length]!);
          const ledger = createLedger({ storage, ratecard: testRater({ tiers: [[2000, '0.01'], [undefined, '0.002']] }), clock: () => new Date(0) });
          const events: UsageEvent[] = specs.map((s, n) => ({ id: `e${n}`, at: `2025-03-${String(s.day).padStart(2, '0')}T00:00:00Z`, model: 'gpt-test', usage: { input: 10, output: s.output }, attributes: { customer: s.customer } }));
          const acked = new Set<string>();
          let pending = events;
          for (let round = 0; round < 50 && pending.length > 0; round++) {
            const failed: UsageEvent[] = [];
            for (let k = 0; k < pending.length; k += concurrency) {
              const chunk = pending.slice(k, k + concurrency);
              // Staggered, so calls also arrive while an earlier batch is being appended.
              const results = await Promise.allSettled(chunk.map((e, j) => new Promise((r) => setTimeout(r, j % 3)).then(() => ledger.record(e))));
              results.forEach((r, j) => {
                if (r.status === 'fulfilled') acked.add(chunk[j]!.id);
                else {
                  expect(r.reason).toMatchObject({ code: 'storage_failed' });
                  failed.push(chunk[j]!);
                }
              });
            }
            pending = failed;
          }
          const stored = (await storage.read(1, 10_000)).map((r) => decodeRecord(r));
          // every acknowledged key is stored, once; nothing else is
          expect(new Set(stored.map((e) => e.key))).toEqual(acked);
          expect(stored.length).toBe(acked.size);
          const replay = new Aggregates(['customer']);
          for (const e of stored) replay.apply(e);
          expect(await ledger.aggregates()).toEqual(replay.snapshot());
          expect(await ledger.verify()).toMatchObject({ ok: true, mismatches: [], chain: [] });
        },
      ),
      { numRuns: 40 },
    );
  });
});

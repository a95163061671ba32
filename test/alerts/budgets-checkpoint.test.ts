/**
 * Budget spend checkpoints: a restart starts from the last checkpoint kept for the same
 * budgets and reads only the entries after it; spend and alerts are exactly those of a
 * process that read the whole log, and every threshold still fires once.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUDGETS_CHECKPOINT, createBudgets } from '../../src/alerts/budgets.js';
import { createMemoryStorage } from '../../src/storage/memory.js';
import type { LedgerStorage } from '../../src/storage/types.js';
import { createLedger } from '../../src/ledger/index.js';
import { call, makeLedger, ratecard } from './fixtures.js';

const KEY = '11'.repeat(32);

async function alertKeys(storage: LedgerStorage): Promise<string[]> {
  return (await storage.read(1, 100_000)).filter((r) => r.type === 'alert').map((r) => r.key);
}

describe('budget spend checkpoints', () => {
  it('restarts from the checkpoint: same spend as a full read, each threshold fired once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.record({ dollars: fc.integer({ min: 0, max: 4 }), customer: fc.constantFrom('acme', 'globex'), day: fc.integer({ min: 1, max: 28 }) }), { maxLength: 10 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 5 }),
        async (sessions, every) => {
          const storage = createMemoryStorage();
          for (const session of sessions) {
            // A new process per session, on the same ledger.
            const budgets = createBudgets({ ledger: makeLedger(storage), checkpointEvery: every });
            await budgets.refresh();
            for (const c of session) await budgets.record(call(c.dollars, { customer: c.customer }, c.day));
            await new Promise((r) => setTimeout(r, 1)); // let a checkpoint write land
          }
          const restarted = createBudgets({ ledger: makeLedger(storage), checkpointEvery: every });
          const full = createBudgets({ ledger: makeLedger(storage), checkpointEvery: false });
          expect(await restarted.refresh()).toEqual([]);
          expect(await full.refresh()).toEqual([]);
          for (const customer of ['acme', 'globex']) expect(restarted.spent('cust', customer, '2025-03')).toBe(full.spent('cust', customer, '2025-03'));
          const keys = await alertKeys(storage);
          expect(new Set(keys).size).toBe(keys.length);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('reads only the entries after the checkpoint, and ignores one kept for other budgets', async () => {
    const storage = createMemoryStorage();
    const first = createBudgets({ ledger: makeLedger(storage), checkpointEvery: 3 });
    for (let i = 0; i < 7; i++) await first.record(call(1));
    await expect.poll(async () => JSON.parse((await storage.getMeta(first.checkpointName)) ?? '{"seq":0}').seq).toBeGreaterThanOrEqual(6);
    const again = createBudgets({ ledger: makeLedger(storage) });
    await again.refresh();
    expect(again.startedFrom).toBeGreaterThanOrEqual(6);
    expect(again.spent('cust', 'acme', '2025-03')).toBe('7');
    // 50% (5 of 10) fired once, before the restart: not again.
    expect((await alertKeys(storage)).filter((k) => k.includes(':50'))).toHaveLength(1);
    await again.record(call(1)); // 8 of 10: the 80% alert, once
    expect((await alertKeys(storage)).filter((k) => k.includes(':80'))).toHaveLength(1);

    const other = createBudgets({ ledger: makeLedger(storage), budgets: [{ name: 'cust', per: 'customer', period: 'monthly', amount: '20.00', alerts: ['50'] }] });
    await other.refresh();
    expect(other.startedFrom).toBe(0);
    expect(other.spent('cust', 'acme', '2025-03')).toBe('8');
  });

  it('is sealed in an encrypted ledger, and used by a process with the key', async () => {
    const storage = createMemoryStorage();
    const keyed = () => createLedger({ storage, ratecard, encryption: { key: KEY }, clock: () => new Date('2025-03-20T00:00:00Z') });
    const budgets = createBudgets({ ledger: keyed(), checkpointEvery: 2 });
    for (let i = 0; i < 3; i++) await budgets.record(call(2, { customer: 'secret-customer-7' }));
    await expect.poll(async () => storage.getMeta(budgets.checkpointName)).toBeDefined();
    const stored = (await storage.getMeta(budgets.checkpointName))!;
    expect(stored).toMatch(/"sealed"/);
    expect(stored).not.toMatch(/secret-customer/);
    const again = createBudgets({ ledger: keyed() });
    await again.refresh();
    expect(again.startedFrom).toBeGreaterThan(0);
    expect(again.spent('cust', 'secret-customer-7', '2025-03')).toBe('6');
  });

  it('keeps one checkpoint per set of budgets: two sets on one ledger both restart from their own', async () => {
    const storage = createMemoryStorage();
    const first = { name: 'cust', per: 'customer' as const, period: 'monthly' as const, amount: '10.00', alerts: ['50'] };
    // A second set whose fingerprint lands in another of the 16 slots.
    let amount = 20;
    const second = () => createBudgets({ ledger: makeLedger(storage), checkpointEvery: 2, budgets: [{ ...first, amount: `${amount}.00` }] });
    const firsts = () => createBudgets({ ledger: makeLedger(storage), checkpointEvery: 2, budgets: [first] });
    while (second().checkpointName === firsts().checkpointName && amount < 100) amount++;
    // Both sets see the same entries, turn by turn, as two services sharing the ledger would.
    for (let turn = 0; turn < 3; turn++) {
      for (const make of [firsts, second]) {
        const b = make();
        await b.refresh();
        if (turn > 0) expect(b.startedFrom).toBeGreaterThan(0);
        await b.record(call(1));
        await b.record(call(1));
        await expect.poll(async () => storage.getMeta(b.checkpointName)).toBeDefined();
      }
    }
    expect(firsts().checkpointName).not.toBe(second().checkpointName);
    const a = firsts();
    const b = second();
    await a.refresh();
    await b.refresh();
    expect(a.spent('cust', 'acme', '2025-03')).toBe('12');
    expect(b.spent('cust', 'acme', '2025-03')).toBe('12');
  });

  it('starts from a checkpoint kept under the single name of earlier versions', async () => {
    const storage = createMemoryStorage();
    const budgets = createBudgets({ ledger: makeLedger(storage), checkpointEvery: 2 });
    for (let i = 0; i < 4; i++) await budgets.record(call(1));
    await expect.poll(async () => storage.getMeta(budgets.checkpointName)).toBeDefined();
    // As an earlier version left it: under the one name, nothing in the slot.
    await storage.setMeta(BUDGETS_CHECKPOINT, (await storage.getMeta(budgets.checkpointName))!);
    await storage.setMeta(budgets.checkpointName, '');
    const again = createBudgets({ ledger: makeLedger(storage) });
    await again.refresh();
    expect(again.startedFrom).toBeGreaterThan(0);
    expect(again.spent('cust', 'acme', '2025-03')).toBe('4');
  });
});

/**
 * Properties: each threshold of each (customer, period) fires exactly once when (and only
 * when) spend reaches it, however the recording is split across Budgets instances
 * (restarts); and concurrent reservations never jointly exceed a hard limit.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createBudgets, type BudgetAlert } from '../../src/alerts/index.js';
import { Dec } from '../../src/money/index.js';
import { call, makeLedger } from './fixtures.js';

describe('budget properties', () => {
  it('alerts fire exactly once per threshold and period, across restarts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ cost: fc.integer({ min: 0, max: 4 }), customer: fc.constantFrom('a', 'b'), month: fc.constantFrom(3, 4), restart: fc.boolean() }), { maxLength: 25 }),
        async (calls) => {
          const ledger = makeLedger();
          const fired: BudgetAlert[] = [];
          let budgets = createBudgets({ ledger, onAlert: (a) => void fired.push(a) });
          const totals = new Map<string, number>();
          for (const c of calls) {
            if (c.restart) budgets = createBudgets({ ledger, onAlert: (a) => void fired.push(a) });
            await budgets.record(call(c.cost, { customer: c.customer }, 10, { at: `2025-0${c.month}-10T00:00:00Z` }));
            const k = `${c.customer}:2025-0${c.month}`;
            totals.set(k, (totals.get(k) ?? 0) + c.cost);
          }
          const expected: string[] = [];
          for (const [k, total] of totals) for (const t of [50, 80, 100]) if (total >= (10 * t) / 100) expected.push(`${k}:${t}`);
          const got = fired.filter((a) => a.budget === 'cust').map((a) => `${a.value}:${a.period}:${a.threshold}`);
          expect(got.sort()).toEqual(expected.sort());
        },
      ),
      { numRuns: 40 },
    );
  });

  it('concurrent reservations never jointly exceed the hard limit', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 10 }), fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 12 }), async (spent, cents) => {
        const ledger = makeLedger();
        const budgets = createBudgets({ ledger, clock: () => new Date('2025-03-20T00:00:00Z') });
        if (spent > 0) await budgets.record(call(spent));
        const estimates = cents.map((c) => new Dec(c).div(100).toFixed());
        const results = await Promise.allSettled(estimates.map((e) => budgets.reserve({ customer: 'acme' }, e)));
        const held = results.reduce((sum, r, i) => (r.status === 'fulfilled' ? sum.plus(estimates[i]!) : sum), new Dec(0));
        expect(held.lte(new Dec(10 - spent))).toBe(true);
        for (const r of results) if (r.status === 'rejected') expect((r.reason as { code: string }).code).toBe('budget_exceeded');
        // Nothing refused that would have fitted in what the granted ones left.
        const left = new Dec(10 - spent).minus(held);
        results.forEach((r, i) => {
          if (r.status === 'rejected') expect(new Dec(estimates[i]!).gt(left) || left.lte(0)).toBe(true);
        });
      }),
      { numRuns: 60 },
    );
  });
});

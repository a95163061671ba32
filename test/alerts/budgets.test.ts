import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBudgets, createAlertOutbox, type BudgetAlert } from '../../src/alerts/index.js';
import { createFileStorage } from '../../src/storage/file/index.js';
import { createHttpSink } from '../../src/sync/index.js';
import { isRatecardError } from '../../src/errors/index.js';
import { Receiver } from '../sync/receiver.js';
import { call, makeLedger } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'ratecard-alerts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('budget alerts', () => {
  it('reads budgets from the ratecard and fires each threshold once per period, recorded in the ledger', async () => {
    const ledger = makeLedger();
    const alerts: BudgetAlert[] = [];
    const budgets = createBudgets({ ledger, onAlert: (a) => void alerts.push(a) });
    expect(budgets.ids).toEqual(['cust', 'agent daily', 'trial teams']);
    for (let i = 0; i < 4; i++) await budgets.record(call(1));
    expect(alerts).toEqual([]);
    await budgets.record(call(1)); // 5 of 10: 50%
    expect(alerts.map((a) => a.threshold)).toEqual(['50']);
    expect(alerts[0]).toMatchObject({ id: 'alert:cust:acme:2025-03:50', budget: 'cust', per: 'customer', value: 'acme', period: '2025-03', amount: '10', spent: '5', hard_limit: true, entry_seq: 5, seq: 6 });
    await budgets.record(call(4)); // 9: 80% (crossed by one call past 80)
    await budgets.record(call(3)); // 12: 100%
    await budgets.record(call(1));
    expect(alerts.map((a) => [a.threshold, a.spent])).toEqual([['50', '5'], ['80', '9'], ['100', '12']]);
    // A new period starts over.
    await budgets.record(call(6, { customer: 'acme' }, 10, { at: '2025-04-02T00:00:00Z' }));
    expect(alerts.slice(3).map((a) => [a.period, a.threshold])).toEqual([['2025-04', '50']]);
    // The firings are hash-chained ledger records, and they change neither aggregates nor verify.
    const types = [];
    for await (const e of ledger.entries()) types.push(e.type);
    expect(types.filter((t) => t === 'alert')).toHaveLength(4);
    expect(await ledger.aggregate('customer', 'acme', '2025-03')).toMatchObject({ entries: 8, spend: '13', unpriced: 0 });
    const report = await ledger.verify();
    expect(report).toMatchObject({ ok: true, chain: [], mismatches: [] });
    expect((await ledger.invoice({ customer: 'acme', period: '2025-03' })).total).toBeDefined();
  });

  it('counts per budget period and condition: daily per agent, weekly per team only in the trial segment', async () => {
    const ledger = makeLedger();
    const alerts: BudgetAlert[] = [];
    const budgets = createBudgets({ ledger, onAlert: (a) => void alerts.push(a) });
    await budgets.record(call(2, { customer: 'a1', agent: 'bot' }, 10));
    await budgets.record(call(2, { customer: 'a2', agent: 'bot' }, 11)); // another day: 2 of 3, below 90%
    expect(alerts).toEqual([]);
    await budgets.record(call(1, { customer: 'a3', agent: 'bot' }, 11)); // 3 of 3 on the 11th
    expect(alerts.map((a) => [a.budget, a.period, a.threshold])).toEqual([['agent daily', '2025-03-11', '90']]);
    expect(budgets.spent('agent daily', 'bot', '2025-03-10')).toBe('2');
    await budgets.record(call(5, { customer: 'b', team: 'red', segment: 'pro' }));
    expect((await budgets.check({ team: 'red', segment: 'pro' })).budgets.map((s) => s.budget)).toEqual([]);
    await budgets.record(call(2, { customer: 'c', team: 'blue', segment: 'trial' }));
    const blue = await budgets.check({ attributes: { team: 'blue', segment: 'trial' }, at: '2025-03-10T13:00:00Z' });
    expect(blue).toMatchObject({ ok: false, budgets: [{ budget: 'trial teams', spent: '2', remaining: '0', exceeded: true }] });
  });

  it('does not fire again after a restart, and fires once when two instances share the ledger', async () => {
    const path = join(dir, 'restart.rcl');
    let ledger = makeLedger(createFileStorage(path));
    const first: BudgetAlert[] = [];
    let budgets = createBudgets({ ledger, onAlert: (a) => void first.push(a) });
    await budgets.record(call(6));
    expect(first.map((a) => a.threshold)).toEqual(['50']);
    await ledger.close();

    ledger = makeLedger(createFileStorage(path));
    const second: BudgetAlert[] = [];
    budgets = createBudgets({ ledger, onAlert: (a) => void second.push(a) });
    expect(await budgets.refresh()).toEqual([]);
    await budgets.record(call(1));
    expect(second).toEqual([]);
    // Two instances over one ledger (as two processes over a shared SQL ledger): one firing.
    const other: BudgetAlert[] = [];
    const twin = createBudgets({ ledger, onAlert: (a) => void other.push(a) });
    await twin.refresh();
    await ledger.record(call(2)); // 9: crosses 80%
    const [a, b] = await Promise.all([budgets.refresh(), twin.refresh()]);
    expect([...a!, ...b!].map((x) => x.threshold)).toEqual(['80']);
    expect(second.length + other.length).toBe(1);
    await ledger.close();
  });

  it('keeps alerts of an earlier crossing whose firing was lost (crash between the entry and the alert)', async () => {
    const ledger = makeLedger();
    await ledger.record(call(9)); // recorded without budgets watching: 50% and 80% crossed, not fired
    const alerts: BudgetAlert[] = [];
    const budgets = createBudgets({ ledger, onAlert: (a) => void alerts.push(a) });
    await budgets.refresh();
    expect(alerts.map((a) => a.threshold)).toEqual(['50', '80']);
  });

  it('a throwing listener neither blocks the others nor the record', async () => {
    const ledger = makeLedger();
    const seen: string[] = [];
    const budgets = createBudgets({ ledger, onAlert: () => { throw new Error('listener bug'); } });
    budgets.onAlert((a) => void seen.push(a.threshold));
    await budgets.record(call(5));
    expect(seen).toEqual(['50']);
  });

  it('delivers alert records to a webhook through an alerts outbox', async () => {
    const rx = await new Receiver().start();
    try {
      const ledger = makeLedger();
      const budgets = createBudgets({ ledger });
      await budgets.record(call(10));
      const outbox = createAlertOutbox(ledger, createHttpSink({ url: rx.url, signing: { secret: 'k' } }));
      await outbox.start();
      await outbox.flush();
      await outbox.stop();
      expect([...rx.applied.keys()]).toEqual(['alert:cust:acme:2025-03:50', 'alert:cust:acme:2025-03:80', 'alert:cust:acme:2025-03:100']);
      expect(rx.applied.get('alert:cust:acme:2025-03:100')).toMatchObject({ type: 'alert', alert: { threshold: '100', spent: '10', amount: '10' } });
    } finally {
      await rx.stop();
    }
  });
});

describe('hard limits', () => {
  it('refuses a call once the budget is exhausted, with budget_exceeded naming it', async () => {
    const ledger = makeLedger();
    const budgets = createBudgets({ ledger, clock: () => new Date('2025-03-20T00:00:00Z') });
    await budgets.assertWithinBudget({ customer: 'acme' });
    await budgets.record(call(10));
    const e = await budgets.assertWithinBudget({ customer: 'acme' }).catch((x: unknown) => x);
    expect(isRatecardError(e) && e.code).toBe('budget_exceeded');
    expect((e as Error).message).toMatch(/customer `acme` has spent 10 \(\+0 reserved\) of 10 in 2025-03 \(budget cust\)/);
    // Another customer, another period, and a budget without hard limit are not refused.
    await budgets.assertWithinBudget({ customer: 'other' });
    await budgets.assertWithinBudget({ attributes: { customer: 'acme' }, at: '2025-04-01T00:00:00Z' });
    await budgets.record(call(5, { customer: 'z', agent: 'bot' }));
    // The agent's daily budget is looked at for today (the clock), not the day of that call.
    expect((await budgets.check({ customer: 'z', agent: 'bot' })).budgets.find((s) => s.budget === 'agent daily')).toMatchObject({ period: '2025-03-20', spent: '0', exceeded: false });
    const e2 = await budgets.check({ customer: 'acme' }, '0.5');
    expect(e2.ok).toBe(false);
  });

  it('an estimate that does not fit is refused before the budget is exhausted', async () => {
    const ledger = makeLedger();
    const budgets = createBudgets({ ledger, clock: () => new Date('2025-03-20T00:00:00Z') });
    await budgets.record(call(7));
    expect((await budgets.check({ customer: 'acme' }, '3')).ok).toBe(true);
    expect((await budgets.check({ customer: 'acme' }, '3.01')).ok).toBe(false);
    await expect(budgets.check({ customer: 'acme' }, '1e3')).rejects.toMatchObject({ code: 'budget_invalid_estimate' });
  });

  it('reserve → settle holds the estimate during the call and counts the actual cost after', async () => {
    let now = new Date('2025-03-20T00:00:00Z').getTime();
    const ledger = makeLedger();
    const budgets = createBudgets({ ledger, clock: () => new Date(now), reservationTtlMs: 1000 });
    const r1 = await budgets.reserve({ customer: 'acme' }, '6');
    await expect(budgets.reserve({ customer: 'acme' }, '5')).rejects.toMatchObject({ code: 'budget_exceeded' });
    const r2 = await budgets.reserve({ customer: 'acme' }, '4');
    expect((await budgets.check({ customer: 'acme' })).budgets[0]).toMatchObject({ reserved: '10', remaining: '0', exceeded: true });
    const entry = await ledger.record(call(2)); // the call under r1 cost 2, not 6
    await r1.settle(entry);
    expect((await budgets.check({ customer: 'acme' })).budgets[0]).toMatchObject({ spent: '2', reserved: '4', remaining: '4' });
    r2.release();
    const r3 = await budgets.reserve({ customer: 'acme' }, '8');
    now += 1001; // never settled: it expires
    expect((await budgets.check({ customer: 'acme' })).budgets[0]).toMatchObject({ reserved: '0', remaining: '8' });
    void r3;
  });
});

/**
 * Aggregate checkpoints: opening from a checkpoint plus the entries after it gives exactly
 * the aggregates of a full replay (and tiers priced after a reopen see the same period
 * state), for random histories split over random sessions; a checkpoint that does not
 * describe this chain is never used; an encrypted ledger's checkpoint names nobody.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createLedger, type Ledger, type LedgerOptions, type UsageEvent } from '../../src/ledger/index.js';
import { AGGREGATES_CHECKPOINT } from '../../src/ledger/ledger.js';
import { createFileStorage } from '../../src/storage/file/index.js';
import { createMemoryStorage } from '../../src/storage/memory.js';
import type { LedgerStorage } from '../../src/storage/types.js';
import { testRater } from './test-rater.js';

const TIERS: Array<[number | undefined, string]> = [[3000, '0.01'], [8000, '0.005'], [undefined, '0.001']];
const KEY = '00'.repeat(32);

const open = (storage: LedgerStorage, extra: Partial<LedgerOptions> = {}): Ledger =>
  createLedger({ storage, ratecard: testRater({ tiers: TIERS }), clock: () => new Date(0), ...extra });

/** Where a ledger with the default attributes keeps its checkpoint. */
const CHECKPOINT_META = open(createMemoryStorage()).checkpointName;

let n = 0;
function event(customer: string, month: number, output: number, agent = 'a1'): UsageEvent {
  return { id: `e${n++}`, at: `2025-0${month}-10T00:00:00Z`, model: 'gpt-test', usage: { input: 100, output }, attributes: { customer, agent } };
}

/** The aggregates of a full replay of the same storage (checkpoints off). */
async function fullReplay(storage: LedgerStorage, extra: Partial<LedgerOptions> = {}) {
  const l = open(storage, { ...extra, checkpointEvery: false });
  const snapshot = await l.aggregates();
  await l.close();
  return snapshot;
}

const priceOf = (e: { rating?: unknown }): string => String((e.rating as { price?: string } | undefined)?.price ?? 'unpriced');

async function recordAll(l: Ledger, events: UsageEvent[]): Promise<void> {
  for (const e of events) await l.record(e);
}

describe('aggregate checkpoints', () => {
  it('checkpoint + tail == full replay, and the prices after a reopen equal an uninterrupted run', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.record({ customer: fc.constantFrom('acme', 'globex'), month: fc.integer({ min: 1, max: 2 }), output: fc.integer({ min: 0, max: 5000 }) }), { maxLength: 12 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 6 }),
        async (sessions, every) => {
          const events = sessions.map((s) => s.map((e) => event(e.customer, e.month, e.output)));
          const storage = createMemoryStorage();
          const straight = open(createMemoryStorage(), { checkpointEvery: false });
          const straightPrices: string[] = [];
          for (const e of events.flat()) straightPrices.push(priceOf(await straight.record(e)));
          const prices: string[] = [];
          let recorded = 0;
          for (const session of events) {
            const l = open(storage, { checkpointEvery: every });
            await l.aggregates();
            // Reopened from the last checkpoint: only the entries after it were replayed.
            expect(l.openStats.checkpointSeq + l.openStats.replayed).toBe(recorded);
            for (const e of session) prices.push(priceOf(await l.record(e)));
            recorded += session.length;
            await l.close();
          }
          expect(prices).toEqual(straightPrices);
          const reopened = open(storage, { checkpointEvery: every });
          expect(await reopened.aggregates()).toEqual(await fullReplay(storage));
          expect(await reopened.aggregates()).toEqual(await straight.aggregates());
        },
      ),
      { numRuns: 40 },
    );
  });

  it('saves one every `checkpointEvery` entries while recording, so a crash replays only the tail', async () => {
    const storage = createMemoryStorage();
    const l = open(storage, { checkpointEvery: 10 });
    await recordAll(l, Array.from({ length: 25 }, (_, i) => event(i % 2 ? 'acme' : 'globex', 1, 100 * i)));
    await expect.poll(async () => JSON.parse((await storage.getMeta(CHECKPOINT_META)) ?? '{"seq":0}').seq).toBe(20);
    // No close(): a crash. The next process opens from entry 20.
    const after = open(storage);
    const snapshot = await after.aggregates();
    expect(after.openStats).toEqual({ checkpointSeq: 20, replayed: 5 });
    expect(snapshot).toEqual(await fullReplay(storage));
  });

  it('close() saves one after at least min(checkpointEvery, 1000) new entries, not after fewer', async () => {
    const storage = createMemoryStorage();
    const l = open(storage, { checkpointEvery: 5000 });
    await recordAll(l, Array.from({ length: 999 }, () => event('acme', 1, 1)));
    await l.close();
    expect(await storage.getMeta(CHECKPOINT_META)).toBeUndefined();
    const l2 = open(storage, { checkpointEvery: 5000 });
    await l2.record(event('acme', 1, 1));
    await l2.close();
    expect(JSON.parse((await storage.getMeta(CHECKPOINT_META))!)).toMatchObject({ v: 1, seq: 1000 });
  });

  describe('a checkpoint that does not describe this chain is not used', () => {
    async function withCheckpoint(): Promise<{ storage: LedgerStorage; body: Record<string, unknown> }> {
      const storage = createMemoryStorage();
      const l = open(storage, { checkpointEvery: 3 });
      await recordAll(l, [event('acme', 1, 10), event('acme', 1, 20), event('globex', 2, 30), event('acme', 2, 40)]);
      await l.close();
      return { storage, body: JSON.parse((await storage.getMeta(CHECKPOINT_META))!) as Record<string, unknown> };
    }

    const cases: Array<[string, (body: Record<string, unknown>) => string]> = [
      ['another chain (the hash differs)', (b) => JSON.stringify({ ...b, hash: 'f'.repeat(64) })],
      ['beyond the head (a truncated or replaced ledger)', (b) => JSON.stringify({ ...b, seq: 99 })],
      ['another version', (b) => JSON.stringify({ ...b, v: 2 })],
      ['unreadable', () => '{"v":1,"seq":'],
      ['a bad decimal in a cell', (b) => JSON.stringify({ ...b, state: { ...(b.state as object), cells: [{ ...((b.state as { cells: object[] }).cells[0]), spend: 'lots' }] } })],
    ];
    for (const [name, tamper] of cases) {
      it(name, async () => {
        const { storage, body } = await withCheckpoint();
        await storage.setMeta(CHECKPOINT_META, tamper(body));
        const l = open(storage);
        expect(await l.aggregates()).toEqual(await fullReplay(storage));
        expect(l.openStats).toEqual({ checkpointSeq: 0, replayed: 4 });
      });
    }

    it('kept for other attributes (aggregateBy changed)', async () => {
      const { storage } = await withCheckpoint();
      const l = open(storage, { aggregateBy: ['agent'] });
      const snapshot = await l.aggregates();
      expect(l.openStats.checkpointSeq).toBe(0);
      expect(snapshot.some((c) => c.attribute === 'agent' && c.value === 'a1')).toBe(true);
      expect(snapshot).toEqual(await fullReplay(storage, { aggregateBy: ['agent'] }));
    });
  });

  it('keeps one per set of attributes: an application and the CLI opening its ledger each start from their own', async () => {
    const storage = createMemoryStorage();
    // The application aggregates by more attributes than the CLI's default; their slots differ.
    const app = { aggregateBy: ['customer', 'agent', 'conversation'], checkpointEvery: 1000 };
    expect(open(storage, app).checkpointName).not.toBe(CHECKPOINT_META);
    let recorded = 0;
    for (let round = 0; round < 3; round++) {
      const a = open(storage, app);
      await a.aggregates();
      if (round > 0) expect(a.openStats.checkpointSeq).toBeGreaterThan(0);
      await recordAll(a, Array.from({ length: 1000 }, (_, i) => event(i % 3 ? 'acme' : 'globex', 1 + (i % 2), i)));
      recorded += 1000;
      await a.close();
      // The CLI opens the same ledger (default attributes) and closes it: it saves its own.
      const cli = open(storage, { checkpointEvery: 1000 });
      await cli.aggregates();
      if (round > 0) expect(cli.openStats.checkpointSeq).toBeGreaterThan(0);
      expect(cli.openStats.checkpointSeq + cli.openStats.replayed).toBe(recorded);
      await cli.close();
    }
    const a = open(storage, app);
    expect(await a.aggregates()).toEqual(await fullReplay(storage, { aggregateBy: app.aggregateBy }));
    expect(a.openStats).toEqual({ checkpointSeq: recorded, replayed: 0 });
  });

  it('starts from a checkpoint kept under the single name of earlier versions', async () => {
    const storage = createMemoryStorage();
    const l = open(storage, { checkpointEvery: 2 });
    await recordAll(l, [event('acme', 1, 10), event('acme', 1, 20), event('globex', 2, 30)]);
    await l.close();
    await storage.setMeta(AGGREGATES_CHECKPOINT, (await storage.getMeta(CHECKPOINT_META))!);
    await storage.setMeta(CHECKPOINT_META, '');
    const again = open(storage);
    expect(await again.aggregates()).toEqual(await fullReplay(storage));
    expect(again.openStats).toEqual({ checkpointSeq: 2, replayed: 1 });
  });

  it('is sealed in an encrypted ledger, and a process without the key replays (and refuses invoices)', async () => {
    const storage = createMemoryStorage();
    const l = open(storage, { encryption: { key: KEY }, checkpointEvery: 2 });
    await recordAll(l, [event('cust-secret-1', 1, 10), event('cust-secret-2', 1, 20), event('cust-secret-1', 1, 30)]);
    await l.close();
    const stored = (await storage.getMeta(CHECKPOINT_META))!;
    expect(stored).toMatch(/"sealed"/);
    expect(stored).not.toMatch(/cust-secret/);
    const keyed = open(storage, { encryption: { key: KEY } });
    expect(await keyed.aggregates()).toEqual(await fullReplay(storage, { encryption: { key: KEY } }));
    // Saved every 2 entries: at entry 2; the third alone was too few to save again on close.
    expect(keyed.openStats).toEqual({ checkpointSeq: 2, replayed: 1 });
    const keyless = open(storage);
    await keyless.aggregates();
    expect(keyless.openStats.checkpointSeq).toBe(0);
    await expect(keyless.invoice({ customer: 'cust-secret-1', period: '2025-01' })).rejects.toMatchObject({ code: 'encryption_key_required' });
  });

  describe('file storage', () => {
    let dir: string;
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('keeps the checkpoint in a file of its own, beside the small meta file', async () => {
      dir = mkdtempSync(join(tmpdir(), 'ratecard-checkpoint-'));
      const path = join(dir, 'usage.ledger');
      const l = open(createFileStorage(path), { checkpointEvery: 2 });
      await recordAll(l, [event('acme', 1, 10), event('acme', 1, 20), event('globex', 1, 30)]);
      await l.storage.setMeta('sync:http:cursor', '3');
      await l.close();
      expect(readdirSync(dir).filter((f) => f.includes('.bulk-'))).toEqual([`usage.ledger.bulk-${CHECKPOINT_META.slice('bulk:'.length)}`]);
      expect(readFileSync(`${path}.meta.json`, 'utf8')).toBe('{"sync:http:cursor":"3"}');
      const again = open(createFileStorage(path));
      expect(await again.aggregates()).toEqual(await fullReplay(createFileStorage(path)));
      expect(again.openStats).toEqual({ checkpointSeq: 2, replayed: 1 });
      await again.close();
    });
  });

  it('refuses a checkpointEvery that is not a positive integer or false', () => {
    expect(() => open(createMemoryStorage(), { checkpointEvery: 0 })).toThrow(expect.objectContaining({ code: 'ledger_invalid_option' }));
    expect(() => open(createMemoryStorage(), { checkpointEvery: 1.5 })).toThrow(expect.objectContaining({ code: 'ledger_invalid_option' }));
  });
});

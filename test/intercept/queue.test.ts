import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { createTracker } from '../../src/intercept/index.js';
import { isRatecardError } from '../../src/errors/index.js';
import type { UsageEvent } from '../../src/ledger/event.js';

const ev = (id: string): UsageEvent => ({ id, at: '2025-01-01T00:00:00.000Z', model: 'm' });

describe('Tracker queue', () => {
  it('push is synchronous and the recorder runs off the caller path', async () => {
    const seen: string[] = [];
    const t = createTracker({ recorder: { record: (e) => void seen.push(e.id) } });
    expect(t.push(ev('a'))).toBe(true);
    expect(seen).toEqual([]); // not recorded inline
    await t.flush();
    expect(seen).toEqual(['a']);
    expect(t.stats()).toMatchObject({ pushed: 1, recorded: 1, queued: 0 });
  });

  it('drains on its own once batchSize events wait', async () => {
    const seen: string[] = [];
    const t = createTracker({ recorder: { record: (e) => void seen.push(e.id) }, batchSize: 3, flushIntervalMs: 60_000 });
    for (const id of ['a', 'b', 'c']) t.push(ev(id));
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('drains on an unref timer when fewer than batchSize wait', async () => {
    vi.useFakeTimers();
    try {
      const seen: string[] = [];
      const t = createTracker({ recorder: { record: (e) => void seen.push(e.id) }, flushIntervalMs: 50 });
      t.push(ev('a'));
      expect(seen).toEqual([]);
      await vi.advanceTimersByTimeAsync(60);
      expect(seen).toEqual(['a']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('drops (never blocks) when full, and counts the drops', async () => {
    const t = createTracker({ recorder: { record: () => undefined }, maxQueue: 2, batchSize: 100 });
    expect([t.push(ev('a')), t.push(ev('b')), t.push(ev('c'))]).toEqual([true, true, false]);
    expect(t.stats()).toMatchObject({ pushed: 2, dropped: 1, queued: 2 });
    await t.flush();
    expect(t.stats()).toMatchObject({ recorded: 2, queued: 0 });
  });

  it('drains from a microtask once half full, so a loop that never yields to the event loop does not drop', async () => {
    const seen: string[] = [];
    const t = createTracker({ recorder: { record: (e) => void seen.push(e.id) }, maxQueue: 8, batchSize: 1000, flushIntervalMs: 60_000 });
    for (let i = 0; i < 100; i++) {
      t.push(ev(String(i)));
      await Promise.resolve(); // microtasks only: setImmediate and timers never run here
    }
    expect(t.stats().dropped).toBe(0);
    await t.flush();
    expect(seen).toHaveLength(100);
  });

  it('keeps memory bounded by maxQueue even while the recorder is stalled', async () => {
    let release = (): void => undefined;
    const t = createTracker({ recorder: { record: () => new Promise<void>((r) => (release = r)) }, maxQueue: 10, batchSize: 2 });
    for (let i = 0; i < 30; i++) {
      t.push(ev(String(i)));
      await new Promise((r) => setImmediate(r));
    }
    // One event is with the recorder; it still counts against the capacity.
    expect(t.stats()).toMatchObject({ queued: 10, pushed: 10, dropped: 20, recorded: 0 });
    release();
  });

  it('counts recorder failures (sync throw and rejection) and reports them to onError', async () => {
    const errors: string[] = [];
    const t = createTracker({
      recorder: {
        record: (e) => {
          if (e.id === 'throw') throw new Error('boom');
          if (e.id === 'reject') return Promise.reject(new Error('nope'));
          return Promise.resolve();
        },
      },
      onError: (err, e) => errors.push(`${e.id}:${(err as Error).message}`),
    });
    for (const id of ['ok', 'throw', 'reject', 'ok2']) t.push(ev(id));
    await t.flush();
    expect(t.stats()).toMatchObject({ recorded: 2, failed: 2 });
    expect(errors).toEqual(['throw:boom', 'reject:nope']);
  });

  it('awaits async recorders in push order', async () => {
    const seen: string[] = [];
    const t = createTracker({
      recorder: { record: (e) => new Promise<void>((r) => setTimeout(() => (seen.push(e.id), r()), e.id === 'a' ? 20 : 1)) },
    });
    t.push(ev('a'));
    t.push(ev('b'));
    await t.flush();
    expect(seen).toEqual(['a', 'b']);
  });

  it('shutdown abandons open calls as incomplete, flushes, then drops', async () => {
    const seen: UsageEvent[] = [];
    const t = createTracker({ recorder: { record: (e) => void seen.push(e) } });
    let abandoned = '';
    t.open({ abandon: (reason) => void (abandoned = reason), sweep: () => undefined });
    t.push(ev('a'));
    await t.shutdown();
    expect(abandoned).toBe('shutdown');
    expect(seen.map((e) => e.id)).toEqual(['a']);
    expect(t.push(ev('late'))).toBe(false);
    expect(t.stats().dropped).toBe(1);
    await t.shutdown(); // idempotent
  });

  it('rejects bad options with a RatecardError code', () => {
    const bad = [() => createTracker({} as never), () => createTracker({ recorder: { record: () => 0 }, maxQueue: 0 })];
    for (const f of bad) {
      try {
        f();
        expect.unreachable();
      } catch (e) {
        expect(isRatecardError(e)).toBe(true);
      }
    }
  });

  it('property: every push is accepted or dropped; after flush every accepted one is recorded or failed, in order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.oneof(fc.constant('flush' as const), fc.boolean()), { maxLength: 60 }),
        async (max, ops) => {
          const seen: string[] = [];
          const t = createTracker({ recorder: { record: (e) => { if (e.id.endsWith('!')) throw new Error('x'); seen.push(e.id); } }, maxQueue: max, batchSize: 1000 });
          const accepted: string[] = [];
          let n = 0;
          for (const op of ops) {
            if (op === 'flush') await t.flush();
            else {
              const id = `${n++}${op ? '!' : ''}`;
              if (t.push(ev(id))) accepted.push(id);
            }
          }
          await t.flush();
          const s = t.stats();
          expect(s.pushed + s.dropped).toBe(n);
          expect(s.recorded + s.failed).toBe(s.pushed);
          expect(seen).toEqual(accepted.filter((id) => !id.endsWith('!')));
        },
      ),
      { numRuns: 100 },
    );
  });
});

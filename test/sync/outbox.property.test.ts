/**
 * Property: whatever a sink does (fail transiently, apply then lose the ack, refuse events
 * for good, answer slowly), and however the outbox is stopped and restarted in between,
 * every entry ends up applied downstream exactly once or dead-lettered — never both,
 * never lost — and the cursor reaches the head.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createOutbox, SinkError, type Sink, type SyncEvent } from '../../src/sync/index.js';
import { createMemoryStorage } from '../../src/storage/memory.js';
import { fill, makeLedger } from './fixtures.js';

type Step = 'ok' | 'fail' | 'lost-ack' | 'refuse-first' | 'slow';

function scriptedSink(script: Step[], applied: Map<string, number>): Sink {
  let n = 0;
  return {
    name: 'scripted',
    async send(events: readonly SyncEvent[]) {
      const step = script[n++ % script.length]!;
      if (step === 'slow') await new Promise((r) => setTimeout(r, 2));
      if (step === 'fail') throw new SinkError('503', { retryable: true, status: 503 });
      for (const e of events) applied.set(e.id, (applied.get(e.id) ?? 0) + 1);
      if (step === 'lost-ack') throw new Error('socket hang up');
      if (step === 'refuse-first') {
        applied.delete(events[0]!.id);
        return { rejected: [{ index: 0, reason: 'refused' }] };
      }
      return {};
    },
  };
}

describe('outbox delivery property', () => {
  it('every entry is applied (deduplicated) or dead-lettered, never lost, across restarts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom<Step>('ok', 'ok', 'fail', 'lost-ack', 'refuse-first', 'slow'), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 3 }),
        async (script, n, batchSize, maxInFlight, restarts) => {
          script.push('ok'); // a target that never acknowledges is retried forever, by design
          const storage = createMemoryStorage();
          const ledger = makeLedger(storage);
          await fill(ledger, n);
          const applied = new Map<string, number>();
          const sink = scriptedSink(script, applied);
          const make = () => createOutbox({ storage, sink, batchSize, maxInFlight, flushIntervalMs: 1, pollIntervalMs: 1, retry: { baseMs: 1, maxMs: 2 }, random: () => 0.5 });
          const run = async () => {
            for (const delay of restarts) {
              const o = make();
              await o.start();
              await new Promise((r) => setTimeout(r, delay));
              await o.stop({ flush: false });
            }
            const o = make();
            await o.start();
            await o.flush();
            await o.stop();
          };
          // A hang is a failure with a counterexample, not a suite timeout.
          let t: NodeJS.Timeout | undefined;
          await Promise.race([run(), new Promise((_, reject) => (t = setTimeout(() => reject(new Error('delivery did not finish')), 2000)))]).finally(() => clearTimeout(t));
          const o = make();
          const dead = new Set((await o.deadLetters()).map((d) => d.id));
          for (let i = 0; i < n; i++) {
            const id = `req-${i}`;
            expect(applied.has(id) !== dead.has(id)).toBe(true);
          }
          expect(await storage.getMeta('sync:scripted:cursor')).toBe(String(n));
        },
      ),
      { numRuns: 60 },
    );
  });
});

/**
 * Fault injection against a local HTTP receiver: every entry must be applied exactly once
 * downstream (the receiver deduplicates by id) whatever the network does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpSink, createOutbox, verifySignature, type Outbox } from '../../src/sync/index.js';
import { createMemoryStorage } from '../../src/storage/memory.js';
import { Receiver } from './receiver.js';
import { eventually, fill, makeLedger } from './fixtures.js';

const fast = { baseMs: 5, maxMs: 40 };
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

async function setup(n: number, opts: { batchSize?: number; timeoutMs?: number; maxInFlight?: number; maxBatchBytes?: number } = {}) {
  const rx = await new Receiver().start();
  cleanup.push(() => rx.stop());
  const storage = createMemoryStorage();
  const ledger = makeLedger(storage);
  await fill(ledger, n);
  const sink = createHttpSink({ url: rx.url, timeoutMs: opts.timeoutMs ?? 500 });
  const outbox = createOutbox({ ledger, sink, batchSize: opts.batchSize ?? 10, flushIntervalMs: 20, pollIntervalMs: 5, retry: fast, maxInFlight: opts.maxInFlight ?? 2, ...(opts.maxBatchBytes ? { maxBatchBytes: opts.maxBatchBytes } : {}) });
  cleanup.push(() => outbox.stop({ flush: false }));
  return { rx, storage, ledger, outbox };
}

function expectExactlyOnce(rx: Receiver, n: number) {
  expect(rx.applied.size).toBe(n);
  for (let i = 0; i < n; i++) expect(rx.applied.has(`req-${i}`)).toBe(true);
}

describe('outbox over HTTP with faults', () => {
  it('delivers every entry once with stable ids and decimal-string money, and persists the cursor', async () => {
    const { rx, storage, outbox } = await setup(35);
    await outbox.start();
    await outbox.flush();
    expectExactlyOnce(rx, 35);
    expect(rx.duplicates).toBe(0);
    const e = rx.applied.get('req-7') as Record<string, unknown>;
    expect(e).toMatchObject({ id: 'req-7', seq: 8, type: 'usage', currency: 'USD', rating_status: 'priced', attributes: { customer: 'cust-1' } });
    expect(typeof e.price).toBe('string');
    expect(e.price).toMatch(/^\d+\.\d+$/);
    expect(rx.requests.every((r) => r.events.length <= 10)).toBe(true);
    expect(await storage.getMeta('sync:http:cursor')).toBe('35');
    expect(outbox.stats()).toMatchObject({ cursor: 35, delivered: 35, deadLettered: 0 });
  });

  it('survives 500s, 429 with Retry-After, resets (before and after applying), slow answers past the timeout', async () => {
    const { rx, outbox } = await setup(200, { batchSize: 7, timeoutMs: 150, maxInFlight: 3 });
    const plan = ['500', '429', 'reset', 'reset-applied', 'slow', 'ok', '503-applied', 'ok'];
    rx.fault = (r) => {
      switch (plan[r.n % plan.length]) {
        case '500': return { status: 500, body: 'boom' };
        case '429': return { status: 429, retryAfter: '0' };
        case 'reset': return { reset: true };
        case 'reset-applied': return { reset: true, apply: true };
        case 'slow': return { delayMs: 300 };
        case '503-applied': return { status: 503, apply: true };
        default: return undefined;
      }
    };
    await outbox.start();
    await outbox.flush();
    expectExactlyOnce(rx, 200);
    expect(rx.duplicates).toBeGreaterThan(0); // acks were lost: the receiver saw re-sends and deduplicated them
    expect(outbox.stats().retries).toBeGreaterThan(0);
    expect(await outbox.deadLetters()).toEqual([]);
  });

  it('honors Retry-After in seconds and as an HTTP-date', async () => {
    const { rx, outbox } = await setup(3, { batchSize: 10 });
    rx.fault = (r) => (r.n === 0 ? { status: 429, retryAfter: '1' } : r.n === 1 ? { status: 503, retryAfter: new Date(Date.now() + 2000).toUTCString() } : undefined);
    await outbox.start();
    await outbox.flush();
    expectExactlyOnce(rx, 3);
    const [a, b, c] = rx.requests;
    expect(b!.at - a!.at).toBeGreaterThanOrEqual(950);
    expect(c!.at - b!.at).toBeGreaterThanOrEqual(900); // the date has 1 s resolution
  });

  it('keeps everything across a restart of the receiver (connection refused, then back on the same port)', async () => {
    const { rx, ledger, outbox } = await setup(40, { batchSize: 5 });
    await outbox.start();
    await eventually(() => rx.applied.size >= 10);
    await rx.stop();
    await fill(ledger, 40, 40);
    await new Promise((r) => setTimeout(r, 150));
    await rx.start(rx.port);
    await outbox.flush();
    expectExactlyOnce(rx, 80);
  });

  it('sends a 4xx batch to the dead letters after isolating the refused entry; the rest is delivered', async () => {
    const { rx, outbox, storage } = await setup(20, { batchSize: 10 });
    rx.fault = (r) => (r.events.some((e) => e.id === 'req-13') ? { status: 422, body: '{"error":"bad event"}' } : undefined);
    await outbox.start();
    await outbox.flush();
    expect(rx.applied.size).toBe(19);
    expect(rx.applied.has('req-13')).toBe(false);
    const dead = await outbox.deadLetters();
    expect(dead).toEqual([expect.objectContaining({ id: 'req-13', seq: 14, sink: 'http', status: 422, reason: expect.stringContaining('bad event') })]);
    // Persisted: another outbox on the same storage sees it.
    const again = createOutbox({ storage, sink: createHttpSink({ url: rx.url }) });
    expect(await again.deadLetters()).toHaveLength(1);
    expect(await again.clearDeadLetters(['req-13'])).toBe(1);
    expect(await again.deadLetters()).toEqual([]);
  });

  it('dead-letters a whole batch on a non-splittable 4xx (401) instead of retrying forever', async () => {
    const { rx, outbox } = await setup(4, { batchSize: 10 });
    rx.fault = () => ({ status: 401, body: 'bad token' });
    await outbox.start();
    await outbox.flush();
    expect(rx.requests).toHaveLength(1);
    expect((await outbox.deadLetters()).map((d) => d.id)).toEqual(['req-0', 'req-1', 'req-2', 'req-3']);
  });

  it('applies backpressure: a stuck receiver holds at most maxInFlight batches, nothing else is buffered', async () => {
    const { rx, ledger, outbox } = await setup(10, { batchSize: 5 });
    const stuck = await new Receiver().start();
    cleanup.push(() => stuck.stop());
    stuck.fault = () => ({ delayMs: 60_000 });
    const o2 = createOutbox({ ledger, sink: createHttpSink({ url: stuck.url, timeoutMs: 60_000 }), name: 'stuck', batchSize: 5, flushIntervalMs: 10, pollIntervalMs: 5, maxInFlight: 2 });
    await o2.start();
    await fill(ledger, 500, 10);
    await eventually(() => stuck.requests.length === 2);
    await new Promise((r) => setTimeout(r, 100));
    expect(stuck.requests).toHaveLength(2);
    expect(o2.stats()).toMatchObject({ inFlight: 2, cursor: 0 });
    expect((o2 as unknown as { window: unknown[] }).window).toHaveLength(2);
    await o2.stop({ flush: false });
    expect(await ledger.storage.getMeta('sync:stuck:cursor')).toBeUndefined();
    // Nothing was lost: an outbox on a healthy receiver delivers everything.
    await outbox.start();
    await outbox.flush();
    expectExactlyOnce(rx, 510);
  });

  it('flushes by count before the interval, and by interval when fewer are pending', async () => {
    const rx = await new Receiver().start();
    cleanup.push(() => rx.stop());
    const ledger = makeLedger();
    const outbox = createOutbox({ ledger, sink: createHttpSink({ url: rx.url }), batchSize: 10, flushIntervalMs: 400, pollIntervalMs: 5 });
    cleanup.push(() => outbox.stop({ flush: false }));
    await outbox.start();
    const t0 = Date.now();
    await fill(ledger, 10);
    await eventually(() => rx.applied.size === 10);
    expect(Date.now() - t0).toBeLessThan(300);
    await fill(ledger, 3, 10);
    const t1 = Date.now();
    await eventually(() => rx.applied.size === 13);
    expect(Date.now() - t1).toBeGreaterThanOrEqual(300);
  });

  it('cuts batches to maxBatchBytes and dead-letters a single entry larger than it', async () => {
    const { rx, outbox } = await setup(30, { batchSize: 100, maxBatchBytes: 2000 });
    await outbox.start();
    await outbox.flush();
    expectExactlyOnce(rx, 30);
    expect(rx.requests.length).toBeGreaterThan(1);
    for (const r of rx.requests) expect(Buffer.byteLength(r.body)).toBeLessThanOrEqual(2000 + 20);
    const tiny = createOutbox({ storage: (outbox as unknown as { storage: never }).storage, name: 'tiny', sink: createHttpSink({ url: rx.url }), maxBatchBytes: 100 });
    await tiny.start();
    await tiny.flush();
    expect(await tiny.deadLetters()).toHaveLength(30);
    expect((await tiny.deadLetters())[0]!.reason).toMatch(/over maxBatchBytes 100/);
    await tiny.stop();
  });

  it('signs bodies with HMAC-SHA256 over timestamp.body', async () => {
    const rx = await new Receiver().start();
    cleanup.push(() => rx.stop());
    const ledger = makeLedger();
    await fill(ledger, 3);
    const outbox = createOutbox({ ledger, sink: createHttpSink({ url: rx.url, signing: { secret: 's3cret' } }) });
    await outbox.start();
    await outbox.flush();
    await outbox.stop();
    const r = rx.requests[0]!;
    const header = r.headers['x-ratecard-signature'] as string;
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifySignature(r.body, header, 's3cret')).toBe(true);
    expect(verifySignature(`${r.body} `, header, 's3cret')).toBe(false);
    expect(verifySignature(r.body, header, 'other')).toBe(false);
  });

  it('resumes from the saved cursor after stop: nothing lost, nothing re-sent after a clean stop', async () => {
    const { rx, ledger, outbox, storage } = await setup(25, { batchSize: 5 });
    await outbox.start();
    await outbox.flush();
    await outbox.stop();
    await fill(ledger, 5, 25);
    const next: Outbox = createOutbox({ storage, sink: createHttpSink({ url: rx.url }), batchSize: 5 });
    await next.start();
    await next.flush();
    await next.stop();
    expectExactlyOnce(rx, 30);
    expect(rx.duplicates).toBe(0);
  });
});

/** Lago, OpenMeter and WebSocket sinks against local fakes that behave like the real APIs. */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';
import { CLOUDEVENTS_BATCH, createHttpSink, createLagoSink, createOpenMeterSink, createOutbox, createWebSocketSink, LAGO_MAX_BATCH, toLagoEvent } from '../../src/sync/index.js';
import { Receiver } from './receiver.js';
import { fill, makeLedger, usage } from './fixtures.js';
import { canonicalJson, entryHash } from '../../src/ledger/index.js';

const fast = { baseMs: 5, maxMs: 40 };
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

/** Lago's batch endpoint: atomic batches, ≤ 100 events, 422 with error_details by index (duplicates included). */
async function fakeLago() {
  const rx = await new Receiver().start();
  cleanup.push(() => rx.stop());
  rx.parse = (body, req) => {
    if (req.url !== '/api/v1/events/batch') throw new Error(`unexpected path ${req.url}`);
    return (JSON.parse(body) as { events: Array<{ transaction_id: string }> }).events.map((e) => ({ ...e, id: e.transaction_id }));
  };
  let dropNextAck = false;
  rx.fault = (r) => {
    if (r.headers.authorization !== 'Bearer lago-key') return { status: 401, body: '{"status":401,"error":"Unauthorized"}' };
    if (r.events.length > LAGO_MAX_BATCH) return { status: 422, body: '{"status":422,"code":"too_many_events"}' };
    const details: Record<string, Record<string, string[]>> = {};
    r.events.forEach((e, i) => {
      if (rx.applied.has(e.id)) details[i] = { transaction_id: ['value_already_exist'] };
      else if (e.external_subscription_id === 'sub-unknown') details[i] = { external_subscription_id: ['subscription_not_found'] };
    });
    if (Object.keys(details).length > 0) return { status: 422, body: JSON.stringify({ status: 422, error: 'Unprocessable Entity', code: 'validation_errors', error_details: details }) };
    if (dropNextAck) {
      dropNextAck = false;
      return { reset: true, apply: true };
    }
    return undefined;
  };
  return { rx, loseNextAck: () => (dropNextAck = true) };
}

describe('Lago sink', () => {
  it('maps an entry to a Lago event: transaction_id, subscription, code, unix seconds, decimal-string properties', async () => {
    const ledger = makeLedger();
    const entry = await ledger.record(usage(1));
    const { toSyncEvent } = await import('../../src/sync/index.js');
    const ev = toLagoEvent(toSyncEvent(entry), { code: 'ai_spend' });
    expect(ev).toMatchObject({ transaction_id: 'req-1', external_subscription_id: 'cust-1', code: 'ai_spend', timestamp: Math.floor(Date.parse(entry.at) / 1000), properties: { price: expect.stringMatching(/^\d+\.\d+$/), currency: 'USD', model: 'gpt-test', entry_type: 'usage' } });
    expect(Object.values((ev as { properties: object }).properties).every((v) => typeof v === 'string')).toBe(true);
  });

  it('delivers in requests of at most 100, treats value_already_exist as delivered, dead-letters other per-event errors', async () => {
    const { rx, loseNextAck } = await fakeLago();
    const ledger = makeLedger();
    await fill(ledger, 250);
    await ledger.record(usage(900, { attributes: { subscription: 'sub-unknown', customer: 'x' } }));
    await ledger.record(usage(901, { status: 'incomplete', usage: undefined }));
    loseNextAck();
    const outbox = createOutbox({ ledger, sink: createLagoSink({ apiUrl: rx.url, apiKey: 'lago-key', timeoutMs: 500 }), batchSize: 500, retry: fast });
    await outbox.start();
    await outbox.flush();
    await outbox.stop();
    expect(rx.applied.size).toBe(250);
    expect(rx.requests.every((r) => r.events.length <= 100)).toBe(true);
    expect(rx.requests.every((r) => r.headers['content-type'] === 'application/json' && r.headers.authorization === 'Bearer lago-key')).toBe(true);
    const dead = await outbox.deadLetters();
    expect(dead.map((d) => d.id).sort()).toEqual(['req-900', 'req-901']);
    expect(dead.find((d) => d.id === 'req-900')!.reason).toMatch(/subscription_not_found/);
    expect(dead.find((d) => d.id === 'req-901')!.reason).toMatch(/unpriced \(incomplete\)/);
  });
});

describe('OpenMeter sink', () => {
  it('POSTs CloudEvents 1.0 as a JSON array with the batch content type to /api/v1/events', async () => {
    const rx = await new Receiver().start();
    cleanup.push(() => rx.stop());
    const paths: string[] = [];
    rx.parse = (body, req) => {
      paths.push(req.url ?? '');
      return (JSON.parse(body) as Array<{ id: string }>).map((e) => ({ ...e }));
    };
    const ledger = makeLedger();
    await fill(ledger, 12);
    const outbox = createOutbox({ ledger, sink: createOpenMeterSink({ apiUrl: rx.url, apiKey: 'om', source: 'acme-gw', type: 'llm_spend' }), batchSize: 5, retry: fast });
    await outbox.start();
    await outbox.flush();
    await outbox.stop();
    expect(rx.applied.size).toBe(12);
    expect(paths.every((p) => p === '/api/v1/events')).toBe(true);
    expect(rx.requests[0]!.headers['content-type']).toBe(CLOUDEVENTS_BATCH);
    expect(rx.requests[0]!.headers.authorization).toBe('Bearer om');
    expect(Array.isArray(JSON.parse(rx.requests[0]!.body))).toBe(true);
    expect(rx.applied.get('req-4')).toMatchObject({ specversion: '1.0', id: 'req-4', source: 'acme-gw', type: 'llm_spend', subject: 'cust-1', datacontenttype: 'application/json', data: { price: expect.stringMatching(/^\d+\.\d+$/), currency: 'USD' } });
  });
});

describe('WebSocket sink', () => {
  async function wsServer(behave: (msg: { batch: string; events: Array<{ id: string }> }, n: number, ws: import('ws').WebSocket) => void) {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((r) => wss.once('listening', () => r()));
    const applied = new Map<string, number>();
    let n = 0;
    const auth: string[] = [];
    wss.on('connection', (ws, req) => {
      auth.push(req.headers.authorization ?? '');
      ws.on('message', (data) => behave(JSON.parse(String(data)), n++, ws));
    });
    cleanup.push(() => new Promise<void>((r) => { for (const c of wss.clients) c.terminate(); wss.close(() => r()); }));
    const apply = (events: Array<{ id: string }>) => events.forEach((e) => applied.set(e.id, (applied.get(e.id) ?? 0) + 1));
    return { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, applied, apply, auth };
  }

  it('waits for acks; a dropped connection and a missing ack are retried; the receiver dedups', async () => {
    const srv = await wsServer((msg, n, ws) => {
      srv.apply(msg.events);
      if (n === 1) ws.terminate(); // applied, ack lost with the connection
      else if (n === 3) return; // applied, never acked
      else ws.send(JSON.stringify({ type: 'ack', batch: msg.batch }));
    });
    const ledger = makeLedger();
    await fill(ledger, 40);
    const outbox = createOutbox({ ledger, sink: createWebSocketSink({ url: srv.url, bearerToken: 'tok', ackTimeoutMs: 100 }), batchSize: 8, maxInFlight: 1, retry: fast });
    await outbox.start();
    await outbox.flush();
    await outbox.stop();
    expect(srv.applied.size).toBe(40);
    expect([...srv.applied.values()].some((c) => c > 1)).toBe(true);
    expect(srv.auth.every((a) => a === 'Bearer tok')).toBe(true);
    expect(srv.auth.length).toBeGreaterThanOrEqual(2);
  });

  it('a non-retryable nack dead-letters the batch (bisected down to the refused event)', async () => {
    const srv = await wsServer((msg, _n, ws) => {
      if (msg.events.some((e) => e.id === 'req-2')) ws.send(JSON.stringify({ type: 'nack', batch: msg.batch, reason: 'schema', retryable: false }));
      else {
        srv.apply(msg.events);
        ws.send(JSON.stringify({ type: 'ack', batch: msg.batch }));
      }
    });
    const ledger = makeLedger();
    await fill(ledger, 6);
    const outbox = createOutbox({ ledger, sink: createWebSocketSink({ url: srv.url }), batchSize: 6, retry: fast });
    await outbox.start();
    await outbox.flush();
    await outbox.stop();
    expect(srv.applied.size).toBe(5);
    expect(await outbox.deadLetters()).toEqual([expect.objectContaining({ id: 'req-2', reason: expect.stringMatching(/nack: schema/) })]);
  });
});

describe('HTTP sink, entry format', () => {
  it('sends stored entries verbatim: the receiver can check every hash and the chain', async () => {
    const rx = await new Receiver().start();
    cleanup.push(() => rx.stop());
    const ledger = makeLedger();
    await fill(ledger, 15);
    const outbox = createOutbox({ ledger, sink: createHttpSink({ url: rx.url, format: 'entry' }), batchSize: 4, retry: fast });
    await outbox.start();
    await outbox.flush();
    await outbox.stop();
    expect(rx.applied.size).toBe(15);
    const events = [...rx.applied.values()] as Array<{ id: string; seq: number; hash: string; prev_hash: string; entry: Record<string, unknown> }>;
    events.sort((a, b) => a.seq - b.seq);
    events.forEach((e, i) => {
      expect(entryHash(e.prev_hash, canonicalJson(e.entry))).toBe(e.hash);
      if (i > 0) expect(e.prev_hash).toBe(events[i - 1]!.hash);
      expect(e.entry).toMatchObject({ key: e.id, type: 'usage', rating: { status: 'priced', price: expect.stringMatching(/^\d+\.\d+$/) } });
    });
  });
});

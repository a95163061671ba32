/**
 * `ratecard sync`: a file ledger filled by `ratecard ingest`, delivered to a local receiver
 * (node:http) that deduplicates like a real backend, as a cron job would run it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifySignature } from '../../src/sync/signature.js';
import { createBudgets } from '../../src/alerts/index.js';
import { createFileStorage } from '../../src/storage/file/index.js';
import { call, makeLedger } from '../alerts/fixtures.js';
import { runCli } from '../support/cli.js';
import { Receiver } from '../sync/receiver.js';

let dir: string;
let receiver: Receiver;
const ENV = ['RATECARD_SYNC_TOKEN', 'RATECARD_SYNC_SIGNING_SECRET'] as const;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ratecard-sync-cli-'));
  writeFileSync(join(dir, 'pricing.yaml'), readFileSync(resolve('pricing-examples/enterprise-plan.yaml')));
  receiver = await new Receiver().start();
});
afterEach(async () => {
  for (const k of ENV) delete process.env[k];
  await receiver.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function cli(args: string[], stdin = '', interrupted?: () => Promise<void>): Promise<{ code: number; out: string; err: string }> {
  const r = await runCli(args, { stdin, cwd: dir, ...(interrupted ? { interrupted } : {}) });
  return { code: r.code, out: r.stdout, err: r.stderr };
}

const LEDGER = ['--ledger', 'file:./usage.ledger'];

async function ingest(ids: string[]): Promise<void> {
  const lines = ids.map((id) =>
    JSON.stringify({ id, at: '2025-06-02T10:00:00Z', provider: 'openai', model: 'gpt-4.1', usage: { prompt_tokens: 1000, completion_tokens: 200 }, attributes: { customer: 'acme', plan: 'enterprise' } }),
  );
  const r = await cli(['ingest', ...LEDGER, '--pricing', 'pricing.yaml'], lines.join('\n'));
  expect(r.code).toBe(0);
}

const sync = (...extra: string[]) => cli(['sync', ...LEDGER, '--to', 'http', '--url', `${receiver.url}/ingest`, ...extra]);

describe('ratecard sync', () => {
  it('delivers every entry once, saves the cursor, and a later run sends only what is new', async () => {
    await ingest(['a', 'b', 'c', 'd', 'e']);
    const first = await sync('--batch-size', '2');
    expect(first).toMatchObject({ code: 0, err: '' });
    expect(first.out).toBe('http: delivered 5 event(s) in 3 batch(es); cursor 0 → 5 of 5\n');
    expect([...receiver.applied.keys()].sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(receiver.applied.get('a')).toMatchObject({ id: 'a', type: 'usage', attributes: { customer: 'acme' } });

    const idle = await sync('--format', 'json');
    expect(idle.code).toBe(0);
    expect(JSON.parse(idle.out)).toMatchObject({ ok: true, sink: 'http', from: 5, cursor: 5, delivered: 0, pending: 0 });

    await ingest(['f', 'g']);
    const later = await sync();
    expect(later.out).toMatch(/delivered 2 event\(s\) .* cursor 5 → 7 of 7/);
    expect(receiver.duplicates).toBe(0);
    expect(receiver.applied.size).toBe(7);
  });

  it('sends the bearer token and signs each body from the environment', async () => {
    await ingest(['a']);
    process.env.RATECARD_SYNC_TOKEN = 'tok-1';
    process.env.RATECARD_SYNC_SIGNING_SECRET = 'shh';
    expect((await sync()).code).toBe(0);
    const req = receiver.requests[0]!;
    expect(req.headers.authorization).toBe('Bearer tok-1');
    expect(verifySignature(req.body, String(req.headers['x-ratecard-signature']), 'shh')).toBe(true);
    expect(verifySignature(req.body, String(req.headers['x-ratecard-signature']), 'other')).toBe(false);
  });

  it('exits 1 and keeps the rest for the next run when the receiver is down past --timeout', async () => {
    await ingest(['a', 'b']);
    receiver.fault = () => ({ status: 503 });
    const down = await sync('--timeout', '1');
    expect(down.code).toBe(1);
    expect(down.out).toMatch(/cursor 0 → 0 of 2/);
    expect(down.err).toMatch(/not all acknowledged in time: 2 entries pending, sent again on the next run \(last error: .*503/);
    receiver.fault = () => undefined;
    const up = await sync();
    expect(up.code).toBe(0);
    expect([...receiver.applied.keys()].sort()).toEqual(['a', 'b']);
  }, 20_000);

  it('exits 1 when the receiver refuses an event, and lists it with --dead-letters', async () => {
    await ingest(['a', 'bad', 'c']);
    receiver.fault = (req) => (req.events.some((e) => e.id === 'bad') ? { status: 422, body: 'unknown customer' } : undefined);
    const r = await sync();
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/1 event\(s\) refused by the receiver \(dead letters\)/);
    expect([...receiver.applied.keys()].sort()).toEqual(['a', 'c']);
    const letters = await sync('--dead-letters');
    expect(letters.code).toBe(0);
    const listed = letters.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(listed).toEqual([expect.objectContaining({ id: 'bad', sink: 'http', status: 422 })]);
  });

  it('speaks the Lago batch format with the API key from the environment', async () => {
    await ingest(['a', 'b']);
    receiver.parse = (body) => (JSON.parse(body) as { events: { transaction_id: string }[] }).events.map((e) => ({ ...e, id: e.transaction_id }));
    const missing = await cli(['sync', ...LEDGER, '--to', 'lago', '--url', receiver.url]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/error\[sync_invalid_options\]: .*RATECARD_SYNC_TOKEN/);
    process.env.RATECARD_SYNC_TOKEN = 'lago-key';
    const r = await cli(['sync', ...LEDGER, '--to', 'lago', '--url', receiver.url, '--code', 'tokens']);
    expect(r.code).toBe(0);
    expect(receiver.requests[0]!.headers.authorization).toBe('Bearer lago-key');
    expect(receiver.applied.get('a')).toMatchObject({ transaction_id: 'a', code: 'tokens', external_subscription_id: 'acme' });
  });

  it('with --alerts delivers the budget alert records, on a cursor of their own', async () => {
    const ledger = makeLedger(createFileStorage(join(dir, 'alerts.ledger')));
    const budgets = createBudgets({ ledger });
    await budgets.record(call(6)); // 60% of the $10 customer budget: the 50% alert
    await budgets.record(call(3)); // 90%: the 80% alert
    await ledger.close();
    const args = ['sync', '--ledger', 'file:./alerts.ledger', '--to', 'http', '--url', receiver.url];
    const r = await cli([...args, '--alerts', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ ok: true, sink: 'alerts-http', delivered: 2 });
    const alerts = [...receiver.applied.values()] as { type: string; alert: { budget: string; threshold: string } }[];
    expect(alerts.map((a) => [a.type, a.alert.budget, a.alert.threshold])).toEqual([
      ['alert', 'cust', '50'],
      ['alert', 'cust', '80'],
    ]);
    // Usage has its own cursor: the two calls go out on the usage sync, alerts are not repeated.
    expect(JSON.parse((await cli([...args, '--format', 'json'])).out)).toMatchObject({ sink: 'http', delivered: 2 });
    expect(receiver.applied.size).toBe(4);
    expect(receiver.duplicates).toBe(0);
  });

  it('with --follow delivers, then stops cleanly when interrupted', async () => {
    await ingest(['a', 'b', 'c']);
    let stop = (): void => undefined;
    const interrupted = () => new Promise<void>((r) => (stop = r));
    const running = cli(['sync', ...LEDGER, '--to', 'http', '--url', receiver.url, '--follow', '--batch-size', '1'], '', interrupted);
    const end = Date.now() + 10_000;
    while (receiver.applied.size < 3 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    expect(receiver.applied.size).toBe(3);
    stop();
    const r = await running;
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/delivering to http from entry 1/);
    expect(r.out).toMatch(/cursor 0 → 3 of 3/);
  });

  it('says storage_locked (exit 1) when another writer holds the file ledger', async () => {
    await ingest(['a']);
    // The lock of a live writer in another process (this one's parent stands in for it).
    const lock = join(dir, 'usage.ledger.lock');
    writeFileSync(lock, JSON.stringify({ pid: process.ppid, host: hostname(), since: new Date().toISOString() }));
    const r = await sync();
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/error\[storage_locked\]: the ledger is locked by process/);
    expect(receiver.requests).toHaveLength(0);
    rmSync(lock);
    expect((await sync()).code).toBe(0);
  });

  it('reports every command-line problem at once (exit 2)', async () => {
    const r = await cli(['sync', '--to', 'kafka', '--format', 'xml']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--ledger URL is required');
    expect(r.err).toContain('--to must be one of http, lago, openmeter, got `kafka`');
    expect(r.err).toContain('--url is required');
    expect(r.err).toContain('--format must be text or json');
    expect((await sync('--timeout', '0')).code).toBe(2);
  });
});

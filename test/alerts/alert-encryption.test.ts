/**
 * Alert records in an encrypted ledger name nobody in storage: the key carries a keyed
 * digest of the attribute value, the body carries it only sealed, the payload hash is an
 * HMAC. Firing stays once per threshold and period; the value reads back with the key;
 * without it, reading the value is `encryption_key_required`; verify passes either way.
 * Unencrypted ledgers keep the exact records they had before.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { alertKey, alertOf, createAlertOutbox, createBudgets, type BudgetAlert } from '../../src/alerts/index.js';
import { appendAlert } from '../../src/alerts/alert-record.js';
import { createCipher } from '../../src/ledger/encryption.js';
import { decodeRecord } from '../../src/ledger/entry.js';
import { createLedger, type Ledger } from '../../src/ledger/index.js';
import { createFileStorage } from '../../src/storage/file/index.js';
import { createMemoryStorage } from '../../src/storage/memory.js';
import type { LedgerStorage } from '../../src/storage/types.js';
import { createHttpSink } from '../../src/sync/index.js';
import { errorOf } from '../support/errors.js';
import { Receiver } from '../sync/receiver.js';
import { call, makeLedger, ratecard } from './fixtures.js';

const KEY = Buffer.alloc(32, 7);
const CUST = 'cust-Zq9-secret';
const AGENT = 'agent-Xy7-secret';
const SECRETS = [CUST, AGENT];
const clock = () => new Date('2025-03-20T00:00:00Z');
const who = { customer: CUST, agent: AGENT };

const dir = mkdtempSync(join(tmpdir(), 'ratecard-alert-enc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A ledger over `storage` with `key` (null: opened without a key). */
function encrypted(storage: LedgerStorage, key: Buffer | null = KEY): Ledger {
  return createLedger({ storage, ratecard, clock, ...(key ? { encryption: { key } } : {}) });
}

function watch(ledger: Ledger): { alerts: BudgetAlert[]; budgets: ReturnType<typeof createBudgets> } {
  const alerts: BudgetAlert[] = [];
  return { alerts, budgets: createBudgets({ ledger, clock, onAlert: (a) => void alerts.push(a) }) };
}

/** Every stored column of every record, as text. */
async function rawRecords(storage: LedgerStorage): Promise<string> {
  return JSON.stringify(await storage.read(1, 100_000));
}

function expectNoSecret(text: string): void {
  for (const s of SECRETS) expect(text).not.toContain(s);
}

async function readAlerts(ledger: Ledger): Promise<BudgetAlert[]> {
  const out: BudgetAlert[] = [];
  for await (const e of ledger.entries()) {
    const a = alertOf(e);
    if (a) out.push(a);
  }
  return out;
}

function filesUnder(path: string): string[] {
  return readdirSync(path).flatMap((n) => (statSync(join(path, n)).isDirectory() ? filesUnder(join(path, n)) : [join(path, n)]));
}

describe('alerts in an encrypted ledger', () => {
  it('memory: keys, bodies and hashes hold no attribute value; fires once; reads back only with the key; verify passes', async () => {
    const storage = createMemoryStorage();
    const ledger = encrypted(storage);
    const { alerts, budgets } = watch(ledger);
    await budgets.record(call(5, who)); // cust 5/10 → 50%; agent daily 5/3 → 90%
    await budgets.record(call(1, who)); // 6: nothing new in this period
    await budgets.record(call(3, who)); // 9: 80%
    expect(alerts.map((a) => [a.budget, a.value, a.threshold])).toEqual([['cust', CUST, '50'], ['agent daily', AGENT, '90'], ['cust', CUST, '80']]);
    for (const a of alerts) {
      expect(a.id).toMatch(/^alert:(cust|agent daily):[0-9a-f]{32}:2025-03(-10)?:\d+$/);
      expect(a.id).toBe(alertKey(a.budget, a.value, a.period, a.threshold, ledger.cipher));
    }

    const raw = await rawRecords(storage);
    expectNoSecret(raw);
    const stored = (await storage.read(1, 100)).filter((r) => r.type === 'alert');
    expect(stored).toHaveLength(3);
    for (const r of stored) {
      expect(r.payload_hash).toMatch(/^hmac:/);
      expect(r.body).toMatch(/"sealed":\{"alg":"A256GCM"/);
      expect(JSON.parse(r.body).alert.value).toBeUndefined();
    }

    // Another instance (a restart, another process): nothing fires again; the next threshold fires once.
    const twin = watch(ledger);
    expect(await twin.budgets.refresh()).toEqual([]);
    await twin.budgets.record(call(1, who)); // 10: 100%
    expect(twin.alerts.map((a) => a.threshold)).toEqual(['100']);
    expect(await budgets.refresh()).toEqual([]);

    // With the key: the alerts read back whole, as they were fired.
    expect(await readAlerts(ledger)).toEqual([...alerts, ...twin.alerts]);
    expect(await ledger.verify()).toMatchObject({ ok: true, chain: [], mismatches: [] });

    // Without the key: the chain verifies; the value is refused with a clear code, not a crash.
    const noKey = encrypted(storage, null);
    expect(await noKey.verify()).toMatchObject({ ok: true, chain: [], mismatches: [] });
    const entries = [];
    for await (const e of noKey.entries()) entries.push(e);
    const alertEntry = entries.find((e) => e.type === 'alert')!;
    expect(alertEntry).toMatchObject({ encrypted: true, key: alerts[0]!.id });
    expect(errorOf(() => alertOf(alertEntry))).toMatchObject({ code: 'encryption_key_required', message: expect.stringMatching(/encrypted: pass the ledger's `encryption` key/) });
    // Budgets without the key would count encrypted spend as 0: refused instead.
    await expect(createBudgets({ ledger: noKey }).refresh()).rejects.toMatchObject({ code: 'encryption_key_required' });

    // A wrong key cannot open the records (the ledger refuses to open, as for usage entries).
    await expect(encrypted(storage, Buffer.alloc(32, 9)).verify()).rejects.toMatchObject({ code: 'encryption_key_mismatch' });
  });

  it('file: the bytes on disk name nobody, across a restart; alerts fire once and read back with the key', async () => {
    const path = join(dir, 'enc.rcl');
    let ledger = encrypted(createFileStorage(path));
    let w = watch(ledger);
    await w.budgets.record(call(6, who));
    expect(w.alerts.map((a) => [a.budget, a.threshold])).toEqual([['cust', '50'], ['agent daily', '90']]);
    await ledger.close();

    ledger = encrypted(createFileStorage(path));
    w = watch(ledger);
    expect(await w.budgets.refresh()).toEqual([]);
    await w.budgets.record(call(1, who)); // 7
    expect(w.alerts).toEqual([]);
    await w.budgets.record(call(2, who)); // 9: 80%
    expect(w.alerts.map((a) => [a.value, a.threshold])).toEqual([[CUST, '80']]);
    expect((await readAlerts(ledger)).map((a) => [a.value, a.threshold])).toEqual([[CUST, '50'], [AGENT, '90'], [CUST, '80']]);
    expect(await ledger.verify()).toMatchObject({ ok: true, chain: [], mismatches: [] });
    await ledger.close();

    const files = filesUnder(dir).filter((f) => f.startsWith(path));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const bytes = readFileSync(f);
      for (const s of SECRETS) expect(bytes.includes(Buffer.from(s, 'utf8'))).toBe(false);
    }

    const noKey = encrypted(createFileStorage(path), null);
    expect(await noKey.verify()).toMatchObject({ ok: true, chain: [], mismatches: [] });
    const seen = [];
    for await (const e of noKey.entries()) if (e.type === 'alert') seen.push(e);
    expect(seen).toHaveLength(3);
    for (const e of seen) expect(errorOf(() => alertOf(e)).code).toBe('encryption_key_required');
    await noKey.close();
  });

  it('two writers with their own cipher instances over one storage fire a threshold once (the digest is deterministic)', async () => {
    const storage = createMemoryStorage();
    const a = encrypted(storage);
    const b = encrypted(storage);
    await a.record(call(9, { customer: CUST })); // crosses 50% and 80%, nobody watching yet
    const [x, y] = await Promise.all([watch(a).budgets.refresh(), watch(b).budgets.refresh()]);
    expect([...x, ...y].map((al) => al.threshold).sort()).toEqual(['50', '80']);
    expect((await storage.read(1, 100)).filter((r) => r.type === 'alert')).toHaveLength(2);
  });

  it('the alerts outbox sends the value only when it has the key', async () => {
    const storage = createMemoryStorage();
    const ledger = encrypted(storage);
    await watch(ledger).budgets.record(call(5, { customer: CUST }));
    for (const withKey of [false, true]) {
      const rx = await new Receiver().start();
      try {
        const outbox = createAlertOutbox(ledger, createHttpSink({ url: rx.url }), { name: `o-${withKey}`, ...(withKey ? { encryption: { key: KEY } } : {}) });
        await outbox.start();
        await outbox.flush();
        await outbox.stop();
        const body = rx.requests.map((r) => r.body).join('\n');
        expect([...rx.applied.values()]).toHaveLength(1);
        const event = [...rx.applied.values()][0] as { alert: Record<string, unknown>; attributes?: Record<string, string> };
        expect(event.alert).toMatchObject({ budget: 'cust', threshold: '50' });
        if (withKey) {
          expect(event.attributes).toEqual({ customer: CUST });
          expect(event.alert.value).toBe(CUST); // opened and put back where a plain ledger's alert has it
        } else {
          expect(event.alert.value).toBeUndefined();
          expectNoSecret(body);
        }
      } finally {
        await rx.stop();
      }
    }
  });
});

describe('turning encryption on', () => {
  it('a threshold that fired in clear before does not fire again under its digest key', async () => {
    const storage = createMemoryStorage();
    const plain = encrypted(storage, null);
    const before = watch(plain);
    await before.budgets.record(call(5, { customer: CUST })); // 50%, clear key
    expect(before.alerts.map((a) => a.id)).toEqual([`alert:cust:${CUST}:2025-03:50`]);
    const after = watch(encrypted(storage));
    await after.budgets.record(call(1, { customer: CUST })); // 6: still 50% only
    await after.budgets.record(call(3, { customer: CUST })); // 9: 80%, digest key
    expect(after.alerts.map((a) => [a.threshold, a.value])).toEqual([['80', CUST]]);
    expect(after.alerts[0]!.id).not.toContain(CUST);
    expect(await readAlerts(after.budgets.ledger)).toHaveLength(2);
  });
});

describe('alerts in an unencrypted ledger', () => {
  it('are byte-identical to the records written before encryption support (old key format, body and hashes)', async () => {
    const ledger = makeLedger();
    const budgets = createBudgets({ ledger, clock });
    for (let i = 0; i < 4; i++) await budgets.record(call(1));
    await budgets.record(call(1)); // 5 of 10: 50%, entry 5
    const [rec] = await ledger.storage.read(6, 1);
    // Golden: what the previous alert-record.ts wrote for this alert, on genesis (seq 1).
    const golden = {
      key: 'alert:cust:acme:2025-03:50',
      type: 'alert',
      at: '2025-03-10T12:00:00.000Z',
      body: '{"alert":{"amount":"10","at":"2025-03-10T12:00:00.000Z","budget":"cust","entry_seq":5,"hard_limit":true,"id":"alert:cust:acme:2025-03:50","per":"customer","period":"2025-03","spent":"5","threshold":"50","value":"acme"},"key":"alert:cust:acme:2025-03:50","recorded_at":"2025-03-20T00:00:00.000Z","type":"alert","v":1}',
      payload_hash: '0ef8a00eadb4cf89a2ed7d144c4f37ee3eacdfcf68d4b6b935af441023da8aae',
    };
    expect(rec).toMatchObject(golden);
    expect(alertKey('cust', 'acme', '2025-03', '50')).toBe(golden.key);
    // The same alert appended to an empty storage gives the old hash too.
    const s = createMemoryStorage();
    await s.open();
    const alert = JSON.parse(golden.body).alert as Omit<BudgetAlert, 'seq'>;
    await appendAlert(s, alert, '2025-03-20T00:00:00.000Z');
    expect((await s.read(1, 1))[0]).toMatchObject({ ...golden, hash: '4183e85ee1fb24c2dcad21c19da4867bb0c346aa6d6aa36c8df4b3eeeea501bb' });
    expect(alertOf(decodeRecord(rec!))).toMatchObject({ value: 'acme', seq: 6 });
    expect(await ledger.verify()).toMatchObject({ ok: true, chain: [], mismatches: [] });
  });
});

describe('properties', () => {
  const key32 = fc.uint8Array({ minLength: 32, maxLength: 32 });

  it('keyDigest is deterministic per key, differs between keys and texts, and is not the payload HMAC', () => {
    fc.assert(
      fc.property(key32, key32, fc.string(), fc.string(), (k1, k2, t1, t2) => {
        const d = createCipher({ key: k1 }).keyDigest(t1);
        expect(d).toMatch(/^[0-9a-f]{32}$/);
        expect(createCipher({ key: Buffer.from(k1) }).keyDigest(t1)).toBe(d);
        if (Buffer.compare(Buffer.from(k1), Buffer.from(k2)) !== 0) expect(createCipher({ key: k2 }).keyDigest(t1)).not.toBe(d);
        if (t1 !== t2) expect(createCipher({ key: k1 }).keyDigest(t2)).not.toBe(d);
        expect(createCipher({ key: k1 }).payloadHash(t1)).not.toContain(d);
      }),
    );
  });

  it('an alert sealed with any value round-trips with the key, is refused without it, and never shows in the record', async () => {
    await fc.assert(
      fc.asyncProperty(
        key32,
        fc.constantFrom('customer', 'agent', 'team'),
        // '@' appears in no base64, hex or clear field: a hit can only be the value itself.
        fc.string({ minLength: 1 }).map((s) => `@${s}@`),
        fc.constantFrom('2025-03', '2025-W12', '2025-03-10'),
        async (key, per, value, period) => {
          const cipher = createCipher({ key });
          const s = createMemoryStorage();
          await s.open();
          const id = alertKey('b', value, period, '80', cipher);
          const alert = { id, budget: 'b', per, value, period, threshold: '80', amount: '10', spent: '8', hard_limit: false, at: '2025-03-10T00:00:00Z', entry_seq: 1 };
          expect(await appendAlert(s, alert, '2025-03-20T00:00:00.000Z', cipher)).toEqual({ ...alert, seq: 1 });
          expect(await appendAlert(s, alert, '2025-03-20T00:00:00.000Z', createCipher({ key }))).toBeUndefined();
          const [rec] = await s.read(1, 1);
          const text = JSON.stringify(rec);
          expect(text).not.toContain(value);
          expect(text).not.toContain(JSON.stringify(value).slice(1, -1));
          expect(alertOf(decodeRecord(rec!, cipher))).toEqual({ ...alert, seq: 1 });
          expect(errorOf(() => alertOf(decodeRecord(rec!))).code).toBe('encryption_key_required');
        },
      ),
      { numRuns: 50 },
    );
  });
});

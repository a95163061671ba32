import { describe, expect, it } from 'vitest';
import { createLedger } from '../../src/ledger/index.js';
import { createMemoryStorage } from '../../src/storage/memory.js';
import type { UsageEvent } from '../../src/ledger/event.js';
import { at, testRater } from './test-rater.js';

const clock = () => new Date('2025-04-01T00:00:00Z');
const ev = (id: string, extra: Partial<UsageEvent> = {}): UsageEvent => ({
  id, at: at(1), provider: 'openai', model: 'gpt-test', usage: { input: 1000, output: 500 }, attributes: { customer: 'acme', agent: 'support' }, ...extra,
});

function ledger(opts: Partial<Parameters<typeof createLedger>[0]> = {}) {
  return createLedger({ storage: createMemoryStorage(), ratecard: testRater(), clock, ...opts });
}

describe('ledger.record', () => {
  it('rates and appends one entry with its versions, period state and chain hashes', async () => {
    const l = ledger();
    const e = await l.record(ev('req-1'));
    expect(e).toMatchObject({
      seq: 1, key: 'req-1', type: 'usage', at: '2025-03-01T00:01:00.000Z', recorded_at: '2025-04-01T00:00:00.000Z',
      rating: { status: 'priced', currency: 'USD', cost: '0.003', price: '0.003', ratecard_version: 'test-v1', price_version: 'test:gpt-test', period: { key: '2025-03', state: { quantities: {}, spend: '0' } } },
      attributes: { customer: 'acme', agent: 'support' },
    });
    expect(e.prev_hash).toBe('0'.repeat(64));
    expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
    const e2 = await l.record(ev('req-2'));
    expect(e2.prev_hash).toBe(e.hash);
    expect(e2.rating).toMatchObject({ period: { state: { quantities: { output_tokens: '500', requests: '1', tokens: '1500' }, spend: '0.003' } } });
    expect(await l.get('req-1')).toMatchObject({ seq: 1, hash: e.hash });
  });

  it('accepts provider-shaped usage through the normalizer', async () => {
    const l = ledger();
    const e = await l.record(ev('raw', { usage: { prompt_tokens: 1200, completion_tokens: 500, prompt_tokens_details: { cached_tokens: 200 } } }));
    expect(e.rating.status).toBe('priced');
    if (e.rating.status === 'priced') expect(e.rating.lines[0]).toMatchObject({ component: 'input', quantity: '1000' });
  });

  it('records incomplete, error and usage-less calls with NO price (unpriced, never 0)', async () => {
    const l = ledger();
    const a = await l.record(ev('inc', { status: 'incomplete', usage: undefined }));
    const b = await l.record(ev('err', { status: 'error' }));
    const c = await l.record(ev('nousage', { usage: undefined }));
    expect(a.rating).toEqual({ status: 'unpriced', reason: 'incomplete', period: { key: '2025-03' } });
    expect(b.rating).toMatchObject({ status: 'unpriced', reason: 'error' });
    expect(c.rating).toMatchObject({ status: 'unpriced', reason: 'no_usage' });
    expect(JSON.stringify([a, b, c])).not.toMatch(/"price"/);
  });

  it('records an unknown model as unpriced with the error code, and counts it', async () => {
    const l = ledger();
    const e = await l.record(ev('u1', { model: 'gpt-unknown' }));
    expect(e.rating).toMatchObject({ status: 'unpriced', reason: 'rating_failed', error: { code: 'model_not_found' }, ratecard_version: 'test-v1' });
    expect(await l.aggregate('customer', 'acme', '2025-03')).toMatchObject({ entries: 1, unpriced: 1, spend: '0' });
  });

  it('records inconsistent usage as unpriced with the normalizer code', async () => {
    const e = await ledger().record(ev('bad-usage', { usage: { input: -5 } }));
    expect(e.rating).toMatchObject({ status: 'unpriced', reason: 'rating_failed' });
  });

  it('rejects malformed events, naming every problem', async () => {
    const l = ledger();
    const bad = { at: 'yesterday', model: '', status: 'weird', prompt: 'secret', latency_ms: -1 } as unknown as UsageEvent;
    const err = await l.record(bad).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'event_invalid' });
    const problems = (err as { details: { problems: string[] } }).details.problems;
    expect(problems.join('\n')).toMatch(/unknown field `prompt`/);
    expect(problems.join('\n')).toMatch(/`id`/);
    expect(problems.join('\n')).toMatch(/`at`/);
    expect(problems.join('\n')).toMatch(/`model`/);
    expect(problems.join('\n')).toMatch(/`status`/);
    expect(problems.join('\n')).toMatch(/latency_ms/);
    expect(problems).toHaveLength(6);
  });

  it('without a ratecard, prices at catalog list price and records the catalog price version', async () => {
    const l = createLedger({ storage: createMemoryStorage() });
    const e = await l.record({ id: 'x', at: '2025-03-01T00:00:00Z', provider: 'openai', model: 'gpt-4o', usage: { input: 1_000_000, output: 1_000_000 } });
    expect(e.rating).toMatchObject({ status: 'priced', currency: 'USD', price: '12.5', price_version: expect.stringMatching(/gpt-4o/) });
    const unknown = await l.record({ id: 'y', at: '2025-03-01T00:00:00Z', model: 'no-such-model-xyz', usage: { input: 1 } });
    expect(unknown.rating).toMatchObject({ status: 'unpriced', error: { code: 'model_not_found' } });
    expect(await l.verify()).toMatchObject({ ok: true, rerated: 2 });
  });
});

describe('idempotency', () => {
  it('the same key with the same payload returns the original entry, forever', async () => {
    const l = ledger();
    const first = await l.record(ev('k'));
    await l.record(ev('other'));
    const again = await l.record({ ...ev('k'), at: '2025-03-01T00:01:00Z' }); // same instant, other spelling
    expect(again).toMatchObject({ seq: first.seq, hash: first.hash, replayed: true });
    expect((await l.storage.head()).seq).toBe(2);
  });

  it('a different payload is an idempotency_conflict naming the differing fields', async () => {
    const l = ledger();
    await l.record(ev('k'));
    const err = await l.record(ev('k', { usage: { input: 1000, output: 501 }, attributes: { customer: 'other', agent: 'support' } })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'idempotency_conflict', details: { key: 'k', seq: 1, fields: ['attributes.customer', 'usage.output'] } });
    expect((err as Error).message).toMatch(/attributes\.customer, usage\.output differ/);
  });

  it('concurrent record() calls with one key resolve to one entry; conflicting ones fail alone', async () => {
    const l = ledger();
    const results = await Promise.allSettled([
      l.record(ev('same')), l.record(ev('a')), l.record(ev('same')), l.record(ev('same', { model: 'big-model' })), l.record(ev('same')),
    ]);
    const ok = results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<{ seq: number }>).value.seq);
    expect(ok.sort()).toEqual([1, 1, 1, 2]);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: 'idempotency_conflict', details: { fields: ['model'] } });
    expect((await l.storage.head()).seq).toBe(2);
  });
});

describe('period state, tiers and caps', () => {
  it('passes prior quantities so graduated tiers charge f(after) - f(before); sums match the period charge in any order', async () => {
    const rater = testRater({ tiers: [[1000, '0.01'], [undefined, '0.001']] });
    const l = ledger({ ratecard: rater });
    const a = await l.record(ev('t1', { usage: { input: 0, output: 800 } }));
    const b = await l.record(ev('t2', { usage: { input: 0, output: 800 } }));
    expect(a.rating).toMatchObject({ price: '8' });
    expect(b.rating).toMatchObject({ price: '2.6' }); // 200 × 0.01 + 600 × 0.001
    const other = await l.record(ev('t3', { usage: { input: 0, output: 800 }, attributes: { customer: 'globex' } }));
    expect(other.rating).toMatchObject({ price: '8' }); // another customer's period
    const april = await l.record(ev('t4', { at: '2025-04-02T00:00:00Z', usage: { input: 0, output: 800 } }));
    expect(april.rating).toMatchObject({ price: '8', period: { key: '2025-04' } });
  });

  it('passes period spend so caps hold across calls', async () => {
    const l = ledger({ ratecard: testRater({ cap: '0.005' }) });
    await l.record(ev('c1'));
    const second = await l.record(ev('c2'));
    const third = await l.record(ev('c3'));
    expect(second.rating).toMatchObject({ price: '0.002' });
    expect(third.rating).toMatchObject({ price: '0' });
    expect(await l.aggregate('customer', 'acme', '2025-03')).toMatchObject({ spend: '0.005', entries: 3 });
  });
});

describe('verify', () => {
  it('passes on an untouched ledger and re-rates every priced entry', async () => {
    const l = ledger({ ratecard: testRater({ tiers: [[1000, '0.01'], [undefined, '0.001']] }) });
    for (let i = 0; i < 20; i++) await l.record(ev(`v${i}`, { usage: { input: 10, output: 100 * i } }));
    await l.record(ev('inc', { status: 'incomplete' }));
    await l.record(ev('unk', { model: 'nope' }));
    const report = await l.verify();
    expect(report).toMatchObject({ ok: true, entries: 22, rerated: 21, chain: [], mismatches: [], unverifiable: [], unpriced: { incomplete: 1, model_not_found: 1 } });
  });

  it('detects an edited body, a broken link and a re-rating difference, each with its entry', async () => {
    const storage = createMemoryStorage();
    const l = createLedger({ storage, ratecard: testRater(), clock });
    for (let i = 0; i < 5; i++) await l.record(ev(`e${i}`));
    const records = (storage as unknown as { records: Array<{ body: string; prev_hash: string }> }).records;
    records[1]!.body = records[1]!.body.replace('"price":"0.003"', '"price":"0.001"');
    records[3]!.prev_hash = 'f'.repeat(64);
    const report = await l.verify();
    expect(report.ok).toBe(false);
    expect(report.chain.map((p) => p.seq)).toEqual([2, 4]);
    expect(report.mismatches).toEqual([expect.objectContaining({ seq: 2, key: 'e1', field: 'rating.price', recorded: '"0.001"', recomputed: '"0.003"' })]);
  });

  it('re-rates with the ratecard version each entry recorded, and reports versions it does not have', async () => {
    const storage = createMemoryStorage();
    const v1 = testRater({ version: 'v1' });
    const v2 = testRater({ version: 'v2', markup: '1.2' });
    await createLedger({ storage, ratecard: v1, clock }).record(ev('a'));
    const l2 = createLedger({ storage, ratecard: v2, clock });
    await l2.record(ev('b'));
    expect(await l2.verify()).toMatchObject({ ok: true, rerated: 1, unverifiable: [{ seq: 1, key: 'a', ratecard_version: 'v1' }] });
    expect(await l2.verify({ ratecards: [v1] })).toMatchObject({ ok: true, rerated: 2, unverifiable: [] });
    // A different ratecard claiming v1's version is caught.
    expect(await l2.verify({ ratecards: [testRater({ version: 'v1', markup: '2' })] })).toMatchObject({ ok: false, mismatches: [{ seq: 1, field: 'rating.price' }, { seq: 1, field: 'rating.lines' }] });
  });
});

describe('rerate', () => {
  it('appends reversal + correction pairs, reports totals, changes nothing written, and is idempotent', async () => {
    const l = ledger({ ratecard: testRater({ version: 'v1' }) });
    await l.record(ev('r1'));
    await l.record(ev('r2', { at: at(5) }));
    await l.record(ev('outside', { at: '2025-05-01T00:00:00Z' }));
    await l.record(ev('inc', { status: 'incomplete' }));
    const before = await l.storage.read(1, 10);
    const v2 = testRater({ version: 'v2', markup: '1.5' });
    const report = await l.rerate({ from: '2025-03-01T00:00:00Z', to: '2025-04-01T00:00:00Z', ratecard: v2, reason: 'contract fix' });
    expect(report).toMatchObject({ rerated: 2, unchanged: 0, totals: { USD: { before: '0.006', after: '0.009', delta: '0.003' } } });
    expect(report.pairs).toEqual([
      { original: 1, reversal: 5, correction: 6, before: '0.003', after: '0.0045' },
      { original: 2, reversal: 7, correction: 8, before: '0.003', after: '0.0045' },
    ]);
    expect((await l.storage.read(1, 4))).toEqual(before);
    const rev = await l.get('ratecard:rerate:1:reversal');
    expect(rev).toMatchObject({ type: 'reversal', refs: { reverses: 1, reason: 'contract fix' }, rating: { price: '-0.003', cost: '-0.003' } });
    expect(await l.aggregate('customer', 'acme', '2025-03')).toMatchObject({ spend: '0.009' });
    const again = await l.rerate({ from: '2025-03-01T00:00:00Z', to: '2025-04-01T00:00:00Z', ratecard: v2 });
    expect(again).toMatchObject({ rerated: 0, unchanged: 2 });
    expect(await l.verify({ ratecards: [v2] })).toMatchObject({ ok: true, mismatches: [] });
  });
});

describe('encryption at rest', () => {
  const key = Buffer.alloc(32, 7);
  it('stores attribution and metadata only as ciphertext; verify checks the chain without the key', async () => {
    const storage = createMemoryStorage();
    const l = createLedger({ storage, ratecard: testRater(), clock, encryption: { key, keyId: 'k1' } });
    const e = await l.record(ev('s1', { metadata: { ticket: 'T-9' } }));
    expect(e.attributes).toEqual({ customer: 'acme', agent: 'support' });
    const [rec] = await storage.read(1, 1);
    expect(rec!.body).not.toMatch(/acme|support|T-9/);
    expect(rec!.body).toMatch(/"sealed":\{"alg":"A256GCM"/);
    expect(rec!.payload_hash).toMatch(/^hmac:/);
    expect((await l.get('s1'))?.metadata).toEqual({ ticket: 'T-9' });
    const noKey = createLedger({ storage, ratecard: testRater(), clock });
    const report = await noKey.verify();
    expect(report).toMatchObject({ ok: true, chain: [], unverifiable: [{ seq: 1, reason: expect.stringMatching(/encrypted/) }] });
    await expect(noKey.record(ev('s2'))).rejects.toMatchObject({ code: 'encryption_key_required' });
    const wrong = createLedger({ storage, ratecard: testRater(), clock, encryption: { key: Buffer.alloc(32, 8) } });
    await expect(wrong.get('s1')).rejects.toMatchObject({ code: 'encryption_key_mismatch' });
    expect(await l.verify()).toMatchObject({ ok: true, rerated: 1 });
  });

  it('rejects a key of the wrong size', () => {
    expect(() => createLedger({ storage: createMemoryStorage(), encryption: { key: Buffer.alloc(16) } })).toThrow(/32 bytes/);
  });
});

describe('records written beside usage (budget alerts)', () => {
  it('are chained and verified, and ignored by aggregates, rerate and invoices', async () => {
    const { canonicalJson, entryHash, sha256Hex } = await import('../../src/ledger/canonical-json.js');
    const l = ledger();
    await l.record(ev('u1'));
    await l.storage.appendWith((tx) => {
      const head = tx.head();
      const body = canonicalJson({ v: 1, type: 'alert', key: 'alert-1', alert: { budget: 'b', percent: '50' }, recorded_at: '2025-03-01T00:00:00Z' });
      tx.append([{ seq: head.seq + 1, key: 'alert-1', type: 'alert', at: '2025-03-01T00:00:00Z', body, payload_hash: sha256Hex(body), prev_hash: head.hash, hash: entryHash(head.hash, body) }]);
    });
    await l.record(ev('u2'));
    expect(await l.verify()).toMatchObject({ ok: true, entries: 3, rerated: 2 });
    expect(await l.aggregate('customer', 'acme', '2025-03')).toMatchObject({ entries: 2, spend: '0.006' });
    expect(await l.rerate({ from: '2025-03-01T00:00:00Z', to: '2025-04-01T00:00:00Z', ratecard: testRater({ version: 'v9', markup: '2' }) })).toMatchObject({ rerated: 2 });
    const inv = await l.invoice({ customer: 'acme', period: '2025-03' });
    expect(inv.total).toBe('0.01');
  });
});

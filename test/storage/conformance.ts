/**
 * The storage conformance suite: every LedgerStorage adapter (memory, file, SQLite,
 * PostgreSQL) must pass it unchanged.
 *
 *   describeStorageConformance('sqlite', () => { const p = tempPath(); return () => createSqliteStorage(p); });
 *
 * `makeStorage` is called once per test and returns a StorageFactory for a fresh, empty
 * location; each call of that factory opens another instance on the SAME location (to
 * test reopen and several instances sharing one ledger). Each test opens and closes
 * the instances it uses.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, type AppendTx, type EntryRecord, type LedgerStorage, type StorageFactory } from '../../src/storage/types.js';
import { chain, chainProblems, readAll, type RecordInput } from './fixtures/records.js';

export interface ConformanceOptions {
  /** Does a new instance from the factory see what an earlier, closed one stored? Default true. */
  persistent?: boolean;
  /** Can two open instances on one location append concurrently (serialized)? Default true; false for single-writer adapters. */
  sharedWriters?: boolean;
}

type MakeStorage = () => StorageFactory | Promise<StorageFactory>;

/** Bodies that must come back byte-for-byte: unicode, escapes, whitespace, a large one. */
const TRICKY_BODIES = [
  '{"amount":"0.000000000000000001","model":"gpt-4o"}',
  '{"name":"Zoë 😀 ünïcødé 日本語","rtl":"مرحبا"}',
  '{"esc":"line\\nbreak \\"quoted\\" back\\\\slash \\u0000 \\ud83d\\ude00"}',
  ' { "spaced" :  [ 1 , 2 ] }\t',
  JSON.stringify({ big: 'x'.repeat(200_000) }),
  '',
];

export function describeStorageConformance(name: string, makeStorage: MakeStorage, options: ConformanceOptions = {}): void {
  const persistent = options.persistent ?? true;
  const sharedWriters = options.sharedWriters ?? true;

  /** Open `n` instances on one fresh location; closes them after `body`. */
  async function withStorage<T>(body: (s: LedgerStorage, factory: StorageFactory) => Promise<T>): Promise<T> {
    const factory = await makeStorage();
    const s = await factory();
    await s.open();
    try {
      return await body(s, factory);
    } finally {
      await s.close();
    }
  }

  async function appendKeys(s: LedgerStorage, items: readonly RecordInput[]): Promise<EntryRecord[]> {
    return s.appendWith((tx) => {
      const recs = chain(tx.head(), items);
      tx.append(recs);
      return recs;
    });
  }

  const keys = (prefix: string, n: number): RecordInput[] => Array.from({ length: n }, (_, i) => ({ key: `${prefix}-${i}` }));

  describe(`storage conformance: ${name}`, () => {
    it('starts empty', async () => {
      const factory = await makeStorage();
      const s = await factory();
      const report = await s.open();
      try {
        expect(report.head).toEqual({ seq: 0, hash: GENESIS_HASH });
        expect(typeof report.kind).toBe('string');
        expect(s.kind).toBe(report.kind);
        expect(await s.head()).toEqual({ seq: 0, hash: GENESIS_HASH });
        expect(await s.read(1, 10)).toEqual([]);
        expect(await s.getByKey('nope')).toBeUndefined();
        expect(await s.getMeta('nope')).toBeUndefined();
      } finally {
        await s.close();
        await s.close(); // safe twice
      }
    });

    it('appends, reads back, reports the head, finds by key', async () => {
      await withStorage(async (s) => {
        const recs = await appendKeys(s, keys('a', 3));
        expect(await s.read(1, 10)).toEqual(recs);
        expect(await s.head()).toEqual({ seq: 3, hash: recs[2]!.hash });
        expect(await s.getByKey('a-1')).toEqual(recs[1]);
        expect(await s.getByKey('a-9')).toBeUndefined();
        const more = await appendKeys(s, keys('b', 2));
        expect(more.map((r) => r.seq)).toEqual([4, 5]);
        expect(more[0]!.prev_hash).toBe(recs[2]!.hash);
        expect(chainProblems(await readAll(s))).toEqual([]);
      });
    });

    it('open() is idempotent', async () => {
      await withStorage(async (s) => {
        await appendKeys(s, keys('a', 2));
        await s.open();
        expect((await s.head()).seq).toBe(2);
        expect((await s.read(1, 10)).length).toBe(2);
        await appendKeys(s, keys('b', 1));
        expect((await s.head()).seq).toBe(3);
      });
    });

    it('property: scan returns every record of the range whose body holds the text, in order', async () => {
      const ids = ['acme', 'acme2', 'a"b', 'a\\b', 'ünï', '😀', 'x\ny', '"customer":"acme"'];
      const body = fc.record({ customer: fc.constantFrom(...ids), agent: fc.constantFrom(...ids), n: fc.nat(99) }).map((b) => JSON.stringify(b));
      const needle = fc.oneof(
        fc.constantFrom(...ids).map((id) => `"customer":${JSON.stringify(id)}`),
        fc.constantFrom(...ids, '"', '\\', '\n', 'acme", "', '"n":1', ''),
      );
      await withStorage(async (s) => {
        if (!s.scan) return;
        const stored = await appendKeys(s, (await fc.sample(body, { numRuns: 40, seed: 5 })).map((b, i) => ({ key: `k${i}"\\${i}`, body: b })));
        await fc.assert(
          fc.asyncProperty(needle, fc.integer({ min: 0, max: 42 }), fc.integer({ min: 0, max: 42 }), async (text, a, b) => {
            const [from, to] = a <= b ? [a, b] : [b, a];
            const got = await s.scan!(from, to, { bodyIncludes: text });
            const expected = stored.filter((r) => r.seq >= from && r.seq <= to && r.body.includes(text));
            // Never fewer than match; anything more is within the range, in order, and checked again by the caller.
            expect(got.filter((r) => r.body.includes(text))).toEqual(expected);
            expect(got.every((r, i) => r.seq >= from && r.seq <= to && (i === 0 || got[i - 1]!.seq < r.seq))).toBe(true);
          }),
          { numRuns: 60 },
        );
      });
    });

    it('read pages by fromSeq and limit', async () => {
      await withStorage(async (s) => {
        const recs = await appendKeys(s, keys('p', 10));
        expect(await s.read(4, 3)).toEqual(recs.slice(3, 6));
        expect(await s.read(9, 100)).toEqual(recs.slice(8));
        expect(await s.read(11, 5)).toEqual([]);
        expect(await s.read(1, 0)).toEqual([]);
      });
    });

    it('returns the callback value; tx.head and findByKeys see staged and committed records', async () => {
      await withStorage(async (s) => {
        const [first] = await appendKeys(s, [{ key: 'old' }]);
        const out = await s.appendWith(async (tx) => {
          expect(tx.head()).toEqual({ seq: 1, hash: first!.hash });
          const staged = chain(tx.head(), [{ key: 'new-1' }, { key: 'new-2' }]);
          tx.append(staged);
          expect(tx.head()).toEqual({ seq: 3, hash: staged[1]!.hash });
          const found = await tx.findByKeys(['old', 'new-2', 'absent', 'old']);
          expect([...found.keys()].sort()).toEqual(['new-2', 'old']);
          expect(found.get('old')).toEqual(first);
          expect(found.get('new-2')).toEqual(staged[1]);
          expect((await tx.findByKeys([])).size).toBe(0);
          return 'value';
        });
        expect(out).toBe('value');
        expect((await s.head()).seq).toBe(3);
      });
    });

    it('findByKeys handles many keys at once', async () => {
      await withStorage(async (s) => {
        await appendKeys(s, keys('m', 1500));
        const wanted = [...keys('m', 1500).map((k) => k.key), ...keys('absent', 500).map((k) => k.key)];
        const found = await s.appendWith((tx) => tx.findByKeys(wanted));
        expect(found.size).toBe(1500);
        expect(found.get('m-1499')?.seq).toBe(1500);
      });
    });

    it('rejects a seq that does not follow the head (gapless), keeping nothing', async () => {
      await withStorage(async (s) => {
        await appendKeys(s, keys('a', 2));
        for (const bad of [
          (tx: AppendTx) => chain({ seq: tx.head().seq + 1, hash: tx.head().hash }, [{ key: 'gap' }]),
          (tx: AppendTx) => chain({ seq: tx.head().seq - 1, hash: tx.head().hash }, [{ key: 'back' }]),
          (tx: AppendTx) => chain({ seq: tx.head().seq, hash: 'f'.repeat(64) }, [{ key: 'badlink' }]),
        ]) {
          await expect(s.appendWith((tx) => tx.append(bad(tx)))).rejects.toMatchObject({ code: 'storage_conflict' });
        }
        expect((await s.head()).seq).toBe(2);
        expect(chainProblems(await readAll(s))).toEqual([]);
      });
    });

    it('rejects a second record for a key (committed or in the same tx), keeping nothing of that tx', async () => {
      await withStorage(async (s) => {
        await appendKeys(s, keys('k', 2));
        await expect(appendKeys(s, [{ key: 'fresh' }, { key: 'k-0' }])).rejects.toMatchObject({ code: 'storage_conflict' });
        await expect(appendKeys(s, [{ key: 'twice' }, { key: 'twice' }])).rejects.toMatchObject({ code: 'storage_conflict' });
        expect(await s.getByKey('fresh')).toBeUndefined();
        expect(await s.getByKey('twice')).toBeUndefined();
        expect((await s.head()).seq).toBe(2);
        // The ledger carries on at the right place.
        await appendKeys(s, [{ key: 'fresh' }]);
        expect((await s.getByKey('fresh'))?.seq).toBe(3);
      });
    });

    it('a conflict discards the whole tx even if the callback catches it', async () => {
      await withStorage(async (s) => {
        await appendKeys(s, keys('k', 1));
        const attempt = s.appendWith((tx) => {
          tx.append(chain(tx.head(), [{ key: 'ok' }]));
          try {
            tx.append(chain(tx.head(), [{ key: 'k-0' }]));
          } catch {
            // swallowed on purpose
          }
          return 'done';
        });
        await expect(attempt).rejects.toMatchObject({ code: 'storage_conflict' });
        expect(await s.getByKey('ok')).toBeUndefined();
        expect((await s.head()).seq).toBe(1);
      });
    });

    it('a failed callback stages nothing (sync or async failure) and its error propagates', async () => {
      await withStorage(async (s) => {
        const boom = new Error('boom');
        await expect(
          s.appendWith((tx) => {
            tx.append(chain(tx.head(), [{ key: 'x1' }]));
            throw boom;
          }),
        ).rejects.toBe(boom);
        await expect(
          s.appendWith(async (tx) => {
            tx.append(chain(tx.head(), [{ key: 'x2' }, { key: 'x3' }]));
            await new Promise((r) => setTimeout(r, 5));
            throw boom;
          }),
        ).rejects.toBe(boom);
        expect(await s.head()).toEqual({ seq: 0, hash: GENESIS_HASH });
        for (const k of ['x1', 'x2', 'x3']) expect(await s.getByKey(k)).toBeUndefined();
        const [rec] = await appendKeys(s, [{ key: 'x1' }]);
        expect(rec!.seq).toBe(1);
      });
    });

    it('serializes concurrent callers: gapless, each sees the previous head', async () => {
      await withStorage(async (s) => {
        const n = 60;
        const results = await Promise.allSettled(
          Array.from({ length: n }, (_, i) =>
            s.appendWith(async (tx) => {
              const before = tx.head();
              await tx.findByKeys([`c-${i}`]); // yield inside the critical section
              await new Promise((r) => setTimeout(r, i % 3));
              expect(tx.head()).toEqual(before);
              if (i % 7 === 3) throw new Error(`caller ${i} fails`);
              tx.append(chain(before, [{ key: `c-${i}` }]));
              return before.seq + 1;
            }),
          ),
        );
        const failed = results.filter((r) => r.status === 'rejected').length;
        expect(failed).toBe(Array.from({ length: n }, (_, i) => i).filter((i) => i % 7 === 3).length);
        const all = await readAll(s);
        expect(all.length).toBe(n - failed);
        expect(chainProblems(all)).toEqual([]);
        const seqs = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])).sort((a, b) => a - b);
        expect(seqs).toEqual(all.map((r) => r.seq));
      });
    });

    it('idempotent appends from racing callers store each key once', async () => {
      await withStorage(async (s) => {
        const attempts = Array.from({ length: 90 }, (_, i) => `dup-${i % 20}`);
        await Promise.all(
          attempts.map((key) =>
            s.appendWith(async (tx) => {
              if ((await tx.findByKeys([key])).has(key)) return;
              tx.append(chain(tx.head(), [{ key }]));
            }),
          ),
        );
        const all = await readAll(s);
        expect(all.length).toBe(20);
        expect(chainProblems(all)).toEqual([]);
      });
    });

    it('keeps meta beside the log', async () => {
      await withStorage(async (s) => {
        await s.setMeta('cursor:sink', '42');
        await s.setMeta('ünï 😀', '');
        expect(await s.getMeta('cursor:sink')).toBe('42');
        expect(await s.getMeta('ünï 😀')).toBe('');
        await s.setMeta('cursor:sink', '43');
        expect(await s.getMeta('cursor:sink')).toBe('43');
        expect(await s.head()).toEqual({ seq: 0, hash: GENESIS_HASH });
        await Promise.all(Array.from({ length: 20 }, (_, i) => s.setMeta(`m${i}`, String(i))));
        expect(await s.getMeta('m19')).toBe('19');
      });
    });

    it('handles a large batch in one append', async () => {
      await withStorage(async (s) => {
        await appendKeys(s, keys('big', 3000));
        expect((await s.head()).seq).toBe(3000);
        expect(chainProblems(await readAll(s))).toEqual([]);
      });
    });

    if (persistent) {
      it('persists across reopen, byte-identical, and carries on appending', async () => {
        await withStorage(async (s, factory) => {
          const recs = await appendKeys(
            s,
            TRICKY_BODIES.map((body, i) => ({ key: `t-${i}-ключ-🔑`, body, type: i % 2 ? 'correction' : 'usage', at: `2026-0${(i % 9) + 1}-01T00:00:00.123456Z` })),
          );
          await s.setMeta('cursor', 'seq:3');
          // A large `bulk:` value (the ledger's aggregates checkpoint is one) beside small meta.
          const bulk = JSON.stringify({ cells: Array.from({ length: 20_000 }, (_, i) => ({ value: `customer-${i}-ünï`, spend: '12.345' })) });
          await s.setMeta('bulk:aggregates-checkpoint', bulk);
          await s.close();
          const again = await factory();
          const report = await again.open();
          try {
            expect(report.head).toEqual({ seq: recs.length, hash: recs.at(-1)!.hash });
            const back = await readAll(again);
            expect(back).toEqual(recs);
            back.forEach((r, i) => expect(Buffer.from(r.body, 'utf8').equals(Buffer.from(recs[i]!.body, 'utf8'))).toBe(true));
            expect(await again.getMeta('cursor')).toBe('seq:3');
            expect(await again.getMeta('bulk:aggregates-checkpoint')).toBe(bulk);
            expect(await again.getMeta('bulk:absent')).toBeUndefined();
            await appendKeys(again, [{ key: 'after-reopen' }]);
            expect(chainProblems(await readAll(again))).toEqual([]);
          } finally {
            await again.close();
          }
        });
      });

      if (sharedWriters) it('two instances on one location serialize their appends', async () => {
        await withStorage(async (s, factory) => {
          const other = await factory();
          await other.open();
          try {
            await Promise.all(
              Array.from({ length: 40 }, (_, i) =>
                (i % 2 ? other : s).appendWith(async (tx) => {
                  const key = `two-${i % 25}`;
                  if ((await tx.findByKeys([key])).has(key)) return;
                  await new Promise((r) => setTimeout(r, 1));
                  tx.append(chain(tx.head(), [{ key }]));
                }),
              ),
            );
          } finally {
            await other.close();
          }
          const all = await readAll(s);
          expect(all.length).toBe(25);
          expect(chainProblems(all)).toEqual([]);
        });
      });

      it('property: any batches of JSON bodies read back identically, before and after reopen', async () => {
        const key = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }).filter((k) => !k.includes('\u0000'));
        const batches = fc.array(fc.uniqueArray(key, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 6 });
        await fc.assert(
          fc.asyncProperty(batches, fc.array(fc.json(), { minLength: 30, maxLength: 30 }), async (bs, bodies) => {
            const factory = await makeStorage();
            const s = await factory();
            await s.open();
            const seen = new Set<string>();
            const stored: EntryRecord[] = [];
            try {
              for (const batch of bs) {
                const fresh = batch.filter((k) => !seen.has(k));
                fresh.forEach((k) => seen.add(k));
                if (fresh.length === 0) continue;
                stored.push(...(await appendKeys(s, fresh.map((k) => ({ key: k, body: bodies[stored.length % bodies.length]! })))));
              }
              expect(await readAll(s)).toEqual(stored);
            } finally {
              await s.close();
            }
            const again = await factory();
            await again.open();
            try {
              expect(await readAll(again)).toEqual(stored);
              for (const r of stored) expect(await again.getByKey(r.key)).toEqual(r);
            } finally {
              await again.close();
            }
          }),
          { numRuns: 15 },
        );
      });
    }
  });
}

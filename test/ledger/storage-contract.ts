/**
 * Storage behaviour every adapter must show, used by the memory and file adapter tests
 * (the shared conformance suite in test/storage/conformance.ts covers SQL adapters too).
 */
import { describe, expect, it } from 'vitest';
import { entryHash, sha256Hex } from '../../src/ledger/canonical-json.js';
import { GENESIS_HASH, type EntryRecord, type Head, type LedgerStorage } from '../../src/storage/types.js';

export function makeRecord(head: Head, key: string, body = `{"k":${JSON.stringify(key)}}`): EntryRecord {
  return { seq: head.seq + 1, key, type: 'usage', at: '2025-03-01T00:00:00.000Z', body, payload_hash: sha256Hex(key), prev_hash: head.hash, hash: entryHash(head.hash, body) };
}

export function describeStorageContract(name: string, make: () => Promise<LedgerStorage>): void {
  describe(`${name} storage contract`, () => {
    it('starts empty with the genesis head', async () => {
      const s = await make();
      const report = await s.open();
      expect(report.head).toEqual({ seq: 0, hash: GENESIS_HASH });
      expect(await s.head()).toEqual({ seq: 0, hash: GENESIS_HASH });
      expect(await s.read(1, 10)).toEqual([]);
      await s.close();
    });

    it('appends a chain, reads ranges and finds by key', async () => {
      const s = await make();
      await s.open();
      const written: EntryRecord[] = [];
      for (let i = 0; i < 25; i++) {
        await s.appendWith((tx) => {
          const r = makeRecord(tx.head(), `k${i}`, `{"i":${i},"text":"line\\nbreak ünïcode"}`);
          tx.append([r]);
          written.push(r);
        });
      }
      expect(await s.head()).toEqual({ seq: 25, hash: written[24]!.hash });
      expect(await s.read(1, 100)).toEqual(written);
      expect(await s.read(10, 3)).toEqual(written.slice(9, 12));
      expect(await s.read(26, 3)).toEqual([]);
      expect(await s.getByKey('k7')).toEqual(written[7]);
      expect(await s.getByKey('nope')).toBeUndefined();
      await s.close();
    });

    it('refuses a duplicate key, a seq gap and a broken prev_hash, keeping nothing of the failed tx', async () => {
      const s = await make();
      await s.open();
      await s.appendWith((tx) => tx.append([makeRecord(tx.head(), 'a')]));
      await expect(s.appendWith((tx) => tx.append([makeRecord(tx.head(), 'a')]))).rejects.toMatchObject({ code: 'storage_conflict' });
      await expect(s.appendWith((tx) => tx.append([{ ...makeRecord(tx.head(), 'b'), seq: 5 }]))).rejects.toMatchObject({ code: 'storage_conflict' });
      await expect(s.appendWith((tx) => tx.append([{ ...makeRecord(tx.head(), 'b'), prev_hash: 'f'.repeat(64) }]))).rejects.toMatchObject({ code: 'storage_conflict' });
      await expect(
        s.appendWith((tx) => {
          tx.append([makeRecord(tx.head(), 'c')]);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect((await s.head()).seq).toBe(1);
      expect(await s.getByKey('c')).toBeUndefined();
      await s.close();
    });

    it('sees staged records inside the tx and serializes concurrent appenders', async () => {
      const s = await make();
      await s.open();
      await s.appendWith(async (tx) => {
        const r1 = makeRecord(tx.head(), 'x1');
        tx.append([r1]);
        expect(tx.head()).toEqual({ seq: 1, hash: r1.hash });
        expect((await tx.findByKeys(['x1', 'zz'])).get('x1')).toEqual(r1);
        tx.append([makeRecord(tx.head(), 'x2')]);
      });
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          s.appendWith(async (tx) => {
            await Promise.resolve();
            const r = makeRecord(tx.head(), `c${i}`);
            tx.append([r]);
            return r.seq;
          }),
        ),
      );
      expect(new Set(results).size).toBe(200);
      const all = await s.read(1, 1000);
      expect(all.map((r) => r.seq)).toEqual(Array.from({ length: 202 }, (_, i) => i + 1));
      for (let i = 1; i < all.length; i++) expect(all[i]!.prev_hash).toBe(all[i - 1]!.hash);
      await s.close();
    });

    it('keeps meta values', async () => {
      const s = await make();
      await s.open();
      expect(await s.getMeta('cursor')).toBeUndefined();
      await s.setMeta('cursor', '42');
      await s.setMeta('other', 'x');
      expect(await s.getMeta('cursor')).toBe('42');
      await s.close();
    });
  });
}

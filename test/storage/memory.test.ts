import { describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../../src/storage/memory.js';
import { describeStorageContract, makeRecord } from '../ledger/storage-contract.js';
import { describeStorageConformance } from './conformance.js';

describeStorageContract('memory', async () => createMemoryStorage());

describe('memory storage', () => {
  it('returns copies: callers cannot change stored records', async () => {
    const s = createMemoryStorage();
    await s.open();
    await s.appendWith((tx) => tx.append([makeRecord(tx.head(), 'a')]));
    const [r] = await s.read(1, 1);
    r!.body = 'tampered';
    expect((await s.read(1, 1))[0]!.body).not.toBe('tampered');
  });

  it('refuses use after close', async () => {
    const s = createMemoryStorage();
    await s.open();
    await s.close();
    await expect(s.head()).rejects.toMatchObject({ code: 'storage_closed' });
  });
});

describeStorageConformance('memory', () => {
  // One location = one instance: every factory call hands back the same store (it can be reopened after close).
  const s = createMemoryStorage();
  return () => s;
});

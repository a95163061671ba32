import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteStorage } from '../../src/storage/sqlite.js';
import { describeStorageConformance } from './conformance.js';
import { chain } from './fixtures/records.js';

const dir = mkdtempSync(join(tmpdir(), 'ratecard-sqlite-'));
let n = 0;
const freshPath = (): string => join(dir, `ledger-${++n}.db`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeStorageConformance('sqlite', () => {
  const path = freshPath();
  return () => createSqliteStorage(path);
});

describe('sqlite storage specifics', () => {
  it('uses WAL with synchronous=FULL, and records its migrations once', async () => {
    const path = freshPath();
    const s = createSqliteStorage(path);
    expect((await s.open()).migrations).toEqual(['001_entries_meta']);
    await s.close();
    const again = createSqliteStorage(path);
    expect((await again.open()).migrations).toEqual([]);
    await again.close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.prepare('SELECT version, name FROM schema_migrations').all()).toEqual([{ version: 1, name: '001_entries_meta' }]);
    db.close();
  });

  it('rejects bad options and unusable files with clear errors', async () => {
    expect(() => createSqliteStorage('')).toThrow(expect.objectContaining({ code: 'storage_invalid_option' }));
    expect(() => createSqliteStorage(freshPath(), { synchronous: 'OFF' as 'FULL' })).toThrow(expect.objectContaining({ code: 'storage_invalid_option' }));
    const junk = freshPath();
    writeFileSync(junk, 'this is not a database, just some text that is long enough to look like a header '.repeat(10));
    await expect(createSqliteStorage(junk).open()).rejects.toMatchObject({ code: 'storage_open_failed' });
    await expect(createSqliteStorage(join(dir, 'missing-dir', 'x.db')).open()).rejects.toMatchObject({ code: 'storage_open_failed' });
  });

  it('refuses a ledger written by a newer schema', async () => {
    const path = freshPath();
    const s = createSqliteStorage(path);
    await s.open();
    await s.close();
    const db = new Database(path);
    db.prepare("INSERT INTO schema_migrations VALUES (99, '099_future', 'now')").run();
    db.close();
    await expect(createSqliteStorage(path).open()).rejects.toMatchObject({ code: 'storage_schema_too_new' });
  });

  it('needs open() first and refuses use after close()', async () => {
    const s = createSqliteStorage(freshPath());
    await expect(s.head()).rejects.toMatchObject({ code: 'storage_not_open' });
    await expect(s.appendWith(() => 1)).rejects.toMatchObject({ code: 'storage_not_open' });
    await s.open();
    await s.close();
    await expect(s.read(1, 1)).rejects.toMatchObject({ code: 'storage_closed' });
    await expect(s.open()).rejects.toMatchObject({ code: 'storage_closed' });
  });

  it('close() waits for queued appends to commit', async () => {
    const path = freshPath();
    const s = createSqliteStorage(path);
    await s.open();
    const pending = Array.from({ length: 10 }, (_, i) => s.appendWith((tx) => tx.append(chain(tx.head(), [{ key: `q${i}` }]))));
    await s.close();
    await Promise.all(pending);
    const again = createSqliteStorage(path);
    expect((await again.open()).head.seq).toBe(10);
    await again.close();
  });

  it('a tx cannot be used after its callback ended', async () => {
    const s = createSqliteStorage(freshPath());
    await s.open();
    let leaked: import('../../src/storage/types.js').AppendTx | undefined;
    await s.appendWith((tx) => void (leaked = tx));
    expect(() => leaked!.head()).toThrow(expect.objectContaining({ code: 'storage_tx_closed' }));
    await s.close();
  });

  it('rejects records with non-string fields or lone surrogates', async () => {
    const s = createSqliteStorage(freshPath());
    await s.open();
    await expect(s.appendWith((tx) => tx.append(chain(tx.head(), [{ key: 'bad\ud800' }])))).rejects.toMatchObject({ code: 'storage_invalid_record' });
    await expect(
      s.appendWith((tx) => tx.append([{ ...chain(tx.head(), [{ key: 'n' }])[0]!, body: 5 as unknown as string }])),
    ).rejects.toMatchObject({ code: 'storage_invalid_record' });
    expect((await s.head()).seq).toBe(0);
    await s.close();
  });

  it('reads never see a batch that is still open', async () => {
    const s = createSqliteStorage(freshPath());
    await s.open();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const writing = s.appendWith(async (tx) => {
      tx.append(chain(tx.head(), [{ key: 'pending' }]));
      await gate;
    });
    await new Promise((r) => setTimeout(r, 10));
    expect((await s.head()).seq).toBe(0);
    expect(await s.getByKey('pending')).toBeUndefined();
    release();
    await writing;
    expect((await s.head()).seq).toBe(1);
    await s.close();
  });
});

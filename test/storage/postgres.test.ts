import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresStorage } from '../../src/storage/postgres/index.js';
import { describeStorageConformance } from './conformance.js';
import { chain, chainProblems, readAll } from './fixtures/records.js';
import { createTestDatabase, pgUrl, withClient, type TestDatabase } from './fixtures/pg.js';

let db: TestDatabase | undefined;
let n = 0;

beforeAll(async () => {
  pgUrl(); // fails the file with a clear message when no server is available
  db = await createTestDatabase('ratecard_pg');
});
afterAll(async () => {
  await db?.drop();
});

function url(): string {
  if (!db) throw new Error(`no test database: ${pgUrl()}`);
  return db.url;
}

// Each conformance test gets its own ledger inside one shared schema (so several ledgers
// coexisting is exercised too); a few get their own schema.
describeStorageConformance('postgres', () => {
  const i = ++n;
  const opts = { connectionString: url(), ledger: `ledger-${i} 'quoted' \\ name`, schema: i % 4 === 0 ? `s_${i}` : 'ratecard' };
  return () => createPostgresStorage(opts);
});

describe('postgres storage specifics', () => {
  it('has a PostgreSQL server to test against', () => {
    expect(pgUrl()).toMatch(/^postgres(ql)?:\/\//);
  });

  it('applies versioned migrations once, even with concurrent openers', async () => {
    const schema = `mig_${++n}`;
    const storages = Array.from({ length: 6 }, (_, i) => createPostgresStorage({ connectionString: url(), schema, ledger: `l${i % 2}` }));
    const reports = await Promise.all(storages.map((s) => s.open()));
    expect(reports.filter((r) => r.migrations?.length).map((r) => r.migrations)).toEqual([['001_ledgers_entries_meta']]);
    await Promise.all(storages.map((s) => s.close()));
    const rows = await withClient(url(), (c) => c.query(`SELECT version, name FROM ${schema}.schema_migrations`));
    expect(rows.rows).toEqual([{ version: 1, name: '001_ledgers_entries_meta' }]);
  });

  it('refuses a schema written by a newer ratecard', async () => {
    const schema = `mig_${++n}`;
    const s = createPostgresStorage({ connectionString: url(), schema });
    await s.open();
    await s.close();
    await withClient(url(), (c) => c.query(`INSERT INTO ${schema}.schema_migrations (version, name) VALUES (99, '099_future')`));
    await expect(createPostgresStorage({ connectionString: url(), schema }).open()).rejects.toMatchObject({ code: 'storage_schema_too_new' });
  });

  it('keeps ledgers in one schema apart', async () => {
    const schema = `multi_${++n}`;
    const a = createPostgresStorage({ connectionString: url(), schema, ledger: 'a' });
    const b = createPostgresStorage({ connectionString: url(), schema, ledger: 'b' });
    await Promise.all([a.open(), b.open()]);
    await a.appendWith((tx) => tx.append(chain(tx.head(), [{ key: 'same' }, { key: 'only-a' }])));
    await b.appendWith((tx) => tx.append(chain(tx.head(), [{ key: 'same' }])));
    await a.setMeta('cursor', '1');
    expect((await a.head()).seq).toBe(2);
    expect((await b.head()).seq).toBe(1);
    expect(await b.getByKey('only-a')).toBeUndefined();
    expect(await b.getMeta('cursor')).toBeUndefined();
    expect(chainProblems(await readAll(b))).toEqual([]);
    await Promise.all([a.close(), b.close()]);
  });

  it('the database itself refuses updates and deletes of entries', async () => {
    const schema = `ro_${++n}`;
    const s = createPostgresStorage({ connectionString: url(), schema });
    await s.open();
    await s.appendWith((tx) => tx.append(chain(tx.head(), [{ key: 'k' }])));
    await s.close();
    await withClient(url(), async (c) => {
      await expect(c.query(`UPDATE ${schema}.entries SET body = 'x'`)).rejects.toThrow(/append-only/);
      await expect(c.query(`DELETE FROM ${schema}.entries`)).rejects.toThrow(/append-only/);
      await expect(c.query(`TRUNCATE ${schema}.entries`)).rejects.toThrow(/append-only/);
    });
  });

  it('rejects bad options, unreachable servers and NUL characters clearly', async () => {
    expect(() => createPostgresStorage({ connectionString: '' })).toThrow(expect.objectContaining({ code: 'storage_invalid_option' }));
    expect(() => createPostgresStorage({ connectionString: url(), schema: 'x; DROP TABLE y' })).toThrow(expect.objectContaining({ code: 'storage_invalid_option' }));
    expect(() => createPostgresStorage({ connectionString: url(), ledger: '' })).toThrow(expect.objectContaining({ code: 'storage_invalid_option' }));
    await expect(createPostgresStorage({ connectionString: 'postgres://postgres@127.0.0.1:1/none' }).open()).rejects.toMatchObject({ code: 'storage_open_failed' });
    const s = createPostgresStorage({ connectionString: url(), schema: `nul_${++n}` });
    await s.open();
    await expect(s.appendWith((tx) => tx.append(chain(tx.head(), [{ key: 'a\u0000b' }])))).rejects.toMatchObject({ code: 'storage_invalid_record' });
    expect(await s.appendWith((tx) => tx.findByKeys(['a\u0000b']))).toEqual(new Map());
    expect(await s.getByKey('a\u0000b')).toBeUndefined();
    await s.close();
  });

  it('a database error aborts only its batch; the next batch works', async () => {
    const s = createPostgresStorage({ connectionString: url(), schema: `err_${++n}` });
    await s.open();
    const bad = s.appendWith(async (tx) => {
      tx.append(chain(tx.head(), [{ key: 'before' }]));
      // A seq beyond JS-safe range in bigint text is fine for PG; force a real SQL error instead.
      await (tx as unknown as { client: { query(t: string): Promise<unknown> } }).client.query('SELECT 1/0');
    });
    await expect(bad).rejects.toThrow();
    await s.appendWith((tx) => tx.append(chain(tx.head(), [{ key: 'after' }])));
    expect((await readAll(s)).map((r) => r.key)).toEqual(['after']);
    await s.close();
  });

  it('waits for another process holding the ledger lock, then continues the chain', async () => {
    const opts = { connectionString: url(), schema: `lock_${++n}`, lockTimeoutMs: 200 };
    const s = createPostgresStorage(opts);
    await s.open();
    await s.appendWith((tx) => tx.append(chain(tx.head(), [{ key: 'first' }])));
    await withClient(url(), async (c) => {
      await c.query('BEGIN');
      await c.query(`SELECT 1 FROM ${opts.schema}.ledgers WHERE ledger = 'default' FOR UPDATE`);
      await expect(s.appendWith((tx) => tx.append(chain(tx.head(), [{ key: 'blocked' }])))).rejects.toMatchObject({ code: 'storage_busy' });
      const waiting = s.appendWith((tx) => tx.append(chain(tx.head(), [{ key: 'second' }])));
      await c.query('COMMIT');
      await waiting;
    });
    expect(chainProblems(await readAll(s))).toEqual([]);
    expect((await s.head()).seq).toBe(2);
    await s.close();
  });
});

/**
 * Several writer processes on one ledger: SQLite (one file) and PostgreSQL (one ledger
 * row). Every process sends the same keys (plus ten of its own), racing on each one;
 * the result must hold each key exactly once, in a gapless, valid hash chain, with every
 * acknowledged key present.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLedger } from '../../src/ledger/index.js';
import { createPostgresStorage } from '../../src/storage/postgres/index.js';
import { createSqliteStorage } from '../../src/storage/sqlite.js';
import type { LedgerStorage } from '../../src/storage/types.js';
import { bundleAppendChild } from './fixtures/child-bundle.js';
import { runChild } from './fixtures/child-run.js';
import { createTestDatabase, pgUrl, type TestDatabase } from './fixtures/pg.js';
import { chainProblems, readAll } from './fixtures/records.js';
import { tinyRater } from './fixtures/tiny-rater.js';

const PROCESSES = 4;
const SHARED = 150;
const dir = mkdtempSync(join(tmpdir(), 'ratecard-conc-'));
let bundle = '';
let db: TestDatabase | undefined;

beforeAll(async () => {
  pgUrl(); // no server is a failure, not a skip
  [bundle, db] = await Promise.all([bundleAppendChild(), createTestDatabase('ratecard_conc')]);
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  if (bundle) rmSync(join(bundle, '..'), { recursive: true, force: true });
  await db?.drop();
});

interface Target {
  adapter: string;
  location: () => string;
  make: (location: string) => LedgerStorage;
}

const targets: Target[] = [
  { adapter: 'sqlite', location: () => join(dir, 'shared.db'), make: (p) => createSqliteStorage(p) },
  {
    adapter: 'postgres',
    location: () => JSON.stringify({ connectionString: db!.url, schema: 'conc', ledger: 'shared ledger' }),
    make: (l) => createPostgresStorage(JSON.parse(l)),
  },
];

async function raceWriters(t: Target, via: 'ledger' | 'storage', prefix: string): Promise<void> {
  const location = t.location();
  const runs = await Promise.all(
    Array.from({ length: PROCESSES }, (_, p) =>
      runChild({ bundle, args: [t.adapter, location, prefix, via, String(SHARED), `${prefix}-own${p}`, '6'], timeoutMs: 120_000 }),
    ),
  );
  for (const r of runs) {
    if (r.code !== 0 || !r.done) throw new Error(`${t.adapter} writer failed (code ${r.code}, signal ${r.signal}):\n${r.stderr}`);
  }
  const expected = new Set<string>();
  for (let i = 0; i < SHARED; i++) expected.add(`${prefix}-${i}`);
  for (let p = 0; p < PROCESSES; p++) for (let i = 0; i < 10; i++) expected.add(`${prefix}-own${p}-${i}`);
  // Every process acknowledged every key it sent (a replay returns the original entry).
  for (const r of runs) expect(r.acked.length).toBe(SHARED + 10);

  const storage = t.make(location);
  await storage.open();
  try {
    const all = await readAll(storage);
    expect(chainProblems(all)).toEqual([]);
    const mine = all.filter((r) => r.key.startsWith(`${prefix}-`));
    expect(mine.length).toBe(expected.size);
    expect(new Set(mine.map((r) => r.key))).toEqual(expected);
  } finally {
    await storage.close();
  }
}

describe.concurrent('several writer processes on one ledger', () => {
  for (const t of targets) {
    it(`${t.adapter}: ${PROCESSES} processes through ledger.record with overlapping keys`, async () => {
      await raceWriters(t, 'ledger', `${t.adapter}-ledger`);
      const ledger = createLedger({ storage: t.make(t.location()), ratecard: tinyRater });
      const report = await ledger.verify();
      await ledger.close();
      expect(report.chain).toEqual([]);
      expect(report.ok).toBe(true);
    }, 240_000);
  }
});

describe('several writer processes on one ledger (storage level)', () => {
  it(`postgres: ${PROCESSES} processes through appendWith, in a second ledger of the same schema`, async () => {
    const t: Target = {
      adapter: 'postgres',
      location: () => JSON.stringify({ connectionString: db!.url, schema: 'conc', ledger: 'raw' }),
      make: (l) => createPostgresStorage(JSON.parse(l)),
    };
    await raceWriters(t, 'storage', 'pg-raw');
  }, 240_000);

  it(`sqlite: ${PROCESSES} processes through appendWith`, async () => {
    const t: Target = { adapter: 'sqlite', location: () => join(dir, 'raw.db'), make: (p) => createSqliteStorage(p) };
    await raceWriters(t, 'storage', 'sqlite-raw');
  }, 240_000);
});

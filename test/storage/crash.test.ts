/**
 * Crash safety: a child process records usage through the real ledger (record()) into a
 * file or SQLite ledger and is SIGKILLed at random moments, 50 times per adapter. After
 * every kill the ledger must open, its hash chain must verify (sha256(prev_hash + body)),
 * and every key the child acknowledged must be there exactly once. Each run first
 * replays ten keys of the previous run, so idempotency is crash-tested too.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLedger } from '../../src/ledger/index.js';
import { createFileStorage } from '../../src/storage/file/index.js';
import { createSqliteStorage } from '../../src/storage/sqlite.js';
import type { LedgerStorage } from '../../src/storage/types.js';
import { bundleAppendChild } from './fixtures/child-bundle.js';
import { runChild, type ChildRun } from './fixtures/child-run.js';
import { chainProblems, readAll } from './fixtures/records.js';
import { tinyRater } from './fixtures/tiny-rater.js';

const KILLS = 50;
const dir = mkdtempSync(join(tmpdir(), 'ratecard-crash-'));
let bundle = '';

beforeAll(async () => {
  bundle = await bundleAppendChild();
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  if (bundle) rmSync(join(bundle, '..'), { recursive: true, force: true });
});

const adapters: Record<string, (path: string) => LedgerStorage> = {
  file: (p) => createFileStorage(p),
  sqlite: (p) => createSqliteStorage(p),
};

/** Deterministic jitter so a failure can be replayed (seeded per adapter). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0) / 2 ** 32);
}

async function checkAfterKill(make: () => LedgerStorage, acked: ReadonlySet<string>, context: string): Promise<number> {
  const storage = make();
  await storage.open();
  try {
    const all = await readAll(storage);
    expect(chainProblems(all), context).toEqual([]);
    const present = new Set(all.map((r) => r.key));
    const lost = [...acked].filter((k) => !present.has(k));
    expect(lost, `${context}: acknowledged keys missing`).toEqual([]);
    return all.length;
  } finally {
    await storage.close();
  }
}

describe.concurrent('crash safety under SIGKILL', () => {
  for (const [name, make] of Object.entries(adapters)) {
    it(`${name}: ${KILLS} kills at random moments lose no acknowledged entry and leave a valid chain`, async () => {
      const path = join(dir, `ledger.${name}`);
      const random = rng(name.length * 7919);
      const acked = new Set<string>();
      let killedWhileAppending = 0;
      let entries = 0;
      for (let i = 0; i < KILLS; i++) {
        // Mostly while appends stream; sometimes during startup and recovery.
        const r = random();
        const from = r < 0.1 ? 'spawn' : r < 0.2 ? 'ready' : 'ack';
        const run: ChildRun = await runChild({
          bundle,
          args: [name, path, `r${i}`, 'ledger', '20000', i > 0 ? `r${i - 1}` : '-', '8'],
          killFrom: from,
          killAfterMs: Math.floor(random() * (from === 'spawn' ? 400 : 150)),
          timeoutMs: 30_000,
        });
        const context = `${name} kill #${i}`;
        if (run.signal !== 'SIGKILL') throw new Error(`${context}: child ended with code ${run.code}, not by the kill:\n${run.stderr}`);
        if (run.acked.length > 0) killedWhileAppending++;
        for (const k of run.acked) acked.add(k);
        entries = await checkAfterKill(() => make(path), acked, context);
      }
      expect(killedWhileAppending).toBeGreaterThanOrEqual(KILLS * 0.7);
      expect(acked.size).toBeGreaterThan(KILLS);
      expect(entries).toBeGreaterThanOrEqual(acked.size);
      // The ledger itself agrees: chain verified and every entry re-rated identically.
      const ledger = createLedger({ storage: make(path), ratecard: tinyRater });
      const report = await ledger.verify();
      await ledger.close();
      expect(report.chain).toEqual([]);
      expect(report.mismatches).toEqual([]);
      expect(report.ok).toBe(true);
      expect(report.entries).toBe(entries);
    }, 180_000);
  }
});

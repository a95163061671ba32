/**
 * Append throughput of the SQL ledger adapters.
 *
 *   npx tsx bench/storage.bench.ts            (starts a throwaway PostgreSQL if RATECARD_PG_URL is unset)
 *   npx tsx bench/storage.bench.ts --quick    (fewer entries)
 *
 * Cases: `batched` = one appendWith staging N records (what ledger.record batching does
 * under load); `group` = many concurrent appendWith calls of one record each, committed
 * together by the adapter's group commit. Each record carries a ~400-byte body and its
 * sha256 chain hash, computed inside the callback. Targets: SQLite >= 30k entries/s,
 * PostgreSQL >= 10k entries/s batched.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import pg from 'pg';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresStorage } from '../src/storage/postgres/index.js';
import { createSqliteStorage } from '../src/storage/sqlite.js';
import type { LedgerStorage } from '../src/storage/types.js';
import { stageChained as stage } from './util.js';

const quick = process.argv.includes('--quick');
const TOTAL = quick ? 20_000 : 100_000;


/** cpu: this process's CPU seconds (user + system): on a busy machine, entries per CPU-second is the steadier figure. */
interface Row { adapter: string; case: string; entries: number; seconds: number; perSec: number; cpu: number; serverCpu?: number }

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** CPU seconds used so far by each PostgreSQL client backend (from /proc; same machine only). */
async function backendCpu(url: string): Promise<Map<number, number>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const res = await c.query("SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()");
    const out = new Map<number, number>();
    for (const { pid } of res.rows as { pid: number }[]) {
      try {
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        out.set(pid, (Number(fields[11]) + Number(fields[12])) / 100); // utime + stime, in 1/100 s ticks
      } catch {
        // backend gone or /proc unreadable: not counted
      }
    }
    return out;
  } finally {
    await c.end();
  }
}

function cpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, t] of after) sum += t - (before.get(pid) ?? 0);
  return sum;
}

async function batched(s: LedgerStorage, batch: number): Promise<number> {
  const t0 = performance.now();
  for (let done = 0; done < TOTAL; done += batch) await s.appendWith((tx) => stage(tx, Math.min(batch, TOTAL - done)));
  return (performance.now() - t0) / 1000;
}

async function group(s: LedgerStorage, inFlight: number): Promise<number> {
  const n = Math.min(TOTAL, 20_000);
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next++ < n) await s.appendWith((tx) => stage(tx, 1));
    }),
  );
  return (performance.now() - t0) / 1000;
}

async function run(adapter: string, make: () => LedgerStorage, rows: Row[], pgUrl?: string): Promise<void> {
  const cases: [string, (s: LedgerStorage) => Promise<number>, number][] = [
    ['batched 1000/append', (s) => batched(s, 1000), TOTAL],
    ['batched 100/append', (s) => batched(s, 100), TOTAL],
    ['group commit, 256 callers x 1', (s) => group(s, 256), Math.min(TOTAL, 20_000)],
  ];
  for (const [name, fn, entries] of cases) {
    const s = make();
    await s.open();
    const b0 = pgUrl ? await backendCpu(pgUrl) : undefined;
    const c0 = cpuSeconds();
    const seconds = await fn(s);
    const cpu = cpuSeconds() - c0;
    const serverCpu = pgUrl ? cpuDelta(b0!, await backendCpu(pgUrl)) : undefined;
    await s.close();
    rows.push({ adapter, case: name, entries, seconds, perSec: entries / seconds, cpu, ...(serverCpu !== undefined ? { serverCpu } : {}) });
    print(rows.at(-1)!);
  }
  // Unbatched appends: one durable commit each, the latency floor (2 000 entries).
  const s = make();
  await s.open();
  const n = 2_000;
  const t0 = performance.now();
  const c0 = cpuSeconds();
  for (let i = 0; i < n; i++) await s.appendWith((tx) => stage(tx, 1));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds() - c0;
  await s.close();
  rows.push({ adapter, case: 'sequential, 1 per append', entries: n, seconds, perSec: n / seconds, cpu });
  print(rows.at(-1)!);
}

function print(r: Row): void {
  const cpu = r.cpu + (r.serverCpu ?? 0);
  const server = r.serverCpu !== undefined ? ` + server ${r.serverCpu.toFixed(2)} s` : '';
  console.log(
    `${r.adapter.padEnd(26)} ${r.case.padEnd(30)} ${String(r.entries).padStart(7)} entries ${r.seconds.toFixed(2).padStart(6)} s ${Math.round(r.perSec).toLocaleString('en-US').padStart(8)} /s` +
      `  | CPU: client ${r.cpu.toFixed(2)} s${server} = ${Math.round(r.entries / cpu).toLocaleString('en-US')} entries per CPU-s`,
  );
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'ratecard-bench-'));
  let pgDir: string | undefined;
  try {
    console.log(`node ${process.version}, ${TOTAL} entries per batched case\n`);
    let i = 0;
    await run('sqlite (WAL, sync=FULL)', () => createSqliteStorage(join(dir, `full-${i++}.db`)), rows);
    await run('sqlite (WAL, sync=NORMAL)', () => createSqliteStorage(join(dir, `normal-${i++}.db`), { synchronous: 'NORMAL' }), rows);

    let url = process.env.RATECARD_PG_URL;
    if (!url) {
      const out = execFileSync('bash', ['scripts/pg-test-server.sh', 'start'], { encoding: 'utf8' });
      url = /RATECARD_PG_URL=(\S+)/.exec(out)?.[1];
      pgDir = /RATECARD_PG_DIR=(\S+)/.exec(out)?.[1];
      console.log('(started a throwaway PostgreSQL: fsync=off, see scripts/pg-test-server.sh)');
    }
    await run('postgres', () => createPostgresStorage({ connectionString: url!, schema: 'bench', ledger: `bench-${Date.now()}-${i++}` }), rows, url);

    const best = (a: string) => Math.max(...rows.filter((r) => r.adapter.startsWith(a) && r.case.startsWith('batched')).map((r) => r.perSec));
    const sqlite = Math.max(...rows.filter((r) => r.adapter === 'sqlite (WAL, sync=FULL)' && r.case.startsWith('batched')).map((r) => r.perSec));
    const pg = best('postgres');
    console.log(`\nSQLite (FULL) batched: ${Math.round(sqlite)} entries/s — target 30000: ${sqlite >= 30_000 ? 'met' : 'NOT met'}`);
    console.log(`PostgreSQL batched:    ${Math.round(pg)} entries/s — target 10000: ${pg >= 10_000 ? 'met' : 'NOT met'}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (pgDir) execFileSync('bash', ['scripts/pg-test-server.sh', 'stop', pgDir]);
  }
}

await main();

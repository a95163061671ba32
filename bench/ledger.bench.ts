/**
 * Ledger benchmarks: append throughput of the memory and file adapters, end-to-end
 * ledger.record() throughput, and record() latency on memory.
 *
 *   npx tsx bench/ledger.bench.ts           (--quick for fewer entries)
 *
 * Storage cases stage pre-hashed ~400-byte records, like bench/storage.bench.ts (SQLite
 * and PostgreSQL rows live there): `batched N` = one appendWith of N records (what
 * ledger.record batching produces under load); `group` = 256 concurrent appendWith calls
 * of one record each, made durable together by the file adapter's group commit.
 * Targets: memory >= 200k entries/s, file >= 50k durable entries/s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLedger } from '../src/ledger/index.js';
import { createFileStorage } from '../src/storage/file/index.js';
import { createMemoryStorage } from '../src/storage/memory.js';
import type { AppendTx, EntryRecord, LedgerStorage } from '../src/storage/types.js';
import { stageChained as stage } from './util.js';
import type { Rater } from '../src/engine/types.js';
import { listPriceRater } from '../src/quote.js';

const quick = process.argv.includes('--quick');
const TOTAL = quick ? 20_000 : 200_000;


/** CPU time of the last timed() run (all threads of this process), µs. */
let lastCpu = 0;

function row(adapter: string, what: string, entries: number, seconds: number): number {
  const perSec = entries / seconds;
  const cpu = lastCpu / entries;
  console.log(`${adapter.padEnd(18)} ${what.padEnd(44)} ${String(entries).padStart(7)} entries ${seconds.toFixed(2).padStart(6)} s ${Math.round(perSec).toLocaleString('en-US').padStart(9)} /s wall   ${cpu.toFixed(2).padStart(7)} µs CPU/entry`);
  return perSec;
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const c = process.cpuUsage(c0);
  lastCpu = c.user + c.system;
  return (performance.now() - t0) / 1000;
}

/** Records built (and hashed) ahead of time, so a case measures the adapter alone. */
function prebuilt(n: number): EntryRecord[] {
  const s = createMemoryStorage();
  const out: EntryRecord[] = [];
  let head = { seq: 0, hash: '0'.repeat(64) };
  const tx = { head: () => head, findByKeys: () => new Map(), append: (r: readonly EntryRecord[]) => void out.push(...r) } as unknown as AppendTx;
  for (let i = 0; i < n; i += 1000) {
    stage(tx, Math.min(1000, n - i));
    const last = out[out.length - 1]!;
    head = { seq: last.seq, hash: last.hash };
  }
  void s;
  return out;
}

async function storageCases(adapter: string, make: () => LedgerStorage): Promise<number> {
  let best = 0;
  {
    const recs = prebuilt(TOTAL);
    const s = make();
    await s.open();
    const sec = await timed(async () => {
      for (let i = 0; i < TOTAL; i += 1000) await s.appendWith((tx) => tx.append(recs.slice(i, i + 1000)));
    });
    await s.close();
    best = Math.max(best, row(adapter, 'append only: 1000/append, pre-hashed', TOTAL, sec));
  }
  for (const batch of [1000, 100]) {
    const s = make();
    await s.open();
    const sec = await timed(async () => {
      for (let done = 0; done < TOTAL; done += batch) await s.appendWith((tx) => stage(tx, Math.min(batch, TOTAL - done)));
    });
    await s.close();
    best = Math.max(best, row(adapter, `storage: batched ${batch}/append`, TOTAL, sec));
  }
  const n = Math.min(TOTAL, 50_000);
  const s = make();
  await s.open();
  let next = 0;
  const sec = await timed(async () => {
    await Promise.all(Array.from({ length: 256 }, async () => {
      while (next++ < n) await s.appendWith((tx) => stage(tx, 1));
    }));
  });
  const syncs = (s as { stats?: { syncs: number } }).stats?.syncs;
  await s.close();
  best = Math.max(best, row(adapter, `storage: group commit 256 x 1${syncs !== undefined ? ` (${syncs} fsyncs)` : ''}`, n, sec));
  return best;
}

const events = (n: number, offset: number) =>
  Array.from({ length: n }, (_, i) => ({
    id: `ev_${offset + i}`, at: '2025-10-02T10:00:00Z', provider: 'anthropic', model: 'claude-sonnet-4-5',
    usage: { input: 1834, cache_read: 12000, output: 512 },
    attributes: { customer: `cus_${i % 50}`, agent: 'support', conversation: `conv_${i % 997}` },
  }));

async function recordThroughput(adapter: string, make: () => LedgerStorage, rater: Rater, n: number, inFlight: number): Promise<number> {
  const ledger = createLedger({ storage: make(), ratecard: rater });
  await ledger.open();
  await Promise.all(events(200, -1000).map((e) => ledger.record(e))); // warm-up
  const evs = events(n, 0);
  let next = 0;
  const sec = await timed(async () => {
    await Promise.all(Array.from({ length: inFlight }, async () => {
      while (next < n) await ledger.record(evs[next++]!);
    }));
  });
  await ledger.close();
  return row(adapter, `ledger.record(), ${inFlight} concurrent callers`, n, sec);
}

async function recordLatency(rater: Rater): Promise<void> {
  const ledger = createLedger({ storage: createMemoryStorage(), ratecard: rater });
  const n = quick ? 5_000 : 20_000;
  const evs = events(n + 2000, 10_000_000);
  for (let i = 0; i < 2000; i++) await ledger.record(evs[i]!);
  const ns = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await ledger.record(evs[2000 + i]!);
    ns[i] = Number(process.hrtime.bigint() - t0);
  }
  ns.sort();
  const p = (q: number) => (ns[Math.min(n - 1, Math.ceil(q * n) - 1)]! / 1000).toFixed(1);
  console.log(`${'memory'.padEnd(24)} ${'ledger.record() latency, sequential'.padEnd(38)} ${String(n).padStart(7)} calls   p50 ${p(0.5)} µs  p99 ${p(0.99)} µs  max ${p(1)} µs`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ratecard-ledger-bench-'));
  let i = 0;
  const file = () => createFileStorage(join(dir, `b-${i++}.ledger`));
  try {
    console.log(`node ${process.version}, ${TOTAL} entries per batched storage case\n`);
    const mem = await storageCases('memory', createMemoryStorage);
    const fil = await storageCases('file (fdatasync)', file);
    const rater = listPriceRater();
    const n = quick ? 10_000 : 50_000;
    const recMem = await recordThroughput('memory', createMemoryStorage, rater, n, 512);
    const recFile = await recordThroughput('file (fdatasync)', file, rater, n, 512);
    await recordLatency(rater);
    console.log(`\n(load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${cpus().length} cores: wall rates are shared-machine figures; CPU µs/entry is the per-core cost)`);
    console.log(`memory storage: ${Math.round(mem)} entries/s — target 200000: ${mem >= 200_000 ? 'met' : 'NOT met'}`);
    console.log(`file storage:   ${Math.round(fil)} durable entries/s — target 50000: ${fil >= 50_000 ? 'met' : 'NOT met'}`);
    console.log(`ledger.record() end to end (normalize + rate at list price + canonical JSON + sha256 + append): memory ${Math.round(recMem)}/s, file ${Math.round(recFile)}/s`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

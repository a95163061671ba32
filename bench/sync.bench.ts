/**
 * Sync benchmarks.
 *
 *   npx tsx bench/sync.bench.ts            (--quick for fewer entries)
 *
 * 1. Throughput: a memory ledger pre-filled with N priced entries, delivered by the outbox
 *    through the generic HTTP sink to a local node:http receiver on 127.0.0.1 that parses
 *    every batch and deduplicates by id — in a separate process (as a real sink is), and in
 *    the same process (sender and receiver share one event loop). Both HTTP sink formats:
 *    `event` (entries decoded and flattened) and `entry` (stored bodies sent verbatim).
 *    Target >= 50k entries/s.
 * 2. record() latency with sync off vs on: sequential awaited ledger.record() calls on a
 *    memory ledger, alone, then with an outbox delivering to the (own-process) receiver meanwhile
 *    (batch 100, poll 50 ms). Rounds alternate off/on to spread machine noise.
 *    Target: no measurable difference.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { createLedger, type Ledger } from '../src/ledger/index.js';
import type { UsageEvent } from '../src/ledger/event.js';
import { createMemoryStorage } from '../src/storage/memory.js';
import { createHttpSink, createOutbox } from '../src/sync/index.js';
import { listPriceRater } from '../src/quote.js';

const quick = process.argv.includes('--quick');
const N = quick ? 20_000 : 100_000;
const LAT = quick ? 5_000 : 20_000;

let counter = 0;
const event = (): UsageEvent => ({
  id: `req_${++counter}`, at: '2025-06-01T12:00:00Z', provider: 'openai', model: 'gpt-4o',
  usage: { prompt_tokens: 1834, completion_tokens: 512, prompt_tokens_details: { cached_tokens: 1024 } },
  attributes: { customer: `cus_${counter % 50}`, agent: 'support' },
});

function makeLedger(): Ledger {
  return createLedger({ storage: createMemoryStorage(), ratecard: listPriceRater() });
}

async function fill(ledger: Ledger, n: number): Promise<void> {
  for (let done = 0; done < n; done += 4096) {
    await Promise.all(Array.from({ length: Math.min(4096, n - done) }, () => ledger.record(event())));
  }
}

async function receiver() {
  const seen = new Set<string>();
  let requests = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { events: Array<{ id: string }> };
      for (const e of body.events) seen.add(e.id);
      requests++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, requests: () => requests, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

/** The same receiver in its own node process; GET /count answers the number of distinct ids. */
const RECEIVER_JS = `
const http = require('node:http');
const seen = new Set(); let requests = 0;
const server = http.createServer((req, res) => {
  if (req.method === 'GET') return res.end(JSON.stringify({ seen: seen.size, requests }));
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    for (const e of JSON.parse(Buffer.concat(chunks).toString('utf8')).events) seen.add(e.id);
    requests++;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
`;

async function receiverProcess() {
  const child = spawn(process.execPath, ['-e', RECEIVER_JS], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => child.stdout!.once('data', (d) => resolve(String(d).trim())));
  const url = `http://127.0.0.1:${port}`;
  const stats = async () => (await (await fetch(url)).json()) as { seen: number; requests: number };
  return { url, stats, close: async () => void child.kill() };
}

async function throughput(batchSize: number, maxInFlight: number, separate: boolean, format: 'event' | 'entry'): Promise<{ rate: number; ms: number; requests: number; cpuMs: number }> {
  const ledger = makeLedger();
  await fill(ledger, N);
  const rx = separate ? await receiverProcess() : await receiver();
  const outbox = createOutbox({ ledger, sink: createHttpSink({ url: rx.url, format }), batchSize, maxInFlight, maxBatchBytes: 16 << 20 });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await outbox.start();
  await outbox.flush();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  await outbox.stop();
  const { seen, requests } = 'stats' in rx ? await rx.stats() : { seen: rx.seen.size, requests: rx.requests() };
  await rx.close();
  if (seen !== N) throw new Error(`delivered ${seen} of ${N}`);
  return { rate: N / (ms / 1000), ms, requests, cpuMs: (cpu.user + cpu.system) / 1000 };
}

async function recordLatencies(ledger: Ledger, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await ledger.record(event());
    out.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  return out.sort((a, b) => a - b);
}

const pct = (s: number[], p: number) => s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;

async function latency(): Promise<void> {
  const rounds = 3;
  const all = { off: [] as number[], on: [] as number[] };
  // The receiver runs in its own process, as a real sink does: its parsing is not the recording process's cost.
  const rx = await receiverProcess();
  for (let r = 0; r < rounds; r++) {
    for (const mode of ['off', 'on'] as const) {
      const ledger = makeLedger();
      await fill(ledger, 2000); // warm
      const outbox = mode === 'on' ? createOutbox({ ledger, sink: createHttpSink({ url: rx.url }), batchSize: 100, pollIntervalMs: 50 }) : undefined;
      await outbox?.start();
      const s = await recordLatencies(ledger, LAT);
      if (outbox) {
        await outbox.flush();
        await outbox.stop();
      }
      all[mode].push(...s);
    }
  }
  await rx.close();
  for (const mode of ['off', 'on'] as const) {
    const s = all[mode].sort((a, b) => a - b);
    console.log(`  record() sync ${mode.padEnd(3)}  median ${pct(s, 50).toFixed(1)} µs   p90 ${pct(s, 90).toFixed(1)} µs   p99 ${pct(s, 99).toFixed(1)} µs   (${s.length} calls)`);
  }
}

console.log(`sync bench — node ${process.version}, ${cpus().length} cpus, load ${loadavg().map((x) => x.toFixed(2)).join(' ')}, N=${N}`);
console.log('throughput to a local HTTP receiver:');
const cases: Array<[boolean, 'event' | 'entry', number, number]> = [
  [true, 'event', 100, 2], [true, 'event', 1000, 2], [true, 'event', 1000, 4], [true, 'entry', 100, 2], [true, 'entry', 1000, 2], [true, 'entry', 1000, 4],
  [false, 'event', 1000, 2], [false, 'entry', 1000, 2],
];
for (const [separate, format, batch, inflight] of cases) {
  const r = await throughput(batch, inflight, separate, format);
  console.log(`  receiver ${separate ? 'own process ' : 'same process'}  format ${format.padEnd(5)}  batch ${String(batch).padStart(4)}  in-flight ${inflight}   ${Math.round(r.rate).toLocaleString('en-US').padStart(9)} entries/s   (${r.ms.toFixed(0)} ms, ${r.requests} requests, process CPU ${r.cpuMs.toFixed(0)} ms)`);
}
console.log('record() latency, sync off vs on:');
await latency();

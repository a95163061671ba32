/**
 * Sync benchmarks.
 *
 *   npx tsx bench/sync.bench.ts            (--quick for fewer entries)
 *
 * 1. Throughput: a memory ledger pre-filled with N priced entries, delivered by the outbox
 *    through the generic HTTP sink to a local node:http receiver (127.0.0.1, same process,
 *    so sender and receiver share the CPU) that parses every batch and deduplicates by id.
 *    Target >= 50k entries/s.
 * 2. record() latency with sync off vs on: sequential awaited ledger.record() calls on a
 *    memory ledger, alone, then with an outbox delivering to the receiver meanwhile
 *    (batch 100, poll 50 ms). Rounds alternate off/on to spread machine noise.
 *    Target: no measurable difference.
 */
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

async function throughput(batchSize: number, maxInFlight: number): Promise<{ rate: number; ms: number; requests: number }> {
  const ledger = makeLedger();
  await fill(ledger, N);
  const rx = await receiver();
  const outbox = createOutbox({ ledger, sink: createHttpSink({ url: rx.url }), batchSize, maxInFlight, maxBatchBytes: 16 << 20 });
  const t0 = performance.now();
  await outbox.start();
  await outbox.flush();
  const ms = performance.now() - t0;
  await outbox.stop();
  await rx.close();
  if (rx.seen.size !== N) throw new Error(`delivered ${rx.seen.size} of ${N}`);
  return { rate: N / (ms / 1000), ms, requests: rx.requests() };
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
  const rx = await receiver();
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
for (const [batch, inflight] of [[100, 2], [1000, 2], [1000, 4]] as const) {
  const r = await throughput(batch, inflight);
  console.log(`  batch ${String(batch).padStart(4)}  in-flight ${inflight}   ${Math.round(r.rate).toLocaleString('en-US').padStart(9)} entries/s   (${r.ms.toFixed(0)} ms, ${r.requests} requests)`);
}
console.log('record() latency, sync off vs on:');
await latency();

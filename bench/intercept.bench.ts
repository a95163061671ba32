/**
 * Interceptor overhead: latency added per call by track(), wrapped vs raw, same run,
 * interleaved so drift and noise hit both sides alike. Run: npx tsx bench/intercept.bench.ts
 *
 *  1. in-process: the real `openai` SDK with a `fetch` that answers from memory, so the
 *     difference is the wrapper alone (non-streamed and streamed chat completions);
 *  2. over HTTP: the same SDK against the local emulator (127.0.0.1), the realistic case;
 *  3. memory: heap retained by the wrapper + tracker after many calls, and by a full queue.
 *
 * Targets: added p50 ≤ 20 µs, p99 ≤ 100 µs; memory ≤ 5 MB.
 */
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import OpenAI from 'openai';
import { startEmulator } from '../src/emulator/index.js';
import * as wire from '../src/emulator/wire.js';
import { createTracker, track, type Tracker } from '../src/intercept/index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const BODY = { model: 'gpt-4o', messages: [{ role: 'user' as const, content: 'one two three' }] };
const usage = wire.chatUsage(3, 5);
const JSON_BODY = JSON.stringify(wire.chatCompletion('chatcmpl-b', 'gpt-4o', 'Hello from the bench', usage));
const SSE_BODY = wire
  .chatChunks('chatcmpl-b', 'gpt-4o', 'Hello from the bench', usage)
  .map((e) => `data: ${e.data}\n\n`)
  .join('');

const memoryFetch = (async (_url: unknown, init?: { body?: unknown }) => {
  const stream = typeof init?.body === 'string' && init.body.includes('"stream":true');
  return new Response(stream ? SSE_BODY : JSON_BODY, {
    status: 200,
    headers: { 'content-type': stream ? 'text/event-stream' : 'application/json', 'x-request-id': 'req_bench' },
  });
}) as unknown as typeof fetch;

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

type Call = () => Promise<unknown>;

interface Samples {
  a: number[];
  b: number[];
  /** CPU time (user+system) per call, µs, summed over the run. */
  cpuA: number;
  cpuB: number;
}

/** Call-by-call interleaving (ABBA…), so drift and neighbours' load hit both sides alike. */
async function interleave(a: Call, b: Call, n: number): Promise<Samples> {
  const s: Samples = { a: [], b: [], cpuA: 0, cpuB: 0 };
  const one = async (fn: Call, into: number[]): Promise<number> => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    into.push((performance.now() - t0) * 1000);
    const c = process.cpuUsage(c0);
    return c.user + c.system;
  };
  for (let i = 0; i < n; i++) {
    if (i % 2 === 0) {
      s.cpuA += await one(a, s.a);
      s.cpuB += await one(b, s.b);
    } else {
      s.cpuB += await one(b, s.b);
      s.cpuA += await one(a, s.a);
    }
  }
  return s;
}

interface Added {
  p50: number;
  p99: number;
  cpu: number;
}

function report(name: string, s: Samples, labels = ['raw', 'wrapped']): Added {
  const r = [...s.a].sort((x, y) => x - y);
  const w = [...s.b].sort((x, y) => x - y);
  const added: Added = {
    p50: quantile(w, 0.5) - quantile(r, 0.5),
    p99: quantile(w, 0.99) - quantile(r, 0.99),
    cpu: (s.cpuB - s.cpuA) / s.a.length,
  };
  const f = (x: number) => x.toFixed(1).padStart(7);
  console.log(
    `${name.padEnd(36)} ${labels[0]} p50 ${f(quantile(r, 0.5))} p99 ${f(quantile(r, 0.99))} | ${labels[1]} p50 ${f(quantile(w, 0.5))} p99 ${f(quantile(w, 0.99))} | ` +
      `added p50 ${f(added.p50)} p99 ${f(added.p99)} cpu/call ${f(added.cpu)}  (µs, n=${r.length}×2)`,
  );
  return added;
}

const noopTracker = (): Tracker => createTracker({ recorder: { record: () => undefined } });

async function consume(s: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of s);
}

async function main(): Promise<void> {
  const results: Record<string, Added> = {};
  const N = Number(process.env.BENCH_N ?? 6000);

  // 1. In-process: the wrapper alone.
  {
    const tracker = noopTracker();
    const mk = () => new OpenAI({ apiKey: 'b', fetch: memoryFetch, maxRetries: 0 });
    const raw = mk();
    const raw2 = mk();
    const wrapped = track(mk(), { tracker, attributes: { customer: 'bench' } });
    const call = (c: OpenAI) => () => c.chat.completions.create(BODY);
    // The wrapped side adds include_usage itself and hides the extra chunk: same bytes either way.
    const rawStream = async () => consume(await raw.chat.completions.create({ ...BODY, stream: true, stream_options: { include_usage: true } }));
    const wStream = async () => consume(await wrapped.chat.completions.create({ ...BODY, stream: true }));
    await interleave(call(raw), call(wrapped), 2000);
    await interleave(rawStream, wStream, 1000);
    results.aa = report('A/A control: raw vs raw (noise floor)', await interleave(call(raw), call(raw2), N), ['raw', 'raw2']);
    results.create = report('in-process chat.completions.create', await interleave(call(raw), call(wrapped), N));
    results.stream = report('in-process chat stream (9 chunks)', await interleave(rawStream, wStream, Math.round(N / 2)));
    await tracker.shutdown();
    const s = tracker.stats();
    console.log(`  tracker: pushed ${s.pushed}, recorded ${s.recorded}, dropped ${s.dropped}, failed ${s.failed}, internal errors ${s.internal_errors}`);
  }

  // 2. Over HTTP against the emulator.
  {
    const emu = await startEmulator({ log: false });
    const tracker = noopTracker();
    const raw = new OpenAI({ apiKey: 'b', baseURL: emu.openaiBaseURL, maxRetries: 0 });
    const wrapped = track(new OpenAI({ apiKey: 'b', baseURL: emu.openaiBaseURL, maxRetries: 0 }), { tracker });
    const rawCall = () => raw.chat.completions.create(BODY);
    const wCall = () => wrapped.chat.completions.create(BODY);
    await interleave(rawCall, wCall, 300);
    results.http = report('HTTP chat.completions.create', await interleave(rawCall, wCall, Math.round(N / 3)));
    await tracker.shutdown();
    await emu.close();
  }

  // 3. Memory.
  {
    const tracker = noopTracker();
    const client = track(new OpenAI({ apiKey: 'b', fetch: memoryFetch, maxRetries: 0 }), { tracker });
    for (let i = 0; i < 2_000; i++) await client.chat.completions.create(BODY);
    await tracker.flush();
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 20_000; i++) await client.chat.completions.create(BODY);
    await tracker.flush();
    gc();
    const retained = process.memoryUsage().heapUsed - before;
    console.log(`memory retained after 20k wrapped calls (flushed): ${(retained / 1e6).toFixed(2)} MB`);

    // Worst case: a stalled recorder and a full default queue (4096 events).
    let release = (): void => undefined;
    const stalled = createTracker({ recorder: { record: () => new Promise<void>((r) => (release = r)) } });
    const full = track(new OpenAI({ apiKey: 'b', fetch: memoryFetch, maxRetries: 0 }), { tracker: stalled, attributes: { customer: 'c', tags: ['a'] } });
    gc();
    const base = process.memoryUsage().heapUsed;
    for (let i = 0; i < 4_500; i++) await full.chat.completions.create(BODY);
    gc();
    const queued = process.memoryUsage().heapUsed - base;
    const st = stalled.stats();
    console.log(`memory of a full queue (${st.queued} queued, ${st.dropped} dropped, recorder stalled): ${(queued / 1e6).toFixed(2)} MB`);
    release();
    const worst = Math.max(retained, queued) / 1e6;
    const lat = [results.create!, results.stream!];
    const ok = lat.every((a) => a.p50 <= 20 && a.p99 <= 100);
    console.log(
      `\ntargets, in-process: added p50 ≤ 20 µs and p99 ≤ 100 µs: ${ok ? 'met' : 'NOT met'} ` +
        `(A/A noise floor: p50 ${results.aa!.p50.toFixed(1)} µs, p99 ${results.aa!.p99.toFixed(1)} µs); memory ≤ 5 MB: ${worst <= 5 ? 'met' : 'NOT met'} (${worst.toFixed(2)} MB)`,
    );
  }
}

await main();

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
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
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
  robust?: Robust;
}

function robustAsAdded(r: Robust): Added {
  return { p50: r.p50, p99: r.p99Clean, cpu: r.cpu, robust: r };
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


// ---- Robust p99 (streams): many pairs, randomized order, GC-aware, bootstrap CI. ----

/** Every GC the VM reports, as [start, end] in performance.now() time. */
const gcSpans: number[] = [];
const gcObserver = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcSpans.push(e.startTime, e.startTime + e.duration);
});
gcObserver.observe({ entryTypes: ['gc'] });
/** GC entries arrive on a timer, not on the next turn: wait long enough for them. */
const tick = () => new Promise<void>((r) => setTimeout(r, 10));

/** Deterministic PRNG (mulberry32), so the pair order is random but reproducible. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Side {
  t0: Float64Array;
  t1: Float64Array;
  cpu: Float64Array;
  /** 1 when the process was involuntarily descheduled during the call (a neighbour took the core). */
  preempted: Uint8Array;
}
const side = (n: number): Side => ({ t0: new Float64Array(n), t1: new Float64Array(n), cpu: new Float64Array(n), preempted: new Uint8Array(n) });

/**
 * `pairs` pairs, each in a random order (A then B, or B then A), in blocks of `block`
 * pairs; a full gc() before each block, so every block starts from the same heap state.
 */
async function pairedBlocks(a: Call, b: Call, pairs: number, block: number, seed: number): Promise<{ a: Side; b: Side }> {
  const sa = side(pairs);
  const sb = side(pairs);
  const rand = rng(seed);
  const one = async (fn: Call, s: Side, i: number): Promise<void> => {
    const r0 = process.resourceUsage();
    s.t0[i] = performance.now();
    await fn();
    s.t1[i] = performance.now();
    const r1 = process.resourceUsage();
    s.cpu[i] = r1.userCPUTime + r1.systemCPUTime - r0.userCPUTime - r0.systemCPUTime;
    s.preempted[i] = r1.involuntaryContextSwitches > r0.involuntaryContextSwitches ? 1 : 0;
  };
  for (let i = 0; i < pairs; i++) {
    if (i % block === 0) {
      gc();
      await tick();
    }
    if (rand() < 0.5) {
      await one(a, sa, i);
      await one(b, sb, i);
    } else {
      await one(b, sb, i);
      await one(a, sa, i);
    }
  }
  await tick(); // deliver the last GC entries
  return { a: sa, b: sb };
}

/** Which calls overlapped a GC (sweep: calls of one side and GCs are both in time order). */
function gcTouched(s: Side): Uint8Array {
  const spans: [number, number][] = [];
  for (let k = 0; k < gcSpans.length; k += 2) spans.push([gcSpans[k]!, gcSpans[k + 1]!]);
  spans.sort((x, y) => x[0] - y[0]);
  const out = new Uint8Array(s.t0.length);
  let j = 0;
  for (let i = 0; i < s.t0.length; i++) {
    while (j < spans.length && spans[j]![1] <= s.t0[i]!) j++;
    // Any span starting before this call ends (and ending after it starts) overlaps it.
    for (let k = j; k < spans.length && spans[k]![0] < s.t1[i]!; k++) {
      if (spans[k]![1] > s.t0[i]!) {
        out[i] = 1;
        break;
      }
    }
  }
  return out;
}

function p99Of(xs: Float64Array): number {
  const c = Float64Array.from(xs).sort();
  return quantile(c as unknown as number[], 0.99);
}
function pOf(xs: Float64Array, q: number): number {
  return quantile(Float64Array.from(xs).sort() as unknown as number[], q);
}

interface Robust {
  /** Difference of p99s over all pairs (GC and preemption included), µs. */
  p99All: number;
  /** Difference of p99s over undisturbed pairs: neither call overlapped a GC nor was preempted, µs. */
  p99Clean: number;
  /** 95% bootstrap interval of p99Clean. */
  ci: [number, number];
  /** p99 of the per-pair difference (B − A), clean pairs. */
  p99PairDiff: number;
  p50: number;
  cpu: number;
  clean: number;
  gcA: number;
  gcB: number;
}

function robust(name: string, r: { a: Side; b: Side }, labels: [string, string], seed: number, metric: 'wall' | 'cpu' = 'wall'): Robust {
  const n = r.a.t0.length;
  const da = new Float64Array(n);
  const db = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    da[i] = metric === 'cpu' ? r.a.cpu[i]! : (r.a.t1[i]! - r.a.t0[i]!) * 1000;
    db[i] = metric === 'cpu' ? r.b.cpu[i]! : (r.b.t1[i]! - r.b.t0[i]!) * 1000;
  }
  const ga = gcTouched(r.a);
  const gb = gcTouched(r.b);
  const idx: number[] = [];
  let gcA = 0;
  let gcB = 0;
  let preA = 0;
  let preB = 0;
  for (let i = 0; i < n; i++) {
    gcA += ga[i]!;
    gcB += gb[i]!;
    preA += r.a.preempted[i]!;
    preB += r.b.preempted[i]!;
    if (!ga[i] && !gb[i] && !r.a.preempted[i] && !r.b.preempted[i]) idx.push(i);
  }
  const m = idx.length;
  const ca = new Float64Array(m);
  const cb = new Float64Array(m);
  const diff = new Float64Array(m);
  idx.forEach((i, k) => {
    ca[k] = da[i]!;
    cb[k] = db[i]!;
    diff[k] = db[i]! - da[i]!;
  });
  // Bootstrap over clean pairs (resampled as pairs, so the pairing is kept).
  const rand = rng(seed);
  const boots: number[] = [];
  const ba = new Float64Array(m);
  const bb = new Float64Array(m);
  for (let t = 0; t < 300; t++) {
    for (let k = 0; k < m; k++) {
      const j = Math.floor(rand() * m);
      ba[k] = ca[j]!;
      bb[k] = cb[j]!;
    }
    boots.push(p99Of(bb) - p99Of(ba));
  }
  boots.sort((x, y) => x - y);
  let cpuA = 0;
  let cpuB = 0;
  for (let i = 0; i < n; i++) {
    cpuA += r.a.cpu[i]!;
    cpuB += r.b.cpu[i]!;
  }
  const out: Robust = {
    p99All: p99Of(db) - p99Of(da),
    p99Clean: p99Of(cb) - p99Of(ca),
    ci: [quantile(boots, 0.025), quantile(boots, 0.975)],
    p99PairDiff: pOf(diff, 0.99),
    p50: pOf(cb, 0.5) - pOf(ca, 0.5),
    cpu: (cpuB - cpuA) / n,
    clean: m,
    gcA,
    gcB,
  };
  const f = (x: number) => x.toFixed(1).padStart(7);
  const what = metric === 'cpu' ? 'CPU time' : 'wall time';
  console.log(
    `${(name + ', ' + what).padEnd(36)} ${labels[0]} p50 ${f(pOf(ca, 0.5))} p99 ${f(p99Of(ca))} | ${labels[1]} p50 ${f(pOf(cb, 0.5))} p99 ${f(p99Of(cb))} (undisturbed pairs) | ` +
      `added p50 ${f(out.p50)} p99 ${f(out.p99Clean)} [95% CI ${out.ci[0].toFixed(1)} … ${out.ci[1].toFixed(1)}] p99(pair diff) ${f(out.p99PairDiff)}`,
  );
  console.log(
    `${''.padEnd(36)} all pairs (GC, preemption included): ${labels[0]} p99 ${f(p99Of(da))} | ${labels[1]} p99 ${f(p99Of(db))} | added p99 ${f(out.p99All)}; ` +
      `calls overlapping a GC: ${labels[0]} ${gcA}, ${labels[1]} ${gcB}; preempted: ${labels[0]} ${preA}, ${labels[1]} ${preB} (µs, n=${n}×2, ${m} undisturbed pairs)`,
  );
  return out;
}

/** Heap bytes allocated per call (no GC during the measurement; retried smaller if one ran). */
async function bytesPerCall(fn: Call): Promise<number> {
  for (const k of [200, 100, 50, 20, 10]) {
    gc();
    await tick();
    const before = gcSpans.length;
    const h0 = getHeapStatistics().used_heap_size;
    for (let i = 0; i < k; i++) await fn();
    const h1 = getHeapStatistics().used_heap_size;
    await tick();
    if (gcSpans.length === before) return (h1 - h0) / k;
  }
  return NaN;
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
    const rawStream2 = async () => consume(await raw2.chat.completions.create({ ...BODY, stream: true, stream_options: { include_usage: true } }));
    await interleave(rawStream, wStream, 1000);
    await interleave(rawStream, rawStream2, 1000); // the A/A control's second client warm too
    results.aa = report('A/A control: raw vs raw (noise floor)', await interleave(call(raw), call(raw2), N), ['raw', 'raw2']);
    results.create = report('in-process chat.completions.create', await interleave(call(raw), call(wrapped), N));
    results.stream = report('in-process chat stream (9 chunks)', await interleave(rawStream, wStream, Math.round(N / 2)));

    // Robust streamed p99: BENCH_PAIRS pairs in random order, gc() every 200 pairs,
    // GC-overlapping pairs set apart, bootstrap CI; the same for an A/A control.
    const PAIRS = Number(process.env.BENCH_PAIRS ?? 20_000);
    console.log(`\nstreams, robust (${PAIRS} pairs in random order, gc() every 200 pairs; "undisturbed" = neither call overlapped a GC entry nor was involuntarily descheduled; 300× bootstrap CI):`);
    const aaRun = await pairedBlocks(rawStream, rawStream2, PAIRS, 200, 1);
    const abRun = await pairedBlocks(rawStream, wStream, PAIRS, 200, 2);
    results.aaStream = robustAsAdded(robust('A/A stream raw/raw2', aaRun, ['raw', 'raw2'], 11));
    results.streamRobust = robustAsAdded(robust('stream raw/wrapped', abRun, ['raw', 'wrapped'], 12));
    // CPU time per call (getrusage, whole process): its p50 is meaningful; its p99 is not
    // (the user/system split moves in scheduler-tick steps: the A/A p99 spreads by ~1 ms).
    results.streamCpu = robustAsAdded(robust('stream raw/wrapped', abRun, ['raw', 'wrapped'], 14, 'cpu'));
    const bRaw = await bytesPerCall(rawStream);
    const bWrapped = await bytesPerCall(wStream);
    console.log(`  heap allocated per streamed call: raw ${(bRaw / 1024).toFixed(1)} KB, wrapped ${(bWrapped / 1024).toFixed(1)} KB, added ${((bWrapped - bRaw) / 1024).toFixed(1)} KB`);
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
    const rs = results.streamRobust!.robust!;
    const ra = results.aaStream!.robust!;
    console.log(
      `target, streamed p99 ≤ 100 µs by the robust figure (upper end of the 95% CI of the added p99 over undisturbed pairs: no GC, not preempted): ` +
        `${rs.ci[1] <= 100 ? 'met' : 'NOT met'} (added p99 ${rs.p99Clean.toFixed(1)} µs, CI ${rs.ci[0].toFixed(1)} … ${rs.ci[1].toFixed(1)}; ` +
        `A/A ${ra.p99Clean.toFixed(1)} µs, CI ${ra.ci[0].toFixed(1)} … ${ra.ci[1].toFixed(1)}; all pairs: added ${rs.p99All.toFixed(1)} µs, A/A ${ra.p99All.toFixed(1)} µs)`,
    );
  }
}

await main();

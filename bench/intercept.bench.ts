/**
 * Interceptor overhead: latency added per call by track(), wrapped vs raw, same run,
 * interleaved so drift and noise hit both sides alike. Run: npx tsx bench/intercept.bench.ts
 *
 *  1. in-process: the real `openai` SDK with a `fetch` that answers from memory, so the
 *     difference is the wrapper alone (non-streamed and streamed chat completions);
 *  2. over HTTP: the same SDK against the local emulator (127.0.0.1), the realistic case,
 *     non-streamed and streamed, each of several fresh processes measured on its own;
 *  3. memory: heap retained by the wrapper + tracker after many calls, and by a full queue.
 *
 * Targets: added p50 ≤ 20 µs, p99 ≤ 100 µs; memory ≤ 5 MB. What is measured is the built
 * package (dist/, rebuilt when stale); BENCH_SOURCE=src measures the sources under tsx.
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { getHeapStatistics } from 'node:v8';
import OpenAI from 'openai';
import { startEmulator } from '../src/emulator/index.js';
import * as wire from '../src/emulator/wire.js';
import type * as Intercept from '../src/intercept/index.js';
import { builtModule } from './built.js';
import { compare, describe, gc, gcSpans, groupedBlocks, quantile, rng, tick, type Call, type Comparison, type Side } from './robust.js';

// What users run is the built package (tsup); tsx's own transform (keepNames, its helpers)
// allocates more per call. BENCH_SOURCE=src measures the TypeScript sources under tsx instead.
const SOURCE = process.env.BENCH_SOURCE === 'src' ? 'src' : 'dist';
const { createTracker, track } = (SOURCE === 'src' ? await import('../src/intercept/index.js') : await builtModule('intercept/index.js')) as typeof Intercept;
type Tracker = Intercept.Tracker;
// BENCH_ONLY=http (or inprocess, memory) runs one section.
const ONLY = process.env.BENCH_ONLY;
const runs = (section: string): boolean => ONLY === undefined || ONLY === section;

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

/**
 * The same calls with cold caches: 8 MB of memory touched before each call (outside the
 * timing), as the network stack does between two calls over HTTP. A low-noise stand-in for
 * the HTTP case, to see what the wrapper's memory and code footprint costs.
 */
async function coldCaches(calls: Call[]): Promise<void> {
  const junk = new Float64Array(1 << 20);
  let sink = 0;
  const groups = Number(process.env.BENCH_COLD_GROUPS ?? 6000);
  const t: number[][] = calls.map(() => []);
  const order = calls.map((_, i) => i);
  const rand = rng(21);
  for (let g = 0; g < groups; g++) {
    for (let j = order.length - 1; j > 0; j--) {
      const r = Math.floor(rand() * (j + 1));
      [order[j], order[r]] = [order[r]!, order[j]!];
    }
    for (const k of order) {
      for (let i = 0; i < junk.length; i += 8) sink += junk[i]!++;
      const t0 = performance.now();
      await calls[k]!();
      t[k]!.push((performance.now() - t0) * 1000);
    }
  }
  const p50 = (xs: number[]) => quantile([...xs].sort((x, y) => x - y), 0.5);
  const [a, a2, w] = t.map(p50) as [number, number, number];
  console.log(
    `cold caches (8 MB touched before each call, ${groups} groups): create raw p50 ${a.toFixed(1)} µs, wrapped ${w.toFixed(1)} µs, ` +
      `added ${(w - a).toFixed(1)} µs (${(((w - a) / a) * 100).toFixed(1)}% of the call; A/A ${(a2 - a).toFixed(1)} µs)${sink < 0 ? '' : ''}`,
  );
}

const noopTracker = (): Tracker => createTracker({ recorder: { record: () => undefined } });

async function consume(s: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of s);
}

type HttpName = 'http create' | 'http stream';
type Robust = Record<HttpName, { aa: Comparison; ab: Comparison; processes?: ProcessSpread }>;

/**
 * The added p50 of each fresh process, and a 95% interval of their mean (Student's t, n − 1
 * degrees of freedom). Over HTTP the processes differ by more than the groups within one
 * (where code and data land in memory moves the cost by µs), so this — not a bootstrap over
 * pooled groups, which ignores that — is the uncertainty of the p50 figure.
 */
interface ProcessSpread {
  p50s: number[];
  mean: number;
  ci: [number, number];
}

// Two-sided 95% quantiles of Student's t for 1…10 degrees of freedom; 2.2 (at least) up to 30, 1.96 beyond.
const T95 = [12.71, 4.3, 3.18, 2.78, 2.57, 2.45, 2.36, 2.31, 2.26, 2.23];

function processSpread(p50s: number[]): ProcessSpread {
  const n = p50s.length;
  const mean = p50s.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { p50s, mean, ci: [-Infinity, Infinity] };
  const sd = Math.sqrt(p50s.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
  const t = T95[n - 2] ?? (n - 1 <= 30 ? 2.2 : 1.96);
  const half = (t * sd) / Math.sqrt(n);
  return { p50s, mean, ci: [mean - half, mean + half] };
}

/** Met when the whole interval is under the target, not met when it is all over it; otherwise this machine cannot tell. */
function verdict(ci: [number, number], target: number): string {
  if (ci[1] <= target) return 'met';
  if (ci[0] > target) return 'NOT met';
  return 'undecided here (the interval straddles the target)';
}
/** One process's samples per HTTP case: raw, raw2, wrapped. */
type HttpSides = Record<HttpName, Side[]>;

/**
 * One process's HTTP samples: groups of (raw, raw2, wrapped) in random order against an
 * emulator in this process, non-streamed and streamed.
 */
async function httpSection(groups: number): Promise<HttpSides> {
  const emu = await startEmulator({ log: false });
  const tracker = noopTracker();
  const raw = new OpenAI({ apiKey: 'b', baseURL: emu.openaiBaseURL, maxRetries: 0 });
  const raw2 = new OpenAI({ apiKey: 'b', baseURL: emu.openaiBaseURL, maxRetries: 0 });
  const wrapped = track(new OpenAI({ apiKey: 'b', baseURL: emu.openaiBaseURL, maxRetries: 0 }), { tracker });
  const calls: Record<HttpName, Call[]> = {
    'http create': [() => raw.chat.completions.create(BODY), () => raw2.chat.completions.create(BODY), () => wrapped.chat.completions.create(BODY)],
    'http stream': [
      async () => consume(await raw.chat.completions.create({ ...BODY, stream: true, stream_options: { include_usage: true } })),
      async () => consume(await raw2.chat.completions.create({ ...BODY, stream: true, stream_options: { include_usage: true } })),
      async () => consume(await wrapped.chat.completions.create({ ...BODY, stream: true })),
    ],
  };
  // Warm until the wrapper and the SDK run optimized code, as in a long-running server.
  for (const fns of Object.values(calls)) for (let i = 0; i < 2000; i++) for (const f of fns) await f();
  const out = {} as HttpSides;
  let seed = 9;
  for (const [name, fns] of Object.entries(calls) as [HttpName, Call[]][]) out[name] = await groupedBlocks(fns, groups, groups, seed++);
  await tracker.shutdown();
  await emu.close();
  return out;
}

const HTTP_NAMES: HttpName[] = ['http create', 'http stream'];

/**
 * The HTTP figures from several fresh processes: where the wrapper's code and data land in
 * memory differs from one process to the next, and over HTTP (caches cold after every
 * network turn) that moves its cost by several µs. BENCH_HTTP_PROCESSES (default 3)
 * processes of BENCH_HTTP_GROUPS (default 10000) groups; each process is shown, and the
 * targets are read off all their groups together.
 */
async function httpProcesses(): Promise<Robust> {
  const processes = Number(process.env.BENCH_HTTP_PROCESSES ?? 3);
  const groups = Number(process.env.BENCH_HTTP_GROUPS ?? 10_000);
  console.log(`\nover HTTP against the emulator (${processes} fresh processes × ${groups} groups of raw, raw2, wrapped):`);
  const pooled: HttpSides = { 'http create': [], 'http stream': [] };
  const p50s: Record<HttpName, number[]> = { 'http create': [], 'http stream': [] };
  for (let k = 0; k < processes; k++) {
    const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
      env: { ...process.env, BENCH_ONLY: 'http-child', BENCH_HTTP_GROUPS: String(groups) },
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    });
    if (child.status !== 0) throw new Error(`HTTP bench process failed:\n${child.stderr}`);
    const r = parseSides(child.stdout.trim().split('\n').at(-1)!);
    const line = HTTP_NAMES.map((name) => {
      const [a, a2, w] = r[name];
      const ab = compare(a!, w!, 14);
      p50s[name].push(ab.p50);
      return `${name} added p50 ${ab.p50.toFixed(1)} (${((ab.p50 / ab.pA.p50) * 100).toFixed(1)}% of the call) p99 ${ab.p99.toFixed(1)} [${ab.ci[0].toFixed(1)}…${ab.ci[1].toFixed(1)}] (A/A p50 ${compare(a!, a2!, 13).p50.toFixed(1)}, raw p50 ${ab.pA.p50.toFixed(0)})`;
    });
    console.log(`  process ${k + 1}: ${line.join('; ')} µs`);
    for (const name of HTTP_NAMES) pooled[name] = pooled[name].length === 0 ? r[name] : r[name].map((s, i) => joinSides(pooled[name][i]!, s));
  }
  const out = {} as Robust;
  console.log(`all ${processes} processes' groups together:`);
  for (const name of HTTP_NAMES) {
    const [a, a2, w] = pooled[name];
    out[name] = { aa: compare(a!, a2!, 13), ab: compare(a!, w!, 14), processes: processSpread(p50s[name]) };
    console.log(describe(`A/A ${name}`, out[name].aa, ['raw', 'raw2']));
    console.log(describe(name === 'http stream' ? 'HTTP stream (9 chunks)' : 'HTTP create', out[name].ab, ['raw', 'wrapped']));
  }
  for (const name of HTTP_NAMES) {
    const spread = out[name].processes!;
    console.log(
      `${name} added p50 by process: ${spread.p50s.map((x) => x.toFixed(1)).join(' / ')} µs; mean ${spread.mean.toFixed(1)}, ` +
        `95% interval across processes ${spread.ci[0].toFixed(1)} … ${spread.ci[1].toFixed(1)} µs`,
    );
  }
  return out;
}

const SIDE_KEYS = ['t0', 't1', 'cpu', 'preempted', 'gc'] as const;

function serializeSides(r: HttpSides): string {
  const plain = (s: Side) => Object.fromEntries(SIDE_KEYS.map((k) => [k, Array.from(s[k])]));
  return JSON.stringify(Object.fromEntries(HTTP_NAMES.map((n) => [n, r[n].map(plain)])));
}

function parseSides(text: string): HttpSides {
  const raw = JSON.parse(text) as Record<HttpName, Record<(typeof SIDE_KEYS)[number], number[]>[]>;
  const side = (s: Record<(typeof SIDE_KEYS)[number], number[]>): Side => ({
    t0: Float64Array.from(s.t0),
    t1: Float64Array.from(s.t1),
    cpu: Float64Array.from(s.cpu),
    preempted: Uint8Array.from(s.preempted),
    gc: Uint8Array.from(s.gc),
  });
  return { 'http create': raw['http create'].map(side), 'http stream': raw['http stream'].map(side) };
}

/** Groups of two runs as one sample (each call's duration is what is compared). */
function joinSides(x: Side, y: Side): Side {
  const cat = <T extends Float64Array | Uint8Array>(a: T, b: T, make: (n: number) => T): T => {
    const out = make(a.length + b.length);
    out.set(a);
    out.set(b, a.length);
    return out;
  };
  const f64 = (n: number) => new Float64Array(n);
  const u8 = (n: number) => new Uint8Array(n);
  return { t0: cat(x.t0, y.t0, f64), t1: cat(x.t1, y.t1, f64), cpu: cat(x.cpu, y.cpu, f64), preempted: cat(x.preempted, y.preempted, u8), gc: cat(x.gc, y.gc, u8) };
}

async function main(): Promise<void> {
  if (ONLY === 'http-child') {
    const r = await httpSection(Number(process.env.BENCH_HTTP_GROUPS ?? 10_000));
    process.stdout.write(`${serializeSides(r)}\n`);
    return;
  }
  const results: Record<string, Added> = {};
  const robust: Record<string, { aa: Comparison; ab: Comparison; processes?: ProcessSpread }> = {};
  const N = Number(process.env.BENCH_N ?? 6000);

  console.log(`measuring the ${SOURCE === 'src' ? 'TypeScript sources under tsx' : 'built package (dist/)'}`);
  // 1. In-process: the wrapper alone.
  if (runs('inprocess')) {
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

    // Robust figures: BENCH_GROUPS groups of (raw, raw2, wrapped) in random order,
    // disturbed groups set apart, smoothed p99, bootstrap CI; raw vs raw2 is the A/A
    // control, measured in the same groups as raw vs wrapped. A forced gc() every
    // BENCH_GC_EVERY groups (default: only once, before the first) is off by default: a
    // forced full GC is not something an application does, and it slowed wrapped calls
    // more than raw ones (see docs/interceptors.md).
    const GROUPS = Number(process.env.BENCH_GROUPS ?? 40_000);
    const GC_EVERY = Number(process.env.BENCH_GC_EVERY ?? 0) || GROUPS;
    console.log(
      `\nrobust (${GROUPS} groups of raw, raw2, wrapped in random order, gc() every ${GC_EVERY} groups; "undisturbed" = no call of the pair ` +
        `overlapped a GC entry or was involuntarily descheduled; p99 by Harrell–Davis weights; 300× bootstrap CI):`,
    );
    for (const [name, a, a2, b] of [
      ['create', call(raw), call(raw2), call(wrapped)],
      ['stream', rawStream, rawStream2, wStream],
    ] as const) {
      const [sRaw, sRaw2, sWrapped] = await groupedBlocks([a, a2, b], GROUPS, GC_EVERY, 7);
      const aa = compare(sRaw!, sRaw2!, 11);
      const ab = compare(sRaw!, sWrapped!, 12);
      robust[name] = { aa, ab };
      console.log(describe(`A/A ${name}`, aa, ['raw', 'raw2']));
      console.log(describe(name === 'stream' ? 'stream (9 chunks)' : 'create', ab, ['raw', 'wrapped']));
    }
    await coldCaches([call(raw), call(raw2), call(wrapped)]);
    const bRaw = await bytesPerCall(rawStream);
    const bWrapped = await bytesPerCall(wStream);
    console.log(`  heap allocated per streamed call: raw ${(bRaw / 1024).toFixed(1)} KB, wrapped ${(bWrapped / 1024).toFixed(1)} KB, added ${((bWrapped - bRaw) / 1024).toFixed(1)} KB`);
    await tracker.shutdown();
    const s = tracker.stats();
    console.log(`  tracker: pushed ${s.pushed}, recorded ${s.recorded}, dropped ${s.dropped}, failed ${s.failed}, internal errors ${s.internal_errors}`);
  }

  // 2. Over HTTP against the emulator, in fresh processes (see httpProcesses).
  if (runs('http')) {
    Object.assign(robust, await httpProcesses());
  }

  // 3. Memory.
  let worst: number | undefined;
  if (runs('memory')) {
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
    worst = Math.max(retained, queued) / 1e6;
  }
  console.log('');
  if (results.create && results.stream) {
    console.log(
      `quick rows (interleaved, plain order statistics): added p50 create ${results.create.p50.toFixed(1)} µs, stream ${results.stream.p50.toFixed(1)} µs; ` +
        `their p99 rows are order statistics of ${N} / ${Math.round(N / 2)} pairs with GC and preemption included: read the robust figures`,
    );
  }
  if (worst !== undefined) console.log(`memory ≤ 5 MB: ${worst <= 5 ? 'met' : 'NOT met'} (${worst.toFixed(2)} MB)`);
  for (const name of ['create', 'stream', 'http create', 'http stream']) {
    if (!robust[name]) continue;
    const { aa, ab, processes } = robust[name];
    // Over HTTP the p50's uncertainty is the spread between processes; in-process, one run's figure.
    const p50 = processes ? `${verdict(processes.ci, 20)} (${ab.p50.toFixed(1)} µs pooled; across processes ${processes.ci[0].toFixed(1)} … ${processes.ci[1].toFixed(1)})` : `${ab.p50 <= 20 ? 'met' : 'NOT met'} (${ab.p50.toFixed(1)} µs)`;
    const p99ok = ab.ci[1] <= 100;
    console.log(
      `target ${name.replace('http', 'HTTP')}: added p50 ≤ 20 µs ${p50}; added p99 ≤ 100 µs by the upper end of its 95% CI ` +
        `${p99ok ? 'met' : 'NOT met'} (${ab.p99.toFixed(1)} µs, CI ${ab.ci[0].toFixed(1)} … ${ab.ci[1].toFixed(1)}; A/A ${aa.p99.toFixed(1)} µs, ` +
        `CI ${aa.ci[0].toFixed(1)} … ${aa.ci[1].toFixed(1)}; all groups, GC and preemption included: added ${ab.p99All.toFixed(1)} µs, A/A ${aa.p99All.toFixed(1)} µs)`,
    );
  }
}

await main();

/**
 * Robust tail comparison of async calls on a noisy machine: groups of calls (one per side,
 * e.g. raw, raw2, wrapped) in a random order per group, a full gc() before each block of
 * groups, groups disturbed by a GC or by preemption set apart, a smoothed p99
 * (Harrell–Davis weights) and a bootstrap interval over groups. Used by intercept.bench.ts.
 */
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
export const gc = runInNewContext('gc') as () => void;

/** Every GC the VM reports, as [start, end] in performance.now() time. */
export const gcSpans: number[] = [];
const gcObserver = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcSpans.push(e.startTime, e.startTime + e.duration);
});
gcObserver.observe({ entryTypes: ['gc'] });
/** GC entries arrive on a timer, not on the next turn: wait long enough for them. */
export const tick = () => new Promise<void>((r) => setTimeout(r, 10));

export type Call = () => Promise<unknown>;

/** Deterministic PRNG (mulberry32), so the order is random but reproducible. */
export function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Side {
  t0: Float64Array;
  t1: Float64Array;
  /** CPU time (user + system) of the call, µs. */
  cpu: Float64Array;
  /** 1 when the process was involuntarily descheduled during the call (a neighbour took the core). */
  preempted: Uint8Array;
  /** 1 when the call overlapped a GC (filled by `markGc`). */
  gc: Uint8Array;
}

const side = (n: number): Side => ({
  t0: new Float64Array(n),
  t1: new Float64Array(n),
  cpu: new Float64Array(n),
  preempted: new Uint8Array(n),
  gc: new Uint8Array(n),
});

/** `groups` groups of one call per side, each group in a random order, gc() before each block. */
export async function groupedBlocks(calls: Call[], groups: number, block: number, seed: number): Promise<Side[]> {
  const sides = calls.map(() => side(groups));
  const rand = rng(seed);
  const order = calls.map((_, i) => i);
  const one = async (k: number, i: number): Promise<void> => {
    const s = sides[k]!;
    const r0 = process.resourceUsage();
    s.t0[i] = performance.now();
    await calls[k]!();
    s.t1[i] = performance.now();
    const r1 = process.resourceUsage();
    s.cpu[i] = r1.userCPUTime + r1.systemCPUTime - r0.userCPUTime - r0.systemCPUTime;
    s.preempted[i] = r1.involuntaryContextSwitches > r0.involuntaryContextSwitches ? 1 : 0;
  };
  for (let i = 0; i < groups; i++) {
    if (i % block === 0) {
      gc();
      await tick();
    }
    for (let j = order.length - 1; j > 0; j--) {
      const r = Math.floor(rand() * (j + 1));
      [order[j], order[r]] = [order[r]!, order[j]!];
    }
    for (const k of order) await one(k, i);
  }
  await tick(); // deliver the last GC entries
  for (const s of sides) markGc(s);
  return sides;
}

/** Which calls overlapped a GC (calls of one side and GCs are both in time order). */
function markGc(s: Side): void {
  const spans: [number, number][] = [];
  for (let k = 0; k < gcSpans.length; k += 2) spans.push([gcSpans[k]!, gcSpans[k + 1]!]);
  spans.sort((x, y) => x[0] - y[0]);
  let j = 0;
  for (let i = 0; i < s.t0.length; i++) {
    while (j < spans.length && spans[j]![1] <= s.t0[i]!) j++;
    for (let k = j; k < spans.length && spans[k]![0] < s.t1[i]!; k++) {
      if (spans[k]![1] > s.t0[i]!) {
        s.gc[i] = 1;
        break;
      }
    }
  }
}

export function quantile(sorted: ArrayLike<number>, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

// Abramowitz–Stegun 7.1.26 (|error| < 1.5e-7): enough for quantile weights.
function normalCdf(x: number): number {
  const t = 1 / (1 + 0.3275911 * (Math.abs(x) / Math.SQRT2));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}

/**
 * Harrell–Davis weights for quantile q of n sorted values: the weight of the i-th order
 * statistic is the Beta(q(n+1), (1−q)(n+1)) mass on [(i−1)/n, i/n], here in its normal
 * approximation (n is in the thousands). A weighted mean of the order statistics around
 * the quantile instead of one of them: the same quantity, a lower variance.
 */
export function hdWeights(n: number, q: number): { from: number; w: Float64Array } {
  const a = q * (n + 1);
  const b = (1 - q) * (n + 1);
  const mean = a / (a + b);
  const sd = Math.sqrt((a * b) / ((a + b) ** 2 * (a + b + 1)));
  const from = Math.max(0, Math.floor((mean - 6 * sd) * n));
  const to = Math.min(n, Math.ceil((mean + 6 * sd) * n));
  const w = new Float64Array(to - from);
  let total = 0;
  for (let i = from; i < to; i++) {
    const v = normalCdf(((i + 1) / n - mean) / sd) - normalCdf((i / n - mean) / sd);
    w[i - from] = v;
    total += v;
  }
  for (let k = 0; k < w.length; k++) w[k]! /= total;
  return { from, w };
}

export function hdQuantile(sorted: Float64Array, weights: { from: number; w: Float64Array }): number {
  let s = 0;
  for (let k = 0; k < weights.w.length; k++) s += weights.w[k]! * sorted[weights.from + k]!;
  return s;
}

export interface Comparison {
  /** Smoothed p99 of B minus that of A over undisturbed groups, µs. */
  p99: number;
  /** 95% bootstrap interval of `p99`. */
  ci: [number, number];
  /** The same by plain order statistics, undisturbed groups. */
  p99Plain: number;
  /** Plain p99 difference over all groups, GC and preemption included. */
  p99All: number;
  p50: number;
  /** Mean CPU time added per call, µs. */
  cpu: number;
  clean: number;
  groups: number;
  gcA: number;
  gcB: number;
  preemptedA: number;
  preemptedB: number;
  pA: { p50: number; p99: number; p99All: number };
  pB: { p50: number; p99: number; p99All: number };
}

const sortedCopy = (xs: Float64Array): Float64Array => Float64Array.from(xs).sort();

/** Compare side B with side A over the groups where neither call was disturbed. */
export function compare(a: Side, b: Side, seed: number, resamples = 300): Comparison {
  const n = a.t0.length;
  const da = new Float64Array(n);
  const db = new Float64Array(n);
  const idx: number[] = [];
  let gcA = 0, gcB = 0, preA = 0, preB = 0, cpuA = 0, cpuB = 0;
  for (let i = 0; i < n; i++) {
    da[i] = (a.t1[i]! - a.t0[i]!) * 1000;
    db[i] = (b.t1[i]! - b.t0[i]!) * 1000;
    gcA += a.gc[i]!;
    gcB += b.gc[i]!;
    preA += a.preempted[i]!;
    preB += b.preempted[i]!;
    cpuA += a.cpu[i]!;
    cpuB += b.cpu[i]!;
    if (!a.gc[i] && !b.gc[i] && !a.preempted[i] && !b.preempted[i]) idx.push(i);
  }
  const m = idx.length;
  const ca = new Float64Array(m);
  const cb = new Float64Array(m);
  idx.forEach((i, k) => {
    ca[k] = da[i]!;
    cb[k] = db[i]!;
  });
  const weights = hdWeights(m, 0.99);
  const sa = sortedCopy(ca);
  const sb = sortedCopy(cb);
  // Resampled as groups, so the pairing in time is kept.
  const rand = rng(seed);
  const boots: number[] = [];
  const ba = new Float64Array(m);
  const bb = new Float64Array(m);
  for (let t = 0; t < resamples; t++) {
    for (let k = 0; k < m; k++) {
      const j = Math.floor(rand() * m);
      ba[k] = ca[j]!;
      bb[k] = cb[j]!;
    }
    boots.push(hdQuantile(bb.sort(), weights) - hdQuantile(ba.sort(), weights));
  }
  boots.sort((x, y) => x - y);
  const allA = sortedCopy(da);
  const allB = sortedCopy(db);
  return {
    p99: hdQuantile(sb, weights) - hdQuantile(sa, weights),
    ci: [quantile(boots, 0.025), quantile(boots, 0.975)],
    p99Plain: quantile(sb, 0.99) - quantile(sa, 0.99),
    p99All: quantile(allB, 0.99) - quantile(allA, 0.99),
    p50: quantile(sb, 0.5) - quantile(sa, 0.5),
    cpu: (cpuB - cpuA) / n,
    clean: m,
    groups: n,
    gcA,
    gcB,
    preemptedA: preA,
    preemptedB: preB,
    pA: { p50: quantile(sa, 0.5), p99: hdQuantile(sa, weights), p99All: quantile(allA, 0.99) },
    pB: { p50: quantile(sb, 0.5), p99: hdQuantile(sb, weights), p99All: quantile(allB, 0.99) },
  };
}

/** Two lines: the undisturbed comparison with its interval, then the all-groups figures. */
export function describe(name: string, c: Comparison, labels: [string, string]): string {
  const f = (x: number) => x.toFixed(1).padStart(7);
  return (
    `${name.padEnd(28)} ${labels[0]} p50 ${f(c.pA.p50)} p99 ${f(c.pA.p99)} | ${labels[1]} p50 ${f(c.pB.p50)} p99 ${f(c.pB.p99)} (undisturbed) | ` +
    `added p50 ${f(c.p50)} p99 ${f(c.p99)} [95% CI ${c.ci[0].toFixed(1)} … ${c.ci[1].toFixed(1)}] (plain order statistic ${c.p99Plain.toFixed(1)}) cpu/call ${c.cpu.toFixed(1)}\n` +
    `${''.padEnd(28)} all groups: ${labels[0]} p99 ${f(c.pA.p99All)} | ${labels[1]} p99 ${f(c.pB.p99All)} | added p99 ${f(c.p99All)}; ` +
    `overlapping a GC: ${c.gcA} / ${c.gcB}; preempted: ${c.preemptedA} / ${c.preemptedB} (µs, ${c.clean} undisturbed of ${c.groups} groups)`
  );
}

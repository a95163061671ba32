/**
 * Latency measurement for benches: each sample times `batch` consecutive calls with
 * process.hrtime.bigint() and records the per-call time, minus the timer's own overhead
 * (calibrated on an empty function). batch 1 gives true per-call percentiles (p99 sees GC
 * pauses); a larger batch resolves calls far below the timer's ~50 ns granularity.
 */

import { createHash } from 'node:crypto';
import type { AppendTx, EntryRecord } from '../src/storage/types.js';

export interface Stats {
  /** Nanoseconds per call. */
  median: number;
  p90: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
  samples: number;
}

export interface MeasureOptions {
  iterations?: number;
  warmup?: number;
  batch?: number;
}

/** Results of benchmarked functions land here so the JIT cannot drop the calls. */
export let sink: unknown;

function percentile(sorted: Float64Array, p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

function sample<T>(fn: () => T, iterations: number, batch: number): Float64Array {
  const out = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    const t0 = process.hrtime.bigint();
    for (let j = 0; j < batch; j++) sink = fn();
    out[i] = Number(process.hrtime.bigint() - t0) / batch;
  }
  return out;
}

let overhead: number | undefined;
function timerOverhead(): number {
  if (overhead === undefined) {
    const s = sample(() => 0, 20_000, 1).sort();
    overhead = percentile(s, 50);
  }
  return overhead;
}

export function measure<T>(fn: () => T, options: MeasureOptions = {}): Stats {
  const { iterations = 50_000, warmup = 10_000, batch = 1 } = options;
  const correction = timerOverhead() / batch;
  sample(fn, Math.ceil(warmup / batch), batch);
  const s = sample(fn, iterations, batch).map((x) => Math.max(0, x - correction)).sort();
  let sum = 0;
  for (const x of s) sum += x;
  return { median: percentile(s, 50), p90: percentile(s, 90), p99: percentile(s, 99), mean: sum / s.length, min: s[0]!, max: s[s.length - 1]!, samples: s.length };
}

/** `1.23 µs` / `456 ns`. */
export function formatNs(ns: number): string {
  return ns >= 1000 ? `${(ns / 1000).toFixed(2)} µs` : `${ns.toFixed(1)} ns`;
}

/** A fixed-width table row. */
export function row(cells: (string | number)[], widths: number[]): string {
  return cells.map((c, i) => String(c).padEnd(widths[i] ?? 12)).join('  ');
}

/**
 * Stage `n` hash-chained usage records after the transaction's head (append benches):
 * each body is `template` with the record's key added as "id".
 */
export function stageChained(tx: AppendTx, n: number, template: string, nextKey: () => string): void {
  let { seq, hash } = tx.head();
  const recs: EntryRecord[] = [];
  for (let i = 0; i < n; i++) {
    const key = nextKey();
    const body = `${template.slice(0, -1)},"id":"${key}"}`;
    const next = createHash('sha256').update(hash).update(body).digest('hex');
    recs.push({ seq: ++seq, key, type: 'usage', at: '2026-03-01T12:00:00.000Z', body, payload_hash: hash, prev_hash: hash, hash: next });
    hash = next;
  }
  tx.append(recs);
}

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

/** A ~400-byte usage entry body, as the append benches store it (each record adds its key as "id"). */
const SAMPLE_BODY = JSON.stringify({
  v: 1,
  type: 'usage',
  model: 'claude-sonnet-4-5',
  provider: 'anthropic',
  usage: { input: 1834, cache_read: 12000, cache_write_5m: 0, output: 512, reasoning: 0 },
  rating: { status: 'priced', currency: 'USD', cost: '0.0165102', price: '0.01981224', ratecard_version: 'acme-ai@3:9f2c1d', price_version: 'anthropic:claude-sonnet-4-5@2025-09-29' },
  attributes: { customer: 'cus_8f3a2b', agent: 'support', conversation: 'conv_19a7c4e2' },
});
let sampleKeys = 0;

/** Stage `n` hash-chained sample usage records (keys `req_1`, `req_2`, …) after the transaction's head. */
export function stageChained(tx: AppendTx, n: number): void {
  let { seq, hash } = tx.head();
  const recs: EntryRecord[] = [];
  for (let i = 0; i < n; i++) {
    const key = `req_${++sampleKeys}`;
    const body = `${SAMPLE_BODY.slice(0, -1)},"id":"${key}"}`;
    const next = createHash('sha256').update(hash).update(body).digest('hex');
    recs.push({ seq: ++seq, key, type: 'usage', at: '2026-03-01T12:00:00.000Z', body, payload_hash: hash, prev_hash: hash, hash: next });
    hash = next;
  }
  tx.append(recs);
}

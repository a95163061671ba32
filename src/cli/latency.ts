/** Latency sampling for `ratecard bench`: per-call wall time with hrtime, percentiles in µs. */
export interface LatencyStats {
  samples: number;
  p50_us: number;
  p99_us: number;
  max_us: number;
  mean_us: number;
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

/** Calls `fn(i)` `iterations` times after `warmup` unmeasured calls; returns percentiles. */
export function sampleLatency(fn: (i: number) => void, iterations: number, warmup: number): LatencyStats {
  for (let i = 0; i < warmup; i++) fn(i);
  const times = new Float64Array(iterations);
  let total = 0;
  for (let i = 0; i < iterations; i++) {
    const t0 = process.hrtime.bigint();
    fn(i);
    const dt = Number(process.hrtime.bigint() - t0) / 1000;
    times[i] = dt;
    total += dt;
  }
  times.sort();
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    samples: iterations,
    p50_us: round(percentile(times, 50)),
    p99_us: round(percentile(times, 99)),
    max_us: round(times[times.length - 1] ?? 0),
    mean_us: round(iterations > 0 ? total / iterations : 0),
  };
}

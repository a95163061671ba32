/**
 * Parse + check + build a generated 1,000-line rate card. Target: ≤ 50 ms per load.
 *
 *     npx tsx bench/dsl.bench.ts
 */
import { loadRatePricing } from '../src/dsl/index.js';

/** About `lines` lines: models with rates and long context, markups, tiers, plans and budgets. */
export function generateRateCard(lines: number): string {
  const out = ['ratecard "bench" version 1', 'currency USD', ''];
  let i = 0;
  while (out.length < lines) {
    out.push(
      `# model ${i}`,
      `model "model-${i}" (provider p${i % 7}) {`,
      `  alias "model-${i}-2025-01-01"`,
      `  input          ${(i % 10) + 1}.25 per 1M tokens`,
      '  cache read     0.125 per 1M tokens',
      '  cache write 5m 1_250 per 1_000M tokens',
      `  output         ${(i % 10) + 5}.00 per 1M tokens`,
      '  request        0.001 per request',
      `  above 200k prompt tokens { input ${(i % 10) + 2}.50 per 1M tokens; output 22.50 per 1M tokens }`,
      '}',
      `markup ${i % 30}% on model "model-${i}" when customer in ("c${i}", "d${i}") and tags not in ("internal")`,
      `tiers graduated on output tokens monthly on model "model-${i}" {`,
      '  up to 10M  8.00 per 1M tokens',
      '  from 10M to 100M 6.00 per 1M tokens',
      '  above 100M 4.00 per 1M tokens',
      '}',
      `plan "plan-${i}" monthly { fee 500.00; includes 100M tokens; minimum 1_000.00; cap (10_000 + ${i}) * 2 }`,
      `budget "b${i}" per customer monthly 2_000.00 { alert at 50%, 80%, 100%; hard limit }`,
      '',
    );
    i++;
  }
  return out.slice(0, lines).join('\n');
}

function bench(): void {
  const source = generateRateCard(1000);
  // Cut at a statement boundary so the file is valid.
  const text = source.slice(0, source.lastIndexOf('\n#')) + '\n';
  const first = performance.now();
  const check = loadRatePricing(text, { file: 'bench.rate' });
  const cold = performance.now() - first;
  const errors = check.diagnostics.filter((d) => d.severity === 'error');
  if (!check.document || errors.length > 0) throw new Error(`generated rate card is invalid: ${errors[0]?.code} ${errors[0]?.message}`);
  const runs = 30;
  const times: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    const c = process.cpuUsage();
    loadRatePricing(text, { file: 'bench.rate' });
    const used = process.cpuUsage(c);
    times.push(performance.now() - t);
    cpu.push((used.user + used.system) / 1000);
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const median = times[Math.floor(runs / 2)]!;
  const lines = text.split('\n').length;
  process.stdout.write(
    `dsl: ${lines} lines, ${text.length} chars, ${check.document.models.length} models\n` +
      `  first load (includes building the parser): ${cold.toFixed(1)} ms\n` +
      `  warm load: median ${median.toFixed(1)} ms, min ${times[0]!.toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms (${runs} runs)\n` +
      `  CPU time per load: median ${cpu[Math.floor(runs / 2)]!.toFixed(1)} ms (less sensitive to other processes on a shared machine)\n` +
      `  target ≤ 50 ms (wall, median): ${median <= 50 ? 'met' : 'MISSED'}\n`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) bench();

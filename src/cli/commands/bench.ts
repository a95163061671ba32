import { RatecardError } from '../../errors/index.js';
import type { Rater } from '../../engine/types.js';
import { canonicalRequest, type AnyUsageQuoteRequest } from '../../quote.js';
import { raterFor } from '../pricing-file.js';
import { parseRequest } from '../request.js';
import { sampleLatency } from '../latency.js';
import { EXIT_INVALID, EXIT_OK, UsageError, type CliIO, parseCommandArgs } from '../io.js';
import { readUserFile } from '../read-file.js';

const HELP = `usage: ratecard bench [--pricing FILE] [--requests NDJSON] [--budget-ms N]
                      [--iterations N] [--format text|json]

Measures quote latency (p50, p99, max) of your ratecard on your own requests
(--requests, NDJSON as for \`ratecard quote\`) or on requests generated for every
model the ratecard lists. Exit 1 when p99 is over the budget (default 2 ms), so a
pricing change can be held to the latency budget in CI.
`;

/** Requests for every model the rater knows, with varied realistic usage. */
function generatedRequests(rater: Rater, count: number): AnyUsageQuoteRequest[] {
  const models = (rater as { models?: () => readonly { id: string; provider?: string }[] }).models?.() ?? [];
  if (models.length === 0) throw new RatecardError('bench_no_requests', 'the ratecard lists no models; give --requests');
  const out: AnyUsageQuoteRequest[] = [];
  let seed = 42;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (let i = 0; i < count; i++) {
    const m = models[i % models.length]!;
    out.push({
      model: m.id,
      ...(m.provider ? { provider: m.provider } : {}),
      usage: { input: 200 + rand(20000), cache_read: rand(3) === 0 ? rand(5000) : 0, output: 50 + rand(2000), reasoning: rand(4) === 0 ? rand(1000) : 0 },
    });
  }
  return out;
}

async function requestsFrom(path: string, cwd: string): Promise<AnyUsageQuoteRequest[]> {
  const text = await readUserFile(path, cwd);
  const out: AnyUsageQuoteRequest[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      const { id: _id, ...req } = parseRequest(JSON.parse(line));
      out.push(req);
    } catch (e) {
      throw new RatecardError('request_invalid', `${path}:${i + 1}: ${(e as Error).message}`);
    }
  });
  if (out.length === 0) throw new RatecardError('bench_no_requests', `${path} has no requests`);
  return out;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const parsed = parseCommandArgs({
      args: argv,
      options: {
        pricing: { type: 'string' },
        requests: { type: 'string' },
        'budget-ms': { type: 'string', default: '2' },
        iterations: { type: 'string', default: '20000' },
        format: { type: 'string', default: 'text' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  const o = parsed.values;
  if (o.help) {
    io.stdout(HELP);
    return EXIT_OK;
  }
  const budgetMs = Number(o['budget-ms']);
  const iterations = Number(o.iterations);
  if (!(budgetMs > 0)) throw new UsageError('--budget-ms must be a positive number');
  if (!Number.isInteger(iterations) || iterations < 100) throw new UsageError('--iterations must be an integer ≥ 100');
  if (o.format !== 'text' && o.format !== 'json') throw new UsageError('--format must be text or json');

  const rater = await raterFor(o.pricing, io.cwd);
  const requests = (o.requests ? await requestsFrom(o.requests, io.cwd) : generatedRequests(rater, 1000)).map(canonicalRequest);
  // Fail on a bad request before timing anything, with its own error.
  for (const r of requests) rater.quote(r);
  const stats = sampleLatency((i) => rater.quote(requests[i % requests.length]!), iterations, Math.min(5000, iterations));
  const within = stats.p99_us <= budgetMs * 1000;
  const report = { ...stats, requests: requests.length, budget_ms: budgetMs, within_budget: within };
  if (o.format === 'json') io.stdout(`${JSON.stringify(report)}\n`);
  else {
    io.stdout(
      `quote latency over ${stats.samples} calls (${requests.length} distinct requests)\n` +
        `  p50 ${stats.p50_us} µs   p99 ${stats.p99_us} µs   max ${stats.max_us} µs   mean ${stats.mean_us} µs\n` +
        `  budget p99 ≤ ${budgetMs} ms: ${within ? 'OK' : 'OVER BUDGET'}\n`,
    );
  }
  return within ? EXIT_OK : EXIT_INVALID;
}

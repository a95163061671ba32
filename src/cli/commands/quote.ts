import { RatecardError, isRatecardError } from '../../errors/index.js';
import type { CallAttributes, Rater } from '../../engine/types.js';
import { quote } from '../../quote.js';
import { raterFor } from '../pricing-file.js';
import { parseAt, parseRequest, type CliRequest } from '../request.js';
import { EXIT_INVALID, EXIT_OK, UsageError, lines, type CliIO, parseCommandArgs } from '../io.js';

const HELP = `usage: ratecard quote [--pricing FILE] --model M --usage JSON [--provider P] [--at ISO-8601]
                      [--service-tier T] [--attr key=value]...
       ratecard quote [--pricing FILE] < requests.ndjson

Prices one call and prints one JSON object: {currency, cost, price, lines, ...}.
Without --pricing, calls are priced at list price from the built-in catalog.
--usage takes canonical buckets ({"input":1200,"output":300}) or the provider's raw
usage object. Without --usage, reads NDJSON requests
{id?, provider?, model, usage, at?, attributes?, service_tier?} from stdin and writes
one JSON line per request, in order: the quote plus id, or {id, error: {code, message}}.
`;

function attributesFrom(pairs: string[]): CallAttributes {
  const out: CallAttributes = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--attr takes key=value, got \`${pair}\``);
    const key = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    out[key] = key === 'tags' ? value.split(',').filter(Boolean) : value;
  }
  return out;
}

function errorLine(id: unknown, e: unknown): Record<string, unknown> {
  const error = isRatecardError(e) ? e.toJSON() : { code: 'internal_error', message: e instanceof Error ? e.message : String(e) };
  return id === undefined ? { error } : { id, error };
}

function quoteOne(rater: Rater, request: CliRequest): Record<string, unknown> {
  const { id, ...rest } = request;
  const q = quote(rest, { ratecard: rater });
  return id === undefined ? { ...q } : { id, ...q };
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const parsed = parseCommandArgs({
      args: argv,
      options: {
        pricing: { type: 'string' },
        model: { type: 'string' },
        usage: { type: 'string' },
        provider: { type: 'string' },
        at: { type: 'string' },
        'service-tier': { type: 'string' },
        attr: { type: 'string', multiple: true, default: [] },
        help: { type: 'boolean', short: 'h' },
      },
    });
  const o = parsed.values;
  if (o.help) {
    io.stdout(HELP);
    return EXIT_OK;
  }
  const rater = await raterFor(o.pricing, io.cwd);

  if (o.usage !== undefined) {
    if (!o.model) throw new UsageError('--model is required with --usage');
    let usage: unknown;
    try {
      usage = JSON.parse(o.usage);
    } catch {
      throw new RatecardError('usage_invalid_json', `--usage is not valid JSON: ${o.usage}`);
    }
    const request: CliRequest = { model: o.model, usage };
    if (o.provider) request.provider = o.provider;
    if (o.at) request.at = parseAt(o.at);
    if (o['service-tier']) request.service_tier = o['service-tier'];
    if (o.attr.length > 0) request.attributes = attributesFrom(o.attr);
    io.stdout(`${JSON.stringify(quoteOne(rater, request), null, 2)}\n`);
    return EXIT_OK;
  }
  if (o.model) throw new UsageError('--model needs --usage (or give requests as NDJSON on stdin)');

  let failures = 0;
  let lineNo = 0;
  for await (const line of lines(io.readStdin())) {
    lineNo++;
    if (line.trim() === '') continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      failures++;
      io.stdout(`${JSON.stringify({ line: lineNo, error: { code: 'request_invalid_json', message: `line ${lineNo} is not valid JSON` } })}\n`);
      continue;
    }
    const id = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>).id : undefined;
    try {
      io.stdout(`${JSON.stringify(quoteOne(rater, parseRequest(raw)))}\n`);
    } catch (e) {
      failures++;
      io.stdout(`${JSON.stringify(errorLine(id ?? undefined, e))}\n`);
    }
  }
  if (failures > 0) io.stderr(`${failures} request${failures === 1 ? '' : 's'} failed\n`);
  return failures > 0 ? EXIT_INVALID : EXIT_OK;
}

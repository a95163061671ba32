import { openLedger } from '../../ledger/open.js';
import { RatecardError } from '../../errors/ratecard-error.js';
import { createAlertOutbox } from '../../alerts/webhook.js';
import { createOutbox, type Outbox } from '../../sync/outbox.js';
import { createHttpSink } from '../../sync/sinks/http.js';
import { createLagoSink } from '../../sync/sinks/lago.js';
import { createOpenMeterSink } from '../../sync/sinks/openmeter.js';
import type { Sink } from '../../sync/types.js';
import { EXIT_INVALID, EXIT_OK, UsageError, type CliIO, parseCommandArgs } from '../io.js';
import { encryptionFromEnv } from './verify.js';

const HELP = `usage: ratecard sync --ledger URL --to http|lago|openmeter --url URL [options]

Delivers the ledger's entries recorded after this sink's saved cursor, batched and retried,
at least once, then saves the cursor. By default it runs until everything recorded so far
is acknowledged and exits (a cron job); with --follow it keeps delivering new entries until
SIGINT or SIGTERM (a service). Receivers deduplicate on the event id.

  --to KIND          http (a JSON receiver: {"events":[…]}), lago, or openmeter
  --url URL          the receiver (http), or the API base URL (lago, openmeter)
  --name NAME        names the cursor and the dead letters (default: the sink kind)
  --code CODE        lago: billable metric code (default llm_usage)
  --source SOURCE    openmeter: CloudEvents source, keep it stable (default ratecard)
  --id-prefix P      prefix of every event id (several ledgers into one backend)
  --batch-size N     events per batch (default 100)
  --timeout S        seconds to wait for acknowledgements before giving up (default 60;
                     with --follow, how long the final flush may take)
  --alerts           deliver the budget alert records instead of usage (their own cursor,
                     alerts-<sink>; one event per threshold crossed, id = the alert key)
  --follow           keep running; stop on SIGINT/SIGTERM
  --dead-letters     print the refused events of this sink (one JSON per line) and exit
  --format text|json the summary

Secrets come from the environment, never the command line: RATECARD_SYNC_TOKEN (http:
bearer token; lago and openmeter: API key), RATECARD_SYNC_SIGNING_SECRET (http: sign each
body), RATECARD_LEDGER_KEY (read an encrypted ledger's attribution).

Exit 0 when everything is delivered. Exit 1 when events were refused (dead-lettered) in
this run or the timeout passed; what was not acknowledged is sent again by the next run.
`;

const KINDS = ['http', 'lago', 'openmeter'] as const;
type Kind = (typeof KINDS)[number];

function makeSink(kind: Kind, url: string, v: { code?: string | undefined; source?: string | undefined }): Sink {
  const token = process.env.RATECARD_SYNC_TOKEN || undefined;
  if (kind === 'lago') {
    if (!token) throw new RatecardError('sync_invalid_options', 'the lago sink needs its API key in RATECARD_SYNC_TOKEN');
    return createLagoSink({ apiUrl: url, apiKey: token, ...(v.code ? { code: v.code } : {}) });
  }
  if (kind === 'openmeter') return createOpenMeterSink({ apiUrl: url, ...(token ? { apiKey: token } : {}), ...(v.source ? { source: v.source } : {}) });
  const secret = process.env.RATECARD_SYNC_SIGNING_SECRET || undefined;
  return createHttpSink({ url, ...(token ? { bearerToken: token } : {}), ...(secret ? { signing: { secret } } : {}) });
}

function positiveInt(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`${name} must be a positive integer, got \`${text}\``);
  return n;
}

/**
 * `work`, or 'timeout' after `ms`. The timer is ref'd on purpose: the process stays up until
 * the deadline whatever the outbox is waiting on (its poll timer is unref'd), and no longer.
 */
async function within<T>(work: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs({
    args: argv,
    options: {
      ledger: { type: 'string' },
      to: { type: 'string' },
      url: { type: 'string' },
      name: { type: 'string' },
      code: { type: 'string' },
      source: { type: 'string' },
      'id-prefix': { type: 'string' },
      'batch-size': { type: 'string' },
      timeout: { type: 'string' },
      follow: { type: 'boolean' },
      alerts: { type: 'boolean' },
      'dead-letters': { type: 'boolean' },
      format: { type: 'string', default: 'text' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(HELP);
    return EXIT_OK;
  }
  const problems: string[] = [];
  if (!values.ledger) problems.push('--ledger URL is required');
  if (!values.to) problems.push(`--to is required (${KINDS.join(', ')})`);
  else if (!(KINDS as readonly string[]).includes(values.to)) problems.push(`--to must be one of ${KINDS.join(', ')}, got \`${values.to}\``);
  if (!values.url) problems.push('--url is required');
  if (values.format !== 'text' && values.format !== 'json') problems.push(`--format must be text or json, got \`${values.format}\``);
  if (problems.length > 0) throw new UsageError(problems.join('; '));
  const batchSize = positiveInt(values['batch-size'], '--batch-size', 100);
  const timeoutMs = positiveInt(values.timeout, '--timeout', 60) * 1000;
  const kind = values.to as Kind;
  const sink = makeSink(kind, values.url!, values);

  const encryption = encryptionFromEnv();
  const ledger = await openLedger(values.ledger!, { cwd: io.cwd, ...(encryption ? { encryption } : {}) });
  let lastError: string | undefined;
  const options = {
    batchSize,
    ...(values.name ? { name: values.name } : {}),
    ...(values['id-prefix'] ? { idPrefix: values['id-prefix'] } : {}),
    ...(encryption ? { encryption } : {}),
    onError: (e: Error) => void (lastError = e.message),
  };
  const outbox = values.alerts ? createAlertOutbox(ledger, sink, options) : createOutbox({ ...options, ledger, sink });
  try {
    if (values['dead-letters']) {
      for (const d of await outbox.deadLetters()) io.stdout(`${JSON.stringify(d)}\n`);
      return EXIT_OK;
    }
    await outbox.start();
    const from = outbox.stats().cursor;
    let timedOut = false;
    if (values.follow) {
      io.stderr(`ratecard sync: delivering to ${kind} from entry ${from + 1}; stop with Ctrl-C\n`);
      // The outbox's own timers are unref'd: this one keeps the process running until asked to stop.
      const keepAlive = setInterval(() => undefined, 1 << 30);
      try {
        await (io.interrupted?.() ?? new Promise<never>(() => undefined));
      } finally {
        clearInterval(keepAlive);
      }
      await outbox.stop({ timeoutMs });
      timedOut = outbox.stats().cursor < outbox.stats().head;
    } else {
      timedOut = (await within(outbox.flush(), timeoutMs)) === 'timeout';
    }
    return report(io, outbox, from, timedOut, values.format === 'json', lastError);
  } finally {
    await outbox.stop({ flush: false });
    await ledger.close();
  }
}

function report(io: CliIO, outbox: Outbox, from: number, timedOut: boolean, json: boolean, lastError: string | undefined): number {
  const s = outbox.stats();
  const pending = Math.max(0, s.head - s.cursor);
  const ok = !timedOut && s.deadLettered === 0;
  if (json) {
    io.stdout(`${JSON.stringify({ ok, sink: outbox.name, from, ...s, pending, ...(timedOut ? { timed_out: true } : {}), ...(lastError && !ok ? { last_error: lastError } : {}) })}\n`);
    return ok ? EXIT_OK : EXIT_INVALID;
  }
  const line = `${outbox.name}: delivered ${s.delivered} event(s) in ${s.batches} batch(es); cursor ${from} → ${s.cursor} of ${s.head}` + (s.retries > 0 ? `; ${s.retries} retr${s.retries === 1 ? 'y' : 'ies'}` : '');
  io.stdout(`${line}\n`);
  if (s.deadLettered > 0) io.stderr(`ratecard sync: ${s.deadLettered} event(s) refused by the receiver (dead letters): see \`ratecard sync --dead-letters\`\n`);
  if (timedOut) io.stderr(`ratecard sync: not all acknowledged in time: ${pending} entr${pending === 1 ? 'y' : 'ies'} pending, sent again on the next run${lastError ? ` (last error: ${lastError})` : ''}\n`);
  return ok ? EXIT_OK : EXIT_INVALID;
}

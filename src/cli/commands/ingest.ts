import { isRatecardError } from '../../errors/index.js';
import { openLedger } from '../../ledger/open.js';
import type { LedgerEntry } from '../../ledger/entry.js';
import { raterFor } from '../pricing-file.js';
import { EXIT_INVALID, EXIT_OK, UsageError, lines, type CliIO, parseCommandArgs } from '../io.js';
import { encryptionFromEnv } from './verify.js';

const HELP = `usage: ratecard ingest --ledger URL [--pricing FILE] [--json] < events.ndjson

Records usage events, one JSON object per line:
  {"id": "req_1", "at": "2025-03-01T12:00:00Z", "provider": "openai", "model": "gpt-4o",
   "usage": {...}, "status": "ok", "latency_ms": 840, "attributes": {"customer": "acme"}}
\`id\` (the idempotency key) and \`at\` are required; usage may be canonical buckets or the
provider's raw usage object. Lines already recorded with the same payload are skipped;
a bad line is reported and never stops the batch. Exit 1 if any line failed.
Without --pricing, calls are priced at list price from the built-in catalog.
--ledger: memory:, file:./usage.ledger, sqlite:./usage.db or postgres://…
Attribution is encrypted at rest when RATECARD_LEDGER_KEY holds a 32-byte key (hex or base64).
`;

const IN_FLIGHT = 2048;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs({ args: argv, options: { ledger: { type: 'string' }, pricing: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    io.stdout(HELP);
    return EXIT_OK;
  }
  if (!values.ledger) throw new UsageError('--ledger URL is required (e.g. --ledger file:./usage.ledger)');
  const ratecard = await raterFor(values.pricing, io.cwd);
  const encryption = encryptionFromEnv();
  const ledger = await openLedger(values.ledger, { cwd: io.cwd, ratecard, ...(encryption ? { encryption } : {}) });
  const counts = { lines: 0, recorded: 0, replayed: 0, unpriced: 0, failed: 0 };
  const unpricedBy: Record<string, number> = {};
  const errors: Array<{ line: number; id?: string; code: string; message: string }> = [];
  let pending: Array<Promise<void>> = [];
  const fail = (line: number, code: string, message: string, id?: string) => {
    counts.failed++;
    errors.push({ line, ...(id !== undefined ? { id } : {}), code, message });
  };
  const onEntry = (e: LedgerEntry) => {
    if (e.replayed) counts.replayed++;
    else counts.recorded++;
    if (e.rating.status === 'unpriced' && !e.replayed) {
      counts.unpriced++;
      const k = e.rating.error?.code ?? e.rating.reason;
      unpricedBy[k] = (unpricedBy[k] ?? 0) + 1;
    }
  };
  try {
    let n = 0;
    for await (const text of lines(io.readStdin())) {
      n++;
      if (text.trim() === '') continue;
      counts.lines++;
      let event: unknown;
      try {
        event = JSON.parse(text);
      } catch (e) {
        fail(n, 'json_invalid', `not valid JSON: ${(e as Error).message}`);
        continue;
      }
      const lineNo = n;
      const id = typeof (event as { id?: unknown })?.id === 'string' ? (event as { id: string }).id : undefined;
      pending.push(
        ledger.record(event as never).then(onEntry, (e: unknown) => {
          if (!isRatecardError(e)) throw e;
          fail(lineNo, e.code, e.message, id);
        }),
      );
      if (pending.length >= IN_FLIGHT) {
        await Promise.all(pending);
        pending = [];
      }
    }
    await Promise.all(pending);
  } finally {
    await ledger.close();
  }
  errors.sort((a, b) => a.line - b.line);
  if (values.json) {
    io.stdout(`${JSON.stringify({ ...counts, unpriced_by: unpricedBy, errors })}\n`);
  } else {
    for (const e of errors) io.stderr(`line ${e.line}${e.id !== undefined ? ` (id ${JSON.stringify(e.id)})` : ''}: error[${e.code}]: ${e.message}\n`);
    const unpriced = counts.unpriced > 0 ? ` (${Object.entries(unpricedBy).map(([k, v]) => `${k}: ${v}`).join(', ')})` : '';
    io.stdout(`${counts.lines} lines: ${counts.recorded} recorded, ${counts.replayed} already recorded, ${counts.unpriced} unpriced${unpriced}, ${counts.failed} failed\n`);
  }
  return counts.failed > 0 ? EXIT_INVALID : EXIT_OK;
}

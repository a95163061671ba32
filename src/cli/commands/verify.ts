import type { Rater } from '../../engine/types.js';
import type { EncryptionOptions } from '../../ledger/encryption.js';
import { openLedger } from '../../ledger/open.js';
import { loadRatecard } from '../../ratecard.js';
import { EXIT_INVALID, EXIT_OK, UsageError, type CliIO, parseCommandArgs } from '../io.js';
import { readUserFile } from '../read-file.js';

const HELP = `usage: ratecard verify --ledger URL [--pricing FILE]... [--chain-only] [--format text|json]

Recomputes the hash chain of every entry and re-rates each entry with the pricing
version it recorded. Give every pricing file whose version the ledger used (--pricing
may repeat); entries priced by a version not given are listed as unverifiable. Without
--pricing, only list-price (catalog) entries can be re-rated.
Exit 1 if the chain is broken or a re-rating differs.
`;

/** The at-rest key from RATECARD_LEDGER_KEY (hex or base64), if set. */
export function encryptionFromEnv(): EncryptionOptions | undefined {
  const key = process.env.RATECARD_LEDGER_KEY;
  return key ? { key } : undefined;
}

export async function loadRaters(files: readonly string[], cwd: string): Promise<Rater[]> {
  const out: Rater[] = [];
  for (const f of files) {
    out.push(loadRatecard(await readUserFile(f, cwd), { filename: f }));
  }
  return out;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs({ args: argv, options: { ledger: { type: 'string' }, pricing: { type: 'string', multiple: true, default: [] }, 'chain-only': { type: 'boolean' }, format: { type: 'string', default: 'text' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    io.stdout(HELP);
    return EXIT_OK;
  }
  if (!values.ledger) throw new UsageError('--ledger URL is required');
  if (values.format !== 'text' && values.format !== 'json') throw new UsageError(`--format must be text or json, got \`${values.format}\``);
  const raters = await loadRaters(values.pricing, io.cwd);
  const encryption = encryptionFromEnv();
  const ledger = await openLedger(values.ledger, { cwd: io.cwd, readOnly: true, ...(raters[0] ? { ratecard: raters[0] } : {}), ...(encryption ? { encryption } : {}) });
  let report;
  try {
    report = await ledger.verify({ ratecards: raters, ...(values['chain-only'] ? { chainOnly: true } : {}) });
  } finally {
    await ledger.close();
  }
  if (values.format === 'json') {
    io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    return report.ok ? EXIT_OK : EXIT_INVALID;
  }
  const out: string[] = [];
  for (const p of report.chain) out.push(`entry ${p.seq}${p.key ? ` (${JSON.stringify(p.key)})` : ''}: chain: ${p.message}`);
  for (const p of report.mismatches) out.push(`entry ${p.seq}${p.key ? ` (${JSON.stringify(p.key)})` : ''}: ${p.field} recorded ${p.recorded}, re-rated ${p.recomputed}`);
  if (out.length > 0) io.stderr(`${out.join('\n')}\n`);
  const versions = new Map<string, number>();
  for (const u of report.unverifiable) versions.set(u.ratecard_version ?? u.reason, (versions.get(u.ratecard_version ?? u.reason) ?? 0) + 1);
  const summary = [
    `${report.entries} entries, head ${report.head.seq} ${report.head.hash.slice(0, 16)}…`,
    `chain: ${report.chain.length === 0 ? 'ok' : `${report.chain.length} problem(s)`}`,
    values['chain-only'] ? 're-rating: skipped' : `re-rated: ${report.rerated}, differences: ${report.mismatches.length}`,
  ];
  if (versions.size > 0) summary.push(`not re-rated: ${[...versions].map(([v, n]) => `${n} × ${v}`).join(', ')} (pass the matching --pricing)`);
  const unpriced = Object.entries(report.unpriced);
  if (unpriced.length > 0) summary.push(`unpriced: ${unpriced.map(([k, n]) => `${k}: ${n}`).join(', ')}`);
  io.stdout(`${report.ok ? 'ok' : 'FAILED'}: ${summary.join('; ')}\n`);
  return report.ok ? EXIT_OK : EXIT_INVALID;
}

import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { defaultCatalog } from '../../catalog/catalog.js';
import type { CatalogPrice } from '../../catalog/types.js';
import type { ImportResult } from '../../catalog/import/result.js';
import { RatecardError, spanAt } from '../../errors/index.js';
import { Dec, formatDecimal } from '../../money/index.js';
import type { RateTable } from '../../pricing/document.js';
import { EXIT_OK, UsageError, type CliIO, parseCommandArgs } from '../io.js';
import { readUserFile } from '../read-file.js';

const HELP = `usage: ratecard catalog list [--provider P] [--format text|json]
       ratecard catalog show MODEL [--provider P] [--at DATE] [--format text|json]
       ratecard catalog import --from litellm|genai-prices|models.dev FILE [--provider P] [--out FILE]

list    every model of the built-in catalog at its current list price (per 1M tokens in text)
show    a model's full price history (an alias shows every snapshot it has meant);
        --at prints the exact per-token rates in force at that time
import  convert a public price table into a ratecard pricing file (YAML, to stdout or --out);
        entries that cannot be imported are listed on stderr with the reason
`;

const IMPORTERS = {
  litellm: () => import('../../catalog/import/litellm.js').then((m) => m.importLitellm),
  'genai-prices': () => import('../../catalog/import/genai-prices.js').then((m) => m.importGenaiPrices),
  'models.dev': () => import('../../catalog/import/models-dev.js').then((m) => m.importModelsDev),
} as const;

function parse(argv: string[]) {
  return parseCommandArgs({
    args: argv,
    allowPositionals: true,
    options: {
      provider: { type: 'string' },
      format: { type: 'string', default: 'text' },
      at: { type: 'string' },
      from: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

const MILLION = new Dec(1_000_000);
const perMillion = (rate: string | undefined) => (rate === undefined ? '-' : formatDecimal(new Dec(rate).times(MILLION)));

function ratesText(r: RateTable): string {
  return Object.entries(r).map(([k, v]) => `${k} ${k === 'request' || k === 'web_search' ? v : perMillion(v)}`).join(', ');
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}

function parseAt(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(d.getTime())) throw new UsageError(`--at: not a date or ISO-8601 time: ${text}`);
  return d;
}

function format(value: string): 'text' | 'json' {
  if (value !== 'text' && value !== 'json') throw new UsageError(`--format must be text or json, not ${value}`);
  return value;
}

function list(values: ReturnType<typeof parse>['values'], io: CliIO): number {
  const entries = defaultCatalog().list(values.provider !== undefined ? { provider: values.provider } : {});
  if (format(values.format!) === 'json') {
    io.stdout(JSON.stringify(entries, null, 2) + '\n');
    return EXIT_OK;
  }
  const rows = [['provider', 'model', 'input/1M', 'output/1M', 'since', 'tiers']];
  for (const e of entries) {
    const model = e.kind === 'alias' ? `${e.model} → ${e.target}` : e.model;
    rows.push([e.provider, model, perMillion(e.rates.input), perMillion(e.rates.output), e.effective_from, e.service_tiers.join(',')]);
  }
  io.stdout(table(rows));
  return EXIT_OK;
}

function priceText(p: CatalogPrice): string[] {
  const out = [`  ${p.effective_from} … ${p.until ?? 'now'}  (${p.source})${p.note ? `  ${p.note}` : ''}`, `    per 1M: ${ratesText(p.rates)}`];
  for (const l of p.long_context ?? []) out.push(`    above ${l.threshold} prompt tokens: ${ratesText(l.rates)}`);
  for (const [t, tp] of Object.entries(p.tiers ?? {})) out.push(`    ${t}: ${ratesText(tp.rates)}`);
  if (p.off_peak) out.push(`    off-peak ${p.off_peak.start}–${p.off_peak.end} UTC: ${ratesText(p.off_peak.rates)}`);
  return out;
}

function show(model: string | undefined, values: ReturnType<typeof parse>['values'], io: CliIO): number {
  if (model === undefined) throw new UsageError('catalog show needs a MODEL');
  const at = parseAt(values.at);
  const s = defaultCatalog().show(model, { ...(values.provider !== undefined ? { provider: values.provider } : {}), ...(at ? { at } : {}) });
  if (format(values.format!) === 'json') {
    io.stdout(JSON.stringify(s, null, 2) + '\n');
    return EXIT_OK;
  }
  const lines: string[] = [];
  if (s.alias) {
    lines.push(`${s.provider}/${s.model} is an alias:`);
    for (const t of s.alias.targets) lines.push(`  ${t.effective_from} … ${t.until ?? 'now'}  → ${t.model}`);
    lines.push('');
  }
  for (const m of s.models) {
    lines.push(`${m.provider}/${m.id}${m.regions ? `  (regional uplift: ${Object.entries(m.regions).map(([r, f]) => `${r} ×${f}`).join(', ')})` : ''}`);
    for (const p of m.prices) lines.push(...priceText(p));
  }
  if (s.at) {
    lines.push('', `in force at ${s.at.at}: ${s.at.price.price_version}`);
    for (const [k, v] of Object.entries(s.at.price.rates)) lines.push(`  ${k} ${v}`);
  }
  io.stdout(lines.join('\n') + '\n');
  return EXIT_OK;
}

/** Parse JSON, turning a syntax error into a diagnostic with file:line:col and a code frame. */
function parseJson(source: string, file: string): unknown {
  try {
    return JSON.parse(source);
  } catch (e) {
    const message = (e as Error).message;
    const pos = /position (\d+)/.exec(message);
    const offset = pos ? Number(pos[1]) : 0;
    throw RatecardError.fromDiagnostics([{ code: 'invalid_json', message: `not valid JSON: ${message}`, severity: 'error', file, span: spanAt(source, offset, offset + 1) }], source);
  }
}

async function importFile(file: string | undefined, values: ReturnType<typeof parse>['values'], io: CliIO): Promise<number> {
  const from = values.from;
  if (from === undefined || !(from in IMPORTERS)) throw new UsageError(`catalog import needs --from ${Object.keys(IMPORTERS).join('|')}`);
  if (file === undefined) throw new UsageError('catalog import needs a FILE');
  const source = await readUserFile(file, io.cwd);
  const importer = await IMPORTERS[from as keyof typeof IMPORTERS]();
  const result: ImportResult = importer(parseJson(source, file), values.provider !== undefined ? { provider: values.provider } : {});
  const { printYaml } = await import('../../yaml/index.js');
  const yaml = `# imported by \`ratecard catalog import --from ${from}\` from ${file}: ${result.imported} of ${result.total} entries\n${printYaml(result.document)}`;
  if (values.out !== undefined) await writeFile(resolve(io.cwd, values.out), yaml);
  else io.stdout(yaml);
  io.stderr(`imported ${result.imported} of ${result.total} entries; skipped ${result.skipped.length}\n`);
  for (const s of result.skipped) io.stderr(`  skipped ${s.key}: ${s.reason}\n`);
  return EXIT_OK;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(argv);
  const [sub, arg, ...extra] = positionals;
  if (values.help || sub === undefined) {
    io.stdout(HELP);
    return sub === undefined && !values.help ? 2 : EXIT_OK;
  }
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  switch (sub) {
    case 'list':
      if (arg !== undefined) throw new UsageError(`catalog list takes no argument (got ${arg}); use --provider`);
      return list(values, io);
    case 'show':
      return show(arg, values, io);
    case 'import':
      return importFile(arg, values, io);
    default:
      throw new UsageError(`unknown catalog subcommand \`${sub}\` (list, show, import)`);
  }
}

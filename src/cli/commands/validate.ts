import { diagnosticToJson, formatDiagnostic, sortDiagnostics, type Diagnostic } from '../../errors/index.js';
import { tryLoadRatecard } from '../../ratecard.js';
import { EXIT_INVALID, EXIT_OK, UsageError, type CliIO, parseCommandArgs } from '../io.js';
import { readUserFile, unreadableReason } from '../read-file.js';

const HELP = `usage: ratecard validate [--format text|json] FILE...

Checks pricing files (.rate, .yaml, .yml). Prints every problem as
FILE:LINE:COL: error[CODE]: MESSAGE with a code frame; exit 0 when all are valid,
1 when any is not, 2 on misuse.
`;

function fileDiagnostic(file: string, code: string, message: string): Diagnostic {
  return { file, code, message, severity: 'error' };
}

/** Diagnostics for one file (the source is returned for code frames). */
async function check(path: string, cwd: string): Promise<{ diagnostics: Diagnostic[]; source?: string }> {
  if (!/\.(rate|ya?ml|json)$/i.test(path)) {
    return { diagnostics: [fileDiagnostic(path, 'unsupported_file_type', 'not a pricing file: expected .rate, .yaml, .yml or .json')] };
  }
  let source: string;
  try {
    source = await readUserFile(path, cwd);
  } catch (e) {
    const reason = unreadableReason(e);
    if (reason === undefined) throw e;
    return { diagnostics: [fileDiagnostic(path, 'file_unreadable', reason)] };
  }
  const result = tryLoadRatecard(source, { filename: path });
  const diagnostics = result.diagnostics.map((d) => ({ ...d, file: d.file ?? path }));
  return { diagnostics, source };
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const parsed = parseCommandArgs({ args: argv, allowPositionals: true, options: { format: { type: 'string', default: 'text' }, help: { type: 'boolean', short: 'h' } } });
  if (parsed.values.help) {
    io.stdout(HELP);
    return EXIT_OK;
  }
  const format = parsed.values.format;
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, got \`${format}\``);
  if (parsed.positionals.length === 0) throw new UsageError('give at least one pricing file');

  const all: Diagnostic[] = [];
  const text: string[] = [];
  let failed = 0;
  for (const path of parsed.positionals) {
    const { diagnostics, source } = await check(path, io.cwd);
    const sorted = sortDiagnostics(diagnostics);
    if (sorted.some((d) => d.severity === 'error')) failed++;
    all.push(...sorted);
    for (const d of sorted) text.push(formatDiagnostic(d, source));
  }
  if (format === 'json') {
    io.stdout(`${JSON.stringify(all.map(diagnosticToJson), null, 2)}\n`);
  } else {
    if (text.length > 0) io.stdout(`${text.join('\n\n')}\n\n`);
    const n = parsed.positionals.length;
    io.stdout(failed === 0 ? `${n} file${n === 1 ? '' : 's'} valid\n` : `${failed} of ${n} file${n === 1 ? '' : 's'} invalid\n`);
  }
  return failed === 0 ? EXIT_OK : EXIT_INVALID;
}

import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { loadRatePricing, printRate } from '../../dsl/index.js';
import { formatDiagnostic, type Diagnostic } from '../../errors/index.js';
import { stripSpans } from '../../pricing/normalize.js';
import { loadYamlPricing, printYaml } from '../../yaml/index.js';
import { EXIT_INVALID, EXIT_OK, UsageError, type CliIO, parseCommandArgs } from '../io.js';
import { readOrReport } from '../read-file.js';

const HELP = `usage: ratecard convert FILE --to rate|yaml [--output FILE]

Converts a pricing file between the .rate DSL and YAML. Both describe the same
document, so converting back and forth keeps every price exactly (comments are not
carried across syntaxes). Prints to stdout unless --output is given.
Exit 0 on success, 1 when the input has errors, 2 on misuse.
`;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const parsed = parseCommandArgs({
      args: argv,
      allowPositionals: true,
      options: { to: { type: 'string' }, output: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } },
    });
  if (parsed.values.help) {
    io.stdout(HELP);
    return EXIT_OK;
  }
  const to = parsed.values.to;
  if (to !== 'rate' && to !== 'yaml') throw new UsageError(`--to must be rate or yaml${to === undefined ? '' : `, got \`${to}\``}`);
  if (parsed.positionals.length !== 1) throw new UsageError('give exactly one pricing file');
  const path = parsed.positionals[0]!;
  const from = /\.rate$/i.test(path) ? 'rate' : /\.(ya?ml|json)$/i.test(path) ? 'yaml' : undefined;
  if (!from) throw new UsageError(`\`${path}\` is not a pricing file: expected .rate, .yaml, .yml or .json`);

  const source = await readOrReport(path, io);
  if (source === undefined) return EXIT_INVALID;
  const loaded = from === 'rate' ? loadRatePricing(source, { file: path }) : loadYamlPricing(source, { file: path });
  const errors: Diagnostic[] = loaded.diagnostics.filter((d) => d.severity === 'error');
  // Converting a file with errors would drop or invent prices: refuse, listing every problem.
  if (!loaded.document || errors.length > 0) {
    io.stderr(`${(errors.length > 0 ? errors : loaded.diagnostics).map((d) => formatDiagnostic(d, source)).join('\n\n')}\n`);
    return EXIT_INVALID;
  }
  const doc = stripSpans(loaded.document);
  const text = to === 'rate' ? printRate(doc) : printYaml(doc);
  if (parsed.values.output !== undefined) await writeFile(resolve(io.cwd, parsed.values.output), text, 'utf8');
  else io.stdout(text);
  return EXIT_OK;
}

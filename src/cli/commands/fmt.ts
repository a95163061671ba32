import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { formatRate } from '../../dsl/index.js';
import { formatDiagnostic } from '../../errors/index.js';
import { EXIT_INVALID, EXIT_OK, UsageError, type CliIO, parseCommandArgs } from '../io.js';
import { readOrReport } from '../read-file.js';

const HELP = `usage: ratecard fmt [--check | --write] FILE...

Prints the canonical layout of .rate files (comments and numbers kept as written).
  --write   rewrite the files in place instead of printing them
  --check   print nothing but the names of files that are not formatted; exit 1 if any
Exit 0 on success, 1 when a file has syntax errors (or, with --check, is not formatted), 2 on misuse.
`;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const parsed = parseCommandArgs({
      args: argv,
      allowPositionals: true,
      options: { check: { type: 'boolean' }, write: { type: 'boolean', short: 'w' }, help: { type: 'boolean', short: 'h' } },
    });
  const { check, write, help } = parsed.values;
  if (help) {
    io.stdout(HELP);
    return EXIT_OK;
  }
  if (check && write) throw new UsageError('--check and --write cannot be combined');
  if (parsed.positionals.length === 0) throw new UsageError('give at least one .rate file');
  for (const path of parsed.positionals) {
    if (!/\.rate$/i.test(path)) throw new UsageError(`\`${path}\` is not a .rate file (YAML files are formatted with \`ratecard convert FILE --to yaml\`)`);
  }

  let status = EXIT_OK;
  for (const path of parsed.positionals) {
    const source = await readOrReport(path, io);
    if (source === undefined) {
      status = EXIT_INVALID;
      continue;
    }
    const { text, diagnostics } = formatRate(source, { file: path });
    if (text === undefined) {
      io.stderr(`${diagnostics.filter((d) => d.severity === 'error').map((d) => formatDiagnostic(d, source)).join('\n\n')}\n`);
      status = EXIT_INVALID;
      continue;
    }
    if (check) {
      if (text !== source) {
        io.stdout(`${path}\n`);
        status = EXIT_INVALID;
      }
    } else if (write) {
      if (text !== source) {
        await writeFile(resolve(io.cwd, path), text, 'utf8');
        io.stderr(`formatted ${path}\n`);
      }
    } else {
      io.stdout(text);
    }
  }
  return status;
}

#!/usr/bin/env node
import { COMMANDS } from './commands/index.js';
import { EXIT_INVALID, EXIT_USAGE, processIO, UsageError, type CliIO } from './io.js';
import { isRatecardError } from '../errors/ratecard-error.js';

function help(): string {
  const names = Object.keys(COMMANDS).sort();
  const width = Math.max(0, ...names.map((n) => n.length));
  return [
    'usage: ratecard <command> [options]',
    '',
    'commands:',
    ...names.map((n) => `  ${n.padEnd(width)}  ${COMMANDS[n]!.summary}`),
    '',
    'Run `ratecard <command> --help` for a command\'s options.',
    '',
  ].join('\n');
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(help());
    return name === undefined ? EXIT_USAGE : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`ratecard: unknown command \`${name}\`\n\n${help()}`);
    return EXIT_USAGE;
  }
  try {
    const run = await command.load();
    return await run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`ratecard ${name}: ${e.message}\n`);
      return EXIT_USAGE;
    }
    if (isRatecardError(e)) {
      io.stderr(`ratecard ${name}: error[${e.code}]: ${e.message}\n`);
      return EXIT_INVALID;
    }
    throw e;
  }
}

const isEntry = import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/cli/main.js');
if (isEntry) {
  main(process.argv.slice(2), processIO()).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`ratecard: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 70;
    },
  );
}

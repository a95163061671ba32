import { parseArgs, type ParseArgsConfig } from 'node:util';

/** What a CLI command reads and writes; tests pass their own. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Reads all of standard input (only called by commands that need it). */
  readStdin: () => AsyncIterable<string>;
  cwd: string;
  /** Resolves when a long-running command should stop (SIGINT/SIGTERM); asked only by those. */
  interrupted?: () => Promise<void>;
}

export type CommandRunner = (argv: string[], io: CliIO) => Promise<number>;

/** Exit codes: 0 ok, 1 the input is invalid / a check failed, 2 misuse of the command line. */
export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function processIO(): CliIO {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    readStdin: async function* () {
      process.stdin.setEncoding('utf8');
      for await (const chunk of process.stdin) yield chunk as string;
    },
    cwd: process.cwd(),
    // Handlers are installed only when a command asks: elsewhere Ctrl-C keeps its default.
    interrupted: () =>
      new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      }),
  };
}

/** Split an async stream of text chunks into lines (without the newline). */
export async function* lines(chunks: AsyncIterable<string>): AsyncIterable<string> {
  let buffer = '';
  for await (const chunk of chunks) {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      yield buffer.slice(0, nl).replace(/\r$/, '');
      buffer = buffer.slice(nl + 1);
    }
  }
  if (buffer.length > 0) yield buffer.replace(/\r$/, '');
}

/** node:util parseArgs, with a bad flag reported as misuse (exit 2) instead of a stack trace. */
export function parseCommandArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

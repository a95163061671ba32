/** Runs the CLI in-process with captured output and optional stdin text. */
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(argv: string[], options: { stdin?: string; cwd?: string; interrupted?: () => Promise<void> } = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    readStdin: async function* () {
      if (options.stdin !== undefined) yield options.stdin;
    },
    cwd: options.cwd ?? process.cwd(),
    ...(options.interrupted ? { interrupted: options.interrupted } : {}),
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

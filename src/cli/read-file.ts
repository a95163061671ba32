import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { RatecardError } from '../errors/index.js';
import type { CliIO } from './io.js';

/**
 * Read a file the user named (relative to `cwd`). A missing or unreadable file is
 * RatecardError `file_unreadable` with `details.reason` ("no such file", or the OS message).
 */
export async function readUserFile(path: string, cwd: string): Promise<string> {
  try {
    return await readFile(resolve(cwd, path), 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    throw new RatecardError('file_unreadable', `${path}: ${reason}`, { details: { path, reason } });
  }
}

/** The reason of a `file_unreadable` error from readUserFile (for callers that report rather than throw). */
export function unreadableReason(e: unknown): string | undefined {
  return e instanceof RatecardError && e.code === 'file_unreadable' ? String(e.details.reason) : undefined;
}

/**
 * Read a file the user named, or report it unreadable on stderr (`PATH: error[file_unreadable]: reason`)
 * and return undefined, so a command can go on or exit 1 instead of stopping with a trace.
 */
export async function readOrReport(path: string, io: Pick<CliIO, 'cwd' | 'stderr'>): Promise<string | undefined> {
  try {
    return await readUserFile(path, io.cwd);
  } catch (e) {
    const reason = unreadableReason(e);
    if (reason === undefined) throw e;
    io.stderr(`${path}: error[file_unreadable]: ${reason}\n`);
    return undefined;
  }
}

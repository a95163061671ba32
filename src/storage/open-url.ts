/**
 * openStorage(url): pick an adapter from a ledger URL.
 *
 *     memory:                      in-process, gone on exit
 *     file:./usage.ledger          the embedded default (relative to cwd; file:///abs also works)
 *     sqlite:./usage.db            SQLite (better-sqlite3)
 *     postgres://user@host/db      PostgreSQL (pg); `?ledger=name` selects a ledger in the database
 *
 * The SQL adapters are loaded by dynamic import only when asked for, so the core never
 * loads a database driver.
 */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RatecardError } from '../errors/index.js';
import { didYouMean } from '../util/suggest.js';
import { createFileStorage } from './file/index.js';
import { createMemoryStorage } from './memory.js';
import type { LedgerStorage } from './types.js';

export interface OpenStorageOptions {
  /** Base for relative paths. Default process.cwd(). */
  cwd?: string;
  /** File adapter: open without the writer lock (verify, invoice beside a running writer). */
  readOnly?: boolean;
}

const SCHEMES = ['memory', 'file', 'sqlite', 'postgres', 'postgresql'];

interface SqliteModule { createSqliteStorage(path: string): LedgerStorage }
interface PostgresModule { createPostgresStorage(options: { connectionString: string; ledger?: string }): LedgerStorage }

// Computed specifiers, so bundlers and the type checker do not pull the drivers into the
// core. The relative path serves the sources (tests, tsx); the package subpath serves the
// published build, where the adapters are separate entry points (`ratecard/sqlite`, `ratecard/postgres`).
const SQLITE_MODULES: readonly string[] = ['./sqlite.js', 'ratecard/sqlite'];
const POSTGRES_MODULES: readonly string[] = ['./postgres/index.js', 'ratecard/postgres'];

async function load<T>(candidates: readonly string[], what: string): Promise<T> {
  let last: unknown;
  for (const spec of candidates) {
    try {
      return (await import(/* @vite-ignore */ spec)) as T;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED' && !/Cannot find module|Failed to load url/.test(String((e as Error).message))) throw e;
      last = e;
    }
  }
  throw new RatecardError('storage_adapter_unavailable', `the ${what} storage adapter could not be loaded (${(last as Error | undefined)?.message ?? 'not found'}); is its driver installed?`);
}

/** Create (not yet open) the storage a URL names. Call `open()` on the result, or pass it to createLedger. */
export async function openStorage(url: string, options: OpenStorageOptions = {}): Promise<LedgerStorage> {
  const cwd = options.cwd ?? process.cwd();
  const m = /^([a-z][a-z0-9+.-]*):(.*)$/i.exec(url);
  if (!m || m[1]!.length < 2) {
    throw new RatecardError('storage_url_invalid', `\`${url}\` is not a ledger URL: use memory:, file:./usage.ledger, sqlite:./usage.db or postgres://…`, { details: { url } });
  }
  const scheme = m[1]!.toLowerCase();
  const rest = m[2]!;
  const path = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));
  switch (scheme) {
    case 'memory':
      return createMemoryStorage();
    case 'file': {
      const p = rest.startsWith('//') ? fileURLToPath(url) : path(rest);
      if (rest === '') throw new RatecardError('storage_url_invalid', '`file:` needs a path, e.g. file:./usage.ledger');
      return createFileStorage(p, options.readOnly ? { readOnly: true } : {});
    }
    case 'sqlite': {
      if (rest === '') throw new RatecardError('storage_url_invalid', '`sqlite:` needs a path, e.g. sqlite:./usage.db');
      const mod = await load<SqliteModule>(SQLITE_MODULES, 'SQLite');
      return mod.createSqliteStorage(rest === ':memory:' ? rest : path(rest.replace(/^\/\/(?=\/)/, '')));
    }
    case 'postgres':
    case 'postgresql': {
      const u = new URL(url);
      const ledger = u.searchParams.get('ledger') ?? undefined;
      u.searchParams.delete('ledger');
      const mod = await load<PostgresModule>(POSTGRES_MODULES, 'PostgreSQL');
      return mod.createPostgresStorage({ connectionString: u.toString(), ...(ledger ? { ledger } : {}) });
    }
    default: {
      const hint = didYouMean(scheme, SCHEMES);
      throw new RatecardError('storage_url_invalid', `unknown ledger URL scheme \`${scheme}:\`${hint ? ` (${hint})` : ''}; use memory:, file:, sqlite: or postgres://`, { details: { url } });
    }
  }
}

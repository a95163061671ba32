/**
 * Versioned PostgreSQL schema. Each migration runs once, recorded in
 * `<schema>.schema_migrations`, all under one transaction-scoped advisory lock so
 * several processes opening the same database at once apply each step exactly once.
 */
import type { PoolClient } from 'pg';
import { RatecardError } from '../../errors/index.js';

/** Advisory lock class id ('RCRD'); the second key is hashtext(schema). */
const MIGRATION_LOCK_CLASS = 0x52435244;

export function migrations(s: string): readonly { version: number; name: string; sql: string }[] {
  return [
    {
      version: 1,
      name: '001_ledgers_entries_meta',
      sql: `
        -- One row per ledger: appends lock it (FOR UPDATE), which serializes writers.
        CREATE TABLE ${s}.ledgers (
          ledger text PRIMARY KEY,
          created_at timestamptz NOT NULL DEFAULT now()
        );
        -- No foreign key to ledgers: its per-row check would cost more than the insert,
        -- and appends only happen while holding that ledger's row lock anyway.
        CREATE TABLE ${s}.entries (
          ledger text NOT NULL,
          seq bigint NOT NULL CHECK (seq > 0),
          key text NOT NULL,
          type text NOT NULL,
          at text NOT NULL,
          body text NOT NULL,
          payload_hash text NOT NULL,
          prev_hash text NOT NULL,
          hash text NOT NULL,
          PRIMARY KEY (ledger, seq),
          CONSTRAINT entries_ledger_key_unique UNIQUE (ledger, key)
        );
        CREATE TABLE ${s}.meta (
          ledger text NOT NULL REFERENCES ${s}.ledgers (ledger),
          name text NOT NULL,
          value text NOT NULL,
          PRIMARY KEY (ledger, name)
        );
        -- Append-only, enforced by the database too: corrections are new entries.
        CREATE FUNCTION ${s}.entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'ratecard ledger entries are append-only (% refused)', TG_OP USING ERRCODE = 'restrict_violation';
        END $$;
        CREATE TRIGGER entries_no_update_delete BEFORE UPDATE OR DELETE ON ${s}.entries
          FOR EACH ROW EXECUTE FUNCTION ${s}.entries_append_only();
        CREATE TRIGGER entries_no_truncate BEFORE TRUNCATE ON ${s}.entries
          FOR EACH STATEMENT EXECUTE FUNCTION ${s}.entries_append_only();`,
    },
  ];
}

/** Apply pending migrations and make sure the ledger's row exists. Returns the names applied. */
export async function migrate(client: PoolClient, schema: string, quoted: string, ledger: string): Promise<string[]> {
  const steps = migrations(quoted);
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [MIGRATION_LOCK_CLASS, schema]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoted}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${quoted}.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const rows = (await client.query<{ version: number }>(`SELECT version FROM ${quoted}.schema_migrations`)).rows;
    const done = new Set(rows.map((r) => r.version));
    const newest = Math.max(0, ...done);
    if (newest > steps.length) {
      throw new RatecardError(
        'storage_schema_too_new',
        `schema ${schema} has ledger schema version ${newest}; this ratecard knows up to ${steps.length}. Upgrade ratecard.`,
      );
    }
    const applied: string[] = [];
    for (const m of steps) {
      if (done.has(m.version)) continue;
      await client.query(m.sql);
      await client.query(`INSERT INTO ${quoted}.schema_migrations (version, name) VALUES ($1, $2)`, [m.version, m.name]);
      applied.push(m.name);
    }
    await client.query(`INSERT INTO ${quoted}.ledgers (ledger) VALUES ($1) ON CONFLICT DO NOTHING`, [ledger]);
    await client.query('COMMIT');
    return applied;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

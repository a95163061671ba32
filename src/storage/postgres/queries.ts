/** SQL text for one schema (identifiers are validated and quoted once, values always bound). */
import { GENESIS_HASH, type EntryRecord, type Head } from '../types.js';

const COLUMNS = 'seq, key, type, at, body, payload_hash, prev_hash, hash';

export interface Queries {
  head: string;
  byKeys: string;
  byKey: string;
  read: string;
  insertBatch: string;
  getMeta: string;
  setMeta: string;
  /** Simple-protocol text (no parameters): begin, bound the lock wait, take the ledger lock, read the head. */
  lockAndHead: (ledgerLiteral: string, lockTimeoutMs: number) => string;
}

export function queries(s: string): Queries {
  const head = (ledger: string) => `SELECT seq, hash FROM ${s}.entries WHERE ledger = ${ledger} ORDER BY seq DESC LIMIT 1`;
  return {
    head: head('$1'),
    byKeys: `SELECT ${COLUMNS} FROM ${s}.entries WHERE ledger = $1 AND key = ANY($2::text[])`,
    byKey: `SELECT ${COLUMNS} FROM ${s}.entries WHERE ledger = $1 AND key = $2`,
    read: `SELECT ${COLUMNS} FROM ${s}.entries WHERE ledger = $1 AND seq >= $2 ORDER BY seq LIMIT $3`,
    // All or nothing: inserts no row when any of the keys is already stored.
    insertBatch: `INSERT INTO ${s}.entries (ledger, ${COLUMNS})
      SELECT $1, t.* FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
        AS t(seq, key, type, at, body, payload_hash, prev_hash, hash)
      WHERE NOT EXISTS (SELECT 1 FROM ${s}.entries e WHERE e.ledger = $1 AND e.key = ANY($3::text[]))`,
    getMeta: `SELECT value FROM ${s}.meta WHERE ledger = $1 AND name = $2`,
    setMeta: `INSERT INTO ${s}.meta (ledger, name, value) VALUES ($1, $2, $3) ON CONFLICT (ledger, name) DO UPDATE SET value = excluded.value`,
    // Three statements, one round trip. READ COMMITTED takes a fresh snapshot per
    // statement, so the head read after the lock sees the previous holder's commit.
    lockAndHead: (ledger, lockTimeoutMs) =>
      `BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL lock_timeout = ${Math.floor(lockTimeoutMs)}; SELECT 1 FROM ${s}.ledgers WHERE ledger = ${ledger} FOR UPDATE; ${head(ledger)};`,
  };
}

/** Rows carry seq as a bigint string; records use numbers (exact below 2^53). */
export function rowToRecord(row: Record<string, unknown>): EntryRecord {
  return {
    seq: Number(row.seq),
    key: row.key as string,
    type: row.type as string,
    at: row.at as string,
    body: row.body as string,
    payload_hash: row.payload_hash as string,
    prev_hash: row.prev_hash as string,
    hash: row.hash as string,
  };
}

export function rowToHead(row: Record<string, unknown> | undefined): Head {
  return row ? { seq: Number(row.seq), hash: row.hash as string } : { seq: 0, hash: GENESIS_HASH };
}

/** A safe SQL identifier: letters, digits, underscore; quoted so case is kept. */
export function quoteIdent(name: string): string {
  return `"${name}"`;
}

export const IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

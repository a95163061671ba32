/** SQL text for one schema (identifiers are validated and quoted once, values always bound). */
import { createHash } from 'node:crypto';
import { GENESIS_HASH, type EntryRecord, type Head } from '../types.js';

const COLUMNS = 'seq, key, type, at, body, payload_hash, prev_hash, hash';

/** A named statement: pg prepares it once per connection (no parse/plan per call). */
export interface Statement {
  name: string;
  text: string;
}

export interface Queries {
  head: Statement;
  byKeys: Statement;
  byKey: Statement;
  read: Statement;
  scan: Statement;
  insertBatch: Statement;
  getMeta: Statement;
  setMeta: Statement;
  /** Simple-protocol text (no parameters): begin, bound the lock wait, take the ledger lock, read the head. */
  lockAndHead: (ledgerLiteral: string, lockTimeoutMs: number) => string;
}

export function queries(s: string): Queries {
  // Per-key probes: LATERAL + LIMIT 1 keeps a nested loop whose inner scan matches both
  // columns of the (ledger, key) unique index. A plain `key = ANY($2)` may be planned as
  // a filter over the whole ledger's index when statistics are stale (seen: 100k rows
  // scanned per lookup right after a bulk load).
  const probe = (keys: string, what: string) =>
    `unnest(${keys}::text[]) AS k(key) CROSS JOIN LATERAL (SELECT ${what} FROM ${s}.entries e WHERE e.ledger = $1 AND e.key = k.key LIMIT 1) e`;
  const head = (ledger: string) => `SELECT seq, hash FROM ${s}.entries WHERE ledger = ${ledger} ORDER BY seq DESC LIMIT 1`;
  const named = (text: string): Statement => ({ name: `ratecard_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`, text });
  return {
    head: named(head('$1')),
    byKeys: named(`SELECT e.* FROM ${probe('$2', COLUMNS)}`),
    byKey: named(`SELECT ${COLUMNS} FROM ${s}.entries WHERE ledger = $1 AND key = $2`),
    read: named(`SELECT ${COLUMNS} FROM ${s}.entries WHERE ledger = $1 AND seq >= $2 ORDER BY seq LIMIT $3`),
    scan: named(`SELECT ${COLUMNS} FROM ${s}.entries WHERE ledger = $1 AND seq BETWEEN $2 AND $3 AND strpos(body, $4) > 0 ORDER BY seq`),
    // All or nothing: inserts no row when any of the keys ($3) is already stored. The records
    // travel as one JSON array: JSON.stringify is native, where pg's array-literal
    // escaping of 8 text[] parameters cost the client ~3x more CPU.
    insertBatch: named(`WITH t AS (
        SELECT * FROM json_to_recordset($2::json)
          AS r(seq bigint, key text, type text, at text, body text, payload_hash text, prev_hash text, hash text))
      INSERT INTO ${s}.entries (ledger, ${COLUMNS})
      SELECT $1, ${COLUMNS} FROM t
      WHERE NOT EXISTS (SELECT 1 FROM ${probe('$3', '1')})`),
    getMeta: named(`SELECT value FROM ${s}.meta WHERE ledger = $1 AND name = $2`),
    setMeta: named(`INSERT INTO ${s}.meta (ledger, name, value) VALUES ($1, $2, $3) ON CONFLICT (ledger, name) DO UPDATE SET value = excluded.value`),
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

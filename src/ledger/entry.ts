/**
 * Ledger entries: the body that is hashed and stored (canonical JSON, money as decimal
 * strings) and the decoded view the API returns.
 */
import type { CallAttributes, PeriodState, QuoteLine } from '../engine/types.js';
import { RatecardError } from '../errors/index.js';
import type { EntryRecord, EntryType } from '../storage/types.js';
import { canonicalJson, entryHash } from './canonical-json.js';
import type { Cipher, Sealed } from './encryption.js';
import type { EventPayload } from './payload.js';

export const ENTRY_VERSION = 1;

/** Why an entry carries no price. Never a silent $0. */
export type UnpricedReason = 'incomplete' | 'error' | 'no_usage' | 'rating_failed';

export interface PricedRating {
  status: 'priced';
  currency: string;
  cost: string;
  price: string;
  lines: QuoteLine[];
  /** Content hash of the ratecard (Rater.version) used. */
  ratecard_version: string;
  /** Catalog / file price version the quote reported. */
  price_version?: string;
  /** Per-meter quantities this entry adds to its period (decimal strings, negative on reversals). */
  metered?: Record<string, string>;
  /** The aggregation period of the entry and the period state the quote was given (replayed by verify). */
  period: { key: string; state: PeriodState };
  warnings?: string[];
}

export interface UnpricedRating {
  status: 'unpriced';
  reason: UnpricedReason;
  /** For rating_failed: the error (e.g. model_not_found). */
  error?: { code: string; message: string };
  ratecard_version?: string;
  period: { key: string };
}

export type Rating = PricedRating | UnpricedRating;

export type StoredEvent = Omit<EventPayload, 'attributes' | 'metadata'>;

export interface EntryBody {
  v: number;
  type: EntryType;
  key: string;
  event: StoredEvent;
  attributes?: CallAttributes;
  metadata?: Record<string, string>;
  /** Encrypted `{attributes, metadata}` when encryption at rest is on. */
  sealed?: Sealed;
  rating: Rating;
  /** Corrections reference what they correct: a reversal names the entry it cancels, a correction the entry it replaces. */
  refs?: { reverses?: number; replaces?: number; reason?: string };
  /** Wall-clock time of the append (from the ledger's clock). */
  recorded_at: string;
}

/** An entry as the API returns it: the body, decrypted when the key is available, plus its place in the chain. */
export interface LedgerEntry extends Omit<EntryBody, 'sealed'> {
  seq: number;
  at: string;
  hash: string;
  prev_hash: string;
  payload_hash: string;
  /** True when attribution is encrypted at rest; attributes/metadata are absent if the key was not supplied. */
  encrypted: boolean;
  /** True when record() found this entry already recorded under its key (an idempotent replay). */
  replayed?: boolean;
}

/** The request payload an entry stands for (for idempotency comparison). */
export function entryPayload(entry: LedgerEntry): EventPayload {
  const p: EventPayload = { ...entry.event };
  if (entry.attributes) p.attributes = entry.attributes;
  if (entry.metadata) p.metadata = entry.metadata;
  return p;
}

export interface BuildInput {
  seq: number;
  prevHash: string;
  payloadHash: string;
  body: Omit<EntryBody, 'sealed' | 'v'>;
}

/** Seal attribution if a cipher is given, encode canonically and chain-hash. */
export function buildRecord(input: BuildInput, cipher?: Cipher): { record: EntryRecord; entry: LedgerEntry } {
  const { attributes, metadata, ...rest } = input.body;
  const stored: EntryBody = { v: ENTRY_VERSION, ...rest };
  if (cipher && (attributes || metadata)) stored.sealed = cipher.seal(canonicalJson({ attributes, metadata }));
  else {
    if (attributes) stored.attributes = attributes;
    if (metadata) stored.metadata = metadata;
  }
  const body = canonicalJson(stored);
  const hash = entryHash(input.prevHash, body);
  const record: EntryRecord = { seq: input.seq, key: input.body.key, type: input.body.type, at: input.body.event.at, body, payload_hash: input.payloadHash, prev_hash: input.prevHash, hash };
  const entry: LedgerEntry = { ...input.body, v: ENTRY_VERSION, seq: input.seq, at: record.at, hash, prev_hash: input.prevHash, payload_hash: input.payloadHash, encrypted: cipher !== undefined && stored.sealed !== undefined };
  return { record, entry };
}

/** Decode a stored record. Sealed attribution is opened when a cipher is given. */
export function decodeRecord(record: EntryRecord, cipher?: Cipher): LedgerEntry {
  let body: EntryBody & Partial<LedgerEntry>;
  try {
    body = JSON.parse(record.body) as EntryBody;
  } catch {
    throw new RatecardError('ledger_corrupt', `entry ${record.seq}: the stored body is not JSON`, { details: { seq: record.seq } });
  }
  const { sealed } = body;
  if (sealed === undefined) {
    // The parsed object becomes the entry (no copy: copying it cost twice the parse on every
    // read path — open, verify, invoices, sync). Same keys in the same order as a copy.
    body.seq = record.seq;
    body.at = record.at;
    body.hash = record.hash;
    body.prev_hash = record.prev_hash;
    body.payload_hash = record.payload_hash;
    body.encrypted = false;
    return body as LedgerEntry;
  }
  const { sealed: _sealed, ...rest } = body;
  const entry: LedgerEntry = { ...rest, seq: record.seq, at: record.at, hash: record.hash, prev_hash: record.prev_hash, payload_hash: record.payload_hash, encrypted: true };
  if (cipher) {
    const open = JSON.parse(cipher.open(sealed)) as { attributes?: CallAttributes; metadata?: Record<string, string> };
    if (open.attributes) entry.attributes = open.attributes;
    if (open.metadata) entry.metadata = open.metadata;
  }
  return entry;
}

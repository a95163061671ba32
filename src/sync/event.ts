/**
 * Ledger entry → SyncEvent. The id is the entry's idempotency key, unique per ledger and
 * never reused, so a retried or re-read entry always carries the same id and the receiver
 * can deduplicate on it. Money stays a decimal string.
 */
import type { Cipher } from '../ledger/encryption.js';
import type { EntryBody, LedgerEntry } from '../ledger/entry.js';
import type { CallAttributes } from '../engine/types.js';
import { RatecardError } from '../errors/index.js';
import type { EntryRecord } from '../storage/types.js';
import type { SyncEvent } from './types.js';

export function toSyncEvent(entry: LedgerEntry, idPrefix = ''): SyncEvent {
  const e: SyncEvent = { id: `${idPrefix}${entry.key}`, seq: entry.seq, type: entry.type, at: entry.at, hash: entry.hash };
  const ev = entry.event as LedgerEntry['event'] | undefined;
  if (ev) {
    if (ev.provider !== undefined) e.provider = ev.provider;
    e.model = ev.model;
    if (ev.status !== undefined) e.status = ev.status;
  }
  if (entry.attributes) e.attributes = entry.attributes;
  const r = entry.rating as LedgerEntry['rating'] | undefined;
  if (r) {
    e.rating_status = r.status;
    e.period = r.period.key;
    if (r.ratecard_version !== undefined) e.ratecard_version = r.ratecard_version;
    if (r.status === 'priced') {
      e.currency = r.currency;
      e.cost = r.cost;
      e.price = r.price;
      if (r.price_version !== undefined) e.price_version = r.price_version;
      if (r.metered) e.metered = r.metered;
    } else {
      e.unpriced_reason = r.error?.code ?? r.reason;
    }
  }
  if (entry.refs) e.refs = entry.refs;
  const alert = (entry as { alert?: Record<string, unknown> }).alert;
  if (alert) {
    // An encrypted ledger keeps the alert's value only in its sealed attribution: opened, it goes back in place.
    const per = alert.per;
    const opened = alert.value === undefined && typeof per === 'string' ? entry.attributes?.[per] : undefined;
    e.alert = opened === undefined ? alert : { ...alert, value: opened };
  }
  return e;
}

/** An event's JSON, as text and as UTF-8 bytes; each computed once, on first use. */
interface Encoded { text?: string; bytes?: Buffer }
/**
 * toSyncEvent(decodeRecord(r, cipher), idPrefix) without building the intermediate
 * LedgerEntry: the freshly parsed body (private to this call) takes the record's seq, at and
 * hash, and the opened attribution when sealed, exactly as decodeRecord would set them.
 */
export function recordToSyncEvent(r: EntryRecord, cipher?: Cipher, idPrefix = ''): SyncEvent {
  let body: EntryBody & Partial<Pick<LedgerEntry, 'seq' | 'at' | 'hash'>>;
  try {
    body = JSON.parse(r.body) as typeof body;
  } catch {
    throw new RatecardError('ledger_corrupt', `entry ${r.seq}: the stored body is not JSON`, { details: { seq: r.seq } });
  }
  body.seq = r.seq;
  body.at = r.at;
  body.hash = r.hash;
  if (body.sealed && cipher) {
    const open = JSON.parse(cipher.open(body.sealed)) as { attributes?: CallAttributes };
    if (open.attributes) body.attributes = open.attributes;
  }
  return toSyncEvent(body as unknown as LedgerEntry, idPrefix);
}

const encoded = new WeakMap<SyncEvent, Encoded>();

/** JSON of an event, computed once: the outbox sizes batches with it and the HTTP sink sends it. */
export function encodeEvent(e: SyncEvent): string {
  let enc = encoded.get(e);
  if (enc === undefined) encoded.set(e, (enc = {}));
  if (enc.text === undefined) enc.text = enc.bytes ? enc.bytes.toString('utf8') : JSON.stringify(e);
  return enc.text;
}

/**
 * The UTF-8 bytes of encodeEvent(e), computed once: the outbox sizes batches by their length
 * and the HTTP sink concatenates them into the request body (no re-encoding of a batch string).
 */
export function encodeEventBytes(e: SyncEvent): Buffer {
  let enc = encoded.get(e);
  if (enc === undefined) encoded.set(e, (enc = {}));
  enc.bytes ??= Buffer.from(enc.text ?? JSON.stringify(e), 'utf8');
  return enc.bytes;
}

/**
 * A verbatim event: the stored canonical body embedded as `entry`, with nothing parsed or
 * re-encoded (the fast path, and the receiver can check hash = sha256(prev_hash + entry)).
 * Encrypted attribution stays sealed inside `entry`.
 */
export function rawSyncEvent(r: EntryRecord, idPrefix = ''): SyncEvent {
  const id = `${idPrefix}${r.key}`;
  const e: SyncEvent = { id, seq: r.seq, type: r.type, at: r.at, hash: r.hash, prev_hash: r.prev_hash };
  const bytes = Buffer.from(`{"id":${JSON.stringify(id)},"seq":${r.seq},"type":${JSON.stringify(r.type)},"at":${JSON.stringify(r.at)},"hash":"${r.hash}","prev_hash":"${r.prev_hash}","entry":${r.body}}`, 'utf8');
  encoded.set(e, { bytes });
  return e;
}

/**
 * Alert firings live in the ledger as `alert` records: hash-chained like every entry, and
 * keyed `alert:<budget>:<value>:<period>:<threshold>`. The storage allows one record per
 * key, so a threshold fires once per period — across restarts and across processes that
 * share the ledger — without any extra bookkeeping.
 *
 * With encryption at rest the attribute value (a customer id) is attribution like any
 * other: the key carries a keyed digest of it instead (deterministic, so uniqueness still
 * holds; not reversible without the key), the body carries it only inside `sealed` (as
 * `attributes: { <per>: value }`, the same envelope usage entries use, so the ledger and
 * the sync outbox open it with the key), and the payload hash is the cipher's HMAC.
 * Budget name, period, threshold and amounts stay in clear: they come from the pricing
 * file, not from a customer, and name nobody (as event times and prices of usage entries
 * do); keeping them readable lets `verify` and operators inspect firings without the key.
 */
import { canonicalJson, entryHash, sha256Hex } from '../ledger/canonical-json.js';
import type { Cipher } from '../ledger/encryption.js';
import { RatecardError } from '../errors/index.js';
import type { LedgerStorage } from '../storage/types.js';
import type { BudgetAlert } from './types.js';

export const ALERT_ENTRY_VERSION = 1;

/**
 * The alert record's key. With a cipher (an encrypted ledger) the value is replaced by a
 * keyed digest of (budget, value, period): one customer's alerts in different periods or
 * budgets do not share a digest, so the keys cannot be linked to each other either.
 */
export function alertKey(budget: string, value: string, period: string, threshold: string, cipher?: Pick<Cipher, 'keyDigest'>): string {
  const v = cipher ? cipher.keyDigest(canonicalJson(['alert', budget, value, period])) : value;
  return `alert:${budget}:${v}:${period}:${threshold}`;
}

/**
 * Append the alert record unless its key exists. Returns the alert with its seq when this
 * call recorded it, undefined when it had already fired (here or in another process).
 * `alert.id` must be alertKey(…) computed with the same cipher.
 */
export async function appendAlert(storage: LedgerStorage, alert: Omit<BudgetAlert, 'seq'>, recordedAt: string, cipher?: Cipher): Promise<BudgetAlert | undefined> {
  const { body, payloadHash } = alertBody(alert, recordedAt, cipher);
  return storage.appendWith(async (tx) => {
    const existing = await tx.findByKeys([alert.id]);
    if (existing.has(alert.id)) return undefined;
    const head = tx.head();
    const hash = entryHash(head.hash, body);
    tx.append([{ seq: head.seq + 1, key: alert.id, type: 'alert', at: alert.at, body, payload_hash: payloadHash, prev_hash: head.hash, hash }]);
    return { ...alert, seq: head.seq + 1 };
  });
}

/** The stored body and payload hash; without a cipher exactly as before encryption support. */
function alertBody(alert: Omit<BudgetAlert, 'seq'>, recordedAt: string, cipher: Cipher | undefined): { body: string; payloadHash: string } {
  const payload = { ...alert };
  if (!cipher) {
    return { body: canonicalJson({ v: ALERT_ENTRY_VERSION, type: 'alert', key: alert.id, alert: payload, recorded_at: recordedAt }), payloadHash: sha256Hex(canonicalJson(payload)) };
  }
  const { value, ...clear } = payload;
  const sealed = cipher.seal(canonicalJson({ attributes: { [alert.per]: value } }));
  return {
    body: canonicalJson({ v: ALERT_ENTRY_VERSION, type: 'alert', key: alert.id, alert: clear, sealed, recorded_at: recordedAt }),
    payloadHash: cipher.payloadHash(canonicalJson(payload)),
  };
}

/** What alertOf reads of a decoded ledger entry (a LedgerEntry fits). */
export interface AlertEntry {
  type: string;
  seq: number;
  key?: string;
  alert?: unknown;
  attributes?: Record<string, unknown>;
  encrypted?: boolean;
}

/**
 * The alert carried by a decoded `alert` record (undefined for other records). The value of
 * an encrypted record comes from its opened attribution; read without the key, it is
 * `encryption_key_required` (use the record's `key` when only the identity of the firing matters).
 */
export function alertOf(entry: AlertEntry): BudgetAlert | undefined {
  if (entry.type !== 'alert' || typeof entry.alert !== 'object' || entry.alert === null) return undefined;
  const stored = entry.alert as Omit<BudgetAlert, 'seq' | 'value'> & { value?: unknown };
  if (typeof stored.value === 'string') return { ...(stored as Omit<BudgetAlert, 'seq'>), seq: entry.seq };
  const value = entry.attributes?.[stored.per];
  if (typeof value === 'string') return { ...stored, value, seq: entry.seq };
  const what = `alert record ${entry.seq}${entry.key ? ` (${entry.key})` : ''}`;
  if (entry.encrypted) throw new RatecardError('encryption_key_required', `${what} holds its ${stored.per} encrypted: pass the ledger's \`encryption\` key to read it`, { details: { seq: entry.seq } });
  throw new RatecardError('ledger_corrupt', `${what} carries no ${stored.per} value`, { details: { seq: entry.seq } });
}

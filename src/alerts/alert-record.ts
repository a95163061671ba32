/**
 * Alert firings live in the ledger as `alert` records: hash-chained like every entry, and
 * keyed `alert:<budget>:<value>:<period>:<threshold>`. The storage allows one record per
 * key, so a threshold fires once per period — across restarts and across processes that
 * share the ledger — without any extra bookkeeping.
 */
import { canonicalJson, entryHash, sha256Hex } from '../ledger/canonical-json.js';
import type { LedgerStorage } from '../storage/types.js';
import type { BudgetAlert } from './types.js';

export const ALERT_ENTRY_VERSION = 1;

export function alertKey(budget: string, value: string, period: string, threshold: string): string {
  return `alert:${budget}:${value}:${period}:${threshold}`;
}

/**
 * Append the alert record unless its key exists. Returns the alert with its seq when this
 * call recorded it, undefined when it had already fired (here or in another process).
 */
export async function appendAlert(storage: LedgerStorage, alert: Omit<BudgetAlert, 'seq'>, recordedAt: string): Promise<BudgetAlert | undefined> {
  return storage.appendWith(async (tx) => {
    const existing = await tx.findByKeys([alert.id]);
    if (existing.has(alert.id)) return undefined;
    const head = tx.head();
    const payload = { ...alert };
    const body = canonicalJson({ v: ALERT_ENTRY_VERSION, type: 'alert', key: alert.id, alert: payload, recorded_at: recordedAt });
    const hash = entryHash(head.hash, body);
    tx.append([{ seq: head.seq + 1, key: alert.id, type: 'alert', at: alert.at, body, payload_hash: sha256Hex(canonicalJson(payload)), prev_hash: head.hash, hash }]);
    return { ...alert, seq: head.seq + 1 };
  });
}

/** The alert carried by a decoded `alert` record. */
export function alertOf(entry: { type: string; seq: number; alert?: unknown }): BudgetAlert | undefined {
  if (entry.type !== 'alert' || typeof entry.alert !== 'object' || entry.alert === null) return undefined;
  return { ...(entry.alert as Omit<BudgetAlert, 'seq'>), seq: entry.seq };
}

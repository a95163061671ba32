/**
 * verify(): proves nothing changed. Recomputes the hash chain (seq gapless, each
 * prev_hash the previous hash, each hash = sha256(prev_hash + body), record columns equal
 * to the body), replays the period aggregates and checks each entry's recorded period
 * state against them, and re-rates every entry with the ratecard version it recorded.
 * Works without the encryption key for the chain (hashes cover ciphertext).
 */
import type { Rater } from '../engine/types.js';
import type { LedgerStorage } from '../storage/types.js';
import { GENESIS_HASH } from '../storage/types.js';
import { Aggregates } from './aggregates.js';
import { canonicalJson, entryHash } from './canonical-json.js';
import type { Cipher } from './encryption.js';
import { decodeRecord, entryPayload, type LedgerEntry, type Rating } from './entry.js';
import type { Ledger } from './ledger.js';
import { negateRating } from './rerate.js';
import { customerOf, PERIOD_ATTRIBUTE, rateEvent } from './rate.js';
import { isRatecardError } from '../errors/index.js';

export interface VerifyOptions {
  /** Ratecards of earlier versions; each entry is re-rated with the one whose version it recorded. */
  ratecards?: Rater[];
  /** Only check the chain (no re-rating). */
  chainOnly?: boolean;
}

export interface VerifyProblem { seq: number; key?: string; field: string; recorded?: string; recomputed?: string; message: string }

export interface VerifyReport {
  ok: boolean;
  entries: number;
  head: { seq: number; hash: string };
  /** Broken chain or damaged records. */
  chain: VerifyProblem[];
  /** Entries whose re-rating (or period state) differs from what was recorded. */
  mismatches: VerifyProblem[];
  /** Entries that could not be re-rated: their ratecard version is not available, or attribution is encrypted and no key was given. */
  unverifiable: Array<{ seq: number; key: string; ratecard_version?: string; reason: string }>;
  rerated: number;
  /** Entries without a price, by reason or error code: each one is a problem to look at. */
  unpriced: Record<string, number>;
}

const PAGE = 10_000;

export async function verifyLedger(ledger: Ledger, storage: LedgerStorage, cipher: Cipher | undefined, options: VerifyOptions): Promise<VerifyReport> {
  const byVersion = new Map((options.ratecards ?? []).map((r) => [r.version, r]));
  const report: VerifyReport = { ok: true, entries: 0, head: { seq: 0, hash: GENESIS_HASH }, chain: [], mismatches: [], unverifiable: [], rerated: 0, unpriced: {} };
  const aggs = new Aggregates([PERIOD_ATTRIBUTE]);
  const ratings = new Map<number, Rating>();
  const tainted = new Set<string>();
  let prev = { seq: 0, hash: GENESIS_HASH };
  for (let from = 1; ; from += PAGE) {
    const page = await storage.read(from, PAGE);
    for (const r of page) {
      report.entries++;
      const chainProblem = r.seq !== prev.seq + 1 ? `seq ${r.seq} follows ${prev.seq}`
        : r.prev_hash !== prev.hash ? 'prev_hash is not the hash of the previous entry'
        : entryHash(r.prev_hash, r.body) !== r.hash ? 'hash does not match the body (the entry was changed)'
        : undefined;
      if (chainProblem) report.chain.push({ seq: r.seq, key: r.key, field: 'hash', message: chainProblem });
      prev = { seq: r.seq, hash: r.hash };
      let entry: LedgerEntry;
      try {
        entry = decodeRecord(r, cipher);
      } catch (e) {
        report.chain.push({ seq: r.seq, key: r.key, field: 'body', message: e instanceof Error ? e.message : String(e) });
        continue;
      }
      // Unrated records (budget alerts) are chained and hashed like the rest, but carry no usage to re-rate.
      if (!entry.rating) {
        if (entry.key !== r.key || entry.type !== r.type) report.chain.push({ seq: r.seq, key: r.key, field: 'record', message: 'stored key/type differ from the hashed body' });
        continue;
      }
      if (entry.key !== r.key || entry.type !== r.type || entry.event.at !== r.at) {
        report.chain.push({ seq: r.seq, key: r.key, field: 'record', message: 'stored key/type/at differ from the hashed body' });
      }
      const rating = entry.rating;
      if (rating.status === 'unpriced') {
        const k = rating.error?.code ?? rating.reason;
        report.unpriced[k] = (report.unpriced[k] ?? 0) + 1;
      }
      if (!options.chainOnly) {
        const before = report.mismatches.length;
        checkEntry(entry, ledger, aggs, byVersion, ratings, report, tainted);
        // Later period states in this cell follow from this entry: report it once, not again for each later entry.
        if (report.mismatches.length > before || chainProblem) tainted.add(cellOf(entry));
      }
      aggs.apply(entry);
      ratings.set(entry.seq, rating);
    }
    if (page.length < PAGE) break;
  }
  report.head = prev;
  report.ok = report.chain.length === 0 && report.mismatches.length === 0;
  return report;
}

/** Check one entry; returns the recomputed rating when it could re-rate. */
function cellOf(entry: LedgerEntry): string {
  return `${customerOf(entry)}\u0000${entry.rating.period.key}`;
}

function checkEntry(entry: LedgerEntry, ledger: Ledger, aggs: Aggregates, byVersion: Map<string, Rater>, ratings: Map<number, Rating>, report: VerifyReport, tainted: Set<string>): Rating | undefined {
  const recorded = entry.rating;
  const mismatch = (field: string, a: unknown, b: unknown) => {
    report.mismatches.push({ seq: entry.seq, key: entry.key, field, recorded: canonicalJson(a ?? null), recomputed: canonicalJson(b ?? null), message: `${field} differs on re-rating` });
  };
  if (entry.type === 'reversal') {
    const original = entry.refs?.reverses !== undefined ? ratings.get(entry.refs.reverses) : undefined;
    if (!original) mismatch('refs.reverses', entry.refs?.reverses, null);
    else if (canonicalJson(negateRating(original)) !== canonicalJson(recorded)) mismatch('rating', recorded, negateRating(original));
    return original ? negateRating(original) : undefined;
  }
  if (recorded.status === 'unpriced' && recorded.reason !== 'rating_failed') {
    const expected = entry.event.status !== 'ok' ? entry.event.status : 'no_usage';
    if (recorded.reason !== expected) mismatch('rating.reason', recorded.reason, expected);
    return undefined;
  }
  const version = recorded.ratecard_version;
  const rater = version !== undefined ? byVersion.get(version) : undefined;
  if (!rater) {
    report.unverifiable.push({ seq: entry.seq, key: entry.key, ...(version !== undefined ? { ratecard_version: version } : {}), reason: 'ratecard version not available' });
    return undefined;
  }
  if (entry.encrypted && !entry.attributes && !entry.metadata) {
    report.unverifiable.push({ seq: entry.seq, key: entry.key, ratecard_version: version!, reason: 'attribution is encrypted and no key was given' });
    return undefined;
  }
  const payload = entryPayload(entry);
  const replayState = aggs.periodState(PERIOD_ATTRIBUTE, customerOf(payload), recorded.period.key);
  if (recorded.status === 'priced' && !tainted.has(cellOf(entry)) && canonicalJson(recorded.period.state) !== canonicalJson(replayState)) {
    mismatch('rating.period.state', recorded.period.state, replayState);
  }
  // Re-rate with the state the entry recorded, so one mismatch does not cascade.
  const state = recorded.status === 'priced' ? recorded.period.state : replayState;
  let again: Rating;
  try {
    again = rateEvent(payload, { ...ledger.rateContext(aggs, rater), stateFor: () => state });
  } catch (e) {
    mismatch('rating', recorded, { error: isRatecardError(e) ? e.code : String(e) });
    return undefined;
  }
  report.rerated++;
  if (again.period.key !== recorded.period.key) {
    mismatch('rating.period.key', recorded.period.key, again.period.key);
    return undefined;
  }
  if (canonicalJson(again) !== canonicalJson(recorded)) {
    const fields = ['status', 'currency', 'cost', 'price', 'lines', 'metered', 'price_version', 'error'] as const;
    const diff = fields.filter((f) => canonicalJson((recorded as unknown as Record<string, unknown>)[f] ?? null) !== canonicalJson((again as unknown as Record<string, unknown>)[f] ?? null));
    for (const f of diff.length > 0 ? diff : ['rating' as const]) mismatch(`rating.${f}`, (recorded as unknown as Record<string, unknown>)[f], (again as unknown as Record<string, unknown>)[f]);
  }
  return again;
}

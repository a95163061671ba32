/**
 * rerate(): price entries of a time range again with another ratecard, without changing
 * anything already written. Each live entry whose rating changes gets a reversal (the
 * negated original rating, refs.reverses) and a correction (the new rating,
 * refs.replaces). Pairs are appended in seq order; each correction is rated with the
 * period state after its reversal. Keys are derived from the seq reversed
 * (`ratecard:rerate:<seq>:reversal|correction`), so running the same rerate twice is a no-op.
 */
import type { Rater } from '../engine/types.js';
import { RatecardError } from '../errors/index.js';
import { Dec, formatDecimal, ZERO, type Decimal } from '../money/index.js';
import type { EntryRecord, Head } from '../storage/types.js';
import type { Aggregates } from './aggregates.js';
import { canonicalJson } from './canonical-json.js';
import type { Cipher } from './encryption.js';
import { buildRecord, entryPayload, type LedgerEntry, type Rating } from './entry.js';
import type { Ledger } from './ledger.js';
import { parseTime } from './period.js';
import { rateEvent } from './rate.js';

export interface RerateOptions {
  /** Event time range [from, to), ISO-8601. */
  from: string;
  to: string;
  ratecard: Rater;
  /** Stored in the entries' refs. */
  reason?: string;
}

export interface RerateReport {
  /** Entries that got a reversal + correction pair. */
  rerated: number;
  /** Live entries in range whose rating did not change. */
  unchanged: number;
  /** Per currency: sum of prices of the rerated entries before and after, and the difference. */
  totals: Record<string, { before: string; after: string; delta: string }>;
  pairs: Array<{ original: number; reversal: number; correction: number; before: string | null; after: string | null }>;
}

export interface RerateDeps {
  cipher: Cipher | undefined;
  clock: () => Date;
  aggs: () => Aggregates;
  catchUp: (head: Head) => Promise<void>;
  invalidate: () => void;
}

const neg = (s: string) => formatDecimal(new Dec(s).neg());

/** The rating of a reversal: every amount, line quantity and metered quantity negated, all else kept. */
export function negateRating(r: Rating): Rating {
  if (r.status !== 'priced') return r;
  const lines = r.lines.map((l) => ({ ...l, amount: neg(l.amount), ...(l.quantity !== undefined ? { quantity: neg(l.quantity) } : {}) }));
  const out: Rating = { ...r, cost: neg(r.cost), price: neg(r.price), lines };
  if (r.metered) out.metered = Object.fromEntries(Object.entries(r.metered).map(([k, v]) => [k, neg(v)]));
  return out;
}

export async function rerateLedger(ledger: Ledger, options: RerateOptions, deps: RerateDeps): Promise<RerateReport> {
  const from = parseTime(options.from);
  const to = parseTime(options.to);
  if (!from || !to || from >= to) throw new RatecardError('rerate_range_invalid', `rerate needs an ISO-8601 range with from < to, got ${options.from} … ${options.to}`);
  const report: RerateReport = { rerated: 0, unchanged: 0, totals: {}, pairs: [] };
  const sums = new Map<string, { before: Decimal; after: Decimal }>();
  try {
    await ledger.storage.appendWith(async (tx) => {
      await deps.catchUp(tx.head());
      // Live entries: usage and corrections not yet reversed.
      const live = new Map<number, LedgerEntry>();
      for await (const e of ledger.entries()) {
        if (e.type === 'usage' || e.type === 'correction') live.set(e.seq, e);
        else if (e.type === 'reversal' && e.refs?.reverses !== undefined) live.delete(e.refs.reverses);
      }
      const staged = deps.aggs().overlay();
      const ctx = ledger.rateContext(staged, options.ratecard);
      const records: EntryRecord[] = [];
      let head = tx.head();
      const recordedAt = deps.clock().toISOString();
      const refs = options.reason !== undefined ? { reason: options.reason } : {};
      const append = (body: Parameters<typeof buildRecord>[0]['body'], payloadHash: string) => {
        const { record, entry } = buildRecord({ seq: head.seq + 1, prevHash: head.hash, payloadHash, body }, deps.cipher);
        records.push(record);
        staged.apply(entry);
        head = { seq: record.seq, hash: record.hash };
        return entry;
      };
      for (const e of live.values()) {
        const at = new Date(e.event.at);
        if (at < from || at >= to) continue;
        if (e.rating.status === 'unpriced' && e.rating.reason !== 'rating_failed') continue; // no usage to price
        if (e.encrypted && !e.attributes && !e.metadata) throw new RatecardError('encryption_key_required', 'rerate needs the encryption key to read attribution');
        const keys = [`ratecard:rerate:${e.seq}:reversal`, `ratecard:rerate:${e.seq}:correction`];
        if ((await tx.findByKeys(keys)).size > 0) continue;
        const { attributes, metadata } = e;
        const attribution = { ...(attributes ? { attributes } : {}), ...(metadata ? { metadata } : {}) };
        // Rate against the state with this entry's own contribution removed.
        const probe = staged.overlay();
        probe.apply({ ...e, rating: negateRating(e.rating) });
        const next = rateEvent(entryPayload(e), { ...ctx, stateFor: (c, k) => probe.periodState('customer', c, k) });
        if (sameRating(next, e.rating)) {
          report.unchanged++;
          continue;
        }
        const rev = append({ type: 'reversal', key: keys[0]!, event: e.event, ...attribution, rating: negateRating(e.rating), refs: { ...refs, reverses: e.seq }, recorded_at: recordedAt }, e.payload_hash);
        const rating = next;
        const cor = append({ type: 'correction', key: keys[1]!, event: e.event, ...attribution, rating, refs: { ...refs, replaces: e.seq }, recorded_at: recordedAt }, e.payload_hash);
        report.rerated++;
        const before = e.rating.status === 'priced' ? e.rating.price : null;
        const after = rating.status === 'priced' ? rating.price : null;
        report.pairs.push({ original: e.seq, reversal: rev.seq, correction: cor.seq, before, after });
        const currency = rating.status === 'priced' ? rating.currency : e.rating.status === 'priced' ? e.rating.currency : '';
        if (currency) {
          const s = sums.get(currency) ?? { before: ZERO, after: ZERO };
          sums.set(currency, { before: s.before.plus(before ?? 0), after: s.after.plus(after ?? 0) });
        }
      }
      tx.append(records);
      staged.commit();
    });
  } catch (e) {
    deps.invalidate();
    throw e;
  }
  for (const [c, s] of sums) report.totals[c] = { before: formatDecimal(s.before), after: formatDecimal(s.after), delta: formatDecimal(s.after.minus(s.before)) };
  return report;
}

function sameRating(a: Rating, b: Rating): boolean {
  const strip = (r: Rating) => ({ ...r, period: { key: r.period.key } });
  return canonicalJson(strip(a)) === canonicalJson(strip(b));
}

/**
 * Billing periods, in UTC: a period key names the period an event time falls into
 * (`2025-03` monthly, `2025-03-14` daily, `2025-W11` ISO weekly, `2025-Q1`, `2025`).
 */
import type { Period, PricingDocument } from '../pricing/document.js';
import { periodUses } from '../pricing/periods.js';
import { RatecardError } from '../errors/index.js';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export function periodKey(at: Date, period: Period): string {
  const y = at.getUTCFullYear();
  const m = at.getUTCMonth() + 1;
  switch (period) {
    case 'daily':
      return `${y}-${pad(m)}-${pad(at.getUTCDate())}`;
    case 'weekly': {
      // ISO week: the week with the year's first Thursday is week 1.
      const d = new Date(Date.UTC(y, at.getUTCMonth(), at.getUTCDate()));
      const day = d.getUTCDay() || 7;
      d.setUTCDate(d.getUTCDate() + 4 - day);
      const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
      const week = Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7);
      return `${d.getUTCFullYear()}-W${pad(week)}`;
    }
    case 'monthly':
      return `${y}-${pad(m)}`;
    case 'quarterly':
      return `${y}-Q${Math.ceil(m / 3)}`;
    case 'yearly':
      return `${y}`;
  }
}

const PATTERNS: Array<[RegExp, Period]> = [
  [/^\d{4}-\d{2}-\d{2}$/, 'daily'],
  [/^\d{4}-W\d{2}$/, 'weekly'],
  [/^\d{4}-(0[1-9]|1[0-2])$/, 'monthly'],
  [/^\d{4}-Q[1-4]$/, 'quarterly'],
  [/^\d{4}$/, 'yearly'],
];

/** The period kind a key names, or throws `period_invalid`. */
export function parsePeriodKey(key: string): Period {
  for (const [re, period] of PATTERNS) if (re.test(key)) return period;
  throw new RatecardError('period_invalid', `\`${key}\` is not a period: use YYYY-MM (monthly), YYYY-MM-DD, YYYY-Www, YYYY-Qn or YYYY`, { details: { period: key } });
}

/** Parse an ISO-8601 time strictly (a date-time with a zone, or a date). */
export function parseTime(text: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/.test(text)) return undefined;
  const d = new Date(text.length === 10 ? `${text}T00:00:00Z` : text);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/**
 * The one period a ledger keeps tier and cap state for. Every tier schedule and plan of the
 * ratecard must count over it: a daily tier fed a monthly quantity would be priced wrong
 * without a word, so a mismatch is refused when the ledger is created (`period_mismatch`).
 */
export function ledgerPeriod(doc: PricingDocument | undefined, requested: Period | undefined): Period {
  const uses = doc ? periodUses(doc, (n) => `"${n}"`) : [];
  const period = requested ?? uses[0]?.period ?? 'monthly';
  const other = uses.filter((u) => u.period !== period);
  if (other.length > 0) {
    throw new RatecardError(
      'period_mismatch',
      `the ledger keeps tier and cap state per ${period} period${requested ? ' (the `period` option)' : ''}, but ${other.map((u) => `${u.what} counts ${u.period}`).join(', ')}; ` +
        'tiers and plans in one ratecard must share one period',
      { details: { period, mismatched: other } },
    );
  }
  return period;
}

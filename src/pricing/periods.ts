/** Which period each plan and tier schedule of a document counts over (they must share one). */
import type { Period, Plan, PricingDocument, TierSchedule } from './document.js';

export interface PeriodUse {
  owner: Plan | TierSchedule;
  /** How a message names it, e.g. plan `pro`, tiers `b` on tokens. */
  what: string;
  period: Period;
}

/** Every plan (then its tier schedules), then every top-level tier schedule, in document order. */
export function periodUses(doc: Pick<PricingDocument, 'plans' | 'tiers'>, quote: (name: string) => string = (n) => `\`${n}\``): PeriodUse[] {
  const tiers = (t: TierSchedule) => `tiers${t.name ? ` ${quote(t.name)}` : ''}`;
  const uses: PeriodUse[] = [];
  for (const p of doc.plans ?? []) {
    uses.push({ owner: p, what: `plan ${quote(p.name)}`, period: p.period });
    for (const t of p.tiers ?? []) uses.push({ owner: t, what: `${tiers(t)} of plan ${quote(p.name)}`, period: t.period });
  }
  for (const t of doc.tiers ?? []) uses.push({ owner: t, what: `${tiers(t)} on ${t.meter}`, period: t.period });
  return uses;
}

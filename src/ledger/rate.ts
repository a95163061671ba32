/**
 * Rating one event: normalize its usage, quote it with the period state of its customer,
 * and turn the answer into the entry's rating. Anything that prevents a price (status
 * error/incomplete, no usage, an unknown model, inconsistent usage) becomes an explicit
 * `unpriced` rating with the reason and error code: never a price of 0, and nothing lost.
 */
import type { PeriodState, Quote, Rater } from '../engine/types.js';
import { isRatecardError } from '../errors/index.js';
import type { Period } from '../pricing/document.js';
import type { UsageInput } from '../usage/canonical.js';
import { normalizeUsage } from '../usage/normalize.js';
import type { Rating } from './entry.js';
import type { EventPayload } from './payload.js';
import { periodKey } from './period.js';

/** Maps an event's usage object (canonical or provider-shaped) to canonical buckets. */
export type UsageNormalizer = (usage: Record<string, unknown>, event: { provider?: string; model: string }) => UsageInput;

export const defaultNormalizer: UsageNormalizer = (usage, event) =>
  normalizeUsage({ usage, ...(event.provider !== undefined ? { provider: event.provider } : {}) });

/** The attribute whose aggregates feed a quote's period state (tiers, caps). */
export const PERIOD_ATTRIBUTE = 'customer';

export interface RateContext {
  rater: Rater;
  normalize: UsageNormalizer;
  period: Period;
  /** Period state for (customer, period key) before this event. */
  stateFor: (customer: string, periodKey: string) => PeriodState;
}

export function customerOf(payload: Pick<EventPayload, 'attributes'>): string {
  const c = payload.attributes?.[PERIOD_ATTRIBUTE];
  return typeof c === 'string' ? c : '';
}

export function rateEvent(payload: EventPayload, ctx: RateContext): Rating {
  const key = periodKey(new Date(payload.at), ctx.period);
  if (payload.status !== 'ok') return { status: 'unpriced', reason: payload.status, period: { key } };
  if (payload.usage === undefined) return { status: 'unpriced', reason: 'no_usage', period: { key } };
  const state = ctx.stateFor(customerOf(payload), key);
  try {
    const usage = ctx.normalize(payload.usage, payload);
    const quote = ctx.rater.quote({
      model: payload.model,
      usage,
      at: payload.at,
      period: state,
      ...(payload.provider !== undefined ? { provider: payload.provider } : {}),
      ...(payload.attributes !== undefined ? { attributes: payload.attributes } : {}),
      ...(payload.service_tier !== undefined ? { service_tier: payload.service_tier } : {}),
    });
    return pricedRating(quote, ctx.rater.version, key, state);
  } catch (e) {
    if (!isRatecardError(e)) throw e;
    return { status: 'unpriced', reason: 'rating_failed', error: { code: e.code, message: e.message }, ratecard_version: ctx.rater.version, period: { key } };
  }
}

function pricedRating(q: Quote, version: string, key: string, state: PeriodState): Rating {
  const metered: Record<string, string> = {};
  for (const [m, v] of Object.entries(q.metered ?? {})) if (v !== undefined) metered[m] = v;
  return {
    status: 'priced',
    currency: q.currency,
    cost: q.cost,
    price: q.price,
    lines: q.lines.map((l) => ({ ...l })), // lines hold only strings: a shallow copy detaches them
    ratecard_version: version,
    ...(q.price_version !== undefined ? { price_version: q.price_version } : {}),
    ...(Object.keys(metered).length > 0 ? { metered } : {}),
    period: { key, state },
    ...(q.warnings && q.warnings.length > 0 ? { warnings: q.warnings } : {}),
  };
}

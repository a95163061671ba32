/**
 * Lago sink: `POST {apiUrl}/api/v1/events/batch` with Bearer auth, at most 100 events per
 * request (Lago's documented limit). Each event: `transaction_id` (our stable id, Lago's
 * idempotency key), `external_subscription_id`, `code` (the billable metric), `timestamp`
 * (unix seconds) and `properties` with money as decimal strings.
 *
 * Lago batches are atomic: one invalid event fails the whole request with 422 and
 * `error_details` keyed by the event's index. A `transaction_id: value_already_exist`
 * means that event was applied earlier (our retry of a batch whose answer was lost), so
 * it counts as delivered; other per-index errors are refused for good; the remaining
 * events are sent again in a new request.
 */
import { SinkError } from '../errors.js';
import { postBody, type HttpTargetOptions } from '../http.js';
import type { Rejection, SendContext, SendResult, Sink, SyncEvent } from '../types.js';

export const LAGO_MAX_BATCH = 100;

export interface LagoSinkOptions extends Omit<HttpTargetOptions, 'url' | 'bearerToken'> {
  /** e.g. https://api.getlago.com */
  apiUrl: string;
  apiKey: string;
  /** Billable metric code, or a function of the event. Default `llm_usage`. */
  code?: string | ((e: SyncEvent) => string);
  /** The Lago subscription an event bills to. Default: attribute `subscription`, else `customer`. */
  subscriptionId?: (e: SyncEvent) => string | undefined;
  /** Extra properties per event (merged after the defaults). */
  properties?: (e: SyncEvent) => Record<string, string>;
  name?: string;
}

export interface LagoEvent {
  transaction_id: string;
  external_subscription_id: string;
  code: string;
  timestamp: number;
  properties: Record<string, string>;
}

/** The Lago event for one sync event, or the reason it cannot be billed. */
export function toLagoEvent(e: SyncEvent, options: Pick<LagoSinkOptions, 'code' | 'subscriptionId' | 'properties'> = {}): LagoEvent | { error: string } {
  const sub = options.subscriptionId ? options.subscriptionId(e) : str(e.attributes?.subscription) ?? str(e.attributes?.customer);
  if (!sub) return { error: 'no subscription id: the entry has no `subscription` or `customer` attribute' };
  if (e.rating_status !== 'priced' || e.price === undefined) return { error: `entry ${e.seq} is unpriced (${e.unpriced_reason ?? 'no rating'}): nothing to bill; re-rate it or handle it by hand` };
  const properties: Record<string, string> = { price: e.price, cost: e.cost!, currency: e.currency!, entry_type: e.type, seq: String(e.seq) };
  if (e.model) properties.model = e.model;
  if (e.provider) properties.provider = e.provider;
  for (const [meter, q] of Object.entries(e.metered ?? {})) properties[meter] = q;
  for (const k of ['customer', 'agent', 'plan', 'conversation', 'task'] as const) if (str(e.attributes?.[k])) properties[k] = e.attributes![k] as string;
  Object.assign(properties, options.properties?.(e));
  const code = typeof options.code === 'function' ? options.code(e) : options.code ?? 'llm_usage';
  return { transaction_id: e.id, external_subscription_id: sub, code, timestamp: Math.floor(Date.parse(e.at) / 1000), properties };
}

export function createLagoSink(options: LagoSinkOptions): Sink {
  const url = `${options.apiUrl.replace(/\/+$/, '')}/api/v1/events/batch`;
  const target: HttpTargetOptions = { ...options, url, bearerToken: options.apiKey };
  return {
    name: options.name ?? 'lago',
    maxBatchEvents: LAGO_MAX_BATCH,
    async send(events: readonly SyncEvent[], ctx: SendContext): Promise<SendResult> {
      const rejected: Rejection[] = [];
      let pending: Array<{ index: number; event: LagoEvent }> = [];
      events.forEach((e, index) => {
        const mapped = toLagoEvent(e, options);
        if ('error' in mapped) rejected.push({ index, reason: mapped.error });
        else pending.push({ index, event: mapped });
      });
      // Each round drops at least one event (refused or already applied), so this ends.
      while (pending.length > 0) {
        try {
          await postBody(target, JSON.stringify({ events: pending.map((p) => p.event) }), 'application/json', ctx.signal);
          break;
        } catch (e) {
          const details = e instanceof SinkError && e.status === 422 ? errorDetails(e.body ?? '') : undefined;
          if (!details || details.size === 0) throw e;
          const next: typeof pending = [];
          pending.forEach((p, i) => {
            const errs = details.get(i);
            if (!errs) next.push(p);
            else if (!errs.every((x) => x === 'transaction_id: value_already_exist')) rejected.push({ index: p.index, reason: `Lago 422: ${errs.join('; ')}`, status: 422 });
          });
          if (next.length === pending.length) throw e;
          pending = next;
        }
      }
      return { rejected };
    },
  };
}

/** `error_details` of a Lago 422 body: index → ["field: code", …]. */
function errorDetails(text: string): Map<number, string[]> | undefined {
  try {
    const body = JSON.parse(text) as { error_details?: Record<string, Record<string, unknown>> };
    const out = new Map<number, string[]>();
    for (const [k, fields] of Object.entries(body.error_details ?? {})) {
      if (!/^\d+$/.test(k) || typeof fields !== 'object' || fields === null) continue;
      out.set(Number(k), Object.entries(fields).flatMap(([f, codes]) => (Array.isArray(codes) ? codes : [codes]).map((c) => `${f}: ${String(c)}`)));
    }
    return out;
  } catch {
    return undefined;
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

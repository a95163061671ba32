/**
 * OpenMeter sink: CloudEvents 1.0 in the JSON batch format (a JSON array of events,
 * `Content-Type: application/cloudevents-batch+json`) POSTed to `{apiUrl}/api/v1/events`
 * with Bearer auth. OpenMeter deduplicates on (id, source), so `id` is our stable event id
 * and `source` must stay the same across restarts. `subject` is the metered customer;
 * `data` carries money and quantities as decimal strings.
 */
import { postBody, type HttpTargetOptions } from '../http.js';
import type { Rejection, SendContext, SendResult, Sink, SyncEvent } from '../types.js';

export const CLOUDEVENTS_BATCH = 'application/cloudevents-batch+json';

export interface OpenMeterSinkOptions extends Omit<HttpTargetOptions, 'url' | 'bearerToken'> {
  /** e.g. https://openmeter.cloud, or a self-hosted http://localhost:8888 */
  apiUrl: string;
  apiKey?: string;
  /** CloudEvents `source`. Default `ratecard`. */
  source?: string;
  /** CloudEvents `type` (matched by the meter's eventType). Default `llm_usage`. */
  type?: string | ((e: SyncEvent) => string);
  /** The subject (customer) an event meters. Default: attribute `customer`. */
  subject?: (e: SyncEvent) => string | undefined;
  name?: string;
  maxBatchEvents?: number;
}

export interface CloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  data: Record<string, string>;
}

export function toCloudEvent(e: SyncEvent, options: Pick<OpenMeterSinkOptions, 'source' | 'type' | 'subject'> = {}): CloudEvent | { error: string } {
  const subject = options.subject ? options.subject(e) : typeof e.attributes?.customer === 'string' && e.attributes.customer !== '' ? e.attributes.customer : undefined;
  if (!subject) return { error: 'no subject: the entry has no `customer` attribute' };
  if (e.rating_status !== 'priced' || e.price === undefined) return { error: `entry ${e.seq} is unpriced (${e.unpriced_reason ?? 'no rating'}): nothing to meter as spend; re-rate it or handle it by hand` };
  const data: Record<string, string> = { price: e.price, cost: e.cost!, currency: e.currency!, entry_type: e.type, seq: String(e.seq) };
  if (e.model) data.model = e.model;
  if (e.provider) data.provider = e.provider;
  for (const [meter, q] of Object.entries(e.metered ?? {})) data[meter] = q;
  for (const k of ['agent', 'plan', 'conversation', 'task'] as const) if (typeof e.attributes?.[k] === 'string') data[k] = e.attributes[k] as string;
  const type = typeof options.type === 'function' ? options.type(e) : options.type ?? 'llm_usage';
  return { specversion: '1.0', id: e.id, source: options.source ?? 'ratecard', type, subject, time: e.at, datacontenttype: 'application/json', data };
}

export function createOpenMeterSink(options: OpenMeterSinkOptions): Sink {
  const target: HttpTargetOptions = { ...options, url: `${options.apiUrl.replace(/\/+$/, '')}/api/v1/events`, ...(options.apiKey ? { bearerToken: options.apiKey } : {}) };
  return {
    name: options.name ?? 'openmeter',
    ...(options.maxBatchEvents !== undefined ? { maxBatchEvents: options.maxBatchEvents } : {}),
    async send(events: readonly SyncEvent[], ctx: SendContext): Promise<SendResult> {
      const rejected: Rejection[] = [];
      const batch: CloudEvent[] = [];
      events.forEach((e, index) => {
        const ce = toCloudEvent(e, options);
        if ('error' in ce) rejected.push({ index, reason: ce.error });
        else batch.push(ce);
      });
      if (batch.length > 0) await postBody(target, JSON.stringify(batch), CLOUDEVENTS_BATCH, ctx.signal);
      return { rejected };
    },
  };
}

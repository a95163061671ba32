/**
 * Checking a UsageEvent and reducing it to its canonical payload: the exact request the
 * idempotency key stands for. Two records with one key must have equal payloads; the
 * time is normalized (`...Z` and `....000Z` are the same instant) and `status` defaults
 * to `ok`, so spelling differences are not conflicts.
 */
import { RatecardError } from '../errors/index.js';
import { didYouMean } from '../util/suggest.js';
import type { CallAttributes } from '../engine/types.js';
import type { CallStatus, UsageEvent } from './event.js';
import { parseTime } from './period.js';

export interface EventPayload {
  at: string;
  provider?: string;
  model: string;
  usage?: Record<string, unknown>;
  status: CallStatus;
  latency_ms?: number;
  ttft_ms?: number;
  service_tier?: string;
  attributes?: CallAttributes;
  metadata?: Record<string, string>;
}

const FIELDS = ['id', 'at', 'provider', 'model', 'usage', 'status', 'latency_ms', 'ttft_ms', 'service_tier', 'attributes', 'metadata'];
const STATUSES: readonly CallStatus[] = ['ok', 'error', 'incomplete'];
const MAX_KEY = 512;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Validate an event (from code or one ndjson line). Reports every problem at once as
 * RatecardError `event_invalid` with `details.problems`. Unknown fields are refused:
 * prompts and completions must never reach the ledger by accident.
 */
export function checkEvent(input: unknown): { key: string; payload: EventPayload } {
  if (!isObject(input)) throw new RatecardError('event_invalid', 'a usage event must be a JSON object');
  const e = input as Partial<UsageEvent> & Record<string, unknown>;
  const problems: string[] = [];
  for (const k of Object.keys(e)) {
    if (!FIELDS.includes(k)) {
      const hint = didYouMean(k, FIELDS);
      problems.push(`unknown field \`${k}\`${hint ? ` (${hint})` : ''}`);
    }
  }
  if (typeof e.id !== 'string' || e.id.length === 0) problems.push('`id` (the idempotency key) is required: a non-empty string');
  else if (e.id.length > MAX_KEY) problems.push(`\`id\` is longer than ${MAX_KEY} characters`);
  let at: Date | undefined;
  if (typeof e.at !== 'string') problems.push('`at` (when the call happened, ISO-8601) is required');
  else if (!(at = parseTime(e.at))) problems.push(`\`at\` is not an ISO-8601 time with a zone: ${JSON.stringify(e.at)}`);
  if (typeof e.model !== 'string' || e.model.trim() === '') problems.push('`model` is required: a non-empty string');
  if (e.provider !== undefined && typeof e.provider !== 'string') problems.push('`provider` must be a string');
  if (e.service_tier !== undefined && typeof e.service_tier !== 'string') problems.push('`service_tier` must be a string');
  if (e.usage !== undefined && e.usage !== null && !isObject(e.usage)) problems.push('`usage` must be an object');
  if (e.status !== undefined && !STATUSES.includes(e.status)) problems.push(`\`status\` must be one of ${STATUSES.join(', ')}, got ${JSON.stringify(e.status)}`);
  for (const f of ['latency_ms', 'ttft_ms'] as const) {
    const v = e[f];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) problems.push(`\`${f}\` must be a non-negative number of milliseconds`);
  }
  if (e.attributes !== undefined) {
    if (!isObject(e.attributes)) problems.push('`attributes` must be an object');
    else {
      for (const [k, v] of Object.entries(e.attributes)) {
        if (v === undefined) continue;
        const ok = typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
        if (!ok) problems.push(`attribute \`${k}\` must be a string${k === 'tags' ? ' list' : ''}`);
      }
    }
  }
  if (e.metadata !== undefined) {
    if (!isObject(e.metadata)) problems.push('`metadata` must be an object of strings');
    else for (const [k, v] of Object.entries(e.metadata)) if (typeof v !== 'string') problems.push(`metadata \`${k}\` must be a string`);
  }
  if (problems.length > 0) {
    const id = typeof e.id === 'string' ? ` ${JSON.stringify(e.id)}` : '';
    throw new RatecardError('event_invalid', `usage event${id}: ${problems.join('; ')}`, { details: { problems } });
  }
  const payload: EventPayload = { at: at!.toISOString(), model: e.model!, status: e.status ?? 'ok' };
  if (e.provider !== undefined) payload.provider = e.provider;
  if (e.usage !== undefined && e.usage !== null) payload.usage = e.usage;
  if (e.latency_ms !== undefined) payload.latency_ms = e.latency_ms;
  if (e.ttft_ms !== undefined) payload.ttft_ms = e.ttft_ms;
  if (e.service_tier !== undefined) payload.service_tier = e.service_tier;
  if (e.attributes !== undefined && Object.keys(e.attributes).length > 0) payload.attributes = stripUndefined(e.attributes) as CallAttributes;
  if (e.metadata !== undefined && Object.keys(e.metadata).length > 0) payload.metadata = e.metadata;
  return { key: e.id!, payload };
}

function stripUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** Dotted paths where two payloads differ (`usage.output`, `attributes.customer`, `model`), sorted. */
export function diffPayloads(a: unknown, b: unknown, path = ''): string[] {
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => diffPayloads(a[k], b[k], path ? `${path}.${k}` : k));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    return a.some((x, i) => diffPayloads(x, b[i]).length > 0) ? [path] : [];
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [path || '(event)'];
}

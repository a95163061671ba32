/** Reading a quote request from JSON (the NDJSON batch and `--usage`) with clear errors. */
import { RatecardError } from '../errors/index.js';
import type { CallAttributes } from '../engine/types.js';
import type { AnyUsageQuoteRequest } from '../quote.js';

export interface CliRequest extends AnyUsageQuoteRequest {
  id?: string | number;
}

const ISO_RE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export function parseAt(value: string): Date {
  const d = new Date(value);
  if (!ISO_RE.test(value) || Number.isNaN(d.getTime())) {
    throw new RatecardError('invalid_time', `\`at\` must be an ISO-8601 date or date-time, got ${JSON.stringify(value)}`);
  }
  return d;
}

function parseAttributes(value: unknown, problems: string[]): CallAttributes | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    problems.push('`attributes` must be an object');
    return undefined;
  }
  const out: CallAttributes = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out[k] = v as string[];
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else problems.push(`attribute \`${k}\` must be a string or a list of strings`);
  }
  return out;
}

/** Validate one request object; every problem is named in one `request_invalid` error. */
export function parseRequest(value: unknown): CliRequest {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new RatecardError('request_invalid', 'a request must be a JSON object with at least `model` and `usage`');
  }
  const v = value as Record<string, unknown>;
  const problems: string[] = [];
  const known = new Set(['id', 'provider', 'model', 'usage', 'at', 'attributes', 'service_tier', 'period']);
  for (const k of Object.keys(v)) if (!known.has(k)) problems.push(`unknown field \`${k}\``);
  if (typeof v.model !== 'string' || v.model === '') problems.push('`model` must be a non-empty string');
  if (v.usage === undefined || v.usage === null) problems.push('`usage` is required');
  if (v.provider !== undefined && typeof v.provider !== 'string') problems.push('`provider` must be a string');
  if (v.service_tier !== undefined && typeof v.service_tier !== 'string') problems.push('`service_tier` must be a string');
  if (v.id !== undefined && typeof v.id !== 'string' && typeof v.id !== 'number') problems.push('`id` must be a string or number');
  if (v.at !== undefined && typeof v.at !== 'string') problems.push('`at` must be an ISO-8601 string');
  const attributes = parseAttributes(v.attributes, problems);
  if (problems.length > 0) throw new RatecardError('request_invalid', problems.join('; '), { details: { problems } });
  const request: CliRequest = { model: v.model as string, usage: v.usage };
  if (v.id !== undefined) request.id = v.id as string | number;
  if (typeof v.provider === 'string') request.provider = v.provider;
  if (typeof v.at === 'string') request.at = parseAt(v.at);
  if (attributes) request.attributes = attributes;
  if (typeof v.service_tier === 'string') request.service_tier = v.service_tier;
  if (v.period !== undefined) request.period = v.period as CliRequest['period'];
  return request;
}

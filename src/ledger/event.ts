/**
 * A usage event: one LLM call as the application (or an interceptor, or `ratecard ingest`)
 * reports it. It is a quote request plus an idempotency key, a time and a status.
 * `usage` is either canonical buckets or the provider's raw usage object (normalized by
 * src/usage before pricing).
 */
import type { CallAttributes } from '../engine/types.js';

export type CallStatus = 'ok' | 'error' | 'incomplete';

export interface UsageEvent {
  /** Idempotency key, chosen by the caller (interceptors use the provider's request id). Required. */
  id: string;
  /** When the call happened, ISO-8601. Required: prices are looked up at this time. */
  at: string;
  provider?: string;
  model: string;
  /** Canonical usage buckets, or the provider's raw usage object. Absent when the call produced none (status incomplete/error). */
  usage?: Record<string, unknown>;
  status?: CallStatus;
  latency_ms?: number;
  /** Time to first token for streams, ms. */
  ttft_ms?: number;
  service_tier?: string;
  attributes?: CallAttributes;
  /** Free-form metadata (never prompts or completions). May be encrypted at rest. */
  metadata?: Record<string, string>;
}

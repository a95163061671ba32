/**
 * One intercepted call from start to its single recorded event. Whatever path ends it
 * (response, stream end, stream abandoned, error, shutdown), `finish` runs once and
 * pushes exactly one UsageEvent, so SDK retries and tee'd streams are recorded once.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { CallStatus } from '../ledger/event.js';
import { currentAttribution, mergeAttribution } from './context.js';
import type { AfterRecord, InflightCall, Tracker } from './queue.js';
import type { Attribution, CallOptions, UsageEvent } from './types.js';

export interface CallStart {
  tracker: Tracker;
  provider: string;
  /** Which API shape the usage has, e.g. `chat.completions`, `messages`, `ai-sdk`. */
  api: string;
  model?: string;
  stream?: boolean;
  defaults?: Attribution;
  perCall?: CallOptions;
  /** Told when the event was recorded or not (budget guard: settle or release a reservation). */
  onRecorded?: AfterRecord;
}

/**
 * What the sweep should do with a stale call: `keep` it (the caller is still awaiting it,
 * or it has just been given a way to finish) or `abandon` it (recorded as incomplete).
 */
export type StaleVerdict = 'keep' | 'abandon';

/** Decides for a stale call (an object, so the hot path makes no closure for it). */
export interface StaleHandler {
  onStale(call: PendingCall): StaleVerdict;
}

/** For a call the caller is awaiting: it ends when the awaited promise settles. */
export const KEEP_WHILE_AWAITED: StaleHandler = { onStale: () => 'keep' };

/** What a response (or a finished stream) tells us. */
export interface CallOutcome {
  usage?: Record<string, unknown>;
  model?: string;
  requestId?: string | null;
  responseId?: string | null;
  serviceTier?: string | null;
  /** True when the usage is final (e.g. Anthropic `message_stop`, OpenAI usage chunk). */
  complete: boolean;
}

export class PendingCall implements InflightCall {
  inflightPrev: InflightCall | undefined = undefined;
  inflightNext: InflightCall | undefined = undefined;
  inflightOwner: object | undefined = undefined;
  #start: CallStart;
  readonly #t0 = performance.now();
  readonly #atMs = Date.now();
  readonly #attributes: Attribution | undefined;
  readonly #id: string | undefined;
  #ttft: number | undefined;
  #done = false;
  /** Bumped by whatever observes the call's data (a chunk read): a sweep sees it is alive. */
  progress = 0;
  #sweptAt = -1;
  /** Asked by the sweep before a stale call is abandoned; absent, it is abandoned. */
  staleHandler: StaleHandler | undefined = undefined;
  // How it ended, kept as is: the event is built by the tracker's drain, off the caller's path.
  #status: CallStatus = 'incomplete';
  #outcome: CallOutcome | undefined;
  #reason: string | undefined;
  #failure: Record<string, string> | undefined;
  #t1 = 0;

  constructor(start: CallStart) {
    this.#start = start;
    const scope = currentAttribution();
    const d = start.defaults;
    // Merged now (a per-call option object may be reused and changed by the caller later).
    this.#attributes = scope === undefined && start.perCall === undefined && (d === undefined || Object.isFrozen(d)) ? d : mergeAttribution(d, scope, start.perCall);
    const id = start.perCall?.id;
    this.#id = typeof id === 'string' && id !== '' ? id : undefined;
    start.tracker.open(this);
  }

  get finished(): boolean {
    return this.#done;
  }

  /** Frameworks learn the provider only from the response (LlamaIndex). */
  setProvider(provider: string): void {
    this.#start = { ...this.#start, provider };
  }

  get sawFirstToken(): boolean {
    return this.#ttft !== undefined;
  }

  /** An output token seen (streams): the first one sets the time to first token. */
  firstToken(): void {
    this.progress++;
    this.#ttft ??= performance.now() - this.#t0;
  }

  succeed(outcome: CallOutcome, incompleteReason = 'no_usage'): void {
    const ok = outcome.usage !== undefined && outcome.usage !== null && outcome.complete;
    this.#finish(ok ? 'ok' : 'incomplete', outcome, ok ? undefined : incompleteReason, undefined);
  }

  fail(error: unknown): void {
    const e = (error ?? {}) as Record<string, unknown>;
    const metadata: Record<string, string> = {};
    const httpStatus = typeof e.status === 'number' ? e.status : undefined;
    if (httpStatus !== undefined) metadata.http_status = String(httpStatus);
    // SDK error classes often keep the generic `name` "Error": prefer the class name then.
    const ctor = typeof e.constructor === 'function' && e.constructor.name ? e.constructor.name : undefined;
    const name = typeof e.name === 'string' && e.name !== 'Error' ? e.name : (ctor ?? (typeof e.name === 'string' ? e.name : undefined));
    if (name) metadata.error = name;
    const code = e.code ?? (e.error as Record<string, unknown> | undefined)?.type;
    if (typeof code === 'string') metadata.error_code = code;
    const requestId = firstString(e.requestID, e.request_id, headerOf(e.headers, 'x-request-id'), headerOf(e.headers, 'request-id'));
    // A user abort (or a dropped connection) may still be billed: incomplete, not error.
    const aborted = name !== undefined && /Abort/i.test(name);
    this.#finish(aborted ? 'incomplete' : 'error', { complete: false, requestId }, undefined, metadata);
  }

  /** The stream or promise was never finished by the caller. */
  abandon(reason: string): void {
    this.succeed({ complete: false }, reason);
  }

  sweep(now: number, staleAfterMs: number): void {
    if (this.#done || now - this.#t0 < staleAfterMs) return;
    // Progress since the last sweep (or a first look): alive, look again next time.
    if (this.progress !== this.#sweptAt) {
      this.#sweptAt = this.progress;
      return;
    }
    const h = this.staleHandler;
    if ((h ? h.onStale(this) : 'abandon') === 'abandon') this.abandon('stale');
  }

  /** The caller's path ends here: note how the call ended and queue it (the tracker builds the event later). */
  #finish(status: CallStatus, o: CallOutcome, reason: string | undefined, failure: Record<string, string> | undefined): void {
    if (this.#done) return;
    this.#done = true;
    // Queued until drained: hold only what the event needs (the handler reaches the SDK's response).
    this.staleHandler = undefined;
    this.#t1 = performance.now();
    this.#status = status;
    this.#outcome = o;
    this.#reason = reason;
    this.#failure = failure;
    const s = this.#start;
    s.tracker.close(this);
    if (s.onRecorded) s.tracker.push(this, s.onRecorded);
    else s.tracker.push(this);
  }

  /** The call's one UsageEvent (called once, by the tracker's drain). */
  toEvent(): UsageEvent {
    const s = this.#start;
    const o = this.#outcome ?? { complete: false };
    const status = this.#status;
    const metadata: Record<string, string> = this.#failure ?? {};
    if (this.#reason !== undefined) {
      metadata.incomplete_reason = this.#reason;
      // Partial counts (e.g. Anthropic input tokens before a cut) help a human estimate; never priced as final.
      if (o.usage !== undefined && o.usage !== null) metadata.partial_usage = JSON.stringify(o.usage);
    }
    metadata.api = s.api;
    if (s.stream) metadata.stream = 'true';
    if (o.requestId) metadata.request_id = o.requestId;
    if (o.responseId) metadata.response_id = o.responseId;
    const event: UsageEvent = {
      id: this.#id ?? o.requestId ?? o.responseId ?? `rc_${randomUUID()}`,
      at: isoAt(this.#atMs),
      provider: s.provider,
      model: o.model ?? s.model ?? 'unknown',
      status,
      latency_ms: round3(this.#t1 - this.#t0),
      metadata,
    };
    if (status === 'ok') event.usage = o.usage!;
    if (this.#ttft !== undefined) event.ttft_ms = round3(this.#ttft);
    if (o.serviceTier) event.service_tier = o.serviceTier;
    if (this.#attributes) event.attributes = this.#attributes;
    return event;
  }
}

// `new Date(ms).toISOString()` costs ~0.5-1 µs; the text only changes its last 4 characters
// within a second, so the rest is reused for the last second seen (exact, never stale).
let isoSecond = NaN;
let isoPrefix = '';

/** Exactly `new Date(ms).toISOString()`, cheaper for times within the same second. */
export function isoAt(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== isoSecond) {
    const iso = new Date(second * 1000).toISOString();
    isoPrefix = iso.slice(0, iso.length - 4); // up to and including the '.'
    isoSecond = second;
  }
  const frac = ms - second * 1000;
  return isoPrefix + (frac < 10 ? '00' : frac < 100 ? '0' : '') + frac + 'Z';
}

function round3(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function firstString(...xs: unknown[]): string | undefined {
  for (const x of xs) if (typeof x === 'string' && x !== '') return x;
  return undefined;
}

function headerOf(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const h = headers as { get?: (n: string) => unknown } & Record<string, unknown>;
  const v = typeof h.get === 'function' ? h.get(name) : h[name];
  return typeof v === 'string' ? v : undefined;
}

/** A thrown value's name for an incomplete reason (`stream_error: AbortError`). */
function errorName(e: unknown): string {
  if (e !== null && (typeof e === 'object' || typeof e === 'function')) return firstString((e as { name?: unknown }).name) ?? 'Error';
  return typeof e;
}

export { errorName, firstString, headerOf };

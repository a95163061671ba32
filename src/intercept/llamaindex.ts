/**
 * `ratecard/llamaindex`: records LlamaIndex.TS LLM calls from its callback manager
 * (`llm-start`, `llm-stream`, `llm-end`, dispatched by the `wrapLLMEvent` decorator every
 * LLM class uses). Usage is read from `response.raw`, the provider's own response (or,
 * streamed, the chunks' `raw`), through the same wire readers as the SDK wrappers.
 * Pass `Settings.callbackManager`; nothing here imports @llamaindex/core.
 */
import { anthropicMessages } from './anthropic-wire.js';
import { PendingCall, type CallOutcome } from './call.js';
import { isObj, str, type ApiAdapter } from './instrument.js';
import { openaiChat, openaiResponses } from './openai-wire.js';
import { resolveTracker, type TrackOptions } from './options.js';
import { fixedAttribution } from './context.js';

export interface CallbackManagerLike {
  on(event: string, handler: (event: unknown) => void): unknown;
  off(event: string, handler: (event: unknown) => void): unknown;
}

export interface LlamaIndexOptions extends TrackOptions {
  /** Calls without `llm-end` (LlamaIndex has no error event) are recorded as incomplete after this long. Default 600_000 ms. */
  staleAfterMs?: number;
  /** Open calls kept at most. Default 10_000. */
  maxOpenCalls?: number;
}

type Obj = Record<string, unknown>;

interface Open {
  call: PendingCall;
  startedAt: number;
}

/** Which provider and wire format a raw response (or raw stream chunk) is. */
function detect(raw: Obj): { provider: string; api: string; adapter: ApiAdapter } | undefined {
  const object = str(raw.object) ?? '';
  const type = str(raw.type) ?? '';
  if (object.startsWith('chat.completion')) return { provider: 'openai', api: 'chat.completions', adapter: openaiChat };
  if (object === 'response' || type.startsWith('response.')) return { provider: 'openai', api: 'responses', adapter: openaiResponses };
  if (type === 'message' || type.startsWith('message_') || type.startsWith('content_block')) return { provider: 'anthropic', api: 'messages', adapter: anthropicMessages };
  return undefined;
}

function outcomeOf(response: unknown, call: PendingCall): { outcome: CallOutcome; provider?: string } {
  const r = isObj(response) ? response : {};
  const raw = r.raw;
  if (Array.isArray(raw)) {
    // Streamed: each chunk's `raw` is one provider event.
    const events = raw.map((c) => (isObj(c) ? c.raw : undefined)).filter(isObj);
    const kind = events.map(detect).find((k) => k !== undefined);
    if (!kind) return { outcome: { complete: false } };
    const observer = kind.adapter.observeStream(false);
    for (const e of events) observer.onEvent(e, call);
    return { outcome: observer.outcome(), provider: kind.provider };
  }
  if (!isObj(raw)) return { outcome: { complete: false } };
  const kind = detect(raw);
  if (kind) return { outcome: kind.adapter.fromBody(raw), provider: kind.provider };
  // An unknown provider that still reports a usage object: pass it on raw.
  const usage = isObj(raw.usage) ? (raw.usage as Obj) : undefined;
  return { outcome: { usage, model: str(raw.model), responseId: str(raw.id), complete: usage !== undefined } };
}

/** Subscribe to the callback manager; returns `detach()` (open calls are then recorded as incomplete). */
export function instrumentLlamaIndex(callbackManager: CallbackManagerLike, options: LlamaIndexOptions): { detach(): void } {
  const tracker = resolveTracker(options);
  const defaults = fixedAttribution(options.attributes);
  const staleAfter = options.staleAfterMs ?? 600_000;
  const maxOpen = options.maxOpenCalls ?? 10_000;
  const open = new Map<string, Open>();
  const guard = (fn: () => void): void => {
    try {
      fn();
    } catch {
      tracker.internalError();
    }
  };
  const detail = (e: unknown): Obj => (isObj(e) && isObj(e.detail) ? e.detail : {});

  const sweep = (now: number): void => {
    for (const [id, o] of open) {
      if (open.size < maxOpen && now - o.startedAt < staleAfter) break; // oldest first: the rest are newer
      const reason = now - o.startedAt >= staleAfter ? 'no_llm_end' : 'evicted';
      open.delete(id);
      o.call.abandon(reason);
    }
  };

  const onStart = (e: unknown): void =>
    guard(() => {
      const id = str(detail(e).id);
      if (!id) return;
      const now = Date.now();
      sweep(now);
      // The provider is only known from the response; the call records it then (see onEnd).
      const call = new PendingCall({ tracker, provider: options.provider ?? 'unknown', api: 'llamaindex', defaults });
      open.set(id, { call, startedAt: now });
    });
  const onStream = (e: unknown): void => guard(() => open.get(str(detail(e).id) ?? '')?.call.firstToken());
  const onEnd = (e: unknown): void =>
    guard(() => {
      const d = detail(e);
      const id = str(d.id) ?? '';
      const o = open.get(id);
      if (!o) return;
      open.delete(id);
      const { outcome, provider } = outcomeOf(d.response, o.call);
      if (provider && !options.provider) o.call.setProvider(provider);
      o.call.succeed(outcome);
    });

  callbackManager.on('llm-start', onStart);
  callbackManager.on('llm-stream', onStream);
  callbackManager.on('llm-end', onEnd);
  return {
    detach() {
      callbackManager.off('llm-start', onStart);
      callbackManager.off('llm-stream', onStream);
      callbackManager.off('llm-end', onEnd);
      for (const o of open.values()) o.call.abandon('detached');
      open.clear();
    },
  };
}

export { createTracker, Tracker, type TrackerOptions } from './queue.js';
export { withAttribution } from './context.js';
export { flushAll, shutdownAll, type TrackOptions } from './options.js';
export type { Recorder, Attribution, CallOptions, TrackerStats } from './types.js';

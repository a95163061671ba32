/**
 * OpenAI wire formats: chat completions, responses and embeddings. Usage is passed on
 * RAW (the ledger's normalizer knows that `prompt_tokens` includes cached tokens, …).
 */
import type { CallOutcome, PendingCall } from './call.js';
import { isObj, str, type ApiAdapter, type StreamObserver } from './instrument.js';

type Body = Record<string, unknown>;

function bodyOutcome(b: Body): CallOutcome {
  const usage = isObj(b.usage) ? (b.usage as Body) : undefined;
  return {
    usage,
    model: str(b.model),
    responseId: str(b.id),
    serviceTier: str(b.service_tier),
    complete: usage !== undefined,
  };
}

/** Any delta field other than `role` with content counts as the first token. */
function hasOutput(delta: unknown): boolean {
  if (!isObj(delta)) return false;
  // for-in, not Object.keys: no array per chunk on the caller's path.
  for (const key in delta) {
    if (key === 'role') continue;
    const v = delta[key];
    if (v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0)) return true;
  }
  return false;
}

function anyOutput(choices: unknown[]): boolean {
  for (const c of choices) if (isObj(c) && hasOutput(c.delta)) return true;
  return false;
}

/** One chat stream's observer (a class: one object per stream, no per-stream closures). */
class ChatStreamObserver implements StreamObserver {
  readonly #o: CallOutcome = { complete: false };
  readonly #hideUsageChunk: boolean;

  constructor(hideUsageChunk: boolean) {
    this.#hideUsageChunk = hideUsageChunk;
  }

  onEvent(chunk: unknown, call: PendingCall): boolean {
    if (!isObj(chunk)) return false;
    const o = this.#o;
    o.responseId ??= str(chunk.id);
    o.model ??= str(chunk.model);
    o.serviceTier = str(chunk.service_tier) ?? o.serviceTier;
    const choices = chunk.choices;
    if (!call.sawFirstToken && Array.isArray(choices) && anyOutput(choices)) call.firstToken();
    if (isObj(chunk.usage)) {
      o.usage = chunk.usage as Body;
      o.complete = true;
      // The usage-only chunk exists because we asked for it: the caller never sees it.
      // (The `usage: null` the API then puts on other chunks is left alone: deleting
      // it would mutate the caller's objects and slow every later property read.)
      if (this.#hideUsageChunk && Array.isArray(choices) && choices.length === 0) return true;
    }
    return false;
  }

  /** Called once, when the stream finishes: the caller may complete it (request id). */
  outcome(): CallOutcome {
    return this.#o;
  }
}

export const openaiChat: ApiAdapter = {
  requestIdHeader: 'x-request-id',
  fromBody: bodyOutcome,
  observeStream: (hideUsageChunk) => new ChatStreamObserver(hideUsageChunk),
};

const RESPONSE_FINAL = new Set(['response.completed', 'response.incomplete', 'response.failed']);

export const openaiResponses: ApiAdapter = {
  requestIdHeader: 'x-request-id',
  fromBody: bodyOutcome,
  observeStream(): StreamObserver {
    const o: CallOutcome = { complete: false };
    return {
      onEvent(event, call) {
        if (!isObj(event)) return false;
        const type = str(event.type) ?? '';
        if (type.endsWith('.delta')) call.firstToken();
        const response = isObj(event.response) ? (event.response as Body) : undefined;
        if (response) {
          o.responseId ??= str(response.id);
          o.model = str(response.model) ?? o.model;
          o.serviceTier = str(response.service_tier) ?? o.serviceTier;
          if (RESPONSE_FINAL.has(type) && isObj(response.usage)) {
            o.usage = response.usage as Body;
            o.complete = true;
          }
        }
        return false;
      },
      outcome() {
        return { ...o };
      },
    };
  },
};

export const openaiEmbeddings: ApiAdapter = {
  requestIdHeader: 'x-request-id',
  fromBody: bodyOutcome,
  observeStream: () => openaiChat.observeStream(false),
};

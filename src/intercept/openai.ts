/**
 * `ratecard/openai`: wrap an OpenAI SDK client (or any client of the same shape, e.g.
 * pointed at an OpenAI-compatible server). Intercepts `chat.completions.create`,
 * `responses.create` and `embeddings.create`, streamed or not, and the helpers built on
 * them (`chat.completions.parse|stream|runTools`, `responses.parse|stream`: run against
 * the wrapper, so every `create` they make is the one recorded); all else passes through.
 * Duck-typed: nothing here imports `openai`.
 */
import { RatecardError } from '../errors/index.js';
import { isObj } from './instrument.js';
import { openaiChat, openaiEmbeddings, openaiResponses } from './openai-wire.js';
import { wrapContext, type TrackOptions } from './options.js';
import { wrapWithSpec, type Spec } from './proxy.js';

const OPENAI_SPEC: Spec = {
  chat: {
    completions: {
      create: { kind: 'call', api: 'chat.completions', adapter: openaiChat, addStreamUsage: true },
      parse: { kind: 'route', api: 'chat.completions' },
      stream: { kind: 'route', api: 'chat.completions' },
      runTools: { kind: 'route', api: 'chat.completions' },
      _client: { kind: 'root' },
    },
  },
  responses: {
    create: { kind: 'call', api: 'responses', adapter: openaiResponses },
    parse: { kind: 'route', api: 'responses' },
    stream: { kind: 'route', api: 'responses' },
    _client: { kind: 'root' },
  },
  embeddings: { create: { kind: 'call', api: 'embeddings', adapter: openaiEmbeddings } },
  withOptions: { kind: 'rewrap' },
};

/** True when `x` looks like an OpenAI client (`chat.completions.create`). */
export function isOpenAILike(x: unknown): boolean {
  return isObj(x) && isObj(x.chat) && isObj(x.chat.completions) && typeof x.chat.completions.create === 'function';
}

export function wrapOpenAI<T extends object>(client: T, options: TrackOptions): T {
  if (!isOpenAILike(client)) {
    throw new RatecardError('track_unsupported_client', 'wrapOpenAI expects an OpenAI client (an object with chat.completions.create)');
  }
  return wrapWithSpec(client, OPENAI_SPEC, wrapContext(options, 'openai'));
}

export { createTracker, Tracker, type TrackerOptions } from './queue.js';
export { withAttribution } from './context.js';
export { flushAll, shutdownAll, type TrackOptions } from './options.js';
export type { Recorder, Attribution, CallOptions, TrackerStats, BudgetGuard, BudgetCall, BudgetHold } from './types.js';

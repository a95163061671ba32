/**
 * `ratecard/anthropic`: wrap an Anthropic SDK client. Intercepts `messages.create`
 * (streamed or not) and `messages.stream` / `messages.parse` (run against the wrapper so
 * their internal `create` is the one recorded), and the same under `beta.messages`, where
 * message threads and `toolRunner()` are recorded turn by turn.
 * Duck-typed: nothing here imports `@anthropic-ai/sdk`.
 */
import { RatecardError } from '../errors/index.js';
import { anthropicMessages } from './anthropic-wire.js';
import type { PendingCall } from './call.js';
import { isObj } from './instrument.js';
import { wrapContext, type TrackOptions } from './options.js';
import { wrapWithSpec, type Spec } from './proxy.js';

/**
 * If a future `messages.stream` stops calling `this.create`, observe the MessageStream
 * through its events. Only `streamEvent` and `end` are listened to: an `error` listener
 * would swallow the SDK's unhandled-rejection signal.
 */
function observeMessageStream(result: unknown, call: PendingCall): void {
  if (!isObj(result) || typeof result.on !== 'function') {
    call.abandon('unrecognized_stream_helper');
    return;
  }
  const observer = anthropicMessages.observeStream(false);
  const on = result.on as (event: string, fn: (...a: unknown[]) => void) => unknown;
  on.call(result, 'streamEvent', (event: unknown) => observer.onEvent(event, call));
  on.call(result, 'end', () => call.succeed(observer.outcome(), 'stream_ended_without_usage'));
}

const MESSAGES: Spec = {
  create: { kind: 'call', api: 'messages', adapter: anthropicMessages },
  stream: { kind: 'route', api: 'messages', fallback: observeMessageStream },
  parse: { kind: 'route', api: 'messages' },
};

/**
 * Beta messages also run conversations through `BetaMessageThread` (`thread()`,
 * `toolRunner()`), which sends each turn with `this._client.beta.messages.create` and reads
 * the response itself (`_responseProps()`, which the tap answers from a clone). The helpers
 * run against the wrapper, whose `_client` is the wrapped client, so each turn is the
 * intercepted `create`; `_toolRunnerThread` is how a runner built on a client makes its thread.
 */
const THREAD_HELPER: Spec = { kind: 'route', api: 'messages' };
const BETA_MESSAGES: Spec = {
  ...MESSAGES,
  thread: THREAD_HELPER,
  toolRunner: THREAD_HELPER,
  _toolRunnerThread: THREAD_HELPER,
  _client: { kind: 'root' },
};

const ANTHROPIC_SPEC: Spec = {
  messages: MESSAGES,
  beta: { messages: BETA_MESSAGES },
  withOptions: { kind: 'rewrap' },
};

/** True when `x` looks like an Anthropic client (`messages.create`, no `chat`). */
export function isAnthropicLike(x: unknown): boolean {
  return isObj(x) && isObj(x.messages) && typeof x.messages.create === 'function' && !isObj(x.chat);
}

export function wrapAnthropic<T extends object>(client: T, options: TrackOptions): T {
  if (!isAnthropicLike(client)) {
    throw new RatecardError('track_unsupported_client', 'wrapAnthropic expects an Anthropic client (an object with messages.create)');
  }
  return wrapWithSpec(client, ANTHROPIC_SPEC, wrapContext(options, 'anthropic'));
}

export { createTracker, Tracker, type TrackerOptions } from './queue.js';
export { withAttribution } from './context.js';
export { flushAll, shutdownAll, type TrackOptions } from './options.js';
export type { Recorder, Attribution, CallOptions, TrackerStats, BudgetGuard, BudgetCall, BudgetHold } from './types.js';

/**
 * `ratecard/anthropic`: wrap an Anthropic SDK client. Intercepts `messages.create`
 * (streamed or not) and `messages.stream` / `messages.parse` (run against the wrapper so
 * their internal `create` is the one recorded), and the same under `beta.messages`.
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

const ANTHROPIC_SPEC: Spec = {
  messages: MESSAGES,
  beta: { messages: MESSAGES },
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

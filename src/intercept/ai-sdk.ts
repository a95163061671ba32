/**
 * `ratecard/ai-sdk`: Vercel AI SDK language-model middleware for `wrapLanguageModel`.
 * A plain object (nothing imported from `ai`) with `wrapGenerate` and `wrapStream`;
 * reads flat (v2) and nested (v3) usage. Per-call attribution rides in
 * `providerOptions.ratecard`, which providers ignore.
 */
import { KEEP_WHILE_AWAITED, PendingCall, firstString, headerOf, type CallOutcome } from './call.js';
import { aiSdkUsage } from './framework-usage.js';
import { isObj, str } from './instrument.js';
import { resolveTracker, type TrackOptions } from './options.js';
import type { CallOptions } from './types.js';
import { fixedAttribution } from './context.js';

interface ModelLike {
  provider?: string;
  modelId?: string;
}

interface MiddlewareArgs<R> {
  doGenerate: () => PromiseLike<R>;
  doStream: () => PromiseLike<unknown>;
  params: unknown;
  model: ModelLike;
}

export interface RatecardMiddleware {
  readonly specificationVersion: 'v3';
  wrapGenerate<R>(options: MiddlewareArgs<R>): Promise<R>;
  wrapStream<S>(options: { doGenerate: () => PromiseLike<unknown>; doStream: () => PromiseLike<S>; params: unknown; model: ModelLike }): Promise<S>;
}

/** `openai.chat` → `openai`: the AI SDK's provider ids carry the API after a dot. */
function providerOf(model: ModelLike, override: string | undefined): string {
  return override ?? (model.provider ?? 'unknown').split('.')[0] ?? 'unknown';
}

function perCallOf(params: unknown): CallOptions | undefined {
  const po = isObj(params) && isObj(params.providerOptions) ? params.providerOptions.ratecard : undefined;
  return isObj(po) ? (po as CallOptions) : undefined;
}

function requestIdOf(response: unknown): string | undefined {
  if (!isObj(response)) return undefined;
  return firstString(headerOf(response.headers, 'x-request-id'), headerOf(response.headers, 'request-id'));
}

/** Raw Anthropic usage (v2) comes from @ai-sdk/anthropic, whose provider id is `anthropic.*` already. */
function outcomeOf(usage: unknown, providerMetadata: unknown, response: unknown, model: ModelLike): CallOutcome {
  const recorded = aiSdkUsage(usage, providerMetadata);
  const r = isObj(response) ? response : {};
  return {
    usage: recorded,
    model: str(r.modelId) ?? model.modelId,
    requestId: requestIdOf(response),
    responseId: str(r.id),
    complete: recorded !== undefined,
  };
}

export function ratecardMiddleware(options: TrackOptions): RatecardMiddleware {
  const tracker = resolveTracker(options);
  const defaults = fixedAttribution(options.attributes);
  const begin = (model: ModelLike, params: unknown, stream: boolean): PendingCall | undefined => {
    try {
      return new PendingCall({
        tracker,
        provider: providerOf(model, options.provider),
        api: 'ai-sdk',
        model: model.modelId,
        stream,
        defaults,
        perCall: perCallOf(params),
      });
    } catch {
      tracker.internalError();
      return undefined;
    }
  };
  const guard = (fn: () => void): void => {
    try {
      fn();
    } catch {
      tracker.internalError();
    }
  };

  return {
    specificationVersion: 'v3',
    async wrapGenerate({ doGenerate, params, model }) {
      const call = begin(model, params, false);
      if (call) call.staleHandler = KEEP_WHILE_AWAITED;
      let result;
      try {
        result = await doGenerate();
      } catch (error) {
        guard(() => call?.fail(error));
        throw error;
      }
      guard(() => {
        if (!call || !isObj(result)) return;
        const outcome = outcomeOf(result.usage, result.providerMetadata, result.response, model);
        call.succeed(outcome);
      });
      return result;
    },

    async wrapStream({ doStream, params, model }) {
      const call = begin(model, params, true);
      if (call) call.staleHandler = KEEP_WHILE_AWAITED;
      let result;
      try {
        result = await doStream();
      } catch (error) {
        guard(() => call?.fail(error));
        throw error;
      }
      // From here the parts read are the call's progress.
      if (call) call.staleHandler = undefined;
      if (!call || !isObj(result) || !isReadable(result.stream)) return result;
      try {
        const requestId = isObj(result.response) ? requestIdOf(result.response) : undefined;
        return { ...result, stream: observe(result.stream, call, model, requestId, () => tracker.internalError()) } as typeof result;
      } catch {
        tracker.internalError();
        return result;
      }
    },
  };
}

function isReadable(x: unknown): x is ReadableStream<unknown> {
  return isObj(x) && typeof x.getReader === 'function';
}

/**
 * Re-expose the part stream through a pull-based ReadableStream so that cancel
 * (abandonment) is seen too: a TransformStream has no cancel hook on Node 20.
 */
function observe(source: ReadableStream<unknown>, call: PendingCall, model: ModelLike, requestId: string | undefined, onInternal: () => void): ReadableStream<unknown> {
  const reader = source.getReader();
  let usage: unknown;
  let providerMetadata: unknown;
  let meta: Record<string, unknown> = {};
  let finished = false;
  let errorPart: unknown;
  const end = (reason: string): void => {
    try {
      const outcome = outcomeOf(usage, providerMetadata, meta, model);
      outcome.complete = finished && outcome.usage !== undefined;
      if (requestId) outcome.requestId = requestId;
      if (errorPart !== undefined && !outcome.complete) call.succeed({ ...outcome, complete: false }, 'stream_error_part');
      else call.succeed(outcome, reason);
    } catch {
      onInternal();
    }
  };
  return new ReadableStream<unknown>({
    async pull(controller) {
      let r: Awaited<ReturnType<typeof reader.read>>;
      try {
        r = await reader.read();
      } catch (error) {
        end(`stream_error: ${isObj(error) ? (str(error.name) ?? 'Error') : typeof error}`);
        controller.error(error);
        return;
      }
      if (r.done) {
        end('stream_ended_without_usage');
        controller.close();
        return;
      }
      const part = r.value;
      call.progress++;
      try {
        if (isObj(part)) {
          if (part.type === 'text-delta' || part.type === 'reasoning-delta' || part.type === 'tool-input-delta') call.firstToken();
          else if (part.type === 'response-metadata') meta = { ...meta, ...part };
          else if (part.type === 'finish') {
            usage = part.usage;
            providerMetadata = part.providerMetadata;
            finished = true;
          } else if (part.type === 'error') errorPart = part.error;
        }
      } catch {
        onInternal();
      }
      controller.enqueue(part);
    },
    cancel(reason) {
      end('stream_abandoned');
      return reader.cancel(reason);
    },
  });
}

export { createTracker, Tracker, type TrackerOptions } from './queue.js';
export { withAttribution } from './context.js';
export { flushAll, shutdownAll, type TrackOptions } from './options.js';
export type { Recorder, Attribution, CallOptions, TrackerStats } from './types.js';

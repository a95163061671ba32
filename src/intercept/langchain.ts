/**
 * `ratecard/langchain`: a LangChain.js callback handler. Pass it in `callbacks: [...]`.
 * It is a plain object of handler methods (no import from @langchain/core; LangChain
 * wraps such objects itself), and it records each LLM run once: usage from the
 * message's `usage_metadata`, else `llmOutput.tokenUsage`; errors from handleLLMError.
 * Per-run attribution: `metadata: { ratecard: { customer: … } }` on the invocation.
 */
import { PendingCall, type CallOutcome } from './call.js';
import { langChainTokenUsage, langChainUsage } from './framework-usage.js';
import { isObj, str } from './instrument.js';
import { resolveTracker, type TrackOptions } from './options.js';
import type { CallOptions } from './types.js';
import { fixedAttribution } from './context.js';

export interface LangChainHandlerOptions extends TrackOptions {
  /** Open runs kept at most; older ones are recorded as incomplete. Default 10_000. */
  maxOpenRuns?: number;
}

type Obj = Record<string, unknown>;

/** The handler methods LangChain calls (a subset of BaseCallbackHandler). */
export interface RatecardCallbacks {
  awaitHandlers: boolean;
  handleChatModelStart(llm: unknown, messages: unknown, runId: string, parentRunId?: string, extraParams?: Obj, tags?: string[], metadata?: Obj): void;
  handleLLMStart(llm: unknown, prompts: unknown, runId: string, parentRunId?: string, extraParams?: Obj, tags?: string[], metadata?: Obj): void;
  handleLLMNewToken(token: string, idx: unknown, runId: string): void;
  handleLLMEnd(output: unknown, runId: string): void;
  handleLLMError(error: unknown, runId: string): void;
}

function modelOf(llm: unknown, extraParams: Obj | undefined, metadata: Obj | undefined): string | undefined {
  const inv = extraParams && isObj(extraParams.invocation_params) ? extraParams.invocation_params : {};
  const kwargs = isObj(llm) && isObj(llm.kwargs) ? llm.kwargs : {};
  return str(inv.model) ?? str(inv.model_name) ?? str(metadata?.ls_model_name) ?? str(kwargs.model) ?? str(kwargs.model_name);
}

/** The first generation carrying usage, its message and the run's llmOutput. */
function outcomeOf(output: unknown, runId: string): CallOutcome {
  const o = isObj(output) ? output : {};
  let message: Obj | undefined;
  let usage: Obj | undefined;
  const gens = Array.isArray(o.generations) ? o.generations.flat() : [];
  for (const g of gens) {
    const m = isObj(g) && isObj(g.message) ? g.message : undefined;
    message ??= m;
    const u = m ? langChainUsage(m.usage_metadata) : undefined;
    if (u) {
      message = m;
      usage = u;
      break;
    }
  }
  const llmOutput = isObj(o.llmOutput) ? o.llmOutput : {};
  usage ??= langChainTokenUsage(llmOutput.tokenUsage);
  const rm = message && isObj(message.response_metadata) ? message.response_metadata : {};
  return {
    usage,
    model: str(rm.model_name) ?? str(rm.model),
    requestId: str(rm.request_id),
    // LangChain names messages `run-<id>` when the provider gave none: the run id is still unique.
    responseId: str(message?.id) ?? str(rm.id) ?? `lc:${runId}`,
    complete: usage !== undefined,
  };
}

export function ratecardCallbacks(options: LangChainHandlerOptions): RatecardCallbacks {
  const tracker = resolveTracker(options);
  const defaults = fixedAttribution(options.attributes);
  const maxOpen = options.maxOpenRuns ?? 10_000;
  const runs = new Map<string, PendingCall>();
  const guard = (fn: () => void): void => {
    try {
      fn();
    } catch {
      tracker.internalError();
    }
  };
  const start = (llm: unknown, runId: string, extraParams?: Obj, metadata?: Obj): void =>
    guard(() => {
      if (runs.size >= maxOpen) {
        const [oldest, call] = runs.entries().next().value as [string, PendingCall];
        runs.delete(oldest);
        call.abandon('evicted');
      }
      const perCall = metadata && isObj(metadata.ratecard) ? (metadata.ratecard as CallOptions) : undefined;
      runs.set(
        runId,
        new PendingCall({
          tracker,
          provider: options.provider ?? str(metadata?.ls_provider) ?? 'unknown',
          api: 'langchain',
          model: modelOf(llm, extraParams, metadata),
          defaults,
          perCall,
        }),
      );
    });
  const take = (runId: string): PendingCall | undefined => {
    const call = runs.get(runId);
    runs.delete(runId);
    return call;
  };
  return {
    // Recording is a synchronous push: awaiting it inline keeps the attribution scope and order.
    awaitHandlers: true,
    handleChatModelStart: (llm, _messages, runId, _parent, extraParams, _tags, metadata) => start(llm, runId, extraParams, metadata),
    handleLLMStart: (llm, _prompts, runId, _parent, extraParams, _tags, metadata) => start(llm, runId, extraParams, metadata),
    handleLLMNewToken: (_token, _idx, runId) => guard(() => runs.get(runId)?.firstToken()),
    handleLLMEnd: (output, runId) => guard(() => take(runId)?.succeed(outcomeOf(output, runId))),
    handleLLMError: (error, runId) => guard(() => take(runId)?.fail(error)),
  };
}

export { createTracker, Tracker, type TrackerOptions } from './queue.js';
export { withAttribution } from './context.js';
export { flushAll, shutdownAll, type TrackOptions } from './options.js';
export type { Recorder, Attribution, CallOptions, TrackerStats } from './types.js';

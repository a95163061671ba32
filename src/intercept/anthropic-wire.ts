/**
 * Anthropic Messages wire format. Streamed usage arrives in `message_start` and then
 * CUMULATIVE `message_delta` usage; the merged object is passed on RAW.
 */
import type { CallOutcome } from './call.js';
import { isObj, str, type ApiAdapter, type StreamObserver } from './instrument.js';

type Body = Record<string, unknown>;

export const anthropicMessages: ApiAdapter = {
  requestIdHeader: 'request-id',
  fromBody(b: Body): CallOutcome {
    const usage = isObj(b.usage) ? (b.usage as Body) : undefined;
    return {
      usage,
      model: str(b.model),
      responseId: str(b.id),
      serviceTier: usage ? str(usage.service_tier) : undefined,
      complete: usage !== undefined,
    };
  },
  observeStream(): StreamObserver {
    const o: CallOutcome = { complete: false };
    let usage: Body | undefined;
    return {
      onEvent(event, call) {
        if (!isObj(event)) return false;
        switch (event.type) {
          case 'message_start': {
            const m = isObj(event.message) ? event.message : {};
            o.responseId = str(m.id);
            o.model = str(m.model);
            if (isObj(m.usage)) usage = { ...(m.usage as Body) };
            break;
          }
          case 'content_block_delta':
            if (!call.sawFirstToken) call.firstToken();
            break;
          case 'message_delta':
            if (isObj(event.usage)) {
              usage ??= {};
              // Cumulative counts: later values replace earlier ones; nulls carry no news.
              for (const [k, v] of Object.entries(event.usage)) if (v !== null && v !== undefined) usage[k] = v;
            }
            break;
          case 'message_stop':
            o.complete = usage !== undefined;
            break;
        }
        return false;
      },
      outcome(): CallOutcome {
        return { ...o, usage, serviceTier: usage ? str(usage.service_tier) : undefined };
      },
    };
  },
};

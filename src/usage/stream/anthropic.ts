/**
 * Anthropic Messages streaming: `message_start` carries the initial usage (input and
 * cache counts, output 1-ish); each `message_delta` carries CUMULATIVE usage, so a later
 * value REPLACES the earlier one (adding them is the classic double count). Fields a
 * delta leaves null keep their `message_start` value. Without a `message_delta` the
 * output count is unknown: reported missing.
 */
import { isRecord, type Rec } from '../reader.js';
import { normalizeAnthropicUsage } from '../anthropic.js';
import { tryPartial, usageOrThrow, type StreamUsageAccumulator, type StreamUsageResult } from './result.js';

export function createAnthropicStreamUsage(): StreamUsageAccumulator {
  let snapshot: Rec | undefined;
  let sawDelta = false;

  const merge = (usage: Rec) => {
    snapshot ??= {};
    for (const [k, v] of Object.entries(usage)) if (v !== undefined && v !== null) snapshot[k] = v;
  };

  const result = (): StreamUsageResult => {
    if (!snapshot) return { status: 'missing', reason: 'the Anthropic stream ended without usage (no message_start/message_delta usage)' };
    const current = snapshot;
    if (!sawDelta) {
      const partial = tryPartial(() => normalizeAnthropicUsage(current));
      return { status: 'missing', reason: 'the Anthropic stream ended before its final message_delta: output tokens unknown', ...(partial ? { partial } : {}) };
    }
    return { status: 'complete', usage: normalizeAnthropicUsage(current) };
  };

  return {
    push(event) {
      if (!isRecord(event)) return;
      if (event.type === 'message_start' && isRecord(event.message) && isRecord(event.message.usage)) merge(event.message.usage);
      else if (event.type === 'message_delta' && isRecord(event.usage)) {
        merge(event.usage);
        sawDelta = true;
      }
    },
    result,
    usage: () => usageOrThrow(result()),
  };
}

/**
 * OpenAI Chat Completions streaming: with `stream_options: { include_usage: true }` the
 * last chunk (empty `choices`) carries the usage; earlier chunks have `usage: null`.
 * Some compatible servers (vLLM continuous usage stats) send cumulative usage on every
 * chunk: the latest replaces the earlier ones.
 */
import { isRecord, type Rec } from '../reader.js';
import { normalizeUsage } from '../normalize.js';
import { usageOrThrow, type StreamUsageAccumulator, type StreamUsageResult } from './result.js';

export function createOpenAIChatStreamUsage(options: { provider?: string } = {}): StreamUsageAccumulator {
  let last: Rec | undefined;
  const result = (): StreamUsageResult =>
    last
      ? { status: 'complete', usage: normalizeUsage({ provider: options.provider ?? 'openai', usage: last }) }
      : { status: 'missing', reason: 'the chat completions stream ended without a usage chunk (request it with stream_options: { include_usage: true })' };
  return {
    push(chunk) {
      if (isRecord(chunk) && isRecord(chunk.usage)) last = chunk.usage;
    },
    result,
    usage: () => usageOrThrow(result()),
  };
}

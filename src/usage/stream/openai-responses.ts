/**
 * OpenAI Responses streaming: the usage arrives once, on the terminal event's
 * `response.usage`: `response.completed`, or `response.incomplete` / `response.failed`
 * (those calls are billed too).
 */
import { isRecord, type Rec } from '../reader.js';
import { normalizeUsage } from '../normalize.js';
import { usageOrThrow, type StreamUsageAccumulator, type StreamUsageResult } from './result.js';

const TERMINAL = new Set(['response.completed', 'response.incomplete', 'response.failed']);

export function createOpenAIResponsesStreamUsage(options: { provider?: string } = {}): StreamUsageAccumulator {
  let last: Rec | undefined;
  const result = (): StreamUsageResult =>
    last
      ? { status: 'complete', usage: normalizeUsage({ provider: options.provider ?? 'openai', usage: last, shape: 'openai-responses' }) }
      : { status: 'missing', reason: 'the responses stream ended without response.completed usage' };
  return {
    push(event) {
      if (!isRecord(event) || typeof event.type !== 'string' || !TERMINAL.has(event.type)) return;
      if (isRecord(event.response) && isRecord(event.response.usage)) last = event.response.usage;
    },
    result,
    usage: () => usageOrThrow(result()),
  };
}

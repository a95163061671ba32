/**
 * Gemini / Vertex streaming (`streamGenerateContent`): chunks carry running
 * `usageMetadata`; the last chunk's is the call's. A stream cut off before any candidate
 * reported a `finishReason` has only a running count: reported missing (with it as
 * `partial`), since pricing it would undercount the output.
 */
import { isRecord, type Rec } from '../reader.js';
import { normalizeGeminiUsage } from '../gemini.js';
import { tryPartial, usageOrThrow, type StreamUsageAccumulator, type StreamUsageResult } from './result.js';

export function createGeminiStreamUsage(): StreamUsageAccumulator {
  let last: Rec | undefined;
  let finished = false;
  const result = (): StreamUsageResult => {
    if (!last) return { status: 'missing', reason: 'the Gemini stream ended without usageMetadata' };
    const current = last;
    if (!finished) {
      const partial = tryPartial(() => normalizeGeminiUsage(current));
      return { status: 'missing', reason: 'the Gemini stream ended before a finishReason: the usage is a running count', ...(partial ? { partial } : {}) };
    }
    return { status: 'complete', usage: normalizeGeminiUsage(current) };
  };
  return {
    push(chunk) {
      if (!isRecord(chunk)) return;
      const meta = chunk.usageMetadata ?? chunk.usage_metadata;
      if (isRecord(meta)) last = meta;
      if (Array.isArray(chunk.candidates) && chunk.candidates.some((c) => isRecord(c) && (c.finishReason ?? c.finish_reason) != null)) finished = true;
    },
    result,
    usage: () => usageOrThrow(result()),
  };
}

/**
 * OpenAI Responses API `usage` (ResponseUsage in openai-node): `input_tokens` INCLUDES
 * `input_tokens_details.cached_tokens` and `.cache_write_tokens`; `output_tokens`
 * INCLUDES `output_tokens_details.reasoning_tokens`; `total_tokens` = input + output.
 */
import type { CanonicalUsage } from './canonical.js';
import { splitInclusive, type ReasoningPlacement } from './inclusive.js';
import { UsageReader, type Rec } from './reader.js';

export interface OpenAIResponsesUsageOptions {
  /** Default `auto` (decided by `total_tokens`). */
  reasoning?: ReasoningPlacement;
}

export function normalizeOpenAIResponsesUsage(usage: Rec, options: OpenAIResponsesUsageOptions = {}): CanonicalUsage {
  const r = new UsageReader('openai-responses');
  const id = r.object(usage, 'input_tokens_details');
  const od = r.object(usage, 'output_tokens_details');
  const u = splitInclusive(r, {
    prompt: r.required(usage, 'input_tokens'),
    completion: r.required(usage, 'output_tokens'),
    total: r.count(usage, 'total_tokens'),
    cacheRead: r.count(id, 'cached_tokens', 'input_tokens_details.cached_tokens'),
    cacheWrite: r.count(id, 'cache_write_tokens', 'input_tokens_details.cache_write_tokens'),
    inputAudio: r.count(id, 'audio_tokens', 'input_tokens_details.audio_tokens'),
    inputImage: r.count(id, 'image_tokens', 'input_tokens_details.image_tokens'),
    reasoning: r.count(od, 'reasoning_tokens', 'output_tokens_details.reasoning_tokens'),
    outputAudio: r.count(od, 'audio_tokens', 'output_tokens_details.audio_tokens'),
    outputImage: r.count(od, 'image_tokens', 'output_tokens_details.image_tokens'),
    reasoningPlacement: options.reasoning ?? 'auto',
  });
  r.finish();
  return u;
}

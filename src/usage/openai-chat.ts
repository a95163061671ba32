/**
 * OpenAI Chat Completions `usage` (CompletionUsage in openai-node), also sent by the
 * OpenAI-compatible servers (Groq, Together, Fireworks, vLLM, OpenRouter, xAI, Azure).
 *
 * - `prompt_tokens` INCLUDES `prompt_tokens_details.cached_tokens`, `.cache_write_tokens`
 *   and `.audio_tokens` (xAI/OpenRouter also send `.image_tokens`);
 * - `completion_tokens` INCLUDES `completion_tokens_details.reasoning_tokens` and
 *   `.audio_tokens`; `accepted_prediction_tokens` / `rejected_prediction_tokens` are
 *   inside it too and billed as output, so they need no bucket of their own;
 * - xAI puts reasoning OUTSIDE `completion_tokens` (total = prompt + completion +
 *   reasoning): `auto` placement reads that from `total_tokens`.
 * Compatible servers often omit the details objects: everything is then uncached text.
 */
import type { CanonicalUsage } from './canonical.js';
import { splitInclusive, type ReasoningPlacement } from './inclusive.js';
import { UsageReader, type Rec } from './reader.js';

export interface OpenAIChatUsageOptions {
  /** Default `auto` (decided by `total_tokens`); `separate` for xAI when no total is sent. */
  reasoning?: ReasoningPlacement;
}

export function normalizeOpenAIChatUsage(usage: Rec, options: OpenAIChatUsageOptions = {}): CanonicalUsage {
  const r = new UsageReader('openai-chat');
  const u = readOpenAIChat(r, usage, options.reasoning ?? 'auto');
  r.finish();
  return u;
}

/** Shared with the Mistral and DeepSeek normalizers, which extend the same object. */
export function readOpenAIChat(r: UsageReader, usage: Rec, reasoning: ReasoningPlacement, cacheRead?: { path: string; value: number }): CanonicalUsage {
  const prompt = r.required(usage, 'prompt_tokens');
  const completion = r.required(usage, 'completion_tokens');
  const total = r.count(usage, 'total_tokens');
  const pd = r.object(usage, 'prompt_tokens_details');
  const cd = r.object(usage, 'completion_tokens_details');
  const cached = cacheRead ?? r.count(pd, 'cached_tokens', 'prompt_tokens_details.cached_tokens');
  const spec = {
    prompt,
    completion,
    total,
    cacheRead: cached,
    cacheWrite: r.count(pd, 'cache_write_tokens', 'prompt_tokens_details.cache_write_tokens'),
    inputAudio: r.count(pd, 'audio_tokens', 'prompt_tokens_details.audio_tokens'),
    inputImage: r.count(pd, 'image_tokens', 'prompt_tokens_details.image_tokens'),
    reasoning: r.count(cd, 'reasoning_tokens', 'completion_tokens_details.reasoning_tokens'),
    outputAudio: r.count(cd, 'audio_tokens', 'completion_tokens_details.audio_tokens'),
    outputImage: r.count(cd, 'image_tokens', 'completion_tokens_details.image_tokens'),
    reasoningPlacement: reasoning,
  };
  // Predicted-output counts are subsets of the completion: check them, bill them as output.
  const accepted = r.count(cd, 'accepted_prediction_tokens', 'completion_tokens_details.accepted_prediction_tokens');
  if (accepted) r.leftover(completion, [accepted]);
  const rejected = r.count(cd, 'rejected_prediction_tokens', 'completion_tokens_details.rejected_prediction_tokens');
  if (rejected) r.leftover(completion, [rejected]);
  return splitInclusive(r, spec);
}

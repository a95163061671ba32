/**
 * Which usage shape an object is, from its field names alone. Order matters: the
 * distinctive fields are tested first, the generic ones (`prompt_tokens`, `input_tokens`)
 * last. Returns undefined for an object no normalizer understands.
 */
import { USAGE_KINDS } from './canonical.js';
import { isRecord, type Rec } from './reader.js';
import type { UsageShape } from './shape.js';

const CANONICAL_KEYS = new Set<string>([...USAGE_KINDS, 'cache_write']);
/** Present: neither undefined nor null. Fixed-arity tests below (no rest arrays): this runs on every quote. */
const p = (v: unknown): boolean => v !== undefined && v !== null;
const has = (u: Rec, ...keys: string[]) => keys.some((k) => p(u[k]));

export function detectUsageShape(usage: unknown, preferred?: UsageShape): UsageShape | undefined {
  if (!isRecord(usage)) return undefined;
  // Own keys with a value: none → undefined; all canonical bucket names → canonical.
  const own = Object.keys(usage);
  let present = 0;
  let allCanonical = true;
  for (let i = 0; i < own.length; i++) {
    const k = own[i]!;
    if (!p(usage[k])) continue;
    present++;
    if (allCanonical && !CANONICAL_KEYS.has(k)) allCanonical = false;
  }
  if (present === 0) return undefined;
  if (allCanonical) return 'canonical';
  const u = usage;

  if (
    p(u.promptTokenCount) || p(u.candidatesTokenCount) || p(u.totalTokenCount) || p(u.cachedContentTokenCount) || p(u.thoughtsTokenCount) ||
    p(u.toolUsePromptTokenCount) || p(u.prompt_token_count) || p(u.candidates_token_count) || p(u.total_token_count)
  ) {
    return 'gemini';
  }
  if (p(u.inputTokens) || p(u.outputTokens)) {
    if (isRecord(u.inputTokens) || isRecord(u.outputTokens)) return 'ai-sdk-v3';
    if (p(u.cacheReadInputTokens) || p(u.cacheWriteInputTokens) || p(u.cacheDetails)) return 'bedrock-converse';
    if (p(u.cachedInputTokens) || p(u.reasoningTokens) || p(u.inputTokenDetails) || p(u.outputTokenDetails)) return 'ai-sdk-v2';
    return preferred === 'bedrock-converse' ? 'bedrock-converse' : 'ai-sdk-v2';
  }
  if (p(u.prompt_cache_hit_tokens) || p(u.prompt_cache_miss_tokens)) return 'deepseek';
  if (p(u.num_cached_tokens) || p(u.prompt_token_details)) return 'mistral';
  if (p(u.prompt_tokens) || p(u.completion_tokens)) {
    return preferred === 'mistral' || preferred === 'deepseek' ? preferred : 'openai-chat';
  }
  if (p(u.input_tokens) || p(u.output_tokens)) {
    const details = isRecord(u.output_tokens_details) ? u.output_tokens_details : undefined;
    if (
      p(u.cache_creation_input_tokens) || p(u.cache_read_input_tokens) || p(u.cache_creation) || p(u.server_tool_use) || p(u.inference_geo) ||
      (details && p(details.thinking_tokens))
    ) {
      return 'anthropic';
    }
    if (p(u.input_tokens_details) || p(u.output_tokens_details)) return 'openai-responses';
    const inDetails = isRecord(u.input_token_details) ? u.input_token_details : undefined;
    const outDetails = isRecord(u.output_token_details) ? u.output_token_details : undefined;
    if (
      (inDetails && has(inDetails, 'cached_tokens', 'text_tokens', 'audio_tokens', 'cached_tokens_details')) ||
      (outDetails && has(outDetails, 'text_tokens', 'audio_tokens'))
    ) {
      return 'openai-realtime';
    }
    if (inDetails || outDetails) return 'langchain';
    // Anthropic never sends a total; the OpenAI-style shapes always do.
    if (!p(u.total_tokens)) return 'anthropic';
    return preferred === 'langchain' ? 'langchain' : 'openai-responses';
  }
  return undefined;
}

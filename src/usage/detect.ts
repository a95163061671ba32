/**
 * Which usage shape an object is, from its field names alone. Order matters: the
 * distinctive fields are tested first, the generic ones (`prompt_tokens`, `input_tokens`)
 * last. Returns undefined for an object no normalizer understands.
 */
import { USAGE_KINDS } from './canonical.js';
import { isRecord, type Rec } from './reader.js';
import type { UsageShape } from './shape.js';

const CANONICAL_KEYS = new Set<string>([...USAGE_KINDS, 'cache_write']);
const has = (u: Rec, ...keys: string[]) => keys.some((k) => u[k] !== undefined && u[k] !== null);

export function detectUsageShape(usage: unknown, preferred?: UsageShape): UsageShape | undefined {
  if (!isRecord(usage)) return undefined;
  const keys = Object.keys(usage).filter((k) => usage[k] !== undefined && usage[k] !== null);
  if (keys.length === 0) return undefined;
  if (keys.every((k) => CANONICAL_KEYS.has(k))) return 'canonical';

  if (has(usage, 'promptTokenCount', 'candidatesTokenCount', 'totalTokenCount', 'cachedContentTokenCount', 'thoughtsTokenCount', 'toolUsePromptTokenCount', 'prompt_token_count', 'candidates_token_count', 'total_token_count')) {
    return 'gemini';
  }
  if (has(usage, 'inputTokens', 'outputTokens')) {
    if (isRecord(usage.inputTokens) || isRecord(usage.outputTokens)) return 'ai-sdk-v3';
    if (has(usage, 'cacheReadInputTokens', 'cacheWriteInputTokens', 'cacheDetails')) return 'bedrock-converse';
    if (has(usage, 'cachedInputTokens', 'reasoningTokens', 'inputTokenDetails', 'outputTokenDetails')) return 'ai-sdk-v2';
    return preferred === 'bedrock-converse' ? 'bedrock-converse' : 'ai-sdk-v2';
  }
  if (has(usage, 'prompt_cache_hit_tokens', 'prompt_cache_miss_tokens')) return 'deepseek';
  if (has(usage, 'num_cached_tokens', 'prompt_token_details')) return 'mistral';
  if (has(usage, 'prompt_tokens', 'completion_tokens')) {
    return preferred === 'mistral' || preferred === 'deepseek' ? preferred : 'openai-chat';
  }
  if (has(usage, 'input_tokens', 'output_tokens')) {
    const details = isRecord(usage.output_tokens_details) ? usage.output_tokens_details : undefined;
    if (
      has(usage, 'cache_creation_input_tokens', 'cache_read_input_tokens', 'cache_creation', 'server_tool_use', 'inference_geo') ||
      (details && has(details, 'thinking_tokens'))
    ) {
      return 'anthropic';
    }
    if (has(usage, 'input_tokens_details', 'output_tokens_details')) return 'openai-responses';
    const inDetails = isRecord(usage.input_token_details) ? usage.input_token_details : undefined;
    const outDetails = isRecord(usage.output_token_details) ? usage.output_token_details : undefined;
    if (
      (inDetails && has(inDetails, 'cached_tokens', 'text_tokens', 'audio_tokens', 'cached_tokens_details')) ||
      (outDetails && has(outDetails, 'text_tokens', 'audio_tokens'))
    ) {
      return 'openai-realtime';
    }
    if (inDetails || outDetails) return 'langchain';
    // Anthropic never sends a total; the OpenAI-style shapes always do.
    if (!has(usage, 'total_tokens')) return 'anthropic';
    return preferred === 'langchain' ? 'langchain' : 'openai-responses';
  }
  return undefined;
}

/**
 * One entry point from any provider's usage object to canonical exclusive buckets.
 * The shape is detected from the fields (or given); the provider id only settles what
 * the fields cannot say (see providers.ts). Whole responses are accepted too: a
 * `usage` / `usageMetadata` / `usage_metadata` member is unwrapped.
 */
import { RatecardError } from '../errors/index.js';
import { suggest } from '../util/suggest.js';
import type { CanonicalUsage } from './canonical.js';
import { parseCanonicalUsage } from './parse-canonical.js';
import { detectUsageShape } from './detect.js';
import { normalizeAiSdkV2Usage, normalizeAiSdkV3Usage } from './ai-sdk.js';
import { normalizeAnthropicUsage } from './anthropic.js';
import { normalizeBedrockConverseUsage } from './bedrock-converse.js';
import { normalizeDeepSeekUsage } from './deepseek.js';
import { normalizeGeminiUsage } from './gemini.js';
import { normalizeLangChainUsage } from './langchain.js';
import { normalizeMistralUsage } from './mistral.js';
import { normalizeOpenAIChatUsage } from './openai-chat.js';
import { normalizeOpenAIRealtimeUsage } from './openai-realtime.js';
import { normalizeOpenAIResponsesUsage } from './openai-responses.js';
import { providerConventions, type ProviderConventions } from './providers.js';
import { describeKeys, isRecord, usageMissing, type Rec } from './reader.js';
import { USAGE_SHAPES, isUsageShape, type UsageShape } from './shape.js';

export interface NormalizeUsageRequest {
  /** Provider id (openai, anthropic, google/gemini, vertex, bedrock/aws, azure, mistral, deepseek, xai, groq, …). */
  provider?: string;
  /** The provider's usage object (or the whole response holding it). */
  usage: unknown;
  /** Skip detection: read the object as this shape. */
  shape?: UsageShape;
}

const WRAPPERS = ['usage', 'usageMetadata', 'usage_metadata'] as const;

export function normalizeUsage(request: NormalizeUsageRequest): CanonicalUsage {
  const conv = providerConventions(request.provider);
  if (request.shape !== undefined && !isUsageShape(request.shape)) {
    const hint = suggest(String(request.shape), USAGE_SHAPES);
    throw new RatecardError(
      'usage_shape_unknown',
      `unknown usage shape \`${String(request.shape)}\`${hint.length ? ` (did you mean \`${hint[0]}\`?)` : ''}; known: ${USAGE_SHAPES.join(', ')}`,
      { details: { suggestions: hint } },
    );
  }
  return normalizeAs(request.usage, request.shape, conv, 0);
}

function normalizeAs(usage: unknown, shape: UsageShape | undefined, conv: ProviderConventions | undefined, depth: number): CanonicalUsage {
  if (usage === undefined || usage === null) throw usageMissing('no usage was reported for this call');
  if (!isRecord(usage)) {
    throw new RatecardError('usage_unrecognized', `usage must be an object, got ${Array.isArray(usage) ? 'an array' : typeof usage}`, {
      details: { keys: [] },
    });
  }
  const detected = shape ?? detectUsageShape(usage, conv?.preferredShape);
  if (detected === undefined) {
    const wrapper = depth === 0 ? WRAPPERS.find((k) => k in usage) : undefined;
    if (wrapper) return normalizeAs(usage[wrapper], undefined, conv, depth + 1);
    if (Object.values(usage).every((v) => v === undefined || v === null)) throw usageMissing('the usage object is empty');
    throw new RatecardError(
      'usage_unrecognized',
      `usage object matches no known provider shape (its keys: ${describeKeys(usage)}); known shapes: ${USAGE_SHAPES.join(', ')} — pass \`shape\` or canonical buckets`,
      { details: { keys: Object.keys(usage), provider: conv?.id } },
    );
  }
  return normalizeShape(detected, usage, conv);
}

/** Read `usage` as `shape`, with the provider's conventions. */
export function normalizeShape(shape: UsageShape, usage: Rec, conv?: ProviderConventions): CanonicalUsage {
  // A sent total decides reasoning placement; a provider default applies only without one.
  const hasTotal = usage.total_tokens !== undefined && usage.total_tokens !== null;
  const reasoning = hasTotal ? 'auto' : (conv?.reasoning ?? 'auto');
  switch (shape) {
    case 'canonical':
      return parseCanonicalUsage(usage);
    case 'openai-chat':
      return normalizeOpenAIChatUsage(usage, { reasoning });
    case 'openai-responses':
      return normalizeOpenAIResponsesUsage(usage, { reasoning });
    case 'openai-realtime':
      return normalizeOpenAIRealtimeUsage(usage);
    case 'anthropic':
      return normalizeAnthropicUsage(usage);
    case 'gemini':
      return normalizeGeminiUsage(usage);
    case 'bedrock-converse':
      return normalizeBedrockConverseUsage(usage);
    case 'mistral':
      return normalizeMistralUsage(usage);
    case 'deepseek':
      return normalizeDeepSeekUsage(usage);
    case 'ai-sdk-v2':
      return normalizeAiSdkV2Usage(usage, { inputIncludesCache: conv?.aiSdkInputIncludesCache ?? true });
    case 'ai-sdk-v3':
      return normalizeAiSdkV3Usage(usage);
    case 'langchain':
      return normalizeLangChainUsage(usage);
  }
}

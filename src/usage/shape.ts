/** The provider usage shapes ratecard understands (one normalizer file per shape). */
export const USAGE_SHAPES = [
  'canonical', // ratecard's own exclusive buckets (usage/canonical.ts)
  'openai-chat', // Chat Completions `usage` (also Groq, Together, vLLM, xAI, Fireworks, OpenRouter…)
  'openai-responses', // Responses API `usage`
  'openai-realtime', // Realtime API `response.usage`
  'anthropic', // Messages API `usage` (also Claude on Bedrock InvokeModel and Vertex)
  'gemini', // Gemini / Vertex `usageMetadata`
  'bedrock-converse', // Bedrock Converse / ConverseStream `usage`
  'mistral', // Mistral chat `usage` (num_cached_tokens)
  'deepseek', // DeepSeek chat `usage` (prompt_cache_hit_tokens)
  'ai-sdk-v2', // Vercel AI SDK LanguageModelV2Usage (flat)
  'ai-sdk-v3', // Vercel AI SDK LanguageModelV3Usage (nested)
  'langchain', // LangChain `usage_metadata`
] as const;
export type UsageShape = (typeof USAGE_SHAPES)[number];

export function isUsageShape(value: unknown): value is UsageShape {
  return typeof value === 'string' && (USAGE_SHAPES as readonly string[]).includes(value);
}

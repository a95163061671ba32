/**
 * Provider ids and the usage conventions they imply. The shape itself is read from the
 * object's fields (Claude on Bedrock or Vertex sends the Anthropic shape, Gemini's
 * OpenAI-compatible endpoint the chat shape); the provider only settles what the fields
 * cannot say: where xAI puts reasoning, whether AI SDK v2 input includes Anthropic's cache.
 */
import type { ReasoningPlacement } from './inclusive.js';
import type { UsageShape } from './shape.js';

export interface ProviderConventions {
  /** Canonical provider id. */
  id: string;
  /** The shape to assume when the fields fit more than one. */
  preferredShape?: UsageShape;
  /** Chat/Responses reasoning placement when no total tells it. */
  reasoning?: ReasoningPlacement;
  /** AI SDK v2: whether `inputTokens` includes `cachedInputTokens`. */
  aiSdkInputIncludesCache?: boolean;
}

const PROVIDERS: Record<string, ProviderConventions> = {
  openai: { id: 'openai', preferredShape: 'openai-chat' },
  azure: { id: 'azure', preferredShape: 'openai-chat' },
  anthropic: { id: 'anthropic', preferredShape: 'anthropic', aiSdkInputIncludesCache: false },
  google: { id: 'google', preferredShape: 'gemini' },
  vertex: { id: 'vertex', preferredShape: 'gemini' },
  bedrock: { id: 'bedrock', preferredShape: 'bedrock-converse' },
  mistral: { id: 'mistral', preferredShape: 'mistral' },
  deepseek: { id: 'deepseek', preferredShape: 'deepseek' },
  xai: { id: 'xai', preferredShape: 'openai-chat', reasoning: 'separate' },
  groq: { id: 'groq', preferredShape: 'openai-chat' },
  together: { id: 'together', preferredShape: 'openai-chat' },
  fireworks: { id: 'fireworks', preferredShape: 'openai-chat' },
  vllm: { id: 'vllm', preferredShape: 'openai-chat' },
  openrouter: { id: 'openrouter', preferredShape: 'openai-chat' },
  cerebras: { id: 'cerebras', preferredShape: 'openai-chat' },
  ollama: { id: 'ollama', preferredShape: 'openai-chat' },
};

const ALIASES: Record<string, string> = {
  gemini: 'google',
  'google-ai': 'google',
  'google-vertex': 'vertex',
  vertexai: 'vertex',
  'vertex-ai': 'vertex',
  aws: 'bedrock',
  'aws-bedrock': 'bedrock',
  'amazon-bedrock': 'bedrock',
  'azure-openai': 'azure',
  grok: 'xai',
  'x-ai': 'xai',
  mistralai: 'mistral',
  'together-ai': 'together',
  togetherai: 'together',
};

/** Canonical ids (none is also an alias key) → conventions. */
const EXACT = new Map<string, ProviderConventions>(Object.entries(PROVIDERS).filter(([id]) => !Object.hasOwn(ALIASES, id)));

export const KNOWN_PROVIDERS: readonly string[] = Object.keys(PROVIDERS);

/** Conventions of a provider id (case-insensitive, aliases accepted); unknown ids get none. */
export function providerConventions(provider: string | undefined): ProviderConventions | undefined {
  if (!provider) return undefined;
  // Fast path: an id already in canonical spelling (trim/lower-case would not change it).
  const direct = EXACT.get(provider);
  if (direct !== undefined) return direct;
  const key = provider.trim().toLowerCase();
  return PROVIDERS[ALIASES[key] ?? key];
}

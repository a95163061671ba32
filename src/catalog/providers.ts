/**
 * Canonical provider ids and the other spellings people and tools use for them. The
 * first-party order decides which provider an unqualified model name means when several
 * list it (`gpt-4o` is OpenAI's before Azure's).
 */
export const PROVIDERS = {
  openai: { name: 'OpenAI', synonyms: ['open_ai', 'open-ai'] },
  anthropic: { name: 'Anthropic', synonyms: ['claude'] },
  google: { name: 'Google Gemini API', synonyms: ['gemini', 'google-ai', 'google_ai_studio', 'google-gla', 'gla'] },
  vertex: { name: 'Google Vertex AI', synonyms: ['vertex_ai', 'vertexai', 'vertex-ai', 'google-vertex', 'google_vertex', 'google-vertex-anthropic'] },
  bedrock: { name: 'Amazon Bedrock', synonyms: ['aws', 'amazon', 'amazon-bedrock', 'aws-bedrock', 'bedrock_converse'] },
  azure: { name: 'Azure OpenAI', synonyms: ['azure_openai', 'azure-openai', 'microsoft'] },
  mistral: { name: 'Mistral AI', synonyms: ['mistralai', 'mistral-ai', 'mistral_ai'] },
  deepseek: { name: 'DeepSeek', synonyms: ['deep-seek', 'deepseek-ai'] },
  xai: { name: 'xAI', synonyms: ['x-ai', 'x_ai', 'grok'] },
  groq: { name: 'Groq', synonyms: [] },
  together: { name: 'Together AI', synonyms: ['together_ai', 'togetherai', 'together-ai'] },
  fireworks: { name: 'Fireworks AI', synonyms: ['fireworks_ai', 'fireworks-ai'] },
  cohere: { name: 'Cohere', synonyms: ['cohere_chat'] },
  perplexity: { name: 'Perplexity', synonyms: [] },
  cerebras: { name: 'Cerebras', synonyms: [] },
  moonshot: { name: 'Moonshot AI', synonyms: ['moonshotai', 'kimi'] },
} as const satisfies Record<string, { name: string; synonyms: readonly string[] }>;

export type ProviderId = keyof typeof PROVIDERS;

/** First-party providers first: an unqualified name prefers the model's maker. */
export const PROVIDER_PREFERENCE: readonly ProviderId[] = [
  'openai', 'anthropic', 'google', 'mistral', 'deepseek', 'xai', 'cohere', 'moonshot', 'perplexity',
  'groq', 'together', 'fireworks', 'cerebras', 'vertex', 'bedrock', 'azure',
];

const BY_NAME = new Map<string, ProviderId>();
for (const [id, p] of Object.entries(PROVIDERS) as [ProviderId, (typeof PROVIDERS)[ProviderId]][]) {
  BY_NAME.set(id, id);
  for (const s of p.synonyms) BY_NAME.set(s, id);
}

/** Canonical provider id for a spelling (case-insensitive), or undefined. */
export function canonicalProvider(name: string): ProviderId | undefined {
  return BY_NAME.get(name.trim().toLowerCase());
}

export function providerSpellings(): string[] {
  return [...BY_NAME.keys()];
}

/** LiteLLM's `litellm_provider` → catalog provider (only the providers the catalog ships). */
export function providerFromLitellm(litellmProvider: string): ProviderId | undefined {
  if (litellmProvider.startsWith('vertex_ai')) return 'vertex';
  if (litellmProvider === 'text-completion-openai') return 'openai';
  return canonicalProvider(litellmProvider);
}

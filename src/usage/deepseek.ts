/**
 * DeepSeek chat `usage`: the OpenAI chat shape plus `prompt_cache_hit_tokens` and
 * `prompt_cache_miss_tokens`, which partition `prompt_tokens` (hit + miss = prompt).
 * `prompt_tokens_details.cached_tokens`, when sent, repeats the hits. Reasoning
 * (deepseek-reasoner) is inside `completion_tokens`.
 */
import type { CanonicalUsage } from './canonical.js';
import { readOpenAIChat } from './openai-chat.js';
import { UsageReader, type Rec } from './reader.js';

export function normalizeDeepSeekUsage(usage: Rec): CanonicalUsage {
  const r = new UsageReader('deepseek');
  const hit = r.count(usage, 'prompt_cache_hit_tokens');
  const miss = r.count(usage, 'prompt_cache_miss_tokens');
  const prompt = r.count(usage, 'prompt_tokens');
  if (prompt && hit && miss) r.checkTotal(prompt, [hit, miss]);
  const cached = r.count(r.object(usage, 'prompt_tokens_details'), 'cached_tokens', 'prompt_tokens_details.cached_tokens');
  if (hit && cached && hit.value !== cached.value) {
    r.inconsistent(`\`${hit.path}\` (${hit.value}) ≠ \`${cached.path}\` (${cached.value})`, [hit.path, cached.path]);
  }
  // Only misses given: the hits are what is left of the prompt.
  const hits = hit ?? (prompt && miss ? { path: `prompt_tokens − ${miss.path}`, value: Math.max(0, prompt.value - miss.value) } : cached);
  if (!hit && prompt && miss) r.leftover(prompt, [miss]);
  const u = readOpenAIChat(r, usage, 'included', hits);
  r.finish();
  return u;
}

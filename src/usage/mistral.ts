/**
 * Mistral chat `usage`: the OpenAI chat shape, with cache hits reported as
 * `num_cached_tokens`, `prompt_tokens_details.cached_tokens` or (older payloads)
 * `prompt_token_details.cached_tokens`, all INSIDE `prompt_tokens`. When several are
 * sent, the non-zero ones must agree.
 */
import type { CanonicalUsage } from './canonical.js';
import { readOpenAIChat } from './openai-chat.js';
import { UsageReader, type Field, type Rec } from './reader.js';

export function normalizeMistralUsage(usage: Rec): CanonicalUsage {
  const r = new UsageReader('mistral');
  const candidates = [
    r.count(usage, 'num_cached_tokens'),
    r.count(r.object(usage, 'prompt_tokens_details'), 'cached_tokens', 'prompt_tokens_details.cached_tokens'),
    r.count(r.object(usage, 'prompt_token_details'), 'cached_tokens', 'prompt_token_details.cached_tokens'),
  ].filter((f): f is Field => f !== undefined);
  const nonZero = candidates.filter((f) => f.value > 0);
  const first = nonZero[0];
  for (const f of nonZero.slice(1)) {
    if (f.value !== first!.value) r.inconsistent(`\`${first!.path}\` (${first!.value}) ≠ \`${f.path}\` (${f.value})`, [first!.path, f.path]);
  }
  const u = readOpenAIChat(r, usage, 'included', first ?? candidates[0]);
  r.finish();
  return u;
}

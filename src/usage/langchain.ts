/**
 * LangChain `usage_metadata` (UsageMetadata in @langchain/core): `input_tokens` is the sum
 * of every input kind, including `input_token_details.cache_read` and `.cache_creation`
 * (the Anthropic integration adds them in); `output_tokens` includes
 * `output_token_details.reasoning`; `total_tokens` = input + output. Modality counts
 * (`audio`, `image`) are subsets with their own buckets; `text`, `video`, `document` stay
 * input. Cache writes split by TTL arrive as `ephemeral_5m_input_tokens` /
 * `ephemeral_1h_input_tokens` (LangSmith: `ephemeral_1hr_input_tokens`).
 */
import type { CanonicalUsage } from './canonical.js';
import { splitInclusive } from './inclusive.js';
import { UsageReader, sumFields, val, type Rec } from './reader.js';

export function normalizeLangChainUsage(usage: Rec): CanonicalUsage {
  const r = new UsageReader('langchain');
  const id = r.object(usage, 'input_token_details');
  const od = r.object(usage, 'output_token_details');
  const p = (k: string) => `input_token_details.${k}`;
  const creation = r.count(id, 'cache_creation', p('cache_creation'));
  const w5 = r.count(id, 'ephemeral_5m_input_tokens', p('ephemeral_5m_input_tokens'));
  const w1 = r.count(id, 'ephemeral_1h_input_tokens', p('ephemeral_1h_input_tokens'), 'ephemeral_1hr_input_tokens');
  const split = sumFields('ephemeral writes', [w5, w1]);
  const writes = creation ?? split;
  if (creation && split && creation.value !== split.value) r.checkTotal(creation, [w5, w1]);
  const u = splitInclusive(r, {
    prompt: r.required(usage, 'input_tokens'),
    completion: r.required(usage, 'output_tokens'),
    total: r.count(usage, 'total_tokens'),
    cacheRead: r.count(id, 'cache_read', p('cache_read')),
    cacheWrite: writes,
    inputAudio: r.count(id, 'audio', p('audio')),
    inputImage: r.count(id, 'image', p('image')),
    reasoning: r.count(od, 'reasoning', 'output_token_details.reasoning'),
    outputAudio: r.count(od, 'audio', 'output_token_details.audio'),
    outputImage: r.count(od, 'image', 'output_token_details.image'),
    reasoningPlacement: 'included',
  });
  if (split && (!creation || creation.value === split.value)) {
    u.cache_write_5m = val(w5);
    u.cache_write_1h = val(w1);
  }
  r.finish();
  return u;
}

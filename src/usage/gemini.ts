/**
 * Gemini / Vertex AI `usageMetadata` (camelCase as sent over REST and by @google/genai;
 * snake_case from the Python SDKs is accepted too).
 *
 * - `promptTokenCount` INCLUDES `cachedContentTokenCount`;
 * - `toolUsePromptTokenCount` (results of server-side tools fed back) is NOT in it: more input;
 * - `thoughtsTokenCount` is NOT inside `candidatesTokenCount`: reasoning, billed as output;
 * - `totalTokenCount` = prompt + toolUsePrompt + candidates + thoughts;
 * - `promptTokensDetails` / `cacheTokensDetails` / `candidatesTokensDetails` break the
 *   counts down by modality (TEXT, IMAGE, AUDIO, VIDEO, DOCUMENT): AUDIO and IMAGE get
 *   their own buckets, and cached AUDIO too (`cache_read_audio`: Google prices cached audio
 *   apart, e.g. $0.175 vs $0.025 per 1M on gemini-2.0-flash); cached images stay in
 *   `cache_read` (priced as text); VIDEO and DOCUMENT are billed as input.
 * Early preview models counted thoughts inside candidates; a total that only adds up
 * that way is read that way instead of being rejected.
 */
import type { CanonicalUsage } from './canonical.js';
import { emptyUsage } from './canonical.js';
import { UsageReader, isRecord, val, type Field, type Rec } from './reader.js';

type Modality = 'AUDIO' | 'IMAGE';

function modalityCounts(r: UsageReader, list: unknown[] | undefined, path: string): Partial<Record<Modality, Field>> {
  const out: Partial<Record<Modality, Field>> = {};
  if (!list) return out;
  list.forEach((entry, i) => {
    if (!isRecord(entry)) return r.invalid(`\`${path}[${i}]\` must be an object`, `${path}[${i}]`);
    const modality = entry.modality;
    if (modality !== 'AUDIO' && modality !== 'IMAGE') return;
    const f = r.count(entry, 'tokenCount', `${path}[${i}].tokenCount`, 'token_count');
    if (!f) return;
    const prev = out[modality];
    out[modality] = { path: `${path}[${modality}]`, value: (prev?.value ?? 0) + f.value };
  });
  return out;
}

export function normalizeGeminiUsage(usage: Rec): CanonicalUsage {
  const r = new UsageReader('gemini');
  const prompt = r.count(usage, 'promptTokenCount', 'promptTokenCount', 'prompt_token_count') ?? { path: 'promptTokenCount', value: 0 };
  const candidates = r.count(usage, 'candidatesTokenCount', 'candidatesTokenCount', 'candidates_token_count');
  const cached = r.count(usage, 'cachedContentTokenCount', 'cachedContentTokenCount', 'cached_content_token_count');
  const tool = r.count(usage, 'toolUsePromptTokenCount', 'toolUsePromptTokenCount', 'tool_use_prompt_token_count');
  const thoughts = r.count(usage, 'thoughtsTokenCount', 'thoughtsTokenCount', 'thoughts_token_count');
  const total = r.count(usage, 'totalTokenCount', 'totalTokenCount', 'total_token_count');
  const pd = modalityCounts(r, r.array(usage, 'promptTokensDetails', 'promptTokensDetails', 'prompt_tokens_details'), 'promptTokensDetails');
  const cd = modalityCounts(r, r.array(usage, 'cacheTokensDetails', 'cacheTokensDetails', 'cache_tokens_details'), 'cacheTokensDetails');
  const od = modalityCounts(r, r.array(usage, 'candidatesTokensDetails', 'candidatesTokensDetails', 'candidates_tokens_details'), 'candidatesTokensDetails');
  const candidatesF = candidates ?? { path: 'candidatesTokenCount', value: 0 };

  // Thoughts outside candidates (current API) unless only the legacy reading adds up.
  let thoughtsInside = false;
  if (total && thoughts && thoughts.value > 0) {
    const base = prompt.value + val(tool) + candidatesF.value;
    thoughtsInside = total.value === base && thoughts.value <= candidatesF.value;
  }
  r.checkTotal(total, thoughtsInside ? [prompt, tool, candidates] : [prompt, tool, candidates, thoughts]);

  const u = emptyUsage();
  // The cached modalities are part of the cached count (absent: 0, so a breakdown without it is refused).
  const cachedF = cached ?? (cd.AUDIO || cd.IMAGE ? { path: 'cachedContentTokenCount', value: 0 } : undefined);
  if (cachedF) r.leftover(cachedF, [cd.AUDIO, cd.IMAGE]);
  u.cache_read_audio = val(cd.AUDIO);
  // Cached images stay with cached text: Google prices them alike.
  u.cache_read = Math.max(0, val(cached) - u.cache_read_audio);
  u.input_audio = pd.AUDIO ? r.leftover(pd.AUDIO, [cd.AUDIO]) : 0;
  u.input_image = pd.IMAGE ? r.leftover(pd.IMAGE, [cd.IMAGE]) : 0;
  const uncachedAudio: Field | undefined = u.input_audio > 0 ? { path: 'promptTokensDetails[AUDIO] − cacheTokensDetails[AUDIO]', value: u.input_audio } : undefined;
  const uncachedImage: Field | undefined = u.input_image > 0 ? { path: 'promptTokensDetails[IMAGE] − cacheTokensDetails[IMAGE]', value: u.input_image } : undefined;
  u.input = r.leftover(prompt, [cached, uncachedAudio, uncachedImage]) + val(tool);

  u.reasoning = val(thoughts);
  u.output_audio = val(od.AUDIO);
  u.output_image = val(od.IMAGE);
  u.output = r.leftover(candidatesF, thoughtsInside ? [thoughts, od.AUDIO, od.IMAGE] : [od.AUDIO, od.IMAGE]);
  r.finish();
  return u;
}

/**
 * OpenAI Realtime API usage (`response.done` → `response.usage`): `input_tokens` is the
 * sum of `input_token_details.text_tokens`, `.audio_tokens` and `.image_tokens`, and
 * `cached_tokens` is a subset of them, broken down by modality in `cached_tokens_details`.
 * Cached audio leaves `input_audio` for `cache_read_audio` (its own rate: $0.30 vs $0.06 per
 * 1M on gpt-realtime-mini), cached images leave `input_image` for `cache_read`, so every token
 * is counted once.
 */
import type { CanonicalUsage } from './canonical.js';
import { emptyUsage } from './canonical.js';
import { UsageReader, type Rec } from './reader.js';

export function normalizeOpenAIRealtimeUsage(usage: Rec): CanonicalUsage {
  const r = new UsageReader('openai-realtime');
  const input = r.required(usage, 'input_tokens');
  const output = r.required(usage, 'output_tokens');
  const total = r.count(usage, 'total_tokens');
  const id = r.object(usage, 'input_token_details');
  const od = r.object(usage, 'output_token_details');
  const ccd = r.object(id, 'cached_tokens_details', 'input_token_details.cached_tokens_details');
  const cached = r.count(id, 'cached_tokens', 'input_token_details.cached_tokens');
  const audio = r.count(id, 'audio_tokens', 'input_token_details.audio_tokens');
  const image = r.count(id, 'image_tokens', 'input_token_details.image_tokens');
  const cachedAudio = r.count(ccd, 'audio_tokens', 'input_token_details.cached_tokens_details.audio_tokens');
  const cachedImage = r.count(ccd, 'image_tokens', 'input_token_details.cached_tokens_details.image_tokens');
  const outAudio = r.count(od, 'audio_tokens', 'output_token_details.audio_tokens');
  r.checkTotal(total, [input, output]);
  const u = emptyUsage();
  const cachedF = cached ?? (cachedAudio || cachedImage ? { path: 'input_token_details.cached_tokens', value: 0 } : undefined);
  if (cachedF) r.leftover(cachedF, [cachedAudio, cachedImage]);
  u.cache_read_audio = cachedAudio?.value ?? 0;
  u.cache_read = Math.max(0, (cached?.value ?? 0) - u.cache_read_audio);
  u.input_audio = audio ? r.leftover(audio, [cachedAudio]) : 0;
  u.input_image = image ? r.leftover(image, [cachedImage]) : 0;
  u.input = r.leftover(input, [
    cached,
    u.input_audio > 0 ? { path: `${audio!.path} − cached`, value: u.input_audio } : undefined,
    u.input_image > 0 ? { path: `${image!.path} − cached`, value: u.input_image } : undefined,
  ]);
  u.output_audio = outAudio?.value ?? 0;
  u.output = r.leftover(output, [outAudio]);
  r.finish();
  return u;
}

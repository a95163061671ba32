/**
 * The split shared by every "inclusive" usage shape (OpenAI chat and responses, Mistral,
 * DeepSeek, LangChain, AI SDK): the prompt count INCLUDES cache reads/writes and input
 * audio/image, and the completion count includes reasoning and output audio/image. Each
 * detail is subtracted exactly once, so no token lands in two buckets.
 */
import { emptyUsage, type CanonicalUsage } from './canonical.js';
import { val, type Field, type UsageReader } from './reader.js';

/**
 * Where reasoning tokens sit:
 * - `included`: inside the completion count (OpenAI, DeepSeek, Mistral);
 * - `separate`: outside it but inside the total (xAI chat completions: total = prompt + completion + reasoning);
 * - `auto`: decided by the provider's total when it sends one, else `included`.
 */
export type ReasoningPlacement = 'included' | 'separate' | 'auto';

export interface InclusiveSpec {
  prompt: Field;
  cacheRead?: Field | undefined;
  cacheWrite?: Field | undefined;
  inputAudio?: Field | undefined;
  inputImage?: Field | undefined;
  completion: Field;
  reasoning?: Field | undefined;
  outputAudio?: Field | undefined;
  outputImage?: Field | undefined;
  total?: Field | undefined;
  reasoningPlacement: ReasoningPlacement;
}

export function splitInclusive(r: UsageReader, s: InclusiveSpec): CanonicalUsage {
  const u = emptyUsage();
  const reasoning = val(s.reasoning);
  let placement = s.reasoningPlacement;
  if (placement === 'auto') {
    const p = s.prompt.value;
    const c = s.completion.value;
    placement = s.total && reasoning > 0 && s.total.value === p + c + reasoning && s.total.value !== p + c ? 'separate' : 'included';
  }
  r.checkTotal(s.total, placement === 'separate' ? [s.prompt, s.completion, s.reasoning] : [s.prompt, s.completion]);

  u.cache_read = val(s.cacheRead);
  u.cache_write_5m = val(s.cacheWrite);
  u.input_audio = val(s.inputAudio);
  u.input_image = val(s.inputImage);
  u.input = r.leftover(s.prompt, [s.cacheRead, s.cacheWrite, s.inputAudio, s.inputImage]);

  u.reasoning = reasoning;
  u.output_audio = val(s.outputAudio);
  u.output_image = val(s.outputImage);
  const inside = placement === 'included' ? [s.reasoning, s.outputAudio, s.outputImage] : [s.outputAudio, s.outputImage];
  u.output = r.leftover(s.completion, inside);
  return u;
}

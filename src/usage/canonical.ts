/**
 * Canonical usage: one call's billable quantities in EXCLUSIVE buckets (no token is in
 * two buckets), as non-negative integers. Provider normalizers (src/usage/*) map raw
 * usage objects into this shape; the engine prices only this shape.
 */
export const TOKEN_KINDS = [
  'input', // uncached text input
  'cache_read', // cached input (text, and images where the provider prices them alike)
  'cache_read_audio', // cached audio input: its own rate at Gemini and OpenAI Realtime
  'cache_write_5m',
  'cache_write_1h',
  'output', // text output, excluding reasoning
  'reasoning',
  'input_audio',
  'output_audio',
  'input_image',
  'output_image',
] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

/** Non-token billable quantities. */
export const COUNT_KINDS = ['requests', 'web_searches'] as const;
export type CountKind = (typeof COUNT_KINDS)[number];

export const USAGE_KINDS = [...TOKEN_KINDS, ...COUNT_KINDS] as const;
export type UsageKind = TokenKind | CountKind;

/** Input-side kinds: what counts toward the prompt size for long-context thresholds. */
export const PROMPT_KINDS: readonly TokenKind[] = ['input', 'cache_read', 'cache_read_audio', 'cache_write_5m', 'cache_write_1h', 'input_audio', 'input_image'];
export const OUTPUT_KINDS: readonly TokenKind[] = ['output', 'reasoning', 'output_audio', 'output_image'];

export type CanonicalUsage = { [K in TokenKind]: number } & { requests: number; web_searches: number };

/** What callers may pass: any subset; `cache_write` is an alias of `cache_write_5m`. */
export type UsageInput = Partial<Record<UsageKind | 'cache_write', number | string | bigint>>;

export function emptyUsage(): CanonicalUsage {
  return {
    input: 0, cache_read: 0, cache_read_audio: 0, cache_write_5m: 0, cache_write_1h: 0, output: 0, reasoning: 0,
    input_audio: 0, output_audio: 0, input_image: 0, output_image: 0, requests: 1, web_searches: 0,
  };
}

/** Tokens that count toward a long-context threshold: input + cache reads + cache writes + input audio + input image. */
export function promptSize(u: CanonicalUsage): number {
  return u.input + u.cache_read + u.cache_read_audio + u.cache_write_5m + u.cache_write_1h + u.input_audio + u.input_image;
}

export function totalTokens(u: CanonicalUsage): number {
  let n = 0;
  for (const k of TOKEN_KINDS) n += u[k];
  return n;
}

/**
 * Framework usage shapes → canonical buckets (src/usage/canonical.ts). The Vercel AI SDK
 * and LangChain already normalized the provider's usage into their own shapes, so the
 * provider-specific rules no longer apply; these are the frameworks' conventions:
 *
 * - AI SDK v3 (nested): `inputTokens.{total,noCache,cacheRead,cacheWrite}`,
 *   `outputTokens.{total,text,reasoning}`; the parts are exclusive.
 * - AI SDK v2 (flat): `inputTokens` INCLUDES `cachedInputTokens`, `outputTokens` INCLUDES
 *   `reasoningTokens` — except @ai-sdk/anthropic v2, whose `inputTokens` excludes cache
 *   traffic; there the raw Anthropic usage in `providerMetadata.anthropic.usage` is used.
 * - LangChain `usage_metadata`: totals include their `*_token_details`.
 *
 * Leftovers are not clamped: a negative bucket reaches the ledger, which rejects it as
 * inconsistent rather than guessing.
 */
import type { CanonicalUsage } from '../usage/canonical.js';
import { isObj } from './instrument.js';

type Canonical = Partial<Record<keyof CanonicalUsage, number>>;
type Obj = Record<string, unknown>;

const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);

/** Drop zero buckets so events stay small; `requests` stays implicit (1). */
function compact(u: Canonical): Canonical {
  const out: Canonical = {};
  for (const [k, v] of Object.entries(u) as [keyof CanonicalUsage, number | undefined][]) if (v !== undefined && v !== 0) out[k] = v;
  return out;
}

export interface FrameworkUsage {
  /** Canonical buckets, or the provider's raw usage when `raw` is true. */
  usage: Obj;
  raw: boolean;
  /** Provider whose raw shape `usage` has (when raw). */
  provider?: string;
}

/** AI SDK usage (v2 flat or v3 nested). Undefined when no count is known. */
export function fromAiSdkUsage(usage: unknown, providerMetadata?: unknown): FrameworkUsage | undefined {
  if (!isObj(usage)) return undefined;
  const input = usage.inputTokens;
  const output = usage.outputTokens;
  if (isObj(input) || isObj(output)) {
    const i = isObj(input) ? input : {};
    const o = isObj(output) ? output : {};
    const cacheRead = num(i.cacheRead) ?? 0;
    const cacheWrite = num(i.cacheWrite) ?? 0;
    const reasoning = num(o.reasoning) ?? 0;
    const inTotal = num(i.total);
    const outTotal = num(o.total);
    if (inTotal === undefined && outTotal === undefined && num(i.noCache) === undefined && num(o.text) === undefined) return undefined;
    return {
      raw: false,
      usage: compact({
        input: num(i.noCache) ?? (inTotal ?? 0) - cacheRead - cacheWrite,
        cache_read: cacheRead,
        cache_write_5m: cacheWrite,
        output: num(o.text) ?? (outTotal ?? 0) - reasoning,
        reasoning,
      }),
    };
  }
  const anthropicRaw = isObj(providerMetadata) && isObj(providerMetadata.anthropic) ? providerMetadata.anthropic.usage : undefined;
  if (isObj(anthropicRaw)) return { raw: true, usage: anthropicRaw, provider: 'anthropic' };
  const inTotal = num(input);
  const outTotal = num(output);
  if (inTotal === undefined && outTotal === undefined) return undefined;
  const cached = num(usage.cachedInputTokens) ?? 0;
  const reasoning = num(usage.reasoningTokens) ?? 0;
  return {
    raw: false,
    usage: compact({ input: (inTotal ?? 0) - cached, cache_read: cached, output: (outTotal ?? 0) - reasoning, reasoning }),
  };
}

/** LangChain `usage_metadata` (input/output totals with details). */
export function fromLangChainUsage(u: unknown): Obj | undefined {
  if (!isObj(u)) return undefined;
  const inTotal = num(u.input_tokens);
  const outTotal = num(u.output_tokens);
  if (inTotal === undefined && outTotal === undefined) return undefined;
  const d = isObj(u.input_token_details) ? u.input_token_details : {};
  const od = isObj(u.output_token_details) ? u.output_token_details : {};
  const cacheRead = num(d.cache_read) ?? 0;
  const cacheWrite = num(d.cache_creation) ?? 0;
  // Some integrations add Anthropic's TTL split next to the total cache write.
  const w1h = num(d.ephemeral_1h_input_tokens) ?? 0;
  const w5m = num(d.ephemeral_5m_input_tokens) ?? cacheWrite - w1h;
  const inAudio = num(d.audio) ?? 0;
  const inImage = num(d.image) ?? 0;
  const reasoning = num(od.reasoning) ?? 0;
  const outAudio = num(od.audio) ?? 0;
  const outImage = num(od.image) ?? 0;
  return compact({
    input: (inTotal ?? 0) - cacheRead - cacheWrite - inAudio - inImage,
    cache_read: cacheRead,
    cache_write_5m: w5m,
    cache_write_1h: w1h,
    input_audio: inAudio,
    input_image: inImage,
    output: (outTotal ?? 0) - reasoning - outAudio - outImage,
    reasoning,
    output_audio: outAudio,
    output_image: outImage,
  });
}

/** LangChain `llmOutput.tokenUsage` (older integrations): prompt/completion totals only. */
export function fromLangChainTokenUsage(u: unknown): Obj | undefined {
  if (!isObj(u)) return undefined;
  const p = num(u.promptTokens);
  const c = num(u.completionTokens);
  if (p === undefined && c === undefined) return undefined;
  return compact({ input: p ?? 0, output: c ?? 0 });
}

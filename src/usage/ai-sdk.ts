/**
 * Vercel AI SDK usage, as a model's `doGenerate`/`doStream` or `generateText` report it.
 *
 * v3 (ai 6, LanguageModelV3Usage), nested and unambiguous:
 *   inputTokens { total, noCache, cacheRead, cacheWrite }   total = noCache + cacheRead + cacheWrite
 *   outputTokens { total, text, reasoning }                  total = text + reasoning
 * flat (ai 5 LanguageModelV2Usage; ai 6 LanguageModelUsage adds v3-style details): inputTokens, outputTokens, totalTokens,
 *   reasoningTokens, cachedInputTokens. Its meaning varied by provider: `inputTokens`
 *   includes the cached tokens except for Anthropic (pass `inputIncludesCache: false`, or
 *   provider `anthropic`), and reasoning is inside `outputTokens` except for Google,
 *   where `totalTokens` shows it outside (read from the total). v2 has no cache-write
 *   count: for Anthropic pass `providerMetadata.anthropic.usage` (Anthropic shape) instead.
 * The AI SDK does not tell cache-write TTLs apart: writes are read as 5-minute writes.
 */
import type { CanonicalUsage } from './canonical.js';
import { emptyUsage } from './canonical.js';
import { splitInclusive } from './inclusive.js';
import { UsageReader, usageMissing, val, type Rec } from './reader.js';

export function normalizeAiSdkV3Usage(usage: Rec): CanonicalUsage {
  const r = new UsageReader('ai-sdk-v3');
  const inObj = r.object(usage, 'inputTokens') ?? {};
  const outObj = r.object(usage, 'outputTokens') ?? {};
  const inTotal = r.count(inObj, 'total', 'inputTokens.total');
  const noCache = r.count(inObj, 'noCache', 'inputTokens.noCache');
  const cacheRead = r.count(inObj, 'cacheRead', 'inputTokens.cacheRead');
  const cacheWrite = r.count(inObj, 'cacheWrite', 'inputTokens.cacheWrite');
  const outTotal = r.count(outObj, 'total', 'outputTokens.total');
  const text = r.count(outObj, 'text', 'outputTokens.text');
  const reasoning = r.count(outObj, 'reasoning', 'outputTokens.reasoning');
  if (!r.hasReadProblems && !inTotal && !noCache && !outTotal && !text) {
    throw usageMissing('ai-sdk-v3 usage has neither input nor output counts (the provider reported none)');
  }
  const u = emptyUsage();
  u.cache_read = val(cacheRead);
  u.cache_write_5m = val(cacheWrite);
  if (inTotal) {
    u.input = r.leftover(inTotal, [cacheRead, cacheWrite]);
    if (noCache && noCache.value !== u.input) r.checkTotal(inTotal, [noCache, cacheRead, cacheWrite]);
  } else {
    u.input = val(noCache);
  }
  u.reasoning = val(reasoning);
  if (outTotal) {
    u.output = r.leftover(outTotal, [reasoning]);
    if (text && text.value !== u.output) r.checkTotal(outTotal, [text, reasoning]);
  } else {
    u.output = val(text);
  }
  r.finish();
  return u;
}

export interface AiSdkV2UsageOptions {
  /** Whether `inputTokens` includes `cachedInputTokens` (default true; false for Anthropic on ai 5). Ignored when `inputTokenDetails` is sent. */
  inputIncludesCache?: boolean;
}

/**
 * Flat usage: ai 5's LanguageModelV2Usage, and ai 6's LanguageModelUsage (what
 * `generateText`/`streamText` return), which adds `inputTokenDetails` { noCacheTokens,
 * cacheReadTokens, cacheWriteTokens } and `outputTokenDetails` { textTokens,
 * reasoningTokens } with v3 semantics (inputTokens = noCache + cacheRead + cacheWrite).
 */
export function normalizeAiSdkV2Usage(usage: Rec, options: AiSdkV2UsageOptions = {}): CanonicalUsage {
  const r = new UsageReader('ai-sdk-v2');
  const input = r.count(usage, 'inputTokens');
  const output = r.count(usage, 'outputTokens');
  if (!r.hasReadProblems && !input && !output) {
    throw usageMissing('ai-sdk-v2 usage has neither inputTokens nor outputTokens (the provider reported none)');
  }
  const id = r.object(usage, 'inputTokenDetails');
  const od = r.object(usage, 'outputTokenDetails');
  const cached = r.count(id, 'cacheReadTokens', 'inputTokenDetails.cacheReadTokens') ?? r.count(usage, 'cachedInputTokens');
  const cacheWrite = r.count(id, 'cacheWriteTokens', 'inputTokenDetails.cacheWriteTokens');
  const reasoning = r.count(od, 'reasoningTokens', 'outputTokenDetails.reasoningTokens') ?? r.count(usage, 'reasoningTokens');
  const noCache = r.count(id, 'noCacheTokens', 'inputTokenDetails.noCacheTokens');
  const text = r.count(od, 'textTokens', 'outputTokenDetails.textTokens');
  let prompt = input ?? { path: 'inputTokens', value: 0 };
  let total = r.count(usage, 'totalTokens');
  // ai 5 + Anthropic: inputTokens (and so totalTokens) left the cache reads out.
  if (options.inputIncludesCache === false && !id && cached) {
    prompt = { path: 'inputTokens + cachedInputTokens', value: prompt.value + cached.value };
    if (total) total = { path: 'totalTokens + cachedInputTokens', value: total.value + cached.value };
  }
  const completion = output ?? { path: 'outputTokens', value: 0 };
  const u = splitInclusive(r, { prompt, completion, total, cacheRead: cached, cacheWrite, reasoning, reasoningPlacement: 'auto' });
  if (noCache && noCache.value !== u.input) r.checkTotal(prompt, [noCache, cached, cacheWrite]);
  if (text && text.value !== u.output) {
    r.inconsistent(`\`${text.path}\` (${text.value}) ≠ the text output left after reasoning (${u.output})`, [text.path, completion.path]);
  }
  r.finish();
  return u;
}

/**
 * Which usage object to record for framework calls. The frameworks already normalized
 * the provider's usage into their own shapes; those shapes are passed on as they are,
 * and the ledger's normalizer (src/usage: `ai-sdk-v3`, `ai-sdk-v2`, `langchain`) turns
 * them into canonical buckets with its consistency checks — one normalizer, not two.
 *
 * - AI SDK: the `usage` object without its `raw` echo. For v2 Anthropic models the raw
 *   Anthropic usage in `providerMetadata.anthropic.usage` is preferred: flat v2 usage has
 *   no cache-write count.
 * - LangChain: `usage_metadata` as is; else `llmOutput.tokenUsage` (older integrations),
 *   which only has prompt/completion totals and becomes canonical `{ input, output }`
 *   (cached tokens, if any, are then billed as input: over, never under).
 */
import { isObj } from './instrument.js';

type Obj = Record<string, unknown>;

const num = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** Any count present at the top level or one level down. */
function hasCount(o: Obj): boolean {
  return Object.values(o).some((v) => num(v) || (isObj(v) && Object.values(v).some(num)));
}

/**
 * The AI SDK usage to record (flat v2 or nested v3), or undefined when no count is known.
 * Google's raw `usageMetadata` (provider metadata) wins over both: only it splits audio,
 * images and cached audio, which Gemini prices apart. Anthropic's raw usage wins over flat v2
 * (which has no cache-write count).
 */
export function aiSdkUsage(usage: unknown, providerMetadata?: unknown): Obj | undefined {
  const googleRaw = isObj(providerMetadata) && isObj(providerMetadata.google) ? providerMetadata.google.usageMetadata : undefined;
  if (isObj(googleRaw) && num(googleRaw.promptTokenCount)) return googleRaw as Obj;
  if (!isObj(usage)) return undefined;
  const flat = !isObj(usage.inputTokens) && !isObj(usage.outputTokens);
  const anthropicRaw = isObj(providerMetadata) && isObj(providerMetadata.anthropic) ? providerMetadata.anthropic.usage : undefined;
  if (flat && isObj(anthropicRaw)) return anthropicRaw as Obj;
  const out: Obj = {};
  for (const [k, v] of Object.entries(usage)) if (k !== 'raw' && v !== undefined && v !== null) out[k] = v;
  return hasCount(out) ? out : undefined;
}

/** LangChain `usage_metadata`, passed on when it holds counts. */
export function langChainUsage(usageMetadata: unknown): Obj | undefined {
  if (!isObj(usageMetadata) || !(num(usageMetadata.input_tokens) || num(usageMetadata.output_tokens))) return undefined;
  return usageMetadata as Obj;
}

/** LangChain `llmOutput.tokenUsage` (prompt/completion totals only) as canonical buckets. */
export function langChainTokenUsage(u: unknown): Obj | undefined {
  if (!isObj(u) || !(num(u.promptTokens) || num(u.completionTokens))) return undefined;
  return { input: num(u.promptTokens) ? u.promptTokens : 0, output: num(u.completionTokens) ? u.completionTokens : 0 };
}

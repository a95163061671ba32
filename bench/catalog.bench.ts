/**
 * Catalog quote latency: model lookup (price at the call's time) + usage normalization +
 * exact pricing, against @pydantic/genai-prices `calcPrice` on the same calls, same run.
 * Also checks both agree on the amount (genai-prices answers in floats).
 * Run: npx tsx bench/catalog.bench.ts
 */
import { calcPrice } from '@pydantic/genai-prices';
import { defaultCatalog } from '../src/catalog/index.js';
import { quoteWithCatalog, type CatalogQuoteRequest } from '../src/catalog/quote.js';
import { Dec } from '../src/money/index.js';
import { formatNs, measure, row, type Stats } from './util.js';

interface Case {
  name: string;
  ours: CatalogQuoteRequest;
  genai: { usage: Record<string, number>; model: string; providerId: string; timestamp: Date };
}

const at = new Date('2025-11-01T12:00:00Z');
const cases: Case[] = [
  {
    name: 'gpt-4o, cached (openai chat usage)',
    ours: { provider: 'openai', model: 'gpt-4o', at, usage: { prompt_tokens: 2000, completion_tokens: 500, total_tokens: 2500, prompt_tokens_details: { cached_tokens: 1200 } } },
    genai: { usage: { input_tokens: 2000, cache_read_tokens: 1200, output_tokens: 500 }, model: 'gpt-4o', providerId: 'openai', timestamp: at },
  },
  {
    name: 'claude-sonnet-4-5, cache read+write (anthropic usage)',
    ours: { provider: 'anthropic', model: 'claude-sonnet-4-5', at, usage: { input_tokens: 1000, output_tokens: 400, cache_read_input_tokens: 5000, cache_creation_input_tokens: 2000 } },
    genai: { usage: { input_tokens: 8000, cache_read_tokens: 5000, cache_write_tokens: 2000, output_tokens: 400 }, model: 'claude-sonnet-4-5', providerId: 'anthropic', timestamp: at },
  },
  {
    name: 'gemini-2.5-pro, above 200k (gemini usageMetadata)',
    ours: { provider: 'google', model: 'gemini-2.5-pro', at, usage: { promptTokenCount: 250_000, candidatesTokenCount: 1000, totalTokenCount: 251_000 } },
    genai: { usage: { input_tokens: 250_000, output_tokens: 1000 }, model: 'gemini-2.5-pro', providerId: 'google', timestamp: at },
  },
  {
    name: 'o3, canonical buckets',
    ours: { model: 'o3', at, usage: { input: 3000, cache_read: 1000, output: 2000 } },
    genai: { usage: { input_tokens: 4000, cache_read_tokens: 1000, output_tokens: 2000 }, model: 'o3', providerId: 'openai', timestamp: at },
  },
];

const widths = [52, 12, 12, 12, 12, 10];
console.log(row(['call', 'ours p50', 'ours p99', 'genai p50', 'genai p99', 'p50 ratio'], widths));
const ratios: number[] = [];
for (const c of cases) {
  const q = quoteWithCatalog(c.ours);
  const g = calcPrice(c.genai.usage, c.genai.model, { providerId: c.genai.providerId, timestamp: c.genai.timestamp });
  if (!g) throw new Error(`genai-prices has no price for ${c.genai.model}`);
  // genai-prices answers in floats: agreement within float rounding, ours is the exact decimal.
  const diff = new Dec(q.cost).minus(new Dec(String(g.total_price))).abs();
  if (diff.gt(new Dec(q.cost).times('1e-12'))) throw new Error(`${c.name}: ours ${q.cost} vs genai-prices ${g.total_price}`);
  // Same iterations and warmup for both sides, so neither is measured less warmed up.
  const opts = { iterations: 20_000, warmup: 10_000 };
  const ours: Stats = measure(() => quoteWithCatalog(c.ours), opts);
  const theirs: Stats = measure(() => calcPrice(c.genai.usage, c.genai.model, { providerId: c.genai.providerId, timestamp: c.genai.timestamp }), opts);
  const ratio = theirs.median / ours.median;
  ratios.push(ratio);
  console.log(row([`${c.name} = $${q.cost} (genai ${g.total_price})`.slice(0, 52), formatNs(ours.median), formatNs(ours.p99), formatNs(theirs.median), formatNs(theirs.p99), `${ratio.toFixed(1)}×`], widths));
}

// Lookup alone (name → price in force): the catalog's share of the quote.
const catalog = defaultCatalog();
const lookup = measure(() => catalog.resolve({ model: 'gpt-4o', at }), { iterations: 20_000, batch: 50 });
const bedrock = measure(() => catalog.resolve({ provider: 'bedrock', model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', at }), { iterations: 20_000, batch: 50 });
console.log(`\ncatalog.resolve gpt-4o (alias by date): ${formatNs(lookup.median)} median; bedrock regional id: ${formatNs(bedrock.median)}`);
const geo = Math.exp(ratios.reduce((s, r) => s + Math.log(r), 0) / ratios.length);
console.log(`quote vs genai-prices calcPrice: ${geo.toFixed(1)}× faster (geometric mean of medians; target ≥ 5×), amounts agree, ours exact`);

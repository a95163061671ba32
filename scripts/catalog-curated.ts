/**
 * The hand-curated price history build-catalog.ts lays over its sources: prices as the
 * providers announced them, each change cited, for what the reference tables get wrong
 * or no longer list (retired prices, alias moves, off-peak windows, regional uplifts).
 */
import type { ProviderId } from '../src/catalog/providers.js';

// Per-1M-token prices as the providers announced them. Each entry cites the change.
export interface CuratedPrice {
  from: string;
  source: string;
  note?: string;
  per_million: Record<string, string>;
  long_context?: { above: string; per_million: Record<string, string> }[];
  off_peak?: { start: string; end: string; per_million: Record<string, string> };
  flex?: Record<string, string>;
}
export interface CuratedModel {
  provider: ProviderId;
  id: string;
  why: string;
  history: CuratedPrice[];
  /** The source (LiteLLM) price is current from this date; omitted = history is complete. */
  current_from?: string;
  current_note?: string;
}

// o3 launched 2025-04-16 at $10/$40 (cached $2.50, flex half); OpenAI cut it 80% on 2025-06-10.
const O3_LAUNCH: CuratedPrice = {
  from: '2025-04-16', source: 'curated:openai-o3-launch-2025-04-16', note: 'launch price, cut 80% on 2025-06-10',
  per_million: { input: '10', cache_read: '2.5', output: '40' }, flex: { input: '5', cache_read: '1.25', output: '20' },
};
// Gemini 1.5 Pro: $3.50/$10.50 (≤128k), doubled above 128k; cut to $1.25/$5 on 2024-10-01 (Google, 2024-09-24).
const PRO_LAUNCH = (from: string): CuratedPrice => ({
  from, source: 'curated:google-gemini-1.5-pricing-2024-05', note: 'before the 2024-10-01 price cut',
  per_million: { input: '3.5', cache_read: '0.875', output: '10.5' },
  long_context: [{ above: '128000', per_million: { input: '7', cache_read: '1.75', output: '21' } }],
});
const PRO_CUT: CuratedPrice = {
  from: '2024-10-01', source: 'curated:google-gemini-1.5-pro-price-cut-2024-10-01', note: '64% input / 52% output cut',
  per_million: { input: '1.25', cache_read: '0.3125', output: '5' },
  long_context: [{ above: '128000', per_million: { input: '2.5', cache_read: '0.625', output: '10' } }],
};
// Gemini 1.5 Flash: $0.35/$1.05 (≤128k) at launch; cut ~78% effective 2024-08-12 (Google, 2024-08-08).
const FLASH_LAUNCH: CuratedPrice = {
  from: '2024-05-14', source: 'curated:google-gemini-1.5-pricing-2024-05', note: 'before the 2024-08-12 price cut',
  per_million: { input: '0.35', cache_read: '0.0875', output: '1.05' },
  long_context: [{ above: '128000', per_million: { input: '0.7', cache_read: '0.175', output: '2.1' } }],
};
const FLASH_CUT = (from: string): CuratedPrice => ({
  from, source: 'curated:google-gemini-1.5-flash-price-cut-2024-08-12',
  per_million: { input: '0.075', cache_read: '0.01875', output: '0.3' },
  long_context: [{ above: '128000', per_million: { input: '0.15', cache_read: '0.0375', output: '0.6' } }],
});
// DeepSeek (api-docs.deepseek.com news): V2 $0.14/$0.28; context-cache hits $0.014 from 2024-08-02; V3
// standard price $0.27/$1.10 (hit $0.07) once the promotion ended 2025-02-08; off-peak discount
// (UTC 16:30–00:30: chat −50%, reasoner −75%) from 2025-02-26 until V3.1 pricing on 2025-09-05
// ($0.56/$1.68, hit $0.07); V3.2-Exp cut to $0.28/$0.42 (hit $0.028) on 2025-09-29.
const DS_V31: CuratedPrice = { from: '2025-09-05', source: 'curated:deepseek-v3.1-pricing-2025-09-05', note: 'off-peak discount ended', per_million: { input: '0.56', cache_read: '0.07', output: '1.68' } };
const DS_V32: CuratedPrice = { from: '2025-09-29', source: 'curated:deepseek-v3.2-exp-2025-09-29', per_million: { input: '0.28', cache_read: '0.028', output: '0.42' } };
const OFF_PEAK = { start: '16:30', end: '00:30' };

export const CURATED_MODELS: CuratedModel[] = [
  { provider: 'openai', id: 'o3', why: 'o3 $10/$40 until 2025-06-10, then $2/$8 (genai-prices agrees on the date; its pre-cut cache read of $0.50 is wrong, launch cached input was $2.50).', history: [O3_LAUNCH], current_from: '2025-06-10' },
  { provider: 'openai', id: 'o3-2025-04-16', why: 'the o3 snapshot carries the same price history as o3.', history: [O3_LAUNCH], current_from: '2025-06-10' },
  ...['gemini-1.5-pro', 'gemini-1.5-pro-001'].map((id): CuratedModel => ({
    provider: 'google', id, why: "LiteLLM's current map dropped it and its 2025-09 copy still had the pre-cut $3.50/$10.50: curated $3.50/$10.50 → $1.25/$5 on 2024-10-01, doubled above 128k.",
    history: [PRO_LAUNCH('2024-05-14'), PRO_CUT],
  })),
  { provider: 'google', id: 'gemini-1.5-pro-002', why: 'released 2024-09-24 at the old price, one week before the cut.', history: [PRO_LAUNCH('2024-09-24'), PRO_CUT] },
  ...['gemini-1.5-flash', 'gemini-1.5-flash-001'].map((id): CuratedModel => ({
    provider: 'google', id, why: "LiteLLM's current entry has output $0 (broken): curated $0.35/$1.05 → $0.075/$0.30 on 2024-08-12 (the Flash cut came before the Pro cut), doubled above 128k.",
    history: [FLASH_LAUNCH, FLASH_CUT('2024-08-12')],
  })),
  { provider: 'google', id: 'gemini-1.5-flash-002', why: 'released 2024-09-24 after the Flash cut.', history: [FLASH_CUT('2024-09-24')] },
  {
    provider: 'deepseek', id: 'deepseek-chat', why: 'three price schemes plus an off-peak window (genai-prices has only the off-peak split, with no dates).',
    history: [
      { from: '2024-05-06', source: 'curated:deepseek-v2-launch-2024-05-06', per_million: { input: '0.14', output: '0.28' } },
      { from: '2024-08-02', source: 'curated:deepseek-context-caching-2024-08-02', per_million: { input: '0.14', cache_read: '0.014', output: '0.28' } },
      { from: '2025-02-09', source: 'curated:deepseek-v3-standard-price-2025-02-09', note: 'V3 promotion ended 2025-02-08', per_million: { input: '0.27', cache_read: '0.07', output: '1.1' } },
      { from: '2025-02-26', source: 'curated:deepseek-off-peak-2025-02-26', note: 'off-peak UTC 16:30–00:30 at 50% off', per_million: { input: '0.27', cache_read: '0.07', output: '1.1' }, off_peak: { ...OFF_PEAK, per_million: { input: '0.135', cache_read: '0.035', output: '0.55' } } },
      DS_V31, DS_V32,
    ],
  },
  {
    provider: 'deepseek', id: 'deepseek-reasoner', why: 'R1 launch price, then the off-peak window (75% off), then the V3.1 and V3.2 prices shared with deepseek-chat.',
    history: [
      { from: '2025-01-20', source: 'curated:deepseek-r1-launch-2025-01-20', per_million: { input: '0.55', cache_read: '0.14', output: '2.19' } },
      { from: '2025-02-26', source: 'curated:deepseek-off-peak-2025-02-26', note: 'off-peak UTC 16:30–00:30 at 75% off', per_million: { input: '0.55', cache_read: '0.14', output: '2.19' }, off_peak: { ...OFF_PEAK, per_million: { input: '0.135', cache_read: '0.035', output: '0.55' } } },
      DS_V31, DS_V32,
    ],
  },
  // Mistral Small snapshots behind mistral-small-latest (mistral.ai news posts of each release).
  { provider: 'mistral', id: 'mistral-small-2409', why: 'Mistral Small 2 at $0.20/$0.60 (Mistral price update 2024-09-17).', history: [{ from: '2024-09-18', source: 'curated:mistral-small-2409', per_million: { input: '0.2', output: '0.6' } }] },
  { provider: 'mistral', id: 'mistral-small-2501', why: 'Mistral Small 3 at $0.10/$0.30.', history: [{ from: '2025-01-30', source: 'curated:mistral-small-3-2025-01-30', per_million: { input: '0.1', output: '0.3' } }] },
  { provider: 'mistral', id: 'mistral-small-2503', why: 'Mistral Small 3.1 at $0.10/$0.30.', history: [{ from: '2025-03-17', source: 'curated:mistral-small-3.1-2025-03-17', per_million: { input: '0.1', output: '0.3' } }] },
  { provider: 'mistral', id: 'mistral-small-2506', why: 'Mistral Small 3.2: genai-prices and models.dev say $0.10/$0.30, LiteLLM $0.06/$0.18; two sources agree.', history: [{ from: '2025-06-20', source: 'models.dev:mistral/mistral-small-2506', per_million: { input: '0.1', output: '0.3' } }] },
  { provider: 'mistral', id: 'mistral-small-2603', why: 'Mistral Small 4 (2026-03-16) at $0.15/$0.60, cache read $0.015 (genai-prices, models.dev); not in LiteLLM.', history: [{ from: '2026-03-16', source: 'genai-prices:mistral/mistral-small-2603', per_million: { input: '0.15', cache_read: '0.015', output: '0.6' } }] },
  {
    provider: 'bedrock', id: 'meta.llama3-1-70b-instruct-v1:0', why: 'LiteLLM still lists the $0.99 launch price; AWS lowered it to $0.72 (genai-prices). AWS published no change date; 2024-12-02 (re:Invent 2024 Bedrock price update) is used.',
    history: [
      { from: '2024-07-23', source: 'litellm:meta.llama3-1-70b-instruct-v1:0', note: 'launch price', per_million: { input: '0.99', output: '0.99' } },
      { from: '2024-12-02', source: 'genai-prices:aws/meta.llama3-1-70b-instruct-v1:0', note: 'date approximate', per_million: { input: '0.72', output: '0.72' } },
    ],
  },
];

export interface CuratedAlias { provider: ProviderId; name: string; why: string; targets: { from: string; model: string; source: string }[] }
export const CURATED_ALIASES: CuratedAlias[] = [
  {
    provider: 'openai', name: 'gpt-4o', why: 'pointed at gpt-4o-2024-05-13 ($5/$15) until OpenAI moved it to gpt-4o-2024-08-06 ($2.50/$10) on 2024-10-02; genai-prices prices every gpt-4o snapshot at $2.50, which under-bills 05-13.',
    targets: [
      { from: '2024-05-13', model: 'gpt-4o-2024-05-13', source: 'curated:openai-models-gpt-4o' },
      { from: '2024-10-02', model: 'gpt-4o-2024-08-06', source: 'curated:openai-models-gpt-4o-2024-10-02' },
    ],
  },
  {
    provider: 'mistral', name: 'mistral-large-latest', why: 'moves to each Mistral Large release: 2402, 2407 (Large 2), 2411, 2512 (Large 3, 2025-12-02). LiteLLM 2025-09 said $2/$6 (2411), current LiteLLM $0.50/$1.50 (2512): both right at their date.',
    targets: [
      { from: '2024-02-26', model: 'mistral-large-2402', source: 'curated:mistral-large-2024-02-26' },
      { from: '2024-07-24', model: 'mistral-large-2407', source: 'curated:mistral-large-2-2024-07-24' },
      { from: '2024-11-18', model: 'mistral-large-2411', source: 'curated:mistral-large-2411-2024-11-18' },
      { from: '2025-12-02', model: 'mistral-large-2512', source: 'curated:mistral-large-3-2025-12-02' },
    ],
  },
  {
    provider: 'mistral', name: 'mistral-small-latest', why: 'moves to each Mistral Small release; the three sources each list a different one (LiteLLM 2506 at $0.06/$0.18, genai-prices $0.10/$0.30, models.dev 2603 at $0.15/$0.60).',
    targets: [
      { from: '2024-09-18', model: 'mistral-small-2409', source: 'curated:mistral-small-2409' },
      { from: '2025-01-30', model: 'mistral-small-2501', source: 'curated:mistral-small-3' },
      { from: '2025-03-17', model: 'mistral-small-2503', source: 'curated:mistral-small-3.1' },
      { from: '2025-06-20', model: 'mistral-small-2506', source: 'curated:mistral-small-3.2' },
      { from: '2026-03-16', model: 'mistral-small-2603', source: 'models.dev:mistral/mistral-small-latest' },
    ],
  },
];

// Anthropic: "starting with Claude Sonnet 4.5 and Haiku 4.5, regional endpoints on Vertex AI
// and Bedrock cost 10% more than the global endpoint". Bedrock's uplifts come from LiteLLM's
// us./eu./jp./au./us-gov. variants; Vertex has no such entries, so the rule is stated here.
export const REGIONAL_RULES: { provider: ProviderId; match: RegExp; multiplier: string }[] = [
  { provider: 'vertex', match: /^claude-(sonnet|haiku|opus)-4[-.]?([5-9]|\d\d)/, multiplier: '1.1' },
];

/**
 * Builds data/catalog.json (+ data/decisions.md) from the public reference price tables.
 *
 *   npx tsx scripts/build-catalog.ts [--out-dir DIR]
 *
 * Input: ../shared/data/reference-prices (override with RATECARD_REFERENCE_PRICES).
 * Deterministic: same input → byte-identical output (no clock, sorted keys and lists).
 * LiteLLM (current, then the 2025-09 copy for retired models) is the primary source; the
 * hand-curated history (scripts/catalog-curated.ts) wins over it, with comments citing
 * each price change.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RATE_KEYS, type LongContextTier, type RateTable } from '../src/pricing/document.js';
import { mapLitellmEntry, litellmModelId } from '../src/catalog/import/litellm.js';
import { genaiMatches, genaiPriceAt, mapGenaiPrices, type GenaiProvider } from '../src/catalog/import/genai-prices.js';
import { scale } from '../src/catalog/import/float.js';
import { canonicalProvider, providerFromLitellm, PROVIDERS, type ProviderId } from '../src/catalog/providers.js';
import { Dec, formatDecimal } from '../src/money/index.js';
import { SERVICE_TIERS, type CatalogAlias, type CatalogFile, type CatalogModel, type CatalogPrice, type TierPrice } from '../src/catalog/types.js';
import { CURATED_ALIASES, CURATED_MODELS, REGIONAL_RULES, type CuratedModel } from './catalog-curated.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..');
const REF = process.env.RATECARD_REFERENCE_PRICES ?? resolve(repo, '../shared/data/reference-prices');
const outArg = process.argv.indexOf('--out-dir');
const OUT_DIR = outArg > 0 ? resolve(process.argv[outArg + 1] ?? '.') : join(repo, 'data');

/** Before this date we know nothing; a model with no known launch date is priced from here. */
const FLOOR = '2023-01-01';
const MODES = new Set(['chat', 'responses', 'completion', 'realtime', 'embedding']);
const GEO_PREFIX = /^(us-gov|us|eu|apac|jp|au|ca|global)\.(.+)$/;
/** Providers that document a 50% Batch API discount on every token kind. */
const BATCH_HALF: ReadonlySet<ProviderId> = new Set(['openai', 'anthropic', 'google', 'vertex', 'mistral', 'groq', 'together', 'azure']);

const readJson = (p: string): unknown => JSON.parse(readFileSync(join(REF, p), 'utf8'));
const decisions: string[] = [];
const key = (provider: string, id: string) => `${provider}/${id.toLowerCase()}`;

// ---------------------------------------------------------------- hand-curated history: scripts/catalog-curated.ts

// ---------------------------------------------------------------- release dates
// Only the makers' and clouds' own listings: gateways often list a re-upload date.
const FIRST_PARTY_LISTINGS = ['openai', 'anthropic', 'google', 'google-vertex', 'amazon-bedrock', 'azure', 'mistral', 'deepseek', 'xai', 'groq', 'togetherai', 'cohere', 'fireworks-ai', 'perplexity', 'cerebras', 'moonshotai'];
const releaseDates = new Map<string, string>();
const modelsDev = readJson('models.dev/provider_model_costs.json') as Record<string, Record<string, { release_date?: string }>>;
for (const provider of FIRST_PARTY_LISTINGS) {
  for (const [id, m] of Object.entries(modelsDev[provider] ?? {})) {
    const d = m.release_date;
    const k = id.toLowerCase().replace(/^.*\//, '');
    if (d && /^\d{4}-\d{2}-\d{2}$/.test(d) && (!releaseDates.has(k) || d < releaseDates.get(k)!)) releaseDates.set(k, d);
  }
}

/** Launch date: a date written in the id (snapshots), else models.dev's release date, else FLOOR. */
function launchDate(id: string, provider: string): string {
  const m = /(20\d\d)-?(0[1-9]|1[0-2])-?([0-2]\d|3[01])/.exec(id);
  if (m) return `${m[1]}-${m[2]}-${m[3]}`;
  // Mistral versions are YYMM (`mistral-large-2407`): the first of that month.
  const ym = provider === 'mistral' ? /-(2[3-9])(0[1-9]|1[0-2])$/.exec(id) : null;
  if (ym) return `20${ym[1]}-${ym[2]}-01`;
  const bare = id.toLowerCase().replace(/^[a-z]+\.(?=[a-z])/, '').replace(/-v\d+(:\d+)?$/, '').replace(/@.*$/, '');
  return releaseDates.get(id.toLowerCase()) ?? releaseDates.get(bare) ?? FLOOR;
}

// ---------------------------------------------------------------- LiteLLM
interface Variant { provider: ProviderId; base: string; region: string; rates: RateTable }

function fromLitellm(file: string, source: string, models: Map<string, CatalogModel>, variants: Variant[]): number {
  const json = readJson(file) as Record<string, Record<string, unknown>>;
  let added = 0;
  for (const k of Object.keys(json).sort()) {
    const entry = json[k]!;
    const lp = typeof entry.litellm_provider === 'string' ? entry.litellm_provider : '';
    const provider = providerFromLitellm(lp);
    if (!provider || !MODES.has(String(entry.mode))) continue;
    let id = litellmModelId(k, lp);
    if (id.startsWith('openai/') && provider === 'openai') continue; // duplicates of bare keys
    let region: string | undefined;
    if (provider === 'azure' && /^(eu|us|global)\//.test(id)) [region, id] = [id.slice(0, id.indexOf('/')), id.slice(id.indexOf('/') + 1)];
    if (provider === 'bedrock') {
      if (id.includes('/')) continue; // bedrock/<region>/…, bedrock/invoke/…: route variants of listed ids
      const g = GEO_PREFIX.exec(id);
      if (g) [region, id] = [g[1]!, g[2]!];
    }
    const mapped = mapLitellmEntry(entry);
    if ('skip' in mapped) continue;
    if (region !== undefined && region !== 'global') {
      variants.push({ provider, base: id, region, rates: mapped.rates });
      continue;
    }
    const mk = key(provider, id);
    if (models.has(mk)) continue;
    const price: CatalogPrice = { effective_from: launchDate(id, provider), source: `${source}:${k}`, rates: mapped.rates };
    if (mapped.long_context) price.long_context = mapped.long_context;
    if (mapped.tiers) price.tiers = mapped.tiers;
    models.set(mk, { provider, id, prices: [price] });
    added++;
  }
  return added;
}

// ---------------------------------------------------------------- derived prices
const times = (r: RateTable, f: string): RateTable =>
  Object.fromEntries(Object.entries(r).map(([k, v]) => [k, scale(v as string, f)])) as RateTable;
const lcTimes = (l: LongContextTier[] | undefined, f: string) => l?.map((t) => ({ threshold: t.threshold, rates: times(t.rates, f) }));

/** Anthropic documents cache writes at 1.25× (5m) and 2× (1h) input, reads at 0.1×. */
function anthropicCache(r: RateTable, id: string): void {
  if (r.input === undefined) return;
  r.cache_write_5m ??= scale(r.input, '1.25');
  r.cache_read ??= scale(r.input, '0.1');
  // The 1h rate is 2× input for every model; LiteLLM has 24× for claude-3-haiku and 0.4× for claude-3-opus.
  const twice = scale(r.input, '2');
  if (r.cache_write_1h !== undefined && r.cache_write_1h !== twice) decisions.push(`- \`anthropic/${id}\`: 1h cache write ${r.cache_write_1h} in the source is not 2× input; ${twice} used.`);
  r.cache_write_1h = twice;
}

/** Token rates halve under batch; per-request and web-search fees are not token prices and stay. */
function half(r: RateTable): RateTable {
  const out = times(r, '0.5');
  if (r.request !== undefined) out.request = r.request;
  if (r.web_search !== undefined) out.web_search = r.web_search;
  return out;
}

/**
 * A flex/priority tier that omits a kind the standard price has (LiteLLM often lists only
 * input/output) gets the standard rate scaled by the tier's own input ratio, so a cached
 * token under priority is never billed at the standard rate.
 */
function fillTier(p: CatalogPrice, t: TierPrice): void {
  const ratio = p.rates.input && t.rates.input ? formatDecimal(new Dec(t.rates.input).div(p.rates.input)) : undefined;
  if (ratio === undefined) return;
  const scaled = times(p.rates, ratio);
  const fill = (into: RateTable, from: RateTable) => {
    for (const k of RATE_KEYS) if (into[k] === undefined && from[k] !== undefined) into[k] = from[k];
  };
  fill(t.rates, { ...scaled, ...(p.rates.request ? { request: p.rates.request } : {}), ...(p.rates.web_search ? { web_search: p.rates.web_search } : {}) });
  if (!t.long_context && p.long_context) t.long_context = lcTimes(p.long_context, ratio)!;
  for (const lc of t.long_context ?? []) {
    const base = p.long_context?.find((b) => b.threshold === lc.threshold);
    if (base) fill(lc.rates, times(base.rates, ratio));
  }
}

function derive(m: CatalogModel, p: CatalogPrice): void {
  if (m.provider === 'anthropic' && /claude/i.test(m.id)) {
    anthropicCache(p.rates, m.id);
    for (const t of p.long_context ?? []) anthropicCache(t.rates, m.id);
  }
  if (BATCH_HALF.has(m.provider as ProviderId) && p.tiers?.batch === undefined) {
    const batch: TierPrice = { rates: half(p.rates) };
    const lc = p.long_context?.map((t) => ({ threshold: t.threshold, rates: half(t.rates) }));
    if (lc) batch.long_context = lc;
    p.tiers = { ...p.tiers, batch };
  } else if (p.tiers?.batch) {
    // LiteLLM lists batch input/output only; the documented 50% covers every token kind.
    p.tiers.batch.rates = { ...half(p.rates), ...p.tiers.batch.rates };
  }
  for (const t of ['flex', 'priority'] as const) if (p.tiers?.[t]) fillTier(p, p.tiers[t]);
}

/** Uplift multiplier of a regional variant: one clean ratio shared by input and output, or undefined. */
function uplift(base: RateTable, v: RateTable): string | undefined {
  if (!base.input || !v.input || !base.output || !v.output) return undefined;
  const ri = new Dec(v.input).div(base.input);
  const ro = new Dec(v.output).div(base.output);
  if (!ri.eq(ro) || ri.decimalPlaces() > 4) return undefined;
  return formatDecimal(ri);
}

// ---------------------------------------------------------------- curated
function curatedPrices(c: CuratedModel, current: CatalogPrice | undefined): CatalogPrice[] {
  const out: CatalogPrice[] = c.history.map((h) => {
    const p: CatalogPrice = { effective_from: h.from, source: h.source, rates: perUnit(h.per_million) };
    if (h.note) p.note = h.note;
    if (h.long_context) p.long_context = h.long_context.map((t) => ({ threshold: t.above, rates: perUnit(t.per_million) }));
    if (h.off_peak) p.off_peak = { start: h.off_peak.start, end: h.off_peak.end, rates: perUnit(h.off_peak.per_million) };
    if (h.flex) p.tiers = { flex: { rates: perUnit(h.flex) } };
    return p;
  });
  if (c.current_from !== undefined) {
    if (!current) throw new Error(`curated ${c.provider}/${c.id}: current_from given but no source price`);
    out.push({ ...current, effective_from: c.current_from, ...(c.current_note ? { note: c.current_note } : {}) });
  }
  for (let i = 0; i < out.length - 1; i++) out[i]!.until = out[i + 1]!.effective_from;
  return out;
}

function perUnit(perMillion: Record<string, string>): RateTable {
  return Object.fromEntries(Object.entries(perMillion).map(([k, v]) => [k, formatDecimal(new Dec(v).div(1_000_000))])) as RateTable;
}

// ---------------------------------------------------------------- build
const models = new Map<string, CatalogModel>();
const variants: Variant[] = [];
const nCurrent = fromLitellm('litellm/model_prices_and_context_window.json', 'litellm', models, variants);
const nRetired = fromLitellm('litellm-2025-09/model_prices_and_context_window.json', 'litellm-2025-09', models, variants);

// Uplifts are measured against the same source's base price, before curated prices replace it.
for (const v of variants) {
  const m = models.get(key(v.provider, v.base));
  const base = m?.prices.at(-1);
  if (!m || !base) continue;
  const f = uplift(base.rates, v.rates);
  if (f !== undefined && f !== '1') m.regions = { ...m.regions, [v.region]: f };
}
for (const c of CURATED_MODELS) {
  const mk = key(c.provider, c.id);
  const existing = models.get(mk);
  const prices = curatedPrices(c, existing?.prices.at(-1));
  models.set(mk, { provider: c.provider, id: existing?.id ?? c.id, ...(existing?.regions ? { regions: existing.regions } : {}), prices });
  decisions.push(`- \`${c.provider}/${c.id}\`: ${c.why}`);
}
const aliases: CatalogAlias[] = [];
for (const a of CURATED_ALIASES) {
  models.delete(key(a.provider, a.name)); // the moving name resolves through the alias, by date
  for (const t of a.targets) if (!models.has(key(a.provider, t.model))) throw new Error(`alias ${a.name}: unknown target ${t.model}`);
  const targets = a.targets.map((t, i) => ({ effective_from: t.from, ...(a.targets[i + 1] ? { until: a.targets[i + 1]!.from } : {}), model: t.model, source: t.source }));
  aliases.push({ provider: a.provider, name: a.name, targets });
  decisions.push(`- alias \`${a.provider}/${a.name}\`: ${a.why}`);
}

for (const rule of REGIONAL_RULES) {
  for (const m of models.values()) if (m.provider === rule.provider && rule.match.test(m.id)) m.regions = { ...m.regions, '*': rule.multiplier };
}
// ---------------------------------------------------------------- supplements
// LiteLLM has no cached-audio rate for Gemini; genai-prices has. Where the two agree on the
// current input and cache-read rates, its cached-audio rate joins the current price (before
// derive(), so the batch tier gets its half too). Without it cached audio would be priced at
// the cache-read rate: 7x under on gemini-2.0-flash.
const genai = readJson('genai-prices/data.json') as GenaiProvider[];
const supplemented: string[] = [];
for (const gp of genai) {
  const provider = canonicalProvider(gp.id);
  if (!provider) continue;
  for (const m of models.values()) {
    const c = m.prices.at(-1)?.rates;
    if (m.provider !== provider || !c || c.cache_read_audio !== undefined || c.input === undefined || c.cache_read === undefined) continue;
    const gm = gp.models.find((x) => genaiMatches(x.match, m.id));
    const prices = gm && genaiPriceAt(gm, '2026-08-21');
    const g = prices ? mapGenaiPrices(prices).rates : undefined;
    if (!g?.cache_read_audio || !g.input || !g.cache_read || !new Dec(g.input).eq(c.input) || !new Dec(g.cache_read).eq(c.cache_read)) continue;
    c.cache_read_audio = g.cache_read_audio;
    supplemented.push(`\`${m.provider}/${m.id}\` ${g.cache_read_audio}`);
  }
}
if (supplemented.length > 0) decisions.push(`- cached audio input (\`cache_read_audio\`, per token) from genai-prices (2026-08-21), where it agrees with LiteLLM on the input and cache-read rates: ${supplemented.sort().join(', ')}.`);

for (const m of models.values()) for (const p of m.prices) derive(m, p);

// ---------------------------------------------------------------- disagreements (for the record)
const disagreements: string[] = [];
for (const gp of genai) {
  const provider = canonicalProvider(gp.id);
  if (!provider) continue;
  for (const m of models.values()) {
    if (m.provider !== provider) continue;
    const gm = gp.models.find((x) => genaiMatches(x.match, m.id));
    const prices = gm && genaiPriceAt(gm, '2026-08-21');
    if (!gm || !prices) continue;
    const g = mapGenaiPrices(prices).rates;
    const c = m.prices.at(-1)!.rates;
    if (g.input !== undefined && c.input !== undefined && (!new Dec(g.input).eq(c.input) || (g.output && c.output && !new Dec(g.output).eq(c.output)))) {
      disagreements.push(`| ${m.provider}/${m.id} | ${c.input} / ${c.output ?? '-'} | ${g.input} / ${g.output ?? '-'} (${gm.id}) | ${m.prices.at(-1)!.source} |`);
    }
  }
}

// ---------------------------------------------------------------- write
const rateOrder = (r: RateTable): RateTable => Object.fromEntries(RATE_KEYS.filter((k) => r[k] !== undefined).map((k) => [k, r[k]])) as RateTable;
const lcOrder = (l: LongContextTier[] | undefined) => l?.map((t) => ({ threshold: t.threshold, rates: rateOrder(t.rates) }));
function priceOrder(p: CatalogPrice): CatalogPrice {
  const out: CatalogPrice = { effective_from: p.effective_from, ...(p.until ? { until: p.until } : {}), source: p.source, ...(p.note ? { note: p.note } : {}), rates: rateOrder(p.rates) };
  if (p.long_context) out.long_context = lcOrder(p.long_context)!;
  if (p.tiers) {
    out.tiers = {};
    for (const t of SERVICE_TIERS) {
      const tp = p.tiers[t];
      if (tp) out.tiers[t] = { rates: rateOrder(tp.rates), ...(tp.long_context ? { long_context: lcOrder(tp.long_context)! } : {}) };
    }
  }
  if (p.off_peak) out.off_peak = { start: p.off_peak.start, end: p.off_peak.end, rates: rateOrder(p.off_peak.rates) };
  return out;
}
const modelOrder = (m: CatalogModel): CatalogModel => ({
  provider: m.provider, id: m.id, ...(m.aliases ? { aliases: m.aliases } : {}),
  ...(m.regions ? { regions: Object.fromEntries(Object.entries(m.regions).sort(([a], [b]) => a.localeCompare(b))) } : {}),
  prices: m.prices.map(priceOrder),
});
const sortedModels = [...models.values()].map(modelOrder).sort((a, b) => a.provider.localeCompare(b.provider) || a.id.localeCompare(b.id));
const file: CatalogFile = {
  schema: 1,
  currency: 'USD',
  sources: {
    litellm: { name: 'LiteLLM model_prices_and_context_window.json', upstream: 'BerriAI/litellm', as_of: '2026-07-24', license: 'MIT' },
    'litellm-2025-09': { name: 'LiteLLM price map as bundled by tokencost', upstream: 'BerriAI/litellm via AgentOps-AI/tokencost', as_of: '2025-09-01', license: 'MIT' },
    'genai-prices': { name: 'genai-prices data.json', upstream: 'pydantic/genai-prices', as_of: '2026-08-21', license: 'MIT' },
    'models.dev': { name: 'models.dev cost tables', upstream: 'anomalyco/models.dev', as_of: '2026-07-02', license: 'MIT' },
    curated: { name: 'hand-curated history in scripts/build-catalog.ts (provider announcements cited there)', upstream: 'ratecard', as_of: '2026-08-21', license: 'MIT' },
  },
  providers: Object.fromEntries(Object.entries(PROVIDERS).map(([id, p]) => [id, { name: p.name, synonyms: [...p.synonyms] }])),
  models: sortedModels,
  aliases: aliases.sort((a, b) => a.provider.localeCompare(b.provider) || a.name.localeCompare(b.name)),
};
// One model per line: compact, yet diffs stay readable when a price changes.
const text = [
  '{"schema":1,"currency":"USD",',
  `"sources":${JSON.stringify(file.sources)},`,
  `"providers":${JSON.stringify(file.providers)},`,
  '"aliases":[',
  file.aliases.map((a) => JSON.stringify(a)).join(',\n'),
  '],',
  '"models":[',
  file.models.map((m) => JSON.stringify(m)).join(',\n'),
  ']}',
  '',
].join('\n');
mkdirSync(OUT_DIR, { recursive: true });
writeFileSync(join(OUT_DIR, 'catalog.json'), text);
const md = [
  '# Catalog decisions',
  '',
  'Generated by `scripts/build-catalog.ts`; do not edit by hand. Where the sources disagree, this',
  'file records what the catalog uses and why. Primary source: LiteLLM (2026-07-24) for current',
  'prices, its 2025-09 copy for models since removed upstream; hand-curated history wins over both.',
  `A model with no date in its id and no models.dev release date is priced from ${FLOOR}.`,
  'Derived prices: Anthropic cache writes 1.25× (5m) / 2× (1h) input and reads 0.1× where a source',
  `omits them; a 50% batch tier for providers documenting one (${[...BATCH_HALF].join(', ')}).`,
  '',
  '## Curated history and aliases',
  '',
  ...decisions,
  '',
  '## Current price differs from genai-prices (2026-08-21)',
  '',
  'The catalog keeps its source (last column) unless a curated entry above says otherwise; the',
  'cross-check test requires every current price to equal some source or `data/price-exceptions.json`.',
  '',
  '| model | catalog input / output per token | genai-prices | catalog source |',
  '|---|---|---|---|',
  ...disagreements.sort(),
  '',
].join('\n');
writeFileSync(join(OUT_DIR, 'decisions.md'), md);
const licenses: [string, string, string][] = [
  ['LiteLLM (BerriAI/litellm), model_prices_and_context_window.json, 2026-07-24', 'litellm/LICENSE', 'https://github.com/BerriAI/litellm'],
  ['LiteLLM price map as bundled by AgentOps-AI/tokencost, 2025-09-01', 'litellm-2025-09/LICENSE.tokencost', 'https://github.com/AgentOps-AI/tokencost'],
  ['genai-prices (pydantic/genai-prices), data.json, 2026-08-21', 'genai-prices/LICENSE', 'https://github.com/pydantic/genai-prices'],
  ['models.dev (anomalyco/models.dev), cost tables, 2026-07-02', 'models.dev/LICENSE', 'https://github.com/anomalyco/models.dev'],
];
const attribution = [
  '# Attribution',
  '',
  '`data/catalog.json` is derived from the following MIT-licensed price tables (prices are facts;',
  'the derived data keeps their notices). Generated by `scripts/build-catalog.ts`.',
  '',
  ...licenses.flatMap(([what, path, url]) => [`## ${what}`, '', url, '', '```', readFileSync(join(REF, path), 'utf8').trimEnd(), '```', '']),
].join('\n');
writeFileSync(join(OUT_DIR, 'ATTRIBUTION.md'), attribution);
process.stderr.write(`catalog: ${sortedModels.length} models (${nCurrent} current LiteLLM, ${nRetired} retired), ${aliases.length} aliases, ${new Set(sortedModels.map((m) => m.provider)).size} providers → ${OUT_DIR}\n`);

/**
 * Quote latency: a compiled ratecard (model rates + markup + discount + graduated tier)
 * against a float baseline and a plain decimal.js baseline, in the same run.
 * Run: npx tsx bench/quote.bench.ts
 */
import { Dec } from '../src/money/index.js';
import { compileRatecard } from '../src/compile/index.js';
import type { PricingDocument } from '../src/pricing/document.js';
import type { QuoteRequest } from '../src/engine/types.js';
import { formatNs, measure, row, type Stats } from './util.js';

const doc: PricingDocument = {
  currency: 'USD',
  models: [
    { id: 'gpt-4o', provider: 'openai', aliases: ['gpt-4o-2024-08-06'], rates: { input: '0.0000025', cache_read: '0.00000125', output: '0.00001' } },
    { id: 'claude-sonnet-4-5', provider: 'anthropic', rates: { input: '0.000003', cache_read: '0.0000003', cache_write_5m: '0.00000375', output: '0.000015' } },
  ],
  rules: [
    { type: 'markup', percent: '20' },
    { type: 'discount', percent: '10', when: [{ attribute: 'customer', op: 'eq', values: ['acme'] }] },
  ],
  tiers: [{ mode: 'graduated', meter: 'output_tokens', period: 'monthly', tiers: [{ up_to: '1000000', unit_price: '0.00001' }, { up_to: '10000000', unit_price: '0.000008' }, { unit_price: '0.000006' }] }],
  plans: [],
  budgets: [],
};

const rc = compileRatecard(doc);
const request: QuoteRequest = {
  model: 'gpt-4o',
  usage: { input: 1200, cache_read: 800, output: 350 },
  attributes: { customer: 'acme' },
  period: { quantities: { output_tokens: '999900' } },
};

// (a) float: the inexact floor.
const p1 = 2.5e-6, p2 = 1e-5;
let tokIn = 1200, tokOut = 350;
const floatBaseline = () => tokIn * p1 + tokOut * p2;

// (b) plain decimal.js: in/cached/out + markup + discount, formatted.
const dIn = new Dec('0.0000025'), dCached = new Dec('0.00000125'), dOut = new Dec('0.00001');
const dMarkup = new Dec('1.2'), dDiscount = new Dec('0.9');
const decimalBaseline = () =>
  dIn.times(tokIn).plus(dCached.times(800)).plus(dOut.times(tokOut)).times(dMarkup).times(dDiscount).toFixed();

const quote = () => rc.quote(request);

console.log(`quote: ${JSON.stringify(quote().price)} (lines: ${quote().lines.length})`);
const results: [string, Stats][] = [
  ['float in*p1+out*p2', measure(floatBaseline, { iterations: 20_000, batch: 1000, warmup: 2_000_000 })],
  ['decimal.js in/cached/out+markup+discount', measure(decimalBaseline, { iterations: 200_000, warmup: 50_000 })],
  ['ratecard quote (markup+discount+graduated)', measure(quote, { iterations: 200_000, warmup: 50_000 })],
];
tokIn++, tokOut++;
const widths = [44, 12, 12, 12];
console.log(row(['case', 'median', 'p99', 'mean'], widths));
for (const [name, s] of results) console.log(row([name, formatNs(s.median), formatNs(s.p99), formatNs(s.mean)], widths));
const [f, d, q] = results.map(([, s]) => s.median) as [number, number, number];
console.log(`\nratios (median): quote/decimal.js = ${(q / d).toFixed(2)}×, quote/float = ${(q / Math.max(f, 0.1)).toFixed(0)}×`);
console.log(`target median ≤ 2 µs: ${q <= 2000 ? 'met' : 'NOT met'} (${formatNs(q)})`);

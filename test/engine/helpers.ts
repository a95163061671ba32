import { Dec, formatDecimal } from '../../src/money/index.js';
import type { SourceSpan } from '../../src/errors/diagnostic.js';
import type { ModelPricing, PricingDocument } from '../../src/pricing/document.js';
import type { Quote } from '../../src/engine/types.js';
import { RatecardError } from '../../src/errors/index.js';

export function doc(partial: Partial<PricingDocument> = {}): PricingDocument {
  return { currency: 'USD', models: [], rules: [], tiers: [], plans: [], budgets: [], ...partial };
}

/** $2.50 / $1.25 cached / $10 per 1M tokens, stored per token. */
export const GPT4O: ModelPricing = {
  id: 'gpt-4o',
  provider: 'openai',
  aliases: ['gpt-4o-2024-08-06'],
  rates: { input: '0.0000025', cache_read: '0.00000125', output: '0.00001' },
};

/** $3 / $15 per 1M, cache read 0.1×, 5m write 1.25×, 1h write 2×; above 200k prompt: $6 / $22.50 and doubled cache rates. */
export const SONNET: ModelPricing = {
  id: 'claude-sonnet-4-5',
  provider: 'anthropic',
  rates: { input: '0.000003', cache_read: '0.0000003', cache_write_5m: '0.00000375', cache_write_1h: '0.000006', output: '0.000015' },
  long_context: [{ threshold: '200000', rates: { input: '0.000006', cache_read: '0.0000006', cache_write_5m: '0.0000075', cache_write_1h: '0.000012', output: '0.0000225' } }],
};

export function span(line: number, column: number): SourceSpan {
  return { start: { line, column, offset: 0 }, end: { line, column: column + 1, offset: 1 } };
}

/** Exact sum of a quote's line amounts, as a canonical decimal string. */
export function sumLines(q: Quote): string {
  return formatDecimal(q.lines.reduce((acc, l) => acc.plus(new Dec(l.amount)), new Dec(0)));
}

export { errorOf } from '../support/errors.js';

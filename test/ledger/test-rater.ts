/**
 * A small, exact Rater for ledger tests (the real compiled ratecard lives in src/compile):
 * per-model input/output rates, optional graduated tiers on output tokens per period
 * (charged as f(Q_after) − f(Q_before)), optional cap on period spend.
 */
import { Dec, formatDecimal, ZERO, type Decimal } from '../../src/money/index.js';
import { RatecardError } from '../../src/errors/index.js';
import type { Quote, QuoteLine, QuoteRequest, Rater } from '../../src/engine/types.js';

export interface TestRaterOptions {
  version?: string;
  currency?: string;
  models?: Record<string, { input: string; output: string }>;
  /** Graduated tiers on output tokens: [upTo (undefined = unbounded), unit price]. */
  tiers?: Array<[number | undefined, string]>;
  cap?: string;
  markup?: string; // multiplier
}

export function testRater(o: TestRaterOptions = {}): Rater {
  const models = o.models ?? { 'gpt-test': { input: '0.000001', output: '0.000004' }, 'big-model': { input: '0.00001', output: '0.00003' } };
  const currency = o.currency ?? 'USD';
  const graduated = (q: Decimal): Decimal => {
    let total = ZERO;
    let prev = ZERO;
    for (const [upTo, price] of o.tiers ?? []) {
      const top = upTo === undefined ? q : Dec.min(q, upTo);
      if (top.gt(prev)) total = total.plus(top.minus(prev).times(price));
      if (upTo === undefined || q.lte(upTo)) break;
      prev = new Dec(upTo);
    }
    return total;
  };
  return {
    version: o.version ?? 'test-v1',
    quote(req: QuoteRequest): Quote {
      const m = models[req.model];
      if (!m) throw new RatecardError('model_not_found', `unknown model \`${req.model}\``, { details: { suggestions: [] } });
      const input = new Dec(String(req.usage.input ?? 0));
      const output = new Dec(String(req.usage.output ?? 0));
      const lines: QuoteLine[] = [];
      const cost = input.times(m.input).plus(output.times(m.output));
      lines.push({ kind: 'usage', component: 'input', quantity: formatDecimal(input), unit_price: m.input, amount: formatDecimal(input.times(m.input)), rule: `model ${req.model} input` });
      if (o.tiers) {
        const before = new Dec(req.period?.quantities?.output_tokens ?? '0');
        const charge = graduated(before.plus(output)).minus(graduated(before));
        lines.push({ kind: 'tier', component: 'output_tokens', quantity: formatDecimal(output), amount: formatDecimal(charge), rule: 'tiers graduated on output tokens' });
      } else {
        lines.push({ kind: 'usage', component: 'output', quantity: formatDecimal(output), unit_price: m.output, amount: formatDecimal(output.times(m.output)), rule: `model ${req.model} output` });
      }
      if (o.markup) {
        const sub = lines.reduce((a, l) => a.plus(l.amount), ZERO);
        lines.push({ kind: 'markup', amount: formatDecimal(sub.times(new Dec(o.markup).minus(1))), rule: `markup ×${o.markup}` });
      }
      let price = lines.reduce((a, l) => a.plus(l.amount), ZERO);
      if (o.cap) {
        const spent = new Dec(req.period?.spend ?? '0');
        const room = Dec.max(ZERO, new Dec(o.cap).minus(spent));
        if (price.gt(room)) {
          lines.push({ kind: 'cap', amount: formatDecimal(room.minus(price)), rule: `cap ${o.cap}` });
          price = room;
        }
      }
      return {
        currency, cost: formatDecimal(cost), price: formatDecimal(price), lines, model: req.model,
        price_version: `test:${req.model}`,
        metered: { tokens: formatDecimal(input.plus(output)), output_tokens: formatDecimal(output), requests: '1' },
      };
    },
  };
}

export const T0 = Date.parse('2025-03-01T00:00:00Z');
export const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { buildInvoice, createLedger, formatInvoiceCsv, formatInvoiceText, type LedgerEntry } from '../../src/ledger/index.js';
import { createMemoryStorage } from '../../src/storage/memory.js';
import { loadRatecard } from '../../src/ratecard.js';
import { Dec, ZERO } from '../../src/money/index.js';
import type { PricingDocument } from '../../src/pricing/document.js';
import { testRater } from './test-rater.js';

const doc = (plan: Partial<PricingDocument['plans'][number]> = {}, rounding = 'half_even'): PricingDocument => ({
  currency: 'USD', models: [], rules: [], tiers: [], budgets: [], rounding: { mode: rounding },
  plans: [{ name: 'pro', period: 'monthly', fee: '49.00', minimum: '60', ...plan }],
});

async function ledgerWith(events: Array<{ id: string; at?: string; model?: string; input: number; output: number; agent?: string; conversation?: string; customer?: string; status?: 'incomplete' }>) {
  const l = createLedger({ storage: createMemoryStorage(), ratecard: testRater({ models: { small: { input: '0.0000015', output: '0.0000061' }, large: { input: '0.00001', output: '0.00003' } } }) });
  for (const e of events) {
    await l.record({
      id: e.id, at: e.at ?? '2025-03-10T12:00:00Z', model: e.model ?? 'small',
      ...(e.status ? { status: e.status } : { usage: { input: e.input, output: e.output } }),
      attributes: { customer: e.customer ?? 'acme', plan: 'pro', ...(e.agent ? { agent: e.agent } : {}), ...(e.conversation ? { conversation: e.conversation } : {}) },
    });
  }
  return l;
}

describe('invoices', () => {
  it('fee, usage by model and token kind, minimum true-up, breakdowns; rounded once; lines sum to the total', async () => {
    const l = await ledgerWith([
      { id: '1', input: 1_000_001, output: 333_333, agent: 'support', conversation: 'c1' },
      { id: '2', input: 2_000_000, output: 10, agent: 'support', conversation: 'c2' },
      { id: '3', model: 'large', input: 100_000, output: 50_000, agent: 'sales', conversation: 'c2' },
      { id: '4', input: 5, output: 5, customer: 'globex' },
      { id: '5', input: 5, output: 5, at: '2025-04-01T00:00:00Z' },
      { id: '6', input: 0, output: 0, status: 'incomplete' },
    ]);
    const inv = await l.invoice({ customer: 'acme', period: '2025-03', document: doc() });
    expect(inv).toMatchObject({ customer: 'acme', period: '2025-03', currency: 'USD', plan: 'pro', entries: 4, rounding: 'half_even' });
    expect(inv.lines.map((x) => [x.kind, x.description, x.quantity ?? null, x.amount])).toEqual([
      ['fee', 'plan pro fee (monthly)', null, '49.00'],
      ['usage', 'large input', '100000', '1.00'],
      ['usage', 'large output', '50000', '1.50'],
      ['usage', 'small input', '3000001', '4.50'],
      ['usage', 'small output', '333343', '2.03'],
      ['minimum', 'minimum commitment 60 (true-up)', null, '1.97'],
    ]);
    expect(inv.total).toBe('60.00');
    const sum = inv.lines.reduce((a, x) => a.plus(x.amount), ZERO);
    expect(sum.toFixed(2)).toBe(inv.total);
    expect(inv.lines[4]!.exact).toBe('2.0333923');
    expect(inv.breakdowns.agent).toEqual([
      { value: 'support', amount: '6.53', entries: 2 },
      { value: 'sales', amount: '2.50', entries: 1 },
    ]);
    expect(inv.breakdowns.conversation.map((b) => b.value)).toEqual(['c2', 'c1']);
    expect(inv.problems).toMatchObject({ unpriced: 1, by_reason: { incomplete: 1 }, examples: [{ key: '6', reason: 'incomplete' }] });
    const text = formatInvoiceText(inv);
    expect(text).toMatch(/Invoice for acme, period 2025-03, plan pro/);
    expect(text).toMatch(/Total\s+60\.00/);
    expect(text).toMatch(/warning: 1 call is not priced/);
    const csv = formatInvoiceCsv(inv).split('\r\n');
    expect(csv[0]).toBe('customer,period,currency,kind,description,model,component,quantity,unit_price,amount');
    expect(csv[2]).toBe('acme,2025-03,USD,usage,large input,large,input,100000,0.00001,1.00');
    expect(csv.at(-2)).toBe('acme,2025-03,USD,total,Total,,,,,60.00');
  });

  it('lists what priced calls were warned of (a fallback rate stood in), with how many calls', async () => {
    const ratecard = loadRatecard('currency: USD\npricing:\n  gpt-4o:\n    input: 2.50 per 1M\n    output: 10 per 1M\n', { filename: 'fallback.yaml' });
    const l = createLedger({ storage: createMemoryStorage(), ratecard });
    const call = (id: string, usage: Record<string, number>) =>
      l.record({ id, at: '2025-03-10T12:00:00Z', provider: 'openai', model: 'gpt-4o', usage, attributes: { customer: 'acme' } });
    await call('a', { prompt_tokens: 1000, completion_tokens: 10, prompt_tokens_details: { cached_tokens: 400 } } as never);
    await call('b', { prompt_tokens: 2000, completion_tokens: 10, prompt_tokens_details: { cached_tokens: 1000 } } as never);
    await call('c', { prompt_tokens: 10, completion_tokens: 10 } as never);
    const inv = await l.invoice({ customer: 'acme', period: '2025-03' });
    const warning = '`cache_read` priced at the `input` rate: model gpt-4o has no `cache_read` rate (providers price it differently; add one to be exact)';
    expect(inv.problems.warnings).toEqual([{ warning, calls: 2 }]);
    expect(inv.problems.unpriced).toBe(0);
    expect(formatInvoiceText(inv)).toContain(`\nwarning: 2 calls: ${warning}\n`);
    const clean = await createLedger({ storage: createMemoryStorage(), ratecard }).invoice({ customer: 'acme', period: '2025-03' });
    expect(clean.problems.warnings).toEqual([]);
    expect(formatInvoiceText(clean)).not.toContain('warning');
  });

  it('applies the invoice cap on usage and uses the declared rounding mode', async () => {
    const l = await ledgerWith([{ id: '1', model: 'large', input: 1_000_000, output: 1_000_000 }]);
    const inv = await l.invoice({ customer: 'acme', period: '2025-03', document: doc({ fee: undefined, minimum: undefined, cap: '25.005' }, 'up') });
    expect(inv.lines.map((x) => [x.kind, x.amount])).toEqual([['usage', '10.00'], ['usage', '30.00'], ['cap', '-14.99']]);
    expect(inv.total).toBe('25.01');
  });

  it('nets reversals and corrections from a rerate', async () => {
    const l = await ledgerWith([{ id: '1', input: 1_000_000, output: 0 }]);
    await l.rerate({ from: '2025-03-01', to: '2025-04-01', ratecard: testRater({ version: 'v2', models: { small: { input: '0.000002', output: '0' } } }) });
    const inv = await l.invoice({ customer: 'acme', period: '2025-03', document: doc({ fee: undefined, minimum: undefined }) });
    expect(inv.lines.filter((x) => x.amount !== '0.00').map((x) => [x.description, x.quantity, x.amount])).toEqual([['small input', '1000000', '2.00']]);
    expect(inv.total).toBe('2.00');
  });

  it('refuses an unknown plan and a malformed period', async () => {
    const l = await ledgerWith([{ id: '1', input: 1, output: 1 }]);
    await expect(l.invoice({ customer: 'acme', period: '2025-03', plan: 'gold', document: doc() })).rejects.toMatchObject({ code: 'plan_not_found' });
    await expect(l.invoice({ customer: 'acme', period: 'March' })).rejects.toMatchObject({ code: 'period_invalid' });
  });

  it('property: rounded lines always sum exactly to the total, which is the exact sum rounded once', () => {
    const amount = fc.bigInt({ min: -(10n ** 9n), max: 10n ** 10n }).map((n) => new Dec(n.toString()).div(1e7).toFixed());
    fc.assert(
      fc.property(fc.array(fc.tuple(amount, fc.constantFrom('a', 'b', 'c', undefined)), { minLength: 1, maxLength: 30 }), fc.constantFrom('USD', 'JPY', 'KWD'), (items, currency) => {
        const entries = items.map(([price, agent], i): LedgerEntry => ({
          v: 1, seq: i + 1, key: `k${i}`, type: 'usage', at: '2025-03-05T00:00:00.000Z', hash: '', prev_hash: '', payload_hash: '', encrypted: false, recorded_at: '',
          event: { at: '2025-03-05T00:00:00.000Z', model: `m${i % 3}`, status: 'ok' },
          attributes: { customer: 'c', ...(agent ? { agent } : {}) },
          rating: { status: 'priced', currency, cost: price, price, lines: [{ kind: 'usage', component: 'input', quantity: '1', unit_price: price, amount: price, rule: 'r' }], ratecard_version: 'v', period: { key: '2025-03', state: {} } },
        }));
        const inv = buildInvoice(entries, { customer: 'c', period: '2025-03', document: { ...doc({ minimum: '3' }), currency } });
        const places = currency === 'JPY' ? 0 : currency === 'KWD' ? 3 : 2;
        const sum = inv.lines.reduce((a, x) => a.plus(x.amount), ZERO);
        expect(sum.toFixed(places)).toBe(inv.total);
        const exact = inv.lines.reduce((a, x) => a.plus(x.exact), ZERO);
        expect(exact.toDecimalPlaces(places, Dec.ROUND_HALF_EVEN).toFixed(places)).toBe(inv.total);
        for (const x of inv.lines) expect(x.amount).toMatch(places === 0 ? /^-?\d+$/ : new RegExp(`^-?\\d+\\.\\d{${places}}$`));
        const usage = inv.lines.filter((x) => x.kind === 'usage').reduce((a, x) => a.plus(x.amount), ZERO);
        expect(inv.breakdowns.agent.reduce((a, b) => a.plus(b.amount), ZERO).eq(usage)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('works end to end with a compiled pricing file (enterprise plan example)', async () => {
    const source = readFileSync('pricing-examples/enterprise-plan.yaml', 'utf8');
    const ratecard = loadRatecard(source, { filename: 'enterprise-plan.yaml' });
    const l = createLedger({ storage: createMemoryStorage(), ratecard });
    await l.record({ id: 'a', at: '2025-06-02T10:00:00Z', provider: 'openai', model: 'gpt-4.1', usage: { prompt_tokens: 120_000_000, completion_tokens: 2_000_000 }, attributes: { customer: 'acme', plan: 'enterprise', agent: 'bot' } });
    await l.record({ id: 'b', at: '2025-06-03T10:00:00Z', provider: 'openai', model: 'gpt-4.1', usage: { prompt_tokens: 1_000, completion_tokens: 9_000_000 }, attributes: { customer: 'acme', plan: 'enterprise', agent: 'bot' } });
    const b = await l.get('b');
    expect(b?.rating).toMatchObject({ status: 'priced', ratecard_version: ratecard.version, period: { key: '2025-06' } });
    if (b?.rating.status === 'priced') expect(Object.keys(b.rating.period.state.quantities ?? {}).length).toBeGreaterThan(0);
    const inv = await l.invoice({ customer: 'acme', period: '2025-06' });
    expect(inv.plan).toBe('enterprise');
    expect(inv.lines[0]).toMatchObject({ kind: 'fee', amount: '500.00' });
    const sum = inv.lines.reduce((a, x) => a.plus(x.amount), ZERO);
    expect(sum.toFixed(2)).toBe(inv.total);
    expect(new Dec(inv.total).gte(1000)).toBe(true);
    expect(await l.verify()).toMatchObject({ ok: true, rerated: 2, mismatches: [] });
  });
});

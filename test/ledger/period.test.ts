/** The ledger's one period for tier and cap state: taken from the ratecard, and a ratecard mixing periods is refused. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isRatecardError } from '../../src/errors/index.js';
import { createLedger } from '../../src/ledger/index.js';
import { ledgerPeriod } from '../../src/ledger/period.js';
import { loadRatecard } from '../../src/ratecard.js';
import { createMemoryStorage } from '../../src/storage/memory.js';

const card = (tiers: string) =>
  loadRatecard(
    `name: t\ncurrency: USD\npricing:\n  m:\n    provider: p\n    input: 1 per 1M\n    output: 2 per 1M\ntiers:\n${tiers}`,
    { filename: 't.yaml' },
  );
const tier = (name: string, period: string) =>
  `  - name: ${name}\n    meter: input_tokens\n    period: ${period}\n    graduated:\n      - up_to: 1M\n        price: 1 per 1M\n      - price: 0.5 per 1M\n`;

describe('ledger period', () => {
  it("takes the ratecard's own period when it has no plan (a daily tier is counted daily)", async () => {
    const l = createLedger({ storage: createMemoryStorage(), ratecard: card(tier('a', 'daily')) });
    expect(l.period).toBe('daily');
    const e = await l.record({ id: 'x', at: '2025-03-14T10:00:00Z', provider: 'p', model: 'm', usage: { input: 10, output: 0 }, attributes: { customer: 'c' } });
    expect(e.rating).toMatchObject({ period: { key: '2025-03-14' } });
  });

  it('refuses tiers that count over different periods, naming each: at load (period_mixed) and in the ledger (period_mismatch)', () => {
    let err: unknown;
    try {
      card(tier('a', 'monthly') + tier('b', 'daily'));
    } catch (e) {
      err = e;
    }
    expect(isRatecardError(err) && err.diagnostics.map((d) => d.code)).toEqual(['period_mixed']);
    // A document that skipped the checks (built by hand) still cannot reach a ledger.
    const doc = { currency: 'USD', models: [], rules: [], budgets: [], plans: [{ name: 'pro', period: 'monthly' as const }], tiers: [{ name: 'b', mode: 'graduated' as const, meter: 'tokens' as const, period: 'daily' as const, tiers: [{ unit_price: '1' }] }] };
    expect(() => ledgerPeriod(doc, undefined)).toThrow(/tiers "b" on tokens counts daily/);
    try {
      ledgerPeriod(doc, undefined);
    } catch (e) {
      expect(isRatecardError(e) && e.code).toBe('period_mismatch');
    }
  });

  it('refuses a `period` option the ratecard does not count over; accepts the matching one', () => {
    expect(() => createLedger({ storage: createMemoryStorage(), ratecard: card(tier('a', 'monthly')), period: 'weekly' })).toThrow(/period_mismatch|monthly/);
    expect(createLedger({ storage: createMemoryStorage(), ratecard: card(tier('a', 'monthly')), period: 'monthly' }).period).toBe('monthly');
  });

  it('every example file opens a ledger (their plans and tiers agree)', () => {
    for (const f of ['enterprise-plan.yaml', 'volume-tiers.yaml', 'volume-tiers.rate', 'enterprise-plan.rate']) {
      const rc = loadRatecard(readFileSync(new URL(`../../pricing-examples/${f}`, import.meta.url), 'utf8'), { filename: f });
      expect(() => createLedger({ storage: createMemoryStorage(), ratecard: rc })).not.toThrow();
    }
  });
});

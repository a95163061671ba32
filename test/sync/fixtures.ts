/** A ledger with priced entries for the sync tests. */
import { createLedger, type Ledger } from '../../src/ledger/index.js';
import type { UsageEvent } from '../../src/ledger/event.js';
import type { LedgerStorage } from '../../src/storage/types.js';
import { createMemoryStorage } from '../../src/storage/memory.js';
import { testRater } from '../ledger/test-rater.js';

export const clock = () => new Date('2025-04-01T00:00:00Z');

export function usage(i: number, extra: Partial<UsageEvent> = {}): UsageEvent {
  return {
    id: `req-${i}`, at: new Date(Date.UTC(2025, 2, 1, 0, 0, i % 3600)).toISOString(), provider: 'openai', model: 'gpt-test',
    usage: { input: 1000 + i, output: 500 }, attributes: { customer: `cust-${i % 3}`, agent: 'support' }, ...extra,
  };
}

export function makeLedger(storage: LedgerStorage = createMemoryStorage()): Ledger {
  return createLedger({ storage, ratecard: testRater(), clock });
}

export async function fill(ledger: Ledger, n: number, from = 0): Promise<void> {
  await Promise.all(Array.from({ length: n }, (_, i) => ledger.record(usage(from + i))));
}

/** Resolve when `cond` holds (polling), or fail after `ms`. */
export async function eventually(cond: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

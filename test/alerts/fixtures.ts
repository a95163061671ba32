/** A ratecard whose calls cost exactly $1 per 1000 input tokens, and budgets over it. */
import { loadRatecard } from '../../src/ratecard.js';
import { createLedger, type Ledger } from '../../src/ledger/index.js';
import type { UsageEvent } from '../../src/ledger/event.js';
import { createMemoryStorage } from '../../src/storage/memory.js';
import type { LedgerStorage } from '../../src/storage/types.js';

export const SOURCE = `ratecard "budget-test"
currency USD

model "m1" (provider acme) {
  input 1000.00 per 1M tokens
  output 0.00 per 1M tokens
}

budget "cust" per customer monthly 10.00 {
  alert at 50%, 80%, 100%
  hard limit
}

budget "agent daily" per agent daily 3.00 {
  alert at 90%
}

budget "trial teams" per team weekly 2.00 when segment = "trial" {
  hard limit
}
`;

export const ratecard = loadRatecard(SOURCE);

export function makeLedger(storage: LedgerStorage = createMemoryStorage()): Ledger {
  return createLedger({ storage, ratecard, clock: () => new Date('2025-03-20T00:00:00Z') });
}

let n = 0;
/** A call costing `dollars` (whole dollars) on 2025-03-<day>. */
export function call(dollars: number, attributes: Record<string, string> = { customer: 'acme' }, day = 10, extra: Partial<UsageEvent> = {}): UsageEvent {
  return { id: `c-${n++}`, at: `2025-03-${String(day).padStart(2, '0')}T12:00:00Z`, provider: 'acme', model: 'm1', usage: { input: dollars * 1000, output: 0 }, attributes, ...extra };
}

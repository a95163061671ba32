/**
 * Month-end invoicing of a file ledger: a billing run (`ledger.invoices`, one pass) against
 * `ledger.invoice()` once per customer (the baseline), same file, same run, and checks that
 * both give the same invoices. The ledger holds two months; one is invoiced. Run: npx tsx
 * bench/invoice.bench.ts (BENCH_INVOICE_ENTRIES, default 40000; BENCH_INVOICE_CUSTOMERS, default 40).
 */
import { isDeepStrictEqual } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLedger, type Invoice } from '../src/ledger/index.js';
import { createFileStorage } from '../src/storage/file/index.js';

const N = Number(process.env.BENCH_INVOICE_ENTRIES ?? 40_000);
const CUSTOMERS = Number(process.env.BENCH_INVOICE_CUSTOMERS ?? 40);
const dir = mkdtempSync(join(tmpdir(), 'ratecard-invoice-bench-'));
const path = join(dir, 'usage.ledger');

try {
  const writer = createLedger({ storage: createFileStorage(path) });
  for (let i = 0; i < N; i += 1000) {
    await Promise.all(
      Array.from({ length: Math.min(1000, N - i) }, (_, j) => {
        const k = i + j;
        // Half in May, half in June; a few calls with no customer.
        return writer.record({ id: `e${k}`, at: new Date(Date.UTC(2025, 4 + (Math.floor(k / CUSTOMERS) % 2), 1 + (k % 28))).toISOString(), provider: 'openai', model: k % 3 ? 'gpt-4o' : 'gpt-4o-mini', usage: { prompt_tokens: 1000 + j, completion_tokens: 100 }, attributes: k % 97 ? { customer: `c${k % CUSTOMERS}`, agent: `a${k % 5}` } : { agent: 'orphan' } });
      }),
    );
  }
  await writer.close();

  const ledger = createLedger({ storage: createFileStorage(path, { readOnly: true }) });
  await ledger.aggregates(); // opened before timing either side
  const t0 = performance.now();
  const run = await ledger.invoices({ period: '2025-06' });
  const tRun = performance.now() - t0;
  const t1 = performance.now();
  const single: Invoice[] = [];
  for (const inv of run.invoices) single.push(await ledger.invoice({ customer: inv.customer, period: '2025-06' }));
  const tEach = performance.now() - t1;
  await ledger.close();
  if (!isDeepStrictEqual(single, run.invoices)) throw new Error('the billing run and invoice() per customer differ');
  console.log(`invoice ${run.invoices.length} customers for 2025-06 from a ${N}-entry file ledger (2 months): billing run ${tRun.toFixed(0)} ms; invoice() per customer ${tEach.toFixed(0)} ms (${(tEach / run.invoices.length).toFixed(0)} ms each) — ${(tEach / tRun).toFixed(1)}× (same invoices; ${run.unattributed.entries} entries with no customer counted)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

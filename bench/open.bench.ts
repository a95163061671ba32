/**
 * Opening a file ledger: a full replay of every entry (checkpoints off, the baseline) against
 * an open from the aggregates checkpoint, on the same file in the same run, each opened
 * several times in alternation. Run: npx tsx bench/open.bench.ts (BENCH_OPEN_ENTRIES, default
 * 50000; BENCH_OPEN_CUSTOMERS, default 50).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLedger, type LedgerOptions } from '../src/ledger/index.js';
import { createFileStorage } from '../src/storage/file/index.js';

const N = Number(process.env.BENCH_OPEN_ENTRIES ?? 50_000);
const CUSTOMERS = Number(process.env.BENCH_OPEN_CUSTOMERS ?? 50);
const dir = mkdtempSync(join(tmpdir(), 'ratecard-open-bench-'));
const path = join(dir, 'usage.ledger');
const open = (extra: Partial<LedgerOptions>) => createLedger({ storage: createFileStorage(path), ...extra });

try {
  const writer = open({});
  for (let i = 0; i < N; i += 1000) {
    await Promise.all(
      Array.from({ length: Math.min(1000, N - i) }, (_, j) =>
        writer.record({ id: `e${i + j}`, at: new Date(Date.UTC(2025, 5, 1 + ((i + j) % 28))).toISOString(), provider: 'openai', model: 'gpt-4o', usage: { prompt_tokens: 1000 + j, completion_tokens: 100 }, attributes: { customer: `c${(i + j) % CUSTOMERS}` } }),
      ),
    );
  }
  await writer.close(); // saves the checkpoint

  const times: Record<'replay' | 'checkpoint', number[]> = { replay: [], checkpoint: [] };
  for (let round = 0; round < 4; round++) {
    for (const kind of round % 2 ? (['replay', 'checkpoint'] as const) : (['checkpoint', 'replay'] as const)) {
      const l = open(kind === 'replay' ? { checkpointEvery: false } : {});
      const t0 = performance.now();
      await l.aggregates();
      times[kind].push(performance.now() - t0);
      if (kind === 'checkpoint' && l.openStats.replayed !== 0) throw new Error('the checkpoint was not used');
      await l.close();
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const replay = median(times.replay);
  const checkpoint = median(times.checkpoint);
  console.log(`open a ${N}-entry file ledger (${CUSTOMERS} customers), median of 4: full replay ${replay.toFixed(0)} ms (${((replay * 1000) / N).toFixed(1)} µs/entry); from the checkpoint ${checkpoint.toFixed(0)} ms — ${(replay / checkpoint).toFixed(1)}× faster (what is left: the file adapter's CRC and index scan)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

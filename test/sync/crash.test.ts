/**
 * A sync process SIGKILLed mid-batch (a request in flight, its events already applied by
 * the receiver, the ack not yet sent) and restarted resumes from its persisted cursor:
 * every entry reaches the receiver, which applies each id once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createFileStorage } from '../../src/storage/file/index.js';
import { Receiver } from './receiver.js';
import { eventually, fill, makeLedger } from './fixtures.js';

const child = fileURLToPath(new URL('./child/sync-child.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'ratecard-sync-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(path: string, url: string): { proc: ChildProcess; out: () => string; exit: Promise<number | null> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', child, path, url], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d) => (out += String(d)));
  proc.stderr!.on('data', (d) => (out += String(d)));
  const exit = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  return { proc, out: () => out, exit };
}

describe('sync process killed mid-batch', () => {
  it('resumes from its cursor after SIGKILL, three times over, with nothing lost', async () => {
    // Each child sends at most 8 batches of 20 before it is killed (the hang is among any 7
    // consecutive requests, and the window lets one more go past it): 3 × 160 < N, so some
    // entries are always left for the last run. (With 400, a child whose hang fell last
    // could bring the three up to 400 and fail the check below: seen once in 12 runs.)
    const N = 600;
    const path = join(dir, 'ledger.rcl');
    const ledger = makeLedger(createFileStorage(path));
    await fill(ledger, N);
    await ledger.close();

    const rx = await new Receiver().start();
    try {
      // Every 7th request hangs after applying its events: the child gets killed while waiting for that ack.
      rx.fault = (r) => (r.n % 7 === 6 ? { delayMs: 30_000 } : undefined);
      for (let kill = 0; kill < 3; kill++) {
        const c = run(path, rx.url);
        const before = rx.requests.length;
        await eventually(() => rx.requests.length >= before + 7 || c.out().includes('done'), 20_000);
        expect(c.out()).not.toMatch(/done/);
        c.proc.kill('SIGKILL');
        expect(await c.exit).toBeNull();
      }
      const seenBefore = rx.applied.size;
      expect(seenBefore).toBeLessThan(N);
      rx.fault = () => undefined;
      const last = run(path, rx.url);
      expect(await last.exit).toBe(0);
      expect(last.out()).toMatch(new RegExp(`done ${N}`));
      expect(rx.applied.size).toBe(N);
      for (let i = 0; i < N; i++) expect(rx.applied.has(`req-${i}`)).toBe(true);
      expect(rx.duplicates).toBeGreaterThan(0); // the killed batches were re-sent and deduplicated
      const storage = createFileStorage(path);
      await storage.open();
      expect(await storage.getMeta('sync:http:cursor')).toBe(String(N));
      await storage.close();
    } finally {
      await rx.stop();
    }
  });
});

import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { createTracker, type Tracker } from '../../src/intercept/index.js';
import type { UsageEvent } from '../../src/ledger/event.js';

/** An in-memory Recorder and the tracker over it. */
export function memoryTracker(): { events: UsageEvent[]; tracker: Tracker } {
  const events: UsageEvent[] = [];
  const tracker = createTracker({ recorder: { record: (e: UsageEvent) => void events.push(e) } });
  return { events, tracker };
}

export const user = (content: string) => [{ role: 'user' as const, content }];

/** Poll `cond` every 5 ms until it holds (`timed out waiting` after `ms`). */
export const until = async (cond: () => boolean, ms = 3_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
};

/** The provider emulator for this test file, started once and reset before each test: `emulator()`. */
export function useEmulator(): () => Emulator {
  let emu: Emulator | undefined;
  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(() => emu?.close());
  beforeEach(() => emu?.reset());
  return () => {
    if (!emu) throw new Error('the emulator is started in beforeAll: call emulator() inside a test');
    return emu;
  };
}

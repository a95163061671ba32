/**
 * Calls nobody finishes: the tracker's sweep records them long before shutdown (real
 * `openai` SDK against the local emulator). `tracker.sweep(now)` is driven with a clock
 * past `staleAfterMs`; one test lets the tracker's own timer do it.
 */
import OpenAI from 'openai';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { createTracker, track } from '../../src/intercept/index.js';
import { KEEP_WHILE_AWAITED, PendingCall } from '../../src/intercept/call.js';
import type { UsageEvent } from '../../src/ledger/event.js';
import { until, user } from './helpers.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

const STALE = 60_000;
const later = () => performance.now() + STALE + 1;

function setup(staleAfterMs = STALE) {
  const events: UsageEvent[] = [];
  const tracker = createTracker({ recorder: { record: (e: UsageEvent) => void events.push(e) }, staleAfterMs });
  const client = track(new OpenAI({ apiKey: 'test', baseURL: emu.openaiBaseURL, maxRetries: 0, timeout: 5_000 }), { tracker });
  /** Two sweeps: the first notes the call's progress, the second acts on a call that made none. */
  const sweepTwice = () => {
    tracker.sweep(later());
    tracker.sweep(later());
  };
  return { client, events, tracker, sweepTwice };
}

describe('stale calls', () => {
  it('a fire-and-forget call (never awaited) is read and recorded with its usage by the sweep', async () => {
    const { client, events, tracker, sweepTwice } = setup();
    const p = client.chat.completions.create({ model: 'gpt-4o', messages: user('one two three') });
    await until(() => emu.requests.length === 1);
    tracker.sweep(performance.now()); // not stale yet: nothing happens
    await new Promise((r) => setTimeout(r, 20));
    expect(tracker.stats().inflight).toBe(1);
    sweepTwice();
    await until(() => tracker.stats().inflight === 0);
    await tracker.flush();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ id: 'req_emu_1', status: 'ok', usage: { prompt_tokens: 3, completion_tokens: 5 } });
    // The caller can still await it later: same data, still one event.
    const r = await p;
    expect(r.choices[0]!.message.content).toBe('Hello from the ratecard emulator');
    await tracker.flush();
    expect(events).toHaveLength(1);
  });

  it('a call the caller is awaiting is never cut short, however long it takes', async () => {
    const { client, events, tracker, sweepTwice } = setup();
    emu.next({ delayMs: 150 });
    const p = client.chat.completions.create({ model: 'gpt-4o', messages: user('a') });
    const done = p.then((r) => r);
    await until(() => emu.requests.length === 1);
    sweepTwice();
    sweepTwice();
    expect(tracker.stats().inflight).toBe(1);
    await done;
    await tracker.flush();
    expect(events.map((e) => e.status)).toEqual(['ok']);
  });

  it('a stream nobody iterates is recorded as incomplete (stale), and still reads fine afterwards', async () => {
    const { client, events, tracker, sweepTwice } = setup();
    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages: user('a'), stream: true });
    sweepTwice();
    await tracker.flush();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ status: 'incomplete', metadata: { incomplete_reason: 'stale' } });
    expect(events[0]!.usage).toBeUndefined();
    let text = '';
    for await (const c of stream) text += c.choices[0]?.delta.content ?? '';
    expect(text).toBe('Hello from the ratecard emulator ');
    await tracker.flush();
    expect(events).toHaveLength(1);
  });

  it('a stream still being read is not stale: chunks are progress', async () => {
    const { client, events, tracker } = setup();
    emu.next({ eventDelayMs: 5 });
    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages: user('a'), stream: true });
    for await (const _ of stream) tracker.sweep(later()); // every sweep sees new chunks
    await tracker.flush();
    expect(events.map((e) => e.status)).toEqual(['ok']);
  });

  it('a raw response the caller reads itself (asResponse) needs no sweep: recorded from its clone, once', async () => {
    const { client, events, tracker, sweepTwice } = setup();
    const res = await client.chat.completions.create({ model: 'gpt-4o', messages: user('a') }).asResponse();
    expect(JSON.parse(await res.text()).usage.completion_tokens).toBe(5);
    await until(() => tracker.stats().inflight === 0);
    sweepTwice();
    await tracker.flush();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ status: 'ok', usage: { completion_tokens: 5 } });
  });

  it('a failed call is recorded as an error when it fails, however the caller reads it (asResponse here)', async () => {
    const { client, events, tracker } = setup();
    emu.next({ status: 500 });
    await expect(client.chat.completions.create({ model: 'gpt-4o', messages: user('a') }).asResponse()).rejects.toThrow();
    await tracker.flush();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ status: 'error', metadata: { http_status: '500' } });
  });

  it("the tracker's own timer sweeps (staleAfterMs: 40)", async () => {
    const { client, events, tracker } = setup(40);
    void client.chat.completions.create({ model: 'gpt-4o', messages: user('fire and forget') });
    await until(() => events.length === 1 || tracker.stats().queued === 1);
    await tracker.flush();
    expect(events[0]).toMatchObject({ status: 'ok', usage: { prompt_tokens: 3 } });
    await tracker.shutdown();
  });

  it('a call marked as awaited (AI SDK generate) is kept; an unmarked one without progress is abandoned', async () => {
    const events: UsageEvent[] = [];
    const tracker = createTracker({ recorder: { record: (e: UsageEvent) => void events.push(e) }, staleAfterMs: STALE });
    const kept = new PendingCall({ tracker, provider: 'p', api: 'ai-sdk' });
    kept.staleHandler = KEEP_WHILE_AWAITED;
    const dropped = new PendingCall({ tracker, provider: 'p', api: 'langchain' });
    tracker.sweep(later());
    tracker.sweep(later());
    await tracker.flush();
    expect(tracker.stats().inflight).toBe(1);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ status: 'incomplete', metadata: { api: 'langchain', incomplete_reason: 'stale' } });
    expect(kept.finished).toBe(false);
    expect(dropped.finished).toBe(true);
  });

  it('rejects a staleAfterMs that is not a positive integer', () => {
    expect(() => createTracker({ recorder: { record: () => undefined }, staleAfterMs: 0 })).toThrow(/staleAfterMs/);
  });
});

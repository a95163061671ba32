/** PendingCall: the event is built when the tracker drains, from what the call noted on the caller's path. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoAt, PendingCall } from '../../src/intercept/call.js';
import { createTracker } from '../../src/intercept/index.js';
import type { UsageEvent } from '../../src/ledger/event.js';

describe('isoAt', () => {
  it('is exactly Date#toISOString, for any time (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62_135_596_800_000, max: 253_402_300_799_999 }), (ms) => {
        expect(isoAt(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 2000 },
    );
    // Same second reused, then another second: both exact.
    for (const ms of [1_700_000_000_001, 1_700_000_000_999, 1_700_000_001_000, 1_699_999_999_999]) expect(isoAt(ms)).toBe(new Date(ms).toISOString());
  });
});

describe('PendingCall', () => {
  it('queues the call and builds its event at drain time, with the attribution taken at call time', async () => {
    const events: UsageEvent[] = [];
    const tracker = createTracker({ recorder: { record: (e: UsageEvent) => void events.push(e) } });
    const perCall = { customer: 'a', id: 'k1' };
    const call = new PendingCall({ tracker, provider: 'openai', api: 'chat.completions', model: 'gpt-4o', stream: true, perCall });
    call.firstToken();
    call.succeed({ usage: { prompt_tokens: 1 }, model: 'gpt-4o-2024-08-06', requestId: 'req_1', responseId: 'r1', serviceTier: 'default', complete: true });
    // The caller reuses its option object for the next call: the queued call is not affected.
    perCall.customer = 'b';
    perCall.id = 'k2';
    expect(tracker.stats().queued).toBe(1);
    expect(events).toHaveLength(0);
    await tracker.flush();
    expect(events[0]).toMatchObject({
      id: 'k1', provider: 'openai', model: 'gpt-4o-2024-08-06', status: 'ok', usage: { prompt_tokens: 1 }, service_tier: 'default',
      attributes: { customer: 'a' }, metadata: { api: 'chat.completions', stream: 'true', request_id: 'req_1', response_id: 'r1' },
    });
    expect(events[0]!.ttft_ms).toBeLessThanOrEqual(events[0]!.latency_ms!);
    expect(Date.parse(events[0]!.at)).toBeLessThanOrEqual(Date.now());
  });

  it('an incomplete call keeps its partial usage in metadata only; a second finish is ignored', async () => {
    const events: UsageEvent[] = [];
    const tracker = createTracker({ recorder: { record: (e: UsageEvent) => void events.push(e) } });
    const call = new PendingCall({ tracker, provider: 'anthropic', api: 'messages' });
    call.succeed({ usage: { input_tokens: 4 }, complete: false }, 'stream_abandoned');
    call.fail(new Error('late'));
    await tracker.flush();
    expect(events).toHaveLength(1);
    expect(events[0]!.usage).toBeUndefined();
    expect(events[0]!.id).toMatch(/^rc_/);
    expect(events[0]!.metadata).toEqual({ incomplete_reason: 'stream_abandoned', partial_usage: '{"input_tokens":4}', api: 'messages' });
  });

  it('a finished call holds nothing of the SDK (its stale handler reaches the response) while queued', () => {
    const tracker = createTracker({ recorder: { record: () => undefined } });
    const call = new PendingCall({ tracker, provider: 'p', api: 'a' });
    call.staleHandler = { onStale: () => 'keep' };
    call.succeed({ usage: { x: 1 }, complete: true });
    expect(call.staleHandler).toBeUndefined();
  });

  it('a call whose event cannot be built is counted as an internal error, never thrown, and the drain goes on', async () => {
    const events: UsageEvent[] = [];
    const tracker = createTracker({ recorder: { record: (e: UsageEvent) => void events.push(e) } });
    tracker.push({ toEvent: () => { throw new Error('bug'); } });
    tracker.push({ id: 'e2', at: new Date().toISOString(), model: 'm', provider: 'p' } as UsageEvent);
    await tracker.flush();
    expect(events.map((e) => e.id)).toEqual(['e2']);
    expect(tracker.stats().internal_errors).toBe(1);
  });
});

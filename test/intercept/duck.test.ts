/**
 * Duck typing: clients that are not the installed SDKs (a newer major, a hand-rolled
 * OpenAI-compatible client) are served by the same wrappers through their fallbacks.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { track, wrapAnthropic } from '../../src/intercept/index.js';
import { memoryTracker } from './helpers.js';

const usage = { prompt_tokens: 4, completion_tokens: 2, total_tokens: 6 };

function fakeOpenAI() {
  return {
    chat: {
      completions: {
        // A plain Promise (no withResponse) and a plain async generator stream (no `iterator` field).
        create(body: { stream?: boolean; stream_options?: unknown }) {
          if (!body.stream) return Promise.resolve({ id: 'cmpl-1', model: 'm-1', usage, choices: [] });
          const withUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage;
          return Promise.resolve({
            async *[Symbol.asyncIterator]() {
              yield { id: 'cmpl-2', model: 'm-1', choices: [{ delta: { content: 'hi' } }], ...(withUsage ? { usage: null } : {}) };
              if (withUsage) yield { id: 'cmpl-2', model: 'm-1', choices: [], usage };
            },
          });
        },
      },
    },
    secret: 42,
  };
}

describe('duck-typed clients', () => {
  it('wraps a plain-promise OpenAI-shaped client (provider override for compatible servers)', async () => {
    const { events, tracker } = memoryTracker();
    const client = track(fakeOpenAI(), { tracker, provider: 'groq' });
    const r = (await client.chat.completions.create({})) as { usage?: unknown };
    expect(r.usage).toEqual(usage);
    const s = (await client.chat.completions.create({ stream: true })) as AsyncIterable<unknown>;
    const chunks = [];
    for await (const c of s) chunks.push(c);
    expect(chunks).toHaveLength(1); // the usage chunk we asked for stays hidden
    expect(client.secret).toBe(42);
    await tracker.flush();
    expect(events.map((e) => [e.provider, e.id, e.status])).toEqual([
      ['groq', 'cmpl-1', 'ok'],
      ['groq', 'cmpl-2', 'ok'],
    ]);
  });

  it('records a rejected plain promise as an error and rethrows the same error', async () => {
    const { events, tracker } = memoryTracker();
    const boom = Object.assign(new Error('nope'), { status: 503 });
    const client = track({ chat: { completions: { create: () => Promise.reject(boom) } } }, { tracker });
    await expect(client.chat.completions.create()).rejects.toBe(boom);
    const sync = track({ chat: { completions: { create: () => { throw boom; } } } }, { tracker });
    expect(() => sync.chat.completions.create()).toThrow(boom);
    await tracker.flush();
    expect(events.map((e) => [e.status, e.metadata?.http_status])).toEqual([
      ['error', '503'],
      ['error', '503'],
    ]);
  });

  it('observes a messages.stream helper that does not route through create (event fallback)', async () => {
    const { events, tracker } = memoryTracker();
    const helper = new EventEmitter();
    const client = wrapAnthropic(
      {
        messages: {
          create: () => Promise.resolve({}),
          stream: (_body: unknown) => helper,
        },
      },
      { tracker },
    );
    const s = client.messages.stream({ model: 'claude-x' });
    expect(s).toBe(helper);
    helper.emit('streamEvent', { type: 'message_start', message: { id: 'msg_1', model: 'claude-x', usage: { input_tokens: 9, output_tokens: 1 } } });
    helper.emit('streamEvent', { type: 'content_block_delta', delta: { text: 'a' } });
    helper.emit('streamEvent', { type: 'message_delta', usage: { output_tokens: 3 } });
    helper.emit('streamEvent', { type: 'message_stop' });
    helper.emit('end');
    await tracker.flush();
    expect(events[0]).toMatchObject({ id: 'msg_1', status: 'ok', model: 'claude-x', usage: { input_tokens: 9, output_tokens: 3 } });
    expect(helper.listenerCount('error')).toBe(0); // never swallow the SDK's unhandled-error signal
  });

  it('counts, and survives, an extraction failure inside the wrapper', async () => {
    const { events, tracker } = memoryTracker();
    const hostile = {
      get usage(): never {
        throw new Error('getter bomb');
      },
    };
    const client = track({ chat: { completions: { create: () => Promise.resolve(hostile) } } }, { tracker });
    await expect(client.chat.completions.create()).resolves.toBe(hostile);
    await tracker.flush();
    expect(tracker.stats().internal_errors).toBe(1);
    expect(events).toHaveLength(0);
  });
});

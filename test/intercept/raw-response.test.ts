/**
 * `asResponse()` callers (gateways passing the provider's raw body on): they get the
 * response untouched and the call is recorded with its usage from a clone read beside
 * them. Real `openai` and `@anthropic-ai/sdk` against the local emulator; the SSE reader
 * against every way a body can be cut into chunks.
 */
import Anthropic from '@anthropic-ai/sdk';
import fc from 'fast-check';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { track } from '../../src/intercept/index.js';
import { sseData } from '../../src/intercept/raw-response.js';
import { memoryTracker, until, useEmulator, user } from './helpers.js';

const emulator = useEmulator();

function openai() {
  const { events, tracker } = memoryTracker();
  const client = track(new OpenAI({ apiKey: 'test', baseURL: emulator().openaiBaseURL, maxRetries: 0, timeout: 5_000 }), { tracker, attributes: { customer: 'gw' } });
  return { client, events, tracker };
}

/** The clone is read off the caller's path: wait until the call is recorded. */
const settled = async (tracker: { stats(): { inflight: number }; flush(): Promise<void> }): Promise<void> => {
  await until(() => tracker.stats().inflight === 0);
  await tracker.flush();
};

describe('asResponse(): the raw response is passed on and the call recorded with its usage', () => {
  it('a JSON body: the caller reads it as is; the event has the usage and the request id', async () => {
    const { client, events, tracker } = openai();
    const res = await client.chat.completions.create({ model: 'gpt-4o', messages: user('one two') }).asResponse();
    const body = JSON.parse(await res.text());
    expect(body.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 5 });
    await settled(tracker);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ id: 'req_emu_1', status: 'ok', model: 'gpt-4o', usage: body.usage, attributes: { customer: 'gw' } });
  });

  it('an SSE body piped on byte for byte: recorded from the usage chunk', async () => {
    const { client, events, tracker } = openai();
    const res = await client.chat.completions.create({ model: 'gpt-4o', messages: user('a b c'), stream: true }).asResponse();
    const text = await res.text(); // what a gateway forwards
    expect(text).toContain('data: [DONE]');
    await settled(tracker);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ id: 'req_emu_1', status: 'ok', usage: { prompt_tokens: 3, completion_tokens: 5 }, metadata: { stream: 'true' } });
  });

  it('recorded even when the caller never reads the body', async () => {
    const { client, events, tracker } = openai();
    const res = await client.chat.completions.create({ model: 'gpt-4o', messages: user('x'), stream: true }).asResponse();
    expect(res.status).toBe(200);
    await settled(tracker);
    expect(events[0]).toMatchObject({ status: 'ok', usage: { completion_tokens: 5 } });
  });

  it('a stream cut off mid-way is incomplete, never priced as 0', async () => {
    const { client, events, tracker } = openai();
    emulator().next({ cutAfter: 3 });
    const res = await client.chat.completions.create({ model: 'gpt-4o', messages: user('x'), stream: true }).asResponse();
    await res.text().catch(() => undefined);
    await settled(tracker);
    expect(events).toHaveLength(1);
    expect(events[0]!.status).toBe('incomplete');
    expect(events[0]!.usage).toBeUndefined();
    expect(events[0]!.metadata!.incomplete_reason).toMatch(/^stream_/);
  });

  it('withResponse() still records once through the parse (the stream keeps its hidden usage chunk hidden)', async () => {
    const { client, events, tracker } = openai();
    const { data: stream, response } = await client.chat.completions.create({ model: 'gpt-4o', messages: user('a b'), stream: true }).withResponse();
    expect(response.status).toBe(200);
    const chunks: { choices: unknown[] }[] = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks.every((c) => c.choices.length > 0)).toBe(true);
    await settled(tracker);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ status: 'ok', usage: { prompt_tokens: 2 } });
  });

  it('Anthropic: a raw SSE body is read through the Messages observer', async () => {
    const { events, tracker } = memoryTracker();
    const client = track(new Anthropic({ apiKey: 'test', baseURL: emulator().anthropicBaseURL, maxRetries: 0, timeout: 5_000 }), { tracker });
    emulator().next({ usage: { cache_read_input_tokens: 7 } });
    const res = await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 64, messages: user('a b c'), stream: true }).asResponse();
    expect(await res.text()).toContain('event: message_stop');
    await settled(tracker);
    expect(events[0]).toMatchObject({ id: 'req_emu_1', status: 'ok', usage: { input_tokens: 3, output_tokens: 5, cache_read_input_tokens: 7 } });
  });
});

describe('sseData', () => {
  const stream = (parts: string[]) =>
    new ReadableStream<Uint8Array>({
      start(c) {
        for (const p of parts) c.enqueue(new TextEncoder().encode(p));
        c.close();
      },
    });
  const read = async (parts: string[]) => {
    const out: string[] = [];
    for await (const d of sseData(stream(parts))) out.push(d);
    return out;
  };

  it('follows the framing rules: events, comments, multi-line data, CRLF, no final blank line', async () => {
    expect(await read([': ping\n\nevent: a\ndata: {"x":1}\n\ndata: one\r\ndata:two\r\n\r\nid: 3\n\ndata: last'])).toEqual(['{"x":1}', 'one\ntwo', 'last']);
  });

  it('gives the same events however the bytes are cut (CRLF and UTF-8 split across chunks included)', async () => {
    const events = ['{"a":"é€"}', '[DONE]', 'x\ny'];
    const text = events.map((e) => e.split('\n').map((l) => `data: ${l}`).join('\r\n') + '\r\n\r\n').join('');
    const bytes = new TextEncoder().encode(text);
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 12 }), async (cuts) => {
        const at = [0, ...cuts.sort((x, y) => x - y), bytes.length];
        const parts = at.slice(1).map((end, i) => bytes.slice(at[i], end));
        const out: string[] = [];
        const s = new ReadableStream<Uint8Array>({
          start(c) {
            for (const p of parts) c.enqueue(p);
            c.close();
          },
        });
        for await (const d of sseData(s)) out.push(d);
        expect(out).toEqual(events);
      }),
      { numRuns: 200 },
    );
  });
});

/** The real `@anthropic-ai/sdk` against the local emulator, wrapped by track(). */
import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { track, withAttribution } from '../../src/intercept/index.js';
import { memoryTracker, useEmulator, user } from './helpers.js';

const emulator = useEmulator();

const MODEL = 'claude-haiku-4-5';

function setup() {
  const { events, tracker } = memoryTracker();
  const client = track(new Anthropic({ apiKey: 'test', baseURL: emulator().anthropicBaseURL, maxRetries: 2, timeout: 5_000 }), { tracker });
  return { client, events, tracker, done: () => tracker.flush() };
}

const CACHE_USAGE = { cache_read_input_tokens: 100, cache_creation_input_tokens: 30, cache_creation: { ephemeral_5m_input_tokens: 10, ephemeral_1h_input_tokens: 20 } };

describe('Anthropic messages', () => {
  it('records messages.create with the raw usage (cache traffic, TTL split) and the request-id header', async () => {
    const { client, events, done } = setup();
    emulator().next({ usage: CACHE_USAGE });
    const m = await client.messages.create({ model: MODEL, max_tokens: 64, messages: user('one two') });
    expect(m.content[0]).toMatchObject({ type: 'text' });
    await done();
    expect(events[0]).toMatchObject({
      id: 'req_emu_1',
      provider: 'anthropic',
      model: MODEL,
      status: 'ok',
      service_tier: 'standard',
      usage: { input_tokens: 2, output_tokens: 5, ...CACHE_USAGE },
      metadata: { api: 'messages', response_id: 'msg_emu_1' },
    });
  });

  it('records a streamed create from message_start + cumulative message_delta', async () => {
    const { client, events, done } = setup();
    emulator().next({ usage: { cache_read_input_tokens: 7 } });
    const stream = await client.messages.create({ model: MODEL, max_tokens: 64, messages: user('a b c'), stream: true });
    const types: string[] = [];
    for await (const e of stream) types.push(e.type);
    expect(types[0]).toBe('message_start');
    await done();
    expect(events[0]).toMatchObject({ status: 'ok', usage: { input_tokens: 3, output_tokens: 5, cache_read_input_tokens: 7 } });
    expect(events[0]!.ttft_ms).toBeGreaterThan(0);
  });

  it('records messages.stream() once; finalMessage() and per-call attribution work', async () => {
    const { client, events, done } = setup();
    const stream = client.messages.stream({ model: MODEL, max_tokens: 64, messages: user('hi') }, { ratecard: { customer: 'c7' } } as object);
    const texts: string[] = [];
    stream.on('text', (t) => texts.push(t));
    const final = await stream.finalMessage();
    expect(final.usage.output_tokens).toBe(5);
    expect(texts.join('')).toBe('Hello from the ratecard emulator ');
    await done();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ id: 'req_emu_1', status: 'ok', attributes: { customer: 'c7' }, metadata: { stream: 'true' } });
  });

  it('keeps MessageStream.withResponse() working', async () => {
    const { client, events, done } = setup();
    const { response, request_id } = await client.messages.stream({ model: MODEL, max_tokens: 64, messages: user('hi') }).withResponse();
    expect(request_id).toBe('req_emu_1');
    expect(response.headers.get('request-id')).toBe('req_emu_1');
    await new Promise((r) => setTimeout(r, 50));
    await done();
    expect(events[0]!.status).toBe('ok');
  });

  it('records a cut-off stream as incomplete with the partial usage kept aside, never priced', async () => {
    const { client, events, done } = setup();
    emulator().next({ cutAfter: 4 });
    const stream = client.messages.stream({ model: MODEL, max_tokens: 64, messages: user('hi there') });
    await expect(stream.finalMessage()).rejects.toThrow();
    await done();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ status: 'incomplete' });
    expect(events[0]!.usage).toBeUndefined();
    expect(JSON.parse(events[0]!.metadata!.partial_usage!)).toMatchObject({ input_tokens: 2 });
  });

  it('records an aborted MessageStream as incomplete', async () => {
    const { client, events, done } = setup();
    emulator().next({ eventDelayMs: 10 });
    const stream = client.messages.stream({ model: MODEL, max_tokens: 64, messages: user('hi') });
    stream.on('text', () => stream.abort());
    await expect(stream.done()).rejects.toThrow();
    await done();
    expect(events[0]!.status).toBe('incomplete');
  });

  it('records retries once (529-style 500, then success) and a final failure with its status', async () => {
    const { client, events, done } = setup();
    emulator().next({ status: 500 });
    await client.messages.create({ model: MODEL, max_tokens: 8, messages: user('x') });
    emulator().next({ status: 429, times: 3 });
    await expect(client.messages.create({ model: MODEL, max_tokens: 8, messages: user('x') })).rejects.toMatchObject({ status: 429 });
    await done();
    expect(events.map((e) => [e.id, e.status, e.metadata?.http_status])).toEqual([
      ['req_emu_2', 'ok', undefined],
      ['req_emu_5', 'error', '429'],
    ]);
  });

  it('carries the withAttribution scope into messages.stream', async () => {
    const { client, events, done } = setup();
    await withAttribution({ customer: 'scoped', tags: ['beta'] }, () => client.messages.stream({ model: MODEL, max_tokens: 8, messages: user('x') }).finalMessage());
    await done();
    expect(events[0]!.attributes).toEqual({ customer: 'scoped', tags: ['beta'] });
  });

  it('passes other resources through untouched', async () => {
    const { client } = setup();
    expect(client.messages.batches).toBeDefined();
    expect(typeof client.messages.countTokens).toBe('function');
    expect(client.baseURL).toBe(emulator().anthropicBaseURL);
  });
});

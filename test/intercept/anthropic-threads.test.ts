/**
 * Anthropic beta message threads and `beta.messages.toolRunner()`, with the real
 * `@anthropic-ai/sdk` against the local emulator: each turn goes through the wrapped
 * `create`, and the SDK reads its response itself (`_responseProps()`), so the wrapper
 * records it from a clone. Every turn is one event with its usage, never a silent gap.
 */
import Anthropic from '@anthropic-ai/sdk';
import { betaTool } from '@anthropic-ai/sdk/helpers/beta/json-schema';
import { describe, expect, it } from 'vitest';
import { track, withAttribution } from '../../src/intercept/index.js';
import { memoryTracker, useEmulator } from './helpers.js';

const emulator = useEmulator();

const MODEL = 'claude-haiku-4-5';

function setup(maxRetries = 0) {
  const { events, tracker } = memoryTracker();
  const raw = new Anthropic({ apiKey: 'test', baseURL: emulator().anthropicBaseURL, maxRetries, timeout: 5_000 });
  const client = track(raw, { tracker, attributes: { agent: 'threads' } });
  return { client, events, tracker, done: () => tracker.flush() };
}

describe('Anthropic message threads', () => {
  it('records each send() turn with its usage, request id and the thread options attribution', async () => {
    const { client, events, done } = setup();
    const thread = client.beta.messages.thread({ model: MODEL, max_tokens: 64 }, { ratecard: { customer: 'c1' } } as object);
    const first = await thread.send({ role: 'user', content: 'one two three' });
    const second = await thread.send({ role: 'user', content: 'four' });
    expect(second.id).not.toBe(first.id);
    // The second turn continued the thread: only its new message was sent.
    expect(emulator().requests[1]!.body).toMatchObject({ thread: { type: 'continue', previous_message_id: first.id }, messages: [{ content: 'four' }] });
    await done();
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({
      id: 'req_emu_1',
      status: 'ok',
      provider: 'anthropic',
      model: MODEL,
      usage: { input_tokens: 3, output_tokens: 5 },
      attributes: { agent: 'threads', customer: 'c1' },
      metadata: { api: 'messages', response_id: first.id },
    });
    expect(events[1]).toMatchObject({ id: 'req_emu_2', status: 'ok', usage: { input_tokens: 1 }, attributes: { customer: 'c1' } });
  });

  it('records a thread stream() turn from the SSE events, with time to first token', async () => {
    const { client, events, done } = setup();
    emulator().next({ usage: { cache_read_input_tokens: 40 } });
    const thread = client.beta.messages.thread({ model: MODEL, max_tokens: 64 });
    const texts: string[] = [];
    const stream = thread.stream({ role: 'user', content: 'a b' });
    stream.on('text', (t) => texts.push(t));
    const final = await stream.finalMessage();
    expect(texts.join('')).toBe('Hello from the ratecard emulator ');
    expect(final.usage.output_tokens).toBe(5);
    await done();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ status: 'ok', usage: { input_tokens: 2, output_tokens: 5, cache_read_input_tokens: 40 }, metadata: { stream: 'true' } });
    expect(events[0]!.ttft_ms).toBeGreaterThan(0);
  });

  it('records a thread stream cut off mid-way as incomplete, never priced', async () => {
    const { client, events, done } = setup();
    emulator().next({ cutAfter: 4 });
    const thread = client.beta.messages.thread({ model: MODEL, max_tokens: 64 });
    await expect(thread.stream({ role: 'user', content: 'x' }).finalMessage()).rejects.toThrow();
    await done();
    expect(events).toHaveLength(1);
    expect(events[0]!.status).toBe('incomplete');
    expect(events[0]!.usage).toBeUndefined();
    expect(events[0]!.metadata!.incomplete_reason).toMatch(/^stream_error|stream_ended_without_usage/);
  });

  it('records a failed turn with its status, and a retried one once', async () => {
    const { client, events, done } = setup(1);
    emulator().next({ status: 500 }); // retried by the SDK: one call
    const thread = client.beta.messages.thread({ model: MODEL, max_tokens: 64 });
    await thread.send({ role: 'user', content: 'x' });
    emulator().next({ status: 400 }); // not retried
    await expect(thread.send({ role: 'user', content: 'y' })).rejects.toThrow();
    await done();
    expect(events.map((e) => e.status)).toEqual(['ok', 'error']);
    expect(events[1]!.metadata).toMatchObject({ http_status: '400' });
  });
});

describe('beta.messages.toolRunner()', () => {
  const weather = betaTool({
    name: 'weather',
    description: 'The weather in a city',
    inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    run: ({ city }) => `sunny in ${city}`,
  });

  it('records every round of the loop (tool call, then the answer), in the caller scope', async () => {
    const { client, events, done } = setup();
    emulator().next({ toolCall: { name: 'weather', arguments: '{"city":"Oslo"}' } });
    const replies: string[] = [];
    await withAttribution({ conversation: 'conv-9' }, async () => {
      const runner = client.beta.messages.toolRunner(
        { model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: 'weather in Oslo?' }], tools: [weather] },
        { ratecard: { task: 't1', id: 'run-1' } } as object,
      );
      for await (const message of runner) replies.push(message.stop_reason ?? '');
    });
    expect(replies).toEqual(['tool_use', 'end_turn']);
    // The second round carried the tool's result.
    expect(JSON.stringify(emulator().requests[1]!.body)).toContain('sunny in Oslo');
    await done();
    expect(events).toHaveLength(2);
    expect(events.map((e) => e.status)).toEqual(['ok', 'ok']);
    // The per-call id goes to the first round only; later rounds keep their request ids.
    expect(events.map((e) => e.id)).toEqual(['run-1', 'req_emu_2']);
    for (const e of events) expect(e.attributes).toMatchObject({ agent: 'threads', conversation: 'conv-9', task: 't1' });
    expect(events[1]!.usage).toMatchObject({ output_tokens: 5 });
  });

  it('records a runner without threading (thread: false) the same way', async () => {
    const { client, events, done } = setup();
    const runner = client.beta.messages.toolRunner({ model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: 'hi' }], tools: [weather], thread: false });
    const final = await runner.runUntilDone();
    expect(final.stop_reason).toBe('end_turn');
    expect(emulator().requests[0]!.body.thread).toBeUndefined();
    await done();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ status: 'ok', usage: { input_tokens: 1, output_tokens: 5 } });
  });

  it('records a streamed runner (stream: true) turn from its SSE events', async () => {
    const { client, events, done } = setup();
    const runner = client.beta.messages.toolRunner({ model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: 'x y z' }], tools: [weather], stream: true });
    const finals: string[] = [];
    for await (const stream of runner) finals.push((await stream.finalMessage()).stop_reason ?? '');
    expect(finals).toEqual(['end_turn']);
    await done();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ status: 'ok', usage: { input_tokens: 3, output_tokens: 5 }, metadata: { stream: 'true' } });
  });

  it('records a runner started on an existing thread', async () => {
    const { client, events, done } = setup();
    const thread = client.beta.messages.thread({ model: MODEL, max_tokens: 64 });
    await thread.send({ role: 'user', content: 'first' });
    thread.append({ role: 'user', content: 'second' });
    const final = await thread.toolRunner().runUntilDone();
    expect(final.stop_reason).toBe('end_turn');
    await done();
    expect(emulator().requests[1]!.body).toMatchObject({ thread: { type: 'continue' }, messages: [{ content: 'second' }] });
    expect(events.map((e) => [e.id, e.status])).toEqual([
      ['req_emu_1', 'ok'],
      ['req_emu_2', 'ok'],
    ]);
  });
});

/**
 * The OpenAI SDK's helpers built on `create` — chat.completions.parse/stream/runTools,
 * responses.parse/stream — recorded through the wrapper (real `openai` SDK, local emulator).
 */
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { track, withAttribution } from '../../src/intercept/index.js';
import { memoryTracker, useEmulator, user } from './helpers.js';

const emulator = useEmulator();

function setup() {
  const { events, tracker } = memoryTracker();
  const client = track(new OpenAI({ apiKey: 'test', baseURL: emulator().openaiBaseURL, maxRetries: 2, timeout: 5_000 }), { tracker, attributes: { customer: 'acme' } });
  return { client, events, tracker, done: () => tracker.flush() };
}

describe('OpenAI helpers', () => {
  it('chat.completions.parse: one ok event, per-call option applied, the parsed result intact', async () => {
    const { client, events, done } = setup();
    const r = await client.chat.completions.parse({ model: 'gpt-4o', messages: user('one two') }, { ratecard: { agent: 'parser', id: 'parse-1' } } as never);
    expect(r.choices[0]!.message.content).toBe('Hello from the ratecard emulator');
    expect(r.choices[0]!.message.parsed).toBeNull();
    await done();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ id: 'parse-1', status: 'ok', model: 'gpt-4o', attributes: { customer: 'acme', agent: 'parser' }, usage: { prompt_tokens: 2, completion_tokens: 5 } });
    expect(events[0]!.metadata).toMatchObject({ api: 'chat.completions', request_id: 'req_emu_1' });
    // The option never reaches the wire.
    expect(JSON.stringify(emulator().requests[0]!.body)).not.toContain('ratecard');
  });

  it('chat.completions.parse with .withResponse() records once', async () => {
    const { client, events, done } = setup();
    const { data, response } = await client.chat.completions.parse({ model: 'gpt-4o', messages: user('a') }).withResponse();
    expect(response.headers.get('x-request-id')).toBe('req_emu_1');
    expect(data.choices).toHaveLength(1);
    await done();
    expect(events.map((e) => [e.id, e.status])).toEqual([['req_emu_1', 'ok']]);
  });

  it('chat.completions.stream(): the stream helper works as before and is recorded with usage', async () => {
    const { client, events, done } = setup();
    const stream = client.chat.completions.stream({ model: 'gpt-4o-mini', messages: user('a b c') }, { ratecard: { task: 'summary', id: 'stream-1' } } as never);
    const deltas: string[] = [];
    stream.on('content', (delta) => deltas.push(delta));
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]!.message.content).toBe('Hello from the ratecard emulator ');
    expect(deltas.join('')).toBe('Hello from the ratecard emulator ');
    await done();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ id: 'stream-1', status: 'ok', model: 'gpt-4o-mini', attributes: { customer: 'acme', task: 'summary' }, usage: { prompt_tokens: 3, completion_tokens: 5 } });
    expect(events[0]!.metadata).toMatchObject({ stream: 'true', request_id: 'req_emu_1' });
    expect(events[0]!.ttft_ms).toBeGreaterThan(0);
    expect(emulator().requests[0]!.body.stream_options).toEqual({ include_usage: true });
  });

  it('chat.completions.stream() aborted mid-way is recorded as incomplete, not priced', async () => {
    const { client, events, done } = setup();
    emulator().next({ eventDelayMs: 20 });
    const stream = client.chat.completions.stream({ model: 'gpt-4o', messages: user('a') });
    stream.on('content', () => stream.abort());
    await expect(stream.finalChatCompletion()).rejects.toThrow();
    await done();
    expect(events).toHaveLength(1);
    expect(events[0]!.status).toBe('incomplete');
    expect(events[0]!.usage).toBeUndefined();
  });

  it('chat.completions.runTools: every round is its own event; the per-call id goes to the first only', async () => {
    const { client, events, done } = setup();
    emulator().next({ toolCall: { name: 'lookup', arguments: '{"q":"x"}' } });
    const calls: string[] = [];
    const runner = client.chat.completions.runTools(
      {
        model: 'gpt-4o',
        messages: user('find x'),
        tools: [{ type: 'function', function: { name: 'lookup', description: 'look x up', parameters: { type: 'object', properties: { q: { type: 'string' } } }, function: (args: { q: string }) => (calls.push(args.q), 'found'), parse: JSON.parse } }],
      },
      { ratecard: { agent: 'tools', id: 'run-1' } } as never,
    );
    const content = await runner.finalContent();
    expect(content).toBe('Hello from the ratecard emulator');
    expect(calls).toEqual(['x']);
    await done();
    expect(events.map((e) => e.id)).toEqual(['run-1', 'req_emu_2']);
    expect(events.every((e) => e.status === 'ok' && e.attributes?.agent === 'tools' && e.attributes.customer === 'acme')).toBe(true);
  });

  it('responses.stream(): finalResponse works and the call is recorded from response.completed', async () => {
    const { client, events, done } = setup();
    const stream = client.responses.stream({ model: 'gpt-4o', input: 'one two three' });
    let text = '';
    stream.on('response.output_text.delta', (e) => (text += e.delta));
    const final = await stream.finalResponse();
    expect(final.id).toBe('resp_emu_1');
    expect(text).toBe('Hello from the ratecard emulator');
    expect(final.output_text).toBe(text);
    await done();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ id: 'req_emu_1', status: 'ok', model: 'gpt-4o', usage: { input_tokens: 3, output_tokens: 5 } });
    expect(events[0]!.metadata).toMatchObject({ api: 'responses', stream: 'true', response_id: 'resp_emu_1' });
  });

  it('responses.parse inside withAttribution: one ok event carrying the scope', async () => {
    const { client, events, done } = setup();
    const r = await withAttribution({ conversation: 'c-9' }, () => client.responses.parse({ model: 'gpt-4o', input: 'hi there' }));
    expect(r.id).toBe('resp_emu_1');
    await done();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ status: 'ok', attributes: { customer: 'acme', conversation: 'c-9' }, metadata: { api: 'responses' } });
  });

  it('other resource methods that use _client stay untouched (not recorded)', async () => {
    const { client, events, done } = setup();
    expect(typeof client.chat.completions.list).toBe('function');
    expect(client.chat.completions.messages).toBeDefined();
    await done();
    expect(events).toHaveLength(0);
  });
});

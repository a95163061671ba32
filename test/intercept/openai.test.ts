/** The real `openai` SDK against the local emulator, wrapped by track(). */
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { track, withAttribution, wrapOpenAI, createTracker } from '../../src/intercept/index.js';
import { isRatecardError } from '../../src/errors/index.js';
import { memoryTracker, useEmulator, user } from './helpers.js';

const emulator = useEmulator();

function setup(attributes?: Record<string, string>) {
  const { events, tracker } = memoryTracker();
  const raw = new OpenAI({ apiKey: 'test', baseURL: emulator().openaiBaseURL, maxRetries: 2, timeout: 5_000 });
  const client = track(raw, { tracker, attributes });
  return { raw, client, events, tracker, done: () => tracker.flush() };
}

describe('OpenAI chat.completions', () => {
  it('records a non-streamed call with raw usage, request id as key, latency and attribution', async () => {
    const { client, events, done } = setup({ customer: 'acme' });
    const r = await client.chat.completions.create({ model: 'gpt-4o', messages: user('one two three') });
    expect(r.choices[0]?.message.content).toBe('Hello from the ratecard emulator');
    await done();
    expect(events).toHaveLength(1);
    const e = events[0]!;
    expect(e).toMatchObject({ id: 'req_emu_1', provider: 'openai', model: 'gpt-4o', status: 'ok', service_tier: 'default', attributes: { customer: 'acme' } });
    expect(e.usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 });
    expect(e.metadata).toMatchObject({ api: 'chat.completions', request_id: 'req_emu_1', response_id: 'chatcmpl-emu-1' });
    expect(e.latency_ms).toBeGreaterThan(0);
    expect(Date.parse(e.at)).not.toBeNaN();
  });

  it('adds include_usage to streams, hides the usage-only chunk, records ttft', async () => {
    const { client, events, done } = setup();
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: user('a b'), stream: true });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    expect(emulator().requests[0]!.body.stream_options).toEqual({ include_usage: true });
    expect(chunks.every((c) => c.choices.length > 0)).toBe(true);
    expect(chunks.every((c) => !c.usage)).toBe(true);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Hello from the ratecard emulator ');
    await done();
    expect(events[0]).toMatchObject({ status: 'ok', model: 'gpt-4o-mini', usage: { prompt_tokens: 2, completion_tokens: 5 } });
    expect(events[0]!.ttft_ms).toBeGreaterThan(0);
    expect(events[0]!.ttft_ms!).toBeLessThanOrEqual(events[0]!.latency_ms!);
  });

  it('leaves a caller-requested usage chunk visible', async () => {
    const { client, events, done } = setup();
    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages: user('a'), stream: true, stream_options: { include_usage: true } });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks.at(-1)!.usage).toMatchObject({ completion_tokens: 5 });
    await done();
    expect(events[0]!.status).toBe('ok');
  });

  it('honours include_usage:false: the call is recorded incomplete, never as zero usage', async () => {
    const { client, events, done } = setup();
    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages: user('a'), stream: true, stream_options: { include_usage: false } });
    for await (const _ of stream);
    await done();
    expect(events[0]).toMatchObject({ status: 'incomplete', metadata: { incomplete_reason: 'stream_ended_without_usage' } });
    expect(events[0]!.usage).toBeUndefined();
  });

  it('keeps withResponse() working and uses the x-request-id header', async () => {
    const { client, events, done } = setup();
    const { data, response, request_id } = await client.chat.completions.create({ model: 'gpt-4o', messages: user('x') }).withResponse();
    expect(request_id).toBe('req_emu_1');
    expect(response.status).toBe(200);
    expect(data.usage?.completion_tokens).toBe(5);
    await done();
    expect(events.map((e) => e.id)).toEqual(['req_emu_1']);
  });

  it('keeps stream.tee() working and records the call once', async () => {
    const { client, events, done } = setup();
    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages: user('x'), stream: true });
    const [left, right] = stream.tee();
    const read = async (s: typeof left) => {
      let text = '';
      for await (const c of s) text += c.choices[0]?.delta.content ?? '';
      return text;
    };
    const [a, b] = await Promise.all([read(left), read(right)]);
    expect(a).toBe(b);
    await done();
    expect(events).toHaveLength(1);
    expect(events[0]!.status).toBe('ok');
  });

  it('keeps toReadableStream() working', async () => {
    const { client, events, done } = setup();
    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages: user('x'), stream: true });
    const text = await new Response(stream.toReadableStream()).text();
    const lines = text.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.every((l) => l.choices.length > 0)).toBe(true);
    await done();
    expect(events[0]!.status).toBe('ok');
  });

  it('records an abandoned stream (break) as incomplete, from finally', async () => {
    const { client, events, done, tracker } = setup();
    emulator().next({ eventDelayMs: 5 });
    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages: user('x'), stream: true });
    for await (const _ of stream) break;
    await done();
    expect(events[0]).toMatchObject({ status: 'incomplete', metadata: { incomplete_reason: 'stream_abandoned' } });
    expect(events[0]!.usage).toBeUndefined();
    expect(tracker.stats().inflight).toBe(0);
  });

  it('records a stream aborted through its controller as incomplete', async () => {
    const { client, events, done } = setup();
    emulator().next({ eventDelayMs: 5 });
    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages: user('x'), stream: true });
    let n = 0;
    for await (const _ of stream) if (++n === 2) stream.controller.abort();
    await done();
    expect(events[0]!.status).toBe('incomplete');
  });

  it('records a cut-off stream as incomplete and still throws the SDK error to the caller', async () => {
    const { client, events, done } = setup();
    emulator().next({ cutAfter: 3 });
    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages: user('x'), stream: true });
    await expect(async () => {
      for await (const _ of stream);
    }).rejects.toThrow();
    await done();
    expect(events[0]).toMatchObject({ status: 'incomplete', id: 'req_emu_1' });
    expect(events[0]!.metadata!.incomplete_reason).toMatch(/^stream_error/);
  });

  it('records SDK retries (429, 429, 200) once, keyed by the final request id', async () => {
    const { client, events, done } = setup();
    emulator().next({ status: 429, times: 2 });
    const r = await client.chat.completions.create({ model: 'gpt-4o', messages: user('x') });
    expect(r.id).toBe('chatcmpl-emu-3');
    expect(emulator().requests.map((q) => q.retry)).toEqual([0, 1, 2]);
    await done();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ id: 'req_emu_3', status: 'ok' });
  });

  it('records a call that fails after its retries as error with the HTTP status', async () => {
    const { client, events, done } = setup();
    emulator().next({ status: 500, times: 3 });
    await expect(client.chat.completions.create({ model: 'gpt-4o', messages: user('x') })).rejects.toMatchObject({ status: 500 });
    await done();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ id: 'req_emu_3', status: 'error', model: 'gpt-4o', metadata: { http_status: '500' } });
    expect(events[0]!.usage).toBeUndefined();
  });

  it('records a non-streamed call aborted by the caller as incomplete (it may still be billed)', async () => {
    const { client, events, done } = setup();
    emulator().next({ delayMs: 200 });
    const ac = new AbortController();
    const p = client.chat.completions.create({ model: 'gpt-4o', messages: user('x') }, { signal: ac.signal });
    setTimeout(() => ac.abort(), 20);
    await expect(p).rejects.toThrow();
    await done();
    expect(events[0]).toMatchObject({ status: 'incomplete', metadata: { error: 'APIUserAbortError' } });
    await new Promise((r) => setTimeout(r, 250)); // let the emulator's delayed answer pass before the next test
  });

  it('takes per-call attribution from the `ratecard` request option and strips it before the SDK', async () => {
    const { client, events, done } = setup({ customer: 'default', agent: 'a0' });
    const opts = { ratecard: { customer: 'c9', task: 'summarize', tags: ['t1'], id: 'my-key' }, headers: { 'x-probe': '1' } };
    await withAttribution({ conversation: 'conv-1', agent: 'a1', tags: ['scope'] }, () =>
      client.chat.completions.create({ model: 'gpt-4o', messages: user('x') }, opts as object),
    );
    expect(emulator().requests.some((r) => r.headers['x-probe'] === '1')).toBe(true);
    expect(opts.ratecard).toBeDefined(); // the caller's object is not mutated
    await done();
    expect(events[0]).toMatchObject({
      id: 'my-key',
      attributes: { customer: 'c9', agent: 'a1', conversation: 'conv-1', task: 'summarize', tags: ['scope', 't1'] },
    });
  });

  it('never throws into the caller when the recorder fails', async () => {
    const tracker = createTracker({ recorder: { record: () => { throw new Error('ledger down'); } } });
    const client = wrapOpenAI(new OpenAI({ apiKey: 't', baseURL: emulator().openaiBaseURL }), { tracker });
    const r = await client.chat.completions.create({ model: 'gpt-4o', messages: user('x') });
    expect(r.usage?.total_tokens).toBe(6);
    await tracker.flush();
    expect(tracker.stats()).toMatchObject({ failed: 1, recorded: 0 });
  });
});

describe('OpenAI responses and embeddings', () => {
  it('records responses.create, streamed and not', async () => {
    const { client, events, done } = setup();
    const r = await client.responses.create({ model: 'gpt-5', input: 'a b c' });
    expect(r.output_text).toBe('Hello from the ratecard emulator');
    const s = await client.responses.create({ model: 'gpt-5', input: 'a b c d', stream: true });
    const types: string[] = [];
    for await (const e of s) types.push(e.type);
    expect(types.at(-1)).toBe('response.completed');
    await done();
    expect(events.map((e) => [e.status, e.metadata!.api, e.usage!.input_tokens])).toEqual([
      ['ok', 'responses', 3],
      ['ok', 'responses', 4],
    ]);
    expect(events[1]!.ttft_ms).toBeGreaterThan(0);
  });

  it('records embeddings.create (the SDK decodes base64 as usual)', async () => {
    const { client, events, done } = setup();
    const r = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['a b', 'c'] });
    expect(r.data[1]!.embedding).toHaveLength(4);
    await done();
    expect(events[0]).toMatchObject({ id: 'req_emu_1', model: 'text-embedding-3-small', status: 'ok', usage: { prompt_tokens: 3 } });
  });
});

describe('the proxy', () => {
  it('passes everything else through, bound to the real client', async () => {
    const { raw, client } = setup();
    expect(client.baseURL).toBe(raw.baseURL);
    expect(client.apiKey).toBe('test');
    expect(client.chat).toBe(client.chat);
    expect(client.chat.completions.create).toBe(client.chat.completions.create);
    expect(typeof client.models.list).toBe('function');
    // a method that touches #private state still works through the proxy
    expect(() => client.buildURL('/x', null)).not.toThrow();
  });

  it('keeps clients from withOptions() wrapped', async () => {
    const { client, events, done } = setup();
    const derived = client.withOptions({ timeout: 3_000 });
    await derived.chat.completions.create({ model: 'gpt-4o', messages: user('x') });
    await done();
    expect(events).toHaveLength(1);
  });

  it('detects clients by shape and refuses others with a clear code', () => {
    const { tracker } = memoryTracker();
    try {
      track({ foo: 1 }, { tracker });
      expect.unreachable();
    } catch (e) {
      expect(isRatecardError(e) && e.code).toBe('track_unsupported_client');
    }
    try {
      track(new OpenAI({ apiKey: 'x', baseURL: emulator().openaiBaseURL }), {});
      expect.unreachable();
    } catch (e) {
      expect(isRatecardError(e) && e.code).toBe('track_missing_recorder');
    }
  });

  it('records an unawaited call at shutdown as incomplete instead of losing it', async () => {
    const { client, events, tracker } = setup();
    void client.chat.completions.create({ model: 'gpt-4o', messages: user('x') });
    await tracker.shutdown();
    expect(events[0]).toMatchObject({ status: 'incomplete', metadata: { incomplete_reason: 'shutdown' } });
  });
});

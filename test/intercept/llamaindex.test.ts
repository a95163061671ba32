/**
 * LlamaIndex.TS (@llamaindex/core 0.6): an LLM whose chat() is decorated by the real
 * `wrapLLMEvent` (what every LlamaIndex LLM class uses) and calls the real `openai` /
 * `@anthropic-ai/sdk` against the emulator, returning the provider response as `raw`.
 */
import Anthropic from '@anthropic-ai/sdk';
import { wrapLLMEvent } from '@llamaindex/core/decorator';
import { Settings } from '@llamaindex/core/global';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { withAttribution } from '../../src/intercept/index.js';
import { instrumentLlamaIndex } from '../../src/intercept/llamaindex.js';
import { memoryTracker, useEmulator } from './helpers.js';

const emulator = useEmulator();

type Params = { messages: { role: string; content: string }[]; stream?: boolean };

function openaiLLM() {
  const client = new OpenAI({ apiKey: 't', baseURL: emulator().openaiBaseURL, maxRetries: 0 });
  const chat = async function (params: Params): Promise<unknown> {
    const messages = params.messages as OpenAI.ChatCompletionMessageParam[];
    if (!params.stream) {
      const raw = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
      return { message: { role: 'assistant', content: raw.choices[0]?.message.content ?? '' }, raw };
    }
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } });
    return (async function* () {
      for await (const chunk of stream) yield { delta: chunk.choices[0]?.delta.content ?? '', raw: chunk };
    })();
  };
  const llm = { metadata: { model: 'gpt-4o-mini' } };
  const wrapped = wrapLLMEvent(chat as never, {} as never) as unknown as (p: Params) => Promise<unknown>;
  return (p: Params) => wrapped.call(llm, p);
}

function anthropicLLM() {
  const client = new Anthropic({ apiKey: 't', baseURL: emulator().anthropicBaseURL, maxRetries: 0 });
  const chat = async function (params: Params): Promise<unknown> {
    const stream = await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 32, messages: params.messages as Anthropic.MessageParam[], stream: true });
    return (async function* () {
      for await (const event of stream) yield { delta: event.type === 'content_block_delta' && event.delta.type === 'text_delta' ? event.delta.text : '', raw: event };
    })();
  };
  const wrapped = wrapLLMEvent(chat as never, {} as never) as unknown as (p: Params) => Promise<unknown>;
  return (p: Params) => wrapped.call({}, p);
}

const tick = () => new Promise((r) => setImmediate(r));
const ask = (content: string): Params => ({ messages: [{ role: 'user', content }] });

describe('instrumentLlamaIndex', () => {
  it('records a chat call from response.raw, detecting the OpenAI chat shape', async () => {
    const { events, tracker } = memoryTracker();
    const { detach } = instrumentLlamaIndex(Settings.callbackManager, { tracker, attributes: { customer: 'li' } });
    try {
      await withAttribution({ task: 'rag' }, () => openaiLLM()(ask('what is up')));
      await tick();
      await tracker.flush();
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        id: 'chatcmpl-emu-1',
        provider: 'openai',
        model: 'gpt-4o-mini',
        status: 'ok',
        usage: { prompt_tokens: 3, completion_tokens: 5 },
        attributes: { customer: 'li', task: 'rag' },
        metadata: { api: 'llamaindex' },
      });
    } finally {
      detach();
    }
  });

  it('records streamed calls from the chunks raw events (OpenAI usage chunk, Anthropic message events) with ttft', async () => {
    const { events, tracker } = memoryTracker();
    const { detach } = instrumentLlamaIndex(Settings.callbackManager, { tracker });
    try {
      for (const llm of [openaiLLM(), anthropicLLM()]) {
        const it = (await llm({ ...ask('a b'), stream: true })) as AsyncIterable<{ delta: string }>;
        let text = '';
        for await (const c of it) text += c.delta;
        expect(text).toBe('Hello from the ratecard emulator ');
      }
      await tick();
      await tracker.flush();
      expect(events.map((e) => [e.provider, e.status, e.model])).toEqual([
        ['openai', 'ok', 'gpt-4o-mini'],
        ['anthropic', 'ok', 'claude-haiku-4-5'],
      ]);
      expect(events[1]!.usage).toMatchObject({ input_tokens: 2, output_tokens: 5 });
      expect(events.every((e) => (e.ttft_ms ?? 0) > 0)).toBe(true);
    } finally {
      detach();
    }
  });

  it('records a call that never ends (LlamaIndex has no error event) as incomplete on detach', async () => {
    const { events, tracker } = memoryTracker();
    const { detach } = instrumentLlamaIndex(Settings.callbackManager, { tracker });
    emulator().next({ status: 500 });
    await expect(openaiLLM()(ask('x'))).rejects.toThrow();
    await tick();
    detach();
    await tracker.flush();
    expect(events[0]).toMatchObject({ status: 'incomplete', metadata: { incomplete_reason: 'detached' } });
  });

  it('stops recording after detach', async () => {
    const { events, tracker } = memoryTracker();
    instrumentLlamaIndex(Settings.callbackManager, { tracker }).detach();
    await openaiLLM()(ask('x'));
    await tick();
    await tracker.flush();
    expect(events).toHaveLength(0);
  });
});

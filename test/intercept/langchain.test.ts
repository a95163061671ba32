/** LangChain.js (@langchain/core 1.x): a chat model reporting usage_metadata, through ratecardCallbacks. */
import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import { BaseChatModel, type BaseChatModelParams } from '@langchain/core/language_models/chat_models';
import { AIMessage, AIMessageChunk, type BaseMessage } from '@langchain/core/messages';
import { ChatGenerationChunk, type ChatResult } from '@langchain/core/outputs';
import { FakeListChatModel } from '@langchain/core/utils/testing';
import { describe, expect, it } from 'vitest';
import { ratecardCallbacks } from '../../src/intercept/langchain.js';
import { withAttribution } from '../../src/intercept/index.js';
import { memoryTracker } from './helpers.js';

const USAGE = {
  input_tokens: 150,
  output_tokens: 40,
  total_tokens: 190,
  input_token_details: { cache_read: 100, cache_creation: 20 },
  output_token_details: { reasoning: 15 },
};

class UsageChatModel extends BaseChatModel {
  fail = false;
  constructor(params: BaseChatModelParams & { fail?: boolean } = {}) {
    super(params);
    this.fail = params.fail ?? false;
  }
  _llmType() {
    return 'usage-fake';
  }
  override getName() {
    return 'ChatAcme';
  }
  override invocationParams() {
    return { model: 'acme-large-1' };
  }
  async _generate(_messages: BaseMessage[]): Promise<ChatResult> {
    if (this.fail) throw Object.assign(new Error('overloaded'), { status: 529 });
    const message = new AIMessage({ content: 'hi', id: 'chatcmpl-lc-1', usage_metadata: USAGE, response_metadata: { model_name: 'acme-large-1-2025' } });
    return { generations: [{ text: 'hi', message }] };
  }
  override async *_streamResponseChunks(_m: BaseMessage[], _o: this['ParsedCallOptions'], runManager?: CallbackManagerForLLMRun): AsyncGenerator<ChatGenerationChunk> {
    for (const t of ['a', 'b']) {
      await new Promise((r) => setTimeout(r, 2));
      // Real integrations report each token to the run manager themselves.
      await runManager?.handleLLMNewToken(t);
      yield new ChatGenerationChunk({ text: t, message: new AIMessageChunk({ content: t, id: 'lc-stream-1' }) });
    }
    yield new ChatGenerationChunk({ text: '', message: new AIMessageChunk({ content: '', id: 'lc-stream-1', usage_metadata: USAGE }) });
  }
}

describe('ratecardCallbacks (LangChain)', () => {
  it('records invoke() with its usage_metadata, with model, provider and per-run attribution', async () => {
    const { events, tracker } = memoryTracker();
    const handler = ratecardCallbacks({ tracker, attributes: { customer: 'acme' } });
    const model = new UsageChatModel();
    const out = await model.invoke('hello', { callbacks: [handler], metadata: { ratecard: { agent: 'support-bot' } } });
    expect(out.content).toBe('hi');
    await tracker.flush();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      id: 'chatcmpl-lc-1',
      provider: 'Acme',
      model: 'acme-large-1-2025',
      status: 'ok',
      usage: USAGE,
      attributes: { customer: 'acme', agent: 'support-bot' },
      metadata: { api: 'langchain' },
    });
  });

  it('records a streamed run with ttft and the aggregated usage', async () => {
    const { events, tracker } = memoryTracker();
    const model = new UsageChatModel();
    let text = '';
    await withAttribution({ conversation: 'conv-9' }, async () => {
      for await (const c of await model.stream('hello', { callbacks: [ratecardCallbacks({ tracker })] })) text += c.content;
    });
    expect(text).toBe('ab');
    await tracker.flush();
    expect(events[0]).toMatchObject({ status: 'ok', attributes: { conversation: 'conv-9' }, usage: USAGE });
    expect(events[0]!.ttft_ms).toBeGreaterThan(0);
  });

  it('records a failing run as error', async () => {
    const { events, tracker } = memoryTracker();
    await expect(new UsageChatModel({ fail: true, maxRetries: 0 }).invoke('x', { callbacks: [ratecardCallbacks({ tracker })] })).rejects.toThrow('overloaded');
    await tracker.flush();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ status: 'error', model: 'acme-large-1', metadata: { http_status: '529' } });
  });

  it('records a model that reports no usage as incomplete (never zero)', async () => {
    const { events, tracker } = memoryTracker();
    await new FakeListChatModel({ responses: ['ok'] }).invoke('x', { callbacks: [ratecardCallbacks({ tracker })] });
    await tracker.flush();
    expect(events[0]).toMatchObject({ status: 'incomplete', metadata: { incomplete_reason: 'no_usage' } });
    expect(events[0]!.usage).toBeUndefined();
  });

  it('falls back to llmOutput.tokenUsage', () => {
    const { tracker } = memoryTracker();
    const h = ratecardCallbacks({ tracker, provider: 'openai' });
    h.handleLLMStart({}, ['p'], 'run-1', undefined, { invocation_params: { model_name: 'gpt-3.5-turbo-instruct' } });
    h.handleLLMEnd({ generations: [[{ text: 'x' }]], llmOutput: { tokenUsage: { promptTokens: 7, completionTokens: 3, totalTokens: 10 } } }, 'run-1');
    return tracker.flush().then(() => expect(tracker.stats().recorded).toBe(1));
  });
});

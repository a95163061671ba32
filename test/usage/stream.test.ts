import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  createAnthropicStreamUsage,
  createGeminiStreamUsage,
  createOpenAIChatStreamUsage,
  createOpenAIResponsesStreamUsage,
} from '../../src/usage/index.js';
import { canonical, expectError } from './helpers.js';

describe('Anthropic stream usage', () => {
  const start = {
    type: 'message_start',
    message: { id: 'msg_1', type: 'message', role: 'assistant', content: [], usage: { input_tokens: 472, cache_creation_input_tokens: 0, cache_read_input_tokens: 2048, output_tokens: 2 } },
  };

  it('message_start then cumulative message_delta: the later value replaces', () => {
    const s = createAnthropicStreamUsage();
    s.push(start);
    s.push({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    s.push({ type: 'message_delta', delta: { stop_reason: null }, usage: { output_tokens: 15 } });
    s.push({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { input_tokens: 472, cache_read_input_tokens: 2048, output_tokens: 89, server_tool_use: { web_search_requests: 1 } } });
    s.push({ type: 'message_stop' });
    expect(s.usage()).toEqual(canonical({ input: 472, cache_read: 2048, output: 89, web_searches: 1 }));
  });

  it('no events: missing', () => {
    const s = createAnthropicStreamUsage();
    expect(s.result().status).toBe('missing');
    expectError(() => s.usage(), 'usage_missing');
  });

  it('cut off before message_delta: missing, with the partial count', () => {
    const s = createAnthropicStreamUsage();
    s.push(start);
    const r = s.result();
    expect(r.status).toBe('missing');
    if (r.status === 'missing') expect(r.partial).toEqual(canonical({ input: 472, cache_read: 2048, output: 2 }));
  });

  it('property: any number of deltas bills the LAST cumulative count, never their sum', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 100_000 }), { minLength: 1, maxLength: 20 }), (increments) => {
        const s = createAnthropicStreamUsage();
        s.push(start);
        let cumulative = 0;
        for (const inc of increments) {
          cumulative += inc;
          s.push({ type: 'message_delta', usage: { output_tokens: cumulative } });
        }
        expect(s.usage().output).toBe(cumulative);
        expect(s.usage().input).toBe(472);
      }),
    );
  });
});

describe('OpenAI chat stream usage', () => {
  const chunk = (content: string) => ({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content }, finish_reason: null }], usage: null });

  it('the final usage chunk (include_usage)', () => {
    const s = createOpenAIChatStreamUsage();
    s.push(chunk('Hel'));
    s.push(chunk('lo'));
    s.push({ id: 'c1', object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 1200, completion_tokens: 40, total_tokens: 1240, prompt_tokens_details: { cached_tokens: 1024 } } });
    expect(s.usage()).toEqual(canonical({ input: 176, cache_read: 1024, output: 40 }));
  });

  it('without include_usage: missing, with a hint', () => {
    const s = createOpenAIChatStreamUsage();
    s.push(chunk('x'));
    const r = s.result();
    expect(r.status).toBe('missing');
    if (r.status === 'missing') expect(r.reason).toContain('include_usage');
  });

  it('cumulative usage on every chunk (vLLM): the last one counts', () => {
    const s = createOpenAIChatStreamUsage({ provider: 'vllm' });
    for (let i = 1; i <= 5; i++) s.push({ choices: [], usage: { prompt_tokens: 10, completion_tokens: i, total_tokens: 10 + i } });
    expect(s.usage()).toEqual(canonical({ input: 10, output: 5 }));
  });

  it('DeepSeek-shaped final usage is read with its own conventions', () => {
    const s = createOpenAIChatStreamUsage({ provider: 'deepseek' });
    s.push({ choices: [], usage: { prompt_tokens: 100, completion_tokens: 5, total_tokens: 105, prompt_cache_hit_tokens: 64, prompt_cache_miss_tokens: 36 } });
    expect(s.usage()).toEqual(canonical({ input: 36, cache_read: 64, output: 5 }));
  });
});

describe('OpenAI responses stream usage', () => {
  const usage = { input_tokens: 300, input_tokens_details: { cached_tokens: 0 }, output_tokens: 50, output_tokens_details: { reasoning_tokens: 32 }, total_tokens: 350 };

  it('response.completed carries the usage', () => {
    const s = createOpenAIResponsesStreamUsage();
    s.push({ type: 'response.created', response: { usage: null } });
    s.push({ type: 'response.output_text.delta', delta: 'hi' });
    s.push({ type: 'response.completed', response: { id: 'r1', status: 'completed', usage } });
    expect(s.usage()).toEqual(canonical({ input: 300, output: 18, reasoning: 32 }));
  });

  it('response.incomplete (max_output_tokens) is billed too', () => {
    const s = createOpenAIResponsesStreamUsage();
    s.push({ type: 'response.incomplete', response: { status: 'incomplete', usage } });
    expect(s.result().status).toBe('complete');
  });

  it('cut off: missing', () => {
    const s = createOpenAIResponsesStreamUsage();
    s.push({ type: 'response.created', response: { usage: null } });
    expectError(() => s.usage(), 'usage_missing');
  });
});

describe('Gemini stream usage', () => {
  it('the last chunk’s usageMetadata is the call’s', () => {
    const s = createGeminiStreamUsage();
    s.push({ candidates: [{ content: { parts: [{ text: 'a' }] } }], usageMetadata: { promptTokenCount: 9, totalTokenCount: 9 } });
    s.push({ candidates: [{ content: { parts: [{ text: 'b' }] } }], usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 4, totalTokenCount: 13 } });
    s.push({ candidates: [{ content: { parts: [{ text: 'c' }] }, finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 12, thoughtsTokenCount: 30, totalTokenCount: 51 } });
    expect(s.usage()).toEqual(canonical({ input: 9, output: 12, reasoning: 30 }));
  });

  it('cut off before a finishReason: missing with the running count as partial', () => {
    const s = createGeminiStreamUsage();
    s.push({ candidates: [{ content: { parts: [{ text: 'a' }] } }], usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 1, totalTokenCount: 10 } });
    const r = s.result();
    expect(r.status).toBe('missing');
    if (r.status === 'missing') expect(r.partial).toEqual(canonical({ input: 9, output: 1 }));
  });

  it('no usageMetadata at all: missing', () => {
    const s = createGeminiStreamUsage();
    s.push({ candidates: [{ finishReason: 'STOP' }] });
    expectError(() => s.usage(), 'usage_missing');
  });
});

/** Vercel AI SDK 6: generateText / streamText through wrapLanguageModel + ratecardMiddleware. */
import { generateText, streamText, wrapLanguageModel, simulateReadableStream, type LanguageModelMiddleware } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { ratecardMiddleware } from '../../src/intercept/ai-sdk.js';
import { withAttribution } from '../../src/intercept/index.js';
import { memoryTracker } from './helpers.js';
import { quoteWithCatalog } from '../../src/catalog/quote.js';

const v3usage = {
  inputTokens: { total: 120, noCache: 20, cacheRead: 90, cacheWrite: 10 },
  outputTokens: { total: 50, text: 40, reasoning: 10 },
};

const generateResult = {
  content: [{ type: 'text' as const, text: 'hello' }],
  finishReason: { unified: 'stop' as const, raw: 'stop' },
  usage: v3usage,
  warnings: [],
  response: { id: 'resp-1', modelId: 'gpt-4o-2024-08-06', timestamp: new Date(0), headers: { 'x-request-id': 'req-ai-1' } },
};

function streamModel(parts: unknown[], delay?: number) {
  return new MockLanguageModelV3({
    provider: 'openai.responses',
    modelId: 'gpt-4o',
    doStream: async () => ({
      stream: simulateReadableStream({ chunks: parts as never[], chunkDelayInMs: delay ?? null }),
      response: { headers: { 'x-request-id': 'req-ai-s' } },
    }),
  });
}

const textParts = [
  { type: 'stream-start', warnings: [] },
  { type: 'response-metadata', id: 'resp-s', modelId: 'gpt-4o-2024-11-20' },
  { type: 'text-start', id: '1' },
  { type: 'text-delta', id: '1', delta: 'Hel' },
  { type: 'text-delta', id: '1', delta: 'lo' },
  { type: 'text-end', id: '1' },
  { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage: v3usage },
];

describe('ratecardMiddleware', () => {
  it('is a LanguageModelMiddleware (type check) and records generateText with canonical buckets', async () => {
    const { events, tracker } = memoryTracker();
    const middleware: LanguageModelMiddleware = ratecardMiddleware({ tracker, attributes: { customer: 'acme' } });
    const model = wrapLanguageModel({
      model: new MockLanguageModelV3({ provider: 'openai.chat', modelId: 'gpt-4o', doGenerate: async () => generateResult }),
      middleware,
    });
    const r = await generateText({ model, prompt: 'hi', providerOptions: { ratecard: { task: 'greet' } } });
    expect(r.text).toBe('hello');
    await tracker.flush();
    expect(events[0]).toMatchObject({
      id: 'req-ai-1',
      provider: 'openai',
      model: 'gpt-4o-2024-08-06',
      status: 'ok',
      usage: v3usage,
      attributes: { customer: 'acme', task: 'greet' },
      metadata: { api: 'ai-sdk', response_id: 'resp-1' },
    });
  });

  it('records streamText with ttft once the stream finishes', async () => {
    const { events, tracker } = memoryTracker();
    const model = wrapLanguageModel({ model: streamModel(textParts, 2), middleware: ratecardMiddleware({ tracker }) });
    const result = await withAttribution({ conversation: 'c1' }, async () => streamText({ model, prompt: 'hi' }));
    expect(await result.text).toBe('Hello');
    await tracker.flush();
    expect(events[0]).toMatchObject({ id: 'req-ai-s', status: 'ok', model: 'gpt-4o-2024-11-20', attributes: { conversation: 'c1' }, usage: v3usage });
    expect(events[0]!.ttft_ms).toBeGreaterThan(0);
  });

  it('records a stream without a finish part as incomplete, and an abandoned one too', async () => {
    const { events, tracker } = memoryTracker();
    const mw = ratecardMiddleware({ tracker });
    const cut = wrapLanguageModel({ model: streamModel(textParts.slice(0, 5)), middleware: mw });
    await (await streamText({ model: cut, prompt: 'x' })).consumeStream();
    const slow = wrapLanguageModel({ model: streamModel(textParts, 20), middleware: mw });
    const { stream } = await slow.doStream({ prompt: [] } as never);
    const reader = stream.getReader();
    await reader.read();
    await reader.cancel();
    await tracker.flush();
    expect(events.map((e) => [e.status, e.metadata?.incomplete_reason])).toEqual([
      ['incomplete', 'stream_ended_without_usage'],
      ['incomplete', 'stream_abandoned'],
    ]);
  });

  it('records a failing model as error and rethrows', async () => {
    const { events, tracker } = memoryTracker();
    const err = Object.assign(new Error('rate limited'), { name: 'AI_APICallError', status: 429 });
    const model = wrapLanguageModel({
      model: new MockLanguageModelV3({ doGenerate: async () => { throw err; } }),
      middleware: ratecardMiddleware({ tracker }),
    });
    await expect(model.doGenerate({ prompt: [] } as never)).rejects.toBe(err);
    await tracker.flush();
    expect(events[0]).toMatchObject({ status: 'error', metadata: { error: 'AI_APICallError', http_status: '429' } });
  });

  it('records flat v2 usage as reported and raw Anthropic usage from v2 provider metadata', async () => {
    const { events, tracker } = memoryTracker();
    const mw = ratecardMiddleware({ tracker });
    const v2 = (usage: unknown, providerMetadata?: unknown, provider = 'openai.chat') =>
      mw.wrapGenerate({
        doGenerate: async () => ({ usage, providerMetadata, content: [] }),
        doStream: async () => ({}),
        params: {},
        model: { provider, modelId: 'm' },
      });
    await v2({ inputTokens: 100, outputTokens: 30, totalTokens: 130, cachedInputTokens: 60, reasoningTokens: 5 });
    const raw = { input_tokens: 10, cache_read_input_tokens: 60, output_tokens: 30 };
    await v2({ inputTokens: 10, outputTokens: 30, cachedInputTokens: 60 }, { anthropic: { usage: raw } }, 'anthropic.messages');
    await tracker.flush();
    expect(events[0]!.usage).toEqual({ inputTokens: 100, outputTokens: 30, totalTokens: 130, cachedInputTokens: 60, reasoningTokens: 5 });
    expect(events[1]).toMatchObject({ provider: 'anthropic', usage: raw });
  });

  it("records Google's raw usageMetadata (audio and cached audio split out), v2 or v3, and prices it that way", async () => {
    const { events, tracker } = memoryTracker();
    const mw = ratecardMiddleware({ tracker });
    const call = (usage: unknown, providerMetadata: unknown) =>
      mw.wrapGenerate({ doGenerate: async () => ({ usage, providerMetadata, content: [] }), doStream: async () => ({}), params: {}, model: { provider: 'google.generative-ai', modelId: 'gemini-2.0-flash' } });
    const raw = {
      promptTokenCount: 10_000, cachedContentTokenCount: 6_000, candidatesTokenCount: 100, totalTokenCount: 10_100,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: 3_000 }, { modality: 'AUDIO', tokenCount: 7_000 }],
      cacheTokensDetails: [{ modality: 'AUDIO', tokenCount: 6_000 }],
    };
    await call({ inputTokens: { total: 10_000, noCache: 4_000, cacheRead: 6_000 }, outputTokens: { total: 100, text: 100 } }, { google: { usageMetadata: raw, safetyRatings: null } });
    await call({ inputTokens: 10_000, outputTokens: 100, cachedInputTokens: 6_000 }, { google: { usageMetadata: raw } });
    // Without the raw usage (another provider's metadata, or none): the SDK's own usage.
    await call({ inputTokens: 5, outputTokens: 1 }, { google: { usageMetadata: null } });
    await tracker.flush();
    expect(events.map((e) => e.usage)).toEqual([raw, raw, { inputTokens: 5, outputTokens: 1 }]);
    expect(events[0]).toMatchObject({ provider: 'google', model: 'gemini-2.0-flash' });
    const q = quoteWithCatalog({ provider: 'google', model: 'gemini-2.0-flash', at: '2025-11-01T00:00:00Z', usage: events[0]!.usage });
    // 3000 text × 1e-7 + 1000 audio × 7e-7 + 6000 cached audio × 1.75e-7 + 100 × 4e-7
    expect(q.cost).toBe('0.00209');
  });
});

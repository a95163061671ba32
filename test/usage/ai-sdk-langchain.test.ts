import { describe, expect, it } from 'vitest';
import type { LanguageModelV2Usage, LanguageModelV3Usage } from '@ai-sdk/provider';
import type { LanguageModelUsage } from 'ai';
import type { UsageMetadata } from '@langchain/core/messages';
import { normalizeUsage } from '../../src/usage/index.js';
import { canonical, expectError } from './helpers.js';

describe('Vercel AI SDK usage', () => {
  it('v3 nested (LanguageModelV3Usage)', () => {
    const usage = {
      inputTokens: { total: 2000, noCache: 100, cacheRead: 1800, cacheWrite: 100 },
      outputTokens: { total: 500, text: 300, reasoning: 200 },
    } satisfies LanguageModelV3Usage;
    expect(normalizeUsage({ usage })).toEqual(canonical({ input: 100, cache_read: 1800, cache_write_5m: 100, output: 300, reasoning: 200 }));
  });

  it('v3 with only noCache/text filled', () => {
    const usage = {
      inputTokens: { total: undefined, noCache: 40, cacheRead: undefined, cacheWrite: undefined },
      outputTokens: { total: undefined, text: 9, reasoning: undefined },
    } satisfies LanguageModelV3Usage;
    expect(normalizeUsage({ usage })).toEqual(canonical({ input: 40, output: 9 }));
  });

  it('v3 with nothing reported is missing, never $0', () => {
    const usage = {
      inputTokens: { total: undefined, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
      outputTokens: { total: undefined, text: undefined, reasoning: undefined },
    } satisfies LanguageModelV3Usage;
    expectError(() => normalizeUsage({ usage }), 'usage_missing');
  });

  it('v3 whose parts exceed the total is inconsistent', () => {
    expectError(
      () => normalizeUsage({ usage: { inputTokens: { total: 100, cacheRead: 90, cacheWrite: 20 }, outputTokens: { total: 5 } } }),
      'usage_inconsistent',
    );
  });

  it('ai 6 LanguageModelUsage (generateText result)', () => {
    const usage = {
      inputTokens: 2000,
      inputTokenDetails: { noCacheTokens: 100, cacheReadTokens: 1800, cacheWriteTokens: 100 },
      outputTokens: 500,
      outputTokenDetails: { textTokens: 300, reasoningTokens: 200 },
      totalTokens: 2500,
      reasoningTokens: 200,
      cachedInputTokens: 1800,
    } satisfies LanguageModelUsage;
    expect(normalizeUsage({ usage })).toEqual(canonical({ input: 100, cache_read: 1800, cache_write_5m: 100, output: 300, reasoning: 200 }));
  });

  it('ai 6 details that disagree with the totals are inconsistent', () => {
    expectError(
      () => normalizeUsage({ usage: { inputTokens: 2000, inputTokenDetails: { noCacheTokens: 300, cacheReadTokens: 1800 }, outputTokens: 5, totalTokens: 2005 } }),
      'usage_inconsistent',
    );
  });

  it('v2 flat from OpenAI: cached and reasoning inside', () => {
    const usage = { inputTokens: 2006, outputTokens: 300, totalTokens: 2306, reasoningTokens: 192, cachedInputTokens: 1920 } satisfies LanguageModelV2Usage;
    expect(normalizeUsage({ provider: 'openai', usage })).toEqual(canonical({ input: 86, cache_read: 1920, output: 108, reasoning: 192 }));
  });

  it('v2 flat from Google: reasoning outside outputTokens, read from the total', () => {
    const usage = { inputTokens: 11, outputTokens: 450, totalTokens: 1485, reasoningTokens: 1024 } satisfies LanguageModelV2Usage;
    expect(normalizeUsage({ provider: 'google', usage })).toEqual(canonical({ input: 11, output: 450, reasoning: 1024 }));
  });

  it('v2 flat from Anthropic: inputTokens left the cache reads out', () => {
    const usage = { inputTokens: 50, outputTokens: 503, totalTokens: 553, cachedInputTokens: 1800 } satisfies LanguageModelV2Usage;
    expect(normalizeUsage({ provider: 'anthropic', usage })).toEqual(canonical({ input: 50, cache_read: 1800, output: 503 }));
    // Without the provider the OpenAI reading applies, and the cache cannot fit in the input.
    expectError(() => normalizeUsage({ usage }), 'usage_inconsistent');
  });
});

describe('LangChain usage_metadata', () => {
  it('from ChatOpenAI', () => {
    const usage = {
      input_tokens: 2006,
      output_tokens: 300,
      total_tokens: 2306,
      input_token_details: { cache_read: 1920, audio: 0 },
      output_token_details: { reasoning: 192, audio: 0 },
    } satisfies UsageMetadata;
    expect(normalizeUsage({ usage })).toEqual(canonical({ input: 86, cache_read: 1920, output: 108, reasoning: 192 }));
  });

  it('from ChatAnthropic: cache folded into input_tokens, TTL split kept', () => {
    const usage = {
      input_tokens: 2098,
      output_tokens: 503,
      total_tokens: 2601,
      input_token_details: { cache_read: 1800, cache_creation: 248, ephemeral_5m_input_tokens: 148, ephemeral_1h_input_tokens: 100 },
    };
    expect(normalizeUsage({ provider: 'anthropic', usage })).toEqual(canonical({ input: 50, cache_read: 1800, cache_write_5m: 148, cache_write_1h: 100, output: 503 }));
  });

  it('an AIMessage is unwrapped through usage_metadata', () => {
    const message = { content: 'hi', response_metadata: {}, usage_metadata: { input_tokens: 3, output_tokens: 4, total_tokens: 7, input_token_details: {} } };
    expect(normalizeUsage({ usage: message })).toEqual(canonical({ input: 3, output: 4 }));
  });

  it('image and audio details get their buckets', () => {
    const usage = { input_tokens: 1000, output_tokens: 50, total_tokens: 1050, input_token_details: { image: 700, audio: 200, text: 100 }, output_token_details: { audio: 30 } } satisfies UsageMetadata;
    expect(normalizeUsage({ usage })).toEqual(canonical({ input: 100, input_image: 700, input_audio: 200, output: 20, output_audio: 30 }));
  });

  it('cache details above input_tokens are inconsistent', () => {
    expectError(
      () => normalizeUsage({ usage: { input_tokens: 10, output_tokens: 1, total_tokens: 11, input_token_details: { cache_read: 8, cache_creation: 5 } } }),
      'usage_inconsistent',
    );
  });
});

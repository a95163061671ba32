import { describe, expect, it } from 'vitest';
import type { CompletionUsage } from 'openai/resources/completions';
import type { ResponseUsage } from 'openai/resources/responses/responses';
import { normalizeUsage } from '../../src/usage/index.js';
import { canonical, expectError } from './helpers.js';

describe('OpenAI chat completions usage', () => {
  const cases: { name: string; provider?: string; usage: Record<string, unknown>; expected: Parameters<typeof canonical>[0] }[] = [
    {
      name: 'docs example with zeroed details',
      usage: {
        prompt_tokens: 19,
        completion_tokens: 10,
        total_tokens: 29,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
      } satisfies CompletionUsage,
      expected: { input: 19, output: 10 },
    },
    {
      name: 'cached prompt and reasoning (o3): both subtracted once',
      usage: {
        prompt_tokens: 2006,
        completion_tokens: 300,
        total_tokens: 2306,
        prompt_tokens_details: { cached_tokens: 1920, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 192, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
      } satisfies CompletionUsage,
      expected: { input: 86, cache_read: 1920, output: 108, reasoning: 192 },
    },
    {
      name: 'audio in and out (gpt-4o-audio-preview)',
      usage: {
        prompt_tokens: 150,
        completion_tokens: 500,
        total_tokens: 650,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 100 },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 400 },
      } satisfies CompletionUsage,
      expected: { input: 50, input_audio: 100, output: 100, output_audio: 400 },
    },
    {
      name: 'predicted outputs: accepted and rejected tokens are billed as output',
      usage: {
        prompt_tokens: 300,
        completion_tokens: 120,
        total_tokens: 420,
        completion_tokens_details: { reasoning_tokens: 0, accepted_prediction_tokens: 50, rejected_prediction_tokens: 30 },
      } satisfies CompletionUsage,
      expected: { input: 300, output: 120 },
    },
    {
      name: 'cache writes reported in prompt_tokens_details (OpenRouter, newer OpenAI)',
      provider: 'openrouter',
      usage: {
        prompt_tokens: 3000,
        completion_tokens: 20,
        total_tokens: 3020,
        cost: 0.0123,
        is_byok: false,
        prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 2900, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0, image_tokens: 0 },
      },
      expected: { input: 100, cache_write_5m: 2900, output: 20 },
    },
    {
      name: 'vLLM without details: all uncached text',
      provider: 'vllm',
      usage: { prompt_tokens: 12, total_tokens: 42, completion_tokens: 30, prompt_tokens_details: null },
      expected: { input: 12, output: 30 },
    },
    {
      name: 'Groq: timing floats beside the counts are ignored',
      provider: 'groq',
      usage: { queue_time: 0.0213, prompt_tokens: 18, prompt_time: 0.0009, completion_tokens: 556, completion_time: 0.463, total_tokens: 574, total_time: 0.464 },
      expected: { input: 18, output: 556 },
    },
    {
      name: 'xAI: reasoning outside completion_tokens, read from total_tokens',
      provider: 'xai',
      usage: {
        prompt_tokens: 10120,
        completion_tokens: 1499,
        total_tokens: 14428,
        prompt_tokens_details: { cached_tokens: 128 },
        completion_tokens_details: { reasoning_tokens: 2809 },
      },
      expected: { input: 9992, cache_read: 128, output: 1499, reasoning: 2809 },
    },
    {
      name: 'xAI shape detected from the total even without the provider',
      usage: { prompt_tokens: 32, completion_tokens: 9, total_tokens: 135, completion_tokens_details: { reasoning_tokens: 94 } },
      expected: { input: 32, output: 9, reasoning: 94 },
    },
    {
      name: 'xAI without a total: the provider convention applies',
      provider: 'grok',
      usage: { prompt_tokens: 32, completion_tokens: 9, completion_tokens_details: { reasoning_tokens: 94 } },
      expected: { input: 32, output: 9, reasoning: 94 },
    },
    {
      name: 'image tokens (xAI prompt details)',
      provider: 'xai',
      usage: { prompt_tokens: 1300, completion_tokens: 40, total_tokens: 1340, prompt_tokens_details: { text_tokens: 44, image_tokens: 1256, cached_tokens: 0, audio_tokens: 0 } },
      expected: { input: 44, input_image: 1256, output: 40 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(normalizeUsage({ provider: c.provider ?? 'openai', usage: c.usage })).toEqual(canonical(c.expected));
    });
  }

  it('cached tokens above prompt_tokens are inconsistent, naming both fields', () => {
    const err = expectError(
      () => normalizeUsage({ provider: 'openai', usage: { prompt_tokens: 100, completion_tokens: 5, total_tokens: 105, prompt_tokens_details: { cached_tokens: 200 } } }),
      'usage_inconsistent',
    );
    expect(err.message).toContain('prompt_tokens_details.cached_tokens');
    expect(err.details.fields).toEqual(['prompt_tokens', 'prompt_tokens_details.cached_tokens']);
  });

  it('reasoning above completion_tokens (and a total that says it is inside) is inconsistent', () => {
    expectError(
      () => normalizeUsage({ usage: { prompt_tokens: 10, completion_tokens: 50, total_tokens: 60, completion_tokens_details: { reasoning_tokens: 80 } } }),
      'usage_inconsistent',
    );
  });

  it('a total that adds up neither way is inconsistent', () => {
    const err = expectError(() => normalizeUsage({ usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 99 } }), 'usage_inconsistent');
    expect(err.message).toContain('`total_tokens` (99)');
  });

  it('every problem is reported, not only the first', () => {
    const err = expectError(
      () =>
        normalizeUsage({
          usage: { prompt_tokens: 10, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 11 }, completion_tokens_details: { reasoning_tokens: 6 } },
        }),
      'usage_inconsistent',
    );
    expect(err.details.problems).toHaveLength(2);
  });

  it('non-integer and negative counts are invalid, all listed', () => {
    const err = expectError(() => normalizeUsage({ usage: { prompt_tokens: -1, completion_tokens: 2.5 } }), 'usage_invalid_count');
    expect(err.details.problems).toHaveLength(2);
  });

  it('a missing required count is named', () => {
    const err = expectError(() => normalizeUsage({ shape: 'openai-chat', usage: { prompt_tokens: 10 } }), 'usage_missing_field');
    expect(err.message).toContain('completion_tokens');
  });
});

describe('OpenAI responses usage', () => {
  it('docs example', () => {
    const usage = {
      input_tokens: 36,
      input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
      output_tokens: 87,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 123,
    } satisfies ResponseUsage;
    expect(normalizeUsage({ provider: 'openai', usage })).toEqual(canonical({ input: 36, output: 87 }));
  });

  it('cached input and reasoning are subsets', () => {
    const usage = {
      input_tokens: 5000,
      input_tokens_details: { cached_tokens: 4864, cache_write_tokens: 0 },
      output_tokens: 1200,
      output_tokens_details: { reasoning_tokens: 1024 },
      total_tokens: 6200,
    } satisfies ResponseUsage;
    expect(normalizeUsage({ usage })).toEqual(canonical({ input: 136, cache_read: 4864, output: 176, reasoning: 1024 }));
  });

  it('a whole Response object is unwrapped', () => {
    const response = { id: 'resp_1', object: 'response', status: 'completed', usage: { input_tokens: 3, output_tokens: 4, total_tokens: 7, input_tokens_details: { cached_tokens: 0 }, output_tokens_details: { reasoning_tokens: 0 } } };
    expect(normalizeUsage({ usage: response })).toEqual(canonical({ input: 3, output: 4 }));
  });

  it('inconsistent counts raise usage_inconsistent', () => {
    expectError(
      () => normalizeUsage({ usage: { input_tokens: 10, output_tokens: 5, total_tokens: 15, input_tokens_details: { cached_tokens: 11 }, output_tokens_details: { reasoning_tokens: 0 } } }),
      'usage_inconsistent',
    );
  });
});

describe('OpenAI realtime usage', () => {
  it('docs example: cached tokens leave their modality bucket', () => {
    const usage = {
      total_tokens: 253,
      input_tokens: 132,
      output_tokens: 121,
      input_token_details: { text_tokens: 119, audio_tokens: 13, image_tokens: 0, cached_tokens: 64, cached_tokens_details: { text_tokens: 64, audio_tokens: 0, image_tokens: 0 } },
      output_token_details: { text_tokens: 30, audio_tokens: 91 },
    };
    expect(normalizeUsage({ provider: 'openai', usage })).toEqual(canonical({ input: 55, cache_read: 64, input_audio: 13, output: 30, output_audio: 91 }));
  });

  it('cached audio is read from the cache, not twice', () => {
    const usage = {
      total_tokens: 1100,
      input_tokens: 1000,
      output_tokens: 100,
      input_token_details: { text_tokens: 200, audio_tokens: 800, cached_tokens: 700, cached_tokens_details: { text_tokens: 100, audio_tokens: 600 } },
      output_token_details: { text_tokens: 20, audio_tokens: 80 },
    };
    // Cached audio has its own rate (gpt-realtime-mini: $0.30 vs $0.06 per 1M cached text).
    expect(normalizeUsage({ usage })).toEqual(canonical({ input: 100, cache_read: 100, cache_read_audio: 600, input_audio: 200, output: 20, output_audio: 80 }));
  });
});

import { describe, expect, it } from 'vitest';
import { normalizeUsage } from '../../src/usage/index.js';
import { canonical, expectError } from './helpers.js';

describe('Mistral usage', () => {
  it('prompt_tokens_details.cached_tokens (prompt caching docs)', () => {
    const usage = { prompt_tokens: 1013, total_tokens: 1043, completion_tokens: 30, prompt_tokens_details: { cached_tokens: 1008 } };
    expect(normalizeUsage({ provider: 'mistral', usage })).toEqual(canonical({ input: 5, cache_read: 1008, output: 30 }));
  });

  it('num_cached_tokens', () => {
    const usage = { prompt_tokens: 801, completion_tokens: 2, total_tokens: 803, num_cached_tokens: 768 };
    expect(normalizeUsage({ provider: 'mistralai', usage })).toEqual(canonical({ input: 33, cache_read: 768, output: 2 }));
  });

  it('the older singular prompt_token_details, next to a zero num_cached_tokens', () => {
    const usage = { prompt_tokens: 801, completion_tokens: 2, total_tokens: 803, num_cached_tokens: 0, prompt_token_details: { cached_tokens: 768 } };
    expect(normalizeUsage({ usage })).toEqual(canonical({ input: 33, cache_read: 768, output: 2 }));
  });

  it('cache counts that disagree are inconsistent', () => {
    const err = expectError(
      () => normalizeUsage({ usage: { prompt_tokens: 801, completion_tokens: 2, num_cached_tokens: 768, prompt_tokens_details: { cached_tokens: 512 } } }),
      'usage_inconsistent',
    );
    expect(err.message).toContain('num_cached_tokens');
  });

  it('cached above prompt is inconsistent', () => {
    expectError(() => normalizeUsage({ provider: 'mistral', usage: { prompt_tokens: 10, completion_tokens: 2, num_cached_tokens: 64 } }), 'usage_inconsistent');
  });
});

describe('DeepSeek usage', () => {
  it('cache hits and misses partition the prompt; reasoning is inside completion_tokens', () => {
    const usage = {
      prompt_tokens: 1000,
      completion_tokens: 200,
      total_tokens: 1200,
      prompt_cache_hit_tokens: 900,
      prompt_cache_miss_tokens: 100,
      prompt_tokens_details: { cached_tokens: 900 },
      completion_tokens_details: { reasoning_tokens: 150 },
    };
    expect(normalizeUsage({ provider: 'deepseek', usage })).toEqual(canonical({ input: 100, cache_read: 900, output: 50, reasoning: 150 }));
  });

  it('only the misses given', () => {
    expect(normalizeUsage({ usage: { prompt_tokens: 64, completion_tokens: 8, total_tokens: 72, prompt_cache_miss_tokens: 14 } })).toEqual(
      canonical({ input: 14, cache_read: 50, output: 8 }),
    );
  });

  it('hits + misses ≠ prompt is inconsistent', () => {
    const err = expectError(
      () => normalizeUsage({ usage: { prompt_tokens: 1000, completion_tokens: 1, prompt_cache_hit_tokens: 900, prompt_cache_miss_tokens: 200 } }),
      'usage_inconsistent',
    );
    expect(err.message).toContain('prompt_cache_miss_tokens');
  });

  it('cached_tokens that disagree with the hits are inconsistent', () => {
    expectError(
      () => normalizeUsage({ usage: { prompt_tokens: 10, completion_tokens: 1, prompt_cache_hit_tokens: 5, prompt_cache_miss_tokens: 5, prompt_tokens_details: { cached_tokens: 4 } } }),
      'usage_inconsistent',
    );
  });
});

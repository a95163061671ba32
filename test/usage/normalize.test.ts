import { describe, expect, it } from 'vitest';
import { KNOWN_PROVIDERS, USAGE_SHAPES, detectUsageShape, normalizeUsage, providerConventions, type UsageShape } from '../../src/usage/index.js';
import { RatecardError } from '../../src/errors/index.js';
import { canonical, expectError } from './helpers.js';

describe('detectUsageShape', () => {
  const cases: [UsageShape | undefined, unknown][] = [
    ['canonical', { input: 10, output: 5, cache_write: 3 }],
    ['openai-chat', { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 }],
    ['openai-responses', { input_tokens: 1, output_tokens: 2, total_tokens: 3, input_tokens_details: { cached_tokens: 0 } }],
    ['openai-realtime', { input_tokens: 1, output_tokens: 2, total_tokens: 3, input_token_details: { text_tokens: 1 } }],
    ['anthropic', { input_tokens: 1, output_tokens: 2 }],
    ['anthropic', { input_tokens: 1, output_tokens: 2, cache_read_input_tokens: 0 }],
    ['anthropic', { input_tokens: 1, output_tokens: 2, output_tokens_details: { thinking_tokens: 1 } }],
    ['gemini', { promptTokenCount: 1, totalTokenCount: 1 }],
    ['bedrock-converse', { inputTokens: 1, outputTokens: 2, cacheReadInputTokens: 0 }],
    ['mistral', { prompt_tokens: 1, completion_tokens: 2, num_cached_tokens: 0 }],
    ['deepseek', { prompt_tokens: 1, completion_tokens: 2, prompt_cache_hit_tokens: 0 }],
    ['ai-sdk-v2', { inputTokens: 1, outputTokens: 2, totalTokens: 3 }],
    ['ai-sdk-v3', { inputTokens: { total: 1 }, outputTokens: { total: 2 } }],
    ['langchain', { input_tokens: 1, output_tokens: 2, total_tokens: 3, input_token_details: { cache_read: 0 } }],
    [undefined, { tokens: 5 }],
    [undefined, {}],
    [undefined, null],
    [undefined, [1, 2]],
  ];
  for (const [shape, usage] of cases) {
    it(`${JSON.stringify(usage)} → ${shape}`, () => expect(detectUsageShape(usage)).toBe(shape));
  }
});

describe('normalizeUsage', () => {
  it('canonical buckets pass through parseCanonicalUsage', () => {
    expect(normalizeUsage({ usage: { input: 10, cache_write: 4, output: '7' } })).toEqual(canonical({ input: 10, cache_write_5m: 4, output: 7 }));
    expectError(() => normalizeUsage({ usage: { input: -1 } }), 'usage_invalid_count');
  });

  it('missing usage is usage_missing, never zero', () => {
    for (const usage of [null, undefined, {}, { input_tokens: null }, { id: 'chatcmpl-1', usage: null }]) {
      const err = expectError(() => normalizeUsage({ provider: 'openai', usage }), 'usage_missing');
      expect(err.message).toContain('incomplete');
    }
  });

  it('unrecognized objects list their keys', () => {
    const err = expectError(() => normalizeUsage({ provider: 'openai', usage: { tokens_in: 5, tokens_out: 3 } }), 'usage_unrecognized');
    expect(err.message).toContain('`tokens_in`, `tokens_out`');
    expect(err.details.keys).toEqual(['tokens_in', 'tokens_out']);
    expectError(() => normalizeUsage({ usage: 42 }), 'usage_unrecognized');
    expectError(() => normalizeUsage({ usage: [1] }), 'usage_unrecognized');
  });

  it('an explicit shape skips detection; an unknown one suggests the closest', () => {
    expect(normalizeUsage({ shape: 'langchain', usage: { input_tokens: 3, output_tokens: 4, total_tokens: 7 } })).toEqual(canonical({ input: 3, output: 4 }));
    const err = expectError(() => normalizeUsage({ shape: 'antropic' as UsageShape, usage: { input_tokens: 1, output_tokens: 1 } }), 'usage_shape_unknown');
    expect(err.message).toContain('did you mean `anthropic`');
  });

  it('an explicit shape that does not fit names the fields it lacks', () => {
    const err = expectError(() => normalizeUsage({ shape: 'anthropic', usage: { prompt_tokens: 1, completion_tokens: 1 } }), 'usage_missing_field');
    expect(err.details.fields).toEqual(['input_tokens', 'output_tokens']);
  });

  it('the shape wins over the provider: Gemini via its OpenAI-compatible endpoint', () => {
    expect(normalizeUsage({ provider: 'google', usage: { prompt_tokens: 5, completion_tokens: 6, total_tokens: 11 } })).toEqual(canonical({ input: 5, output: 6 }));
  });

  it('provider ids and aliases are case-insensitive; unknown providers still normalize', () => {
    expect(providerConventions('Gemini')?.id).toBe('google');
    expect(providerConventions('AWS')?.id).toBe('bedrock');
    expect(providerConventions('somebody')).toBeUndefined();
    for (const id of ['openai', 'anthropic', 'google', 'vertex', 'bedrock', 'azure', 'mistral', 'deepseek', 'groq', 'together', 'xai', 'fireworks', 'vllm', 'openrouter']) {
      expect(KNOWN_PROVIDERS).toContain(id);
    }
    expect(normalizeUsage({ provider: 'somebody', usage: { prompt_tokens: 1, completion_tokens: 1 } })).toEqual(canonical({ input: 1, output: 1 }));
  });

  it('errors are RatecardErrors with JSON-safe details, never stack traces for the user', () => {
    try {
      normalizeUsage({ usage: { prompt_tokens: 1, completion_tokens: 1, prompt_tokens_details: { cached_tokens: 2 } } });
    } catch (e) {
      expect(e).toBeInstanceOf(RatecardError);
      const json = JSON.parse(JSON.stringify(e));
      expect(json.code).toBe('usage_inconsistent');
      expect(json.details.shape).toBe('openai-chat');
    }
  });

  it('every shape name is known to the dispatcher', () => {
    expect(USAGE_SHAPES).toHaveLength(new Set(USAGE_SHAPES).size);
  });
});

import { describe, expect, it } from 'vitest';
import type { Usage } from '@anthropic-ai/sdk/resources/messages';
import { normalizeUsage } from '../../src/usage/index.js';
import { canonical, expectError } from './helpers.js';

/** A usage object as @anthropic-ai/sdk types it: every field present, unused ones null. */
function sdkUsage(over: Partial<Usage>): Usage {
  return {
    cache_creation: null,
    cache_creation_input_tokens: null,
    cache_read_input_tokens: null,
    inference_geo: null,
    input_tokens: 0,
    output_tokens: 0,
    output_tokens_details: null,
    server_tool_use: null,
    service_tier: 'standard',
    speed: null,
    ...over,
  };
}

describe('Anthropic messages usage', () => {
  it('plain call', () => {
    expect(normalizeUsage({ provider: 'anthropic', usage: { input_tokens: 2095, output_tokens: 503 } })).toEqual(canonical({ input: 2095, output: 503 }));
  });

  it('SDK-shaped object with nulls', () => {
    expect(normalizeUsage({ provider: 'anthropic', usage: sdkUsage({ input_tokens: 12, output_tokens: 6 }) })).toEqual(canonical({ input: 12, output: 6 }));
  });

  it('cache reads and writes are ADDITIONAL to input_tokens (never subtracted)', () => {
    const usage = { input_tokens: 50, cache_creation_input_tokens: 248, cache_read_input_tokens: 1800, output_tokens: 503 };
    expect(normalizeUsage({ usage })).toEqual(canonical({ input: 50, cache_read: 1800, cache_write_5m: 248, output: 503 }));
  });

  it('cache writes split by TTL', () => {
    const usage = sdkUsage({
      input_tokens: 2048,
      cache_read_input_tokens: 1800,
      cache_creation_input_tokens: 556,
      cache_creation: { ephemeral_5m_input_tokens: 456, ephemeral_1h_input_tokens: 100 },
      output_tokens: 503,
    });
    expect(normalizeUsage({ provider: 'anthropic', usage })).toEqual(
      canonical({ input: 2048, cache_read: 1800, cache_write_5m: 456, cache_write_1h: 100, output: 503 }),
    );
  });

  it('a zeroed split falls back to 5-minute writes', () => {
    const usage = { input_tokens: 5, cache_creation_input_tokens: 300, cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 }, output_tokens: 9 };
    expect(normalizeUsage({ usage })).toEqual(canonical({ input: 5, cache_write_5m: 300, output: 9 }));
  });

  it('a split that does not add up to cache_creation_input_tokens is inconsistent', () => {
    const err = expectError(
      () =>
        normalizeUsage({
          usage: { input_tokens: 5, cache_creation_input_tokens: 248, cache_creation: { ephemeral_5m_input_tokens: 456, ephemeral_1h_input_tokens: 100 }, output_tokens: 9 },
        }),
      'usage_inconsistent',
    );
    expect(err.message).toContain('cache_creation.ephemeral_1h_input_tokens');
  });

  it('web searches are counted', () => {
    const usage = sdkUsage({ input_tokens: 6039, output_tokens: 931, server_tool_use: { web_search_requests: 2, web_fetch_requests: 0 } });
    expect(normalizeUsage({ usage })).toEqual(canonical({ input: 6039, output: 931, web_searches: 2 }));
  });

  it('thinking tokens move from output to reasoning, the billed total unchanged', () => {
    const usage = sdkUsage({ input_tokens: 40, output_tokens: 1500, output_tokens_details: { thinking_tokens: 1200 } });
    expect(normalizeUsage({ usage })).toEqual(canonical({ input: 40, output: 300, reasoning: 1200 }));
  });

  it('thinking above output_tokens is inconsistent', () => {
    expectError(() => normalizeUsage({ usage: { input_tokens: 1, output_tokens: 10, output_tokens_details: { thinking_tokens: 11 } } }), 'usage_inconsistent');
  });

  it('a whole Message is unwrapped; Claude on Bedrock/Vertex is read the same way', () => {
    const message = { id: 'msg_1', type: 'message', role: 'assistant', content: [], usage: { input_tokens: 7, output_tokens: 3, cache_read_input_tokens: 100 } };
    for (const provider of ['anthropic', 'bedrock', 'vertex']) {
      expect(normalizeUsage({ provider, usage: message })).toEqual(canonical({ input: 7, cache_read: 100, output: 3 }));
    }
  });
});

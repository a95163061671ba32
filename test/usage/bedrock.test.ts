import { describe, expect, it } from 'vitest';
import { detectUsageShape, normalizeUsage } from '../../src/usage/index.js';
import { canonical, expectError } from './helpers.js';

describe('Bedrock Converse usage', () => {
  it('plain call (provider bedrock or aws)', () => {
    for (const provider of ['bedrock', 'aws']) {
      expect(normalizeUsage({ provider, usage: { inputTokens: 12, outputTokens: 40, totalTokens: 52 } })).toEqual(canonical({ input: 12, output: 40 }));
    }
    expect(detectUsageShape({ inputTokens: 12, outputTokens: 40, totalTokens: 52 }, 'bedrock-converse')).toBe('bedrock-converse');
  });

  it('inputTokens EXCLUDES cache reads and writes; the total may include them', () => {
    const usage = { inputTokens: 8, outputTokens: 100, totalTokens: 3108, cacheReadInputTokens: 2000, cacheWriteInputTokens: 1000 };
    expect(normalizeUsage({ provider: 'bedrock', usage })).toEqual(canonical({ input: 8, cache_read: 2000, cache_write_5m: 1000, output: 100 }));
    expect(normalizeUsage({ provider: 'bedrock', usage: { ...usage, totalTokens: 108 } })).toEqual(
      canonical({ input: 8, cache_read: 2000, cache_write_5m: 1000, output: 100 }),
    );
  });

  it('cacheDetails split the writes by TTL', () => {
    const usage = {
      inputTokens: 8,
      outputTokens: 100,
      totalTokens: 1108,
      cacheWriteInputTokens: 1000,
      cacheDetails: [
        { ttl: '1h', inputTokens: 600 },
        { ttl: '5m', inputTokens: 400 },
      ],
    };
    expect(normalizeUsage({ provider: 'bedrock', usage })).toEqual(canonical({ input: 8, cache_write_5m: 400, cache_write_1h: 600, output: 100 }));
  });

  it('a split that disagrees with cacheWriteInputTokens is inconsistent', () => {
    expectError(
      () => normalizeUsage({ usage: { inputTokens: 1, outputTokens: 1, cacheWriteInputTokens: 10, cacheDetails: [{ ttl: '5m', inputTokens: 4 }] } }),
      'usage_inconsistent',
    );
  });

  it('an unknown TTL is invalid', () => {
    const err = expectError(() => normalizeUsage({ usage: { inputTokens: 1, outputTokens: 1, cacheWriteInputTokens: 4, cacheDetails: [{ ttl: '24h', inputTokens: 4 }] } }), 'usage_invalid_count');
    expect(err.message).toContain('cacheDetails[0].ttl');
  });

  it('a total that matches neither reading is inconsistent', () => {
    expectError(() => normalizeUsage({ provider: 'bedrock', usage: { inputTokens: 1, outputTokens: 1, totalTokens: 50, cacheReadInputTokens: 3 } }), 'usage_inconsistent');
  });
});

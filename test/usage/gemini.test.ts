import { describe, expect, it } from 'vitest';
import { normalizeUsage } from '../../src/usage/index.js';
import { canonical, expectError } from './helpers.js';

const g = (usage: Record<string, unknown>, provider = 'google') => normalizeUsage({ provider, usage });

describe('Gemini usageMetadata', () => {
  it('text call with modality details', () => {
    const usage = {
      promptTokenCount: 8,
      candidatesTokenCount: 25,
      totalTokenCount: 33,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: 8 }],
      candidatesTokensDetails: [{ modality: 'TEXT', tokenCount: 25 }],
    };
    expect(g(usage)).toEqual(canonical({ input: 8, output: 25 }));
  });

  it('thoughts are NOT inside candidatesTokenCount: reasoning, added to output', () => {
    expect(g({ promptTokenCount: 11, candidatesTokenCount: 450, thoughtsTokenCount: 1024, totalTokenCount: 1485 })).toEqual(
      canonical({ input: 11, output: 450, reasoning: 1024 }),
    );
  });

  it('cached content is INSIDE promptTokenCount', () => {
    const usage = {
      promptTokenCount: 120000,
      cachedContentTokenCount: 100000,
      candidatesTokenCount: 800,
      totalTokenCount: 120800,
      cacheTokensDetails: [{ modality: 'TEXT', tokenCount: 100000 }],
    };
    expect(g(usage, 'vertex')).toEqual(canonical({ input: 20000, cache_read: 100000, output: 800 }));
  });

  it('tool-use prompt tokens are extra input', () => {
    expect(g({ promptTokenCount: 500, candidatesTokenCount: 120, toolUsePromptTokenCount: 300, thoughtsTokenCount: 10, totalTokenCount: 930 })).toEqual(
      canonical({ input: 800, output: 120, reasoning: 10 }),
    );
  });

  it('audio input and image output get their buckets', () => {
    const usage = {
      promptTokenCount: 3210,
      candidatesTokenCount: 1300,
      totalTokenCount: 4510,
      promptTokensDetails: [
        { modality: 'TEXT', tokenCount: 210 },
        { modality: 'AUDIO', tokenCount: 3000 },
      ],
      candidatesTokensDetails: [
        { modality: 'IMAGE', tokenCount: 1290 },
        { modality: 'TEXT', tokenCount: 10 },
      ],
    };
    expect(g(usage, 'gemini')).toEqual(canonical({ input: 210, input_audio: 3000, output: 10, output_image: 1290 }));
  });

  it('cached audio counts once, as a cached-audio read (its own rate); cached images stay with cached text', () => {
    const usage = {
      promptTokenCount: 5000,
      cachedContentTokenCount: 3000,
      candidatesTokenCount: 10,
      totalTokenCount: 5010,
      promptTokensDetails: [
        { modality: 'TEXT', tokenCount: 1000 },
        { modality: 'AUDIO', tokenCount: 4000 },
      ],
      cacheTokensDetails: [{ modality: 'AUDIO', tokenCount: 3000 }],
    };
    expect(g(usage)).toEqual(canonical({ input: 1000, cache_read_audio: 3000, input_audio: 1000, output: 10 }));
    const withImage = { ...usage, promptTokenCount: 5500, totalTokenCount: 5510, cachedContentTokenCount: 3500, promptTokensDetails: [...usage.promptTokensDetails, { modality: 'IMAGE', tokenCount: 500 }], cacheTokensDetails: [...usage.cacheTokensDetails, { modality: 'IMAGE', tokenCount: 500 }] };
    expect(g(withImage)).toEqual(canonical({ input: 1000, cache_read: 500, cache_read_audio: 3000, input_audio: 1000, output: 10 }));
    // A breakdown of cached tokens without the cached count is inconsistent, not counted twice.
    const { cachedContentTokenCount: _c, ...noCount } = usage;
    expect(() => g(noCount)).toThrow(/cacheTokensDetails\[AUDIO\].*exceeds `cachedContentTokenCount` \(0\)/);
  });

  it('video and document tokens are billed as input', () => {
    const usage = { promptTokenCount: 5800, candidatesTokenCount: 20, totalTokenCount: 5820, promptTokensDetails: [{ modality: 'VIDEO', tokenCount: 5790 }, { modality: 'TEXT', tokenCount: 10 }] };
    expect(g(usage)).toEqual(canonical({ input: 5800, output: 20 }));
  });

  it('legacy previews that counted thoughts inside candidates are read by their total', () => {
    expect(g({ promptTokenCount: 10, candidatesTokenCount: 100, thoughtsTokenCount: 60, totalTokenCount: 110 })).toEqual(canonical({ input: 10, output: 40, reasoning: 60 }));
  });

  it('zero counts omitted by proto3 JSON read as 0', () => {
    expect(g({ promptTokenCount: 4, totalTokenCount: 4 })).toEqual(canonical({ input: 4 }));
  });

  it('snake_case from the Python SDKs is accepted', () => {
    expect(g({ prompt_token_count: 5, candidates_token_count: 7, thoughts_token_count: 3, total_token_count: 15 })).toEqual(canonical({ input: 5, output: 7, reasoning: 3 }));
  });

  it('a whole GenerateContentResponse is unwrapped', () => {
    const response = { candidates: [{ finishReason: 'STOP' }], modelVersion: 'gemini-2.5-flash', usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 2, totalTokenCount: 5 } };
    expect(g(response)).toEqual(canonical({ input: 3, output: 2 }));
  });

  it('cached above prompt, and a total that does not add up, are both reported', () => {
    const err = expectError(() => g({ promptTokenCount: 10, cachedContentTokenCount: 20, candidatesTokenCount: 5, totalTokenCount: 99 }), 'usage_inconsistent');
    expect(err.details.problems).toHaveLength(2);
    expect(err.message).toContain('cachedContentTokenCount');
    expect(err.message).toContain('totalTokenCount');
  });

  it('a bad modality entry is invalid', () => {
    expectError(() => g({ promptTokenCount: 10, promptTokensDetails: [{ modality: 'AUDIO', tokenCount: -3 }] }), 'usage_invalid_count');
  });
});

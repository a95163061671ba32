/**
 * What the framework integrations record, read back through the project's usage
 * normalizer (src/usage, as the ledger does): exact exclusive buckets, nothing lost.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aiSdkUsage, langChainTokenUsage, langChainUsage } from '../../src/intercept/framework-usage.js';
import { normalizeUsage, totalTokens } from '../../src/usage/index.js';

const n = fc.integer({ min: 0, max: 1_000_000 });

describe('framework usage as recorded → canonical buckets', () => {
  it('property: AI SDK v3 usage (raw echo dropped) normalizes to its exclusive parts', () => {
    fc.assert(
      fc.property(n, n, n, n, n, (noCache, cacheRead, cacheWrite, text, reasoning) => {
        const recorded = aiSdkUsage({
          inputTokens: { total: noCache + cacheRead + cacheWrite, noCache, cacheRead, cacheWrite },
          outputTokens: { total: text + reasoning, text, reasoning },
          raw: { some: 'provider echo' },
        })!;
        expect(recorded.raw).toBeUndefined();
        const c = normalizeUsage({ usage: recorded, provider: 'openai' });
        expect([c.input, c.cache_read, c.cache_write_5m, c.output, c.reasoning]).toEqual([noCache, cacheRead, cacheWrite, text, reasoning]);
        expect(totalTokens(c)).toBe(noCache + cacheRead + cacheWrite + text + reasoning);
      }),
    );
  });

  it('property: AI SDK v2 flat usage (inclusive totals) loses no token', () => {
    fc.assert(
      fc.property(n, n, n, n, (plain, cached, text, reasoning) => {
        const recorded = aiSdkUsage({ inputTokens: plain + cached, outputTokens: text + reasoning, totalTokens: plain + cached + text + reasoning, cachedInputTokens: cached, reasoningTokens: reasoning })!;
        const c = normalizeUsage({ usage: recorded, provider: 'openai' });
        expect([c.input, c.cache_read, c.output, c.reasoning]).toEqual([plain, cached, text, reasoning]);
      }),
    );
  });

  it('prefers the raw Anthropic usage of v2 provider metadata (it has the cache writes)', () => {
    const raw = { input_tokens: 10, cache_read_input_tokens: 60, cache_creation_input_tokens: 5, output_tokens: 30 };
    const recorded = aiSdkUsage({ inputTokens: 10, outputTokens: 30, cachedInputTokens: 60 }, { anthropic: { usage: raw } });
    expect(recorded).toBe(raw);
    expect(normalizeUsage({ usage: recorded, provider: 'anthropic' })).toMatchObject({ input: 10, cache_read: 60, cache_write_5m: 5, output: 30 });
  });

  it('property: LangChain usage_metadata normalizes into exclusive buckets without losing a token', () => {
    fc.assert(
      fc.property(n, n, n, n, n, (plain, read, write, text, reasoning) => {
        const recorded = langChainUsage({
          input_tokens: plain + read + write,
          output_tokens: text + reasoning,
          total_tokens: plain + read + write + text + reasoning,
          input_token_details: { cache_read: read, cache_creation: write },
          output_token_details: { reasoning },
        });
        const c = normalizeUsage({ usage: recorded });
        expect([c.input, c.cache_read, c.cache_write_5m, c.output, c.reasoning]).toEqual([plain, read, write, text, reasoning]);
      }),
    );
  });

  it('inconsistent counts reach the normalizer unclamped and are rejected there (an error, not a guess)', () => {
    const recorded = langChainUsage({ input_tokens: 5, output_tokens: 1, total_tokens: 6, input_token_details: { cache_read: 9 } });
    expect(() => normalizeUsage({ usage: recorded })).toThrow();
  });

  it('reads llmOutput.tokenUsage as canonical input/output', () => {
    expect(langChainTokenUsage({ promptTokens: 7, completionTokens: 3, totalTokens: 10 })).toEqual({ input: 7, output: 3 });
  });

  it('returns undefined when no count is known (the call is then incomplete, not zero)', () => {
    expect(aiSdkUsage({ inputTokens: undefined, outputTokens: undefined })).toBeUndefined();
    expect(aiSdkUsage({ inputTokens: { total: undefined }, outputTokens: { total: undefined } })).toBeUndefined();
    expect(langChainUsage({})).toBeUndefined();
    expect(langChainTokenUsage({})).toBeUndefined();
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromAiSdkUsage, fromLangChainUsage } from '../../src/intercept/framework-usage.js';
import { parseCanonicalUsage } from '../../src/usage/parse-canonical.js';
import { totalTokens } from '../../src/usage/canonical.js';

const n = fc.integer({ min: 0, max: 1_000_000 });

describe('framework usage → canonical buckets', () => {
  it('property: AI SDK v3 parts are kept exclusive and sum to the totals', () => {
    fc.assert(
      fc.property(n, n, n, n, n, (noCache, cacheRead, cacheWrite, text, reasoning) => {
        const u = fromAiSdkUsage({
          inputTokens: { total: noCache + cacheRead + cacheWrite, cacheRead, cacheWrite },
          outputTokens: { total: text + reasoning, reasoning },
        })!;
        const c = parseCanonicalUsage(u.usage);
        expect(totalTokens(c)).toBe(noCache + cacheRead + cacheWrite + text + reasoning);
        expect([c.input, c.cache_read, c.cache_write_5m, c.output, c.reasoning]).toEqual([noCache, cacheRead, cacheWrite, text, reasoning]);
      }),
    );
  });

  it('property: LangChain usage_metadata splits totals into exclusive buckets without losing a token', () => {
    fc.assert(
      fc.property(n, n, n, n, n, n, (plain, read, write, audio, text, reasoning) => {
        const c = parseCanonicalUsage(
          fromLangChainUsage({
            input_tokens: plain + read + write + audio,
            output_tokens: text + reasoning,
            total_tokens: plain + read + write + audio + text + reasoning,
            input_token_details: { cache_read: read, cache_creation: write, audio },
            output_token_details: { reasoning },
          }),
        );
        expect(totalTokens(c)).toBe(plain + read + write + audio + text + reasoning);
        expect(c.input).toBe(plain);
        expect(c.cache_write_5m).toBe(write);
        expect(c.output).toBe(text);
      }),
    );
  });

  it('splits Anthropic cache-write TTLs when an integration reports them', () => {
    expect(fromLangChainUsage({ input_tokens: 100, output_tokens: 1, input_token_details: { cache_creation: 30, ephemeral_1h_input_tokens: 20 } })).toEqual({
      input: 70,
      cache_write_5m: 10,
      cache_write_1h: 20,
      output: 1,
    });
  });

  it('does not clamp inconsistent counts: the canonical parser rejects them (an error, not a guess)', () => {
    const u = fromLangChainUsage({ input_tokens: 5, output_tokens: 1, input_token_details: { cache_read: 9 } });
    expect(u!.input).toBe(-4);
    expect(() => parseCanonicalUsage(u)).toThrow(/non-negative/);
  });

  it('returns undefined when no count is known (the call is then incomplete, not zero)', () => {
    expect(fromAiSdkUsage({ inputTokens: undefined, outputTokens: undefined })).toBeUndefined();
    expect(fromAiSdkUsage({ inputTokens: { total: undefined }, outputTokens: { total: undefined } })).toBeUndefined();
    expect(fromLangChainUsage({})).toBeUndefined();
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quoteWithCatalog } from '../../src/catalog/quote.js';
import { Dec } from '../../src/money/index.js';
import { isRatecardError } from '../../src/errors/index.js';

const sum = (lines: { amount: string }[]) => lines.reduce((s, l) => s.plus(l.amount), new Dec(0));

describe('quoteWithCatalog: raw usage → normalize → list price', () => {
  it('OpenAI chat usage: cached and reasoning tokens are not double counted', () => {
    const q = quoteWithCatalog({
      provider: 'openai', model: 'gpt-4o', at: '2025-03-01T00:00:00Z',
      usage: { prompt_tokens: 2000, completion_tokens: 500, total_tokens: 2500, prompt_tokens_details: { cached_tokens: 1200 }, completion_tokens_details: { reasoning_tokens: 0 } },
    });
    // 800 × 2.5e-6 + 1200 × 1.25e-6 + 500 × 1e-5
    expect(q.cost).toBe('0.0085');
    expect(q.price_version).toBe('catalog:openai/gpt-4o-2024-08-06@2024-08-06');
  });

  it('old calls keep their old price: gpt-4o in July 2024 was the $5/$15 snapshot', () => {
    const q = quoteWithCatalog({ model: 'gpt-4o', at: '2024-07-01T00:00:00Z', usage: { input: 1000, output: 1000 } });
    expect(q.cost).toBe('0.02');
  });

  it('Anthropic usage: 1h cache writes at 2× input, 5m at 1.25×, and the 200k cliff switches every rate', () => {
    const usage = { input_tokens: 100, output_tokens: 1000, cache_read_input_tokens: 0, cache_creation_input_tokens: 3000, cache_creation: { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 2000 } };
    const small = quoteWithCatalog({ provider: 'anthropic', model: 'claude-sonnet-4-5', at: '2025-11-01T00:00:00Z', usage });
    // 100×3e-6 + 1000×3.75e-6 + 2000×6e-6 + 1000×1.5e-5
    expect(small.cost).toBe('0.03105');
    const big = quoteWithCatalog({ provider: 'anthropic', model: 'claude-sonnet-4-5', at: '2025-11-01T00:00:00Z', usage: { ...usage, input_tokens: 197_001 } });
    // prompt = 200,001 > 200k: 197001×6e-6 + 1000×7.5e-6 + 2000×1.2e-5 + 1000×2.25e-5
    expect(big.cost).toBe('1.236006');
  });

  it('Gemini thoughts are billed as output; DeepSeek off-peak prices by the call time', () => {
    const g = quoteWithCatalog({ provider: 'google', model: 'gemini-2.5-pro', at: '2025-11-01T00:00:00Z', usage: { promptTokenCount: 1000, candidatesTokenCount: 100, thoughtsTokenCount: 400, totalTokenCount: 1500 } });
    expect(g.cost).toBe('0.00625');
    const peak = quoteWithCatalog({ provider: 'deepseek', model: 'deepseek-chat', at: '2025-03-01T12:00:00Z', usage: { prompt_tokens: 1000, completion_tokens: 1000, prompt_cache_hit_tokens: 0, prompt_cache_miss_tokens: 1000 } });
    const off = quoteWithCatalog({ provider: 'deepseek', model: 'deepseek-chat', at: '2025-03-01T18:00:00Z', usage: { prompt_tokens: 1000, completion_tokens: 1000, prompt_cache_hit_tokens: 0, prompt_cache_miss_tokens: 1000 } });
    expect(peak.cost).toBe('0.00137');
    expect(off.cost).toBe('0.000685');
    expect(off.price_version).toMatch(/\+off_peak$/);
  });

  it('cached audio is priced at its own rate (Gemini, OpenAI Realtime), cached images as cached text', () => {
    // gemini-2.0-flash: input 1e-7, audio input 7e-7, cached text 2.5e-8, cached audio 1.75e-7 per token.
    const usage = {
      promptTokenCount: 10_000, cachedContentTokenCount: 8_000, candidatesTokenCount: 100, totalTokenCount: 10_100,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: 2_000 }, { modality: 'AUDIO', tokenCount: 7_000 }, { modality: 'IMAGE', tokenCount: 1_000 }],
      cacheTokensDetails: [{ modality: 'AUDIO', tokenCount: 6_000 }, { modality: 'IMAGE', tokenCount: 1_000 }, { modality: 'TEXT', tokenCount: 1_000 }],
    };
    const g = quoteWithCatalog({ provider: 'google', model: 'gemini-2.0-flash', at: '2025-11-01T00:00:00Z', usage });
    const line = (c: string) => g.lines.find((l) => l.component === c);
    expect(line('cache_read_audio')).toMatchObject({ quantity: '6000', unit_price: '0.000000175', amount: '0.00105' });
    expect(line('cache_read')).toMatchObject({ quantity: '2000', unit_price: '0.000000025' });
    expect(g.warnings).toBeUndefined();
    // 1000 text × 1e-7 + 1000 audio × 7e-7 + 2000 cached × 2.5e-8 + 6000 cached audio × 1.75e-7 + 100 × 4e-7
    expect(g.cost).toBe('0.00194');
    expect(sum(g.lines).toString()).toBe(g.cost);
    // gpt-realtime-mini: cached audio $0.30 per 1M, five times its cached text.
    const rt = quoteWithCatalog({
      provider: 'openai', model: 'gpt-realtime-mini-2025-10-06', at: '2025-11-01T00:00:00Z',
      usage: { input_tokens: 1000, output_tokens: 0, total_tokens: 1000, input_token_details: { text_tokens: 0, audio_tokens: 1000, cached_tokens: 1000, cached_tokens_details: { text_tokens: 0, audio_tokens: 1000 } } },
    });
    expect(rt.cost).toBe('0.0003');
  });

  it('batch tier and regional uplift', () => {
    const base = { provider: 'bedrock', model: 'anthropic.claude-sonnet-4-5-20250929-v1:0', at: '2025-11-01T00:00:00Z', usage: { input: 1000, output: 1000 } };
    expect(quoteWithCatalog(base).cost).toBe('0.018');
    expect(quoteWithCatalog({ ...base, region: 'us-east-1' }).cost).toBe('0.0198');
    expect(quoteWithCatalog({ ...base, model: `eu.${base.model}` }).cost).toBe('0.0198');
    expect(quoteWithCatalog({ model: 'gpt-5', at: '2025-11-01T00:00:00Z', service_tier: 'batch', usage: { input: 1000, output: 1000 } }).cost).toBe('0.005625');
  });

  it('unknown models and missing usage are errors, never $0', () => {
    const code = (fn: () => unknown) => {
      try { fn(); } catch (e) { if (isRatecardError(e)) return e.code; throw e; }
      return 'no error';
    };
    expect(code(() => quoteWithCatalog({ model: 'gpt-9-ultra', usage: { input: 1 } }))).toBe('model_not_found');
    expect(code(() => quoteWithCatalog({ model: 'o3', at: '2024-01-01T00:00:00Z', usage: { input: 1 } }))).toBe('model_unpriced');
    expect(code(() => quoteWithCatalog({ provider: 'openai', model: 'gpt-4o', usage: null }))).not.toBe('no error');
  });

  it('property: the quote lines sum exactly to the cost, and cost = Σ quantity × rate', () => {
    fc.assert(
      fc.property(fc.nat(300_000), fc.nat(50_000), fc.nat(50_000), (input, cached, output) => {
        const q = quoteWithCatalog({ model: 'claude-sonnet-4-5', at: '2025-11-01T00:00:00Z', usage: { input, cache_read: cached, output } });
        expect(sum(q.lines).eq(q.cost)).toBe(true);
        const long = input + cached > 200_000;
        const expected = new Dec(input).times(long ? '0.000006' : '0.000003').plus(new Dec(cached).times(long ? '0.0000006' : '0.0000003')).plus(new Dec(output).times(long ? '0.0000225' : '0.000015'));
        expect(new Dec(q.cost).eq(expected)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

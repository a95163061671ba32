/**
 * fast-check generators of CONSISTENT provider usage objects, built from the canonical
 * buckets they must normalize to (`truth`), with the provider's own billable total and
 * ways to break each one (every breaker yields an object that must be rejected).
 */
import fc from 'fast-check';
import { emptyUsage, type CanonicalUsage } from '../../src/usage/canonical.js';

type Obj = Record<string, any>;
export interface Generated {
  usage: Obj;
  truth: CanonicalUsage;
}
export interface ShapeCase {
  name: string;
  provider?: string;
  arb: fc.Arbitrary<Generated>;
  /** The provider's total billable tokens, read from its own fields. */
  billable: (u: Obj) => number;
  /** Each returns an inconsistent copy; `k` ≥ 1. */
  breakers: Record<string, (u: Obj, k: number) => Obj>;
}

/** Counts with plenty of zeros (details are often 0 or absent). */
const n = fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 3, arbitrary: fc.nat({ max: 2_000_000 }) });
const truth = (p: Partial<CanonicalUsage>): CanonicalUsage => ({ ...emptyUsage(), ...p });
/** Drop keys whose value is 0 when `drop` says so (providers omit zero details). */
const maybe = (drop: boolean, o: Obj): Obj => Object.fromEntries(Object.entries(o).filter(([, v]) => !(drop && v === 0)));
const clone = (u: Obj): Obj => structuredClone(u);

const openaiChat: ShapeCase = {
  name: 'openai-chat',
  provider: 'openai',
  arb: fc
    .record({ input: n, cache_read: n, cache_write_5m: n, input_audio: n, input_image: n, output: n, reasoning: n, output_audio: n, output_image: n, drop: fc.boolean(), separate: fc.boolean() })
    .map(({ drop, separate, ...t }) => {
      const prompt = t.input + t.cache_read + t.cache_write_5m + t.input_audio + t.input_image;
      const completion = t.output + t.output_audio + t.output_image + (separate ? 0 : t.reasoning);
      return {
        usage: {
          prompt_tokens: prompt,
          completion_tokens: completion,
          total_tokens: prompt + completion + (separate ? t.reasoning : 0),
          prompt_tokens_details: maybe(drop, { cached_tokens: t.cache_read, cache_write_tokens: t.cache_write_5m, audio_tokens: t.input_audio, image_tokens: t.input_image }),
          completion_tokens_details: maybe(drop, { reasoning_tokens: t.reasoning, audio_tokens: t.output_audio, image_tokens: t.output_image, accepted_prediction_tokens: 0 }),
        },
        truth: truth(t),
      };
    }),
  billable: (u) => u.total_tokens,
  breakers: {
    'cached > prompt': (u, k) => ({ ...clone(u), prompt_tokens_details: { cached_tokens: u.prompt_tokens + k } }),
    'total off': (u, k) => ({ ...clone(u), total_tokens: u.prompt_tokens + u.completion_tokens + (u.completion_tokens_details.reasoning_tokens ?? 0) + k }),
    'reasoning > completion': (u, k) => {
      const { total_tokens: _t, ...rest } = clone(u);
      return { ...rest, completion_tokens_details: { reasoning_tokens: u.completion_tokens + k } };
    },
  },
};

const openaiResponses: ShapeCase = {
  name: 'openai-responses',
  provider: 'openai',
  arb: fc.record({ input: n, cache_read: n, cache_write_5m: n, output: n, reasoning: n }).map((t) => {
    const input = t.input + t.cache_read + t.cache_write_5m;
    const output = t.output + t.reasoning;
    return {
      usage: {
        input_tokens: input,
        input_tokens_details: { cached_tokens: t.cache_read, cache_write_tokens: t.cache_write_5m },
        output_tokens: output,
        output_tokens_details: { reasoning_tokens: t.reasoning },
        total_tokens: input + output,
      },
      truth: truth(t),
    };
  }),
  billable: (u) => u.total_tokens,
  breakers: {
    'cached > input': (u, k) => ({ ...clone(u), input_tokens_details: { cached_tokens: u.input_tokens + k } }),
    'total off': (u, k) => ({ ...clone(u), total_tokens: u.total_tokens + u.output_tokens_details.reasoning_tokens + k }),
  },
};

const openaiRealtime: ShapeCase = {
  name: 'openai-realtime',
  provider: 'openai',
  arb: fc.record({ input: n, cachedText: n, cachedAudio: n, cachedImage: n, input_audio: n, input_image: n, output: n, output_audio: n }).map(({ cachedText, cachedAudio, cachedImage, ...t }) => {
    const input = t.input + cachedText + cachedAudio + cachedImage + t.input_audio + t.input_image;
    return {
      usage: {
        total_tokens: input + t.output + t.output_audio,
        input_tokens: input,
        output_tokens: t.output + t.output_audio,
        input_token_details: {
          text_tokens: t.input + cachedText,
          audio_tokens: t.input_audio + cachedAudio,
          image_tokens: t.input_image + cachedImage,
          cached_tokens: cachedText + cachedAudio + cachedImage,
          cached_tokens_details: { text_tokens: cachedText, audio_tokens: cachedAudio, image_tokens: cachedImage },
        },
        output_token_details: { text_tokens: t.output, audio_tokens: t.output_audio },
      },
      // Cached audio has its own rate; cached images are priced as cached text.
      truth: truth({ ...t, cache_read: cachedText + cachedImage, cache_read_audio: cachedAudio }),
    };
  }),
  billable: (u) => u.total_tokens,
  breakers: {
    'cached > input': (u, k) => ({ ...clone(u), input_token_details: { ...u.input_token_details, cached_tokens: u.input_tokens + k, cached_tokens_details: {} } }),
  },
};

const anthropic: ShapeCase = {
  name: 'anthropic',
  provider: 'anthropic',
  arb: fc
    .record({ input: n, cache_read: n, cache_write_5m: n, cache_write_1h: n, output: n, reasoning: n, web_searches: fc.nat({ max: 20 }), split: fc.boolean(), nulls: fc.boolean() })
    .map(({ split, nulls, ...t }) => {
      const w1 = split ? t.cache_write_1h : 0;
      const usage: Obj = {
        input_tokens: t.input,
        cache_read_input_tokens: t.cache_read,
        cache_creation_input_tokens: t.cache_write_5m + w1,
        output_tokens: t.output + t.reasoning,
        output_tokens_details: { thinking_tokens: t.reasoning },
        server_tool_use: { web_search_requests: t.web_searches, web_fetch_requests: 0 },
        cache_creation: split ? { ephemeral_5m_input_tokens: t.cache_write_5m, ephemeral_1h_input_tokens: w1 } : nulls ? null : undefined,
        service_tier: 'standard',
      };
      return { usage, truth: truth({ ...t, cache_write_1h: w1 }) };
    }),
  billable: (u) => u.input_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens + u.output_tokens,
  breakers: {
    'thinking > output': (u, k) => ({ ...clone(u), output_tokens_details: { thinking_tokens: u.output_tokens + k } }),
    'split ≠ writes': (u, k) => ({ ...clone(u), cache_creation: { ephemeral_5m_input_tokens: u.cache_creation_input_tokens + k, ephemeral_1h_input_tokens: 0 } }),
  },
};

const gemini: ShapeCase = {
  name: 'gemini',
  provider: 'google',
  arb: fc
    .record({ text: n, tool: n, cachedText: n, cachedAudio: n, cachedImage: n, input_audio: n, input_image: n, output: n, reasoning: n, output_audio: n, output_image: n })
    .map(({ text, tool, cachedText, cachedAudio, cachedImage, ...t }) => {
      const prompt = text + cachedText + cachedAudio + cachedImage + t.input_audio + t.input_image;
      const candidates = t.output + t.output_audio + t.output_image;
      return {
        usage: {
          promptTokenCount: prompt,
          cachedContentTokenCount: cachedText + cachedAudio + cachedImage,
          toolUsePromptTokenCount: tool,
          candidatesTokenCount: candidates,
          thoughtsTokenCount: t.reasoning,
          totalTokenCount: prompt + tool + candidates + t.reasoning,
          promptTokensDetails: [
            { modality: 'TEXT', tokenCount: text + cachedText },
            { modality: 'AUDIO', tokenCount: t.input_audio + cachedAudio },
            { modality: 'IMAGE', tokenCount: t.input_image + cachedImage },
          ],
          cacheTokensDetails: [
            { modality: 'TEXT', tokenCount: cachedText },
            { modality: 'AUDIO', tokenCount: cachedAudio },
            { modality: 'IMAGE', tokenCount: cachedImage },
          ],
          candidatesTokensDetails: [
            { modality: 'TEXT', tokenCount: t.output },
            { modality: 'AUDIO', tokenCount: t.output_audio },
            { modality: 'IMAGE', tokenCount: t.output_image },
          ],
        },
        // Cached audio has its own rate; cached images are priced as cached text.
        truth: truth({ ...t, input: text + tool, cache_read: cachedText + cachedImage, cache_read_audio: cachedAudio }),
      };
    }),
  billable: (u) => u.totalTokenCount,
  breakers: {
    'cached > prompt': (u, k) => ({ ...clone(u), cachedContentTokenCount: u.promptTokenCount + k, cacheTokensDetails: [] }),
    'total off': (u, k) => ({ ...clone(u), totalTokenCount: u.totalTokenCount + k }),
    'cached audio > prompt audio': (u, k) => ({ ...clone(u), cacheTokensDetails: [{ modality: 'AUDIO', tokenCount: u.promptTokensDetails[1].tokenCount + k }] }),
  },
};

const bedrock: ShapeCase = {
  name: 'bedrock-converse',
  provider: 'bedrock',
  arb: fc
    .record({ input: n, cache_read: n, cache_write_5m: n, cache_write_1h: n, output: n, details: fc.boolean(), totalWithCache: fc.boolean() })
    .map(({ details, totalWithCache, ...t }) => {
      const w1 = details ? t.cache_write_1h : 0;
      const write = t.cache_write_5m + w1;
      const usage: Obj = {
        inputTokens: t.input,
        outputTokens: t.output,
        totalTokens: t.input + t.output + (totalWithCache ? t.cache_read + write : 0),
        cacheReadInputTokens: t.cache_read,
        cacheWriteInputTokens: write,
      };
      if (details) usage.cacheDetails = [{ ttl: '1h', inputTokens: w1 }, { ttl: '5m', inputTokens: t.cache_write_5m }];
      return { usage, truth: truth({ ...t, cache_write_1h: w1 }) };
    }),
  billable: (u) => u.inputTokens + u.outputTokens + u.cacheReadInputTokens + u.cacheWriteInputTokens,
  breakers: {
    'total off': (u, k) => ({ ...clone(u), totalTokens: u.inputTokens + u.outputTokens + u.cacheReadInputTokens + u.cacheWriteInputTokens + k }),
    'details ≠ writes': (u, k) => ({ ...clone(u), cacheDetails: [{ ttl: '5m', inputTokens: u.cacheWriteInputTokens + k }] }),
  },
};

const mistral: ShapeCase = {
  name: 'mistral',
  provider: 'mistral',
  arb: fc.record({ input: n, cache_read: n, output: n, where: fc.constantFrom('num', 'details', 'legacy') }).map(({ where, ...t }) => {
    const prompt = t.input + t.cache_read;
    const usage: Obj = { prompt_tokens: prompt, completion_tokens: t.output, total_tokens: prompt + t.output };
    if (where === 'num') usage.num_cached_tokens = t.cache_read;
    else if (where === 'details') usage.prompt_tokens_details = { cached_tokens: t.cache_read };
    else usage.prompt_token_details = { cached_tokens: t.cache_read };
    return { usage, truth: truth(t) };
  }),
  billable: (u) => u.total_tokens,
  breakers: { 'cached > prompt': (u, k) => ({ ...clone(u), num_cached_tokens: u.prompt_tokens + k, prompt_tokens_details: undefined, prompt_token_details: undefined }) },
};

const deepseek: ShapeCase = {
  name: 'deepseek',
  provider: 'deepseek',
  arb: fc.record({ input: n, cache_read: n, output: n, reasoning: n }).map((t) => {
    const prompt = t.input + t.cache_read;
    const completion = t.output + t.reasoning;
    return {
      usage: {
        prompt_tokens: prompt,
        completion_tokens: completion,
        total_tokens: prompt + completion,
        prompt_cache_hit_tokens: t.cache_read,
        prompt_cache_miss_tokens: t.input,
        prompt_tokens_details: { cached_tokens: t.cache_read },
        completion_tokens_details: { reasoning_tokens: t.reasoning },
      },
      truth: truth(t),
    };
  }),
  billable: (u) => u.total_tokens,
  breakers: { 'hit + miss ≠ prompt': (u, k) => ({ ...clone(u), prompt_cache_miss_tokens: u.prompt_cache_miss_tokens + k }) },
};

const aiSdkV3: ShapeCase = {
  name: 'ai-sdk-v3',
  arb: fc.record({ input: n, cache_read: n, cache_write_5m: n, output: n, reasoning: n, withParts: fc.boolean() }).map(({ withParts, ...t }) => ({
    usage: {
      inputTokens: { total: t.input + t.cache_read + t.cache_write_5m, noCache: withParts ? t.input : undefined, cacheRead: t.cache_read, cacheWrite: t.cache_write_5m },
      outputTokens: { total: t.output + t.reasoning, text: withParts ? t.output : undefined, reasoning: t.reasoning },
    },
    truth: truth(t),
  })),
  billable: (u) => u.inputTokens.total + u.outputTokens.total,
  breakers: { 'cache > total': (u, k) => ({ ...clone(u), inputTokens: { ...u.inputTokens, cacheRead: u.inputTokens.total + k, noCache: undefined } }) },
};

const aiSdkFlat: ShapeCase = {
  name: 'ai-sdk-v2 (ai 6 LanguageModelUsage)',
  arb: fc.record({ input: n, cache_read: n, cache_write_5m: n, output: n, reasoning: n }).map((t) => {
    const input = t.input + t.cache_read + t.cache_write_5m;
    const output = t.output + t.reasoning;
    return {
      usage: {
        inputTokens: input,
        inputTokenDetails: { noCacheTokens: t.input, cacheReadTokens: t.cache_read, cacheWriteTokens: t.cache_write_5m },
        outputTokens: output,
        outputTokenDetails: { textTokens: t.output, reasoningTokens: t.reasoning },
        totalTokens: input + output,
        reasoningTokens: t.reasoning,
        cachedInputTokens: t.cache_read,
      },
      truth: truth(t),
    };
  }),
  billable: (u) => u.totalTokens,
  breakers: { 'noCache off': (u, k) => ({ ...clone(u), inputTokenDetails: { ...u.inputTokenDetails, noCacheTokens: u.inputTokenDetails.noCacheTokens + k } }) },
};

const langchain: ShapeCase = {
  name: 'langchain',
  arb: fc
    .record({ input: n, cache_read: n, cache_write_5m: n, cache_write_1h: n, input_audio: n, input_image: n, output: n, reasoning: n, output_audio: n, output_image: n })
    .map((t) => {
      const input = t.input + t.cache_read + t.cache_write_5m + t.cache_write_1h + t.input_audio + t.input_image;
      const output = t.output + t.reasoning + t.output_audio + t.output_image;
      return {
        usage: {
          input_tokens: input,
          output_tokens: output,
          total_tokens: input + output,
          input_token_details: {
            cache_read: t.cache_read,
            cache_creation: t.cache_write_5m + t.cache_write_1h,
            ephemeral_5m_input_tokens: t.cache_write_5m,
            ephemeral_1h_input_tokens: t.cache_write_1h,
            audio: t.input_audio,
            image: t.input_image,
          },
          output_token_details: { reasoning: t.reasoning, audio: t.output_audio, image: t.output_image },
        },
        truth: truth(t),
      };
    }),
  billable: (u) => u.total_tokens,
  breakers: { 'cache > input': (u, k) => ({ ...clone(u), input_token_details: { cache_read: u.input_tokens + k } }) },
};

export const SHAPE_CASES: readonly ShapeCase[] = [openaiChat, openaiResponses, openaiRealtime, anthropic, gemini, bedrock, mistral, deepseek, aiSdkV3, aiSdkFlat, langchain];

/** `track(client, options)`: wrap an OpenAI or Anthropic client, detected by shape. */
import { RatecardError } from '../errors/index.js';
import { isAnthropicLike, wrapAnthropic } from './anthropic.js';
import { isOpenAILike, wrapOpenAI } from './openai.js';
import type { TrackOptions } from './options.js';

export function track<T extends object>(client: T, options: TrackOptions): T {
  if (isOpenAILike(client)) return wrapOpenAI(client, options);
  if (isAnthropicLike(client)) return wrapAnthropic(client, options);
  throw new RatecardError(
    'track_unsupported_client',
    'track() recognizes OpenAI clients (chat.completions.create) and Anthropic clients (messages.create); for the Vercel AI SDK use ratecardMiddleware, for LangChain ratecardCallbacks',
  );
}

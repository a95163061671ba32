/**
 * Demo: the real OpenAI and Anthropic SDKs against the local emulator, wrapped by
 * track(), recording into a console recorder. Run: npx tsx src/emulator/demo.ts
 * (needs the `openai` and `@anthropic-ai/sdk` dev dependencies).
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { createTracker, track, withAttribution } from '../intercept/index.js';
import type { UsageEvent } from '../ledger/event.js';
import { startEmulator } from './server.js';

const emu = await startEmulator();
const tracker = createTracker({
  recorder: { record: (e: UsageEvent) => console.log(JSON.stringify(e)) },
});
const openai = track(new OpenAI({ apiKey: 'demo', baseURL: emu.openaiBaseURL, maxRetries: 2 }), { tracker, attributes: { customer: 'acme' } });
const anthropic = track(new Anthropic({ apiKey: 'demo', baseURL: emu.anthropicBaseURL, maxRetries: 2 }), { tracker, attributes: { customer: 'acme' } });

await withAttribution({ agent: 'support-bot', conversation: 'conv-42' }, async () => {
  emu.next({ status: 429 }); // retried by the SDK, recorded once
  await openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Where is my order?' }] });
  const stream = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Summarize it' }], stream: true });
  for await (const _ of stream);
  emu.next({ usage: { cache_read_input_tokens: 1200 } });
  await anthropic.messages.stream({ model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'And in French?' }] }).finalMessage();
  emu.next({ cutAfter: 3 }); // the connection drops mid-stream: recorded as incomplete
  await anthropic.messages
    .stream({ model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Again' }] })
    .finalMessage()
    .catch(() => undefined);
});

await tracker.shutdown();
console.error(tracker.stats());
await emu.close();

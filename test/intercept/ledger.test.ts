/**
 * End to end: the real SDKs → interceptors → tracker → a real ledger on memory storage,
 * priced at catalog list prices. Shows the captured events are what the ledger needs.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { createTracker, track } from '../../src/intercept/index.js';
import { createLedger } from '../../src/ledger/index.js';
import { createMemoryStorage } from '../../src/storage/index.js';
import { user } from './helpers.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.close());

describe('interceptors → ledger', () => {
  it('prices captured calls, keeps incomplete ones unpriced, and records retries once', async () => {
    const ledger = createLedger({ storage: createMemoryStorage() });
    const errors: unknown[] = [];
    const tracker = createTracker({ recorder: ledger, onError: (e) => errors.push(e) });
    const openai = track(new OpenAI({ apiKey: 't', baseURL: emu.openaiBaseURL, maxRetries: 2 }), { tracker, attributes: { customer: 'acme' } });
    const anthropic = track(new Anthropic({ apiKey: 't', baseURL: emu.anthropicBaseURL, maxRetries: 2 }), { tracker, attributes: { customer: 'acme' } });

    emu.next({ status: 429 });
    await openai.chat.completions.create({ model: 'gpt-4o', messages: user('one two three') });
    emu.next({ usage: { prompt_tokens_details: { cached_tokens: 2 } } });
    const s = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: user('a b c d'), stream: true });
    for await (const _ of s);
    emu.next({ usage: { cache_read_input_tokens: 1000, cache_creation_input_tokens: 100 } });
    await anthropic.messages.stream({ model: 'claude-haiku-4-5', max_tokens: 16, messages: user('hi') }).finalMessage();
    emu.next({ cutAfter: 3 });
    await expect(anthropic.messages.stream({ model: 'claude-haiku-4-5', max_tokens: 16, messages: user('hi') }).finalMessage()).rejects.toThrow();
    await tracker.flush();

    expect(errors).toEqual([]);
    const entries = [];
    for (const id of emu.requests.map((r) => r.requestId)) {
      const e = await ledger.get(id);
      if (e) entries.push(e);
    }
    // 5 HTTP requests (one 429 retried), 4 calls, 4 entries.
    expect(emu.requests).toHaveLength(5);
    expect(entries.map((e) => [e.key, e.rating.status])).toEqual([
      ['req_emu_2', 'priced'],
      ['req_emu_3', 'priced'],
      ['req_emu_4', 'priced'],
      ['req_emu_5', 'unpriced'],
    ]);
    for (const e of entries.slice(0, 3)) {
      expect(e.rating.status === 'priced' && e.rating.cost).toMatch(/^0\.\d+$/);
      expect(e.attributes).toEqual({ customer: 'acme' });
    }
    expect(entries[3]!.rating).toMatchObject({ status: 'unpriced', reason: 'incomplete' });

    // A replay of the same captured event is idempotent in the ledger.
    const replay = await ledger.record({ ...entries[0]!.event, id: entries[0]!.key, attributes: entries[0]!.attributes, metadata: entries[0]!.metadata } as never);
    expect(replay.replayed).toBe(true);
    expect((await ledger.verify()).ok).toBe(true);
    await ledger.close();
  });
});

/**
 * Hard limits in the interceptors: the real SDKs against the emulator, a real memory
 * ledger and `createBudgets`. A refused call never reaches the provider.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { createBudgets, type Budgets } from '../../src/alerts/index.js';
import { RatecardError } from '../../src/errors/index.js';
import { createTracker, track, withAttribution, type BudgetGuard, type Tracker } from '../../src/intercept/index.js';
import { createLedger, type Ledger } from '../../src/ledger/index.js';
import { loadRatecard } from '../../src/ratecard.js';
import { createMemoryStorage } from '../../src/storage/memory.js';
import { useEmulator, user } from './helpers.js';

// $0.001 per token in or out; the emulator bills the words of the request and 5 reply words.
const SOURCE = `ratecard "guard-test"
currency USD

model "gpt-4o-mini" (provider openai) {
  input 1000.00 per 1M tokens
  output 1000.00 per 1M tokens
}

model "claude-haiku-4-5" (provider anthropic) {
  input 1000.00 per 1M tokens
  output 1000.00 per 1M tokens
}

budget "cust" per customer yearly 0.010 {
  hard limit
}
`;

const emulator = useEmulator();

interface Setup {
  ledger: Ledger;
  budgets: Budgets;
  tracker: Tracker;
  openai: OpenAI;
  anthropic: Anthropic;
}

function setup(extra: { estimate?: (request: unknown) => string } = {}): Setup {
  const ledger = createLedger({ storage: createMemoryStorage(), ratecard: loadRatecard(SOURCE) });
  const budgets = createBudgets({ ledger });
  const tracker = createTracker({ recorder: ledger });
  const openai = track(new OpenAI({ apiKey: 't', baseURL: emulator().openaiBaseURL, maxRetries: 0 }), { tracker, budgets, attributes: { customer: 'acme' }, ...extra });
  const anthropic = track(new Anthropic({ apiKey: 't', baseURL: emulator().anthropicBaseURL, maxRetries: 0 }), { tracker, budgets, attributes: { customer: 'acme' }, ...extra });
  return { ledger, budgets, tracker, openai, anthropic };
}

const chat = (openai: OpenAI, options?: object) => openai.chat.completions.create({ model: 'gpt-4o-mini', messages: user('one two three') }, options);

/** The refusal; `messages.stream()` wraps it (the SDK's MessageStream makes every error an AnthropicError with the original as `cause`). */
async function budgetError(p: PromiseLike<unknown>, wrapped = false): Promise<RatecardError> {
  try {
    await p;
  } catch (error) {
    const e = wrapped ? (error as { cause?: unknown }).cause : error;
    if (wrapped) expect(error).toBeInstanceOf(Anthropic.AnthropicError);
    expect(e).toBeInstanceOf(RatecardError);
    expect((e as RatecardError).code).toBe('budget_exceeded');
    return e as RatecardError;
  }
  throw new Error('expected budget_exceeded');
}

describe('budget guard', () => {
  it('lets calls through within budget, refuses the next one once spend crosses the hard limit, without sending it', async () => {
    const { budgets, tracker, openai, anthropic } = setup();
    // 3 in + 5 out = $0.008 each.
    const r = await chat(openai);
    expect(r.choices[0]!.message.content).toContain('emulator');
    await tracker.flush();
    expect((await budgets.check({ customer: 'acme' })).ok).toBe(true);
    const { data, response } = await chat(openai).withResponse();
    expect(data.usage?.prompt_tokens).toBe(3);
    expect(response.status).toBe(200);
    await tracker.flush();
    await budgets.refresh();
    expect(budgets.spent('cust', 'acme')).toBe('0.016');
    expect(emulator().requests).toHaveLength(2);

    await budgetError(chat(openai));
    await budgetError(chat(openai).withResponse());
    await budgetError(chat(openai).asResponse());
    await budgetError(openai.chat.completions.create({ model: 'gpt-4o-mini', messages: user('x'), stream: true }));
    await budgetError(anthropic.messages.create({ model: 'claude-haiku-4-5', max_tokens: 16, messages: user('hi') }));
    await budgetError(anthropic.messages.parse({ model: 'claude-haiku-4-5', max_tokens: 16, messages: user('hi') }));
    const stream = anthropic.messages.stream({ model: 'claude-haiku-4-5', max_tokens: 16, messages: user('hi') });
    const errors: unknown[] = [];
    stream.on('error', (e) => errors.push(e));
    await budgetError(stream.finalMessage(), true);
    expect(((errors[0] as { cause?: RatecardError }).cause)?.code).toBe('budget_exceeded');

    await tracker.flush();
    // None of the refused calls reached the emulator, and none was recorded.
    expect(emulator().requests).toHaveLength(2);
    expect(tracker.stats()).toMatchObject({ pushed: 2, recorded: 2, inflight: 0, internal_errors: 0 });
    await budgets.refresh();
    expect(budgets.spent('cust', 'acme')).toBe('0.016');
  });

  it('checks the merged attribution: other customers (scope or per-call option) are unaffected', async () => {
    const { tracker, openai, anthropic } = setup();
    await chat(openai);
    await chat(openai);
    await tracker.flush();
    await budgetError(chat(openai));
    expect(emulator().requests).toHaveLength(2);

    await chat(openai, { ratecard: { customer: 'globex' } });
    await withAttribution({ customer: 'initech' }, async () => {
      await anthropic.messages.stream({ model: 'claude-haiku-4-5', max_tokens: 16, messages: user('hi') }).finalMessage();
    });
    // messages.stream() with the per-call option: the routed create is checked against it.
    await anthropic.messages.stream({ model: 'claude-haiku-4-5', max_tokens: 16, messages: user('hi') }, { ratecard: { customer: 'umbrella' } } as object).finalMessage();
    await budgetError(anthropic.messages.stream({ model: 'claude-haiku-4-5', max_tokens: 16, messages: user('hi') }).finalMessage(), true);
    await tracker.flush();
    expect(emulator().requests).toHaveLength(5);
    expect(tracker.stats()).toMatchObject({ pushed: 5, recorded: 5, failed: 0, internal_errors: 0 });
  });

  it('streams and awaited results still work through the guard', async () => {
    const { tracker, openai, ledger } = setup();
    const s = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: user('a b'), stream: true });
    let text = '';
    for await (const c of s) text += c.choices[0]?.delta.content ?? '';
    expect(text).toContain('emulator');
    await tracker.flush();
    const e = await ledger.get(emulator().requests[0]!.requestId);
    expect(e?.rating.status).toBe('priced');
    expect(e?.attributes).toMatchObject({ customer: 'acme' });
  });

  it('reserve then settle: an estimate is held during the call, so concurrent calls cannot jointly overspend', async () => {
    const { budgets, tracker, openai } = setup({ estimate: () => '0.006' });
    emulator().next({ delayMs: 50, times: 2 });
    // Two concurrent calls: the first holds 0.006 of 0.010, the second would exceed the limit.
    const results = await Promise.allSettled([chat(openai), chat(openai)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((refused.reason as RatecardError).code).toBe('budget_exceeded');
    expect(emulator().requests).toHaveLength(1);
    await tracker.flush();
    await new Promise((r) => setTimeout(r, 10));
    // Settled: the hold is gone and the recorded $0.008 counts.
    const status = (await budgets.check({ customer: 'acme' })).budgets[0]!;
    expect(status).toMatchObject({ spent: '0.008', reserved: '0' });
  });

  it('a hold is released when the call fails', async () => {
    const { budgets, tracker, openai } = setup({ estimate: () => '0.006' });
    emulator().next({ status: 500 });
    await expect(chat(openai)).rejects.toThrow();
    await tracker.flush();
    const status = (await budgets.check({ customer: 'acme' })).budgets[0]!;
    expect(status).toMatchObject({ spent: '0', reserved: '0' });
  });

  it('a throwing guard fails the call closed; the call is not sent', async () => {
    const tracker = createTracker({ recorder: { record: () => undefined } });
    const guard: BudgetGuard = { assertWithinBudget: () => Promise.reject(new Error('ledger down')) };
    const openai = track(new OpenAI({ apiKey: 't', baseURL: emulator().openaiBaseURL, maxRetries: 0 }), { tracker, budgets: guard });
    await expect(chat(openai)).rejects.toThrow('ledger down');
    expect(emulator().requests).toHaveLength(0);
  });

  it('without budgets nothing changes: the SDK promise itself is returned', async () => {
    const tracker = createTracker({ recorder: { record: () => undefined } });
    const openai = track(new OpenAI({ apiKey: 't', baseURL: emulator().openaiBaseURL, maxRetries: 0 }), { tracker });
    const p = chat(openai);
    expect(p.constructor.name).toBe('APIPromise');
    await p;
    expect(emulator().requests).toHaveLength(1);
  });
});

import { describe, expect, it } from 'vitest';
import { compileRatecard } from '../../src/compile/index.js';
import { doc, errorOf, GPT4O, SONNET, span, sumLines } from './helpers.js';

describe('quote: model rates', () => {
  const rc = compileRatecard(doc({ models: [GPT4O, SONNET] }));

  it('prices each canonical bucket at its own rate, exactly', () => {
    const q = rc.quote({ model: 'gpt-4o', usage: { input: 1000, cache_read: 500, output: 2000 } });
    expect(q.lines.map((l) => [l.component, l.quantity, l.unit_price, l.amount])).toEqual([
      ['input', '1000', '0.0000025', '0.0025'],
      ['cache_read', '500', '0.00000125', '0.000625'],
      ['output', '2000', '0.00001', '0.02'],
    ]);
    expect(q).toMatchObject({ currency: 'USD', cost: '0.023125', price: '0.023125', model: 'gpt-4o', provider: 'openai', price_version: rc.version });
    expect(q.metered).toBeUndefined();
    expect(q.lines[0]!.rule).toBe('model gpt-4o input');
  });

  it('never prints exponent notation, even for one token', () => {
    const q = rc.quote({ model: 'claude-sonnet-4-5', usage: { cache_read: 1 } });
    expect(q.price).toBe('0.0000003');
  });

  it('accepts decimal-string and bigint token counts', () => {
    const q = rc.quote({ model: 'gpt-4o', usage: { input: '4000000', output: 10n ** 6n } });
    expect(q.price).toBe('20');
  });

  it('zero usage is a zero quote with no lines, not an error', () => {
    const q = rc.quote({ model: 'gpt-4o', usage: {} });
    expect(q).toMatchObject({ cost: '0', price: '0', lines: [] });
  });

  it('finds models case-insensitively, by alias and by provider/model', () => {
    for (const name of ['GPT-4o', 'gpt-4o-2024-08-06', 'GPT-4O-2024-08-06', 'openai/gpt-4o', 'OpenAI/gpt-4o-2024-08-06']) {
      expect(rc.quote({ model: name, usage: { input: 1 } }).model).toBe('gpt-4o');
    }
    expect(errorOf(() => rc.quote({ model: 'anthropic/gpt-4o', usage: { input: 1 } })).code).toBe('model_not_found');
  });

  it('filters by provider; a model without provider matches any provider', () => {
    const r = compileRatecard(doc({
      models: [
        { id: 'llama-3-70b', provider: 'together', rates: { input: '0.0000009', output: '0.0000009' } },
        { id: 'llama-3-70b', provider: 'groq', rates: { input: '0.00000059', output: '0.00000079' } },
        { id: 'house-model', rates: { input: '0.000001', output: '0.000001' } },
      ],
    }));
    expect(r.quote({ model: 'llama-3-70b', provider: 'groq', usage: { input: 100 } }).price).toBe('0.000059');
    expect(r.quote({ model: 'llama-3-70b', provider: 'Together', usage: { input: 100 } }).price).toBe('0.00009');
    expect(r.quote({ model: 'llama-3-70b', usage: { input: 100 } }).price).toBe('0.00009'); // first in source order
    expect(errorOf(() => r.quote({ model: 'llama-3-70b', provider: 'openai', usage: { input: 1 } })).code).toBe('model_not_found');
    const q = r.quote({ model: 'house-model', provider: 'vllm', usage: { input: 3 } });
    expect(q).toMatchObject({ price: '0.000003', provider: 'vllm' });
  });

  it('an unknown model is an error with suggestions, never $0', () => {
    const e = errorOf(() => rc.quote({ model: 'gpt-4x', usage: { input: 10 } }));
    expect(e.code).toBe('model_not_found');
    expect(e.details.suggestions).toContain('gpt-4o');
    expect(e.message).toContain('gpt-4x');
  });

  it('rejects bad usage with the usage parser’s codes', () => {
    expect(errorOf(() => rc.quote({ model: 'gpt-4o', usage: { input: -1 } })).code).toBe('usage_invalid_count');
    expect(errorOf(() => rc.quote({ model: 'gpt-4o', usage: { prompt_tokens: 1 } as never })).code).toBe('usage_unknown_field');
    expect(errorOf(() => rc.quote({ model: '', usage: {} })).code).toBe('invalid_request');
  });

  it('records the rule source file:line:col when the document has spans', () => {
    const r = compileRatecard(doc({ models: [{ ...GPT4O, span: span(4, 1) }] }), { file: 'acme.rate' });
    expect(r.quote({ model: 'gpt-4o', usage: { input: 1 } }).lines[0]!.source).toBe('acme.rate:4:1');
    expect(rc.quote({ model: 'gpt-4o', usage: { input: 1 } }).lines[0]!.source).toBeUndefined();
  });
});

describe('quote: fallbacks (own rate → default → fallback chain)', () => {
  const plain = { id: 'plain', rates: { input: '0.000001', output: '0.000002' } };
  const rc = compileRatecard(doc({ models: [plain, { id: 'with-5m', rates: { input: '0.000001', cache_read: '0.0000001', cache_write_5m: '0.00000125', output: '0.000002' } }] }));
  const cases: [string, string, number, string, string][] = [
    // model, kind, tokens, amount, rule suffix
    ['plain', 'reasoning', 1000, '0.002', 'reasoning (output rate)'],
    ['plain', 'cache_read', 1000, '0.001', 'cache_read (input rate)'],
    ['plain', 'cache_write_5m', 1000, '0.001', 'cache_write_5m (input rate)'],
    ['plain', 'cache_write_1h', 1000, '0.001', 'cache_write_1h (input rate)'],
    ['with-5m', 'cache_write_1h', 1000, '0.00125', 'cache_write_1h (cache_write_5m rate)'],
    ['plain', 'cache_read_audio', 1000, '0.001', 'cache_read_audio (input rate)'],
    ['with-5m', 'cache_read_audio', 1000, '0.0001', 'cache_read_audio (cache_read rate)'],
    ['plain', 'input_audio', 1000, '0.001', 'input_audio (input rate)'],
    ['plain', 'input_image', 1000, '0.001', 'input_image (input rate)'],
    ['plain', 'output_audio', 1000, '0.002', 'output_audio (output rate)'],
    ['plain', 'output_image', 1000, '0.002', 'output_image (output rate)'],
  ];
  it.each(cases)('%s %s', (model, kind, tokens, amount, rule) => {
    const q = rc.quote({ model, usage: { [kind]: tokens } });
    expect(q.price).toBe(amount);
    expect(q.lines[0]!.rule).toBe(`model ${model} ${rule}`);
    // A stand-in rate is said on the quote; reasoning at the output rate is every provider's price.
    const via = /\((\w+) rate\)/.exec(rule)![1];
    if (kind === 'reasoning') expect(q.warnings).toBeUndefined();
    else expect(q.warnings).toEqual([`\`${kind}\` priced at the \`${via}\` rate: model ${model} has no \`${kind}\` rate (providers price it differently; add one to be exact)`]);
  });

  it('warns once per fallback kind the call uses, never for own or default rates', () => {
    const q = rc.quote({ model: 'plain', usage: { input: 10, cache_read: 5, cache_write_5m: 5, output: 10, reasoning: 3 } });
    expect(q.warnings?.map((w) => w.split(' ')[0])).toEqual(['`cache_read`', '`cache_write_5m`']);
    const own = compileRatecard(doc({ models: [{ id: 'm', rates: { default: '0.000001', output: '0.000003' } }] }));
    expect(own.quote({ model: 'm', usage: { input: 10, cache_read: 10, output: 10 } }).warnings).toBeUndefined();
    expect(rc.quote({ model: 'plain', usage: { input: 10, output: 10 } }).warnings).toBeUndefined();
  });

  it('the warning names the long-context tier whose merged table fell back', () => {
    const r = compileRatecard(doc({ models: [{ id: 'b', rates: { input: '0.000001', output: '0.000002' }, long_context: [{ threshold: '100', rates: { input: '0.000002' } }] }] }));
    expect(r.quote({ model: 'b', usage: { input: 101, cache_read: 10 } }).warnings).toEqual([
      '`cache_read` priced at the `input` rate: model b, above 100 prompt tokens has no `cache_read` rate (providers price it differently; add one to be exact)',
    ]);
  });

  it('default applies to every token kind without its own rate, before cross-kind fallbacks', () => {
    const r = compileRatecard(doc({ models: [{ id: 'm', rates: { default: '0.000001', output: '0.000003' } }] }));
    const q = r.quote({ model: 'm', usage: { input: 10, reasoning: 10, output: 10, cache_read: 10 } });
    expect(q.lines.map((l) => [l.component, l.amount, l.rule])).toEqual([
      ['input', '0.00001', 'model m input (default rate)'],
      ['cache_read', '0.00001', 'model m cache_read (default rate)'],
      ['output', '0.00003', 'model m output'],
      ['reasoning', '0.00001', 'model m reasoning (default rate)'], // default, not the output rate
    ]);
  });

  it('a kind with tokens and no rate at all is rate_missing, listing every such kind', () => {
    const r = compileRatecard(doc({ models: [{ id: 'out-only', rates: { output: '0.00001' } }] }));
    const e = errorOf(() => r.quote({ model: 'out-only', usage: { input: 5, cache_read: 2, output: 1, web_searches: 1 } }));
    expect(e.code).toBe('rate_missing');
    expect(e.details.kinds).toEqual(['input', 'cache_read', 'web_searches']);
    // Zero tokens of an unpriced kind is fine; the implicit request needs no fee.
    expect(r.quote({ model: 'out-only', usage: { output: 1 } }).price).toBe('0.00001');
  });

  it('charges the request fee per request and the web-search fee per search', () => {
    const r = compileRatecard(doc({ models: [{ id: 'm', rates: { input: '0.000001', request: '0.001', web_search: '0.01' } }] }));
    const q = r.quote({ model: 'm', usage: { input: 1000, requests: 2, web_searches: 3 } });
    expect(q.lines.map((l) => [l.component, l.amount, l.rule])).toEqual([
      ['input', '0.001', 'model m input'],
      ['requests', '0.002', 'model m request fee'],
      ['web_searches', '0.03', 'model m web_search fee'],
    ]);
    expect(q.price).toBe('0.033');
    expect(r.quote({ model: 'm', usage: { input: 1 } }).price).toBe('0.001001'); // requests default to 1
  });
});

describe('quote: long context', () => {
  const rc = compileRatecard(doc({ models: [SONNET] }));

  it('above the threshold every kind of the request switches to the tier rates', () => {
    const q = rc.quote({ model: 'claude-sonnet-4-5', usage: { input: 150000, cache_read: 60000, output: 1000 } });
    // 150000×0.000006 + 60000×0.0000006 + 1000×0.0000225
    expect(q.price).toBe('0.9585');
    expect(q.lines.every((l) => l.rule.endsWith(', above 200000 prompt tokens'))).toBe(true);
  });

  it('the threshold is strict: exactly 200000 prompt tokens stays at base rates', () => {
    const q = rc.quote({ model: 'claude-sonnet-4-5', usage: { input: 100000, cache_read: 50000, cache_write_5m: 30000, cache_write_1h: 20000, output: 1000 } });
    // 0.3 + 0.015 + 0.1125 + 0.12 + 0.015
    expect(q.price).toBe('0.5625');
    expect(q.lines[0]!.rule).toBe('model claude-sonnet-4-5 input');
    const over = rc.quote({ model: 'claude-sonnet-4-5', usage: { input: 100001, cache_read: 50000, cache_write_5m: 30000, cache_write_1h: 20000, output: 1000 } });
    // 0.600006 + 0.03 + 0.225 + 0.24 + 0.0225
    expect(over.price).toBe('1.117506');
  });

  it('kinds the tier does not list keep the base rate; fallbacks resolve in the merged table', () => {
    const r = compileRatecard(doc({
      models: [
        { id: 'a', rates: { input: '0.000001', cache_read: '0.0000001', output: '0.000002' }, long_context: [{ threshold: '100', rates: { input: '0.000002' } }] },
        { id: 'b', rates: { input: '0.000001', output: '0.000002' }, long_context: [{ threshold: '100', rates: { input: '0.000002' } }] },
      ],
    }));
    const a = r.quote({ model: 'a', usage: { input: 101, cache_read: 10, output: 10 } });
    expect(a.lines.map((l) => l.amount)).toEqual(['0.000202', '0.000001', '0.00002']); // cache_read, output keep base
    const b = r.quote({ model: 'b', usage: { input: 101, cache_read: 10 } });
    expect(b.lines.map((l) => [l.amount, l.rule])).toEqual([
      ['0.000202', 'model b input, above 100 prompt tokens'],
      ['0.00002', 'model b cache_read (input rate), above 100 prompt tokens'],
    ]);
  });

  it('the highest crossed threshold applies', () => {
    const r = compileRatecard(doc({
      models: [{ id: 'g', rates: { input: '1' }, long_context: [{ threshold: '200', rates: { input: '3' } }, { threshold: '100', rates: { input: '2' } }] }],
    }));
    expect(r.quote({ model: 'g', usage: { input: 100 } }).price).toBe('100');
    expect(r.quote({ model: 'g', usage: { input: 150 } }).price).toBe('300');
    expect(r.quote({ model: 'g', usage: { input: 201 } }).price).toBe('603');
  });

  it('records the long-context tier source when it has a span', () => {
    const r = compileRatecard(doc({ models: [{ id: 'g', rates: { input: '1' }, span: span(2, 1), long_context: [{ threshold: '1', rates: { input: '2' }, span: span(5, 3) }] }] }), { file: 'f.rate' });
    expect(r.quote({ model: 'g', usage: { input: 1 } }).lines[0]!.source).toBe('f.rate:2:1');
    expect(r.quote({ model: 'g', usage: { input: 2 } }).lines[0]!.source).toBe('f.rate:5:3');
  });

  it('lines always sum to the price', () => {
    const q = rc.quote({ model: 'claude-sonnet-4-5', usage: { input: 250000, output: 3 } });
    expect(sumLines(q)).toBe(q.price);
  });
});

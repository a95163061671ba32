import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { Dec } from '../../src/money/index.js';

const dir = mkdtempSync(join(tmpdir(), 'ratecard-quote-'));
const pricing = join(dir, 'p.yaml');
writeFileSync(pricing, ['pricing:', '  gpt-4o:', '    per_token: 0.000005', '    markup: 1.2', ''].join('\n'));

describe('ratecard quote', () => {
  it('prices one call from a pricing file, exactly, as decimal strings', async () => {
    const r = await runCli(['quote', '--pricing', pricing, '--model', 'gpt-4o', '--usage', '{"input":1000,"output":500}']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const q = JSON.parse(r.stdout);
    expect(q).toMatchObject({ currency: 'USD', cost: '0.0075', price: '0.009' });
    const sum = (q.lines as { amount: string }[]).reduce((a, l) => a.plus(l.amount), new Dec(0));
    expect(sum.eq(q.price)).toBe(true);
  });

  it('prices raw provider usage at catalog list price when no pricing file is given', async () => {
    // OpenAI chat: prompt_tokens INCLUDES cached tokens; gpt-4o-2024-08-06 is $2.50 / $1.25 cached / $10 per 1M.
    const usage = { prompt_tokens: 1000, completion_tokens: 500, prompt_tokens_details: { cached_tokens: 200 } };
    const r = await runCli(['quote', '--provider', 'openai', '--model', 'gpt-4o', '--at', '2025-01-01', '--usage', JSON.stringify(usage)]);
    expect(r.code).toBe(0);
    const q = JSON.parse(r.stdout);
    // 800 × 2.5e-6 + 200 × 1.25e-6 + 500 × 1e-5 = 0.002 + 0.00025 + 0.005
    expect(q.cost).toBe('0.00725');
    expect(q.price).toBe('0.00725');
  });

  it('uses the price in force at the call time (o3 before and after 2025-06-10)', async () => {
    const usage = '{"input":1000000,"output":1000000}';
    const before = JSON.parse((await runCli(['quote', '--provider', 'openai', '--model', 'o3', '--at', '2025-06-01', '--usage', usage])).stdout);
    const after = JSON.parse((await runCli(['quote', '--provider', 'openai', '--model', 'o3', '--at', '2025-07-01', '--usage', usage])).stdout);
    expect(before.cost).toBe('50');
    expect(after.cost).toBe('10');
  });

  it('an unknown model is an error with suggestions, never a $0 quote', async () => {
    const r = await runCli(['quote', '--pricing', pricing, '--model', 'gpt-4', '--usage', '{"input":10}']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('error[model_not_found]');
    expect(r.stderr).toContain('gpt-4o');
  });

  it('reads NDJSON from stdin, answers each line in order, and bad lines never stop the batch', async () => {
    const stdin = [
      JSON.stringify({ id: 'a', model: 'gpt-4o', usage: { input: 100, output: 10 } }),
      'not json',
      JSON.stringify({ id: 'b', model: 'nope', usage: { input: 1 } }),
      '',
      JSON.stringify({ id: 'c', model: 'gpt-4o', usage: { input: -1 } }),
      JSON.stringify({ id: 'd', model: 'gpt-4o', usage: { output: 1000 }, attributes: { customer: 'acme' } }),
      JSON.stringify({ model: 'gpt-4o' }),
    ].join('\n');
    const r = await runCli(['quote', '--pricing', pricing], { stdin });
    expect(r.code).toBe(1);
    const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(out).toHaveLength(6);
    expect(out[0]).toMatchObject({ id: 'a', price: '0.00066' });
    expect(out[1]).toMatchObject({ line: 2, error: { code: 'request_invalid_json' } });
    expect(out[2]).toMatchObject({ id: 'b', error: { code: 'model_not_found' } });
    expect(out[3].id).toBe('c');
    expect(out[3].error.code).toMatch(/^usage_/);
    expect(out[4]).toMatchObject({ id: 'd', price: '0.006' });
    expect(out[5]).toMatchObject({ error: { code: 'request_invalid' } });
    expect(r.stderr).toContain('4 requests failed');
  });

  it('rejects bad times and bad flags', async () => {
    const bad = await runCli(['quote', '--pricing', pricing, '--model', 'gpt-4o', '--at', 'yesterday', '--usage', '{"input":1}']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('invalid_time');
    expect((await runCli(['quote', '--model', 'gpt-4o'])).code).toBe(2);
    expect((await runCli(['quote', '--attr', 'novalue', '--model', 'x', '--usage', '{}'])).code).toBe(2);
  });
});

describe('ratecard bench', () => {
  it('measures p50/p99 of the ratecard and holds it to the budget', async () => {
    const r = await runCli(['bench', '--pricing', pricing, '--iterations', '2000', '--format', 'json', '--budget-ms', '1000']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.samples).toBe(2000);
    expect(report.p50_us).toBeGreaterThan(0);
    expect(report.p99_us).toBeGreaterThanOrEqual(report.p50_us);
    expect(report.within_budget).toBe(true);
  });

  it('exits 1 when p99 is over budget', async () => {
    const r = await runCli(['bench', '--pricing', pricing, '--iterations', '200', '--budget-ms', '0.000001']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('OVER BUDGET');
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ratecard-cli-'));
  writeFileSync(join(dir, 'pricing.yaml'), readFileSync(resolve('pricing-examples/enterprise-plan.yaml')));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = {
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    readStdin: async function* () {
      yield stdin;
    },
    cwd: dir,
  };
  const code = await main(args, io);
  return { code, out, err };
}

const event = (id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ id, at: '2025-06-02T10:00:00Z', provider: 'openai', model: 'gpt-4.1', usage: { prompt_tokens: 1_000_000, completion_tokens: 200_000 }, attributes: { customer: 'acme', plan: 'enterprise', agent: 'bot', conversation: 'c1' }, ...extra });

describe('ratecard ingest / invoice / verify', () => {
  it('ingests NDJSON, reports bad lines without stopping, is idempotent, then invoices and verifies', async () => {
    const input = [
      event('a'),
      '{not json',
      event('b', { usage: { prompt_tokens: 10, completion_tokens: 5 } }),
      '',
      JSON.stringify({ id: 'c', model: 'gpt-4.1' }),
      event('d', { model: 'gpt-99-unknown' }),
      event('e', { status: 'incomplete', usage: undefined }),
      event('a'),
      event('b', { usage: { prompt_tokens: 11, completion_tokens: 5 } }),
    ].join('\n');
    const r = await cli(['ingest', '--ledger', 'file:./usage.ledger', '--pricing', 'pricing.yaml'], input);
    expect(r.code).toBe(1);
    expect(r.out).toBe('8 lines: 4 recorded, 1 already recorded, 2 unpriced (model_not_found: 1, incomplete: 1), 3 failed\n');
    expect(r.err).toMatch(/^line 2: error\[json_invalid\]/m);
    expect(r.err).toMatch(/^line 5 \(id "c"\): error\[event_invalid\]: .*`at`/m);
    expect(r.err).toMatch(/^line 9 \(id "b"\): error\[idempotency_conflict\]: .*usage\.prompt_tokens differs/m);

    const again = await cli(['ingest', '--ledger', 'file:./usage.ledger', '--pricing', 'pricing.yaml', '--json'], event('a'));
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out)).toMatchObject({ lines: 1, recorded: 0, replayed: 1, failed: 0 });

    const text = await cli(['invoice', '--ledger', 'file:./usage.ledger', '--customer', 'acme', '--period', '2025-06', '--pricing', 'pricing.yaml']);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/Invoice for acme, period 2025-06, plan enterprise/);
    expect(text.out).toMatch(/plan enterprise fee \(monthly\)\s+500\.00/);
    expect(text.out).toMatch(/minimum commitment 1000\.00 \(true-up\)/);
    expect(text.out).toMatch(/Total\s+1000\.00/);
    expect(text.out).toMatch(/warning: 2 calls are not priced/);

    const json = JSON.parse((await cli(['invoice', '--ledger', 'file:./usage.ledger', '--customer', 'acme', '--period', '2025-06', '--pricing', 'pricing.yaml', '--format', 'json'])).out);
    expect(json).toMatchObject({ customer: 'acme', period: '2025-06', currency: 'USD', total: '1000.00' });
    expect(json.lines.every((l: { amount: unknown }) => typeof l.amount === 'string')).toBe(true);

    const csv = await cli(['invoice', '--ledger', 'file:./usage.ledger', '--customer', 'acme', '--period', '2025-06', '--pricing', 'pricing.yaml', '--format', 'csv']);
    expect(csv.out.split('\r\n')[0]).toBe('customer,period,currency,kind,description,model,component,quantity,unit_price,amount');

    const ok = await cli(['verify', '--ledger', 'file:./usage.ledger', '--pricing', 'pricing.yaml']);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^ok: 4 entries, .*chain: ok; re-rated: 3, differences: 0; unpriced: model_not_found: 1, incomplete: 1/);

    const noPricing = await cli(['verify', '--ledger', 'file:./usage.ledger']);
    expect(noPricing.code).toBe(0);
    expect(noPricing.out).toMatch(/not re-rated: 3 × sha256:/);
  });

  it('invoice --all: a billing run over every customer of the period, one failure reported, usage of nobody counted', async () => {
    const input = [
      event('a'),
      event('b', { attributes: { customer: 'globex', plan: 'enterprise' } }),
      event('c', { attributes: { customer: 'initech', plan: 'enterprise' } }),
      event('d', { attributes: { customer: 'initech', plan: 'nonesuch' } }),
      event('e', { attributes: { agent: 'bot' } }),
      event('f', { at: '2025-07-01T00:00:00Z', attributes: { customer: 'july-only' } }),
    ].join('\n');
    expect((await cli(['ingest', '--ledger', 'file:./run.ledger', '--pricing', 'pricing.yaml'], input)).code).toBe(0);
    const base = ['invoice', '--ledger', 'file:./run.ledger', '--period', '2025-06', '--pricing', 'pricing.yaml'];
    const text = await cli([...base, '--all']);
    expect(text.code).toBe(1);
    expect(text.out).toMatch(/Invoice for acme, period 2025-06, plan enterprise/);
    expect(text.out).toMatch(/Invoice for globex, period 2025-06, plan enterprise/);
    expect(text.out).not.toMatch(/july-only|Invoice for initech/);
    expect(text.out).toMatch(/^Billing run 2025-06: 2 invoices, 1 failed$/m);
    expect(text.out).toMatch(/^ {2}acme {4}1000\.00 USD {2}plan enterprise, 1 entry$/m);
    expect(text.out).toMatch(/^ {2}initech: not invoiced: error\[invoice_plan_ambiguous\]/m);
    expect(text.out).toMatch(/^warning: 1 entry has no customer and is on no invoice \([0-9.]+ USD\)$/m);

    const json = JSON.parse((await cli([...base, '--all', '--format', 'json'])).out);
    const one = JSON.parse((await cli([...base, '--customer', 'globex', '--format', 'json'])).out);
    expect(json.invoices.map((i: { customer: string }) => i.customer)).toEqual(['acme', 'globex']);
    expect(json.invoices[1]).toEqual(one);
    expect(json.failed).toMatchObject([{ customer: 'initech', code: 'invoice_plan_ambiguous' }]);
    expect(json.unattributed).toMatchObject({ entries: 1, unpriced: 0 });

    const named = await cli([...base, '--customer', 'globex', '--customer', 'nobody', '--format', 'csv']);
    expect(named.code).toBe(0);
    const rows = named.out.trimEnd().split('\r\n');
    expect(rows[0]).toBe('customer,period,currency,kind,description,model,component,quantity,unit_price,amount');
    expect(rows.filter((r) => r.startsWith('customer,'))).toHaveLength(1);
    expect(rows.filter((r) => /,total,Total,/.test(r)).map((r) => r.split(',')[0])).toEqual(['globex', 'nobody']);
    const failedCsv = await cli([...base, '--customer', 'initech', '--customer', 'acme', '--format', 'csv']);
    expect(failedCsv).toMatchObject({ code: 1, err: expect.stringMatching(/^initech: error\[invoice_plan_ambiguous\]/) });
  });

  it('verify fails with the entry when the file was edited', async () => {
    await cli(['ingest', '--ledger', 'file:./l.ledger', '--pricing', 'pricing.yaml'], [event('a'), event('b')].join('\n'));
    const path = join(dir, 'l.ledger');
    // Rewrite a price inside entry 2 and fix up its CRC so only the hash chain can tell.
    const { crc32 } = await import('../../src/storage/file/frame.js');
    const lines = readFileSync(path, 'utf8').split('\n');
    const json = lines[2]!.slice(9).replace(/\\"price\\":\\"[0-9.]+\\"/, '\\"price\\":\\"0.01\\"');
    lines[2] = `${crc32(Buffer.from(json)).toString(16).padStart(8, '0')} ${json}`;
    writeFileSync(path, lines.join('\n'));
    const r = await cli(['verify', '--ledger', 'file:./l.ledger', '--pricing', 'pricing.yaml']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^FAILED: /);
    expect(r.err).toMatch(/entry 2 \("b"\): chain: hash does not match the body/);
  });

  it('misuse exits 2 with a message; a bad ledger URL or period exits 1 with the code', async () => {
    expect(await cli(['ingest'])).toMatchObject({ code: 2, err: expect.stringMatching(/--ledger URL is required/) });
    expect(await cli(['invoice', '--ledger', 'memory:'])).toMatchObject({ code: 2, err: expect.stringMatching(/--period, --customer \(or --all\) are required/) });
    expect(await cli(['invoice', '--ledger', 'memory:', '--period', '2025-06', '--all', '--customer', 'a', '--format', 'xml'])).toMatchObject({ code: 2, err: expect.stringMatching(/--all and --customer exclude each other; --format must be one of/) });
    expect(await cli(['invoice', '--ledger', 'memory:', '--period', '2025-06', '--all', '--plan', 'x'])).toMatchObject({ code: 2, err: expect.stringMatching(/--plan applies to one --customer/) });
    expect(await cli(['verify', '--ledger', 'memory:', '--format', 'xml'])).toMatchObject({ code: 2 });
    expect(await cli(['verify', '--ledger', 'fil:./x'])).toMatchObject({ code: 1, err: expect.stringMatching(/storage_url_invalid.*did you mean `file`/) });
    expect(await cli(['invoice', '--ledger', 'memory:', '--customer', 'a', '--period', '2025-13'])).toMatchObject({ code: 1, err: expect.stringMatching(/period_invalid/) });
    expect(await cli(['verify', '--ledger', 'file:./missing.ledger'])).toMatchObject({ code: 1, err: expect.stringMatching(/storage_not_found/) });
  });
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { REFERENCE_DIR, requireReferenceData } from '../catalog/reference.js';

const dir = mkdtempSync(join(tmpdir(), 'ratecard-cli-catalog-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), readStdin: async function* () {}, cwd: dir };
  const code = await main(['catalog', ...argv], io);
  return { code, out, err };
}

describe('ratecard catalog', () => {
  it('list --provider prints a table per 1M tokens; --format json the exact rates', async () => {
    const text = await cli('list', '--provider', 'deepseek');
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^provider\s+model\s+input\/1M\s+output\/1M/);
    expect(text.out).toMatch(/deepseek\s+deepseek-chat\s+0\.28\s+0\.42\s+2025-09-29/);
    const json = await cli('list', '--provider', 'openai', '--format', 'json');
    const rows = JSON.parse(json.out) as { model: string; kind: string; target?: string; rates: Record<string, string> }[];
    expect(rows.find((r) => r.model === 'gpt-4o')).toMatchObject({ kind: 'alias', target: 'gpt-4o-2024-08-06' });
    expect(rows.find((r) => r.model === 'o3')!.rates.input).toBe('0.000002');
  });

  it('show prints the history and, with --at, the rates in force', async () => {
    const r = await cli('show', 'o3', '--at', '2025-05-01');
    expect(r.code).toBe(0);
    expect(r.out).toContain('2025-04-16 … 2025-06-10');
    expect(r.out).toContain('per 1M: input 10, cache_read 2.5, output 40');
    expect(r.out).toContain('in force at 2025-05-01T00:00:00.000Z: catalog:openai/o3@2025-04-16');
    const alias = await cli('show', 'mistral-large-latest', '--format', 'json');
    expect(JSON.parse(alias.out).alias.targets).toHaveLength(4);
  });

  it('unknown models exit 1 with suggestions; misuse exits 2', async () => {
    const r = await cli('show', 'gpt-4oo');
    expect(r.code).toBe(1);
    expect(r.err).toContain('error[model_not_found]');
    expect(r.err).toContain('did you mean `gpt-4o`');
    expect((await cli('show', 'o3', '--at', 'yesterday')).code).toBe(2);
    expect((await cli('frobnicate')).code).toBe(2);
    expect((await cli('list', '--format', 'xml')).code).toBe(2);
    expect((await cli('import', 'x.json')).code).toBe(2);
  });

  it.each([
    ['litellm', 'litellm/model_prices_and_context_window.json'],
    ['genai-prices', 'genai-prices/data.json'],
    ['models.dev', 'models.dev/provider_model_costs.json'],
  ])('import --from %s: YAML on stdout or --out, every skipped entry on stderr', async (from, path) => {
    requireReferenceData();
    const out = join(dir, `${from}.yaml`);
    const r = await cli('import', '--from', from, join(REFERENCE_DIR, path), '--provider', 'anthropic', '--out', out);
    expect(r.code).toBe(0);
    const m = /imported (\d+) of (\d+) entries; skipped (\d+)/.exec(r.err)!;
    expect(Number(m[1]) + Number(m[3])).toBe(Number(m[2]));
    expect(r.err.split('\n').filter((l) => l.startsWith('  skipped ')).length).toBe(Number(m[3]));
    const yaml = readFileSync(out, 'utf8');
    expect(yaml).toContain('currency: USD');
    expect(yaml).toMatch(/claude/);
  });

  it('import reports malformed JSON with file:line:col and a code frame', async () => {
    writeFileSync(join(dir, 'bad.json'), '{\n  "gpt-4o": {\n    "input_cost_per_token": 2.5e-6,,\n  }\n}\n');
    const r = await cli('import', '--from', 'litellm', 'bad.json');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bad\.json:3:\d+: error\[invalid_json\]/);
    expect(r.err).toContain('> 3 |');
  });
});

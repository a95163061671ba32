import { mkdtempSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'ratecard-validate-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('ratecard validate', () => {
  it('accepts every shipped example (YAML and .rate)', async () => {
    const files = readdirSync('pricing-examples').map((f) => join('pricing-examples', f));
    expect(files.length).toBeGreaterThanOrEqual(5);
    const r = await runCli(['validate', ...files]);
    expect(r.stdout).toContain(`${files.length} files valid`);
    expect(r.code).toBe(0);
  });

  it('reports every problem with file:line:col, code and a code frame, exit 1', async () => {
    const bad = file(
      'bad.yaml',
      ['pricing:', '  gpt-4o:', '    per_token: -0.000005', '    markup: 1.2', '    colour: blue', ''].join('\n'),
    );
    const r = await runCli(['validate', bad]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`${bad.replace(/[.]/g, '\\.')}:3:\\d+: error\\[\\w+\\]`));
    expect(r.stdout).toMatch(new RegExp(`${bad.replace(/[.]/g, '\\.')}:5:\\d+: error\\[unknown_field\\]`));
    expect(r.stdout).toContain('> 3 |');
    expect(r.stdout).toContain('^');
    expect(r.stdout).toContain('1 of 1 file invalid');
  });

  it('prints JSON diagnostics with --format json', async () => {
    const bad = file('bad2.yaml', 'pricing:\n  gpt-4o:\n    per_token: abc\n');
    const good = file('good.yaml', 'pricing:\n  gpt-4o:\n    per_token: 0.000005\n');
    const r = await runCli(['validate', '--format', 'json', good, bad]);
    expect(r.code).toBe(1);
    const diags = JSON.parse(r.stdout) as { file: string; line: number; column: number; severity: string; code: string; message: string }[];
    expect(diags.length).toBeGreaterThan(0);
    for (const d of diags) {
      expect(d.file).toBe(bad);
      expect(d.line).toBe(3);
      expect(typeof d.column).toBe('number');
      expect(d.severity).toBe('error');
      expect(d.code).toMatch(/^[a-z][a-z0-9_]*$/);
    }
  });

  it('reports a missing file and a non-pricing file without a stack trace', async () => {
    const notPricing = file('notes.txt', 'hello');
    const r = await runCli(['validate', join(dir, 'nope.yaml'), notPricing]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('error[file_unreadable]');
    expect(r.stdout).toContain('error[unsupported_file_type]');
    expect(r.stdout).not.toMatch(/\n\s+at /);
  });

  it('exits 2 on misuse', async () => {
    expect((await runCli(['validate'])).code).toBe(2);
    expect((await runCli(['validate', '--format', 'xml', 'x.yaml'])).code).toBe(2);
    expect((await runCli(['validate', '--bogus'])).code).toBe(2);
    expect((await runCli(['no-such-command'])).code).toBe(2);
  });
});

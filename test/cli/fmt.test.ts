import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/commands/fmt.js';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';

function io(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIO = { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), readStdin: async function* () {}, cwd };
  return { io: value, out: () => out.join(''), err: () => err.join('') };
}

const messy = '# rates\ncurrency USD\nmodel "m" { input 1 per token;   output 2 per token # list\n}\n\n\n\nmarkup 5%   on all models\n';
const tidy = '# rates\ncurrency USD\nmodel "m" {\n  input  1 per token\n  output 2 per token  # list\n}\n\nmarkup 5% on all models\n';

function dir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'ratecard-fmt-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}

describe('ratecard fmt', () => {
  it('prints the canonical form, keeping comments', async () => {
    const t = io(dir({ 'a.rate': messy }));
    expect(await run(['a.rate'], t.io)).toBe(0);
    expect(t.out()).toBe(tidy);
  });

  it('--check lists files that are not formatted and exits 1', async () => {
    const d = dir({ 'a.rate': messy, 'b.rate': tidy });
    const t = io(d);
    expect(await run(['--check', 'a.rate', 'b.rate'], t.io)).toBe(1);
    expect(t.out()).toBe('a.rate\n');
    const ok = io(d);
    expect(await run(['--check', 'b.rate'], ok.io)).toBe(0);
    expect(ok.out()).toBe('');
  });

  it('--write rewrites in place, idempotently', async () => {
    const d = dir({ 'a.rate': messy });
    expect(await run(['--write', 'a.rate'], io(d).io)).toBe(0);
    expect(readFileSync(join(d, 'a.rate'), 'utf8')).toBe(tidy);
    const again = io(d);
    expect(await run(['--write', 'a.rate'], again.io)).toBe(0);
    expect(again.err()).toBe('');
  });

  it('reports syntax errors with positions and exits 1, leaving the file alone', async () => {
    const d = dir({ 'bad.rate': 'currency USD\nmodel m { input 1 per token\n' });
    const t = io(d);
    expect(await run(['--write', 'bad.rate'], t.io)).toBe(1);
    expect(t.err()).toMatch(/^bad\.rate:2:28: error\[unexpected_end\]: expected `}`/);
    expect(readFileSync(join(d, 'bad.rate'), 'utf8')).toBe('currency USD\nmodel m { input 1 per token\n');
  });

  it('is registered with the CLI; misuse exits 2', async () => {
    const d = dir({ 'a.rate': tidy, 'a.yaml': 'currency: USD\n' });
    expect(await main(['fmt', '--check', 'a.rate'], io(d).io)).toBe(0);
    expect(await main(['fmt', '--check', '--write', 'a.rate'], io(d).io)).toBe(2);
    expect(await main(['fmt', 'a.yaml'], io(d).io)).toBe(2);
    expect(await main(['fmt'], io(d).io)).toBe(2);
    const missing = io(d);
    expect(await main(['fmt', 'nope.rate'], missing.io)).toBe(1);
    expect(missing.err()).toContain('file_unreadable');
  });
});

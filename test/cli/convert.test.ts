import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { loadRatePricing } from '../../src/dsl/index.js';
import { stripSpans } from '../../src/pricing/normalize.js';
import { loadYamlPricing } from '../../src/yaml/index.js';

function io(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIO = { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), readStdin: async function* () {}, cwd };
  return { io: value, out: () => out.join(''), err: () => err.join('') };
}

const examples = join(import.meta.dirname, '../../pricing-examples');

describe('ratecard convert', () => {
  it.each(['reseller-markup', 'enterprise-plan', 'volume-tiers', 'batch-discount', 'minimal'])('%s: YAML → rate → YAML keeps the document', async (name) => {
    const d = mkdtempSync(join(tmpdir(), 'ratecard-convert-'));
    const toRate = io(examples);
    expect(await main(['convert', `${name}.yaml`, '--to', 'rate'], toRate.io)).toBe(0);
    writeFileSync(join(d, 'x.rate'), toRate.out());
    const fromRate = loadRatePricing(toRate.out());
    const original = loadYamlPricing(readFileSync(join(examples, `${name}.yaml`), 'utf8'));
    expect(stripSpans(fromRate.document!)).toEqual(stripSpans(original.document!));

    const back = io(d);
    expect(await main(['convert', 'x.rate', '--to', 'yaml', '-o', 'x.yaml'], back.io)).toBe(0);
    expect(stripSpans(loadYamlPricing(readFileSync(join(d, 'x.yaml'), 'utf8')).document!)).toEqual(stripSpans(original.document!));
  });

  it('refuses input with errors, listing every one', async () => {
    const d = mkdtempSync(join(tmpdir(), 'ratecard-convert-'));
    writeFileSync(join(d, 'bad.rate'), 'currency USD\nmodel m { input 2.50; output 20% }\n');
    const t = io(d);
    expect(await main(['convert', 'bad.rate', '--to', 'yaml'], t.io)).toBe(1);
    expect(t.out()).toBe('');
    expect(t.err()).toContain('bad.rate:2:17: error[missing_unit]');
    expect(t.err()).toContain('bad.rate:2:30: error[type_mismatch]');
  });

  it('misuse exits 2', async () => {
    const t = io(examples);
    expect(await main(['convert', 'minimal.yaml'], t.io)).toBe(2);
    expect(await main(['convert', 'minimal.yaml', '--to', 'json'], t.io)).toBe(2);
    expect(await main(['convert', 'README.md', '--to', 'rate'], t.io)).toBe(2);
    expect(await main(['convert', '--to', 'rate'], t.io)).toBe(2);
  });
});

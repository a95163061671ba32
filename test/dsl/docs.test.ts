/** Every ```rate example in docs/dsl.md loads without errors (fragments are wrapped in a minimal file). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/errors/index.js';
import { loadRatePricing } from '../../src/dsl/index.js';

const doc = readFileSync(join(import.meta.dirname, '../../docs/dsl.md'), 'utf8');
const blocks = [...doc.matchAll(/```rate\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('docs/dsl.md examples', () => {
  it('has examples', () => expect(blocks.length).toBeGreaterThan(5));

  it.each(blocks.map((b, i) => [i, b] as const))('example %i loads', (_, block) => {
    let source = /^\s*(input|output)\b/.test(block) ? `model "m" {\n${block}}\n` : block;
    if (!/^currency /m.test(source)) source = `currency USD\nuse catalog\n${source}`;
    const r = loadRatePricing(source, { file: 'docs.rate' });
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => formatDiagnostic(d, source))).toEqual([]);
  });
});

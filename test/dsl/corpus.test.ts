/** The conformance corpus in grammar/corpus: valid files load cleanly and format stably; invalid ones give exactly their expected diagnostics. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatRate, loadRatePricing } from '../../src/dsl/index.js';

const root = join(import.meta.dirname, '../../grammar/corpus');
const list = (sub: string) => readdirSync(join(root, sub)).filter((f) => f.endsWith('.rate')).sort();

describe('grammar corpus', () => {
  it.each(list('valid'))('valid/%s loads without errors, and formatting is idempotent and keeps comments', (name) => {
    const source = readFileSync(join(root, 'valid', name), 'utf8');
    const r = loadRatePricing(source, { file: name });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.document).toBeDefined();
    const once = formatRate(source).text!;
    expect(formatRate(once).text).toBe(once);
    const comments = (s: string) => s.split('\n').flatMap((l) => /(#|\/\/).*$/.exec(l.replace(/"(?:[^"\\]|\\.)*"/g, '""'))?.[0] ?? []);
    expect(comments(once)).toEqual(comments(source));
    // The formatted file is the same rate card.
    expect(JSON.stringify(loadRatePricing(once).document, (k, v) => (k === 'span' ? undefined : v))).toBe(JSON.stringify(r.document, (k, v) => (k === 'span' ? undefined : v)));
  });

  it.each(list('invalid'))('invalid/%s gives its expected diagnostics', (name) => {
    const source = readFileSync(join(root, 'invalid', name), 'utf8');
    const expected = JSON.parse(readFileSync(join(root, 'invalid', name.replace(/\.rate$/, '.expected.json')), 'utf8')) as unknown[];
    const r = loadRatePricing(source, { file: name });
    expect(r.document).toBeUndefined();
    expect(r.diagnostics.map((d) => ({ line: d.span?.start.line ?? null, column: d.span?.start.column ?? null, code: d.code }))).toEqual(expected);
  });
});

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalogFile } from '../../src/catalog/load.js';
import { Dec } from '../../src/money/index.js';
import { referenceIndex, requireReferenceData } from './reference.js';

const exceptions = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../data/price-exceptions.json'), 'utf8')) as { provider: string; model: string; reason: string }[];
const eq = (a?: string, b?: string) => (a === undefined || b === undefined ? a === b : new Dec(a).eq(b));

describe('catalog cross-check against the reference sources', () => {
  it('every current price equals at least one source, or is an explained exception', () => {
    requireReferenceData();
    const idx = referenceIndex();
    const unexplained: string[] = [];
    const matched = new Set<string>();
    for (const m of loadCatalogFile().models) {
      const cur = m.prices.at(-1)!.rates;
      const ok = idx.get(m.provider, m.id).some((r) => eq(r.rates.input, cur.input) && eq(r.rates.output, cur.output));
      const exception = exceptions.find((e) => e.provider === m.provider && e.model === m.id);
      if (!ok && !exception) unexplained.push(`${m.provider}/${m.id} ${cur.input}/${cur.output}`);
      if (exception) {
        expect(ok, `${m.provider}/${m.id} matches a source now: remove it from price-exceptions.json`).toBe(false);
        matched.add(`${m.provider}/${m.id}`);
      }
    }
    expect(unexplained).toEqual([]);
    for (const e of exceptions) {
      expect(e.reason.length).toBeGreaterThan(20);
      expect(matched.has(`${e.provider}/${e.model}`), `stale exception ${e.provider}/${e.model}`).toBe(true);
    }
  });
});

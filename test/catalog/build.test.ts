import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalogFile } from '../../src/catalog/load.js';
import { RATE_KEYS, type RateTable } from '../../src/pricing/document.js';
import { REFERENCE_DIR, requireReferenceData } from './reference.js';

const repo = resolve(import.meta.dirname, '../..');
const file = loadCatalogFile();

function allRates(): RateTable[] {
  const out: RateTable[] = [];
  for (const m of file.models) {
    for (const p of m.prices) {
      out.push(p.rates, ...(p.long_context ?? []).map((l) => l.rates));
      if (p.off_peak) out.push(p.off_peak.rates);
      for (const t of Object.values(p.tiers ?? {})) out.push(t.rates, ...(t.long_context ?? []).map((l) => l.rates));
    }
  }
  return out;
}

describe('catalog builder', () => {
  it('is reproducible: rebuilding from the reference data gives byte-identical files', () => {
    requireReferenceData();
    const dir = mkdtempSync(join(tmpdir(), 'ratecard-catalog-'));
    try {
      execFileSync(process.execPath, ['--import', 'tsx', join(repo, 'scripts/build-catalog.ts'), '--out-dir', dir], {
        cwd: repo, env: { ...process.env, RATECARD_REFERENCE_PRICES: REFERENCE_DIR }, stdio: 'pipe',
      });
      for (const name of ['catalog.json', 'decisions.md', 'ATTRIBUTION.md']) {
        expect(readFileSync(join(dir, name), 'utf8'), `${name} differs from data/${name}: run npx tsx scripts/build-catalog.ts`).toBe(readFileSync(join(repo, 'data', name), 'utf8'));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('covers at least 300 models across at least 10 providers', () => {
    expect(file.models.length).toBeGreaterThanOrEqual(300);
    const providers = new Set(file.models.map((m) => m.provider));
    for (const p of ['openai', 'anthropic', 'google', 'vertex', 'bedrock', 'azure', 'mistral', 'deepseek', 'groq', 'together', 'xai']) expect(providers).toContain(p);
  });

  it('stores every rate as a plain decimal string per unit, without float noise', () => {
    for (const rates of allRates()) {
      for (const [k, v] of Object.entries(rates)) {
        expect(RATE_KEYS).toContain(k);
        expect(v).toMatch(/^(0|[1-9]\d*)(\.\d*[1-9])?$/);
        // at most 10 significant digits: 3.0000000000000004e-06 must have become 0.000003
        expect(v.replace(/^0\.0*/, '').replace('.', '').replace(/0+$/, '').length).toBeLessThanOrEqual(10);
      }
    }
  });

  it('gives every price a source and contiguous effective_from / until dates', () => {
    for (const m of file.models) {
      expect(m.prices.length, `${m.provider}/${m.id}`).toBeGreaterThan(0);
      m.prices.forEach((p, i) => {
        expect(p.effective_from).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(p.source).toMatch(/^(litellm|litellm-2025-09|genai-prices|models\.dev|curated):/);
        expect(p.rates.input ?? p.rates.output, `${m.id} has no token price`).toBeDefined();
        const next = m.prices[i + 1];
        if (next) expect(p.until).toBe(next.effective_from);
        else expect(p.until).toBeUndefined();
        if (p.until) expect(p.until > p.effective_from).toBe(true);
      });
    }
  });

  it('ships the attribution of every source with its license text', () => {
    const text = readFileSync(join(repo, 'data/ATTRIBUTION.md'), 'utf8');
    for (const s of ['BerriAI/litellm', 'pydantic/genai-prices', 'models.dev', 'AgentOps']) expect(text).toContain(s);
    expect(text.match(/Permission is hereby granted/g)?.length).toBe(4);
  });
});

/** Test helper: the prices the three reference sources give for a catalog model. */
import { readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { mapLitellmEntry, litellmModelId } from '../../src/catalog/import/litellm.js';
import { genaiMatches, genaiPriceAt, mapGenaiPrices, type GenaiProvider } from '../../src/catalog/import/genai-prices.js';
import { mapModelsDevCost } from '../../src/catalog/import/models-dev.js';
import { canonicalProvider, providerFromLitellm } from '../../src/catalog/providers.js';
import type { RateTable } from '../../src/pricing/document.js';

export const REFERENCE_DIR = process.env.RATECARD_REFERENCE_PRICES ?? resolve(import.meta.dirname, '../../../shared/data/reference-prices');

export function requireReferenceData(): void {
  if (!existsSync(join(REFERENCE_DIR, 'README.md'))) {
    throw new Error(`reference price data not found at ${REFERENCE_DIR}: set RATECARD_REFERENCE_PRICES or check out ../shared/data`);
  }
}

export const readRef = (p: string): unknown => JSON.parse(readFileSync(join(REFERENCE_DIR, p), 'utf8'));

export interface RefPrice { source: string; rates: RateTable }

/** Index every source's current prices by `provider/lower-case id`. */
export function referenceIndex(): { get(provider: string, id: string): RefPrice[] } {
  const byKey = new Map<string, RefPrice[]>();
  const add = (provider: string, id: string, p: RefPrice) => {
    const k = `${provider}/${id.toLowerCase()}`;
    (byKey.get(k) ?? byKey.set(k, []).get(k)!).push(p);
  };
  for (const file of ['litellm/model_prices_and_context_window.json', 'litellm-2025-09/model_prices_and_context_window.json']) {
    for (const [key, e] of Object.entries(readRef(file) as Record<string, Record<string, unknown>>)) {
      const lp = String(e.litellm_provider ?? '');
      const provider = providerFromLitellm(lp);
      if (!provider) continue;
      const m = mapLitellmEntry(e);
      if ('skip' in m) continue;
      let id = litellmModelId(key, lp).replace(/^(eu|us|global)\//, '');
      id = id.replace(/^(us-gov|us|eu|apac|jp|au|ca|global)\.(?=[a-z0-9-]+\.)/, '');
      add(provider, id, { source: `${file.split('/')[0]}:${key}`, rates: m.rates });
    }
  }
  const genai = readRef('genai-prices/data.json') as GenaiProvider[];
  const genaiByProvider = new Map<string, GenaiProvider[]>();
  for (const gp of genai) {
    const p = canonicalProvider(gp.id);
    if (p) (genaiByProvider.get(p) ?? genaiByProvider.set(p, []).get(p)!).push(gp);
  }
  for (const [pid, models] of Object.entries(readRef('models.dev/provider_model_costs.json') as Record<string, Record<string, { cost?: Record<string, unknown> }>>)) {
    const provider = canonicalProvider(pid);
    if (!provider) continue;
    for (const [id, m] of Object.entries(models)) if (m.cost) add(provider, id, { source: `models.dev:${pid}/${id}`, rates: mapModelsDevCost(m.cost).rates });
  }
  return {
    get(provider, id) {
      const out = [...(byKey.get(`${provider}/${id.toLowerCase()}`) ?? [])];
      for (const gp of genaiByProvider.get(provider) ?? []) {
        const gm = gp.models.find((x) => genaiMatches(x.match, id));
        const prices = gm && genaiPriceAt(gm, '2026-08-21');
        if (gm && prices) out.push({ source: `genai-prices:${gp.id}/${gm.id}`, rates: mapGenaiPrices(prices).rates });
      }
      return out;
    },
  };
}

/**
 * The catalog index is built lazily, per provider (a cold start indexes only the tables a
 * lookup touches). Whatever order tables get built in, every answer — per-provider keys,
 * unqualified names, display names for suggestions, price periods — must equal what the
 * former eager build gave (kept below, test-only, as the reference).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Catalog, loadCatalogFile, type CatalogFile, type CatalogModel } from '../../src/catalog/index.js';
import { CatalogIndex, dayMs, type Entry } from '../../src/catalog/index-data.js';
import { indexKeys } from '../../src/catalog/names.js';
import { canonicalProvider, PROVIDER_PREFERENCE } from '../../src/catalog/providers.js';

const file = loadCatalogFile();

/** An entry as a comparable value: what it names, not which object holds it. */
const describeEntry = (e: Entry | undefined) => (e === undefined ? undefined : e.kind === 'alias' ? `alias:${e.alias.provider}/${e.alias.name}` : `model:${e.model.provider}/${e.model.id}`);

/** The eager build as it was: every provider's table, the unqualified table, display names. */
function referenceIndex(f: CatalogFile) {
  const byProvider = new Map<string, Map<string, string>>();
  const names = new Map<string, string[]>();
  const table = (p: string) => byProvider.get(p) ?? byProvider.set(p, new Map()).get(p)!;
  const put = (provider: string, key: string, entry: string, display: string) => {
    const t = table(provider);
    if (!t.has(key) || key === display.toLowerCase()) t.set(key, entry);
    if (key === display.toLowerCase()) (names.get(provider) ?? names.set(provider, []).get(provider)!).push(display);
  };
  const models = new Map<string, CatalogModel>();
  for (const m of f.models) {
    const d = `model:${m.provider}/${m.id}`;
    models.set(`${m.provider}/${m.id.toLowerCase()}`, m);
    for (const k of indexKeys(m.id)) put(m.provider, k, d, k === m.id.toLowerCase() ? m.id : k);
    for (const a of m.aliases ?? []) put(m.provider, a.toLowerCase(), d, a);
  }
  for (const m of models.values()) table(m.provider).set(m.id.toLowerCase(), `model:${m.provider}/${m.id}`);
  for (const a of f.aliases) {
    table(a.provider).set(a.name.toLowerCase(), `alias:${a.provider}/${a.name}`);
    (names.get(a.provider) ?? names.set(a.provider, []).get(a.provider)!).push(a.name);
  }
  const anyProvider = new Map<string, string>();
  const order = [...PROVIDER_PREFERENCE, ...[...byProvider.keys()].filter((p) => !PROVIDER_PREFERENCE.includes(canonicalProvider(p) ?? ('' as never))).sort()];
  for (const p of order) for (const [k, e] of byProvider.get(p) ?? []) if (!anyProvider.has(k)) anyProvider.set(k, e);
  return { byProvider, anyProvider, names, allNames: [...new Set([...names.values()].flat())] };
}

const ref = referenceIndex(file);
const PROVIDERS = [...ref.byProvider.keys()];
const KEYS = [...ref.anyProvider.keys()];

describe('lazy catalog index', () => {
  it('every provider table holds the same keys, entries and order as the eager build', () => {
    const idx = new CatalogIndex(file);
    for (const p of PROVIDERS) {
      expect(idx.has(p)).toBe(true);
      expect([...idx.table(p)!].map(([k, e]) => [k, describeEntry(e)])).toEqual([...ref.byProvider.get(p)!]);
      expect(idx.names(p)).toEqual(ref.names.get(p));
    }
    expect(idx.allNames).toEqual(ref.allNames);
    expect(idx.has('nope')).toBe(false);
    expect(idx.table('nope')).toBeUndefined();
    expect(idx.names('nope')).toEqual([]);
  });

  it('property: in any order of first use, unqualified names, tables and names answer as the eager build', () => {
    const query = fc.oneof(
      fc.record({ any: fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 12 })) }),
      fc.record({ provider: fc.constantFrom(...PROVIDERS, 'nope'), key: fc.constantFrom(...KEYS) }),
      fc.record({ names: fc.constantFrom(...PROVIDERS) }),
      fc.constant({ all: true }),
    );
    fc.assert(
      fc.property(fc.array(query, { minLength: 1, maxLength: 25 }), (queries) => {
        const idx = new CatalogIndex(file);
        for (const q of queries) {
          if ('any' in q) expect(describeEntry(idx.any(q.any))).toBe(ref.anyProvider.get(q.any));
          else if ('provider' in q) expect(describeEntry(idx.table(q.provider)?.get(q.key))).toBe(ref.byProvider.get(q.provider)?.get(q.key));
          else if ('names' in q) expect(idx.names(q.names)).toEqual(ref.names.get(q.names));
          else expect(idx.allNames).toEqual(ref.allNames);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('price periods built on first use match the file (epoch ms, open end, off-peak minutes)', () => {
    const idx = new CatalogIndex(file);
    for (const p of PROVIDERS) {
      for (const e of idx.table(p)!.values()) {
        if (e.kind !== 'model') continue;
        expect(e.prices.map((r) => r.price)).toEqual(e.model.prices);
        expect(e.prices).toBe(e.prices); // built once, then the same records (their caches live there)
        for (const r of e.prices) {
          expect(r.fromMs).toBe(dayMs(r.price.effective_from));
          expect(r.untilMs).toBe(r.price.until ? dayMs(r.price.until) : Number.POSITIVE_INFINITY);
          if (r.price.off_peak) expect(r.offPeak).toEqual({ start: Number(r.price.off_peak.start.slice(0, 2)) * 60 + Number(r.price.off_peak.start.slice(3)), end: Number(r.price.off_peak.end.slice(0, 2)) * 60 + Number(r.price.off_peak.end.slice(3)) });
          else expect(r.offPeak).toBeUndefined();
        }
      }
    }
  });

  it('a lookup builds only the tables it needs: an OpenAI name never reads Bedrock models', () => {
    const poisoned = {
      provider: 'bedrock',
      get id(): string {
        throw new Error('bedrock table built');
      },
      prices: [],
    } as unknown as CatalogModel;
    const f: CatalogFile = { ...file, models: [...file.models, poisoned] };
    const c = new Catalog(f);
    expect(c.resolve({ model: 'gpt-4o', at: new Date('2025-11-01T12:00:00Z') }).provider).toBe('openai');
    expect(c.resolve({ provider: 'anthropic', model: 'claude-sonnet-4-5', at: new Date('2025-11-01T12:00:00Z') }).provider).toBe('anthropic');
    expect(() => c.resolve({ provider: 'bedrock', model: 'anything', at: new Date('2025-11-01T12:00:00Z') })).toThrow('bedrock table built');
  });

  it('an alias to a model the file does not have still fails when the file is indexed', () => {
    const bad: CatalogFile = { ...file, aliases: [{ provider: 'openai', name: 'gpt-x', targets: [{ effective_from: '2025-01-01', model: 'gpt-missing', source: 'curated:test' }] }] };
    expect(() => new CatalogIndex(bad)).toThrow('catalog alias openai/gpt-x targets unknown model gpt-missing');
  });
});

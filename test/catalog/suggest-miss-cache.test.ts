/**
 * Unknown models are remembered: a repeated miss throws the same model_not_found (code,
 * message, details) without computing suggestions again, and a miss never hides a model
 * that another key (provider, spelling) does find.
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { Catalog, loadCatalogFile, type CatalogFile } from '../../src/catalog/index.js';
import { isRatecardError, type RatecardError } from '../../src/errors/index.js';
import * as suggestModule from '../../src/util/suggest.js';
import { errorOf as thrown } from '../support/errors.js';

// Count suggest() calls made by the catalog (same implementation underneath).
vi.mock('../../src/util/suggest.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/util/suggest.js')>();
  return { ...real, suggest: vi.fn(real.suggest) };
});
const suggestCalls = () => vi.mocked(suggestModule.suggest).mock.calls.length;

const file = loadCatalogFile();
const AT = new Date('2026-01-15T12:00:00Z');


const view = (e: RatecardError) => ({ code: e.code, message: e.message, details: e.details, json: e.toJSON() });

describe('catalog miss cache', () => {
  it('a repeated unknown model throws an equal model_not_found without recomputing suggestions', () => {
    const catalog = new Catalog(file);
    const lookup = { model: 'gpt-4o-fake-model', at: AT };
    const before = suggestCalls();
    const first = thrown(() => catalog.resolve(lookup));
    expect(suggestCalls()).toBe(before + 1);
    expect(first.code).toBe('model_not_found');
    expect(first.details.suggestions).toEqual(['gpt-4', 'gpt-4o']);
    for (let i = 0; i < 3; i++) {
      const again = thrown(() => catalog.resolve(lookup));
      expect(again).not.toBe(first);
      expect(again).toBeInstanceOf(Error);
      expect(view(again)).toEqual(view(first));
    }
    expect(suggestCalls()).toBe(before + 1);
    // The same miss through resolveWindow() and show() shares the cache.
    expect(view(thrown(() => catalog.resolveWindow(lookup)))).toEqual(view(first));
    expect(view(thrown(() => catalog.show('gpt-4o-fake-model')))).toEqual(view(first));
    expect(suggestCalls()).toBe(before + 1);
  });

  it('each throw carries its own details: changing a caught error does not change the next one', () => {
    const catalog = new Catalog(file);
    const lookup = { provider: 'anthropic', model: 'claude-sonet-4-5', at: AT };
    const first = thrown(() => catalog.resolve(lookup));
    const expected = structuredClone(first.details);
    (first.details.suggestions as string[]).push('tampered');
    (first.details as Record<string, unknown>).model = 'tampered';
    expect(thrown(() => catalog.resolve(lookup)).details).toEqual(expected);
  });

  it('remembers unknown providers too, with the same error', () => {
    const catalog = new Catalog(file);
    const lookup = { provider: 'openaii', model: 'gpt-4o', at: AT };
    const first = thrown(() => catalog.resolve(lookup));
    expect(first.message).toBe('unknown provider `openaii`');
    expect(first.details.suggestions).toContain('openai');
    const before = suggestCalls();
    expect(view(thrown(() => catalog.resolve(lookup)))).toEqual(view(first));
    expect(suggestCalls()).toBe(before);
  });

  it('a miss does not shadow a hit for another provider, spelling or case', () => {
    const catalog = new Catalog(file);
    expect(thrown(() => catalog.resolve({ provider: 'anthropic', model: 'gpt-4o', at: AT })).code).toBe('model_not_found');
    expect(thrown(() => catalog.resolve({ model: 'gpt-4oo', at: AT })).code).toBe('model_not_found');
    expect(catalog.resolve({ provider: 'openai', model: 'gpt-4o', at: AT }).provider).toBe('openai');
    expect(catalog.resolve({ model: 'gpt-4o', at: AT }).provider).toBe('openai');
    expect(catalog.resolve({ model: 'openai/gpt-4o', at: AT }).provider).toBe('openai');
    expect(thrown(() => catalog.resolve({ provider: 'anthropic', model: 'gpt-4o', at: AT })).code).toBe('model_not_found');
  });

  it('property: any sequence of lookups answers exactly what a fresh catalog answers for each one', () => {
    const MODELS = ['gpt-4o', 'GPT-4o', 'gpt-4oo', 'claude-sonnet-4-5', 'claude-sonet-4-5', 'openai/gpt-4o', 'anthropic/gpt-4o', 'deepseek-chat', 'no-such-model', 'o3'];
    const PROVIDERS = [undefined, 'openai', 'anthropic', 'azure', 'nope'];
    const outcome = (c: Catalog, model: string, provider: string | undefined): unknown => {
      try {
        return c.resolve({ model, at: AT, ...(provider !== undefined ? { provider } : {}) });
      } catch (e) {
        if (isRatecardError(e)) return view(e);
        throw e;
      }
    };
    // The reference: each lookup alone, on its own uncached catalog.
    const shared = new Catalog(file);
    shared.index;
    const reference = new Map<string, unknown>();
    const expected = (model: string, provider: string | undefined) => {
      const key = `${provider}|${model}`;
      if (!reference.has(key)) {
        const fresh = new Catalog(() => shared.index.file);
        reference.set(key, outcome(fresh, model, provider));
      }
      return reference.get(key);
    };
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...MODELS), fc.constantFrom(...PROVIDERS)), { minLength: 1, maxLength: 30 }), (calls) => {
        const catalog = new Catalog(shared.index.file);
        for (const [model, provider] of calls) expect(outcome(catalog, model, provider)).toEqual(expected(model, provider));
      }),
      { numRuns: 60 },
    );
  });

  it('is bounded like the hit cache: past the bound, old misses are forgotten and recomputed', () => {
    // A one-model catalog keeps 10 001 misses cheap.
    const tiny: CatalogFile = { ...file, models: [file.models.find((m) => m.provider === 'openai' && m.id === 'gpt-4o-2024-08-06')!], aliases: [] };
    const catalog = new Catalog(tiny);
    thrown(() => catalog.resolve({ model: 'miss-0', at: AT }));
    const before = suggestCalls();
    thrown(() => catalog.resolve({ model: 'miss-0', at: AT }));
    expect(suggestCalls()).toBe(before);
    for (let i = 1; i <= 10_000; i++) thrown(() => catalog.resolve({ model: `miss-${i}`, at: AT }));
    const after = suggestCalls();
    expect(after).toBe(before + 10_000);
    const again = thrown(() => catalog.resolve({ model: 'miss-0', at: AT }));
    expect(suggestCalls()).toBe(after + 1);
    expect(again.message).toBe('model `miss-0` is not in the catalog');
  });
});

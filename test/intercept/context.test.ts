import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { currentAttribution, withAttribution } from '../../src/intercept/index.js';
import { mergeAttribution } from '../../src/intercept/context.js';

describe('attribution', () => {
  it('scopes nest, survive awaits and later layers win', async () => {
    const seen = await withAttribution({ customer: 'c1', tags: ['a'] }, async () => {
      await new Promise((r) => setTimeout(r, 1));
      return withAttribution({ agent: 'bot', customer: 'c2', tags: ['b', 'a'] }, async () => {
        await Promise.resolve();
        return currentAttribution();
      });
    });
    expect(seen).toEqual({ customer: 'c2', agent: 'bot', tags: ['a', 'b'] });
    expect(currentAttribution()).toBeUndefined();
  });

  it('never carries the per-call id as an attribute', () => {
    expect(mergeAttribution({ customer: 'c' }, { id: 'k', task: 't' } as never)).toEqual({ customer: 'c', task: 't' });
  });

  const layer = fc.record(
    { customer: fc.string(), agent: fc.string(), tags: fc.array(fc.constantFrom('x', 'y', 'z', 'w')) },
    { requiredKeys: [] },
  );

  it('property: the last layer defining a field wins; tags are the ordered union without duplicates', () => {
    fc.assert(
      fc.property(fc.array(layer, { maxLength: 5 }), (layers) => {
        const merged = mergeAttribution(...layers) ?? {};
        for (const key of ['customer', 'agent'] as const) {
          const last = [...layers].reverse().find((l) => l[key] !== undefined);
          expect(merged[key]).toBe(last?.[key]);
        }
        const all = layers.flatMap((l) => l.tags ?? []);
        const union = all.filter((t, i) => all.indexOf(t) === i);
        expect(merged.tags ?? []).toEqual(union);
      }),
    );
  });

  it('property: merging is associative', () => {
    fc.assert(
      fc.property(layer, layer, layer, (a, b, c) => {
        expect(mergeAttribution(mergeAttribution(a, b), c)).toEqual(mergeAttribution(a, mergeAttribution(b, c)));
      }),
    );
  });
});

/**
 * The fast suggest() (length pre-filter, banded early-exit distance, reused buffers) must
 * answer exactly what the plain full-matrix version answered: same names, same order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadCatalogFile } from '../../src/catalog/index.js';
import { buildIndex } from '../../src/catalog/index-data.js';
import { didYouMean, distanceWithin, editDistance, suggest } from '../../src/util/suggest.js';
import { referenceDistance, referenceSuggest } from './suggest-reference.js';

// A small alphabet (with case, a non-ASCII letter and a surrogate pair) makes near misses,
// transpositions and substrings common; fullUnicode strings cover the rest.
const letter = fc.constantFrom('a', 'b', 'c', 'A', 'B', '-', '4', '.', 'é', 'É', '😀');
const word = fc.oneof(
  fc.array(letter, { maxLength: 14 }).map((a) => a.join('')),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
);

/** One random edit of `name`: insert, delete, substitute or transpose at a random place. */
function edited(name: string): fc.Arbitrary<string> {
  return fc.tuple(fc.nat(), fc.nat({ max: 3 }), letter).map(([at, op, ch]) => {
    const i = name.length === 0 ? 0 : at % name.length;
    if (op === 0) return name.slice(0, i) + ch + name.slice(i);
    if (op === 1) return name.slice(0, i) + name.slice(i + 1);
    if (op === 2) return name.slice(0, i) + ch + name.slice(i + 1);
    return name.slice(0, i) + name.slice(i + 1, i + 2) + name.slice(i, i + 1) + name.slice(i + 2);
  });
}

/** Candidates near `name`: one to three edits of it, pieces of it, case changes, plus unrelated words. */
function near(name: string): fc.Arbitrary<string> {
  const twice = edited(name).chain(edited);
  const piece = fc.tuple(fc.nat(), fc.nat()).map(([x, y]) => name.slice(Math.min(x, y) % (name.length + 1), Math.max(x, y) % (name.length + 1)));
  return fc.oneof(edited(name), twice, twice.chain(edited), piece, fc.constant(name.toUpperCase()), fc.tuple(word, word).map(([p, s]) => p + name + s), word);
}

const nameAndCandidates = word.chain((name) => fc.tuple(fc.constant(name), fc.array(near(name), { maxLength: 25 }), fc.integer({ min: 0, max: 6 })));

describe('distanceWithin', () => {
  it('is the reference distance when within the bound, else bound + 1', () => {
    fc.assert(
      fc.property(word, word, fc.integer({ min: 0, max: 12 }), (a, b, bound) => {
        const la = a.toLowerCase();
        const lb = b.toLowerCase();
        expect(distanceWithin(la, lb, bound)).toBe(Math.min(referenceDistance(la, lb), bound + 1));
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees on strings built to be close (edits, transpositions)', () => {
    fc.assert(
      fc.property(word.chain((a) => fc.tuple(fc.constant(a), near(a))), fc.integer({ min: 0, max: 8 }), ([a, b], bound) => {
        expect(distanceWithin(a.toLowerCase(), b.toLowerCase(), bound)).toBe(Math.min(referenceDistance(a, b), bound + 1));
      }),
      { numRuns: 3000 },
    );
  });

  it('editDistance is the reference distance', () => {
    fc.assert(fc.property(word, word, (a, b) => {
      expect(editDistance(a, b)).toBe(referenceDistance(a, b));
    }), { numRuns: 2000 });
  });

  it('known values: transposition costs 1, case is ignored, buffers grow for long names', () => {
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('ca', 'abc')).toBe(3);
    expect(editDistance('GPT-4o', 'gpt-4o')).toBe(0);
    expect(distanceWithin('kitten', 'sitting', 3)).toBe(3);
    expect(distanceWithin('kitten', 'sitting', 2)).toBe(3);
    const long = 'x'.repeat(500);
    expect(distanceWithin(long, `${long}yz`, 2)).toBe(2);
    expect(distanceWithin(long, `${long}yzw`, 2)).toBe(3);
    // A short call after a long one still sees clean rows.
    expect(distanceWithin('abc', 'acb', 1)).toBe(1);
  });
});

describe('suggest', () => {
  it('returns exactly what the plain reference returns (names and order)', () => {
    fc.assert(
      fc.property(nameAndCandidates, ([name, candidates, limit]) => {
        expect(suggest(name, candidates, limit)).toEqual(referenceSuggest(name, candidates, limit));
        expect(suggest(name, candidates)).toEqual(referenceSuggest(name, candidates));
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with the reference over the whole catalog, for misspelt catalog names', () => {
    const all = buildIndex(loadCatalogFile()).allNames;
    const misspelt = fc.constantFrom(...all).chain((n) => fc.oneof(near(n), fc.constant(n)));
    fc.assert(
      fc.property(misspelt, (name) => {
        expect(suggest(name, all)).toEqual(referenceSuggest(name, all));
      }),
      { numRuns: 150 },
    );
    for (const name of ['gpt-4oo', 'claude-sonet-4-5', 'gpt-4o-fake-model', 'totally-unknown-model-name', 'o', '', 'gemini']) {
      expect(suggest(name, all)).toEqual(referenceSuggest(name, all));
    }
  });

  it('keeps the substring rule, the ordering and de-duplication', () => {
    // Far by edit distance but containing the name: ranked as the worst close match.
    expect(suggest('sonnet', ['claude-sonnet-4-5', 'sonet', 'SONNET'])).toEqual(['SONNET', 'sonet', 'claude-sonnet-4-5']);
    // Shorter names first at equal distance, then by locale order; duplicates collapse.
    expect(suggest('gpt-4x', ['gpt-4o', 'gpt-4', 'gpt-4a', 'gpt-4o'])).toEqual(['gpt-4', 'gpt-4a', 'gpt-4o']);
    // Names shorter than 3 get no substring matches.
    expect(suggest('ab', ['xxabxx', 'ac'])).toEqual(['ac']);
    expect(suggest('nothing-like-it', ['gpt-4o', 'claude'])).toEqual([]);
    expect(didYouMean('gpt-4oo', ['gpt-4o', 'gpt-4'])).toBe('did you mean `gpt-4o` or `gpt-4`?');
    expect(didYouMean('zzz', ['gpt-4o'])).toBeUndefined();
  });
});

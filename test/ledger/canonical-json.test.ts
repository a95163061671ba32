import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalJson, entryHash, sha256Hex } from '../../src/ledger/canonical-json.js';
import { Dec } from '../../src/money/index.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 'x'], c: null }, u: undefined })).toBe('{"a":{"c":null,"d":[1,"x"]},"b":1}');
  });

  it('writes Decimals and bigints as plain decimal strings, never exponents', () => {
    expect(canonicalJson({ p: new Dec('0.0000001'), n: 12345678901234567890n })).toBe('{"n":"12345678901234567890","p":"0.0000001"}');
  });

  it('refuses values JSON would silently change', () => {
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(/finite/);
    expect(() => canonicalJson([1, undefined])).toThrow(/undefined/);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/unsupported/);
  });

  it('is independent of key insertion order and round-trips through JSON.parse', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = canonicalJson(v);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
        if (v && typeof v === 'object' && !Array.isArray(v)) {
          const reversed = Object.fromEntries(Object.entries(v).reverse());
          expect(canonicalJson(reversed)).toBe(text);
        }
      }),
    );
  });

  it('hashes are SHA-256 hex over prev_hash then body', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(entryHash('ab', 'c')).toBe(sha256Hex('abc'));
  });
});

describe('canonicalJson errors', () => {
  it('name the path of the offending member', () => {
    expect(() => canonicalJson({ a: { b: [1, { c: Number.POSITIVE_INFINITY }] } })).toThrow('canonicalJson: $.a.b[1].c is not a finite number');
    expect(() => canonicalJson({ list: [1, undefined] })).toThrow('canonicalJson: $.list[1] is undefined');
  });
});

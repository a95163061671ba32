import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Dec, formatDecimal, parseDecimal, allocateRounded, roundTo, ZERO } from '../../src/money/index.js';
import { Decimal as DecimalGlobal } from 'decimal.js';

const decimalString = fc
  .tuple(fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.integer({ min: 0, max: 12 }), fc.boolean())
  .map(([digits, scale, neg]) => {
    const s = digits.toString().padStart(scale + 1, '0');
    const text = scale === 0 ? s : `${s.slice(0, s.length - scale)}.${s.slice(s.length - scale)}`;
    return neg && digits !== 0n ? `-${text}` : text;
  });

describe('money', () => {
  it('never prints exponent notation', () => {
    expect(formatDecimal(new Dec('0.0000001'))).toBe('0.0000001');
    expect(formatDecimal(new Dec('1').div(new Dec(10).pow(30)))).toBe('0.' + '0'.repeat(29) + '1');
    expect(formatDecimal(new Dec('12345678901234567890123456789'))).toBe('12345678901234567890123456789');
    expect(formatDecimal(new Dec('-0'))).toBe('0');
  });

  it('does not change the global decimal.js configuration', () => {
    expect(new DecimalGlobal('0.0000001').toString()).toBe('1e-7');
  });

  it('rejects floats, exponents and junk at the boundary', () => {
    expect(parseDecimal(0.1)).toBeUndefined();
    expect(parseDecimal('1e-7')).toBeUndefined();
    expect(parseDecimal('1,5')).toBeUndefined();
    expect(parseDecimal('')).toBeUndefined();
    expect(parseDecimal(42)?.toString()).toBe('42');
    expect(parseDecimal('0.30')?.toString()).toBe('0.3');
  });

  it('price × tokens is exact for any decimal price and count (no float drift)', () => {
    fc.assert(
      fc.property(decimalString, fc.bigInt({ min: 0n, max: 2n ** 53n }), (price, tokens) => {
        const got = formatDecimal(new Dec(price).times(tokens.toString()));
        // Reference: scaled bigint arithmetic.
        const [int, frac = ''] = price.replace('-', '').split('.');
        const scaled = BigInt(int + frac) * tokens;
        const s = scaled.toString().padStart(frac.length + 1, '0');
        let ref = frac.length ? `${s.slice(0, s.length - frac.length)}.${s.slice(s.length - frac.length)}` : s;
        ref = ref.includes('.') ? ref.replace(/0+$/, '').replace(/\.$/, '') : ref;
        if (price.startsWith('-') && ref !== '0') ref = `-${ref}`;
        expect(got).toBe(ref);
      }),
    );
  });

  it('half-even rounding is the default and other modes are named', () => {
    expect(roundTo(new Dec('0.125'), 2).toFixed(2)).toBe('0.12');
    expect(roundTo(new Dec('0.135'), 2).toFixed(2)).toBe('0.14');
    expect(roundTo(new Dec('0.125'), 2, 'half_up').toFixed(2)).toBe('0.13');
    expect(roundTo(new Dec('-0.121'), 2, 'floor').toFixed(2)).toBe('-0.13');
  });

  it('allocated parts sum exactly to the rounded total', () => {
    fc.assert(
      fc.property(fc.array(decimalString, { minLength: 1, maxLength: 30 }), fc.integer({ min: 0, max: 4 }), (parts, places) => {
        const decs = parts.map((p) => new Dec(p));
        const { total, parts: rounded } = allocateRounded(decs, places);
        const sum = rounded.reduce((a, b) => a.plus(b), ZERO);
        expect(sum.eq(total)).toBe(true);
        for (let i = 0; i < decs.length; i++) {
          expect(rounded[i]!.decimalPlaces()).toBeLessThanOrEqual(places);
          // each part moves by less than one minor unit... plus at most one unit of leftover
          expect(rounded[i]!.minus(decs[i]!).abs().lte(new Dec(2).div(new Dec(10).pow(places)))).toBe(true);
        }
      }),
    );
  });
});

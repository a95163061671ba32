import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Dec, formatDecimal } from '../../src/money/index.js';
import { buildTiers, eventCharge, periodCharge, tierEventCharge, tierPeriodCharge, volumeTrueUp, type CompiledTiers } from '../../src/engine/tiers.js';
import type { TierSchedule } from '../../src/pricing/document.js';
import { errorOf } from './helpers.js';

const graduated: TierSchedule = {
  mode: 'graduated', meter: 'tokens', period: 'monthly',
  tiers: [{ up_to: '1000', unit_price: '0.003' }, { up_to: '5000', unit_price: '0.002', flat_fee: '1' }, { unit_price: '0.001' }],
};
const volume: TierSchedule = { ...graduated, mode: 'volume' };
const pkg: TierSchedule = { mode: 'package', meter: 'requests', period: 'monthly', package: { size: '100', price: '2.5', free: '50' } };

describe('tier math, interval convention (from, to]', () => {
  it.each([
    [0, '0'],
    [1, '0.003'],
    [1000, '3'], // the bound belongs to the lower tier
    [1001, '4.002'], // entering tier 2 adds its flat fee
    [5000, '12'],
    [5001, '12.001'],
    [10000, '17'],
  ])('graduated f(%i) = %s', (q, expected) => expect(tierPeriodCharge(graduated, q)).toBe(expected));

  it.each([
    [0, '0'],
    [1000, '3'],
    [1001, '3.002'], // the whole quantity at tier 2's rate + its flat fee
    [5000, '11'],
    [5001, '5.001'], // the cliff: more usage, lower period charge
  ])('volume f(%i) = %s', (q, expected) => expect(tierPeriodCharge(volume, q)).toBe(expected));

  it.each([
    [0, '0'], [50, '0'], [51, '2.5'], [150, '2.5'], [151, '5'],
  ])('package f(%i) = %s', (q, expected) => expect(tierPeriodCharge(pkg, q)).toBe(expected));

  it('event charges are deltas of the period function, negative at a volume cliff', () => {
    expect(tierEventCharge(graduated, '900', '200')).toBe('1.5'); // 100×0.003 + 1 + 100×0.002
    expect(tierEventCharge(volume, '4990', '20')).toBe('-5.97'); // f(5010) − f(4990) = 5.01 − 10.98
    expect(tierEventCharge(pkg, '150', '1')).toBe('2.5');
  });

  it('volumeTrueUp settles what was billed to f(period quantity)', () => {
    expect(volumeTrueUp(volume, '5010', '5.01')).toBe('0');
    expect(volumeTrueUp(volume, '5010', '10.98')).toBe('-5.97');
    expect(volumeTrueUp(volume, 1000, '0.0000000001')).toBe('2.9999999999');
    expect(errorOf(() => volumeTrueUp(volume, '-1', '0')).code).toBe('invalid_quantity');
    expect(errorOf(() => volumeTrueUp(volume, '1', '1e2')).code).toBe('invalid_amount');
  });

  it('checks schedules and lists every problem', () => {
    const { problems } = buildTiers({ mode: 'graduated', meter: 'tokens', period: 'monthly', tiers: [{ up_to: '10', unit_price: '-1' }, { unit_price: '1' }, { up_to: '5', unit_price: '1' }] });
    expect(problems.map((p) => p.message)).toEqual([
      'tier unit price must be a non-negative decimal, got "-1"',
      'only the last tier may be unbounded (no `up_to`)',
      'tier bounds must increase: 5 after 10',
      'the last tier must be unbounded (no `up_to`), so every quantity is priced',
    ]);
    expect(buildTiers({ mode: 'package', meter: 'tokens', period: 'monthly', package: { size: '0', price: '1' } }).problems).toHaveLength(1);
    expect(errorOf(() => tierPeriodCharge({ mode: 'volume', meter: 'tokens', period: 'monthly', tiers: [] }, 1)).code).toBe('invalid_tiers');
  });
});

// ---- properties ----

const price = fc.tuple(fc.integer({ min: 0, max: 10 ** 6 }), fc.integer({ min: 0, max: 8 })).map(([m, s]) => formatDecimal(new Dec(m).div(new Dec(10).pow(s))));

const schedule = (mode: 'graduated' | 'volume'): fc.Arbitrary<TierSchedule> =>
  fc
    .array(fc.tuple(fc.integer({ min: 1, max: 5000 }), price, fc.option(price, { nil: undefined })), { minLength: 1, maxLength: 5 })
    .map((parts) => {
      let bound = 0;
      return {
        mode, meter: 'tokens', period: 'monthly',
        tiers: parts.map(([step, unit, flat], i) => {
          bound += step;
          return { ...(i < parts.length - 1 ? { up_to: String(bound) } : {}), unit_price: unit, ...(flat !== undefined ? { flat_fee: flat } : {}) };
        }),
      } satisfies TierSchedule;
    });

const packageSchedule: fc.Arbitrary<TierSchedule> = fc
  .tuple(fc.integer({ min: 1, max: 1000 }), price, fc.integer({ min: 0, max: 500 }))
  .map(([size, p, free]) => ({ mode: 'package', meter: 'requests', period: 'monthly', package: { size: String(size), price: p, free: String(free) } }));

const anySchedule = fc.oneof(schedule('graduated'), schedule('volume'), packageSchedule);
const events = fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 20 });

function compiled(s: TierSchedule): CompiledTiers {
  return buildTiers(s).tiers!;
}

function perEventTotal(t: CompiledTiers, qs: number[]): bigint {
  let before = 0n;
  let sum = 0n;
  for (const q of qs) {
    sum += eventCharge(t, before, BigInt(q), t.scale);
    before += BigInt(q);
  }
  return sum;
}

describe('tier properties', () => {
  it('additivity: the per-event deltas of a period sum to f(total), for every mode', () => {
    fc.assert(fc.property(anySchedule, events, (s, qs) => {
      const t = compiled(s);
      const total = qs.reduce((a, b) => a + b, 0);
      expect(perEventTotal(t, qs)).toBe(periodCharge(t, BigInt(total), t.scale));
    }));
  });

  it('order independence: any permutation of the events bills the same period total', () => {
    fc.assert(fc.property(anySchedule, events.chain((qs) => fc.tuple(fc.constant(qs), fc.shuffledSubarray(qs, { minLength: qs.length, maxLength: qs.length }))), (s, [qs, shuffled]) => {
      const t = compiled(s);
      expect(perEventTotal(t, shuffled)).toBe(perEventTotal(t, qs));
    }));
  });

  it('graduated is monotone: more usage never costs less', () => {
    fc.assert(fc.property(schedule('graduated'), fc.integer({ min: 0, max: 30000 }), fc.integer({ min: 0, max: 3000 }), (s, before, q) => {
      const t = compiled(s);
      expect(eventCharge(t, BigInt(before), BigInt(q), t.scale) >= 0n).toBe(true);
    }));
  });

  it('graduated matches a reference sum of portions', () => {
    fc.assert(fc.property(schedule('graduated'), fc.integer({ min: 0, max: 30000 }), (s, q) => {
      let from = 0;
      let expected = new Dec(0);
      for (const tier of s.tiers!) {
        const to = tier.up_to === undefined ? Infinity : Number(tier.up_to);
        if (q > from) {
          expected = expected.plus(new Dec(Math.min(q, to) - from).times(tier.unit_price)).plus(tier.flat_fee ?? '0');
        }
        from = to;
      }
      expect(tierPeriodCharge(s, q)).toBe(formatDecimal(expected));
    }));
  });

  it('package matches ceil((Q − free) / size) × price', () => {
    fc.assert(fc.property(packageSchedule, fc.integer({ min: 0, max: 100000 }), (s, q) => {
      const { size, price: p, free } = s.package!;
      const n = Math.max(0, Math.ceil((q - Number(free)) / Number(size)));
      expect(tierPeriodCharge(s, q)).toBe(formatDecimal(new Dec(p).times(n)));
    }));
  });

  it('volume true-up makes what was billed equal f(total), whatever was billed per event', () => {
    fc.assert(fc.property(schedule('volume'), events, fc.array(fc.integer({ min: 0, max: 30000 }), { maxLength: 20 }), (s, qs, staleBefore) => {
      // Each event priced from a possibly stale `before` (concurrent quotes, late events).
      const t = compiled(s);
      let billed = 0n;
      qs.forEach((q, i) => { billed += eventCharge(t, BigInt(staleBefore[i] ?? 0), BigInt(q), t.scale); });
      const total = qs.reduce((a, b) => a + b, 0);
      const billedText = formatDecimal(new Dec(billed.toString()).div(new Dec(10).pow(t.scale)));
      const trueUp = volumeTrueUp(s, total, billedText);
      expect(formatDecimal(new Dec(billedText).plus(trueUp))).toBe(tierPeriodCharge(s, total));
    }));
  });
});

describe('fixed-point formatting', () => {
  it('formatScaled agrees with formatDecimal for any value and scale', async () => {
    const { formatScaled, fromScaled } = await import('../../src/engine/fixed.js');
    fc.assert(fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: 0, max: 40 }), (v, s) => {
      expect(formatScaled(v, s)).toBe(formatDecimal(fromScaled(v, s)));
    }), { numRuns: 2000 });
  });
});

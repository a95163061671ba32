/** fast-check generators of `.rate` ASTs in the shape the parser produces (no spans). */
import fc from 'fast-check';
import type * as A from '../../src/dsl/ast.js';
import { RATE_KEYS } from '../../src/pricing/document.js';

const digits = fc.stringMatching(/^[1-9][0-9]{0,3}(_[0-9]{3})?$/);
const numberText = fc
  .tuple(fc.oneof(digits, fc.constant('0')), fc.option(fc.stringMatching(/^[0-9]{1,4}$/), { nil: undefined }), fc.constantFrom('', '', '', 'k', 'M', 'B'))
  .map(([i, f, s]) => `${i}${f !== undefined ? `.${f}` : ''}${s}`);
const unit = fc.constantFrom<A.Unit>('tokens', 'requests', 'searches');
export const identifier = fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}(-[a-z0-9]{1,4})?$/);
const text = fc.string({ maxLength: 12, unit: fc.oneof(fc.constantFrom('a', 'Z', '"', '\\', '\n', '\t', ' ', 'é', '😀', '\u0001'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })) });

export const expr: fc.Arbitrary<A.Expr> = fc.letrec<{ e: A.Expr }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    numberText.map((t): A.Expr => ({ kind: 'number', text: t })),
    numberText.map((t): A.Expr => ({ kind: 'percent', text: t })),
    fc.tuple(numberText, fc.constantFrom('$', 'USD', 'EUR')).map(([t, c]): A.Expr => ({ kind: 'money', text: t, currency: c })),
    fc.tuple(numberText, unit).map(([t, u]): A.Expr => ({ kind: 'quantity', text: t, unit: u })),
    fc.tuple(tie('e'), fc.option(numberText, { nil: undefined }), unit).map(([amount, count, u]): A.Expr => (count === undefined ? { kind: 'per', amount, unit: u } : { kind: 'per', amount, count, unit: u })),
    fc.tuple(fc.constantFrom<A.BinaryExpr['op']>('+', '-', '*', '/'), tie('e'), tie('e')).map(([op, left, right]): A.Expr => ({ kind: 'binary', op, left, right })),
  ),
})).e;

const clause: fc.Arbitrary<A.Clause> = fc.oneof(
  fc.record({ attribute: identifier, op: fc.constantFrom<'eq' | 'ne'>('eq', 'ne'), values: fc.tuple(text).map((v) => [...v]) }),
  fc.record({ attribute: identifier, op: fc.constantFrom<'in' | 'not_in'>('in', 'not_in'), values: fc.array(text, { minLength: 1, maxLength: 3 }) }),
);

const scope: fc.Arbitrary<A.Scope> = fc.oneof(
  fc.constant<A.Scope>({ all: true }),
  fc.record({ models: fc.array(text, { minLength: 1, maxLength: 2 }) }),
  fc.record({ providers: fc.array(fc.oneof(identifier, text), { minLength: 1, maxLength: 2 }) }),
  fc.record({ models: fc.array(text, { minLength: 1, maxLength: 2 }), providers: fc.array(identifier, { minLength: 1, maxLength: 2 }) }),
);

function withApplicability<T extends object>(base: fc.Arbitrary<T>): fc.Arbitrary<T & A.Applicability> {
  return fc
    .tuple(base, fc.option(scope, { nil: undefined }), fc.option(fc.array(clause, { minLength: 1, maxLength: 3 }), { nil: undefined }), fc.option(text, { nil: undefined }))
    .map(([b, s, w, n]) => ({ ...b, ...(s ? { scope: s } : {}), ...(w ? { when: w } : {}), ...(n !== undefined ? { name: n } : {}) }));
}

const period = fc.constantFrom<A.TiersStmt['period'] & string>('daily', 'weekly', 'monthly', 'quarterly', 'yearly');
const meter = fc.constantFrom<A.TiersStmt['meter']>(
  'tokens', 'input_tokens', 'output_tokens', 'requests', 'web_searches', 'input', 'output', 'cache_read', 'cache_read_audio', 'cache_write_5m', 'cache_write_1h', 'reasoning', 'input_audio', 'output_image',
);
const rate: fc.Arbitrary<A.RateEntry> = fc.record({ kind: fc.constant('rate' as const), key: fc.constantFrom(...RATE_KEYS), value: expr });

const tierEntry: fc.Arbitrary<A.TierEntry> = fc.oneof(
  fc.tuple(expr, expr, fc.option(expr, { nil: undefined })).map(([upper, price, flat]): A.TierEntry => ({ kind: 'tier', form: 'up_to', upper, price, ...(flat ? { flat } : {}) })),
  fc.tuple(expr, expr, expr).map(([lower, upper, price]): A.TierEntry => ({ kind: 'tier', form: 'from_to', lower, upper, price })),
  fc.tuple(fc.option(expr, { nil: undefined }), expr).map(([lower, price]): A.TierEntry => ({ kind: 'tier', form: 'above', price, ...(lower ? { lower } : {}) })),
  expr.map((quantity): A.TierEntry => ({ kind: 'free', quantity })),
);
// A package price line directly after a tier line would read as that tier's price; keep it first.
const tiers = (withPeriod: boolean): fc.Arbitrary<A.TiersStmt> =>
  withApplicability(
    fc.record({
      kind: fc.constant('tiers' as const),
      mode: fc.constantFrom<A.TiersStmt['mode']>('graduated', 'volume', 'package'),
      meter,
      entries: fc.tuple(fc.option(expr, { nil: undefined }), fc.array(tierEntry, { maxLength: 3 })).map(([p, rest]) => (p ? [{ kind: 'package_price' as const, price: p }, ...rest] : rest)),
      ...(withPeriod ? { period } : {}),
    }),
  );

const includes: fc.Arbitrary<A.IncludesEntry> = fc.oneof(
  fc.tuple(numberText, unit).map(([t, u]): A.IncludesEntry => ({ kind: 'includes', quantity: { kind: 'quantity', text: t, unit: u } })),
  fc.tuple(numberText, fc.constantFrom<A.IncludesEntry['meter'] & string>('input_tokens', 'output_tokens', 'reasoning', 'web_searches', 'cache_read')).map(([t, m]): A.IncludesEntry => ({ kind: 'includes', quantity: { kind: 'number', text: t }, meter: m })),
);

export const statement: fc.Arbitrary<A.Statement> = fc.oneof(
  fc.record({ kind: fc.constant('header' as const), name: text, version: fc.oneof(numberText.filter((t) => /^[\d_.]+$/.test(t)), text) }),
  fc.record({ kind: fc.constant('currency' as const), code: fc.oneof(fc.constantFrom('USD', 'EUR'), identifier) }),
  fc.constant<A.Statement>({ kind: 'use_catalog' }),
  fc.record({ kind: fc.constant('rounding' as const), mode: identifier }),
  fc.record(
    {
      kind: fc.constant('model' as const),
      name: text,
      provider: fc.oneof(identifier, text),
      entries: fc.array(
        fc.oneof(
          rate,
          fc.record({ kind: fc.constant('alias' as const), names: fc.array(text, { minLength: 1, maxLength: 3 }) }),
          fc.record({ kind: fc.constant('long_context' as const), threshold: expr, rates: fc.array(rate, { maxLength: 3 }) }),
        ),
        { maxLength: 4 },
      ),
    },
    { requiredKeys: ['kind', 'name', 'entries'] },
  ),
  withApplicability(fc.record({ kind: fc.constantFrom<'markup' | 'discount'>('markup', 'discount'), value: expr })),
  withApplicability(fc.record({ kind: fc.constant('markup' as const), factor: fc.constant(true as const), value: expr })),
  tiers(true),
  fc.record({ kind: fc.constant('plan' as const), name: text, period, entries: fc.array(fc.oneof(fc.record({ kind: fc.constantFrom<'fee' | 'minimum' | 'cap'>('fee', 'minimum', 'cap'), value: expr }), includes, tiers(false)), { maxLength: 4 }) }),
  fc.record(
    {
      kind: fc.constant('budget' as const),
      name: text,
      per: identifier,
      period,
      amount: expr,
      when: fc.array(clause, { minLength: 1, maxLength: 2 }),
      alerts: fc.array(expr, { minLength: 1, maxLength: 3 }),
      hardLimit: fc.constant(true as const),
    },
    { requiredKeys: ['kind', 'per', 'period', 'amount'] },
  ),
);

export const program: fc.Arbitrary<A.Program> = fc.array(statement, { maxLength: 6 }).map((statements) => ({ kind: 'program', statements }));

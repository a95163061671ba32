/**
 * Typed, exact evaluation of expressions. Every value carries a dimension — a plain
 * number, a percent, money, a count of units, or a price (money per one unit) — and the
 * operators only combine compatible dimensions: money + tokens, a percent where a price
 * is expected, or a price without a unit are compile errors, never a silent guess.
 */
import { Dec, formatDecimal, type Decimal } from '../money/index.js';
import type { SourceSpan } from '../errors/diagnostic.js';
import type { Expr, Unit } from './ast.js';
import type { Reporter } from './context.js';

export type Dimension = 'number' | 'percent' | 'money' | 'count' | 'price';

export interface Value {
  dim: Dimension;
  /** For percent: the number before `%` (20 for 20%). For price: money per ONE unit. */
  value: Decimal;
  /** count/price: what is counted; undefined for a bare suffixed count like `10M`. */
  unit?: Unit;
  /** money written with `$` or a code. */
  currency?: string;
  /**
   * The literal as written (without `_`) when the value is a bare literal: documents keep
   * money and percents exactly as the author wrote them (`500.00`, like the YAML form).
   */
  literal?: string;
}

/** The document string of a value: the literal as written, else the canonical decimal. */
export function valueText(v: Value): string {
  return v.literal ?? formatDecimal(v.value);
}

const SUFFIX: Readonly<Record<string, string>> = { k: '1000', K: '1000', M: '1000000', B: '1000000000' };

/** A numeric literal as written (`1_000.50`, `10M`) to an exact decimal; `counted` when it has a suffix. */
export function literal(text: string): { value: Decimal; counted: boolean } {
  const last = text.at(-1)!;
  const factor = SUFFIX[last];
  const digits = (factor ? text.slice(0, -1) : text).replace(/_/g, '');
  const value = new Dec(digits.startsWith('.') ? `0${digits}` : digits);
  return factor ? { value: value.times(factor), counted: true } : { value, counted: false };
}

export function describe(v: Value): string {
  switch (v.dim) {
    case 'number': return 'a plain number';
    case 'percent': return 'a percent';
    case 'money': return 'money';
    case 'count': return v.unit ? v.unit : 'a count';
    case 'price': return `a price per ${singular(v.unit)}`;
  }
}

export function singular(unit: Unit | undefined): string {
  return unit === 'tokens' ? 'token' : unit === 'searches' ? 'search' : unit === 'requests' ? 'request' : 'unit';
}

const HUNDRED = new Dec(100);

/** `v`'s shape with a computed value: no longer a literal as written. */
function computed(v: Value, value: Decimal): Value {
  const { literal: _written, ...rest } = v;
  return { ...rest, value };
}

function plainText(text: string): string {
  const t = text.replace(/_/g, '');
  return t.startsWith('.') ? `0${t}` : t;
}

export class Evaluator {
  constructor(private readonly report: Reporter) {}

  /** The value of `e`, or undefined after reporting why it has none. */
  eval(e: Expr): Value | undefined {
    switch (e.kind) {
      case 'number': {
        const { value, counted } = literal(e.text);
        return counted ? { dim: 'count', value } : { dim: 'number', value, literal: plainText(e.text) };
      }
      case 'percent':
        return this.plain(e.text, e.span, 'percent') ? { dim: 'percent', value: literal(e.text).value, literal: plainText(e.text) } : undefined;
      case 'money': {
        if (!this.plain(e.text, e.span, 'amount of money')) return undefined;
        return { dim: 'money', value: literal(e.text).value, currency: e.currency === '$' ? 'USD' : e.currency, literal: plainText(e.text) };
      }
      case 'quantity':
        return { dim: 'count', value: literal(e.text).value, unit: e.unit };
      case 'per':
        return this.per(e.amount, e.count, e.unit, e.span);
      case 'binary': {
        const l = this.eval(e.left);
        const r = this.eval(e.right);
        if (!l || !r) return undefined;
        return e.op === '+' || e.op === '-' ? this.add(l, r, e.op, e.span) : e.op === '*' ? this.mul(l, r, e.span) : this.div(l, r, e.span);
      }
    }
  }

  /** k/M/B suffixes count things; money and percents are written in full. */
  private plain(text: string, span: SourceSpan | undefined, what: string): boolean {
    if (!/[kKMB]$/.test(text)) return true;
    this.report.error('suffix_not_allowed', `a ${what} cannot use the count suffix \`${text.at(-1)}\``, span, `write it in full, e.g. ${literal(text).value.toFixed()}`);
    return false;
  }

  private per(amountExpr: Expr, countText: string | undefined, unit: Unit, span: SourceSpan | undefined): Value | undefined {
    const amount = this.eval(amountExpr);
    if (!amount) return undefined;
    if (amount.dim !== 'money' && amount.dim !== 'number') {
      this.report.error('type_mismatch', `\`per ${singular(unit)}\` needs an amount of money, found ${describe(amount)}`, span);
      return undefined;
    }
    const count = countText === undefined ? new Dec(1) : literal(countText).value;
    if (count.isZero() || !count.isInteger()) {
      this.report.error('invalid_unit_count', `a price is per a whole number of ${unit} above 0, not ${countText}`, span);
      return undefined;
    }
    const shape: Omit<Value, 'value'> = { dim: 'price', unit, ...(amount.currency ? { currency: amount.currency } : {}) };
    // A price per ONE unit is stored as written, like `0.000005 per token`.
    if (count.eq(1) && amount.literal !== undefined) shape.literal = amount.literal;
    return this.exact(amount.value, count, span, shape);
  }

  private add(l: Value, r: Value, op: '+' | '-', span: SourceSpan | undefined): Value | undefined {
    const combine = (dim: Dimension, unit: Unit | undefined): Value => {
      const value = op === '+' ? l.value.plus(r.value) : l.value.minus(r.value);
      const out: Value = { dim, value };
      if (unit) out.unit = unit;
      const currency = l.currency ?? r.currency;
      if (currency) out.currency = currency;
      return out;
    };
    if (l.currency && r.currency && l.currency !== r.currency) {
      this.report.error('currency_mismatch', `cannot ${op === '+' ? 'add' : 'subtract'} ${r.currency} and ${l.currency}`, span);
      return undefined;
    }
    if (l.dim === r.dim && (l.unit === r.unit || !l.unit || !r.unit)) return combine(l.dim, l.unit ?? r.unit);
    // A plain number takes the dimension of money or a count it is added to: `$500 + 100`.
    const other = l.dim === 'number' ? r : r.dim === 'number' ? l : undefined;
    if (other && (other.dim === 'money' || other.dim === 'count')) return combine(other.dim, other.unit);
    this.report.error('type_mismatch', `cannot ${op === '+' ? 'add' : 'subtract'} ${describe(r)} ${op === '+' ? 'to' : 'from'} ${describe(l)}`, span);
    return undefined;
  }

  private mul(l: Value, r: Value, span: SourceSpan | undefined): Value | undefined {
    for (const [a, b] of [[l, r], [r, l]] as const) {
      if (a.dim === 'number') return computed(b, b.value.times(a.value));
      if (a.dim === 'percent' && b.dim !== 'count') return computed(b, b.value.times(a.value).div(HUNDRED));
      if (a.dim === 'count' && b.dim === 'price' && (!a.unit || a.unit === b.unit)) {
        return { dim: 'money', value: a.value.times(b.value), ...(b.currency ? { currency: b.currency } : {}) };
      }
    }
    this.report.error('type_mismatch', `cannot multiply ${describe(l)} by ${describe(r)}`, span);
    return undefined;
  }

  private div(l: Value, r: Value, span: SourceSpan | undefined): Value | undefined {
    if (r.value.isZero()) {
      this.report.error('division_by_zero', 'division by zero', span);
      return undefined;
    }
    if (r.dim === 'number') return this.exact(l.value, r.value, span, computed(l, l.value));
    if (l.dim === 'money' && r.dim === 'count' && r.unit) return this.exact(l.value, r.value, span, { dim: 'price', unit: r.unit, ...(l.currency ? { currency: l.currency } : {}) });
    if (l.dim === r.dim && l.unit === r.unit) return this.exact(l.value, r.value, span, { dim: 'number' });
    this.report.error('type_mismatch', `cannot divide ${describe(l)} by ${describe(r)}`, span);
    return undefined;
  }

  /** `a / b` only when the quotient is an exact decimal: 1 / 3 would silently round. */
  private exact(a: Decimal, b: Decimal, span: SourceSpan | undefined, shape: Omit<Value, 'value'>): Value | undefined {
    const q = a.div(b);
    if (!q.times(b).eq(a)) {
      this.report.error('inexact_value', `${a.toFixed()} / ${b.toFixed()} is not an exact decimal`, span, 'write the per-unit price as a terminating decimal');
      return undefined;
    }
    return { ...shape, value: q } as Value;
  }
}

/**
 * AST → canonical `.rate` text. Two-space indentation, one entry per line, rate labels
 * and tier bounds aligned in a column, numbers exactly as written. Given the source's
 * comments, it puts each back before the item it preceded (or after the line it ended),
 * and keeps single blank lines the author left between items.
 */
import type * as A from './ast.js';
import { rateLabel } from './build.js';
import { quote } from './strings.js';
import { literal } from './values.js';

export interface PrintOptions {
  comments?: readonly A.Comment[];
  source?: string;
}

const INDENT = '  ';
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*(?:[.-][A-Za-z0-9_]+)*$/;

/** A printable line item with the source range it came from (absent for generated ASTs). */
interface Item {
  text: string;
  span?: A.Node['span'];
}

class Writer {
  readonly lines: string[] = [];
  private next = 0;
  /** Source line of the last thing written; undefined before anything from the source. */
  private lastLine: number | undefined;
  private atBlockStart = true;

  constructor(private readonly comments: readonly A.Comment[]) {}

  /** Emit comments that come before `offset` in the source. */
  flush(offset: number, depth: number): void {
    while (this.next < this.comments.length && this.comments[this.next]!.offset < offset) {
      const c = this.comments[this.next++]!;
      if (c.line === this.lastLine && this.lines.length > 0) {
        this.lines[this.lines.length - 1] += `  ${c.text.trimEnd()}`;
      } else {
        this.gap(c.line);
        this.lines.push(INDENT.repeat(depth) + c.text.trimEnd());
        this.atBlockStart = false;
      }
      this.lastLine = c.endLine;
    }
  }

  /** One blank line where the source had at least one, except at the start of a block. */
  private gap(line: number | undefined): void {
    if (!this.atBlockStart && line !== undefined && this.lastLine !== undefined && line > this.lastLine + 1) this.lines.push('');
  }

  line(depth: number, item: Item, opens = false, blankBefore = false): void {
    if (item.span) {
      this.flush(item.span.start.offset, depth);
      this.gap(item.span.start.line);
    } else if (blankBefore && !this.atBlockStart) this.lines.push('');
    this.lines.push(INDENT.repeat(depth) + item.text);
    if (item.span) this.lastLine = opens ? item.span.start.line : item.span.end.line;
    this.atBlockStart = opens;
  }

  close(depth: number, span: A.Node['span']): void {
    if (span) this.flush(span.end.offset - 1, depth + 1);
    this.lines.push(`${INDENT.repeat(depth)}}`);
    if (span) this.lastLine = span.end.line;
    this.atBlockStart = false;
  }

  finish(): string {
    this.flush(Number.POSITIVE_INFINITY, 0);
    return this.lines.length === 0 ? '' : `${this.lines.join('\n')}\n`;
  }
}

export function printProgram(program: A.Program, options: PrintOptions = {}): string {
  const comments = [...(options.comments ?? [])].sort((a, b) => a.offset - b.offset);
  const w = new Writer(comments);
  let previous: A.Statement | undefined;
  for (const s of program.statements) {
    statement(w, s, previous !== undefined && wantsBlank(previous, s));
    previous = s;
  }
  return w.finish();
}

const HEADER_KINDS = new Set(['header', 'currency', 'use_catalog', 'rounding']);

/** Layout for generated documents: blocks stand apart; runs of one-line statements of a kind stay together. */
function wantsBlank(a: A.Statement, b: A.Statement): boolean {
  if (HEADER_KINDS.has(a.kind) && HEADER_KINDS.has(b.kind)) return false;
  const oneLine = (s: A.Statement) => s.kind === 'markup' || s.kind === 'discount' || (s.kind === 'budget' && !hasBudgetBlock(s));
  const group = (s: A.Statement) => (s.kind === 'discount' ? 'markup' : s.kind);
  return !(oneLine(a) && oneLine(b) && group(a) === group(b));
}

function hasBudgetBlock(s: A.BudgetStmt): boolean {
  return (s.alerts?.length ?? 0) > 0 || s.hardLimit === true;
}

function statement(w: Writer, s: A.Statement, blank: boolean): void {
  switch (s.kind) {
    case 'header':
      return w.line(0, { text: `ratecard ${quote(s.name)}${s.version !== undefined ? ` version ${version(s.version)}` : ''}`, span: s.span }, false, blank);
    case 'currency':
      return w.line(0, { text: `currency ${s.code}`, span: s.span }, false, blank);
    case 'use_catalog':
      return w.line(0, { text: 'use catalog', span: s.span }, false, blank);
    case 'rounding':
      return w.line(0, { text: `rounding ${s.mode}`, span: s.span }, false, blank);
    case 'model':
      return model(w, s, blank);
    case 'markup':
    case 'discount': {
      const value = s.factor ? `factor ${expr(s.value)}` : expr(s.value);
      return w.line(0, { text: `${s.kind} ${value}${applicability(s)}`, span: s.span }, false, blank);
    }
    case 'tiers':
      return tiers(w, s, 0, blank);
    case 'plan':
      return plan(w, s, blank);
    case 'budget':
      return budget(w, s, blank);
  }
}

function model(w: Writer, s: A.ModelStmt, blank: boolean): void {
  const provider = s.provider !== undefined ? ` (provider ${name(s.provider)})` : '';
  w.line(0, { text: `model ${quote(s.name)}${provider} {`, span: s.span }, true, blank);
  const width = labelWidth(s.entries.filter((e): e is A.RateEntry => e.kind === 'rate'));
  for (const e of s.entries) {
    if (e.kind === 'rate') w.line(1, { text: rate(e, width), span: e.span });
    else if (e.kind === 'alias') w.line(1, { text: `alias ${e.names.map(quote).join(', ')}`, span: e.span });
    else {
      w.line(1, { text: `above ${expr(e.threshold)} prompt tokens {`, span: e.span }, true);
      const inner = labelWidth(e.rates);
      for (const r of e.rates) w.line(2, { text: rate(r, inner), span: r.span });
      w.close(1, e.span);
    }
  }
  w.close(0, s.span);
}

function labelWidth(rates: readonly A.RateEntry[]): number {
  return Math.max(0, ...rates.map((r) => rateLabel(r.key).length));
}

function rate(e: A.RateEntry, width: number): string {
  return `${rateLabel(e.key).padEnd(width)} ${expr(e.value)}`;
}

function applicability(s: A.Applicability): string {
  let out = '';
  if (s.scope) out += ` ${scope(s.scope)}`;
  if (s.when) out += ` ${when(s.when)}`;
  if (s.name !== undefined) out += ` as ${quote(s.name)}`;
  return out;
}

function scope(s: A.Scope): string {
  if (s.all) return 'on all models';
  const providers = s.providers ? `provider${s.providers.length > 1 ? 's' : ''} ${s.providers.map(name).join(', ')}` : '';
  if (!s.models) return `on ${providers}`;
  const models = `model${s.models.length > 1 ? 's' : ''} ${s.models.map(quote).join(', ')}`;
  return `on ${models}${providers ? ` from ${providers}` : ''}`;
}

function when(clauses: readonly A.Clause[]): string {
  return `when ${clauses.map(clause).join(' and ')}`;
}

function clause(c: A.Clause): string {
  const values = c.values.map(quote);
  switch (c.op) {
    case 'eq': return `${c.attribute} = ${values[0]}`;
    case 'ne': return `${c.attribute} != ${values[0]}`;
    case 'in': return `${c.attribute} in (${values.join(', ')})`;
    case 'not_in': return `${c.attribute} not in (${values.join(', ')})`;
  }
}

function tiers(w: Writer, s: A.TiersStmt, depth: number, blank: boolean): void {
  const head = `tiers ${s.mode} on ${meter(s.meter)}${s.period ? ` ${s.period}` : ''}${applicability(s)} {`;
  w.line(depth, { text: head, span: s.span }, true, blank);
  const bounds = s.entries.map((e) => (e.kind === 'tier' ? bound(e) : ''));
  const width = Math.max(0, ...bounds.map((b) => b.length));
  s.entries.forEach((e, i) => {
    let text: string;
    if (e.kind === 'tier') text = `${bounds[i]!.padEnd(width)} ${expr(e.price)}${e.flat ? ` flat ${expr(e.flat)}` : ''}`;
    else if (e.kind === 'free') text = `first ${expr(e.quantity)} free`;
    else text = expr(e.price);
    w.line(depth + 1, { text, span: e.span });
  });
  w.close(depth, s.span);
}

function bound(e: A.TierLine): string {
  if (e.form === 'up_to') return `up to ${expr(e.upper!)}`;
  if (e.form === 'from_to') return `from ${expr(e.lower!)} to ${expr(e.upper!)}`;
  return e.lower ? `above ${expr(e.lower)}` : 'above';
}

const METER_WORDS: Readonly<Record<string, string>> = {
  tokens: 'tokens', input_tokens: 'input tokens', output_tokens: 'output tokens', requests: 'requests', web_searches: 'web searches',
  input: 'uncached input tokens', output: 'visible output tokens', cache_read: 'cache read tokens', cache_read_audio: 'cache read audio tokens', cache_write_5m: 'cache write 5m tokens',
  cache_write_1h: 'cache write 1h tokens', reasoning: 'reasoning tokens', input_audio: 'input audio tokens', output_audio: 'output audio tokens',
  input_image: 'input image tokens', output_image: 'output image tokens',
};

export function meter(m: string): string {
  return METER_WORDS[m] ?? m;
}

function plan(w: Writer, s: A.PlanStmt, blank: boolean): void {
  w.line(0, { text: `plan ${quote(s.name)} ${s.period} {`, span: s.span }, true, blank);
  for (const e of s.entries) {
    if (e.kind === 'tiers') tiers(w, e, 1, false);
    else if (e.kind === 'includes') w.line(1, { text: `includes ${expr(e.quantity)}${e.meter ? ` ${meter(e.meter)}` : ''}`, span: e.span });
    else w.line(1, { text: `${e.kind} ${expr(e.value)}`, span: e.span });
  }
  w.close(0, s.span);
}

function budget(w: Writer, s: A.BudgetStmt, blank: boolean): void {
  const head = `budget ${s.name !== undefined ? `${quote(s.name)} ` : ''}per ${s.per} ${s.period} ${expr(s.amount)}${s.when ? ` ${when(s.when)}` : ''}`;
  if (!hasBudgetBlock(s)) return w.line(0, { text: head, span: s.span }, false, blank);
  w.line(0, { text: `${head} {`, span: s.span }, true, blank);
  if (s.alerts?.length) w.line(1, { text: `alert at ${s.alerts.map((a) => expr(a)).join(', ')}`, span: s.alerts[0]!.span });
  if (s.hardLimit) w.line(1, { text: 'hard limit' });
  w.close(0, s.span);
}

function name(n: string): string {
  return NAME_RE.test(n) && !/^[A-Z]{3}$/.test(n) ? n : quote(n);
}

function version(v: string): string {
  return /^\d[\d_]*(\.\d[\d_]*)?$/.test(v) ? v : quote(v);
}

const PRECEDENCE = { binary_add: 1, binary_mul: 2, per: 3, atom: 4 } as const;

function precedence(e: A.Expr): number {
  if (e.kind === 'binary') return e.op === '+' || e.op === '-' ? PRECEDENCE.binary_add : PRECEDENCE.binary_mul;
  return e.kind === 'per' ? PRECEDENCE.per : PRECEDENCE.atom;
}

function unitWord(unit: A.Unit, one: boolean): string {
  if (!one) return unit;
  return unit === 'tokens' ? 'token' : unit === 'requests' ? 'request' : 'search';
}

function isOne(text: string): boolean {
  return literal(text).value.eq(1);
}

/** Expression text with the fewest parentheses that parse back to the same tree. */
export function expr(e: A.Expr, min = 0): string {
  const text = exprText(e);
  return precedence(e) < min ? `(${text})` : text;
}

function exprText(e: A.Expr): string {
  switch (e.kind) {
    case 'number': return e.text;
    case 'percent': return `${e.text}%`;
    case 'money': return e.currency === '$' ? `$${e.text}` : `${e.text} ${e.currency}`;
    case 'quantity': return `${e.text} ${unitWord(e.unit, isOne(e.text))}`;
    case 'per': {
      const amount = expr(e.amount, PRECEDENCE.atom);
      return e.count === undefined ? `${amount} per ${unitWord(e.unit, true)}` : `${amount} per ${e.count} ${unitWord(e.unit, isOne(e.count))}`;
    }
    case 'binary': {
      const p = precedence(e);
      return `${expr(e.left, p)} ${e.op} ${expr(e.right, p + 1)}`;
    }
  }
}

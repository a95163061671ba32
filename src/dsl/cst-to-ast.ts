/**
 * CST → AST. Reads the grammar's concrete tree into the typed AST (ast.ts); no pricing
 * semantics here (values stay as written). Statements damaged by syntax-error recovery
 * are skipped: their syntax error is already reported and a half-parsed statement
 * would only add noise.
 */
import type { CstNode, IToken } from 'chevrotain';
import type { SourceSpan } from '../errors/diagnostic.js';
import type { Meter, Period, RateKey } from '../pricing/document.js';
import type * as A from './ast.js';
import { child, isDamaged, nodes, nodeSpan, ordered, startOffset, token, tokens, tokenSpan } from './cst-util.js';
import { hintFor, PHRASES_BY_RULE, type Reporter } from './context.js';
import { DSL_LIMITS } from './limits.js';
import { unescapeString } from './strings.js';
import * as T from './tokens.js';

class NodeLimit extends Error {}

export class CstToAst {
  private count = 0;
  /** With `clean` (the parser reported nothing), no node can be damaged, so the walks are skipped. */
  constructor(private readonly report: Reporter, private readonly clean = false) {}

  private damaged(node: CstNode, entriesToo = false): boolean {
    return !this.clean && isDamaged(node, entriesToo);
  }

  program(cst: CstNode): A.Program {
    const statements: A.Statement[] = [];
    let inStrayRun = false;
    let afterDamage = false;
    let strayLine = 0;
    let damagedLine = 0;
    try {
      for (const el of ordered(cst)) {
        if ('image' in el) continue; // `;`
        if (el.name === 'stray') {
          const t = ordered(el)[0] as IToken | undefined;
          // A new run starts at a misspelled word opening a line, e.g. `modle "x" {`.
          const fresh = !inStrayRun || (t !== undefined && t.tokenType === T.Identifier && t.startLine !== strayLine);
          // Leftovers of a statement that failed to parse on this line are already reported.
          if (t && fresh && !(afterDamage && t.startLine === damagedLine)) {
            this.report.error('unexpected_token', `unexpected \`${t.image}\`: expected a statement (ratecard, currency, model, markup, discount, tiers, plan, budget)`, tokenSpan(t), hintFor(t.image, PHRASES_BY_RULE.program!));
          }
          inStrayRun = true;
          strayLine = t?.startLine ?? strayLine;
          continue;
        }
        inStrayRun = false;
        afterDamage = this.damaged(el);
        if (afterDamage) {
          damagedLine = el.location?.endLine ?? 0;
          continue;
        }
        const s = this.statement(el);
        if (s) statements.push(s);
      }
    } catch (e) {
      if (!(e instanceof NodeLimit)) throw e;
      this.report.error('too_many_nodes', `the file has more than ${DSL_LIMITS.maxNodes} syntax nodes`, nodeSpan(cst));
    }
    return { kind: 'program', statements, span: nodeSpan(cst) };
  }

  private node<N extends A.Node>(n: N): N {
    if (++this.count > DSL_LIMITS.maxNodes) throw new NodeLimit();
    return n;
  }

  private statement(n: CstNode): A.Statement | undefined {
    const span = nodeSpan(n);
    switch (n.name) {
      case 'headerStmt': {
        const v = token(n, 'NumberLit') ?? token(n, 'StringLit') ?? token(n, 'Name');
        const h: A.HeaderStmt = { kind: 'header', name: this.nameValue(child(n, 'nameValue')!), span };
        if (v) h.version = v.tokenType === T.StringLit ? this.string(v) : v.image;
        return this.node(h);
      }
      case 'currencyStmt':
        return this.node<A.CurrencyStmt>({ kind: 'currency', code: token(n, 'Name')!.image, span });
      case 'useStmt':
        return this.node<A.UseCatalogStmt>({ kind: 'use_catalog', span });
      case 'roundingStmt':
        return this.node<A.RoundingStmt>({ kind: 'rounding', mode: token(n, 'Name')!.image, span });
      case 'modelStmt':
        return this.model(n, span);
      case 'adjustmentStmt': {
        const s: A.AdjustmentStmt = { kind: token(n, 'Markup') ? 'markup' : 'discount', value: this.expression(child(n, 'expression')!), span };
        if (token(n, 'Factor')) s.factor = true;
        this.applicability(n, s);
        return this.node(s);
      }
      case 'tiersStmt':
        return this.tiers(n, span);
      case 'planStmt':
        return this.plan(n, span);
      case 'budgetStmt':
        return this.budget(n, span);
      default:
        return undefined;
    }
  }

  private model(n: CstNode, span: SourceSpan): A.ModelStmt {
    const names = nodes(n, 'nameValue');
    const m: A.ModelStmt = { kind: 'model', name: this.nameValue(names[0]!), entries: [], span };
    if (names[1]) m.provider = this.nameValue(names[1]);
    for (const e of ordered(n)) {
      if ('image' in e || this.damaged(e)) continue;
      if (e.name === 'rateEntry') m.entries.push(this.rateEntry(e));
      else if (e.name === 'aliasEntry') m.entries.push(this.node({ kind: 'alias', names: this.nameList(child(e, 'nameList')!), span: nodeSpan(e) }));
      else if (e.name === 'longContext') {
        const rates = nodes(e, 'rateEntry').filter((r) => !this.damaged(r, true)).map((r) => this.rateEntry(r));
        nodes(e, 'unknownEntry').filter((u) => !this.damaged(u, true)).forEach((u) => this.unknownEntry(u, 'longContext', 'rate'));
        m.entries.push(this.node({ kind: 'long_context', threshold: this.expression(child(e, 'expression')!), rates, span: nodeSpan(e) }));
      } else if (e.name === 'unknownEntry') this.unknownEntry(e, 'modelStmt', 'model entry');
    }
    return this.node(m);
  }

  private unknownEntry(n: CstNode, rule: string, what: string): void {
    const t = token(n, 'Identifier')!;
    this.report.error('unknown_keyword', `unknown ${what} \`${t.image}\``, tokenSpan(t), hintFor(t.image, PHRASES_BY_RULE[rule] ?? []) ?? `expected one of: ${(PHRASES_BY_RULE[rule] ?? []).join(', ')}`);
  }

  private rateEntry(n: CstNode): A.RateEntry {
    return this.node({ kind: 'rate', key: this.rateKey(child(n, 'rateKey')!), value: this.expression(child(n, 'expression')!), span: nodeSpan(n) });
  }

  private rateKey(n: CstNode): RateKey {
    const media = child(n, 'media');
    const suffix = media ? (token(media, 'Audio') ? '_audio' : '_image') : '';
    if (token(n, 'Cached')) return 'cache_read';
    if (token(n, 'Input')) return `input${suffix}` as RateKey;
    if (token(n, 'Output')) return `output${suffix}` as RateKey;
    const cache = child(n, 'cacheKind');
    if (cache) return this.cacheKind(cache);
    if (token(n, 'Reasoning')) return 'reasoning';
    if (token(n, 'Default')) return 'default';
    if (token(n, 'Searches')) return 'web_search';
    return 'request';
  }

  private cacheKind(n: CstNode): 'cache_read' | 'cache_read_audio' | 'cache_write_5m' | 'cache_write_1h' {
    if (token(n, 'Read')) return token(n, 'Audio') ? 'cache_read_audio' : 'cache_read';
    const d = token(n, 'Duration');
    if (!d || d.image === '5m') return 'cache_write_5m';
    if (d.image === '1h') return 'cache_write_1h';
    this.report.error('unknown_cache_ttl', `cache writes last \`5m\` or \`1h\`, not \`${d.image}\``, tokenSpan(d), 'write `cache write 5m` or `cache write 1h`');
    return 'cache_write_5m';
  }

  private applicability(n: CstNode, target: A.Applicability): void {
    const scope = child(n, 'scope');
    if (scope) target.scope = this.scope(scope);
    const when = child(n, 'whenClause');
    if (when) target.when = nodes(when, 'clause').map((c) => this.clause(c));
    const as = child(n, 'asClause');
    if (as) target.name = this.nameValue(child(as, 'nameValue')!);
  }

  private scope(n: CstNode): A.Scope {
    const s: A.Scope = { span: nodeSpan(n) };
    if (token(n, 'All')) s.all = true;
    const list = child(n, 'nameList');
    if (list) s.models = this.nameList(list);
    const providers = child(n, 'providerList');
    if (providers) s.providers = this.nameList(child(providers, 'nameList')!);
    return this.node(s);
  }

  private clause(n: CstNode): A.Clause {
    const attribute = token(n, 'Name')!.image;
    const op = token(n, 'Eq') ? 'eq' : token(n, 'NotEq') ? 'ne' : token(n, 'Not') ? 'not_in' : 'in';
    const single = child(n, 'value');
    const values = single ? [this.value(single)] : nodes(child(n, 'valueList')!, 'value').map((v) => this.value(v));
    return this.node({ attribute, op, values, span: nodeSpan(n) });
  }

  private value(n: CstNode): string {
    const t = token(n, 'StringLit');
    return t ? this.string(t) : (token(n, 'Name') ?? token(n, 'NumberLit'))!.image;
  }

  private tiers(n: CstNode, span: SourceSpan): A.TiersStmt {
    const mode = token(n, 'Mode')!.image as A.TiersStmt['mode'];
    const s: A.TiersStmt = { kind: 'tiers', mode, meter: this.meter(child(n, 'meter')!), entries: [], span };
    const period = token(n, 'Period');
    if (period) s.period = period.image as Period;
    this.applicability(n, s);
    for (const e of ordered(n)) {
      if ('image' in e || this.damaged(e, true)) continue;
      if (e.name === 'tierLine') s.entries.push(this.tierLine(e));
      else if (e.name === 'freeLine') s.entries.push(this.node({ kind: 'free', quantity: this.expression(child(e, 'expression')!), span: nodeSpan(e) }));
      else if (e.name === 'packageLine') s.entries.push(this.node({ kind: 'package_price', price: this.expression(child(e, 'expression')!), span: nodeSpan(e) }));
      else if (e.name === 'unknownEntry') this.unknownEntry(e, 'tiersStmt', 'tier line');
    }
    return this.node(s);
  }

  private tierLine(n: CstNode): A.TierLine {
    const at = (label: string) => child(n, label);
    const form = token(n, 'Up') ? 'up_to' : token(n, 'From') ? 'from_to' : 'above';
    const lower = at('lower');
    const upper = at('bound');
    let price = at('price');
    const line: A.TierLine = { kind: 'tier', form, price: undefined as unknown as A.Expr, span: nodeSpan(n) };
    if (form === 'above' && !price) price = lower; // `above PRICE`: the bound is the previous tier's
    else if (lower) line.lower = this.expression(lower);
    if (upper) line.upper = this.expression(upper);
    line.price = this.expression(price!);
    const flat = at('flat');
    if (flat) line.flat = this.expression(flat);
    return this.node(line);
  }

  meter(n: CstNode): Meter {
    if (child(n, 'tokenKind')) return this.tokenKindMeter(child(n, 'tokenKind')!);
    if (token(n, 'Tokens')) return 'tokens';
    if (token(n, 'Searches')) return 'web_searches';
    return 'requests';
  }

  private tokenKindMeter(n: CstNode): Meter {
    const media = child(n, 'media');
    const suffix = media ? (token(media, 'Audio') ? '_audio' : '_image') : '';
    if (token(n, 'Uncached')) return 'input';
    if (token(n, 'Visible')) return 'output';
    if (token(n, 'Cached')) return 'cache_read';
    if (token(n, 'Input')) return suffix ? (`input${suffix}` as Meter) : 'input_tokens';
    if (token(n, 'Output')) return suffix ? (`output${suffix}` as Meter) : 'output_tokens';
    const cache = child(n, 'cacheKind');
    if (cache) return this.cacheKind(cache);
    return 'reasoning';
  }

  private plan(n: CstNode, span: SourceSpan): A.PlanStmt {
    const p: A.PlanStmt = { kind: 'plan', name: this.nameValue(child(n, 'nameValue')!), period: token(n, 'Period')!.image as Period, entries: [], span };
    for (const e of ordered(n)) {
      if ('image' in e || this.damaged(e, e.name !== 'tiersStmt')) continue;
      if (e.name === 'planAmount') {
        const kind = token(e, 'Fee') ? 'fee' : token(e, 'Minimum') ? 'minimum' : 'cap';
        p.entries.push(this.node({ kind, value: this.expression(child(e, 'expression')!), span: nodeSpan(e) }));
      } else if (e.name === 'includesEntry') {
        const inc: A.IncludesEntry = { kind: 'includes', quantity: this.expression(child(e, 'expression')!), span: nodeSpan(e) };
        const meter = child(e, 'meter');
        if (meter) inc.meter = this.meter(meter);
        p.entries.push(this.node(inc));
      } else if (e.name === 'tiersStmt') p.entries.push(this.tiers(e, nodeSpan(e)));
      else if (e.name === 'unknownEntry') this.unknownEntry(e, 'planStmt', 'plan entry');
    }
    return this.node(p);
  }

  private budget(n: CstNode, span: SourceSpan): A.BudgetStmt {
    const b: A.BudgetStmt = { kind: 'budget', per: token(n, 'Name')!.image, period: token(n, 'Period')!.image as Period, amount: this.expression(child(n, 'expression')!), span };
    const name = token(n, 'StringLit');
    if (name) b.name = this.string(name);
    const when = child(n, 'whenClause');
    if (when) b.when = nodes(when, 'clause').map((c) => this.clause(c));
    const alerts = nodes(n, 'alertEntry').filter((a) => !this.damaged(a, true)).flatMap((a) => nodes(a, 'expression').map((x) => this.expression(x)));
    if (alerts.length > 0) b.alerts = alerts;
    if (token(n, 'Hard')) b.hardLimit = true;
    nodes(n, 'unknownEntry').filter((u) => !this.damaged(u, true)).forEach((u) => this.unknownEntry(u, 'budgetStmt', 'budget entry'));
    return this.node(b);
  }

  private nameValue(n: CstNode): string {
    const s = token(n, 'StringLit');
    return s ? this.string(s) : token(n, 'Name')!.image;
  }

  private nameList(n: CstNode): string[] {
    return nodes(n, 'nameValue').map((v) => this.nameValue(v));
  }

  private string(t: IToken): string {
    const r = unescapeString(t.image);
    if ('value' in r) return r.value;
    const at = t.startOffset + r.at;
    const col = (t.startColumn ?? 1) + r.at;
    this.report.error('invalid_escape', r.error, { start: { line: t.startLine ?? 1, column: col, offset: at }, end: { line: t.startLine ?? 1, column: col + 2, offset: at + 2 } });
    return t.image.slice(1, -1);
  }

  expression(n: CstNode): A.Expr {
    return this.binary(n, 'product', ['Plus', 'Minus'], (p) => this.binary(p, 'priced', ['Star', 'Slash'], (q) => this.priced(q)));
  }

  /** Left-associative chain: operands and operators are stored apart in the CST, so order them by offset. */
  private binary(n: CstNode, operand: string, ops: string[], sub: (c: CstNode) => A.Expr): A.Expr {
    const operands = nodes(n, operand);
    const operators = ops.flatMap((o) => tokens(n, o)).sort((a, b) => a.startOffset - b.startOffset);
    let left = sub(operands[0]!);
    operators.forEach((op, i) => {
      const right = sub(operands[i + 1]!);
      const symbol = op.image === '×' ? '*' : (op.image as A.BinaryExpr['op']);
      left = this.node({ kind: 'binary', op: symbol, left, right, span: { start: left.span!.start, end: right.span!.end } });
    });
    return left;
  }

  private priced(n: CstNode): A.Expr {
    const amount = this.atom(child(n, 'atom')!);
    const unit = token(n, 'UnitWord');
    if (!token(n, 'Per') || !unit) return amount;
    const e: A.PerExpr = { kind: 'per', amount, unit: unitOf(unit), span: nodeSpan(n) };
    const count = token(n, 'NumberLit');
    if (count) e.count = count.image;
    return this.node(e);
  }

  private atom(n: CstNode): A.Expr {
    const inner = child(n, 'expression');
    if (inner) return this.expression(inner);
    const num = token(n, 'NumberLit')!;
    const span = nodeSpan(n);
    if (token(n, 'Dollar')) return this.node({ kind: 'money', text: num.image, currency: '$', span });
    if (token(n, 'PercentSign')) return this.node({ kind: 'percent', text: num.image, span });
    const code = token(n, 'CurrencyCode');
    if (code) return this.node({ kind: 'money', text: num.image, currency: code.image, span });
    const unit = token(n, 'UnitWord');
    if (unit) return this.node({ kind: 'quantity', text: num.image, unit: unitOf(unit), span });
    return this.node({ kind: 'number', text: num.image, span });
  }
}

function unitOf(t: IToken): A.Unit {
  if (t.tokenType === T.Tokens) return 'tokens';
  if (t.tokenType === T.Searches) return 'searches';
  return 'requests';
}

export { startOffset };

/**
 * Source text → CST, with every lexer and parser error as a Diagnostic. Guards the
 * frozen limits before parsing, since the parser recurses on nesting.
 */
import type { CstNode, ILexingError, IRecognitionException, IToken } from 'chevrotain';
import type { SourceSpan } from '../errors/diagnostic.js';
import { hintFor, PHRASES_BY_RULE, type Reporter } from './context.js';
import { tokenSpan } from './cst-util.js';
import { DSL_LIMITS } from './limits.js';
import { expectedWords } from './parse-messages.js';
import { rateParser } from './parser.js';
import * as T from './tokens.js';

export interface SyntaxResult {
  cst?: CstNode;
  comments: IToken[];
  syntaxErrors: boolean;
}

export function parseSyntax(source: string, report: Reporter): SyntaxResult {
  if (source.length > DSL_LIMITS.maxSourceLength) {
    report.error('too_large', `the file has ${source.length} characters; the limit is ${DSL_LIMITS.maxSourceLength}`, undefined);
    return { comments: [], syntaxErrors: true };
  }
  const lexed = T.rateLexer.tokenize(source);
  for (const e of lexed.errors) report.error('unexpected_character', lexerMessage(source, e), lexerSpan(e));
  for (const t of (lexed.groups.invalid ?? []) as IToken[]) {
    report.error('unterminated_string', 'this string has no closing `"` on its line', tokenSpan(t), 'close it with `"`; use `\\"` for a quote inside');
  }
  const comments = (lexed.groups.comments ?? []) as IToken[];
  const errorsBefore = report.diagnostics.length;
  if (lexed.tokens.length + comments.length > DSL_LIMITS.maxTokens) {
    report.error('too_large', `the file has more than ${DSL_LIMITS.maxTokens} tokens`, undefined);
    return { comments, syntaxErrors: true };
  }
  if (!withinDepth(lexed.tokens, report)) return { comments, syntaxErrors: true };
  const parser = rateParser();
  parser.input = lexed.tokens;
  const cst = parser.program();
  const seen = new Set<string>();
  for (const e of parser.errors) {
    const d = syntaxDiagnostic(e);
    const key = `${d.span?.start.offset}:${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    report.error(d.code, d.message, d.span, d.hint);
  }
  parser.input = []; // release the tokens: the parser is shared
  return { cst, comments, syntaxErrors: report.diagnostics.length > errorsBefore || lexed.errors.length > 0 };
}

function lexerMessage(source: string, e: ILexingError): string {
  const ch = source.slice(e.offset, e.offset + Math.max(1, e.length));
  const shown = JSON.stringify(ch.length > 20 ? `${ch.slice(0, 20)}…` : ch);
  return `unexpected character${ch.length > 1 ? 's' : ''} ${shown}`;
}

function lexerSpan(e: ILexingError): SourceSpan {
  const line = e.line ?? 1;
  const column = e.column ?? 1;
  // Keep the caret on the first line of the unlexable run.
  return { start: { line, column, offset: e.offset }, end: { line, column: column + Math.max(1, e.length), offset: e.offset + Math.max(1, e.length) } };
}

function withinDepth(tokens: readonly IToken[], report: Reporter): boolean {
  let depth = 0;
  for (const t of tokens) {
    if (t.tokenType === T.LParen || t.tokenType === T.LBrace) {
      if (++depth > DSL_LIMITS.maxDepth) {
        report.error('too_deep', `nesting is deeper than ${DSL_LIMITS.maxDepth} levels`, tokenSpan(t));
        return false;
      }
    } else if ((t.tokenType === T.RParen || t.tokenType === T.RBrace) && depth > 0) depth--;
  }
  return true;
}

function syntaxDiagnostic(e: IRecognitionException): { code: string; message: string; span?: SourceSpan; hint?: string } {
  const t = e.token;
  const atEnd = t.tokenType.name === 'EOF' || Number.isNaN(t.startOffset);
  const out: { code: string; message: string; span?: SourceSpan; hint?: string } = {
    code: atEnd ? 'unexpected_end' : 'unexpected_token',
    message: e.message,
  };
  if (!atEnd) out.span = tokenSpan(t);
  else if (previousOf(e) && !Number.isNaN(previousOf(e)!.startOffset)) {
    const p = tokenSpan(previousOf(e)!);
    out.span = { start: p.end, end: p.end };
  }
  if (!atEnd && /^[A-Za-z_]/.test(t.image)) {
    const rules = [...(e.context?.ruleStack ?? [])].reverse();
    const phrases = [...expectedWords(t), ...(PHRASES_BY_RULE[rules.find((r) => PHRASES_BY_RULE[r]) ?? ''] ?? [])];
    const hint = hintFor(t.image, phrases);
    if (hint) out.hint = hint;
  }
  return out;
}

/** chevrotain sets `previousToken` on recognition exceptions but does not declare it. */
function previousOf(e: IRecognitionException): IToken | undefined {
  return (e as IRecognitionException & { previousToken?: IToken }).previousToken;
}

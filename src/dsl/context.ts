/** Diagnostics sink shared by the stages of one load, plus the phrases each block accepts (for "did you mean"). */
import type { Diagnostic, SourceSpan } from '../errors/diagnostic.js';
import { didYouMean } from '../util/suggest.js';
import { DSL_LIMITS } from './limits.js';

export class Reporter {
  readonly diagnostics: Diagnostic[] = [];
  private overflow = false;
  constructor(readonly file: string | undefined) {}

  error(code: string, message: string, span: SourceSpan | undefined, hint?: string): void {
    this.push({ code, message, severity: 'error', span, hint });
  }

  warning(code: string, message: string, span: SourceSpan | undefined, hint?: string): void {
    this.push({ code, message, severity: 'warning', span, hint });
  }

  push(d: Omit<Diagnostic, 'file'> & { file?: string }): void {
    if (this.diagnostics.length >= DSL_LIMITS.maxDiagnostics) {
      if (!this.overflow) {
        this.overflow = true;
        this.diagnostics.push({ code: 'too_many_errors', message: `stopped after ${DSL_LIMITS.maxDiagnostics} problems`, severity: 'error', ...(this.file ? { file: this.file } : {}) });
      }
      return;
    }
    const out: Diagnostic = { code: d.code, message: d.message, severity: d.severity };
    if (this.file !== undefined) out.file = this.file;
    if (d.span) out.span = d.span;
    if (d.hint) out.hint = d.hint;
    this.diagnostics.push(out);
  }

  get hasErrors(): boolean {
    return this.diagnostics.some((d) => d.severity === 'error');
  }
}

export const RATE_PHRASES = [
  'input', 'output', 'cached input', 'cache read', 'cache read audio', 'cache write', 'cache write 5m', 'cache write 1h', 'reasoning',
  'input audio', 'output audio', 'input image', 'output image', 'default', 'request', 'web search',
];

/** Phrases accepted at the start of an entry, by the grammar rule that holds it. */
export const PHRASES_BY_RULE: Readonly<Record<string, readonly string[]>> = {
  program: ['ratecard', 'currency', 'use catalog', 'rounding', 'model', 'markup', 'discount', 'tiers', 'plan', 'budget'],
  modelStmt: [...RATE_PHRASES, 'alias', 'above'],
  longContext: RATE_PHRASES,
  tiersStmt: ['up to', 'from', 'above', 'first', 'flat'],
  planStmt: ['fee', 'includes', 'minimum', 'cap', 'tiers'],
  budgetStmt: ['alert at', 'hard limit'],
  meter: ['tokens', 'input tokens', 'output tokens', 'requests', 'web searches', 'reasoning tokens', 'cache read tokens'],
  scope: ['all models', 'model', 'models', 'provider', 'providers'],
};

/** "did you mean" among the first words of `phrases` (a misspelling is one word). */
export function hintFor(word: string, phrases: readonly string[]): string | undefined {
  const firsts = new Set(phrases.map((p) => p.split(' ')[0]!));
  if (firsts.has(word)) return undefined;
  return didYouMean(word, firsts);
}

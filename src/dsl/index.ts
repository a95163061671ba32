/**
 * The `.rate` pricing DSL: text → PricingDocument (loadRatePricing), PricingDocument →
 * canonical text (printRate), and the comment-keeping formatter (formatRate).
 */
import type { Diagnostic } from '../errors/diagnostic.js';
import { sortDiagnostics } from '../errors/diagnostic.js';
import { checkDocument, checkTierRanges } from '../pricing/check.js';
import type { PricingDocument } from '../pricing/document.js';
import type { Comment, Program } from './ast.js';
import { DocumentBuilder } from './build.js';
import { checkProgram } from './check.js';
import { Reporter } from './context.js';
import { CstToAst } from './cst-to-ast.js';
import { documentToProgram } from './from-document.js';
import { printProgram } from './print.js';
import { parseSyntax } from './syntax.js';

/** Recovery can make the parser meet the same bad word twice; report it once. */
function finish(list: readonly Diagnostic[]): Diagnostic[] {
  const syntax = new Set<number | undefined>();
  const out: Diagnostic[] = [];
  for (const d of list) {
    const at = d.span?.start.offset;
    if (d.code === 'unexpected_token' || d.code === 'unknown_keyword') {
      if (at !== undefined && syntax.has(at)) continue;
      syntax.add(at);
    }
    out.push(d);
  }
  return sortDiagnostics(out);
}

/** Shared checks that only restate an evaluation error already reported. */
const CASCADES = new Set(['model_without_rates', 'adjustment_value_missing', 'tiers_missing', 'package_missing']);

export interface RateOptions {
  /** Shown in diagnostics. */
  file?: string;
}

export interface ParsedRate {
  program?: Program;
  comments: Comment[];
  diagnostics: Diagnostic[];
  /** True when the file has syntax errors (the program then holds only the statements that parsed cleanly). */
  syntaxErrors: boolean;
}

/** Parse `.rate` text into its AST (no pricing checks). */
export function parseRate(source: string, options: RateOptions = {}): ParsedRate {
  const report = new Reporter(options.file);
  const result = parseInto(source, report);
  return { ...result, diagnostics: finish(report.diagnostics) };
}

function parseInto(source: string, report: Reporter): Omit<ParsedRate, 'diagnostics'> {
  const syntax = parseSyntax(source, report);
  const comments: Comment[] = syntax.comments.map((t) => ({ text: t.image, offset: t.startOffset, line: t.startLine ?? 1, endLine: t.endLine ?? t.startLine ?? 1 }));
  if (!syntax.cst) return { comments, syntaxErrors: true };
  const program = new CstToAst(report, !syntax.syntaxErrors).program(syntax.cst);
  return { program, comments, syntaxErrors: syntax.syntaxErrors };
}

/**
 * Parse and check a `.rate` file. Reports every problem found (syntax, units and types,
 * then the shared semantic checks); `document` is present only when there is no error.
 */
export function loadRatePricing(source: string, options: RateOptions = {}): { document?: PricingDocument; diagnostics: Diagnostic[] } {
  const report = new Reporter(options.file);
  const parsed = parseInto(source, report);
  if (!parsed.program) return { diagnostics: finish(report.diagnostics) };
  checkProgram(parsed.program, report);
  const built = new DocumentBuilder(report, { requireCurrency: !parsed.syntaxErrors }).build(parsed.program);
  for (const ranges of built.ranges) for (const d of checkTierRanges(ranges, options.file)) report.push(d);
  if (!parsed.syntaxErrors) {
    const file = options.file !== undefined ? { file: options.file } : {};
    const valueErrors = report.hasErrors;
    for (const d of checkDocument(built.document, { ...file, locate: built.locate })) {
      // A missing `currency` line is already reported as missing_currency.
      if (d.code === 'invalid_currency' && built.document.currency === '') continue;
      // A value that failed to evaluate left its field empty; do not report the hole again.
      if (valueErrors && CASCADES.has(d.code)) continue;
      report.push(d);
    }
  }
  const diagnostics = finish(report.diagnostics);
  return report.hasErrors ? { diagnostics } : { document: built.document, diagnostics };
}

/** The canonical `.rate` text of a document (rates printed per 1M tokens / per request). */
export function printRate(doc: PricingDocument): string {
  return printProgram(documentToProgram(doc));
}

/**
 * The canonical layout of `.rate` source, keeping its comments and numbers as written.
 * Fails (no `text`) only on syntax errors; pricing errors do not stop formatting.
 */
export function formatRate(source: string, options: RateOptions = {}): { text?: string; diagnostics: Diagnostic[] } {
  const parsed = parseRate(source, options);
  if (!parsed.program || parsed.syntaxErrors) return { diagnostics: parsed.diagnostics };
  return { text: printProgram(parsed.program, { comments: parsed.comments, source }), diagnostics: parsed.diagnostics };
}

export { printProgram } from './print.js';
export { documentToProgram } from './from-document.js';
export { DSL_LIMITS } from './limits.js';
export type * as RateAst from './ast.js';

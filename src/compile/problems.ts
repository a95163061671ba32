/** Collects compile diagnostics so every problem of a document is reported at once. */
import type { Diagnostic, SourceSpan } from '../errors/diagnostic.js';
import { parseDecimal, type Decimal } from '../money/index.js';

export class Problems {
  readonly list: Diagnostic[] = [];
  constructor(readonly file: string | undefined) {}

  add(severity: Diagnostic['severity'], code: string, message: string, span?: SourceSpan, hint?: string): void {
    const d: Diagnostic = { code, message, severity };
    if (this.file !== undefined) d.file = this.file;
    if (span) d.span = span;
    if (hint) d.hint = hint;
    this.list.push(d);
  }

  error(code: string, message: string, span?: SourceSpan, hint?: string): void {
    this.add('error', code, message, span, hint);
  }

  get hasErrors(): boolean {
    return this.list.some((d) => d.severity === 'error');
  }

  /** A decimal field, or undefined (after reporting) when it is not a plain decimal / is negative. */
  decimal(text: unknown, what: string, span: SourceSpan | undefined, opts: { allowNegative?: boolean } = {}): Decimal | undefined {
    const d = typeof text === 'string' ? parseDecimal(text) : undefined;
    if (d === undefined) {
      this.error('invalid_decimal', `${what} must be a plain decimal string, got ${JSON.stringify(text)}`, span);
      return undefined;
    }
    if (!opts.allowNegative && d.isNegative()) {
      this.error('negative_amount', `${what} must not be negative, got ${text as string}`, span);
      return undefined;
    }
    return d;
  }
}

/** `file:line:col` of a span, or undefined when the document has no spans. */
export function sourceOf(file: string | undefined, span: SourceSpan | undefined): string | undefined {
  return span ? `${file ?? '<input>'}:${span.start.line}:${span.start.column}` : undefined;
}

/** A source position: 1-based line and column, 0-based offset. */
export interface SourcePosition {
  line: number;
  column: number;
  offset: number;
}

export interface SourceSpan {
  start: SourcePosition;
  end: SourcePosition;
}

export type Severity = 'error' | 'warning';

/**
 * One problem found in user input. `code` is a stable snake_case identifier that tools
 * can match on; `message` is plain text without the location (formatters add it).
 */
export interface Diagnostic {
  code: string;
  message: string;
  severity: Severity;
  file?: string;
  span?: SourceSpan;
  /** Optional hint, e.g. "did you mean `output`?" */
  hint?: string;
}

/** The JSON shape `ratecard validate --format json` prints, one per diagnostic. */
export interface DiagnosticJson {
  file: string | null;
  line: number | null;
  column: number | null;
  severity: Severity;
  code: string;
  message: string;
}

export function diagnosticToJson(d: Diagnostic): DiagnosticJson {
  return {
    file: d.file ?? null,
    line: d.span?.start.line ?? null,
    column: d.span?.start.column ?? null,
    severity: d.severity,
    code: d.code,
    message: d.hint ? `${d.message} (${d.hint})` : d.message,
  };
}

/** Position of `offset` in `source` (1-based line/column). */
export function positionAt(source: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), source.length);
  for (let i = 0; i < end; i++) {
    if (source.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1, offset: end };
}

export function spanAt(source: string, start: number, end: number = start): SourceSpan {
  return { start: positionAt(source, start), end: positionAt(source, Math.max(start, end)) };
}

/**
 * A code frame in the style of compilers: the offending line with its neighbours and a
 * caret under the span.
 *
 *     > 12 |   output 10.00 per 1X tokens
 *          |                   ^^
 */
export function codeFrame(source: string, span: SourceSpan, context = 1): string {
  const lines = source.split(/\r?\n/);
  const first = Math.max(1, span.start.line - context);
  const last = Math.min(lines.length, span.start.line + context);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const text = lines[n - 1] ?? '';
    const gutter = String(n).padStart(width);
    out.push(`${n === span.start.line ? '>' : ' '} ${gutter} | ${text}`);
    if (n === span.start.line) {
      const sameLine = span.end.line === span.start.line;
      const len = Math.max(1, sameLine ? span.end.column - span.start.column : text.length - span.start.column + 1);
      const pad = text.slice(0, span.start.column - 1).replace(/[^\t]/g, ' ');
      out.push(`  ${' '.repeat(width)} | ${pad}${'^'.repeat(len)}`);
    }
  }
  return out.join('\n');
}

/** `file:line:col: error[code]: message` plus a code frame when the source is known. */
export function formatDiagnostic(d: Diagnostic, source?: string): string {
  const where = [d.file ?? '<input>', d.span?.start.line, d.span?.start.column].filter((x) => x !== undefined).join(':');
  let text = `${where}: ${d.severity}[${d.code}]: ${d.message}`;
  if (d.hint) text += `\n  = help: ${d.hint}`;
  if (source !== undefined && d.span) text += `\n${codeFrame(source, d.span)}`;
  return text;
}

/** Diagnostics sorted by file, then position, so output is stable. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort(
    (a, b) =>
      (a.file ?? '').localeCompare(b.file ?? '') ||
      (a.span?.start.offset ?? -1) - (b.span?.start.offset ?? -1) ||
      a.code.localeCompare(b.code),
  );
}

import type { Diagnostic } from '../../src/errors/index.js';
import type { Program } from '../../src/dsl/ast.js';

/** `[line, column, code]` of each diagnostic, for compact assertions. */
export function where(diagnostics: readonly Diagnostic[]): [number | undefined, number | undefined, string][] {
  return diagnostics.map((d) => [d.span?.start.line, d.span?.start.column, d.code]);
}

export function codes(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) => d.code);
}

/** Deep copy without `span` keys, so a parsed AST compares equal to a generated one. */
export function stripAst<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (k, v) => (k === 'span' ? undefined : v))) as T;
}

export type { Program };

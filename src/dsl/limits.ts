/**
 * Frozen resource limits: a pricing file is user input, so every stage is bounded.
 * Exceeding one is a diagnostic (`too_large`, `too_deep`, `too_many_nodes`), never a hang.
 */
export const DSL_LIMITS = Object.freeze({
  /** Characters of source text. A real rate card is a few KB. */
  maxSourceLength: 1_000_000,
  /** Tokens after lexing (comments included). */
  maxTokens: 200_000,
  /** Nesting of parentheses and braces. Expressions are parsed recursively. */
  maxDepth: 32,
  /** AST nodes built from one file. */
  maxNodes: 100_000,
  /** Diagnostics reported for one file; a binary file would otherwise yield thousands. */
  maxDiagnostics: 100,
});

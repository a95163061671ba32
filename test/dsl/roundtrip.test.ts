import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatRate, parseRate, printProgram } from '../../src/dsl/index.js';
import { program } from './arbitraries.js';
import { stripAst } from './helpers.js';

describe('printer round trip', () => {
  it('parse(print(ast)) equals ast for generated ASTs', () => {
    fc.assert(
      fc.property(program, (ast) => {
        const text = printProgram(ast);
        const parsed = parseRate(text);
        const syntax = parsed.diagnostics.filter((d) => ['unexpected_token', 'unexpected_end', 'unexpected_character', 'unterminated_string', 'invalid_escape', 'unknown_keyword'].includes(d.code));
        expect(syntax, text).toEqual([]);
        expect(stripAst(parsed.program), text).toEqual(stripAst(ast));
      }),
      { numRuns: 400 },
    );
  });

  it('formatting is idempotent on generated programs', () => {
    fc.assert(
      fc.property(program, (ast) => {
        const once = printProgram(ast);
        expect(formatRate(once).text).toBe(once);
      }),
      { numRuns: 200 },
    );
  });
});

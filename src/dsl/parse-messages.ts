/**
 * Syntax error wording. chevrotain calls this provider while parsing; besides the
 * message we remember which words were expected at the offending token, so the
 * diagnostics layer can add "did you mean" for a misspelled keyword.
 */
import type { IParserErrorMessageProvider, IToken, TokenType } from 'chevrotain';
import { CATEGORY_WORDS } from './tokens.js';

const expectedAt = new WeakMap<IToken, string[]>();

/** Words the parser would have accepted at `token` (keywords without backticks). */
export function expectedWords(token: IToken): readonly string[] {
  return expectedAt.get(token) ?? [];
}

function label(t: TokenType): string {
  return t.LABEL ?? t.name;
}

function describe(token: IToken | undefined): string {
  if (!token || token.tokenType.name === 'EOF') return 'the end of the file';
  return `\`${token.image}\``;
}

function remember(token: IToken | undefined, types: readonly TokenType[]): void {
  if (!token) return;
  const words = types.flatMap((t) => CATEGORY_WORDS.get(t) ?? [label(t)]).filter((l) => !l.startsWith('`') || l.length > 2).map((l) => l.replace(/`/g, ''));
  expectedAt.set(token, [...new Set([...(expectedAt.get(token) ?? []), ...words])]);
}

function list(labels: string[]): string {
  const unique = [...new Set(labels)];
  if (unique.length <= 1) return unique[0] ?? 'something else';
  if (unique.length > 6) return `${unique.slice(0, 6).join(', ')}, …`;
  return `${unique.slice(0, -1).join(', ')} or ${unique.at(-1)}`;
}

export const rateErrorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual }) {
    remember(actual, [expected]);
    return `expected ${label(expected)}, found ${describe(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `unexpected ${describe(firstRedundant)}`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual }) {
    const firsts = expectedPathsPerAlt.flatMap((alt) => alt.map((path) => path[0])).filter((t): t is TokenType => t !== undefined);
    remember(actual[0], firsts);
    return `expected ${list(firsts.map(label))}, found ${describe(actual[0])}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual }) {
    const firsts = expectedIterationPaths.map((path) => path[0]).filter((t): t is TokenType => t !== undefined);
    remember(actual[0], firsts);
    return `expected at least one ${list(firsts.map(label))}, found ${describe(actual[0])}`;
  },
};

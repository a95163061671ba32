/**
 * The lexer: token types and one shared Lexer instance.
 *
 * Keywords belong to the `Name` category and use `longer_alt: Identifier`, so they never
 * steal identifiers: `per`, `input` and `gpt-4o-2024-08-06` are all valid names wherever
 * the grammar expects a name, and `perks` lexes as one identifier, not `per` + `ks`.
 */
import { createToken, Lexer, type TokenType } from 'chevrotain';

/** Every token that cannot start a statement: what the top level skips, one at a time, after an error. */
export const Stray = createToken({ name: 'Stray', pattern: Lexer.NA, label: 'a statement' });
const STATEMENT_WORDS = new Set(['ratecard', 'currency', 'use', 'rounding', 'model', 'markup', 'discount', 'tiers', 'plan', 'budget']);

export const Name = createToken({ name: 'Name', pattern: Lexer.NA, label: 'a name' });
/** Words that measure a quantity: tokens, requests, searches (singular or plural). */
export const UnitWord = createToken({ name: 'UnitWord', pattern: Lexer.NA, label: 'a unit (tokens, requests, searches)' });
export const Period = createToken({ name: 'Period', pattern: Lexer.NA, label: 'a period (daily, weekly, monthly, quarterly, yearly)' });
export const Mode = createToken({ name: 'Mode', pattern: Lexer.NA, label: 'a tier mode (graduated, volume, package)' });

export const Identifier = createToken({
  name: 'Identifier',
  // Inner `-` and `.` allow model names like gpt-4o-2024-08-06 and claude-3.5-sonnet unquoted.
  pattern: /[A-Za-z_][A-Za-z0-9_]*(?:[.-][A-Za-z0-9_]+)*/,
  categories: [Name, Stray],
});

/** Three upper-case letters: an ISO 4217 code after an amount (`500 EUR`) or as a name. */
export const CurrencyCode = createToken({
  name: 'CurrencyCode',
  pattern: /[A-Z]{3}(?![A-Za-z0-9_]|[.-][A-Za-z0-9_])/,
  categories: [Name, Stray],
});

const keywordTokens: TokenType[] = [];
function kw(word: string, options: { pattern?: RegExp; categories?: TokenType[]; name?: string } = {}): TokenType {
  const t = createToken({
    name: options.name ?? word[0]!.toUpperCase() + word.slice(1),
    pattern: options.pattern ?? new RegExp(word),
    label: `\`${word}\``,
    longer_alt: Identifier,
    categories: [Name, ...(STATEMENT_WORDS.has(word) ? [] : [Stray]), ...(options.categories ?? [])],
  });
  keywordTokens.push(t);
  return t;
}

export const Ratecard = kw('ratecard');
export const Version = kw('version');
export const Currency = kw('currency');
export const Use = kw('use');
export const Catalog = kw('catalog');
export const Rounding = kw('rounding');
export const Model = kw('model');
export const Models = kw('models');
export const Provider = kw('provider');
export const Providers = kw('providers');
export const Alias = kw('alias', { pattern: /alias(es)?/ });
export const Input = kw('input');
export const Output = kw('output');
export const Cached = kw('cached');
export const Cache = kw('cache');
export const Read = kw('read');
export const Write = kw('write');
export const Reasoning = kw('reasoning');
export const Audio = kw('audio');
export const Image = kw('image');
export const Default = kw('default');
export const Tokens = kw('tokens', { pattern: /tokens?/, categories: [UnitWord] });
export const Requests = kw('requests', { pattern: /requests?/, categories: [UnitWord] });
export const Calls = kw('calls', { pattern: /calls?/, categories: [UnitWord] });
export const Searches = kw('searches', { pattern: /search(es)?/, categories: [UnitWord] });
export const Web = kw('web');
export const Above = kw('above');
export const Prompt = kw('prompt');
export const Uncached = kw('uncached');
export const Visible = kw('visible');
export const Markup = kw('markup');
export const Discount = kw('discount');
export const Factor = kw('factor');
export const On = kw('on');
export const All = kw('all');
export const From = kw('from');
export const When = kw('when');
export const And = kw('and');
export const In = kw('in');
export const Not = kw('not');
export const As = kw('as');
export const Tiers = kw('tiers');
export const Graduated = kw('graduated', { categories: [Mode] });
export const Volume = kw('volume', { categories: [Mode] });
export const Package = kw('package', { categories: [Mode] });
export const Up = kw('up');
export const To = kw('to');
export const Flat = kw('flat');
export const First = kw('first');
export const Free = kw('free');
export const Plan = kw('plan');
export const Fee = kw('fee');
export const Includes = kw('includes');
export const Minimum = kw('minimum');
export const Cap = kw('cap');
export const Budget = kw('budget');
export const Per = kw('per');
export const Alert = kw('alert');
export const At = kw('at');
export const Hard = kw('hard');
export const Limit = kw('limit');
export const Daily = kw('daily', { categories: [Period] });
export const Weekly = kw('weekly', { categories: [Period] });
export const Monthly = kw('monthly', { categories: [Period] });
export const Quarterly = kw('quarterly', { categories: [Period] });
export const Yearly = kw('yearly', { categories: [Period] });

/** Cache TTLs (`5m`, `1h`). Lower-case `m` is minutes; upper-case `M` is a million. */
export const Duration = createToken({ name: 'Duration', pattern: /\d+[mh](?![A-Za-z0-9_])/, label: 'a duration like `5m`', categories: [Stray] });
/** Exact decimal with optional `_` separators and a count suffix (k = thousand, M = million, B = billion). */
export const NumberLit = createToken({
  name: 'NumberLit',
  pattern: /(?:\d[\d_]*(?:\.\d[\d_]*)?|\.\d[\d_]*)[kKMB]?(?![A-Za-z0-9_])/,
  label: 'a number',
  categories: [Stray],
});
export const StringLit = createToken({ name: 'StringLit', pattern: /"(?:[^"\\\n\r]|\\[^\n\r])*"/, label: 'a string', categories: [Stray] });
/** Matched only when StringLit fails: reported as `unterminated_string`, never dropped. */
export const UnterminatedString = createToken({ name: 'UnterminatedString', pattern: /"(?:[^"\\\n\r]|\\[^\n\r])*\\?/, label: 'an unterminated string', group: 'invalid' });
export const Comment = createToken({ name: 'Comment', pattern: /(?:#|\/\/)[^\n\r]*/, group: 'comments' });
export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n\f\uFEFF]+/, group: Lexer.SKIPPED, line_breaks: true });

export const LBrace = createToken({ name: 'LBrace', pattern: /\{/, label: '`{`', categories: [Stray] });
export const RBrace = createToken({ name: 'RBrace', pattern: /\}/, label: '`}`', categories: [Stray] });
export const LParen = createToken({ name: 'LParen', pattern: /\(/, label: '`(`', categories: [Stray] });
export const RParen = createToken({ name: 'RParen', pattern: /\)/, label: '`)`', categories: [Stray] });
export const Comma = createToken({ name: 'Comma', pattern: /,/, label: '`,`', categories: [Stray] });
export const Semicolon = createToken({ name: 'Semicolon', pattern: /;/, label: '`;`' });
export const PercentSign = createToken({ name: 'PercentSign', pattern: /%/, label: '`%`', categories: [Stray] });
export const Dollar = createToken({ name: 'Dollar', pattern: /\$/, label: '`$`', categories: [Stray] });
export const Plus = createToken({ name: 'Plus', pattern: /\+/, label: '`+`', categories: [Stray] });
export const Minus = createToken({ name: 'Minus', pattern: /-/, label: '`-`', categories: [Stray] });
export const Star = createToken({ name: 'Star', pattern: /\*|×/, label: '`*`', categories: [Stray] });
export const Slash = createToken({ name: 'Slash', pattern: /\//, label: '`/`', categories: [Stray] });
export const NotEq = createToken({ name: 'NotEq', pattern: /!=/, label: '`!=`', categories: [Stray] });
export const Eq = createToken({ name: 'Eq', pattern: /==?/, label: '`=`', categories: [Stray] });

// Longest keywords first, so `input` wins over `in` and `models` over `model`.
const sortedKeywords = [...keywordTokens].sort((a, b) => String(b.PATTERN).length - String(a.PATTERN).length);

export const ALL_TOKENS: TokenType[] = [
  WhiteSpace, Comment,
  StringLit, UnterminatedString,
  Duration, NumberLit,
  CurrencyCode,
  ...sortedKeywords,
  Identifier,
  LBrace, RBrace, LParen, RParen, Comma, Semicolon, PercentSign, Dollar, Plus, Minus, Star, Slash, NotEq, Eq,
  Name, UnitWord, Period, Mode, Stray,
];

/** The words of each token category, for "did you mean" when a category was expected. */
export const CATEGORY_WORDS: ReadonlyMap<TokenType, readonly string[]> = new Map([
  [Period, ['daily', 'weekly', 'monthly', 'quarterly', 'yearly']],
  [Mode, ['graduated', 'volume', 'package']],
  [UnitWord, ['tokens', 'requests', 'calls', 'searches']],
]);

/** Keyword spellings, for "did you mean" on misspelled keywords. */
export const KEYWORDS: readonly string[] = keywordTokens.map((t) => (t.LABEL ?? '').replace(/`/g, ''));

export const rateLexer = new Lexer(ALL_TOKENS, { ensureOptimizations: false, positionTracking: 'full' });

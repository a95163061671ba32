/**
 * The grammar, and nothing else: a chevrotain CstParser with rules as class fields.
 * Semantics live in cst-to-ast.ts. One instance is built lazily and reused (building
 * runs chevrotain's grammar analysis, which is far slower than a parse).
 *
 * Newlines are insignificant: entries end where the next keyword starts (`;` is allowed
 * as a separator). The EBNF in grammar/ratecard.ebnf mirrors these rules.
 */
import { CstParser, type CstNode, type IToken, type TokenType } from 'chevrotain';
import * as T from './tokens.js';
import { rateErrorMessages } from './parse-messages.js';

/** Statement keywords: everything else met at the top level is a stray token. */
export const STATEMENT_STARTS: readonly TokenType[] = [T.Ratecard, T.Currency, T.Use, T.Rounding, T.Model, T.Markup, T.Discount, T.Tiers, T.Plan, T.Budget];

export class RateParser extends CstParser {
  /**
   * Alternatives and option objects, built once. Rebuilding them on every rule call costs
   * closures (chevrotain's documented "OR caching"); none of them captures rule locals.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each slot holds a different chevrotain option shape
  private readonly cache: any[] = [];
  private numberLine: number | undefined = 0;
  private strayAlts: { ALT: () => unknown }[] | undefined;

  constructor() {
    super(T.ALL_TOKENS, { recoveryEnabled: true, nodeLocationTracking: 'full', maxLookahead: 3, errorMessageProvider: rateErrorMessages });
    this.performSelfAnalysis();
  }

  program = this.RULE('program', () => {
    this.MANY(() =>
      this.OR((this.cache[0] ??= [
        { ALT: () => this.SUBRULE(this.headerStmt) },
        { ALT: () => this.SUBRULE(this.currencyStmt) },
        { ALT: () => this.SUBRULE(this.useStmt) },
        { ALT: () => this.SUBRULE(this.roundingStmt) },
        { ALT: () => this.SUBRULE(this.modelStmt) },
        { ALT: () => this.SUBRULE(this.adjustmentStmt) },
        { ALT: () => this.SUBRULE(this.tiersStmt) },
        { ALT: () => this.SUBRULE(this.planStmt) },
        { ALT: () => this.SUBRULE(this.budgetStmt) },
        { ALT: () => this.CONSUME(T.Semicolon) },
        { ALT: () => this.SUBRULE(this.stray) },
      ])),
    );
  });

  /** Any token that cannot start a statement: consumed one at a time and reported once per run. */
  stray = this.RULE('stray', () => {
    this.OR((this.strayAlts ??= STRAY_TOKENS.map((t) => ({ ALT: () => this.CONSUME(t) }))));
  });

  headerStmt = this.RULE('headerStmt', () => {
    this.CONSUME(T.Ratecard);
    this.SUBRULE(this.nameValue);
    this.OPTION(() => {
      this.CONSUME(T.Version);
      this.OR((this.cache[1] ??= [{ ALT: () => this.CONSUME(T.NumberLit) }, { ALT: () => this.CONSUME(T.StringLit) }, { ALT: () => this.CONSUME(T.Name) }]));
    });
  });

  currencyStmt = this.RULE('currencyStmt', () => {
    this.CONSUME(T.Currency);
    this.CONSUME(T.Name);
  });

  useStmt = this.RULE('useStmt', () => {
    this.CONSUME(T.Use);
    this.CONSUME(T.Catalog);
  });

  roundingStmt = this.RULE('roundingStmt', () => {
    this.CONSUME(T.Rounding);
    this.CONSUME(T.Name);
  });

  modelStmt = this.RULE('modelStmt', () => {
    this.CONSUME(T.Model);
    this.SUBRULE(this.nameValue);
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.CONSUME(T.Provider);
      this.SUBRULE2(this.nameValue);
      this.CONSUME(T.RParen);
    });
    this.CONSUME(T.LBrace);
    this.MANY(() =>
      this.OR((this.cache[2] ??= [
        { ALT: () => this.SUBRULE(this.rateEntry) },
        { ALT: () => this.SUBRULE(this.aliasEntry) },
        { ALT: () => this.SUBRULE(this.longContext) },
        { ALT: () => this.SUBRULE(this.unknownEntry) },
        { ALT: () => this.CONSUME(T.Semicolon) },
      ])),
    );
    this.CONSUME(T.RBrace);
  });

  rateEntry = this.RULE('rateEntry', () => {
    this.SUBRULE(this.rateKey);
    this.SUBRULE(this.expression);
  });

  rateKey = this.RULE('rateKey', () => {
    this.OR((this.cache[3] ??= [
      { ALT: () => { this.CONSUME(T.Input); this.OPTION(() => this.SUBRULE(this.media)); } },
      { ALT: () => { this.CONSUME(T.Output); this.OPTION2(() => this.SUBRULE2(this.media)); } },
      { ALT: () => { this.CONSUME(T.Cached); this.CONSUME2(T.Input); } },
      { ALT: () => this.SUBRULE(this.cacheKind) },
      { ALT: () => this.CONSUME(T.Reasoning) },
      { ALT: () => this.CONSUME(T.Default) },
      { ALT: () => this.CONSUME(T.Requests) },
      { ALT: () => this.CONSUME(T.Calls) },
      { ALT: () => { this.OPTION3(() => this.CONSUME(T.Web)); this.CONSUME(T.Searches); } },
    ]));
  });

  media = this.RULE('media', () => {
    this.OR((this.cache[4] ??= [{ ALT: () => this.CONSUME(T.Audio) }, { ALT: () => this.CONSUME(T.Image) }]));
  });

  /** `cache read`, `cache read audio`, `cache write`, `cache write 5m`, `cache write 1h`. */
  cacheKind = this.RULE('cacheKind', () => {
    this.CONSUME(T.Cache);
    this.OR((this.cache[5] ??= [
      { ALT: () => { this.CONSUME(T.Read); this.OPTION2(() => this.CONSUME(T.Audio)); } },
      { ALT: () => { this.CONSUME(T.Write); this.OPTION(() => this.CONSUME(T.Duration)); } },
    ]));
  });

  aliasEntry = this.RULE('aliasEntry', () => {
    this.CONSUME(T.Alias);
    this.SUBRULE(this.nameList);
  });

  longContext = this.RULE('longContext', () => {
    this.CONSUME(T.Above);
    this.SUBRULE(this.expression);
    this.CONSUME(T.Prompt);
    this.CONSUME(T.Tokens);
    this.CONSUME(T.LBrace);
    this.MANY(() =>
      this.OR((this.cache[6] ??= [
        { ALT: () => this.SUBRULE(this.rateEntry) },
        { ALT: () => this.SUBRULE(this.unknownEntry) },
        { ALT: () => this.CONSUME(T.Semicolon) },
      ])),
    );
    this.CONSUME(T.RBrace);
  });

  /** A misspelled keyword at the start of an entry: parsed so the rest of the file still checks. */
  unknownEntry = this.RULE('unknownEntry', () => {
    this.CONSUME(T.Identifier);
    this.OPTION(() => this.SUBRULE(this.expression));
  });

  adjustmentStmt = this.RULE('adjustmentStmt', () => {
    this.OR((this.cache[7] ??= [
      { ALT: () => { this.CONSUME(T.Markup); this.OPTION(() => this.CONSUME(T.Factor)); } },
      { ALT: () => this.CONSUME(T.Discount) },
    ]));
    this.SUBRULE(this.expression);
    this.OPTION2(() => this.SUBRULE(this.scope));
    this.OPTION3(() => this.SUBRULE(this.whenClause));
    this.OPTION4(() => this.SUBRULE(this.asClause));
  });

  scope = this.RULE('scope', () => {
    this.CONSUME(T.On);
    this.OR((this.cache[8] ??= [
      { ALT: () => { this.CONSUME(T.All); this.CONSUME(T.Models); } },
      {
        ALT: () => {
          this.OR2((this.cache[23] ??= [{ ALT: () => this.CONSUME(T.Model) }, { ALT: () => this.CONSUME2(T.Models) }]));
          this.SUBRULE(this.nameList);
          this.OPTION(() => {
            this.CONSUME(T.From);
            this.SUBRULE(this.providerList);
          });
        },
      },
      { ALT: () => this.SUBRULE2(this.providerList) },
    ]));
  });

  providerList = this.RULE('providerList', () => {
    this.OR((this.cache[9] ??= [{ ALT: () => this.CONSUME(T.Provider) }, { ALT: () => this.CONSUME(T.Providers) }]));
    this.SUBRULE(this.nameList);
  });

  whenClause = this.RULE('whenClause', () => {
    this.CONSUME(T.When);
    this.AT_LEAST_ONE_SEP((this.cache[25] ??= { SEP: T.And, DEF: () => this.SUBRULE(this.clause) }));
  });

  clause = this.RULE('clause', () => {
    this.CONSUME(T.Name);
    this.OR((this.cache[10] ??= [
      { ALT: () => { this.CONSUME(T.Eq); this.SUBRULE(this.value); } },
      { ALT: () => { this.CONSUME(T.NotEq); this.SUBRULE2(this.value); } },
      { ALT: () => { this.CONSUME(T.In); this.SUBRULE(this.valueList); } },
      { ALT: () => { this.CONSUME(T.Not); this.CONSUME2(T.In); this.SUBRULE2(this.valueList); } },
    ]));
  });

  valueList = this.RULE('valueList', () => {
    this.CONSUME(T.LParen);
    this.AT_LEAST_ONE_SEP((this.cache[26] ??= { SEP: T.Comma, DEF: () => this.SUBRULE(this.value) }));
    this.CONSUME(T.RParen);
  });

  value = this.RULE('value', () => {
    this.OR((this.cache[11] ??= [{ ALT: () => this.CONSUME(T.StringLit) }, { ALT: () => this.CONSUME(T.Name) }, { ALT: () => this.CONSUME(T.NumberLit) }]));
  });

  asClause = this.RULE('asClause', () => {
    this.CONSUME(T.As);
    this.SUBRULE(this.nameValue);
  });

  tiersStmt = this.RULE('tiersStmt', () => {
    this.CONSUME(T.Tiers);
    this.CONSUME(T.Mode);
    this.CONSUME(T.On);
    this.SUBRULE(this.meter);
    this.OPTION(() => this.CONSUME(T.Period));
    this.OPTION2(() => this.SUBRULE(this.scope));
    this.OPTION3(() => this.SUBRULE(this.whenClause));
    this.OPTION4(() => this.SUBRULE(this.asClause));
    this.CONSUME(T.LBrace);
    this.MANY(() =>
      this.OR((this.cache[12] ??= [
        { ALT: () => this.SUBRULE(this.tierLine) },
        { ALT: () => this.SUBRULE(this.freeLine) },
        { ALT: () => this.SUBRULE(this.packageLine) },
        { ALT: () => this.SUBRULE(this.unknownEntry) },
        { ALT: () => this.CONSUME(T.Semicolon) },
      ])),
    );
    this.CONSUME(T.RBrace);
  });

  /** What a schedule counts: `tokens`, `output tokens`, `cache read tokens`, `requests`, `web searches`. */
  meter = this.RULE('meter', () => {
    this.OR((this.cache[13] ??= [
      { ALT: () => this.CONSUME(T.Tokens) },
      { ALT: () => this.CONSUME(T.Requests) },
      { ALT: () => this.CONSUME(T.Calls) },
      { ALT: () => { this.OPTION(() => this.CONSUME(T.Web)); this.CONSUME(T.Searches); } },
      { ALT: () => { this.SUBRULE(this.tokenKind); this.CONSUME2(T.Tokens); } },
    ]));
  });

  tokenKind = this.RULE('tokenKind', () => {
    this.OR((this.cache[14] ??= [
      { ALT: () => { this.CONSUME(T.Input); this.OPTION(() => this.SUBRULE(this.media)); } },
      { ALT: () => { this.CONSUME(T.Output); this.OPTION2(() => this.SUBRULE2(this.media)); } },
      { ALT: () => { this.CONSUME(T.Uncached); this.CONSUME2(T.Input); } },
      { ALT: () => { this.CONSUME(T.Visible); this.CONSUME2(T.Output); } },
      { ALT: () => { this.CONSUME(T.Cached); this.CONSUME3(T.Input); } },
      { ALT: () => this.SUBRULE(this.cacheKind) },
      { ALT: () => this.CONSUME(T.Reasoning) },
    ]));
  });

  /** `up to B PRICE`, `from A to B PRICE`, `above [A] PRICE`, each with an optional `flat FEE`. */
  tierLine = this.RULE('tierLine', () => {
    this.OR((this.cache[15] ??= [
      { ALT: () => { this.CONSUME(T.Up); this.CONSUME(T.To); this.SUBRULE(this.expression, { LABEL: 'bound' }); this.SUBRULE2(this.expression, { LABEL: 'price' }); } },
      {
        ALT: () => {
          this.CONSUME(T.From);
          this.SUBRULE3(this.expression, { LABEL: 'lower' });
          this.CONSUME2(T.To);
          this.SUBRULE4(this.expression, { LABEL: 'bound' });
          this.SUBRULE5(this.expression, { LABEL: 'price' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Above);
          this.SUBRULE6(this.expression, { LABEL: 'lower' });
          this.OPTION(() => this.SUBRULE7(this.expression, { LABEL: 'price' }));
        },
      },
    ]));
    this.OPTION2(() => {
      this.CONSUME(T.Flat);
      this.SUBRULE8(this.expression, { LABEL: 'flat' });
    });
  });

  freeLine = this.RULE('freeLine', () => {
    this.CONSUME(T.First);
    this.SUBRULE(this.expression);
    this.CONSUME(T.Free);
  });

  /** A package price: `5.00 per 1000 requests`. */
  packageLine = this.RULE('packageLine', () => {
    this.SUBRULE(this.expression);
  });

  planStmt = this.RULE('planStmt', () => {
    this.CONSUME(T.Plan);
    this.SUBRULE(this.nameValue);
    this.CONSUME(T.Period);
    this.CONSUME(T.LBrace);
    this.MANY(() =>
      this.OR((this.cache[16] ??= [
        { ALT: () => this.SUBRULE(this.planAmount) },
        { ALT: () => this.SUBRULE(this.includesEntry) },
        { ALT: () => this.SUBRULE(this.tiersStmt) },
        { ALT: () => this.SUBRULE(this.unknownEntry) },
        { ALT: () => this.CONSUME(T.Semicolon) },
      ])),
    );
    this.CONSUME(T.RBrace);
  });

  /** `fee 500.00`, `minimum 1_000`, `cap 10_000`. */
  planAmount = this.RULE('planAmount', () => {
    this.OR((this.cache[17] ??= [{ ALT: () => this.CONSUME(T.Fee) }, { ALT: () => this.CONSUME(T.Minimum) }, { ALT: () => this.CONSUME(T.Cap) }]));
    this.SUBRULE(this.expression);
  });

  /** `includes 100M tokens`, `includes 10M output tokens`. */
  includesEntry = this.RULE('includesEntry', () => {
    this.CONSUME(T.Includes);
    this.SUBRULE(this.expression);
    this.OPTION(() => this.SUBRULE(this.meter));
  });

  budgetStmt = this.RULE('budgetStmt', () => {
    this.CONSUME(T.Budget);
    this.OPTION(() => this.CONSUME(T.StringLit));
    this.CONSUME(T.Per);
    this.CONSUME(T.Name);
    this.CONSUME(T.Period);
    this.SUBRULE(this.expression);
    this.OPTION2(() => this.SUBRULE(this.whenClause));
    this.OPTION3(() => {
      this.CONSUME(T.LBrace);
      this.MANY(() =>
        this.OR((this.cache[18] ??= [
          { ALT: () => this.SUBRULE(this.alertEntry) },
          { ALT: () => { this.CONSUME(T.Hard); this.CONSUME(T.Limit); } },
          { ALT: () => this.SUBRULE(this.unknownEntry) },
          { ALT: () => this.CONSUME(T.Semicolon) },
        ])),
      );
      this.CONSUME(T.RBrace);
    });
  });

  alertEntry = this.RULE('alertEntry', () => {
    this.CONSUME(T.Alert);
    this.CONSUME(T.At);
    this.AT_LEAST_ONE_SEP((this.cache[27] ??= { SEP: T.Comma, DEF: () => this.SUBRULE(this.expression) }));
  });

  nameValue = this.RULE('nameValue', () => {
    this.OR((this.cache[19] ??= [{ ALT: () => this.CONSUME(T.StringLit) }, { ALT: () => this.CONSUME(T.Name) }]));
  });

  nameList = this.RULE('nameList', () => {
    this.AT_LEAST_ONE_SEP((this.cache[28] ??= { SEP: T.Comma, DEF: () => this.SUBRULE(this.nameValue) }));
  });

  // Expressions: `+ -` below `* /`, below `per` (a price), below atoms.
  expression = this.RULE('expression', () => {
    this.SUBRULE(this.product);
    this.MANY(() => {
      this.OR((this.cache[20] ??= [{ ALT: () => this.CONSUME(T.Plus) }, { ALT: () => this.CONSUME(T.Minus) }]));
      this.SUBRULE2(this.product);
    });
  });

  product = this.RULE('product', () => {
    this.SUBRULE(this.priced);
    this.MANY(() => {
      this.OR((this.cache[21] ??= [{ ALT: () => this.CONSUME(T.Star) }, { ALT: () => this.CONSUME(T.Slash) }]));
      this.SUBRULE2(this.priced);
    });
  });

  /** `2.50 per 1M tokens`: an amount, optionally per a count of units. */
  priced = this.RULE('priced', () => {
    this.SUBRULE(this.atom);
    this.OPTION(() => {
      this.CONSUME(T.Per);
      this.OPTION2(() => this.CONSUME(T.NumberLit));
      this.CONSUME(T.UnitWord);
    });
  });

  atom = this.RULE('atom', () => {
    this.OR((this.cache[22] ??= [
      { ALT: () => { this.CONSUME(T.Dollar); this.CONSUME(T.NumberLit); } },
      {
        ALT: () => {
          this.numberLine = this.CONSUME2(T.NumberLit).endLine;
          // A unit belongs to the number on its own line: `input 5` then `request 0.01 per request`
          // on the next line must not read as `5 request`.
          this.OPTION((this.cache[29] ??= {
            GATE: () => this.LA(1).startLine === this.numberLine,
            DEF: () =>
              this.OR2((this.cache[24] ??= [{ ALT: () => this.CONSUME(T.PercentSign) }, { ALT: () => this.CONSUME(T.UnitWord) }, { ALT: () => this.CONSUME(T.CurrencyCode) }])),
          }));
        },
      },
      { ALT: () => { this.CONSUME(T.LParen); this.SUBRULE(this.expression); this.CONSUME(T.RParen); } },
    ]));
  });
}


/** Tokens that cannot start a statement (the members of the Stray category). */
const STRAY_TOKENS: TokenType[] = T.ALL_TOKENS.filter((t) => (t.CATEGORIES ?? []).includes(T.Stray));

let shared: RateParser | undefined;

/** The one parser instance (chevrotain parsers are reusable: set `input`, call a rule). */
export function rateParser(): RateParser {
  return (shared ??= new RateParser());
}

export type { CstNode, IToken };

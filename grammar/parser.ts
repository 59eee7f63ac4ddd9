/**
 * The parser: one Chevrotain `CstParser` that only recognises input and builds a CST
 * (to-ast.ts gives it meaning). Grammar: docs/language.md. Rules are class properties, so
 * `SUBRULE(this.typo)` fails to compile.
 *
 * Recovery is on: every syntax error is recorded in `errors` and parsing goes on (single
 * token insertion/deletion, re-sync to the follow set, skipping to the next item at top
 * level). Partial CST nodes therefore lack children; to-ast.ts tolerates that.
 */
import {
  CstParser,
  type CstNode,
  EOF,
  generateCstDts,
  type IOrAlt,
  type IRecognitionException,
  type IParserErrorMessageProvider,
  type IToken,
  type TokenType,
} from "chevrotain";
import type { ItemCstNode } from "./cst.generated.d.ts";
import * as T from "./tokens.ts";

/** Conditions may nest this many levels of `(` and `not` (docs/language.md). */
export const MAX_CONDITION_DEPTH = 64;

/** Where condition nesting went past {@link MAX_CONDITION_DEPTH}: the offending token. */
export interface NestingError {
  readonly token: IToken;
}

/** The errors of one parse (the AST comes out item by item, through the callback). */
export interface ParseOutcome {
  readonly errors: readonly IRecognitionException[];
  readonly nestingErrors: readonly NestingError[];
}

// ---------------------------------------------------------------- error messages

const ITEM_DESCRIPTION =
  "an item (`when`, `codes`, `dx`, `modifiers`, `override`, `disable`, `ptp`, `mue`, `aoc`, `select`, `test`)";
const META_DESCRIPTION =
  "metadata (`id`, `severity`, `category`, `message`, `source`, `effective`, `until`, `fix`, `version`, `only`)";
const CONDITION_DESCRIPTION =
  "a condition (a code or set, `not`, `(`, `dx`, `claim dx`, `modifier`, `units`, `age`, `sex`, `pos`, `payer`, `dos` or a fact such as `site`)";

/** What a whole rule expects, when a choice inside it fails: clearer than a token list. */
const RULE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  item: ITEM_DESCRIPTION,
  ruleBody: `\`line\` or ${CONDITION_DESCRIPTION}`,
  action: "an action (`require`, `forbid`, `limit`, `deny`, `flag`)",
  notCond: CONDITION_DESCRIPTION,
  atom: CONDITION_DESCRIPTION,
  meta: META_DESCRIPTION,
  fixSpec: "a fix (`replace`, `remove`, `add`, `set units` or a string)",
  codesQualifier: "`count`, `units`, `with` or `without`",
  expectation: "`no`, `verdict`, a severity or a rule id",
  anyIdent: "a name",
  factValue: "a value (a number, a code or a name)",
  setKind: "`codes`, `dx` or `modifiers`",
  tableKind: "`ptp`, `mue` or `aoc`",
  claimIdValue: "a claim id (a word, a name or a string)",
};

/** How a token type reads in "expected …", per rule where the generic label is vague. */
function describeExpected(tokenType: TokenType, ruleName: string): string {
  if (tokenType === T.Word) {
    switch (ruleName) {
      case "number":
        return "a number";
      case "setItem":
      case "setExpr":
        return "a code, range or set name";
      case "setDecl":
        return "a set name";
      case "testLine":
      case "selectCase":
        return "a code";
      default:
        return "a code, number or set name";
    }
  }
  if (tokenType === T.Ident && ruleName === "expectation") return "a rule id";
  if (tokenType === T.DateLiteral) return "a date (`YYYY-MM-DD`)";
  if (tokenType === T.CmpOp) return "a comparison (`>`, `>=`, `<`, `<=`, `=`, `!=`)";
  if (tokenType === EOF) return "end of file";
  return tokenType.LABEL ?? `\`${tokenType.name}\``;
}

/** How the token actually found reads: its text in backticks, cut short if long. */
export function describeFound(token: IToken): string {
  if (token.tokenType === EOF) return "end of file";
  const image = token.image.length > 40 ? `${token.image.slice(0, 40)}…` : token.image;
  return `\`${image}\``;
}

function joinAlternatives(items: readonly string[]): string {
  const unique = [...new Set(items)];
  if (unique.length <= 1) return unique[0] ?? "something else";
  return `${unique.slice(0, -1).join(", ")} or ${unique[unique.length - 1]}`;
}

function firstTokens(paths: readonly (readonly TokenType[])[]): TokenType[] {
  const out: TokenType[] = [];
  for (const path of paths) if (path[0] !== undefined) out.push(path[0]);
  return out;
}

/** House-style messages: lower-case, backticks, say what would be valid. */
const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, ruleName }) {
    // In-repetition recovery reports "expected <what follows the loop>": say what the loop takes.
    if (ruleName === "file" && expected === EOF) {
      return `expected ${ITEM_DESCRIPTION} or ${META_DESCRIPTION} but found ${describeFound(actual)}`;
    }
    if (ruleName === "testBlock" && expected === T.RCurly) {
      return `expected \`claim\`, \`line\`, \`expect\` or \`}\` but found ${describeFound(actual)}`;
    }
    if (ruleName === "selectTable" && expected === T.RCurly) {
      return `expected \`case\` or \`}\` but found ${describeFound(actual)}`;
    }
    return `expected ${describeExpected(expected, ruleName)} but found ${describeFound(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `expected ${ITEM_DESCRIPTION} but found ${describeFound(firstRedundant)}`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, ruleName }) {
    const found = actual[0] ? describeFound(actual[0]) : "end of file";
    const described = RULE_DESCRIPTIONS[ruleName];
    if (described !== undefined) return `expected ${described} but found ${found}`;
    const expected = expectedPathsPerAlt.flatMap((alt) =>
      firstTokens(alt).map((t) => describeExpected(t, ruleName)),
    );
    return `expected ${joinAlternatives(expected)} but found ${found}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual, ruleName }) {
    const found = actual[0] ? describeFound(actual[0]) : "end of file";
    const expected = firstTokens(expectedIterationPaths).map((t) => describeExpected(t, ruleName));
    return `expected ${joinAlternatives(expected)} but found ${found}`;
  },
};

// ---------------------------------------------------------------- nesting guard

/** Tokens that end a skipped, too-deep condition whatever the parenthesis balance. */
const HARD_STOPS: ReadonlySet<TokenType> = new Set([
  EOF,
  // items
  T.When, T.Override, T.Disable, T.Ptp, T.Mue, T.Aoc, T.Select, T.Test, T.Ruleset, T.Codes,
  T.Modifiers,
  // actions, select cases, blocks
  T.Require, T.Forbid, T.Limit, T.Deny, T.Flag, T.Arrow, T.Case, T.LCurly, T.RCurly,
  // metadata
  T.Id, T.Severity, T.Category, T.Message, T.Source, T.Effective, T.Until, T.Fix, T.Version,
  T.Only,
]);
/** Tokens that end a skipped condition only outside any parenthesis it opened. */
const SOFT_STOPS: ReadonlySet<TokenType> = new Set([T.RParen, T.And, T.Or]);

// ---------------------------------------------------------------- the parser

/** The rule-language parser. Use {@link ruleParser} (a singleton): construction is costly. */
export class RuleParser extends CstParser {
  /**
   * The alternatives of every `OR`, built on first use and then reused: building the
   * arrays and closures on each call was a fifth of the parse time (Chevrotain's
   * performance guide, "caching arrays of alternatives").
   */
  private readonly alts: Record<string, IOrAlt<unknown>[]> = {};
  /** Current `(` / `not` nesting of the condition being parsed. */
  private depth = 0;
  /** Nesting errors of the current parse (DR1005), in input order. */
  private nestingErrors: NestingError[] = [];
  /** Receives each top-level item of the current parse (see parseTokens). */
  private onItem: ((item: ItemCstNode) => void) | undefined;

  constructor() {
    super(T.allTokens as TokenType[], {
      recoveryEnabled: true,
      maxLookahead: 2,
      errorMessageProvider: messages,
    });
    this.performSelfAnalysis();
  }

  /**
   * Parses a token vector. Each top-level item is handed to `onItem` as soon as it is
   * parsed and then cut out of the tree, so that the CST of a huge file never lives all at
   * once (200,000 rules would otherwise hold gigabytes). The parser keeps no reference to
   * the input afterwards.
   */
  parseTokens(tokens: IToken[], onItem: (item: ItemCstNode) => void): ParseOutcome {
    this.depth = 0;
    this.nestingErrors = [];
    this.onItem = onItem;
    this.input = tokens;
    try {
      this.file();
      return { errors: this.errors, nestingErrors: this.nestingErrors };
    } finally {
      this.onItem = undefined;
      // Setting `input` resets the parser (and its `errors`), releasing the token vector.
      this.input = [];
      this.nestingErrors = [];
    }
  }

  /** Hands a finished item to `onItem`, then drops its subtree: only the AST is kept. */
  private handOver(item: CstNode): void {
    if (this.onItem === undefined) return;
    this.onItem(item as ItemCstNode);
    (item as { children: CstNode["children"] }).children = {};
  }

  // file := item* (a misplaced `ruleset` is an item too, so to-ast can say where it belongs)
  file = this.RULE("file", () => {
    this.MANY(() => {
      const item = this.SUBRULE(this.item);
      this.ACTION(() => this.handOver(item));
    });
  });

  item = this.RULE("item", () => {
    this.OR((this.alts.item ??= [
      { ALT: () => this.SUBRULE(this.rulesetDecl) },
      { ALT: () => this.SUBRULE(this.setDecl) },
      { ALT: () => this.SUBRULE(this.rule) },
      { ALT: () => this.SUBRULE(this.overrideDecl) },
      { ALT: () => this.SUBRULE(this.disableDecl) },
      { ALT: () => this.SUBRULE(this.tableRef) },
      { ALT: () => this.SUBRULE(this.selectTable) },
      { ALT: () => this.SUBRULE(this.testBlock) },
    ]));
  });

  // ruleset NAME [extends NAME]
  rulesetDecl = this.RULE("rulesetDecl", () => {
    this.CONSUME(T.Ruleset);
    this.SUBRULE(this.anyIdent, { LABEL: "name" });
    this.OPTION(() => {
      this.CONSUME(T.Extends);
      this.SUBRULE2(this.anyIdent, { LABEL: "base" });
    });
  });

  // codes|dx|modifiers NAME = SET
  setDecl = this.RULE("setDecl", () => {
    this.SUBRULE(this.setKind);
    this.CONSUME(T.Word, { LABEL: "name" });
    this.CONSUME(T.Eq);
    this.SUBRULE(this.setExpr);
  });

  setKind = this.RULE("setKind", () => {
    this.OR((this.alts.setKind ??= [
      { ALT: () => this.CONSUME(T.Codes) },
      { ALT: () => this.CONSUME(T.Dx) },
      { ALT: () => this.CONSUME(T.Modifiers) },
    ]));
  });

  // when … ACTION META*
  rule = this.RULE("rule", () => {
    this.SUBRULE(this.ruleBody);
    this.MANY(() => this.SUBRULE(this.meta));
  });

  // when [line SET [[and] COND]] | when COND, then ACTION
  ruleBody = this.RULE("ruleBody", () => {
    this.CONSUME(T.When);
    this.OR((this.alts.ruleBody ??= [
      {
        ALT: () => {
          this.CONSUME(T.Line);
          this.SUBRULE(this.setExpr, { LABEL: "subject" });
          this.OPTION(() => {
            this.OPTION2(() => this.CONSUME(T.And));
            this.SUBRULE(this.orCond, { LABEL: "condition" });
          });
        },
      },
      { ALT: () => this.SUBRULE2(this.orCond, { LABEL: "condition" }) },
    ]));
    this.SUBRULE(this.action);
  });

  // override ID [when … ACTION] META*
  overrideDecl = this.RULE("overrideDecl", () => {
    this.CONSUME(T.Override);
    this.SUBRULE(this.anyIdent, { LABEL: "target" });
    this.OPTION(() => this.SUBRULE(this.ruleBody));
    this.MANY(() => this.SUBRULE(this.meta));
  });

  // disable ID
  disableDecl = this.RULE("disableDecl", () => {
    this.CONSUME(T.Disable);
    this.SUBRULE(this.anyIdent, { LABEL: "target" });
  });

  // ptp|mue|aoc "path" META*
  tableRef = this.RULE("tableRef", () => {
    this.SUBRULE(this.tableKind);
    this.CONSUME(T.StringLiteral, { LABEL: "path" });
    this.MANY(() => this.SUBRULE(this.meta));
  });

  tableKind = this.RULE("tableKind", () => {
    this.OR((this.alts.tableKind ??= [
      { ALT: () => this.CONSUME(T.Ptp) },
      { ALT: () => this.CONSUME(T.Mue) },
      { ALT: () => this.CONSUME(T.Aoc) },
    ]));
  });

  // select for SET { case COND -> CODE … } META*
  selectTable = this.RULE("selectTable", () => {
    this.CONSUME(T.Select);
    this.CONSUME(T.For);
    this.SUBRULE(this.setExpr, { LABEL: "subject" });
    this.CONSUME(T.LCurly);
    this.MANY(() => this.SUBRULE(this.selectCase));
    this.CONSUME(T.RCurly);
    this.MANY2(() => this.SUBRULE(this.meta));
  });

  selectCase = this.RULE("selectCase", () => {
    this.CONSUME(T.Case);
    this.SUBRULE(this.orCond, { LABEL: "condition" });
    this.CONSUME(T.Arrow);
    this.CONSUME(T.Word, { LABEL: "code" });
  });

  // test "name" { claim … line … expect … }
  testBlock = this.RULE("testBlock", () => {
    this.CONSUME(T.Test);
    this.CONSUME(T.StringLiteral, { LABEL: "name" });
    this.CONSUME(T.LCurly);
    this.MANY(() =>
      this.OR((this.alts.testBlock ??= [
        { ALT: () => this.SUBRULE(this.testClaim) },
        { ALT: () => this.SUBRULE(this.testLine) },
        { ALT: () => this.SUBRULE(this.expectation) },
      ])),
    );
    this.CONSUME(T.RCurly);
  });

  // claim, then attributes in any order (duplicates are reported by to-ast)
  testClaim = this.RULE("testClaim", () => {
    this.CONSUME(T.Claim);
    this.MANY(() =>
      this.OR((this.alts.testClaim ??= [
        { ALT: () => this.SUBRULE(this.claimId) },
        { ALT: () => this.SUBRULE(this.dosAttr) },
        { ALT: () => this.SUBRULE(this.payerAttr) },
        { ALT: () => this.SUBRULE(this.dxAttr) },
        { ALT: () => this.SUBRULE(this.sexAttr) },
        { ALT: () => this.SUBRULE(this.bornAttr) },
        { ALT: () => this.SUBRULE(this.posAttr) },
      ])),
    );
  });

  claimId = this.RULE("claimId", () => {
    this.CONSUME(T.Id);
    this.SUBRULE(this.claimIdValue);
  });

  claimIdValue = this.RULE("claimIdValue", () => {
    this.OR((this.alts.claimIdValue ??= [
      { ALT: () => this.CONSUME(T.Word) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.SUBRULE(this.anyIdent) },
    ]));
  });

  dosAttr = this.RULE("dosAttr", () => {
    this.CONSUME(T.Dos);
    this.CONSUME(T.DateLiteral);
  });

  payerAttr = this.RULE("payerAttr", () => {
    this.CONSUME(T.Payer);
    this.SUBRULE(this.anyIdent);
  });

  // claim `dx a, b` (codes) and line `dx 1, 2` (pointers) share the shape: words
  dxAttr = this.RULE("dxAttr", () => {
    this.CONSUME(T.Dx);
    this.SUBRULE(this.wordList);
  });

  sexAttr = this.RULE("sexAttr", () => {
    this.CONSUME(T.Sex);
    this.CONSUME(T.Word);
  });

  bornAttr = this.RULE("bornAttr", () => {
    this.CONSUME(T.Born);
    this.CONSUME(T.DateLiteral);
  });

  posAttr = this.RULE("posAttr", () => {
    this.CONSUME(T.Pos);
    this.CONSUME(T.Word);
  });

  // line CODE, then attributes in any order
  testLine = this.RULE("testLine", () => {
    this.CONSUME(T.Line);
    this.CONSUME(T.Word, { LABEL: "code" });
    this.MANY(() =>
      this.OR((this.alts.testLine ??= [
        { ALT: () => this.SUBRULE(this.unitsAttr) },
        { ALT: () => this.SUBRULE(this.modifiersAttr) },
        { ALT: () => this.SUBRULE(this.dxAttr) },
        { ALT: () => this.SUBRULE(this.dosAttr) },
        { ALT: () => this.SUBRULE(this.chargeAttr) },
        { ALT: () => this.SUBRULE(this.factsAttr) },
      ])),
    );
  });

  unitsAttr = this.RULE("unitsAttr", () => {
    this.CONSUME(T.Units);
    this.SUBRULE(this.number);
  });

  // `modifiers 59, XS` (`modifier 59` is accepted too)
  modifiersAttr = this.RULE("modifiersAttr", () => {
    this.OR((this.alts.modifiersAttr ??= [{ ALT: () => this.CONSUME(T.Modifiers) }, { ALT: () => this.CONSUME(T.Modifier) }]));
    this.SUBRULE(this.wordList);
  });

  chargeAttr = this.RULE("chargeAttr", () => {
    this.CONSUME(T.Charge);
    this.SUBRULE(this.number);
  });

  // facts name value, name value …
  factsAttr = this.RULE("factsAttr", () => {
    this.CONSUME(T.Facts);
    this.SUBRULE(this.factPair);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.factPair);
    });
  });

  factPair = this.RULE("factPair", () => {
    this.SUBRULE(this.anyIdent, { LABEL: "name" });
    this.SUBRULE(this.factValue, { LABEL: "value" });
  });

  // expect no ID | expect verdict V | expect [SEVERITY] ID [lines N, …]
  expectation = this.RULE("expectation", () => {
    this.CONSUME(T.Expect);
    this.OR((this.alts.expectation ??= [
      {
        ALT: () => {
          this.CONSUME(T.No);
          this.SUBRULE(this.anyIdent, { LABEL: "rule" });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Verdict);
          this.SUBRULE2(this.anyIdent, { LABEL: "verdict" });
        },
      },
      {
        ALT: () => {
          // Two identifiers in a row: the first is the severity.
          this.CONSUME(T.Ident, { LABEL: "first" });
          this.OPTION(() => this.CONSUME2(T.Ident, { LABEL: "second" }));
          this.OPTION2(() => {
            this.CONSUME(T.Lines);
            this.SUBRULE(this.wordList, { LABEL: "lines" });
          });
        },
      },
    ]));
  });

  // ---------------------------------------------------------------- actions

  action = this.RULE("action", () => {
    this.OR((this.alts.action ??= [
      { ALT: () => this.SUBRULE(this.requireAction) },
      { ALT: () => this.SUBRULE(this.forbidAction) },
      { ALT: () => this.SUBRULE(this.limitAction) },
      { ALT: () => this.CONSUME(T.Deny) },
      { ALT: () => this.CONSUME(T.Flag) },
    ]));
  });

  // require SET | require modifier SET [on SET] | require dx [in] SET
  requireAction = this.RULE("requireAction", () => {
    this.CONSUME(T.Require);
    this.OR((this.alts.requireAction ??= [
      { ALT: () => this.SUBRULE(this.modifierTarget) },
      {
        ALT: () => {
          this.CONSUME(T.Dx);
          this.OPTION(() => this.CONSUME(T.In));
          this.SUBRULE(this.setExpr, { LABEL: "dx" });
        },
      },
      { ALT: () => this.SUBRULE2(this.setExpr, { LABEL: "codes" }) },
    ]));
  });

  // forbid SET | forbid modifier SET [on SET]
  forbidAction = this.RULE("forbidAction", () => {
    this.CONSUME(T.Forbid);
    this.OR((this.alts.forbidAction ??= [
      { ALT: () => this.SUBRULE(this.modifierTarget) },
      { ALT: () => this.SUBRULE(this.setExpr, { LABEL: "codes" }) },
    ]));
  });

  // modifier SET [on SET]
  modifierTarget = this.RULE("modifierTarget", () => {
    this.CONSUME(T.Modifier);
    this.SUBRULE(this.setExpr, { LABEL: "modifiers" });
    this.OPTION(() => {
      this.CONSUME(T.On);
      this.SUBRULE2(this.setExpr, { LABEL: "on" });
    });
  });

  // limit SET to N [per line | per day]
  limitAction = this.RULE("limitAction", () => {
    this.CONSUME(T.Limit);
    this.SUBRULE(this.setExpr, { LABEL: "codes" });
    this.CONSUME(T.To);
    this.SUBRULE(this.number, { LABEL: "max" });
    this.OPTION(() => {
      this.CONSUME(T.Per);
      this.OR((this.alts.limitAction ??= [{ ALT: () => this.CONSUME(T.Line) }, { ALT: () => this.CONSUME(T.Day) }]));
    });
  });

  // ---------------------------------------------------------------- metadata

  meta = this.RULE("meta", () => {
    this.OR((this.alts.meta ??= [
      {
        ALT: () => {
          this.CONSUME(T.Id);
          this.SUBRULE(this.anyIdent, { LABEL: "id" });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Severity);
          this.SUBRULE2(this.anyIdent, { LABEL: "severity" });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Category);
          this.SUBRULE3(this.anyIdent, { LABEL: "category" });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Message);
          this.CONSUME(T.StringLiteral, { LABEL: "message" });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Source);
          this.CONSUME2(T.StringLiteral, { LABEL: "source" });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Effective);
          this.OPTION(() => this.CONSUME(T.DateLiteral, { LABEL: "from" }));
          this.OPTION2(() => {
            this.CONSUME(T.Until);
            this.CONSUME2(T.DateLiteral, { LABEL: "until" });
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME2(T.Until);
          this.CONSUME3(T.DateLiteral, { LABEL: "until" });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Fix);
          this.SUBRULE(this.fixSpec);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Version);
          this.CONSUME3(T.StringLiteral, { LABEL: "version" });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Only);
          this.SUBRULE(this.setExpr, { LABEL: "only" });
        },
      },
    ]));
  });

  // replace S with S | remove [S] | add S | add modifier W [to S] | set units N | "text"
  fixSpec = this.RULE("fixSpec", () => {
    this.OR((this.alts.fixSpec ??= [
      {
        ALT: () => {
          this.CONSUME(T.Replace);
          this.SUBRULE(this.setExpr, { LABEL: "from" });
          this.CONSUME(T.With);
          this.SUBRULE2(this.setExpr, { LABEL: "to" });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Remove);
          this.OPTION(() => this.SUBRULE3(this.setExpr, { LABEL: "codes" }));
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Add);
          this.OR2((this.alts.addWhat ??= [
            {
              ALT: () => {
                this.CONSUME(T.Modifier);
                this.CONSUME(T.Word, { LABEL: "modifier" });
                this.OPTION2(() => {
                  this.CONSUME(T.To);
                  this.SUBRULE4(this.setExpr, { LABEL: "to" });
                });
              },
            },
            { ALT: () => this.SUBRULE5(this.setExpr, { LABEL: "codes" }) },
          ]));
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.SetKw);
          this.CONSUME(T.Units);
          this.SUBRULE(this.number, { LABEL: "units" });
        },
      },
      { ALT: () => this.CONSUME(T.StringLiteral, { LABEL: "text" }) },
    ]));
  });

  // ---------------------------------------------------------------- conditions

  // or binds loosest, then and, then not
  orCond = this.RULE("orCond", () => {
    this.SUBRULE(this.andCond);
    this.MANY(() => {
      this.CONSUME(T.Or);
      this.SUBRULE2(this.andCond);
    });
  });

  andCond = this.RULE("andCond", () => {
    this.SUBRULE(this.notCond);
    this.MANY(() => {
      this.CONSUME(T.And);
      this.SUBRULE2(this.notCond);
    });
  });

  notCond = this.RULE("notCond", () => {
    // INVARIANT: every `not` and `(` passes through here before it recurses, so checking
    // the depth here bounds the recursion (and the JS stack) at MAX_CONDITION_DEPTH levels.
    if (this.ACTION(() => this.tooDeep())) {
      this.ACTION(() => this.skipTooDeep());
      return;
    }
    this.OR((this.alts.notCond ??= [
      {
        ALT: () => {
          this.CONSUME(T.Not);
          this.nested(() => this.SUBRULE(this.notCond));
        },
      },
      { ALT: () => this.SUBRULE(this.atom) },
    ]));
  });

  atom = this.RULE("atom", () => {
    this.OR((this.alts.atom ??= [
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.nested(() => this.SUBRULE(this.orCond));
          this.CONSUME(T.RParen);
        },
      },
      { ALT: () => this.SUBRULE(this.codesAtom) },
      { ALT: () => this.SUBRULE(this.dxAtom) },
      { ALT: () => this.SUBRULE(this.claimDxAtom) },
      { ALT: () => this.SUBRULE(this.modifierAtom) },
      { ALT: () => this.SUBRULE(this.unitsAtom) },
      { ALT: () => this.SUBRULE(this.ageAtom) },
      { ALT: () => this.SUBRULE(this.sexAtom) },
      { ALT: () => this.SUBRULE(this.posAtom) },
      { ALT: () => this.SUBRULE(this.payerAtom) },
      { ALT: () => this.SUBRULE(this.dosAtom) },
      { ALT: () => this.SUBRULE(this.factAtom) },
    ]));
  });

  // SET [count OP N | units OP N | with/without modifier SET | with/without dx SET]
  codesAtom = this.RULE("codesAtom", () => {
    this.SUBRULE(this.setExpr, { LABEL: "codes" });
    this.OPTION(() => this.SUBRULE(this.codesQualifier));
  });

  codesQualifier = this.RULE("codesQualifier", () => {
    this.OR((this.alts.codesQualifier ??= [
      {
        ALT: () => {
          this.CONSUME(T.Count);
          this.CONSUME(T.CmpOp);
          this.SUBRULE(this.number);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Units);
          this.CONSUME2(T.CmpOp);
          this.SUBRULE2(this.number);
        },
      },
      {
        ALT: () => {
          this.OR2((this.alts.withOrWithout ??= [{ ALT: () => this.CONSUME(T.With) }, { ALT: () => this.CONSUME(T.Without) }]));
          this.OR3((this.alts.withWhat ??= [
            {
              ALT: () => {
                this.CONSUME(T.Modifier);
                this.SUBRULE(this.setExpr, { LABEL: "modifiers" });
              },
            },
            {
              ALT: () => {
                this.CONSUME(T.Dx);
                this.SUBRULE2(this.setExpr, { LABEL: "dx" });
              },
            },
          ]));
        },
      },
    ]));
  });

  // dx [in] SET
  dxAtom = this.RULE("dxAtom", () => {
    this.CONSUME(T.Dx);
    this.OPTION(() => this.CONSUME(T.In));
    this.SUBRULE(this.setExpr);
  });

  // claim dx [in] SET
  claimDxAtom = this.RULE("claimDxAtom", () => {
    this.CONSUME(T.Claim);
    this.CONSUME(T.Dx);
    this.OPTION(() => this.CONSUME(T.In));
    this.SUBRULE(this.setExpr);
  });

  // modifier SET
  modifierAtom = this.RULE("modifierAtom", () => {
    this.CONSUME(T.Modifier);
    this.SUBRULE(this.setExpr);
  });

  // units OP N
  unitsAtom = this.RULE("unitsAtom", () => {
    this.CONSUME(T.Units);
    this.CONSUME(T.CmpOp);
    this.SUBRULE(this.number);
  });

  // age OP N
  ageAtom = this.RULE("ageAtom", () => {
    this.CONSUME(T.Age);
    this.CONSUME(T.CmpOp);
    this.SUBRULE(this.number);
  });

  // sex [in|=] W, …
  sexAtom = this.RULE("sexAtom", () => {
    this.CONSUME(T.Sex);
    this.OPTION(() => this.SUBRULE(this.inOrEq));
    this.SUBRULE(this.wordList);
  });

  // pos [in|=] W, …
  posAtom = this.RULE("posAtom", () => {
    this.CONSUME(T.Pos);
    this.OPTION(() => this.SUBRULE(this.inOrEq));
    this.SUBRULE(this.wordList);
  });

  // payer [in|=] NAME, …
  payerAtom = this.RULE("payerAtom", () => {
    this.CONSUME(T.Payer);
    this.OPTION(() => this.SUBRULE(this.inOrEq));
    this.SUBRULE(this.anyIdent);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.anyIdent);
    });
  });

  inOrEq = this.RULE("inOrEq", () => {
    this.OR((this.alts.inOrEq ??= [{ ALT: () => this.CONSUME(T.In) }, { ALT: () => this.CONSUME(T.Eq) }]));
  });

  // dos OP DATE
  dosAtom = this.RULE("dosAtom", () => {
    this.CONSUME(T.Dos);
    this.CONSUME(T.CmpOp);
    this.CONSUME(T.DateLiteral);
  });

  // FACT OP VALUE | FACT in VALUE, …
  factAtom = this.RULE("factAtom", () => {
    this.CONSUME(T.Ident, { LABEL: "name" });
    this.OR((this.alts.factAtom ??= [
      {
        ALT: () => {
          this.CONSUME(T.CmpOp);
          this.SUBRULE(this.factValue);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.In);
          this.SUBRULE2(this.factValue);
          this.MANY(() => {
            this.CONSUME(T.Comma);
            this.SUBRULE3(this.factValue);
          });
        },
      },
    ]));
  });

  factValue = this.RULE("factValue", () => {
    this.OR((this.alts.factValue ??= [{ ALT: () => this.CONSUME(T.Word) }, { ALT: () => this.SUBRULE(this.anyIdent) }]));
  });

  // ---------------------------------------------------------------- small pieces

  // ITEM, ITEM … where ITEM := WORD [- WORD]
  setExpr = this.RULE("setExpr", () => {
    this.SUBRULE(this.setItem);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.setItem);
    });
  });

  setItem = this.RULE("setItem", () => {
    this.CONSUME(T.Word, { LABEL: "from" });
    this.OPTION(() => {
      this.CONSUME(T.Minus);
      this.CONSUME2(T.Word, { LABEL: "to" });
    });
  });

  // W, W, … (sex and pos values, test-line modifiers, dx codes and pointers, expected lines)
  wordList = this.RULE("wordList", () => {
    this.CONSUME(T.Word);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.CONSUME2(T.Word);
    });
  });

  // A word where a number is expected (its own rule so errors say "expected a number").
  number = this.RULE("number", () => {
    this.CONSUME(T.Word);
  });

  // A name where a keyword would also do (`category ptp`, `expect verdict deny`).
  anyIdent = this.RULE("anyIdent", () => {
    this.OR((this.alts.anyIdent ??= [{ ALT: () => this.CONSUME(T.Ident) }, { ALT: () => this.CONSUME(T.Keyword) }]));
  });

  // ---------------------------------------------------------------- nesting guard

  /** Runs `parse` one condition level deeper; the level is restored even if it throws. */
  private nested(parse: () => void): void {
    this.depth++;
    try {
      parse();
    } finally {
      this.depth--;
    }
  }

  private tooDeep(): boolean {
    if (this.depth < MAX_CONDITION_DEPTH) return false;
    const next = this.LA(1).tokenType;
    return next === T.Not || next === T.LParen;
  }

  /**
   * Records DR1005 at the next token and skips, without recursing, to the end of the
   * too-deep part: its matching `)`, or the next `and`/`or`/`)` outside it, or anything
   * that cannot be inside a condition (an action, metadata, the next item).
   */
  private skipTooDeep(): void {
    this.nestingErrors.push({ token: this.LA(1) });
    let balance = 0;
    for (;;) {
      const type = this.LA(1).tokenType;
      if (HARD_STOPS.has(type)) return;
      if (balance === 0 && SOFT_STOPS.has(type)) return;
      if (type === T.LParen) balance++;
      else if (type === T.RParen) balance--;
      this.SKIP_TOKEN();
    }
  }
}

let parser: RuleParser | undefined;

/** The parser singleton (construction analyses the whole grammar, so it is done once). */
export function ruleParser(): RuleParser {
  parser ??= new RuleParser();
  return parser;
}

/** The banner of grammar/cst.generated.d.ts. */
export const CST_DTS_BANNER =
  "// Generated from grammar/parser.ts by generateCstDts: do not edit.\n" +
  "// Regenerate: UPDATE_CST_DTS=1 npx vitest run test/grammar/cst-dts.test.ts\n";

/** The text of grammar/cst.generated.d.ts for the current grammar. */
export function cstTypesText(): string {
  return CST_DTS_BANNER + generateCstDts(ruleParser().getGAstProductions());
}

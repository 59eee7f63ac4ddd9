/**
 * Tokens of the rule language (docs/language.md "Lexical rules"), one `createToken` each.
 *
 * ORDER MATTERS. Chevrotain tries token patterns in the order of `allTokens` and takes the
 * first that matches (not the longest), so:
 * 1. skipped input first (whitespace incl. BOM, comments);
 * 2. strings before anything else that could start at `"` (the unterminated form after
 *    the terminated one, so that a good string never lexes as a bad one);
 * 3. `Date` before `Word`: `2026-01-01` would otherwise lex as `Word(2026) - Word(01) …`;
 * 4. keywords before `Ident`, each with `longer_alt: Ident` so that `lines`, `override`
 *    and `cms.ptp.11102` are not cut into a keyword and a rest. Keywords are listed longest
 *    first: when a keyword is a prefix of another (`or`/`override`, `line`/`lines`,
 *    `for`/`forbid`, `no`/`not`, `with`/`without`), the longer one must be tried first,
 *    or the shorter one's `longer_alt` would turn the longer keyword into a plain `Ident`;
 * 5. two-character operators before their one-character prefixes (`->` before `-`,
 *    `>=` before `>`, `<=` before `<`).
 */
import { createToken, Lexer, type TokenType } from "chevrotain";

// ---------------------------------------------------------------- skipped input

/** Spaces, tabs, CR, LF, form feeds and the byte-order mark U+FEFF: no meaning. */
export const Whitespace = createToken({
  name: "Whitespace",
  pattern: /[ \t\r\n\f\v\uFEFF]+/,
  group: Lexer.SKIPPED,
});

/** `# …` to the end of the line. Kept in the `comments` group so a formatter can keep them. */
export const Comment = createToken({
  name: "Comment",
  pattern: /#[^\r\n]*/,
  group: "comments",
});

// ---------------------------------------------------------------- literals

/** `"…"` on one line; `\"` and `\\` are the escapes (others are reported by to-ast). */
export const StringLiteral = createToken({
  name: "StringLiteral",
  pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*"/,
  label: "a string",
});

/**
 * A string that reaches the end of the line without its closing quote. It is a kind of
 * `StringLiteral` (token category), so the parser accepts it where a string is expected and
 * the rest of the file still parses; index.ts reports it as DR1003.
 */
export const UnterminatedString = createToken({
  name: "UnterminatedString",
  pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*\\?/,
  categories: [StringLiteral],
  label: "a string",
});

/** `YYYY-MM-DD` (the compiler checks that the date exists). */
export const DateLiteral = createToken({
  name: "DateLiteral",
  pattern: /\d{4}-\d{2}-\d{2}/,
  label: "a date",
});

/**
 * Upper-case or digit-initial words: codes (`17000`, `G0127`), ICD patterns (`C44.*`,
 * `D03*`), numbers (`0.5`), modifiers (`59`, `XS`), set names (`MALIGNANT_SKIN`).
 */
export const Word = createToken({
  name: "Word",
  pattern: /[A-Z0-9][A-Za-z0-9_.]*\*?/,
  label: "a code, number or set name",
});

/**
 * Lower-case identifiers: rule ids (`cms.policy.biopsy-one-primary`, prefix `cms.ptp.11102.*`),
 * ruleset names (`acme-health`), fact names, site words. A `-` may only join two
 * alphanumeric runs, so `nose->` lexes as `nose` `->`, not `nose-` `>`.
 */
export const Ident = createToken({
  name: "Ident",
  pattern:
    /[a-z][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*(?:\.[A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)*)*(?:\.\*)?/,
  label: "an identifier",
});

// ---------------------------------------------------------------- keywords

/** Category of every keyword: where a name is expected, a keyword is accepted too. */
export const Keyword = createToken({ name: "Keyword", pattern: Lexer.NA, label: "a keyword" });

function keyword(name: string, text: string): TokenType {
  return createToken({
    name,
    pattern: text,
    longer_alt: Ident,
    categories: [Keyword],
    label: `\`${text}\``,
  });
}

// Longest first (see the header); within one length, alphabetical.
export const Effective = keyword("Effective", "effective");
export const Modifiers = keyword("Modifiers", "modifiers");
export const Category = keyword("Category", "category");
export const Modifier = keyword("Modifier", "modifier");
export const Override = keyword("Override", "override");
export const Severity = keyword("Severity", "severity");
export const Disable = keyword("Disable", "disable");
export const Extends = keyword("Extends", "extends");
export const Message = keyword("Message", "message");
export const Replace = keyword("Replace", "replace");
export const Require = keyword("Require", "require");
export const Ruleset = keyword("Ruleset", "ruleset");
export const Verdict = keyword("Verdict", "verdict");
export const Version = keyword("Version", "version");
export const Without = keyword("Without", "without");
export const Charge = keyword("Charge", "charge");
export const Expect = keyword("Expect", "expect");
export const Forbid = keyword("Forbid", "forbid");
export const Remove = keyword("Remove", "remove");
export const Select = keyword("Select", "select");
export const Source = keyword("Source", "source");
export const Claim = keyword("Claim", "claim");
export const Codes = keyword("Codes", "codes");
export const Count = keyword("Count", "count");
export const Facts = keyword("Facts", "facts");
export const Limit = keyword("Limit", "limit");
export const Lines = keyword("Lines", "lines");
export const Payer = keyword("Payer", "payer");
export const Units = keyword("Units", "units");
export const Until = keyword("Until", "until");
export const Born = keyword("Born", "born");
export const Case = keyword("Case", "case");
export const Deny = keyword("Deny", "deny");
export const Flag = keyword("Flag", "flag");
export const Line = keyword("Line", "line");
export const Only = keyword("Only", "only");
export const Test = keyword("Test", "test");
export const When = keyword("When", "when");
export const With = keyword("With", "with");
export const Add = keyword("Add", "add");
export const Age = keyword("Age", "age");
export const And = keyword("And", "and");
export const Aoc = keyword("Aoc", "aoc");
// `day` and `on` are not in the original keyword list: `limit … per day` and
// `require modifier 25 on 99213` need them, and as keywords they get clear error messages.
export const Day = keyword("Day", "day");
export const Dos = keyword("Dos", "dos");
export const Fix = keyword("Fix", "fix");
export const For = keyword("For", "for");
export const Mue = keyword("Mue", "mue");
export const Not = keyword("Not", "not");
export const Per = keyword("Per", "per");
export const Pos = keyword("Pos", "pos");
export const Ptp = keyword("Ptp", "ptp");
/** `set` (as in `fix set units 13`); named `SetKw` so it does not shadow the global `Set`. */
export const SetKw = keyword("Set", "set");
export const Sex = keyword("Sex", "sex");
export const Dx = keyword("Dx", "dx");
export const Id = keyword("Id", "id");
export const In = keyword("In", "in");
export const No = keyword("No", "no");
export const On = keyword("On", "on");
export const Or = keyword("Or", "or");
export const To = keyword("To", "to");

/** Every keyword, in lexing order (longest first). */
export const keywordTokens: readonly TokenType[] = [
  Effective, Modifiers, Category, Modifier, Override, Severity, Disable, Extends, Message,
  Replace, Require, Ruleset, Verdict, Version, Without, Charge, Expect, Forbid, Remove,
  Select, Source, Claim, Codes, Count, Facts, Limit, Lines, Payer, Units, Until, Born, Case,
  Deny, Flag, Line, Only, Test, When, With, Add, Age, And, Aoc, Day, Dos, Fix, For, Mue, Not,
  Per, Pos, Ptp, SetKw, Sex, Dx, Id, In, No, On, Or, To,
];

// ---------------------------------------------------------------- operators

/** Category of the comparison operators `>` `>=` `<` `<=` `=` `!=`. */
export const CmpOp = createToken({ name: "CmpOp", pattern: Lexer.NA, label: "a comparison" });

export const Arrow = createToken({ name: "Arrow", pattern: "->", label: "`->`" });
export const Minus = createToken({ name: "Minus", pattern: "-", label: "`-`" });
export const Ge = createToken({ name: "Ge", pattern: ">=", categories: [CmpOp], label: "`>=`" });
export const Gt = createToken({ name: "Gt", pattern: ">", categories: [CmpOp], label: "`>`" });
export const Le = createToken({ name: "Le", pattern: "<=", categories: [CmpOp], label: "`<=`" });
export const Lt = createToken({ name: "Lt", pattern: "<", categories: [CmpOp], label: "`<`" });
export const Ne = createToken({ name: "Ne", pattern: "!=", categories: [CmpOp], label: "`!=`" });
export const Eq = createToken({ name: "Eq", pattern: "=", categories: [CmpOp], label: "`=`" });
export const Comma = createToken({ name: "Comma", pattern: ",", label: "`,`" });
export const LParen = createToken({ name: "LParen", pattern: "(", label: "`(`" });
export const RParen = createToken({ name: "RParen", pattern: ")", label: "`)`" });
export const LCurly = createToken({ name: "LCurly", pattern: "{", label: "`{`" });
export const RCurly = createToken({ name: "RCurly", pattern: "}", label: "`}`" });

/** All token types, in lexing order (see the header). Categories come last: they never match. */
export const allTokens: readonly TokenType[] = [
  Whitespace,
  Comment,
  StringLiteral,
  UnterminatedString,
  DateLiteral,
  Word,
  ...keywordTokens,
  Ident,
  Arrow,
  Minus,
  Ge,
  Gt,
  Le,
  Lt,
  Ne,
  Eq,
  Comma,
  LParen,
  RParen,
  LCurly,
  RCurly,
  Keyword,
  CmpOp,
];

let lexer: Lexer | undefined;

/**
 * The lexer singleton (building it analyses every pattern, so it is done once).
 * Offsets only: lines and columns are worked out when a diagnostic is rendered.
 */
export function ruleLexer(): Lexer {
  lexer ??= new Lexer(allTokens as TokenType[], {
    positionTracking: "onlyOffset",
    ensureOptimizations: true,
  });
  return lexer;
}

/**
 * The grammar phase's public API: rule text in, typed AST and diagnostics out.
 *
 * `parseRules` never throws. Diagnostic codes of this phase:
 * - DR1001 a character that starts no token (non-ASCII outside strings and comments, `@`, …)
 * - DR1002 a syntax error (the parser recovers and reports every one)
 * - DR1003 an unterminated string
 * - DR1004 a word where a number belongs
 * - DR1005 conditions nested deeper than 64 levels
 * - DR1006 `ruleset` not first in the file, or given twice
 * - DR1007 an unknown escape in a string
 * - DR1008 a test attribute given twice
 * - DR1009 a rule file larger than {@link MAX_RULE_FILE_CHARS} characters (not parsed)
 * - DR1010 not UTF-8 text: a NUL character (a binary file) or bytes that were not valid UTF-8 (not parsed)
 * - DR1999 an internal error (a bug: please report it)
 */
import { EOF, type ILexingError, type IRecognitionException, type IToken } from "chevrotain";
import type { RuleFile } from "./ast.ts";
import { MAX_CONDITION_DEPTH, ruleParser } from "./parser.ts";
import type { Diagnostic, Span } from "./source.ts";
import { CstToAst } from "./to-ast.ts";
import { Ident, UnterminatedString, keywordTokens, ruleLexer } from "./tokens.ts";

export type * from "./ast.ts";
export { SourceFile, type Diagnostic, type Severity, type Span } from "./source.ts";
export { withoutSpans, type WithoutSpans } from "./without-spans.ts";
export { MAX_CONDITION_DEPTH } from "./parser.ts";
export {
  printRules,
  printItem,
  printRuleHead,
  layoutRuleHead,
  printCond,
  printAction,
  printMeta,
  printSet,
  printString,
  sortMeta,
  LINE_WIDTH,
  META_ORDER,
  type PrintOptions,
  type PrintComment,
} from "./print.ts";
export { formatRules, sameMeaning, canonicalAst, type FormatResult } from "./format.ts";

/** A `#` comment, kept for the formatter (comments are not in the AST). */
export interface Comment {
  /** The comment as written, from `#` to the end of the line. */
  readonly text: string;
  readonly span: Span;
}

/** What {@link parseRules} returns. */
export interface ParseResult {
  /** The file's AST; items that did not parse are left out (their errors are in `diagnostics`). */
  readonly ast: RuleFile;
  /** Every problem found, sorted by offset. */
  readonly diagnostics: Diagnostic[];
  /** The comments of the file, in order. */
  readonly comments: readonly Comment[];
}

/**
 * Parses one rule file. Never throws: lexer and parser errors, bad numbers, misplaced
 * `ruleset` lines and over-deep nesting all come back as diagnostics, and the AST holds
 * every item that parsed.
 */
export function parseRules(text: string, file: string): ParseResult {
  try {
    return parseOrThrow(text, file);
  } catch (error) {
    // Nothing above should throw on any input; if it does, it is a bug, reported as such.
    const detail = error instanceof Error ? error.message : String(error);
    return {
      ast: { kind: "file", path: file, items: [], span: { file, start: 0, end: text.length } },
      diagnostics: [
        {
          code: "DR1999",
          severity: "error",
          message: `internal error in the parser: ${oneLine(detail)}`,
          span: { file, start: 0, end: 0 },
          hint: "this is a bug in dermrules; please report it with the file that caused it",
        },
      ],
      comments: [],
    };
  }
}

/**
 * The largest rule file parsed: 16 Mi characters, about 300,000 one-line rules. Past it the
 * parser's tokens alone would take gigabytes; bulk CMS data belongs in data files.
 */
export const MAX_RULE_FILE_CHARS = 16 * 1024 * 1024;

/** DR1009 / DR1010 for text that is not parsed at all (too large, binary, not UTF-8), else null. */
function unparseable(text: string, file: string): Diagnostic | null {
  if (text.length > MAX_RULE_FILE_CHARS) {
    const mb = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} MB`;
    return {
      code: "DR1009",
      severity: "error",
      message: `the rule file has ${text.length} characters (${mb(text.length)}): rule files are limited to ${mb(MAX_RULE_FILE_CHARS)}`,
      span: { file, start: 0, end: 0 },
      hint: "split the rules over several files, and load bulk CMS tables with `ptp`, `mue` or `aoc` lines from their data files",
    };
  }
  const nul = text.indexOf("\u0000");
  if (nul >= 0) {
    return {
      code: "DR1010",
      severity: "error",
      message: "the file holds a NUL character: it looks like a binary file, not rule text",
      span: { file, start: nul, end: nul + 1 },
      hint: "rule files are UTF-8 text: check that the right file is named",
    };
  }
  const bad = text.indexOf("\uFFFD");
  if (bad >= 0) {
    return {
      code: "DR1010",
      severity: "error",
      message: "the file holds bytes that are not valid UTF-8 (read as U+FFFD)",
      span: { file, start: bad, end: bad + 1 },
      hint: "save the file as UTF-8 (an editor's \"Latin-1\" or \"Windows-1252\" encoding is the usual cause)",
    };
  }
  return null;
}

function parseOrThrow(text: string, file: string): ParseResult {
  const diagnostics: Diagnostic[] = [];
  const span = (start: number, end: number): Span => ({ file, start, end });
  const refused = unparseable(text, file);
  if (refused !== null) {
    return { ast: { kind: "file", path: file, items: [], span: span(0, text.length) }, diagnostics: [refused], comments: [] };
  }

  const lexed = ruleLexer().tokenize(text);
  for (const error of lexed.errors) diagnostics.push(lexingDiagnostic(error, text, file));
  for (const token of lexed.tokens) {
    if (token.tokenType === UnterminatedString) {
      diagnostics.push({
        code: "DR1003",
        severity: "error",
        message: "unterminated string: a string must end with `\"` on the same line",
        span: span(token.startOffset, token.startOffset + token.image.length),
        hint: 'add the closing `"`; write `\\"` for a quote inside the string',
      });
    }
  }

  // Items are converted as the parser finishes each one (see RuleParser.parseTokens).
  const converter = new CstToAst(file, text.length, diagnostics);
  const outcome = ruleParser().parseTokens(lexed.tokens, (item) => converter.addItem(item));
  const ast = converter.fileNode();

  const seen = new Set<number>();
  for (const error of outcome.errors) {
    const diagnostic = syntaxDiagnostic(error, text, file);
    // Recovery can report the same token twice; the first message is the telling one.
    if (seen.has(diagnostic.span.start)) continue;
    seen.add(diagnostic.span.start);
    diagnostics.push(diagnostic);
  }
  for (const { token } of outcome.nestingErrors) {
    diagnostics.push({
      code: "DR1005",
      severity: "error",
      message: `conditions nest deeper than ${MAX_CONDITION_DEPTH} levels`,
      span: tokenSpan(token, text, file),
      hint: "name parts of the condition as sets, or split the rule",
    });
  }

  const comments: Comment[] = (lexed.groups["comments"] ?? []).map((token) => ({
    text: token.image,
    span: span(token.startOffset, token.startOffset + token.image.length),
  }));

  // Array.prototype.sort is stable: same-offset diagnostics keep their phase order.
  diagnostics.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  return { ast, diagnostics, comments };
}

function tokenSpan(token: IToken, text: string, file: string): Span {
  if (token.tokenType === EOF || !Number.isFinite(token.startOffset)) {
    return { file, start: text.length, end: text.length };
  }
  return { file, start: token.startOffset, end: token.startOffset + token.image.length };
}

function syntaxDiagnostic(error: IRecognitionException, text: string, file: string): Diagnostic {
  const token = error.token;
  const hint = token.tokenType === Ident ? keywordSuggestion(token.image, expectedKeywords(error.message)) : undefined;
  return {
    code: "DR1002",
    severity: "error",
    message: oneLine(error.message),
    span: tokenSpan(token, text, file),
    ...(hint !== undefined && { hint: `did you mean \`${hint}\`?` }),
  };
}

/** DR1001 for characters that start no token, naming the (first) character. */
function lexingDiagnostic(error: ILexingError, text: string, file: string): Diagnostic {
  const start = error.offset;
  const end = Math.min(text.length, start + Math.max(1, error.length));
  const codePoint = text.codePointAt(start) ?? 0;
  const name = describeCharacter(codePoint);
  const message =
    codePoint > 0x7f
      ? `unexpected character ${name}: outside strings and comments only ASCII is allowed`
      : `unexpected character ${name}`;
  return { code: "DR1001", severity: "error", message, span: { file, start, end } };
}

/**
 * `` `@` `` for visible ASCII, `` `é` (U+00E9) `` for other visible characters, and just
 * `U+202E` for invisible or control ones (printing a bidi override or a NUL into a message
 * would garble the terminal).
 */
function describeCharacter(codePoint: number): string {
  const hex = `U+${codePoint.toString(16).toUpperCase().padStart(4, "0")}`;
  const char = String.fromCodePoint(codePoint);
  if (!/^[\p{L}\p{N}\p{P}\p{S}]$/u.test(char) || char === "`") return hex;
  return codePoint <= 0x7f ? `\`${char}\`` : `\`${char}\` (${hex})`;
}

const KEYWORDS: ReadonlySet<string> = new Set(keywordTokens.map((t) => t.PATTERN as string));

/** The keywords a message says would be valid: those in backticks before "but found". */
function expectedKeywords(message: string): string[] {
  const expected = message.split(" but found ")[0] ?? "";
  return [...expected.matchAll(/`([a-z]+)`/g)].map((m) => m[1]!).filter((k) => KEYWORDS.has(k));
}

/** The valid keyword an identifier was probably meant to be (`sevrity` → `severity`), if any. */
function keywordSuggestion(word: string, candidates: readonly string[]): string | undefined {
  if (word.length < 2 || word.length > 12) return undefined;
  const limit = word.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const keyword of candidates) {
    const d = editDistance(word, keyword);
    if (d > 0 && d < bestDistance) {
      best = keyword;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance (small strings only). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}

function oneLine(message: string): string {
  return message.replace(/\s*[\r\n]+\s*/g, " ").trim();
}

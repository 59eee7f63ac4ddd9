/**
 * Properties of the printer and the formatter (brief: "`fmt` output parses back to the same
 * AST and is idempotent"):
 * - printing any generated AST (test/grammar/print-arbitrary.ts: every node kind) and parsing
 *   the text gives the same AST, spans aside;
 * - fmt(fmt(x)) == fmt(x) on generated texts with random layout and comments, and on rules/;
 * - fmt never throws, and formats nothing that has a syntax error.
 * FC_NUM_RUNS=<n> raises the number of runs.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type * as A from "../../grammar/ast.ts";
import { LINE_WIDTH, formatRules, parseRules, printRuleHead, printRules, sameMeaning, sortMeta, withoutSpans } from "../../grammar/index.ts";
import { ruleLexer } from "../../grammar/tokens.ts";
import { numRuns } from "./helpers.ts";
import { FILE, cond, ruleFile } from "./print-arbitrary.ts";

/** The same tree with every metadata list in the printer's order. */
function metaSorted(file: A.RuleFile): A.RuleFile {
  const items = file.items.map((item): A.Item => {
    switch (item.kind) {
      case "rule":
      case "override":
      case "table-ref":
      case "select":
        return { ...item, meta: sortMeta(item.meta) };
      default:
        return item;
    }
  });
  return { ...file, items };
}

/** Every `kind` value in a tree (qualifiers, fixes and metadata included). */
function kinds(value: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const v of value) kinds(v, out);
  else if (value !== null && typeof value === "object") {
    const kind = (value as { kind?: unknown }).kind;
    if (typeof kind === "string") out.add(kind);
    for (const v of Object.values(value)) kinds(v, out);
  }
  return out;
}

/**
 * The text re-laid out at random: between any two tokens, any whitespace (spaces, tabs,
 * line breaks, CRLF) and `# cN` comments; where the tokens touched, they may stay touching.
 * String contents are untouched: whole tokens are kept.
 */
function scramble(text: string, choices: readonly number[], withComments: boolean): string {
  const tokens = ruleLexer().tokenize(text).tokens;
  let out = choices[0]! % 5 === 0 ? "\uFEFF" : "";
  let previousEnd = 0;
  tokens.forEach((token, i) => {
    const gap = text.slice(previousEnd, token.startOffset);
    const c = choices[(i + 1) % choices.length]!;
    const spaced = [" ", "  ", "\n", "\n\n", "\t", "\n    ", "\r\n", " \n\n\n  "];
    let sep = gap.length === 0 && c % 3 === 0 ? "" : spaced[c % spaced.length]!;
    if (i === 0) sep = "";
    if (gap.length > 0 && sep === "") sep = " ";
    if (withComments && c % 7 === 0) sep = ` # c${i}\n`;
    out += sep + token.image;
    previousEnd = token.startOffset + token.image.length;
  });
  return out + (withComments && choices[0]! % 2 === 0 ? "\n# the end\n" : "\n");
}

const choices = fc.array(fc.nat(1000), { minLength: 1, maxLength: 40 });
const seenKinds = new Set<string>();

describe("printRules on generated ASTs", () => {
  it("parses back to the same AST (spans aside), with metadata in canonical order", () => {
    fc.assert(
      fc.property(ruleFile, (generated) => {
        const ast = metaSorted(generated);
        kinds(ast, seenKinds);
        const text = printRules(ast);
        const parsed = parseRules(text, FILE);
        expect(parsed.diagnostics).toEqual([]);
        expect(withoutSpans(parsed.ast)).toEqual(withoutSpans(ast));
      }),
      { numRuns: numRuns(500) },
    );
  });

  it("generated every node kind of grammar/ast.ts", () => {
    const expected = [
      "file", "ruleset", "set-decl", "rule", "override", "disable", "table-ref", "select", "case", "test",
      "test-claim", "test-line", "expect-finding", "expect-no", "expect-verdict",
      "and", "or", "not", "paren", "codes", "dx", "modifier", "units", "age", "sex", "pos", "payer", "dos", "fact",
      "count", "with-modifier", "with-dx",
      "require-codes", "require-modifier", "require-dx", "forbid-codes", "forbid-modifier", "limit", "deny", "flag",
      "replace", "remove", "add-code", "add-modifier", "set-units", "text",
      "id", "severity", "category", "message", "source", "effective", "fix", "version", "only",
      "set", "set-ref", "set-range", "word", "ident", "string", "date", "number",
    ];
    expect(expected.filter((k) => !seenKinds.has(k))).toEqual([]);
  });

  it("keeps the meaning when the metadata comes in any order", () => {
    fc.assert(
      fc.property(ruleFile, (ast) => {
        const parsed = parseRules(printRules(ast), FILE);
        expect(parsed.diagnostics).toEqual([]);
        expect(sameMeaning(parsed.ast, ast)).toBe(true);
      }),
      { numRuns: numRuns(200) },
    );
  });

  it("prints conditions that parse back to the same condition", () => {
    fc.assert(
      fc.property(cond, (c) => {
        const rule: A.Rule = { kind: "rule", scope: "claim", condition: c, action: { kind: "deny", span: c.span }, meta: [], span: c.span };
        const parsed = parseRules(printRules({ kind: "file", path: FILE, items: [rule], span: c.span }), FILE);
        expect(parsed.diagnostics).toEqual([]);
        expect(withoutSpans((parsed.ast.items[0] as A.Rule).condition)).toEqual(withoutSpans(c));
      }),
      { numRuns: numRuns(300) },
    );
  });
});

describe("long rule heads", () => {
  const SPAN = { file: FILE, start: 0, end: 0 };
  /** An `and` of several conditions, parenthesised where the parser needs it: long heads. */
  const wide = fc.array(cond, { minLength: 3, maxLength: 9 }).map(
    (args): A.Cond => ({
      kind: "and",
      args: args.map((a) => (a.kind === "and" || a.kind === "or" ? { kind: "paren" as const, inner: a, span: SPAN } : a)),
      span: SPAN,
    }),
  );

  it("are broken over lines and still parse back to the same AST, in rules and override bodies", () => {
    let broken = 0;
    fc.assert(
      fc.property(wide, fc.boolean(), fc.boolean(), (condition, line, inOverride) => {
        const rule: A.Rule = line
          ? { kind: "rule", scope: "line", subject: { kind: "set", items: [{ kind: "set-ref", word: { kind: "word", text: "17000", span: SPAN }, span: SPAN }], span: SPAN }, condition, action: { kind: "flag", span: SPAN }, meta: [], span: SPAN }
          : { kind: "rule", scope: "claim", condition, action: { kind: "deny", span: SPAN }, meta: [], span: SPAN };
        const item: A.Item = inOverride ? { kind: "override", target: { kind: "ident", text: "cms.x", span: SPAN }, rule, meta: [], span: SPAN } : rule;
        const ast: A.RuleFile = { kind: "file", path: FILE, items: [item], span: SPAN };
        const text = printRules(ast);
        const flatLength = printRuleHead(rule).length + (inOverride ? 2 : 0);
        if (flatLength > LINE_WIDTH) broken++;
        expect(text.split("\n").length - 1 > (inOverride ? 2 : 1)).toBe(flatLength > LINE_WIDTH);
        const parsed = parseRules(text, FILE);
        expect(parsed.diagnostics).toEqual([]);
        expect(withoutSpans(parsed.ast)).toEqual(withoutSpans(ast));
        expect(formatRules(text, FILE).text).toBe(text);
      }),
      { numRuns: numRuns(300) },
    );
    // Most generated heads are too long for one line: the breaking path really ran.
    expect(broken).toBeGreaterThan(numRuns(300) / 2);
  });
});

describe("formatRules", () => {
  it("is idempotent and keeps meaning and comments, on generated files with random layout and comments", () => {
    fc.assert(
      fc.property(ruleFile, choices, fc.boolean(), (ast, picks, withComments) => {
        const text = scramble(printRules(ast), picks, withComments);
        const original = parseRules(text, FILE);
        expect(original.diagnostics).toEqual([]);
        const once = formatRules(text, FILE);
        expect(once.diagnostics).toEqual([]);
        const reparsed = parseRules(once.text!, FILE);
        expect(sameMeaning(reparsed.ast, ast)).toBe(true);
        expect(reparsed.comments.map((c) => c.text.trim()).sort()).toEqual(original.comments.map((c) => c.text.trim()).sort());
        expect(formatRules(once.text!, FILE).text).toBe(once.text);
      }),
      { numRuns: numRuns(300) },
    );
  });

  const ROOT = path.resolve(import.meta.dirname, "../..");
  const ruleTexts = ["rules/cms/sets.rules", "rules/cms/integumentary.rules", "rules/cms/ncci/ncci.rules", "examples/one-liner.rules"]
    .filter((f) => fs.existsSync(path.join(ROOT, f)))
    .map((f) => ({ file: f, text: fs.readFileSync(path.join(ROOT, f), "utf8") }));

  it("is idempotent on the shipped rule files", () => {
    expect(ruleTexts.length).toBeGreaterThan(0);
    for (const { file, text } of ruleTexts) {
      const once = formatRules(text, file);
      expect(once.diagnostics).toEqual([]);
      expect(formatRules(once.text!, file).text).toBe(once.text);
    }
  });

  it("is idempotent on the shipped rule files re-laid out at random, with comments added", () => {
    fc.assert(
      fc.property(fc.constantFrom(...ruleTexts), choices, fc.boolean(), ({ file, text }, picks, withComments) => {
        const scrambled = scramble(text, picks, withComments);
        const once = formatRules(scrambled, file);
        expect(once.diagnostics).toEqual([]);
        expect(sameMeaning(parseRules(once.text!, file).ast, parseRules(text, file).ast)).toBe(true);
        expect(formatRules(once.text!, file).text).toBe(once.text);
      }),
      { numRuns: numRuns(60) },
    );
  });

  it("gives the same text for a file whatever its layout, when no comments or blank lines are involved", () => {
    fc.assert(
      fc.property(ruleFile, choices, (ast, picks) => {
        const canonical = printRules(ast);
        // Without blank lines in the input, the only freedom left is between one-line declarations.
        const flat = scramble(canonical, picks.map((p) => (p % 8 === 3 || p % 8 === 7 ? p + 1 : p)), false);
        const a = formatRules(flat, FILE).text!;
        const b = formatRules(scramble(canonical, picks.map((p) => p + 2).map((p) => (p % 8 === 3 || p % 8 === 7 ? p + 1 : p)), false), FILE).text!;
        expect(a).toBe(b);
      }),
      { numRuns: numRuns(200) },
    );
  });

  it("never throws, and formats nothing that has an error", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (text) => {
        const r = formatRules(text, FILE);
        const errors = parseRules(text, FILE).diagnostics.length > 0;
        expect(r.text === undefined).toBe(errors);
        if (!errors) expect(formatRules(r.text!, FILE).text).toBe(r.text);
      }),
      { numRuns: numRuns(300) },
    );
  });
});

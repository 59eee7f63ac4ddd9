/**
 * Lexical rules of docs/language.md: layout carries no meaning, keywords versus names,
 * words, dates and strings.
 */
import { describe, expect, it } from "vitest";
import { parseRules, withoutSpans } from "../../grammar/index.ts";
import { ident, onlyItem, parseClean } from "./helpers.ts";

const RULE = "when 17003 count>14 require 17004\n  id a.b\n  severity error\n";

describe("layout", () => {
  it("accepts an empty file and a file of only comments and blank lines", () => {
    expect(withoutSpans(parseClean(""))).toEqual({ kind: "file", path: "test.rules", items: [] });
    expect(parseClean("# nothing here\n\n   \t\n# still nothing").items).toEqual([]);
  });

  it("gives the same AST for LF, CRLF, CR, tabs and a leading BOM", () => {
    const expected = withoutSpans(parseClean(RULE));
    for (const variant of [
      RULE.replace(/\n/g, "\r\n"),
      RULE.replace(/\n/g, "\r"),
      RULE.replace(/ {2}/g, "\t"),
      `\uFEFF${RULE}`,
      RULE.replace(/\n/g, " # comment\n"),
      RULE.replace(/\n/g, " "),
    ]) {
      expect(withoutSpans(parseClean(variant))).toEqual(expected);
    }
  });

  it("keeps offsets in UTF-16 units of the original text (a BOM counts)", () => {
    const ast = parseClean("\uFEFFwhen 17000 deny");
    expect(ast.items[0]!.span).toEqual({ file: "test.rules", start: 1, end: 16 });
    expect(ast.span).toEqual({ file: "test.rules", start: 0, end: 16 });
  });
});

describe("keywords and names", () => {
  it("keywords that prefix other keywords or names lex as the longer token", () => {
    // `or`/`override`, `no`/`not`, `with`/`without`, `line`/`lines`, `for`/`forbid`.
    expect(parseClean("override x.y severity info").items[0]!.kind).toBe("override");
    expect(onlyItem("when 99213 without modifier 25 forbid 17000")).toMatchObject({
      condition: { qualifier: { negated: true } },
      action: { kind: "forbid-codes" },
    });
    expect(onlyItem("when not 17000 deny")).toMatchObject({ condition: { kind: "not" } });
  });

  it("a name that starts with a keyword is one identifier", () => {
    expect(onlyItem("when line 17000 lineCount > 2 deny")).toMatchObject({
      condition: { kind: "fact", name: ident("lineCount") },
    });
    expect(onlyItem("disable when-rule.orphan")).toEqual({ kind: "disable", target: ident("when-rule.orphan") });
  });

  it("a keyword is accepted where a name is expected", () => {
    expect(onlyItem("disable line")).toEqual({ kind: "disable", target: ident("line") });
    expect(withoutSpans(parseClean("ruleset test extends set").ruleset)).toEqual({
      kind: "ruleset",
      name: ident("test"),
      extends: ident("set"),
    });
  });

  it("dotted ids, prefix patterns and dashed names", () => {
    expect(onlyItem("disable cms.ptp.11102.*")).toEqual({ kind: "disable", target: ident("cms.ptp.11102.*") });
    expect(onlyItem("disable cms.policy.biopsy-one-primary")).toEqual({
      kind: "disable",
      target: ident("cms.policy.biopsy-one-primary"),
    });
  });

  it("a dash only joins two name parts, so `nose->` is `nose` then `->`", () => {
    const item = onlyItem("select for 11640 { case site = nose-> 11640 }");
    expect(item).toMatchObject({ cases: [{ condition: { values: [ident("nose")] } }] });
  });
});

describe("words, dates, strings", () => {
  it("a date is one token, a range of codes is three", () => {
    expect(onlyItem("when dos >= 2026-01-01 deny")).toMatchObject({ condition: { kind: "dos" } });
    expect(onlyItem("when 10004-19499 deny")).toMatchObject({
      condition: { codes: { items: [{ kind: "set-range" }] } },
    });
  });

  it("ICD patterns with and without the dot", () => {
    expect(onlyItem("dx X = C44.*, D03*, C4A.*")).toMatchObject({
      value: { items: [{ word: { text: "C44.*" } }, { word: { text: "D03*" } }, { word: { text: "C4A.*" } }] },
    });
  });

  it("strings keep `#` and non-ASCII text", () => {
    expect(onlyItem('when 17000 deny message "lésion # 1 — see §3"')).toMatchObject({
      meta: [{ message: { value: "lésion # 1 — see §3" } }],
    });
  });

  it("a string may not span lines", () => {
    const { diagnostics } = parseRules('when 17000 deny message "one\ntwo"', "s.rules");
    expect(diagnostics.map((d) => d.code)).toContain("DR1003");
  });
});

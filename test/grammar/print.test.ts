/**
 * Unit tests of the printer and formatter beyond the golden files: the soundness check that
 * makes `formatRules` refuse a wrong rendering, metadata order, the pieces other tools print
 * with (`printItem`, `printCond`, `layoutRuleHead`), and the one tree the language cannot write.
 */
import { describe, expect, it } from "vitest";
import type * as A from "../../grammar/ast.ts";
import {
  LINE_WIDTH,
  formatRules,
  layoutRuleHead,
  parseRules,
  printCond,
  printItem,
  printRules,
  sameMeaning,
  sortMeta,
} from "../../grammar/index.ts";
import { soundnessProblem } from "../../grammar/format.ts";

const parse = (text: string) => parseRules(text, "t.rules");

describe("formatRules", () => {
  it("refuses output that parses to different rules, loses a comment or does not parse (Cedar's soundness check)", () => {
    const { ast, comments } = parse("when 17000 deny # keep me\n  id a.b\n");
    expect(soundnessProblem(ast, comments, "when 17000 deny # keep me\n  id a.b\n", "t.rules")).toBeUndefined();
    expect(soundnessProblem(ast, comments, "when 17003 deny # keep me\n  id a.b\n", "t.rules")).toBe("its output parses to a different AST");
    expect(soundnessProblem(ast, comments, "when 17000 deny\n  id a.b\n", "t.rules")).toBe("its output loses or changes a comment");
    expect(soundnessProblem(ast, comments, "when 17000 deny id\n", "t.rules")).toMatch(/^its output does not parse \(DR1002 /);
  });

  it("returns the parse diagnostics and no text for a file with errors", () => {
    const r = formatRules('when 17000 deny\n  message "open\n', "t.rules");
    expect(r.text).toBeUndefined();
    expect(r.changed).toBe(false);
    expect(r.diagnostics.map((d) => d.code)).toContain("DR1003");
  });

  it("says whether the text changed", () => {
    expect(formatRules("when 17000 deny\n", "t.rules")).toEqual({ text: "when 17000 deny\n", diagnostics: [], changed: false });
    expect(formatRules("when 17000 deny", "t.rules").changed).toBe(true);
    expect(formatRules("", "t.rules")).toEqual({ text: "", diagnostics: [], changed: false });
  });
});

describe("metadata order", () => {
  it("sorts by META_ORDER and keeps repeated lines in their order (the compiler uses the first)", () => {
    const { ast } = parse('when 17000 deny\n  message "second kind"\n  fix remove\n  id x.y\n  message "later"\n  severity info\n');
    const rule = ast.items[0] as A.Rule;
    expect(sortMeta(rule.meta).map((m) => m.kind)).toEqual(["id", "severity", "message", "message", "fix"]);
    expect(printItem(rule)).toBe('when 17000 deny\n  id x.y\n  severity info\n  message "second kind"\n  message "later"\n  fix remove');
    expect(sameMeaning(ast, parse(printRules(ast)).ast)).toBe(true);
  });
});

describe("pieces", () => {
  it("prints conditions canonically, adding parentheses an and/or built by hand needs", () => {
    const { ast } = parse("when not (17000 or 17003) and sex = F and dx L57.0 deny\n");
    expect(printCond((ast.items[0] as A.Rule).condition!)).toBe("not (17000 or 17003) and sex F and dx in L57.0");
    const span = { file: "t", start: 0, end: 0 };
    const atom = (text: string): A.Cond => ({ kind: "codes", codes: { kind: "set", items: [{ kind: "set-ref", word: { kind: "word", text, span }, span }], span }, span });
    const nested: A.Cond = { kind: "and", args: [atom("1"), { kind: "or", args: [atom("2"), atom("3")], span }], span };
    expect(printCond(nested)).toBe("1 and (2 or 3)");
    expect(printCond({ kind: "not", arg: nested, span })).toBe("not (1 and (2 or 3))");
  });

  it("lays a rule head out on one line when it fits, and breaks it when it does not", () => {
    const short = parse("when 17000 and 17003 deny\n").ast.items[0] as A.Rule;
    expect(layoutRuleHead(short)).toBe("when 17000 and 17003 deny");
    const codes = Array.from({ length: 14 }, (_, i) => String(11600 + i)).join(" or ");
    const long = parse(`when ${codes} deny\n`).ast.items[0] as A.Rule;
    const lines = layoutRuleHead(long).split("\n");
    expect(lines[lines.length - 1]).toBe("  deny");
    expect(lines.every((l) => l.length <= LINE_WIDTH)).toBe(true);
    expect(lines.slice(1, -1).every((l) => l.startsWith("    or "))).toBe(true);
    // The width counts the indentation: 99 columns fit at indent 0, not at indent 2 (an override body).
    const exact = parse(`when ${"A".repeat(LINE_WIDTH - 11)} deny\n`).ast.items[0] as A.Rule;
    expect(layoutRuleHead(exact, 0)).toHaveLength(LINE_WIDTH - 1);
    expect(layoutRuleHead(exact, 2)).toBe(`when ${"A".repeat(LINE_WIDTH - 11)}\n    deny`);
  });
});

describe("what the language cannot write", () => {
  it("reads a bare `override ID` followed by a rule as the override's body (whitespace has no meaning)", () => {
    // So no printer can keep [override without body or metadata, rule] apart; the AST
    // arbitraries leave that one tree out.
    const { ast } = parse("override cms.x\n\nwhen 17000 deny\n");
    expect(ast.items).toHaveLength(1);
    expect(ast.items[0]).toMatchObject({ kind: "override", rule: { kind: "rule" } });
  });
});

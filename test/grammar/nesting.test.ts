/**
 * Conditions nest at most 64 levels of `(` and `not`; deeper is DR1005, never a stack
 * overflow, and is found quickly even for absurd inputs.
 */
import { describe, expect, it } from "vitest";
import { MAX_CONDITION_DEPTH, parseRules } from "../../grammar/index.ts";

function parse(text: string) {
  return parseRules(text, "n.rules");
}

describe("nesting limit", () => {
  it("is 64", () => {
    expect(MAX_CONDITION_DEPTH).toBe(64);
  });

  it("accepts 64 levels of parentheses, of `not`, and of both mixed", () => {
    for (const text of [
      `when ${"(".repeat(64)}17000${")".repeat(64)} deny`,
      `when ${"not ".repeat(64)}17000 deny`,
      `when ${"not (".repeat(32)}17000${")".repeat(32)} deny`,
    ]) {
      const { ast, diagnostics } = parse(text);
      expect(diagnostics).toEqual([]);
      expect(ast.items).toHaveLength(1);
    }
  });

  it("reports the 65th level at its token, once, and drops only that rule", () => {
    const cases = [
      `when ${"(".repeat(65)}17000${")".repeat(65)} deny`,
      `when ${"not ".repeat(65)}17000 deny`,
      `when ${"not (".repeat(33)}17000${")".repeat(33)} deny`,
    ];
    for (const deep of cases) {
      const text = `when 17001 deny\n${deep}\nwhen 17002 flag`;
      const { ast, diagnostics } = parse(text);
      expect(diagnostics.map((d) => [d.code, d.message])).toEqual([["DR1005", "conditions nest deeper than 64 levels"]]);
      // The 65th `(` or `not` from the start of the condition.
      const start = diagnostics[0]!.span.start;
      const condition = text.slice(text.indexOf("\n") + 6);
      const prefix = text.slice(text.indexOf("\n") + 6, start);
      expect((prefix.match(/\(|not/g) ?? []).length).toBe(64);
      expect(condition.length).toBeGreaterThan(0);
      expect(ast.items.map((i) => i.kind)).toEqual(["rule", "rule"]);
    }
  });

  it("survives 10,000 nested parentheses quickly", () => {
    const n = 10_000;
    const text = `when ${"(".repeat(n)}17000${")".repeat(n)} deny\nwhen 17001 deny`;
    const started = performance.now();
    const { ast, diagnostics } = parse(text);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(diagnostics.map((d) => d.code)).toEqual(["DR1005"]);
    expect(diagnostics[0]!.span.start).toBe(5 + 64);
    expect(ast.items).toHaveLength(1);
  });

  it("survives 100,000 `not`s quickly, and parses what follows them", () => {
    const text = `when ${"not ".repeat(100_000)}17000 and 17002 deny\nwhen 17001 deny`;
    const started = performance.now();
    const { ast, diagnostics } = parse(text);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(diagnostics.map((d) => d.code)).toEqual(["DR1005"]);
    expect(diagnostics[0]!.span.start).toBe(5 + 64 * 4);
    expect(ast.items).toHaveLength(1);
  });

  it("survives unbalanced deep parentheses with a syntax error as well", () => {
    const text = `when ${"(".repeat(10_000)}17000 deny\nwhen 17001 deny`;
    const { ast, diagnostics } = parse(text);
    expect(diagnostics.map((d) => d.code)).toEqual(["DR1005", "DR1002"]);
    expect(ast.items).toHaveLength(1);
  });

  it("applies inside select cases too", () => {
    const text = `select for 11600 { case ${"(".repeat(1000)}site = nose${")".repeat(1000)} -> 11600 }`;
    const { diagnostics } = parse(text);
    expect(diagnostics.map((d) => d.code)).toEqual(["DR1005"]);
  });

  it("does not carry depth from one rule to the next", () => {
    const ok = `when ${"(".repeat(60)}17000${")".repeat(60)} deny\n`;
    const { ast, diagnostics } = parse(ok.repeat(20));
    expect(diagnostics).toEqual([]);
    expect(ast.items).toHaveLength(20);
  });

  it("does not leak depth out of a rule whose nested condition failed", () => {
    const broken = `when ${"(".repeat(60)}17000 and${")".repeat(60)} deny\n`;
    const fine = `when ${"(".repeat(60)}17000${")".repeat(60)} deny\n`;
    const { ast, diagnostics } = parse((broken + fine).repeat(5));
    expect(diagnostics.map((d) => d.code)).toEqual(Array(5).fill("DR1002"));
    expect(ast.items).toHaveLength(5);
  });
});

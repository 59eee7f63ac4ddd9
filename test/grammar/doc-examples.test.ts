/**
 * Every example in docs/language.md is "valid as written": each fenced block must parse
 * with no diagnostic, and must not be silently empty.
 */
import { describe, expect, it } from "vitest";
import { parseRules } from "../../grammar/index.ts";
import { docExamples, spanProblems } from "./helpers.ts";

const examples = docExamples();

describe("docs/language.md examples", () => {
  it("has examples to check", () => {
    expect(examples.length).toBeGreaterThanOrEqual(7);
  });

  it.each(examples.map((e) => [e.line, e.text] as const))("the block at line %i parses cleanly", (line, text) => {
    const file = `docs/language.md:${line}`;
    const { ast, diagnostics } = parseRules(text, file);
    expect(diagnostics).toEqual([]);
    expect(ast.items.length + (ast.ruleset ? 1 : 0)).toBeGreaterThan(0);
    expect(spanProblems(ast, text, file)).toEqual([]);
  });

  it("keeps every top-level item of every block", () => {
    // Count the lines that start an item; each must come out as one AST item.
    const starts = /^(when|codes|dx|modifiers|override|disable|ptp|mue|aoc|select|test)\b/;
    for (const { text } of examples) {
      const expected = text.split("\n").filter((l) => starts.test(l)).length;
      expect(parseRules(text, "doc.rules").ast.items).toHaveLength(expected);
    }
  });
});

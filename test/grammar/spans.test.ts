/**
 * Spans: half-open UTF-16 offsets into the text, the right ones for each node, nested
 * inside their parents.
 */
import { describe, expect, it } from "vitest";
import { parseRules, type Span } from "../../grammar/index.ts";
import { docExamples, parseClean, spanProblems } from "./helpers.ts";

function slice(text: string, span: Span): string {
  return text.slice(span.start, span.end);
}

describe("spans", () => {
  it("cover exactly the text of each node of the one-liner", () => {
    const text = "  when 17003 count>14 require 17004, 17005-17007  ";
    const ast = parseClean(text, "one.rules");
    const rule = ast.items[0]!;
    if (rule.kind !== "rule" || rule.condition?.kind !== "codes" || rule.action.kind !== "require-codes") {
      throw new Error("unexpected shape");
    }
    expect(rule.span).toEqual({ file: "one.rules", start: 2, end: 48 });
    expect(slice(text, rule.span)).toBe("when 17003 count>14 require 17004, 17005-17007");
    expect(slice(text, rule.condition.span)).toBe("17003 count>14");
    expect(slice(text, rule.condition.codes.span)).toBe("17003");
    expect(slice(text, rule.condition.qualifier!.span)).toBe("count>14");
    const qualifier = rule.condition.qualifier!;
    expect(qualifier.kind === "count" && slice(text, qualifier.value.span)).toBe("14");
    expect(slice(text, rule.action.span)).toBe("require 17004, 17005-17007");
    expect(slice(text, rule.action.codes.span)).toBe("17004, 17005-17007");
    expect(slice(text, rule.action.codes.items[1]!.span)).toBe("17005-17007");
  });

  it("run to the end of the last metadata line, and cover strings with their quotes", () => {
    const text = 'when 17000 deny\n  message "a \\"b\\""\n\nwhen 17001 flag';
    const ast = parseClean(text);
    const rule = ast.items[0]!;
    expect(slice(text, rule.span)).toBe('when 17000 deny\n  message "a \\"b\\""');
    if (rule.kind !== "rule") throw new Error("not a rule");
    const message = rule.meta[0]!;
    expect(message.kind === "message" && slice(text, message.message.span)).toBe('"a \\"b\\""');
  });

  it("of parentheses include both parentheses; of `not`, the keyword", () => {
    const text = "when not (17000 or 17001) deny";
    const rule = parseClean(text).items[0]!;
    if (rule.kind !== "rule" || rule.condition?.kind !== "not") throw new Error("unexpected shape");
    expect(slice(text, rule.condition.span)).toBe("not (17000 or 17001)");
    expect(slice(text, rule.condition.arg.span)).toBe("(17000 or 17001)");
  });

  it("of a select table and a test block run to the closing brace (and metadata)", () => {
    const text = 'select for 1 { case site = nose -> 2 }\n id a.b\ntest "t" { line 17000 units 2 }';
    const [select, test] = parseClean(text).items;
    expect(slice(text, select!.span)).toBe("select for 1 { case site = nose -> 2 }\n id a.b");
    expect(slice(text, test!.span)).toBe('test "t" { line 17000 units 2 }');
  });

  it("of the file cover the whole text", () => {
    const text = "\n\nwhen 17000 deny\n\n# end\n";
    expect(parseClean(text).span).toEqual({ file: "test.rules", start: 0, end: text.length });
  });

  it("are nested and inside the text for every doc example", () => {
    for (const { text } of docExamples()) {
      const { ast } = parseRules(text, "doc.rules");
      expect(spanProblems(ast, text, "doc.rules")).toEqual([]);
    }
  });

  it("of diagnostics are inside the text too", () => {
    const text = "when 17000 and\n";
    const { diagnostics } = parseRules(text, "d.rules");
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]!.span).toEqual({ file: "d.rules", start: text.length, end: text.length });
  });
});

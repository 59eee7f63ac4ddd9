/**
 * Diagnostics: every error is reported (recovery), with its code, place and a house-style
 * message, and the valid items around errors stay in the AST.
 */
import { describe, expect, it } from "vitest";
import { parseRules, type Diagnostic } from "../../grammar/index.ts";

/** `[code, start, end]` of each diagnostic, in order. */
function places(diagnostics: readonly Diagnostic[]): [string, number, number][] {
  return diagnostics.map((d) => [d.code, d.span.start, d.span.end]);
}

function ruleCodes(text: string): string[] {
  return parseRules(text, "e.rules").ast.items.map((item) =>
    item.kind === "rule" && item.condition?.kind === "codes" ? item.condition.codes.items.map((i) => (i.kind === "set-ref" ? i.word.text : "")).join(",") : item.kind,
  );
}

describe("recovery", () => {
  const text = [
    "when 17000 deny", //                       0..15   valid
    "when 17001 count>14 17004", //             16..41  error: `17004` is not an action (at 36)
    "when 17002 flag", //                       42..57  valid
    "when 17003 and require 17004", //          58..86  error: `require` is not a condition (at 73)
    "when 17005 deny", //                       87..102 valid
    "when 17006 limit 17006 to 1 per week", //  103..   error: `week` (at 135)
    "when 17007 deny",
  ].join("\n");

  it("reports three separate errors at the right offsets", () => {
    const { diagnostics } = parseRules(text, "e.rules");
    expect(places(diagnostics)).toEqual([
      ["DR1002", 36, 41],
      ["DR1002", 73, 80],
      ["DR1002", 135, 139],
    ]);
    expect(text.slice(36, 41)).toBe("17004");
    expect(text.slice(73, 80)).toBe("require");
    expect(text.slice(135, 139)).toBe("week");
  });

  it("keeps the valid rules around them, and only those", () => {
    expect(ruleCodes(text)).toEqual(["17000", "17002", "17005", "17007"]);
  });

  it("says what would be valid, in house style", () => {
    const messages = parseRules(text, "e.rules").diagnostics.map((d) => d.message);
    expect(messages).toEqual([
      "expected an action (`require`, `forbid`, `limit`, `deny`, `flag`) but found `17004`",
      expect.stringMatching(/^expected a condition \(.*\) but found `require`$/),
      "expected `line` or `day` but found `week`",
    ]);
    for (const m of messages) {
      expect(m).toMatch(/^[a-z]/);
      expect(m).not.toMatch(/\.$|\n/);
    }
  });

  it("skips junk between items and suggests the keyword that was meant", () => {
    const junk = "when 17000 deny\n  sevrity error\nwhen 17001 deny";
    const { ast, diagnostics } = parseRules(junk, "e.rules");
    expect(places(diagnostics)).toEqual([["DR1002", 18, 25]]);
    expect(diagnostics[0]!.hint).toBe("did you mean `severity`?");
    expect(ast.items).toHaveLength(2);
  });

  it("reports a missing action at the end of the file", () => {
    const { ast, diagnostics } = parseRules("when 17000 deny\nwhen 17001", "e.rules");
    expect(places(diagnostics)).toEqual([["DR1002", 26, 26]]);
    expect(diagnostics[0]!.message).toMatch(/but found end of file$/);
    expect(ast.items).toHaveLength(1);
  });

  it("reports a missing `)`", () => {
    const { ast, diagnostics } = parseRules("when (17000 or 17001 deny", "e.rules");
    expect(places(diagnostics)).toEqual([["DR1002", 21, 25]]);
    expect(diagnostics[0]!.message).toBe("expected `)` but found `deny`");
    expect(ast.items).toEqual([]);
  });

  it("names the test-block attributes when one is wrong", () => {
    const { diagnostics } = parseRules('test "t" { claim dos 2024-01-01 foo 1 }', "e.rules");
    expect(diagnostics.map((d) => d.message)).toEqual(["expected `claim`, `line`, `expect` or `}` but found `foo`"]);
  });

  it("says `a number` where a number belongs", () => {
    const { diagnostics } = parseRules("when 17000 count > x deny", "e.rules");
    expect(diagnostics.map((d) => [d.code, d.message])).toEqual([["DR1002", "expected a number but found `x`"]]);
  });
});

describe("lexical errors", () => {
  it("DR1001 names a non-ASCII character outside strings and comments", () => {
    const text = 'when 17000 deny message "café"  # naïve\nwhen 1700é deny';
    const { ast, diagnostics } = parseRules(text, "e.rules");
    const lexical = diagnostics.filter((d) => d.code === "DR1001");
    const at = text.lastIndexOf("é");
    expect(places(lexical)).toEqual([["DR1001", at, at + 1]]);
    expect(lexical[0]!.message).toBe("unexpected character `é` (U+00E9): outside strings and comments only ASCII is allowed");
    // Only the one character is dropped: the string and the comment keep theirs.
    expect(diagnostics).toEqual(lexical);
    const first = ast.items[0]!;
    expect(first.kind === "rule" && first.meta[0]).toMatchObject({ message: { value: "café" } });
  });

  it("DR1001 names astral and invisible characters by code point", () => {
    const emoji = parseRules("when 17000 deny 😀", "e.rules").diagnostics;
    expect(emoji[0]).toMatchObject({ code: "DR1001", span: { start: 16, end: 18 } });
    expect(emoji[0]!.message).toContain("`😀` (U+1F600)");
    const bidi = parseRules("when 17000\u202e deny", "e.rules").diagnostics;
    expect(bidi[0]!.message).toBe("unexpected character U+202E: outside strings and comments only ASCII is allowed");
    const ascii = parseRules("when 17000 @ deny", "e.rules").diagnostics;
    expect(ascii.map((d) => [d.code, d.message])).toEqual([["DR1001", "unexpected character `@`"]]);
  });

  it("DR1003 for an unterminated string, and the rest of the file still parses", () => {
    const text = 'when 17000 deny\n  message "no end\nwhen 17001 deny';
    const { ast, diagnostics } = parseRules(text, "e.rules");
    expect(places(diagnostics)).toEqual([["DR1003", 26, 33]]);
    expect(ast.items).toHaveLength(2);
    const first = ast.items[0]!;
    expect(first.kind === "rule" && first.meta[0]).toMatchObject({ kind: "message", message: { value: "no end" } });
  });

  it("DR1003 when the closing quote is escaped", () => {
    const { diagnostics } = parseRules('when 17000 deny message "a\\"', "e.rules");
    expect(diagnostics.map((d) => d.code)).toEqual(["DR1003"]);
  });

  it("DR1007 for an escape other than \\\" and \\\\", () => {
    const { diagnostics } = parseRules('when 17000 deny message "a\\nb"', "e.rules");
    expect(places(diagnostics)).toEqual([["DR1007", 26, 28]]);
  });
});

describe("checks made while building the AST", () => {
  it("DR1004 for a word where a number belongs, naming it", () => {
    const text = "when 17000 limit 17000 to 1X\nwhen 17001 deny\nwhen age > 6.5.1 deny";
    const { ast, diagnostics } = parseRules(text, "e.rules");
    expect(diagnostics.map((d) => [d.code, d.message, text.slice(d.span.start, d.span.end)])).toEqual([
      ["DR1004", "expected a number but found `1X`", "1X"],
      ["DR1004", "expected a number but found `6.5.1`", "6.5.1"],
    ]);
    expect(ast.items).toHaveLength(1);
  });

  it("DR1004 in test blocks (units, pointers, expected lines)", () => {
    const { diagnostics } = parseRules('test "t" { line 17000 units A dx 1, B expect x.y lines C }', "e.rules");
    expect(diagnostics.map((d) => d.message)).toEqual([
      "expected a number but found `A`",
      "expected a number but found `B`",
      "expected a number but found `C`",
    ]);
  });

  it("DR1006 for a `ruleset` line that is not first, or a second one", () => {
    const late = parseRules("when 17000 deny\nruleset acme extends cms", "e.rules");
    expect(places(late.diagnostics)).toEqual([["DR1006", 16, 40]]);
    expect(late.diagnostics[0]!.message).toBe("`ruleset` must come before everything else in the file");
    const twice = parseRules("ruleset a\nruleset b", "e.rules");
    expect(places(twice.diagnostics)).toEqual([["DR1006", 10, 19]]);
    expect(twice.ast.ruleset?.name.text).toBe("a");
    // Comments before the ruleset line are fine.
    expect(parseRules("# header\n\nruleset a\nwhen 17000 deny", "e.rules").diagnostics).toEqual([]);
  });

  it("DR1008 for a single-valued test attribute given twice", () => {
    const { ast, diagnostics } = parseRules('test "t" { claim dos 2024-01-01 dos 2024-01-02 line 1 units 2 units 3 }', "e.rules");
    expect(diagnostics.map((d) => [d.code, d.message])).toEqual([
      ["DR1008", "`dos` is given twice in this `claim` line"],
      ["DR1008", "`units` is given twice in this `line` line"],
    ]);
    expect(ast.items).toEqual([]);
  });

  it("sorts diagnostics of every kind by offset", () => {
    const text = 'when 17000 limit 1 to Z deny\nwhen é deny\nruleset x\nmessage "open';
    const { diagnostics } = parseRules(text, "e.rules");
    const starts = diagnostics.map((d) => d.span.start);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(new Set(diagnostics.map((d) => d.code))).toEqual(new Set(["DR1001", "DR1002", "DR1003", "DR1004", "DR1006"]));
  });
});

/**
 * Golden formatting (OPA's format_test.go): each `test/golden/fmt/<case>.rules` formats to
 * `<case>.rules.formatted`; the formatted text parses cleanly to the same AST (spans aside,
 * metadata in canonical order) with the same comments, and formatting it again changes
 * nothing. Adding a case means adding a `.rules` file; `npx vitest run test/grammar -u`
 * writes its `.formatted` file for review.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { formatRules, parseRules, sameMeaning } from "../../grammar/index.ts";

const DIR = path.resolve(import.meta.dirname, "../golden/fmt");
const cases = fs.readdirSync(DIR).filter((f) => f.endsWith(".rules")).sort();

describe("golden formatting", () => {
  it("has at least 12 cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(12);
  });

  for (const c of cases) {
    it(c, async () => {
      const input = fs.readFileSync(path.join(DIR, c), "utf8");
      const first = formatRules(input, c);
      expect(first.diagnostics).toEqual([]);
      expect(first.text).toBeDefined();
      const formatted = first.text!;
      await expect(formatted).toMatchFileSnapshot(path.join(DIR, `${c}.formatted`));

      // Re-parse: clean, same meaning, same comments.
      const before = parseRules(input, c);
      const after = parseRules(formatted, c);
      expect(after.diagnostics).toEqual([]);
      expect(sameMeaning(before.ast, after.ast)).toBe(true);
      expect(after.comments.map((x) => x.text.trimEnd()).sort()).toEqual(before.comments.map((x) => x.text.trimEnd()).sort());

      // Idempotent.
      const second = formatRules(formatted, c);
      expect(second.text).toBe(formatted);
      expect(second.changed).toBe(false);
    });
  }
});

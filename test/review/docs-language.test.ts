/**
 * The examples of docs/language.md that say they come from a shipped pack (a `rules/….rules`
 * path named in the text just above them) really do: every line of such a block is a line of
 * one of the named files (indentation and closing parentheses aside, since some excerpts stop
 * before the pack's rule ends).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/cli.ts";

const MD = fs.readFileSync(path.join(REPO_ROOT, "docs", "language.md"), "utf8");

function norm(line: string): string {
  return line.trim().replace(/\)+$/, "").replace(/\s+/g, " ");
}

describe("docs/language.md examples from the packs", () => {
  const fence = /^```[^\n]*\n([\s\S]*?)^```/gm;
  const cited: { line: number; files: string[]; text: string }[] = [];
  let last = 0;
  for (const m of MD.matchAll(fence)) {
    const before = MD.slice(last, m.index);
    last = m.index! + m[0].length;
    const files = [...before.matchAll(/`(rules\/[\w/.-]+\.rules)`/g)].map((x) => x[1]!);
    if (files.length) cited.push({ line: MD.slice(0, m.index).split("\n").length + 1, files, text: m[1]! });
  }

  it("has pack examples for the constructs", () => {
    expect(cited.length).toBeGreaterThanOrEqual(15);
  });

  it.each(cited.map((c) => [c.line, c] as const))("the block at line %i is in the pack it names", (_line, c) => {
    const lines = new Set(c.files.flatMap((f) => fs.readFileSync(path.join(REPO_ROOT, f), "utf8").split("\n").map(norm)));
    const missing = c.text
      .split("\n")
      .map(norm)
      .filter((l) => l !== "" && !l.startsWith("#") && !lines.has(l));
    expect(missing, c.files.join(", ")).toEqual([]);
  });
});

/**
 * The diagnostic catalogue, the human and JSON renderings, and did-you-mean.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { CATALOGUE, diagnosticsToJson, renderDiagnostics } from "../../compiler/index.ts";
import { error, warning } from "../../compiler/diagnostics.ts";
import { didYouMean, editDistance, suggest } from "../../compiler/suggest.ts";
import { SourceFile } from "../../grammar/source.ts";
import { compile } from "./helpers.ts";

describe("catalogue", () => {
  it("lists every DR code that compiler/ emits, with a one-line description", () => {
    const dir = path.join(import.meta.dirname, "..", "..", "compiler");
    const used = new Set<string>();
    for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".ts") && f !== "diagnostics.ts")) {
      for (const m of fs.readFileSync(path.join(dir, f), "utf8").matchAll(/"(DR[234]\d{3})"/g)) used.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(30);
    for (const code of used) expect(Object.keys(CATALOGUE), code).toContain(code);
    for (const [code, text] of Object.entries(CATALOGUE)) {
      expect(code).toMatch(/^DR[234]\d{3}$/);
      expect(text).not.toMatch(/\n|\.$/);
    }
  });
});

describe("renderDiagnostics", () => {
  const src = new SourceFile("rules/cms/excision.rules", "dx MALIGNANT_SKIN = C44.*\nwhen 11602 and not dx in MALIGANT_SKIN require modifier 59\n");
  const sources = new Map([[src.path, src]]);
  const start = src.text.indexOf("MALIGANT_SKIN");
  const d = error("DR2003", { file: src.path, start, end: start + "MALIGANT_SKIN".length }, "unknown dx set `MALIGANT_SKIN`", {
    hint: "did you mean `MALIGNANT_SKIN`? (defined at rules/cms/excision.rules:1:4)",
  });

  it("prints location, severity, code, message, the line with a gutter, carets and the hint", () => {
    expect(renderDiagnostics([d], sources)).toBe(
      [
        "rules/cms/excision.rules:2:26: error DR2003: unknown dx set `MALIGANT_SKIN`",
        "    2 │ when 11602 and not dx in MALIGANT_SKIN require modifier 59",
        "      │                          ^^^^^^^^^^^^^",
        "      = hint: did you mean `MALIGNANT_SKIN`? (defined at rules/cms/excision.rules:1:4)",
        "",
      ].join("\n"),
    );
  });

  it("keeps tabs so the carets stay under the span, and prints related notes", () => {
    const t = new SourceFile("t.rules", "when 17000 flag\n\tid  a.b\n");
    const s = t.text.indexOf("a.b");
    const out = renderDiagnostics(
      [error("DR2050", { file: "t.rules", start: s, end: s + 3 }, "rule id `a.b` is used twice", { related: [{ span: { file: "t.rules", start: 0, end: 4 }, message: "first here" }] })],
      new Map([["t.rules", t]]),
    );
    expect(out.split("\n").slice(1, 4)).toEqual(["    2 │ \tid  a.b", "      │ \t    ^^^", "      = note: first here (at t.rules:1:1)"]);
  });

  it("sorts by file, line and column, stops after the limit with 'and N more'", () => {
    const a = new SourceFile("a.rules", "x\ny\nz\n");
    const b = new SourceFile("b.rules", "x\n");
    const m = new Map([
      ["a.rules", a],
      ["b.rules", b],
    ]);
    const at = (file: string, start: number, msg: string) => warning("DR2053", { file, start, end: start + 1 }, msg);
    const out = renderDiagnostics([at("b.rules", 0, "b1"), at("a.rules", 4, "a3"), at("a.rules", 0, "a1"), at("a.rules", 2, "a2")], m, { limit: 2 });
    const heads = out.split("\n").filter((l) => /^[ab]\.rules:/.test(l) || l.startsWith("and "));
    expect(heads).toEqual(["a.rules:1:1: warning DR2053: a1", "a.rules:2:1: warning DR2053: a2", "and 2 more"]);
    expect(renderDiagnostics([], m)).toBe("");
  });

  it("shows absolute paths relative to cwd, and files without text by name only", () => {
    const abs = new SourceFile("/repo/rules/x.rules", "when 17000 flag\n");
    const out = renderDiagnostics([warning("DR2053", { file: "/repo/rules/x.rules", start: 5, end: 10 }, "m")], new Map([[abs.path, abs]]), { cwd: "/repo" });
    expect(out.split("\n")[0]).toBe("rules/x.rules:1:6: warning DR2053: m");
    const noText = renderDiagnostics([error("DR4021", { file: "data/icd10cm-order.tsv.gz", start: 0, end: 0 }, "m")], new Map());
    expect(noText).toBe("data/icd10cm-order.tsv.gz: error DR4021: m\n");
  });

  it("JSON form: 1-based line and column of both ends, sorted, with hint and related", () => {
    const r = compile("codes MOHS = 17311\ncodes MOHS = 17312\nwhen 1700 flag\n");
    const json = diagnosticsToJson(r.diagnostics, r.sources);
    expect(json.map((j) => [j.code, j.line, j.column, j.endLine, j.endColumn])).toEqual([
      ["DR2001", 2, 7, 2, 11],
      ["DR2020", 3, 6, 3, 10],
    ]);
    expect(json[0]!.related).toEqual([{ message: "`MOHS` is first defined here", file: "test.rules", line: 1, column: 7, span: { file: "test.rules", start: 6, end: 10 } }]);
    expect(json[1]!.hint).toContain("five digits");
  });
});

describe("did you mean", () => {
  it("edit distance counts insertions, deletions, substitutions and swaps", () => {
    expect(editDistance("MALIGANT_SKIN", "MALIGNANT_SKIN")).toBe(1);
    expect(editDistance("L75.0", "L57.0")).toBe(1);
    expect(editDistance("abc", "xyz")).toBe(3);
    expect(editDistance("abcdef", "a", 2)).toBe(3); // cut off past the limit
  });

  it("suggests the nearest names, ignoring case, within a third of the length", () => {
    expect(suggest("MALIGANT_SKIN", ["BENIGN_SKIN", "MALIGNANT_SKIN", "MOHS"])).toEqual(["MALIGNANT_SKIN"]);
    expect(suggest("malignant_skin", ["MALIGNANT_SKIN"])).toEqual(["MALIGNANT_SKIN"]);
    expect(suggest("XYZ", ["MALIGNANT_SKIN"])).toEqual([]);
    expect(didYouMean(["a", "b", "c"])).toBe("did you mean `a`, `b` or `c`?");
    expect(didYouMean([])).toBeUndefined();
  });
});

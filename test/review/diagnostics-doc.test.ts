/**
 * docs/diagnostics.md lists every diagnostic code the sources use, each with a fix, and is up
 * to date with its generator (scripts/generate-diagnostics-doc.ts).
 */
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { CATALOGUE } from "../../compiler/diagnostics.ts";
import { FIXES } from "../../scripts/diagnostic-fixes.ts";
import { DOC_PATH, codesInSources, renderDiagnosticsDoc } from "../../scripts/generate-diagnostics-doc.ts";

describe("docs/diagnostics.md", () => {
  const used = codesInSources();

  it("finds the codes of every phase in the sources", () => {
    for (const prefix of ["DR1", "DR2", "DR3", "DR40", "DR45", "DR50", "DR51", "DR52", "DR53", "DR54"]) {
      expect(used.some((c) => c.startsWith(prefix)), prefix).toBe(true);
    }
  });

  it("has a description and a fix for every code the sources use and the catalogue lists", () => {
    const missing = [...new Set([...used, ...Object.keys(CATALOGUE)])].filter((c) => {
      const doc = FIXES[c];
      const what = (CATALOGUE as Record<string, string>)[c] ?? doc?.what;
      return !doc || doc.fix.trim() === "" || !what;
    });
    expect(missing, "add these codes to scripts/diagnostic-fixes.ts").toEqual([]);
  });

  it("lists no code that nothing uses any more", () => {
    const known = new Set([...used, ...Object.keys(CATALOGUE)]);
    expect(Object.keys(FIXES).filter((c) => !known.has(c))).toEqual([]);
  });

  it("is up to date (regenerate with `npx tsx scripts/generate-diagnostics-doc.ts`)", () => {
    expect(fs.readFileSync(DOC_PATH, "utf8")).toBe(renderDiagnosticsDoc());
  });

  it("has an anchored row per code", () => {
    const text = fs.readFileSync(DOC_PATH, "utf8");
    for (const c of used) expect(text).toContain(`<a id="${c.toLowerCase()}"></a>**${c}**`);
  });
});

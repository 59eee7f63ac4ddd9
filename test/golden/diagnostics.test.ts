/**
 * Golden diagnostics: each `diagnostics/<case>.rules` is compiled alone and its rendered
 * diagnostics (plain, relative paths) must equal `<case>.rules.err`. Adding a case means adding
 * files; `npx vitest run test/golden -u` rewrites the .err files for review.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { compilePaths, renderDiagnostics } from "../../compiler/index.ts";

const DIR = path.join(import.meta.dirname, "diagnostics");
const cases = fs.readdirSync(DIR).filter((f) => f.endsWith(".rules")).sort();

describe("golden diagnostics", () => {
  it("has at least 25 cases, each with a distinct first diagnostic code", () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
    const codes = new Set(
      cases.map((c) => {
        const r = compilePaths([path.join(DIR, c)], { cwd: DIR });
        return r.diagnostics[0]?.code;
      }),
    );
    expect(codes.size).toBeGreaterThanOrEqual(25);
  });

  for (const c of cases) {
    it(c, async () => {
      const r = compilePaths([path.join(DIR, c)], { cwd: DIR });
      expect(r.diagnostics.length).toBeGreaterThan(0);
      const text = renderDiagnostics(r.diagnostics, r.sources, { cwd: DIR });
      await expect(text).toMatchFileSnapshot(path.join(DIR, `${c}.err`));
    });
  }
});

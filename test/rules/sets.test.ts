/**
 * The complement dx sets of rules/cms/sets.rules (`OTHER_THAN_AK`, …) stand in for a language
 * feature we lack ("the line points to no diagnosis other than …"). They are generated lists, so
 * this test proves each one is the exact complement of its family over the FY2026 ICD-10-CM
 * billable codes: every billable code is in the family or in its complement, never in both.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { compilePaths } from "../../compiler/index.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");

const COMPLEMENTS: Record<string, string> = {
  OTHER_THAN_AK: "ACTINIC_KERATOSIS",
  OTHER_THAN_WART: "WART_LIKE",
  OTHER_THAN_SKIN_TAG: "SKIN_TAG",
  OTHER_THAN_MALIGNANT_SKIN: "MALIGNANT_SKIN",
};

/** The billable FY2026 codes (no dot), read from the shipped order file. */
function billableCodes(): string[] {
  const text = zlib.gunzipSync(fs.readFileSync(path.join(ROOT, "data/icd10cm-order.tsv.gz"))).toString("utf8");
  return text
    .split("\n")
    .slice(1)
    .filter((l) => l !== "")
    .map((l) => l.split("\t"))
    .filter(([, billable]) => billable === "1")
    .map(([code]) => code);
}

describe("complement dx sets", () => {
  const compiled = compilePaths([path.join(ROOT, "rules")], { cwd: ROOT });
  const codes = billableCodes();

  /** A matcher for a dx set declaration whose items are plain codes and `prefix*` patterns. */
  function matcher(name: string): (code: string) => boolean {
    const info = compiled.program.lookupSet(name);
    if (!info) throw new Error(`no set ${name}`);
    const exact = new Set<string>();
    const prefixes: string[] = [];
    for (const item of info.decl.value.items) {
      if (item.kind !== "set-ref") throw new Error(`${name}: ranges are not expected here`);
      const text = item.word.text.replace(/\./g, "");
      if (text.endsWith("*")) prefixes.push(text.slice(0, -1));
      else exact.add(text);
    }
    return (code) => exact.has(code) || prefixes.some((p) => code.startsWith(p));
  }

  it("reads the FY2026 billable list", () => {
    expect(codes.length).toBe(74_719);
  });

  it.each(Object.entries(COMPLEMENTS))("%s is the exact complement of %s", (complement, family) => {
    const inFamily = matcher(family);
    const inComplement = matcher(complement);
    const both = codes.filter((c) => inFamily(c) && inComplement(c));
    const neither = codes.filter((c) => !inFamily(c) && !inComplement(c));
    expect(both).toEqual([]);
    expect(neither).toEqual([]);
    expect(codes.some(inFamily)).toBe(true);
  });
});

/** DR3012–DR3015: code hygiene. */
import { describe, expect, it } from "vitest";
import { brief, check, mueFile, withCode } from "./helpers.ts";

const ONLY = ["hygiene"];
const DATA = { "m.tsv": mueFile([["11600", 1, 2], ["11601", 1, 2], ["11602", 1, 2], ["17000", 1, 2]]) };

describe("code hygiene", () => {
  it("DR3012: a code no loaded table names, at the word", () => {
    const r = check('mue "m.tsv"\ncodes TYPO = 11209, 11600\n', DATA, ONLY);
    const [d] = withCode(r.diagnostics, "DR3012");
    expect(d?.message).toBe("procedure code `11209` is in none of the CMS tables this ruleset loads (PTP, MUE, add-on)");
    expect(r.compiled.sources.get("test.rules")!.text.slice(d!.span.start, d!.span.end)).toBe("11209");
  });

  it("DR3013: a range that holds no code the tables name", () => {
    const r = check('mue "m.tsv"\ncodes EMPTY = 11650-11659, 11600-11606\n', DATA, ONLY);
    expect(withCode(r.diagnostics, "DR3013").map((d) => d.message)).toEqual(["code range `11650-11659` holds no code that the CMS tables this ruleset loads name"]);
  });

  it("no DR3012/DR3013 without tables (nothing to compare with)", () => {
    const r = check("codes TYPO = 11209, 11650-11659\n", {}, ONLY);
    expect(withCode(r.diagnostics, "DR3012")).toEqual([]);
    expect(withCode(r.diagnostics, "DR3013")).toEqual([]);
  });

  it("DR3014: items the rest of the set already covers, in every kind of set", () => {
    const r = check(
      "codes SET_A = 11600-11606, 11604\ncodes SET_B = 11600-11606\ncodes SET_C = SET_B, 11600\ndx SET_D = D22.*, D22.5\nmodifiers SET_M = 59, XS, 59\nwhen line 17000, 17000 deny\n",
      {},
      ONLY,
    );
    expect(withCode(r.diagnostics, "DR3014").map((d) => d.message)).toEqual([
      "`11604` is already in `11600-11606` of the same set",
      "`11600` is already in `SET_B` of the same set",
      "`D22.5` is already in `D22.*` of the same set",
      "`59` is already in `59` of the same set",
      "`17000` is already in `17000` of the same set",
    ]);
  });

  it("DR3014: not for sets that only overlap", () => {
    const r = check("codes SET_A = 11600-11606, 11604-11610\ndx SET_D = D22.*, D23.*\n", {}, ONLY);
    expect(withCode(r.diagnostics, "DR3014")).toEqual([]);
  });

  it("DR3015: a header in a test claim, unless the test expects the ICD finding", () => {
    const r = check(
      'when 17000 flag\ntest "a" {\n  claim dos 2024-05-15 dx C44.31\n  line 17000 dx 1\n}\ntest "b" {\n  claim dos 2024-05-15 dx C44.31\n  line 17000 dx 1\n  expect error dermrules.icd10.header\n}\n',
      {},
      ONLY,
    );
    expect(brief(withCode(r.diagnostics, "DR3015"))).toEqual(["DR3015 warning []"]);
    expect(withCode(r.diagnostics, "DR3015")[0]!.message).toBe("test `a` uses `C44.31`, an ICD-10-CM header: every result of the test also gets a `dermrules.icd10.header` error");
  });
});

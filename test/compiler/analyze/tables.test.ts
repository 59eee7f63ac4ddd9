/** DR3008–DR3011: the CMS edit tables. */
import { describe, expect, it } from "vitest";
import { aocFile, brief, check, mueFile, ptpFile, withCode } from "./helpers.ts";

const ONLY = ["ptp-rows", "mue-rows", "addon-primaries"];

describe("DR3008/DR3009: PTP rows", () => {
  it("dated rows of one pair that overlap with different indicators are a warning, with their lines", () => {
    const data = { "p.tsv": ptpFile([["11102", "11300", "20240101", "*", 0], ["11102", "11300", "20240601", "*", 1], ["11102", "11301", "20240101", "20240531", 0], ["11102", "11301", "20240601", "*", 1]]) };
    const r = check('ptp "p.tsv"\n', data, ONLY);
    expect(brief(withCode(r.diagnostics, "DR3008"))).toEqual(["DR3008 warning [cms.ptp.11102.11300 cms.ptp.11102.11300]"]);
    expect(withCode(r.diagnostics, "DR3008")[0]!.message).toBe(
      "PTP rows of `11102/11300` contradict each other (lines 2, 3): indicator 0 and indicator 1 both apply from 2024-06-01 until now",
    );
  });

  it("undated overlaps (a file without effective dates) are one info for the table", () => {
    const data = { "p.tsv": ptpFile([["11102", "11300", "", "20231231", 1], ["11102", "11300", "", "*", 0], ["11104", "11300", "", "*", 1]]) };
    const r = check('ptp "p.tsv"\n', data, ONLY);
    expect(brief(withCode(r.diagnostics, "DR3008"))).toEqual(["DR3008 info [cms.ptp.11102.11300]"]);
    expect(withCode(r.diagnostics, "DR3008")[0]!.message).toContain("1 PTP pair of `p.tsv` have rows with different modifier indicators");
  });

  it("a pair edited both ways on overlapping dates", () => {
    const data = { "p.tsv": ptpFile([["17260", "17270", "20240101", "*", 1], ["17270", "17260", "20240101", "*", 0], ["17280", "17281", "20200101", "20231231", 1], ["17281", "17280", "20240101", "*", 1]]) };
    const r = check('ptp "p.tsv"\n', data, ONLY);
    expect(brief(withCode(r.diagnostics, "DR3009"))).toEqual(["DR3009 warning [cms.ptp.17260.17270 cms.ptp.17270.17260]"]);
  });

  it("rows of one pair in two tables of a layer", () => {
    const data = { "a.tsv": ptpFile([["11102", "11300", "", "*", 1]]), "b.tsv": ptpFile([["11102", "11300", "", "*", 0]]) };
    const r = check('ptp "a.tsv"\nptp "b.tsv"\n  id cms.ptp2\n', data, ONLY);
    expect(brief(withCode(r.diagnostics, "DR3008"))).toEqual(["DR3008 warning [cms.ptp.11102.11300 cms.ptp2.11102.11300]"]);
  });
});

describe("DR3010: MUE", () => {
  it("one code in two MUE tables of a layer", () => {
    const data = { "a.tsv": mueFile([["11102", 1, 2], ["11104", 1, 2]]), "b.tsv": mueFile([["11102", 2, 3]]) };
    const r = check('mue "a.tsv"\nmue "b.tsv"\n  id cms.mue2\n', data, ONLY);
    expect(brief(withCode(r.diagnostics, "DR3010"))).toEqual(["DR3010 warning [cms.mue.11102 cms.mue2.11102]"]);
  });
});

describe("DR3011: add-on primaries", () => {
  it("names the add-ons whose listed primaries no PTP or MUE table knows (info)", () => {
    const data = {
      "m.tsv": mueFile([["17000", 1, 2], ["17003", 13, 2], ["11102", 1, 2]]),
      "a.tsv": aocFile([[1, "17003", "17000", "2019001"], [1, "11103", "11102", "2019001"], [1, "11103", "1799T", "2019001"], [1, "11109", "1798T", "2019001"]]),
    };
    const r = check('mue "m.tsv"\naoc "a.tsv"\n', data, ONLY);
    expect(brief(withCode(r.diagnostics, "DR3011"))).toEqual(["DR3011 info [cms.aoc.11109]", "DR3011 info [cms.aoc.11103]"]);
  });
});

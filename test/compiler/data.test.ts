/**
 * The CMS/CDC data readers on small fixture files, and through the compiler (diagnostics at
 * the table reference, naming the data file and its line).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parseJulian, parseYmd, readAoc, readIcd, readMue, readPtp, isProcedureCode, isIcdCode, MAX_PROBLEMS_PER_FILE } from "../../compiler/data.ts";
import { dayNumber } from "../../runtime/dates.ts";
import { codesOf, compile, fixture, spanText, summary } from "./helpers.ts";

const day = (s: string) => dayNumber(s)!;

describe("field checks", () => {
  it("procedure codes: five digits, four digits and A/M/U/F/T, a letter and four digits", () => {
    for (const c of ["17000", "0591T", "0001A", "0002M", "0001U", "0500F", "G0127", "J7308"]) expect(isProcedureCode(c), c).toBe(true);
    for (const c of ["1700", "170000", "1700X", "G012", "GG127", "g0127", "17 00", "C44.3"]) expect(isProcedureCode(c), c).toBe(false);
  });

  it("ICD-10-CM codes without the dot, FY2026's QA0 codes included", () => {
    for (const c of ["L57", "L570", "C44311", "S0181XA", "QA00101"]) expect(isIcdCode(c), c).toBe(true);
    for (const c of ["L5", "L57.0", "157", "l570", "C4431199"]) expect(isIcdCode(c), c).toBe(false);
  });

  it("YYYYMMDD dates must be real calendar dates", () => {
    expect(parseYmd("20240401")).toBe(day("2024-04-01"));
    expect(parseYmd("20240229")).toBe(day("2024-02-29"));
    expect(parseYmd("20230229")).toBeUndefined();
    expect(parseYmd("20241301")).toBeUndefined();
    expect(parseYmd("2024-04-01")).toBeUndefined();
    expect(parseYmd("")).toBeUndefined();
  });

  it("CMS Julian YYYYDDD dates: year and day of year", () => {
    expect(parseJulian("2019001")).toBe(day("2019-01-01"));
    expect(parseJulian("2013091")).toBe(day("2013-04-01"));
    expect(parseJulian("2024366")).toBe(day("2024-12-31"));
    expect(parseJulian("2023365")).toBe(day("2023-12-31"));
    expect(parseJulian("2023366")).toBeUndefined();
    expect(parseJulian("2023000")).toBeUndefined();
    expect(parseJulian("20230101")).toBeUndefined();
  });
});

describe("readPtp", () => {
  it("reads rows with open and dated bounds and the 0/1/9 indicators", () => {
    const r = readPtp(fixture("ptp-good.tsv"), "ptp-good.tsv");
    expect(r.problems).toEqual([]);
    expect(r.rows.map(({ line: _l, ...x }) => x)).toEqual([
      { column1: "17004", column2: "17003", effective: null, deletion: null, modifier: 0 },
      { column1: "17000", column2: "99213", effective: null, deletion: null, modifier: 1 },
      { column1: "11104", column2: "11102", effective: day("2019-01-01"), deletion: null, modifier: 0 },
      { column1: "11104", column2: "11102", effective: null, deletion: day("2018-12-31"), modifier: 1 },
      { column1: "11300", column2: "11102", effective: null, deletion: null, modifier: 9 },
    ]);
    expect(r.rows.map((x) => x.line)).toEqual([2, 3, 4, 5, 6]);
  });

  it("reads gzip transparently and CRLF line ends the same as LF", () => {
    const plain = readPtp(fixture("ptp-good.tsv"), "a");
    expect(readPtp(fixture("ptp-good.tsv.gz"), "a.gz")).toEqual(plain);
    expect(readPtp(fixture("ptp-crlf.tsv"), "a")).toEqual(plain);
  });

  it("names the missing columns and the columns expected", () => {
    const r = readPtp(fixture("ptp-bad-columns.tsv"), "ptp-bad-columns.tsv");
    expect(r.rows).toEqual([]);
    expect(r.problems).toEqual([
      {
        code: "DR4011",
        line: 1,
        message: "`ptp-bad-columns.tsv` lacks column `effective`: a PTP file has the columns `column1 column2 prior1996 effective deletion modifier rationale`",
      },
    ]);
  });

  it("reports each bad row with its line and keeps the good ones", () => {
    const r = readPtp(fixture("ptp-bad-rows.tsv"), "bad.tsv");
    expect(r.problems.map((p) => [p.code, p.line])).toEqual([
      ["DR4013", 2],
      ["DR4013", 3],
      ["DR4014", 4],
      ["DR4015", 5],
      ["DR4012", 6],
    ]);
    expect(r.problems[0]!.message).toBe("`bad.tsv` line 2: effective `20240230` is not a valid date (expected YYYYMMDD or empty)");
    expect(r.problems[1]!.message).toBe("`bad.tsv` line 3: deletion `2024-01-01` is not a valid date (expected YYYYMMDD or `*`)");
    expect(r.problems[2]!.message).toBe("`bad.tsv` line 4: modifier indicator `7` is not 0, 1 or 9");
    expect(r.problems[3]!.message).toBe("`bad.tsv` line 5: column1 `1700` is not a procedure code");
    expect(r.problems[4]!.message).toBe("`bad.tsv` line 6 has 8 fields, the header has 7");
    expect(r.rows.map((x) => `${x.column1}/${x.column2}`)).toEqual(["11104/11102"]);
  });

  it("a truncated last line (no line break, too few fields) is DR4016", () => {
    const r = readPtp(fixture("ptp-truncated.tsv"), "t.tsv");
    expect(r.rows).toHaveLength(1);
    expect(r.problems).toEqual([{ code: "DR4016", line: 3, message: "`t.tsv` line 3 is truncated: 2 of 7 fields and no line break" }]);
  });

  it("a complete last line without a line break is fine", () => {
    const text = fs.readFileSync(path.join(import.meta.dirname, "..", "fixtures", "compiler", "ptp-good.tsv"), "utf8").trimEnd();
    const r = readPtp(Buffer.from(text), "x");
    expect(r.problems).toEqual([]);
    expect(r.rows).toHaveLength(5);
  });

  it("empty files, header-only files, bad gzip", () => {
    expect(codesOf(readPtp(fixture("empty.tsv"), "e").problems as never)).toEqual(["DR4019"]);
    expect(readPtp(fixture("header-only.tsv"), "h")).toEqual({ rows: [], problems: [], moreProblems: 0 });
    expect(codesOf(readPtp(fixture("corrupt.tsv.gz"), "c.gz").problems as never)).toEqual(["DR4017"]);
    const named = readPtp(fixture("not-gzip.tsv.gz"), "not-gzip.tsv.gz");
    expect(named.problems[0]!.message).toBe("`not-gzip.tsv.gz` ends in `.gz` but is not gzip data");
  });

  it("lists at most 20 problems per file and counts the rest", () => {
    const bad = ["column1\tcolumn2\tprior1996\teffective\tdeletion\tmodifier\trationale", ...Array.from({ length: 45 }, () => "17000\t17003\t\t\t*\t5\tx")].join("\n");
    const r = readPtp(Buffer.from(bad), "many");
    expect(r.problems).toHaveLength(MAX_PROBLEMS_PER_FILE);
    expect(r.moreProblems).toBe(45 - MAX_PROBLEMS_PER_FILE);
  });
});

describe("readMue, readAoc, readIcd", () => {
  it("MUE rows: units and MAI", () => {
    const r = readMue(fixture("mue-good.tsv"), "m");
    expect(r.problems).toEqual([]);
    expect(r.rows.map((x) => [x.code, x.mue, x.mai])).toEqual([
      ["17003", 13, 2],
      ["11102", 1, 3],
      ["99213", 2, 1],
      ["17003", 9, 2],
    ]);
  });

  it("MUE problems: a word for units, MAI 4, a negative limit", () => {
    const r = readMue(fixture("mue-bad.tsv"), "mue-bad.tsv");
    expect(r.problems.map((p) => p.message)).toEqual([
      "`mue-bad.tsv` line 2: mue `thirteen` is not a whole number of units",
      "`mue-bad.tsv` line 3: mai `4` is not 1, 2 or 3",
      "`mue-bad.tsv` line 4: mue `-1` is not a whole number of units",
    ]);
  });

  it("AOC rows: Julian dates, CCCCC, edit types", () => {
    const r = readAoc(fixture("aoc-good.tsv"), "a");
    expect(r.problems).toEqual([]);
    expect(r.rows.map(({ line: _l, ...x }) => x)).toEqual([
      { type: 1, addon: "17003", addonDeletion: null, primary: "17000", primaryDeletion: null, effective: day("2013-04-01"), deletion: null },
      { type: 1, addon: "11103", addonDeletion: null, primary: "11102", primaryDeletion: null, effective: day("2019-01-01"), deletion: null },
      { type: 1, addon: "11103", addonDeletion: null, primary: "11104", primaryDeletion: day("2024-12-31"), effective: day("2019-01-01"), deletion: null },
      { type: 2, addon: "0054T", addonDeletion: null, primary: "CCCCC", primaryDeletion: null, effective: day("2013-04-01"), deletion: null },
    ]);
  });

  it("AOC problems: edit type 4, day 366 of a common year, a bad primary", () => {
    const r = readAoc(fixture("aoc-bad.tsv"), "aoc-bad.tsv");
    expect(r.problems.map((p) => `${p.code} ${p.line}`)).toEqual(["DR4014 2", "DR4013 3", "DR4015 4"]);
    expect(r.problems[1]!.message).toBe("`aoc-bad.tsv` line 3: AOC_Edit_EffDT `2023366` is not a valid date (expected CMS Julian YYYYDDD or empty)");
  });

  it("ICD order file: billable flags", () => {
    const r = readIcd(fixture("icd-small.tsv"), "i");
    expect(r.problems).toEqual([]);
    expect(r.rows.map((x) => `${x.code}:${x.billable ? 1 : 0}`)).toEqual(["L57:0", "L570:1", "C4431:0", "C44310:1", "C44311:1"]);
  });
});

describe("data problems as compiler diagnostics", () => {
  it("point at the path string and name the data file and its line", () => {
    const r = compile('ptp "ptp-bad-rows.tsv"\n  version "v1"\n');
    expect(codesOf(r.diagnostics)).toEqual(["DR4013", "DR4013", "DR4014", "DR4015", "DR4012"]);
    for (const d of r.diagnostics) expect(spanText(r, d)).toBe('"ptp-bad-rows.tsv"');
    expect(r.diagnostics[0]!.message).toContain("`ptp-bad-rows.tsv` line 2");
    expect(r.table).toBeUndefined();
  });

  it("a missing file is DR4001 at the path, resolved relative to the rule file", () => {
    const r = compile({ "rules/cms/ncci.rules": 'mue "../../data/nope.tsv.gz"\n' });
    expect(summary(r.diagnostics)).toEqual(["DR4001 error: cannot read data file `data/nope.tsv.gz`: no such file"]);
    expect(spanText(r, r.diagnostics[0]!)).toBe('"../../data/nope.tsv.gz"');
  });

  it("bad columns and truncation come through with their hints", () => {
    const r = compile('ptp "ptp-bad-columns.tsv"\nptp "ptp-truncated.tsv" id cms.ptp2\n');
    expect(codesOf(r.diagnostics)).toEqual(["DR4011", "DR4016"]);
    expect(r.diagnostics[0]!.hint).toContain("CMS's own columns");
  });

  it("an MUE code listed twice is a warning and the first row wins", () => {
    const r = compile('mue "mue-good.tsv"\n');
    expect(summary(r.diagnostics)).toEqual(["DR4022 warning: `mue-good.tsv` line 5 lists `17003` again (first at line 2): the first row is kept"]);
    expect(r.table!.edits.mue[0]!.limits["17003"]).toEqual([13, 2]);
  });

  it("more than 20 problems in one file end with a DR4020 summary", () => {
    const bad = ["code\tmue\tmai\trationale", ...Array.from({ length: 30 }, (_, i) => `${17000 + i}\t1\t9\tx`)].join("\n") + "\n";
    const r = compile('mue "many.tsv"\n', { "many.tsv": bad });
    expect(codesOf(r.diagnostics).filter((c) => c === "DR4014")).toHaveLength(20);
    expect(summary(r.diagnostics).at(-1)).toBe("DR4020 error: and 10 more problems in `many.tsv`");
  });
});

describe("the shipped derm PTP file", () => {
  it("loads all 432,772 rows quickly and without problems", () => {
    const bytes = fs.readFileSync(path.join(import.meta.dirname, "..", "..", "data", "ncci-ptp-derm.tsv.gz"));
    const t0 = performance.now();
    const r = readPtp(bytes, "ncci-ptp-derm.tsv.gz");
    const ms = performance.now() - t0;
    expect(r.problems).toEqual([]);
    expect(r.rows).toHaveLength(432_772);
    // Generous ceiling for a loaded CI machine; it takes about 0.2–0.3 s on a quiet one.
    expect(ms).toBeLessThan(5000);
    const spot = r.rows.find((x) => x.column1 === "11102" && x.column2 === "11300" && x.deletion === null);
    expect(spot?.modifier).toBe(1);
  });
});

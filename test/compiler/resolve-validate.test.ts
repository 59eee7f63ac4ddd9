/**
 * Stages `resolve` and `validate`: set names, codes by context, ICD-10-CM, values, scope,
 * metadata.
 */
import { describe, expect, it } from "vitest";
import { codesOf, compile, spanText, summary } from "./helpers.ts";

describe("set names", () => {
  it("are global across files; a second definition points at the first", () => {
    const r = compile({ "a.rules": "codes MOHS = 17311-17315\n", "b.rules": "ruleset acme extends cms\ncodes MOHS = 17311\n" });
    expect(summary(r.diagnostics)).toEqual(["DR2001 error: set `MOHS` is defined twice"]);
    const d = r.diagnostics[0]!;
    expect(d.span.file).toBe("b.rules");
    expect(d.related).toEqual([{ span: { file: "a.rules", start: 6, end: 10 }, message: "`MOHS` is first defined here" }]);
  });

  it("sets defined in one file are usable in another, in either order", () => {
    const r = compile({ "a.rules": "when line MOHS require dx in SKIN_CA\n", "z.rules": "codes MOHS = 17311-17315\ndx SKIN_CA = C44.*\n" });
    expect(r.diagnostics).toEqual([]);
    expect(r.table!.rules[0]!.subject).toEqual([["17311", "17315"]]);
  });

  it("unknown names get a did-you-mean among sets of the same kind, with where it is defined", () => {
    const r = compile("dx MALIGNANT_SKIN = C43.*, C44.*\ncodes MALIGNANT_SKIM = 11600-11606\nwhen line 11600-11646 require dx in MALIGANT_SKIN\n");
    expect(summary(r.diagnostics)).toEqual(["DR2003 error: unknown dx set `MALIGANT_SKIN`"]);
    expect(r.diagnostics[0]!.hint).toBe("did you mean `MALIGNANT_SKIN`? (defined at test.rules:1:4)");
  });

  it("a set of the wrong kind says what it is", () => {
    const r = compile("dx SKIN_CANCER = C44.*\nmodifiers DISTINCT = 59, XS\nwhen SKIN_CANCER flag\nwhen line DISTINCT flag\nwhen line 17000 and modifier SKIN_CANCER flag\n");
    expect(summary(r.diagnostics)).toEqual([
      "DR2004 error: `SKIN_CANCER` is a dx set, not a code set",
      "DR2004 error: `DISTINCT` is a modifier set, not a code set",
      "DR2004 error: `SKIN_CANCER` is a dx set, not a modifier set",
    ]);
    expect(r.diagnostics[0]!.hint).toBe("to test diagnoses, write `dx in SKIN_CANCER` (or `<codes> with dx SKIN_CANCER`)");
  });

  it("sets that refer to each other in a cycle are an error naming the cycle", () => {
    const r = compile("codes AAA = 17000, BBB\ncodes BBB = CCC\ncodes CCC = AAA\nwhen AAA flag\n");
    expect(summary(r.diagnostics)).toEqual(["DR2005 error: sets are defined in terms of each other in a cycle: `AAA` → `BBB` → `CCC` → `AAA`"]);
  });

  it("names that look like codes or modifiers cannot name a set", () => {
    const r = compile("codes 17000 = 17000\nmodifiers XS = 59\n");
    expect(codesOf(r.diagnostics)).toEqual(["DR2002", "DR2002"]);
  });

  it("two-character words in a modifier set are modifiers; longer names are sets", () => {
    const r = compile("modifiers DISTINCT = 59, XS\nwhen line 11104 and modifier DISTINCT, RT flag\n");
    expect(r.diagnostics).toEqual([]);
    expect(r.table!.rules[0]!.when).toEqual({ k: "mod", set: ["59", "RT", "XS"] });
  });
});

describe("procedure codes", () => {
  it("malformed codes, with a hint that tells diagnoses apart", () => {
    const r = compile("when 1700 flag\nwhen C44.* flag\nwhen 1700X flag\n");
    expect(summary(r.diagnostics)).toEqual([
      "DR2020 error: `1700` is not a procedure code",
      "DR2020 error: `C44.*` is not a procedure code",
      "DR2020 error: `1700X` is not a procedure code",
    ]);
    expect(r.diagnostics[1]!.hint).toBe("`C44.*` looks like a diagnosis: write `dx in C44.*`");
  });

  it("ranges: same shape, from ≤ to", () => {
    const r = compile("when 11600-G0127 flag\nwhen 11606-11600 flag\nwhen G0127-G0130, 0001A-0591T flag\n");
    expect(summary(r.diagnostics)).toEqual([
      "DR2021 error: range `11600-G0127` mixes five digits with a letter and four digits",
      "DR2029 error: range `11606-11600` runs backwards",
    ]);
    expect(r.diagnostics[1]!.hint).toBe("write `11600-11606`");
  });

  it("select cases name procedure codes", () => {
    const r = compile("select for 11600-11606 {\n  case excisedDiameterCm <= 0.5 -> 1160\n}\n");
    expect(summary(r.diagnostics)).toEqual(["DR2020 error: `1160` is not a procedure code"]);
  });

  it("fixes name exact codes", () => {
    const r = compile("codes EXC = 11600-11606\nwhen 17003 count>14 require 17004\n  fix replace 17000, 17003 with 17004-17005\nwhen 17000 flag\n  fix add EXC\n");
    expect(codesOf(r.diagnostics)).toEqual(["DR2041", "DR2041"]);
  });
});

describe("ICD-10-CM", () => {
  it("billable codes, with or without the dot, are fine", () => {
    const r = compile("when line 17000 require dx in L57.0, C44311, QA0.0101\n");
    expect(r.diagnostics).toEqual([]);
    expect(r.table!.rules[0]!.action).toEqual({ k: "require-dx", set: { codes: ["C44311", "L570", "QA00101"], prefixes: [] } });
  });

  it("a header is a warning that suggests the pattern", () => {
    const r = compile("when line 11640-11646 require dx in C44.3\n");
    expect(summary(r.diagnostics)).toEqual([
      "DR2024 warning: `C44.3` is an ICD-10-CM category header, not a billable code: it matches only claims that carry the header itself",
    ]);
    expect(r.diagnostics[0]!.hint).toBe("write `C44.3*` to match the codes under it (`C44.300`, `C44.301`, `C44.309`, …)");
    expect(r.table).toBeDefined();
  });

  it("unknown codes get a did-you-mean from the FY2026 list", () => {
    const r = compile("when line 17000 require dx in L57.00\n");
    expect(summary(r.diagnostics)).toEqual(["DR2023 error: unknown ICD-10-CM code `L57.00`"]);
    expect(r.diagnostics[0]!.hint).toMatch(/^did you mean `L57.0`/);
  });

  it("patterns must match some entry; malformed words are rejected", () => {
    const r = compile("dx NOTHING = U99.*\ndx OK_SET = C44.*, C4A*, D03.1*\ndx BAD_SET = 17000, C4.4*\n");
    expect(summary(r.diagnostics)).toEqual([
      "DR2025 error: pattern `U99.*` matches no ICD-10-CM FY2026 code",
      "DR2022 error: `17000` is not an ICD-10-CM code or pattern",
      "DR2022 error: `C4.4*` is not an ICD-10-CM code or pattern",
    ]);
    expect(r.diagnostics[1]!.hint).toBe("`17000` is a procedure code: test it outside `dx`");
  });

  it("ranges must have known ends in order", () => {
    const r = compile("dx AK_RANGE = L57.0-L57.9\ndx BACK = L57.9-L57.0\ndx UNK = L57.0-L57.99\n");
    expect(codesOf(r.diagnostics)).toEqual(["DR2026", "DR2023"]);
  });
});

describe("modifiers", () => {
  it("two letters or digits; no ranges", () => {
    const r = compile("when line 11104 and modifier 5X9 deny\nmodifiers MODS = 59-XS\n");
    expect(summary(r.diagnostics)).toEqual(["DR2027 error: `5X9` is not a modifier", "DR2028 error: modifier sets take single modifiers, not the range `59-XS`"]);
  });
});

describe("values and scope", () => {
  it("dates must exist; effective windows must not end before they start", () => {
    const r = compile("when 17000 flag\n  effective 2026-02-30\nwhen 17003 flag\n  effective 2026-12-31 until 2026-01-01\nwhen 17004 and dos >= 2026-13-01 flag\n");
    expect(codesOf(r.diagnostics)).toEqual(["DR2030", "DR2031", "DR2030"]);
  });

  it("severity and category values, with did-you-mean", () => {
    const r = compile("when 17000 flag\n  severity warn\n  category polcy\n");
    expect(summary(r.diagnostics)).toEqual(["DR2032 error: unknown severity `warn`", "DR2033 error: unknown category `polcy`"]);
    expect(r.diagnostics.map((d) => d.hint)).toEqual(["did you mean `warning`?", "did you mean `policy`?"]);
  });

  it("fact names and how facts compare", () => {
    const r = compile("when line 11600 and excisedDiameter <= 0.5 flag\nwhen line 11600 and site > 3 flag\nwhen line 11600 and lesionCount >= 1.5 flag\nwhen line 11600 and repairLengthCm > nose flag\n");
    expect(summary(r.diagnostics)).toEqual([
      "DR2034 error: unknown fact `excisedDiameter`",
      "DR2038 error: `site` is a word: compare it with `in` or `=`, not `>`",
      "DR2036 error: `lesionCount` is a whole number, not `1.5`",
      "DR2038 error: `repairLengthCm` is a number, not `nose`",
    ]);
    expect(r.diagnostics[0]!.hint).toBe("did you mean `excisedDiameterCm`?");
  });

  it("sex and place-of-service values; whole numbers for counts, units, ages and limits", () => {
    const r = compile("when 17000 and sex X flag\nwhen 17000 and pos 1 flag\nwhen 17003 count > 2.5 flag\nwhen 17000 and age >= 6.5 flag\nwhen 17000 limit 17000 to 1.5\n");
    expect(codesOf(r.diagnostics)).toEqual(["DR2037", "DR2037", "DR2036", "DR2036", "DR2036"]);
  });

  it("line-only atoms in a claim-scope rule say how to write it", () => {
    const r = compile("when 11104 and modifier 59 deny\nwhen 17003 and units > 1 flag\nwhen age > 3 and lesionCount > 14 flag\n");
    expect(summary(r.diagnostics)).toEqual([
      "DR2035 error: `modifier` reads one claim line, but this rule looks at the whole claim",
      "DR2035 error: `units` reads one claim line, but this rule looks at the whole claim",
      "DR2035 error: fact `lesionCount` reads one claim line, but this rule looks at the whole claim",
    ]);
    expect(r.diagnostics[0]!.hint).toBe("write `when line 11104 and …` so that the condition is checked on each 11104 line");
    expect(spanText(r, r.diagnostics[0]!)).toBe("modifier 59");
    expect(r.diagnostics[2]!.hint).toContain("`when line <codes> and …`");
  });

  it("`dx` in a claim-scope rule reads the claim's diagnoses (no error)", () => {
    const r = compile("when 17000 and dx in L57.0 flag\nwhen line 17000 and dx in L57.0 flag\n");
    expect(r.diagnostics).toEqual([]);
    const whens = r.table!.rules.map((x) => JSON.stringify(x.when));
    expect(whens).toContain(JSON.stringify({ k: "and", args: [{ k: "has", set: [["17000", "17000"]] }, { k: "dx", scope: "claim", set: { codes: ["L570"], prefixes: [] } }] }));
    expect(whens).toContain(JSON.stringify({ k: "dx", scope: "line", set: { codes: ["L570"], prefixes: [] } }));
  });
});

describe("metadata", () => {
  it("each item takes its own metadata lines, each once", () => {
    const r = compile('when 17000 flag\n  version "v1"\n  severity info\n  severity error\nptp "ptp-good.tsv"\n  severity warning\n');
    expect(summary(r.diagnostics)).toEqual([
      "DR2039 error: `version` does not apply to a rule",
      "DR2040 error: `severity` is given twice",
      "DR2039 error: `severity` does not apply to a table reference",
    ]);
  });

  it("an override cannot change the id", () => {
    const r = compile({ "a.rules": "when 17000 flag\n  id cms.a\n", "b.rules": "ruleset acme extends cms\noverride cms.a\n  id acme.a\n" });
    expect(codesOf(r.diagnostics)).toEqual(["DR2054"]);
  });

  it("fix values: units of 1 or more, a real modifier", () => {
    const r = compile("when 17000 flag\n  fix set units 0\nwhen 17003 flag\n  fix add modifier 5X9\n");
    expect(codesOf(r.diagnostics)).toEqual(["DR2036", "DR2027"]);
  });
});

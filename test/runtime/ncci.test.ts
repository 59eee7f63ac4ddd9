/** Table edits: ICD-10-CM, NCCI PTP, MUE and add-on codes, per brief "NCCI semantics". */
import { describe, expect, it } from "vitest";
import { evaluate } from "../../runtime/index.ts";
import type { ClaimResult, EvalResult, Finding } from "../../runtime/index.ts";
import { claim, day, has, loaded, rule, set } from "../support/tables.ts";
import type { TableSpec } from "../support/tables.ts";

function ok(r: EvalResult): ClaimResult {
  if (r.verdict === "invalid") throw new Error(JSON.stringify(r.errors));
  return r;
}

function run(spec: TableSpec, lines: Record<string, unknown>[], extra: Record<string, unknown> = {}): ClaimResult {
  return ok(evaluate(loaded(spec), claim(lines, extra)));
}

const brief = (f: Finding[]) => f.map((x) => [x.rule, x.severity, x.lines, x.related ?? null]);

describe("ICD-10-CM", () => {
  const icd = { billable: ["L570", "C44311", "C44319", "C44391", "C44399", "L821"], headers: ["C44", "C443", "C4431", "C4439", "L57"] };

  it("a header is an error with suggestions; an unknown code is an error without", () => {
    const r = run({ icd }, [{ code: "11600", units: 1, dxPointers: [2] }, { code: "17000", units: 1, dxPointers: [1] }, { code: "17003", units: 1 }], {
      diagnoses: ["L57.0", "C44.31", "Z99.99"],
    });
    expect(r.verdict).toBe("deny");
    expect(r.findings).toEqual([
      {
        rule: "dermrules.icd10.header",
        category: "code",
        severity: "error",
        lines: [1, 3],
        message: "diagnosis `C44.31` is an ICD-10-CM header, not a billable code: use a billable code such as `C44311` or `C44319`",
        source: "ICD-10-CM FY2026",
        fix: { op: "text", lines: [1, 3], text: "replace the header with a billable code such as `C44311` or `C44319`" },
      },
      {
        rule: "dermrules.icd10.unknown",
        category: "code",
        severity: "error",
        lines: [3],
        message: "diagnosis `Z99.99` is not a billable ICD-10-CM code",
        source: "ICD-10-CM FY2026",
      },
    ]);
  });

  it("suggests at most three codes under a header", () => {
    const r = run({ icd }, [{ code: "11600", units: 1 }], { diagnoses: ["C44.3"] });
    expect(r.findings[0].message).toBe("diagnosis `C44.3` is an ICD-10-CM header, not a billable code: use a billable code such as `C44311`, `C44319` or `C44391`");
  });

  it("billable codes pass with or without the dot, in any case", () => {
    expect(run({ icd }, [{ code: "11600", units: 1 }], { diagnoses: ["c44.311", "C44319", "L57.0"] }).findings).toEqual([]);
  });

  it("a table without an ICD-10-CM list checks nothing", () => {
    expect(run({}, [{ code: "11600", units: 1 }], { diagnoses: ["Z99.99"] }).findings).toEqual([]);
  });
});

describe("PTP", () => {
  const open = (ind: 0 | 1 | 9): [null, null, 0 | 1 | 9][] => [[null, null, ind]];

  it("indicator 0: one finding per column-2 line, related = column-1 lines, no modifier helps", () => {
    const r = run({ ptp: { "11102": { "11100": open(0) } } }, [
      { code: "11102", units: 1 },
      { code: "11100", units: 1, modifiers: ["59"] },
      { code: "11102", units: 1 },
      { code: "11100", units: 1, modifiers: ["XS"] },
    ]);
    expect(brief(r.findings)).toEqual([
      ["cms.ptp.11102.11100", "error", [2], [1, 3]],
      ["cms.ptp.11102.11100", "error", [4], [1, 3]],
    ]);
    expect(r.findings[0]).toMatchObject({
      category: "ptp",
      message: "`11100` is bundled into `11102` on the same date of service (NCCI PTP, modifier indicator 0): no modifier allows both to be paid",
      source: "test ptp source",
      fix: { op: "remove", lines: [2] },
    });
  });

  it("indicator 1: denied without a modifier, bypassed by 59 or an X modifier on either line", () => {
    const spec = { ptp: { "11102": { "11300": open(1) } } };
    expect(brief(run(spec, [{ code: "11102", units: 1 }, { code: "11300", units: 1 }]).findings)).toEqual([["cms.ptp.11102.11300", "error", [2], [1]]]);
    expect(run(spec, [{ code: "11102", units: 1 }, { code: "11300", units: 1, modifiers: ["59"] }]).findings).toEqual([]);
    expect(run(spec, [{ code: "11102", units: 1, modifiers: ["XS"] }, { code: "11300", units: 1 }]).findings).toEqual([]);
    expect(run(spec, [{ code: "11102", units: 1 }, { code: "11300", units: 1, modifiers: ["GT"] }]).findings).toHaveLength(1);
  });

  it("indicator 1 with an E/M code: only 24/25/57 on the E/M line bypasses; 59 does not", () => {
    const spec = { ptp: { "11102": { "99213": open(1) } } };
    const em = (mods: string[], bMods: string[] = []) =>
      run(spec, [{ code: "11102", units: 1, modifiers: bMods }, { code: "99213", units: 1, modifiers: mods }]).findings;
    expect(em(["25"])).toEqual([]);
    expect(em(["57"])).toEqual([]);
    const with59 = em(["59"]);
    expect(brief(with59)).toEqual([["cms.ptp.11102.99213", "error", [2], [1]]]);
    expect(with59[0].message).toMatch(/modifier 25, 24 or 57 on the E\/M line/);
    expect(with59[0].fix).toMatchObject({ op: "add-modifier", lines: [2], modifier: "25" });
    // 25 on the procedure line is not on the E/M line.
    expect(em([], ["25"])).toHaveLength(1);
  });

  it("an E/M pair of two E/M codes: 25 on either line bypasses", () => {
    const spec = { ptp: { "99214": { "99213": open(1) } } };
    expect(run(spec, [{ code: "99214", units: 1 }, { code: "99213", units: 1 }]).findings).toHaveLength(1);
    expect(run(spec, [{ code: "99214", units: 1, modifiers: ["25"] }, { code: "99213", units: 1 }]).findings).toEqual([]);
    expect(run(spec, [{ code: "99214", units: 1 }, { code: "99213", units: 1, modifiers: ["25"] }]).findings).toEqual([]);
  });

  it("the E/M fix names every denied E/M line", () => {
    const r = run({ ptp: { "99213": { "11102": open(1) } } }, [{ code: "99213", units: 1 }, { code: "99213", units: 1, serviceDate: "2024-05-15" }, { code: "11102", units: 1 }]);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({ lines: [3], related: [1, 2], fix: { op: "add-modifier", lines: [1, 2], modifier: "25" } });
  });

  it("same anatomic modifier on both lines: bypassed with a warning; different sites pass clean", () => {
    const spec = { ptp: { "11102": { "11300": open(1) } } };
    const r = run(spec, [{ code: "11102", units: 1, modifiers: ["RT"] }, { code: "11300", units: 1, modifiers: ["RT"] }]);
    expect(r.verdict).toBe("review");
    expect(r.findings).toEqual([
      {
        rule: "cms.ptp.11102.11300",
        category: "ptp",
        severity: "warning",
        lines: [2],
        related: [1],
        message: "`11300` and `11102` carry the same anatomic modifier `RT`: the NCCI PTP edit is bypassed but the sites do not look distinct",
        source: "test ptp source",
      },
    ]);
    expect(run(spec, [{ code: "11102", units: 1, modifiers: ["RT"] }, { code: "11300", units: 1, modifiers: ["LT"] }]).findings).toEqual([]);
    expect(run(spec, [{ code: "11102", units: 1, modifiers: ["RT", "XS"] }, { code: "11300", units: 1, modifiers: ["RT"] }]).findings).toEqual([]);
    expect(run(spec, [{ code: "11102", units: 1, modifiers: ["F1"] }, { code: "11300", units: 1 }]).findings).toEqual([]);
  });

  it("a column-2 line is denied if some column-1 line is not bypassed; related = those lines", () => {
    const spec = { ptp: { "11102": { "11300": open(1) } } };
    const r = run(spec, [
      { code: "11102", units: 1, modifiers: ["LT"] },
      { code: "11102", units: 1 },
      { code: "11300", units: 1, modifiers: ["LT"] },
    ]);
    // Line 2 vs line 3: LT on line 3 is a qualifying modifier on either line → bypass.
    // Line 1 vs line 3: same anatomic modifier → warning.
    expect(brief(r.findings)).toEqual([["cms.ptp.11102.11300", "warning", [3], [1]]]);
    const s = run({ ptp: { "11102": { "99213": open(1) } } }, [{ code: "11102", units: 1 }, { code: "11102", units: 1 }, { code: "99213", units: 1 }]);
    expect(brief(s.findings)).toEqual([["cms.ptp.11102.99213", "error", [3], [1, 2]]]);
  });

  it("indicator 9: no edit", () => {
    expect(run({ ptp: { "11102": { "11300": open(9) } } }, [{ code: "11102", units: 1 }, { code: "11300", units: 1 }]).findings).toEqual([]);
  });

  it("rows apply inside [effective, deletion]; the stricter indicator wins", () => {
    const spec: TableSpec = {
      ptp: {
        "11102": {
          "11300": [
            [null, day("2019-12-31"), 0],
            [day("2020-01-01"), null, 1],
            [day("2024-01-01"), day("2024-06-30"), 0],
            [null, null, 9],
          ],
        },
      },
    };
    const ind = (d: string) => {
      const f = run(spec, [{ code: "11102", units: 1 }, { code: "11300", units: 1, modifiers: ["59"] }], { serviceDate: d }).findings;
      return f.length === 0 ? "bypassed" : f[0].message.match(/indicator (\d)/)?.[1];
    };
    expect(ind("2019-12-31")).toBe("0"); // 0 and 9 apply: 0 wins
    expect(ind("2020-01-01")).toBe("bypassed"); // 1 and 9 apply: 1 wins, 59 bypasses
    expect(ind("2024-06-30")).toBe("0"); // 0, 1, 9 apply: 0 wins
    expect(ind("2024-07-01")).toBe("bypassed");
    const deleted: TableSpec = { ptp: { "11102": { "11300": [[null, day("2020-01-01"), 0]] } } };
    expect(run(deleted, [{ code: "11102", units: 1 }, { code: "11300", units: 1 }], { serviceDate: "2020-01-02" }).findings).toEqual([]);
    expect(run(deleted, [{ code: "11102", units: 1 }, { code: "11300", units: 1 }], { serviceDate: "2020-01-01" }).findings).toHaveLength(1);
  });

  it("both directions of a pair are separate edits; edits are per date of service", () => {
    const spec: TableSpec = { ptp: { "11104": { "11102": open(1) }, "11102": { "11104": open(1) } } };
    const r = run(spec, [{ code: "11102", units: 1 }, { code: "11104", units: 1 }]);
    expect(brief(r.findings)).toEqual([
      ["cms.ptp.11104.11102", "error", [1], [2]],
      ["cms.ptp.11102.11104", "error", [2], [1]],
    ]);
    expect(run(spec, [{ code: "11102", units: 1 }, { code: "11104", units: 1, serviceDate: "2024-05-16" }]).findings).toEqual([]);
  });

  it("disabled ids and prefixes suppress findings", () => {
    const ptp = { "11102": { "11300": open(0), "11100": open(0) } };
    const lines = [{ code: "11102", units: 1 }, { code: "11300", units: 1 }, { code: "11100", units: 1 }];
    expect(run({ ptp, disabled: ["cms.ptp.11102.11300"] }, lines).findings.map((f) => f.rule)).toEqual(["cms.ptp.11102.11100"]);
    expect(run({ ptp, disabled: ["cms.ptp.11102.*"] }, lines).findings).toEqual([]);
    const t = loaded({ ptp, layers: { acme: { disabled: ["cms.ptp.*"] } } });
    expect(ok(evaluate(t, claim(lines, { payer: "acme" }))).findings).toEqual([]);
    expect(ok(evaluate(t, claim(lines))).findings).toHaveLength(2);
  });
});

describe("MUE", () => {
  it("MAI 1: each line over the limit alone, fix set-units", () => {
    const r = run({ mue: { "11102": [1, 1] } }, [{ code: "11102", units: 2 }, { code: "11102", units: 1 }]);
    expect(r.findings).toEqual([
      {
        rule: "cms.mue.11102",
        category: "mue",
        severity: "error",
        lines: [1],
        message: "`11102` is billed with 2 units on one line: the MUE is 1 per line (MAI 1)",
        source: "test mue source",
        fix: { op: "set-units", lines: [1], units: 1 },
      },
    ]);
  });

  it("MAI 2: total units of the code on the date; one finding with all its lines", () => {
    const spec: TableSpec = { mue: { "17004": [1, 2] } };
    const r = run(spec, [{ code: "17004", units: 1 }, { code: "17000", units: 1 }, { code: "17004", units: 1 }]);
    expect(brief(r.findings)).toEqual([["cms.mue.17004", "error", [1, 3], null]]);
    expect(r.findings[0].message).toBe("`17004` is billed with 2 units on the date of service: the MUE is 1 per day (MAI 2)");
    expect(r.findings[0].fix).toBeUndefined();
    expect(run(spec, [{ code: "17004", units: 1 }, { code: "17004", units: 1, serviceDate: "2024-05-16" }]).findings).toEqual([]);
  });

  it("MAI 3: same count, the message says it can be appealed", () => {
    const r = run({ mue: { "11102": [1, 3] } }, [{ code: "11102", units: 2 }]);
    expect(r.findings[0]).toMatchObject({ rule: "cms.mue.11102", lines: [1], fix: { op: "set-units", lines: [1], units: 1 } });
    expect(r.findings[0].message).toBe("`11102` is billed with 2 units on the date of service: the MUE is 1 per day (MAI 3); the denial can be appealed with documentation of medical necessity");
    expect(run({ mue: { "11102": [2, 3] } }, [{ code: "11102", units: 2 }]).findings).toEqual([]);
  });
});

describe("add-on codes", () => {
  it("type 1: error unless a listed primary is on the date; fix adds it", () => {
    const spec: TableSpec = { aoc: { "17003": [[1, "17000", null, null, null]] } };
    const r = run(spec, [{ code: "17003", units: 3 }, { code: "17003", units: 1 }]);
    expect(r.findings).toEqual([1, 2].map((l) => ({
      rule: "cms.aoc.17003",
      category: "addon",
      severity: "error",
      lines: [l],
      message: "add-on code `17003` needs a primary procedure on the same date of service: `17000`",
      source: "test aoc source",
      fix: { op: "add-code", lines: [l], codes: ["17000"] },
    })));
    expect(run(spec, [{ code: "17003", units: 3 }, { code: "17000", units: 1 }]).findings).toEqual([]);
    expect(run(spec, [{ code: "17003", units: 3 }, { code: "17000", units: 1, serviceDate: "2024-05-16" }]).findings.map((f) => f.lines)).toEqual([[1]]);
  });

  it("type 3: a warning in that case; type 2: nothing", () => {
    const r = run({ aoc: { "11045": [[3, "11042", null, null, null], [3, "11043", null, null, null]] } }, [{ code: "11045", units: 1 }]);
    expect(brief(r.findings)).toEqual([["cms.aoc.11045", "warning", [1], null]]);
    expect(r.findings[0].message).toBe("add-on code `11045` is usually billed with `11042` or `11043` on the same date of service: check the primary procedure");
    expect(r.verdict).toBe("review");
    expect(run({ aoc: { "0054T": [[2, "CCCCC", null, null, null]] } }, [{ code: "0054T", units: 1 }]).findings).toEqual([]);
  });

  it("CCCCC lists no primary: type 1 with none listed is always an error", () => {
    const r = run({ aoc: { "G0000": [[1, "CCCCC", null, null, null]] } }, [{ code: "G0000", units: 1 }, { code: "17000", units: 1 }]);
    expect(r.findings[0]).toMatchObject({ lines: [1], message: "add-on code `G0000` is billed without a primary procedure on the same date of service" });
    expect(r.findings[0].fix).toBeUndefined();
  });

  it("edit dates bound the rows; a listed primary counts while the date is on or before its deletion", () => {
    const spec: TableSpec = {
      aoc: {
        "17003": [
          [1, "17000", day("2020-12-31"), null, null],
          [1, "17110", null, null, null],
        ],
        "15004": [[1, "15002", null, day("2024-01-01"), day("2024-03-31")]],
      },
    };
    const at = (d: string, codes: string[]) => run(spec, codes.map((code) => ({ code, units: 1 })), { serviceDate: d }).findings;
    expect(at("2020-12-31", ["17003", "17000"])).toEqual([]);
    const after = at("2021-01-01", ["17003", "17000"]);
    expect(brief(after)).toEqual([["cms.aoc.17003", "error", [1], null]]);
    expect(after[0].message).toMatch(/: `17110`$/);
    expect(at("2021-01-01", ["17003", "17110"])).toEqual([]);
    expect(at("2023-12-31", ["15004"])).toEqual([]);
    expect(at("2024-01-01", ["15004"])).toHaveLength(1);
    expect(at("2024-03-31", ["15004"])).toHaveLength(1);
    expect(at("2024-04-01", ["15004"])).toEqual([]);
  });

  it("the add-on falls when every listed primary on the claim is denied", () => {
    const spec: TableSpec = {
      aoc: { "17003": [[1, "17000", null, null, null]] },
      ptp: { "17004": { "17000": [[null, null, 0]] } },
    };
    const r = run(spec, [{ code: "17000", units: 1 }, { code: "17003", units: 3 }, { code: "17004", units: 1 }]);
    expect(r.findings).toEqual([
      {
        rule: "cms.ptp.17004.17000",
        category: "ptp",
        severity: "error",
        lines: [1],
        related: [3],
        message: "`17000` is bundled into `17004` on the same date of service (NCCI PTP, modifier indicator 0): no modifier allows both to be paid",
        source: "test ptp source",
        fix: { op: "remove", lines: [1] },
      },
      {
        rule: "cms.aoc.17003",
        category: "addon",
        severity: "error",
        lines: [2],
        related: [1],
        message: "add-on code `17003` is not payable: its primary `17000` is denied on this claim",
        source: "test aoc source",
      },
    ]);
  });

  it("falls only when all listed primaries fall; chains through add-on primaries; rule errors count", () => {
    const spec: TableSpec = {
      rules: [rule({ id: "t.deny-11042", when: has("11042"), action: { k: "deny" } })],
      aoc: {
        "11045": [[1, "11042", null, null, null], [1, "11043", null, null, null]],
        "11046": [[1, "11045", null, null, null]],
      },
    };
    const both = run(spec, [{ code: "11042", units: 1 }, { code: "11043", units: 1 }, { code: "11045", units: 1 }]);
    expect(both.findings.map((f) => f.rule)).toEqual(["t.deny-11042"]);
    const chain = run(spec, [{ code: "11042", units: 1 }, { code: "11045", units: 1 }, { code: "11046", units: 1 }]);
    expect(brief(chain.findings)).toEqual([
      ["t.deny-11042", "error", [1], null],
      ["cms.aoc.11045", "error", [2], [1]],
      ["cms.aoc.11046", "error", [3], [2]],
    ]);
    expect(chain.findings[2].message).toBe("add-on code `11046` is not payable: its primary `11045` is denied on this claim");
  });

  it("warnings on a primary do not make the add-on fall", () => {
    const spec: TableSpec = {
      rules: [rule({ id: "t.flag", when: has("17000"), action: { k: "flag" }, severity: "warning" })],
      aoc: { "17003": [[1, "17000", null, null, null]] },
    };
    expect(run(spec, [{ code: "17000", units: 1 }, { code: "17003", units: 1 }]).findings.map((f) => f.rule)).toEqual(["t.flag"]);
  });

  it("disabled add-on edits produce nothing", () => {
    const spec: TableSpec = { aoc: { "17003": [[1, "17000", null, null, null]] }, disabled: ["cms.aoc.17003"] };
    expect(run(spec, [{ code: "17003", units: 1 }]).findings).toEqual([]);
  });
});

describe("findings across sources", () => {
  it("are sorted (claim-wide first, then by line, rule id) and deduplicated", () => {
    const spec: TableSpec = {
      rules: [
        rule({ id: "z.flag", when: has("17000"), action: { k: "flag" }, severity: "warning" }),
        rule({ id: "a.age", when: { k: "age", op: ">", n: 1 }, action: { k: "flag" }, severity: "warning", needs: ["patient.birthDate"] }),
      ],
      mue: { "17000": [1, 1] },
    };
    const r = run(spec, [{ code: "17003", units: 1 }, { code: "17000", units: 2 }, { code: "17000", units: 1, serviceDate: "2024-05-16" }]);
    // a.age runs in both date groups: its info note appears once.
    expect(brief(r.findings)).toEqual([
      ["a.age", "info", [], null],
      ["cms.mue.17000", "error", [2], null],
      ["z.flag", "warning", [2], null],
      ["z.flag", "warning", [3], null],
    ]);
  });
});

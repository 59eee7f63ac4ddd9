/**
 * The reference interpreter on hand-written cases (expected findings spelled out), and on the
 * in-file tests of the shipped rule packs (same answer as the runtime, expectations met).
 */
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { compilePaths, interpret } from "../../compiler/index.ts";
import { evaluate, loadTable } from "../../runtime/index.ts";
import type { Claim } from "../../runtime/types.ts";
import { checkExpectation, claimOfTest } from "../../compiler/test-blocks.ts";
import { compile } from "./helpers.ts";

function both(text: string | Record<string, string>, claim: Claim) {
  const r = compile(text);
  expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const loaded = loadTable(r.table!);
  if (!loaded.ok) throw new Error("table does not load");
  const slow = interpret(r.program, claim);
  expect(JSON.stringify(slow)).toBe(JSON.stringify(evaluate(loaded.table, claim)));
  return slow;
}

const base = (lines: Claim["lines"], extra: Partial<Claim> = {}): Claim => ({ id: "C1", serviceDate: "2026-03-01", diagnoses: ["L57.0"], lines, ...extra });

describe("interpret", () => {
  it("the one-liner: subject lines are the lines the count atom matched", () => {
    const res = both("when 17003 count>14 require 17004\n  id t.one\n", base([{ code: "17000", units: 1 }, { code: "17003", units: 10 }, { code: "17003", units: 5 }]));
    expect(res.findings.map((f) => [f.rule, f.lines, f.fix])).toEqual([["t.one", [2, 3], { op: "add-code", lines: [2, 3], codes: ["17004"] }]]);
    expect(res.verdict).toBe("deny");
  });

  it("forbid relates the subject lines; line scope checks each line; dates split groups", () => {
    const res = both(
      "when 17004 forbid 17000, 17003\n  id t.f\nwhen line 17000-17004 and not dx in L57.0 flag\n  id t.dx\n",
      base(
        [
          { code: "17004", units: 1 },
          { code: "17000", units: 1, dxPointers: [2] },
          { code: "17003", units: 1, serviceDate: "2026-03-02" },
        ],
        { diagnoses: ["L57.0", "L82.1"] },
      ),
    );
    expect(res.findings.map((f) => [f.rule, f.lines, f.related ?? null])).toEqual([
      ["t.dx", [2], null],
      ["t.f", [2], [1]],
    ]);
  });

  it("notes a missing field only for rules the group's codes could fire (smallest trigger, first of ties)", () => {
    const rules = "when 17000 and 99213 and age > 64 flag\n  id t.age\n";
    const only99213 = both(rules, base([{ code: "99213", units: 1 }]));
    expect(only99213.findings).toEqual([]);
    const with17000 = both(rules, base([{ code: "17000", units: 1 }]));
    expect(with17000.findings.map((f) => [f.rule, f.severity, f.lines, f.message])).toEqual([
      ["t.age", "info", [], "rule `t.age` reads `patient.birthDate`, which the claim lacks: its condition on it was taken as false"],
    ]);
  });

  it("PTP indicator 1 on an E/M pair: only 25/24/57 on the E/M line bypass; the fix adds 25 there", () => {
    const rules = 'ptp "ptp-good.tsv"\n';
    const denied = both(rules, base([{ code: "17000", units: 1 }, { code: "99213", units: 1, modifiers: ["59"] }]));
    expect(denied.findings.map((f) => [f.rule, f.lines, f.related, f.fix?.op, f.fix?.lines, f.fix?.modifier])).toEqual([
      ["cms.ptp.17000.99213", [2], [1], "add-modifier", [2], "25"],
    ]);
    const ok = both(rules, base([{ code: "17000", units: 1 }, { code: "99213", units: 1, modifiers: ["25"] }]));
    expect(ok.findings).toEqual([]);
  });

  it("an add-on falls with its denied primary; an unknown payer gets the default layer and a note", () => {
    const res = both(
      { "cms.rules": 'aoc "aoc-good.tsv"\nwhen 11104 forbid 17000\n  id t.no-17000\n' },
      base([{ code: "11104", units: 1 }, { code: "17000", units: 1 }, { code: "17003", units: 2 }], { payer: "globex" }),
    );
    expect(res.layer).toBe("cms");
    expect(res.findings.map((f) => [f.rule, f.lines, f.related ?? null, f.message])).toEqual([
      ["dermrules.payer.unknown", [], null, "payer `globex` has no ruleset: the `cms` rules were applied"],
      ["t.no-17000", [2], [1], "`17000` may not be reported when `11104` holds"],
      ["cms.aoc.17003", [3], [2], "add-on code `17003` is not payable: its primary `17000` is denied on this claim"],
    ]);
  });

  it("an ICD-10-CM header on the claim is an error on the lines that point to it", () => {
    const res = both("when 17000 flag\n  id t.x\n  severity info\n", base([{ code: "17000", units: 1, dxPointers: [2] }, { code: "17003", units: 1, dxPointers: [1] }], { diagnoses: ["L57.0", "C44.31"] }));
    expect(res.findings.map((f) => [f.rule, f.lines])).toEqual([
      ["dermrules.icd10.header", [1]],
      ["t.x", [1]],
    ]);
  });

  it("select tables replace the billed code with the selected one", () => {
    const res = both("select for 11600-11606 {\n  case excisedDiameterCm <= 0.5 -> 11600\n  case excisedDiameterCm <= 1.0 -> 11601\n}\n  id t.sel\n", base([{ code: "11600", units: 1, facts: { excisedDiameterCm: 0.8 } }]));
    expect(res.findings.map((f) => [f.rule, f.category, f.fix])).toEqual([["t.sel", "code-selection", { op: "replace", lines: [1], codes: ["11601"] }]]);
  });
});

describe("the shipped rule packs", () => {
  it("every in-file test gives the same result on both paths and meets its expectations", () => {
    const root = path.join(import.meta.dirname, "..", "..");
    const r = compilePaths(["rules"], { cwd: root });
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const loaded = loadTable(r.table!);
    if (!loaded.ok) throw new Error("table does not load");
    expect(r.program.tests.length).toBeGreaterThan(10);
    for (const t of r.program.tests) {
      const claim = claimOfTest(t.block);
      const fast = evaluate(loaded.table, claim);
      expect(JSON.stringify(interpret(r.program, claim)), t.block.name.value).toBe(JSON.stringify(fast));
      for (const e of t.block.expectations) expect(checkExpectation(e, fast), t.block.name.value).toBeUndefined();
    }
  });
});

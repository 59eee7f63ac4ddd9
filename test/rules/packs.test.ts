/**
 * The shipped rule packs (rules/) meet the bar of issue 3: they compile with no error and no
 * warning; every rule states its id, severity, category, message, source and effective window;
 * and every rule has, among the test blocks, a claim where it fires and a near-miss (a claim
 * with a code the rule is triggered by, that expects the rule to stay silent, and where it does).
 * The in-file tests themselves pass on the compiled table (`dermrules test` checks them against
 * the reference interpreter too).
 */
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { Meta } from "../../grammar/ast.ts";
import { compilePaths } from "../../compiler/index.ts";
import { claimOfTest, checkExpectation, ruleMatches } from "../../compiler/test-blocks.ts";
import { evaluate, loadTable, type EvalResult } from "../../runtime/index.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const compiled = compilePaths([path.join(ROOT, "rules")], { cwd: ROOT });
const loaded = loadTable(compiled.table);
if (!loaded.ok) throw new Error(`the compiled rules do not load: ${JSON.stringify(loaded.errors)}`);
const table = loaded.table;

const tests = compiled.program.tests.map((t) => {
  const claim = claimOfTest(t.block);
  return { t, claim, result: evaluate(table, claim) as EvalResult };
});

/** Whether a code falls in a rule's sorted ranges. */
function inRanges(code: string, ranges: [string, string][]): boolean {
  return ranges.some(([lo, hi]) => lo.length === code.length && lo <= code && code <= hi);
}

describe("shipped rule packs", () => {
  it("compile with zero errors and zero warnings", () => {
    const noisy = compiled.diagnostics.filter((d) => d.severity !== "info");
    expect(noisy.map((d) => `${d.span.file}: ${d.code} ${d.message}`)).toEqual([]);
    expect(compiled.table).toBeDefined();
  });

  it("hold the NCCI tables, the policy rules and the example payer layer", () => {
    const layers = Object.keys(compiled.table!.layers).sort();
    expect(layers).toEqual(["cms", "example-payer"]);
    const cms = compiled.table!.layers.cms;
    expect(cms.ptp.length + cms.mue.length + cms.aoc.length).toBe(3);
    expect(compiled.table!.rules.length).toBeGreaterThanOrEqual(40);
  });

  it("state every metadata line on every rule and select table", () => {
    const required: Meta["kind"][] = ["id", "severity", "category", "message", "source", "effective"];
    const missing: string[] = [];
    for (const file of compiled.program.files) {
      for (const item of file.items) {
        if (item.kind !== "rule" && item.kind !== "select") continue;
        const kinds = new Set(item.meta.map((m) => m.kind));
        for (const k of required) if (!kinds.has(k)) missing.push(`${path.relative(ROOT, file.path)}@${item.span.start}: ${k}`);
        const eff = item.meta.find((m): m is Extract<Meta, { kind: "effective" }> => m.kind === "effective");
        if (eff && !eff.from) missing.push(`${path.relative(ROOT, file.path)}@${item.span.start}: effective without a start`);
      }
    }
    expect(missing).toEqual([]);
    for (const r of compiled.table!.rules) {
      expect(r.id, r.origin).not.toMatch(/\.rule\.[0-9a-f]{10}$/);
      expect(r.source.length, r.id).toBeGreaterThan(20);
      expect(r.message.length, r.id).toBeGreaterThan(20);
    }
  });

  it("pass every in-file test on the compiled table", () => {
    const failures: string[] = [];
    for (const { t, result } of tests) {
      for (const e of t.block.expectations) {
        const f = checkExpectation(e, result);
        if (f) failures.push(`${t.block.name.value}: ${f}`);
      }
    }
    expect(failures).toEqual([]);
    expect(tests.length).toBeGreaterThanOrEqual(130);
  });

  it("give every rule a test where it fires and a near-miss where it must not", () => {
    const gaps: string[] = [];
    for (const rule of compiled.table!.rules) {
      const fires = tests.some(({ result }) => result.verdict !== "invalid" && result.findings.some((f) => f.rule === rule.id));
      const nearMiss = tests.some(
        ({ t, claim, result }) =>
          result.verdict !== "invalid" &&
          // A CMS rule's near-miss is a CMS claim; a payer rule's may also be a claim of its base.
          ((claim.payer ?? "cms") === rule.layer || rule.layer !== "cms") &&
          !result.findings.some((f) => f.rule === rule.id) &&
          claim.lines.some((l) => inRanges(l.code, rule.triggers.length ? rule.triggers : rule.subject ?? [])) &&
          t.block.expectations.some((e) => (e.kind === "expect-no" && ruleMatches(e.rule.text, rule.id)) || (e.kind === "expect-verdict" && e.verdict.text === "clean")),
      );
      if (!fires) gaps.push(`${rule.id}: no test where it fires`);
      if (!nearMiss) gaps.push(`${rule.id}: no near-miss test`);
    }
    expect(gaps).toEqual([]);
  });

  it("give the NCCI tables tests for each edit kind: PTP, MUE, add-on, and the falling add-on", () => {
    const fired = new Set(tests.flatMap(({ result }) => (result.verdict === "invalid" ? [] : result.findings.map((f) => f.rule.split(".").slice(0, 2).join(".")))));
    for (const kind of ["cms.ptp", "cms.mue", "cms.aoc"]) expect(fired).toContain(kind);
    const fallen = tests.some(({ result }) => result.verdict !== "invalid" && result.findings.some((f) => f.category === "addon" && f.message.includes("is not payable")));
    expect(fallen).toBe(true);
  });
});

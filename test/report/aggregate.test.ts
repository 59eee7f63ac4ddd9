/**
 * The audit aggregation: every figure of the summary on hand-built results (so each rule of
 * counting is pinned), and consistency between the figures on a synthetic batch evaluated by
 * the real runtime.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { AuditAggregator, TOP_DENIALS, isoWeek } from "../../report/aggregate.ts";
import { createBatchEvaluator, loadTable, type Claim, type EvalResult, type Finding, type LoadedTable } from "../../runtime/index.ts";
import type { DecisionTable } from "../../runtime/table.ts";
import { runCli, tempDir } from "../support/cli.ts";
import { syntheticClaim } from "../formats/support/generate.ts";

let loaded: LoadedTable;
beforeAll(async () => {
  const out = path.join(tempDir(), "table.json");
  expect((await runCli(["compile", "rules", "-o", out])).code).toBe(0);
  const r = loadTable(fs.readFileSync(out, "utf8"));
  if (!r.ok) throw new Error(r.errors[0]!.message);
  loaded = r.table;
}, 120_000);

const agg = (): AuditAggregator => new AuditAggregator({ input: { name: "x", format: "json" }, table: loaded.table as DecisionTable, version: "test", generatedAt: "2026-11-26T00:00:00.000Z" });

function claim(id: string, charges: number[], extra: Partial<Claim> = {}): Claim {
  return { id, serviceDate: "2026-10-15", diagnoses: ["L57.0"], lines: charges.map((c) => ({ code: "17000", units: 1, charge: c })), ...extra };
}

function finding(rule: string, severity: Finding["severity"], lines: number[], extra: Partial<Finding> = {}): Finding {
  return { rule, category: "ptp", severity, lines, message: `m ${rule}`, source: `s ${rule}`, ...extra };
}

const result = (claimId: string, verdict: "clean" | "review" | "deny", findings: Finding[] = []): EvalResult => ({ claimId, verdict, findings, layer: "cms" });

describe("the figures", () => {
  it("counts verdicts, the clean-claim rate and charges", () => {
    const a = agg();
    a.add(claim("A", [100]), result("A", "clean"));
    a.add(claim("B", [50, 25]), result("B", "review", [finding("w", "warning", [1])]));
    a.add(claim("C", [10, 20, 30]), result("C", "deny", [finding("e", "error", [2])]));
    a.add({ id: "D", lines: [{ code: "1700", units: 1, charge: 7 }] }, { claimId: "D", verdict: "invalid", findings: [], errors: [{ pointer: "/lines/0/code", code: "DR5006", message: "bad" }] });
    a.add(undefined, { claimId: null, line: 9, verdict: "invalid", findings: [], errors: [{ pointer: "", code: "DR5001", message: "not json" }] });
    const s = a.summary();
    expect(s.totals).toMatchObject({ records: 5, claims: 3, clean: 1, review: 1, deny: 1, invalid: 2, cleanClaimRate: 2 / 5, charges: 235, chargesAtRisk: 20, invalidCharges: 7 });
    expect(s.totals.chargesAtRiskRate).toBeCloseTo(20 / 235, 10);
    expect(s.byVerdict).toEqual([
      { verdict: "clean", claims: 1, charges: 100 },
      { verdict: "review", claims: 1, charges: 75 },
      { verdict: "deny", claims: 1, charges: 60 },
      { verdict: "invalid", claims: 2, charges: 7 },
    ]);
    expect(s.invalidRecords.examples.map((x) => [x.claimId, x.line])).toEqual([
      ["D", undefined],
      [null, 9],
    ]);
  });

  it("counts a line at risk once however many errors name it; a claim-level error puts every line at risk", () => {
    const a = agg();
    a.add(claim("A", [10, 20, 40]), result("A", "deny", [finding("p1", "error", [1]), finding("p2", "error", [1, 2]), finding("w", "warning", [3])]));
    a.add(claim("B", [5, 6]), result("B", "deny", [finding("claimwide", "error", [], { category: "coverage" })]));
    const s = a.summary();
    expect(s.totals.chargesAtRisk).toBe(30 + 11);
    // Per rule, a line counts under every rule that names it.
    const byRule = Object.fromEntries(s.topRules.map((r) => [r.rule, r.chargesAtRisk]));
    expect(byRule).toEqual({ p1: 10, p2: 30, claimwide: 11, w: 0 });
    expect(s.byCategory.map((c) => [c.category, c.findings, c.claims, c.errors, c.warnings, c.chargesAtRisk])).toEqual([
      ["ptp", 3, 1, 2, 1, 40],
      ["coverage", 1, 1, 1, 0, 11],
    ]);
  });

  it("lists rules errors first, then by count, with citation, an example message and the most frequent fix", () => {
    const a = agg();
    const fixA = { op: "add-modifier" as const, lines: [1], modifier: "59" };
    const fixB = { op: "replace" as const, lines: [1], codes: ["11643"] };
    for (let i = 0; i < 3; i++) a.add(claim(`W${i}`, [1]), result(`W${i}`, "review", [finding("warn", "warning", [1])]));
    a.add(claim("E1", [1]), result("E1", "deny", [finding("err", "error", [1], { fix: fixA })]));
    a.add(claim("E2", [1]), result("E2", "deny", [finding("err", "error", [1], { fix: fixB })]));
    a.add(claim("E3", [1]), result("E3", "deny", [finding("err", "error", [1], { fix: fixB })]));
    const s = a.summary();
    expect(s.topRules.map((r) => [r.rule, r.findings, r.claims])).toEqual([
      ["err", 3, 3],
      ["warn", 3, 3],
    ]);
    expect(s.topRules[0]).toMatchObject({ source: "s err", message: "m err", fix: "replace with 11643" });
  });

  it("groups by provider (NPI, labelled by name) and payer where claims carry them", () => {
    const a = agg();
    a.add(claim("A", [100], { provider: { npi: "1234567893" }, payer: "cms" }), result("A", "clean"));
    a.add(claim("B", [50], { provider: { npi: "1234567893", name: "DR A" }, payer: "cms" }), result("B", "deny", [finding("e", "error", [1])]));
    a.add(claim("C", [10], { provider: { name: "DR B" } }), result("C", "clean"));
    a.add(claim("D", [1]), result("D", "clean"));
    const s = a.summary();
    expect(s.byProvider.map((g) => [g.key, g.label, g.claims, g.deny, g.charges, g.chargesAtRisk])).toEqual([
      ["1234567893", "DR A", 2, 1, 150, 50],
      ["name:DR B", "DR B", 1, 0, 10, 0],
    ]);
    expect(s.claimsWithoutProvider).toBe(1);
    expect(s.byPayer.map((g) => [g.key, g.claims])).toEqual([["cms", 2]]);
    expect(s.claimsWithoutPayer).toBe(2);
  });

  it("groups by ISO week of the date of service (the earliest line date when the claim has none)", () => {
    expect(isoWeek("2026-10-15")).toEqual({ week: "2026-W42", start: "2026-10-12" });
    expect(isoWeek("2027-01-01")).toEqual({ week: "2026-W53", start: "2026-12-28" });
    expect(isoWeek("2024-12-30")).toEqual({ week: "2025-W01", start: "2024-12-30" });
    const a = agg();
    a.add(claim("A", [1], { serviceDate: "2026-10-12" }), result("A", "clean"));
    a.add(claim("B", [2], { serviceDate: "2026-10-18" }), result("B", "deny", [finding("e", "error", [1])]));
    const undated: Claim = { id: "C", diagnoses: ["L57.0"], lines: [{ code: "17000", units: 1, serviceDate: "2026-10-21", charge: 3 }, { code: "17000", units: 1, serviceDate: "2026-10-19", charge: 4 }] };
    a.add(undated, result("C", "clean"));
    const s = a.summary();
    expect(s.byWeek.map((w) => [w.week, w.claims, w.deny, w.charges, w.chargesAtRisk])).toEqual([
      ["2026-W42", 2, 1, 3, 2],
      ["2026-W43", 1, 0, 7, 0],
    ]);
    expect(s.method.serviceDates).toEqual({ from: "2026-10-12", to: "2026-10-19" });
  });

  it("keeps only the costliest denials, ranked by charges at risk then charges", () => {
    const a = agg();
    for (let i = 0; i < 60; i++) {
      const risk = (i * 37) % 101;
      a.add(claim(`D${i}`, [risk, 5]), result(`D${i}`, "deny", [finding("e", "error", [1])]));
    }
    const s = a.summary();
    expect(s.costliestDenials).toHaveLength(TOP_DENIALS);
    const risks = s.costliestDenials.map((d) => d.chargesAtRisk);
    expect(risks).toEqual([...risks].sort((x, y) => y - x));
    const all = Array.from({ length: 60 }, (_, i) => (i * 37) % 101).sort((x, y) => y - x);
    expect(risks).toEqual(all.slice(0, TOP_DENIALS));
    expect(s.costliestDenials[0]).toMatchObject({ charges: risks[0]! + 5, rules: ["e"] });
  });

  it("describes the method: table hash, CMS data versions and the definitions", () => {
    const s = agg().summary();
    expect(s.method.table.contentHash).toBe(loaded.contentHash);
    expect(s.method.sources.map((x) => x.kind)).toEqual(expect.arrayContaining(["ptp", "mue", "aoc", "icd10"]));
    expect(s.method.sources.find((x) => x.kind === "ptp")!.version).toMatch(/\S/);
    expect(s.totals.cleanClaimRate).toBeNull();
    expect(Object.keys(s.method.definitions)).toEqual(expect.arrayContaining(["cleanClaimRate", "chargesAtRisk"]));
  });
});

describe("on a synthetic batch evaluated by the runtime", () => {
  it("keeps its figures consistent with each other and with the results", () => {
    const a = agg();
    const next = createBatchEvaluator(loaded);
    const counts = { clean: 0, review: 0, deny: 0, invalid: 0 };
    let findings = 0;
    for (let i = 0; i < 1500; i++) {
      const c = syntheticClaim(i, 7);
      const r = next(c);
      counts[r.verdict]++;
      findings += r.findings.length;
      a.add(c, r);
    }
    const s = a.summary();
    expect(s.totals).toMatchObject({ records: 1500, ...counts, findings });
    expect(counts.deny).toBeGreaterThan(0);
    expect(counts.invalid).toBeGreaterThan(0);
    expect(s.byCategory.reduce((n, c) => n + c.findings, 0)).toBe(findings);
    expect(s.byWeek.reduce((n, w) => n + w.claims, 0)).toBe(1500);
    expect(s.byProvider.reduce((n, g) => n + g.claims, 0) + s.claimsWithoutProvider).toBe(s.totals.claims);
    expect(s.byPayer.reduce((n, g) => n + g.chargesAtRisk, 0)).toBeCloseTo(s.totals.chargesAtRisk, 2);
    expect(s.byVerdict.find((v) => v.verdict === "deny")!.charges).toBeGreaterThanOrEqual(s.totals.chargesAtRisk);
    expect(s.costliestDenials.every((d, i, xs) => i === 0 || xs[i - 1]!.chargesAtRisk >= d.chargesAtRisk)).toBe(true);
  });
});

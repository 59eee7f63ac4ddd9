/**
 * The analysis held to its meaning, on random rule sets × random claims:
 *
 * - soundness (on claims with billable diagnoses, the analysis's claim space): every witness and
 *   piece of evidence holds on the runtime; a rule reported dead
 *   never fires; a case reported never chosen is never chosen; a shadowed rule's findings are
 *   covered; duplicates flag the same lines; an unsatisfiable rule's situation with a required
 *   code is always denied by another rule or edit;
 * - completeness of conflicts: when `check` reports no conflict for a rule, a random claim on
 *   which that rule's finding is the only error (made minimal), with the rule's demand met as it
 *   asks, is not denied on the demanded line.
 *
 * Runs: FC_NUM_RUNS (default 40 programs, each with 24 claims). A failure prints its seed and
 * path; pin it in test/regressions/.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyze, checkEvidence, type AnalysisDiagnostic } from "../../compiler/analyze/index.ts";
import { selectCaseChosen, situation } from "../../compiler/analyze/fires.ts";
import { evaluate as evalFormula } from "../../compiler/analyze/formula.ts";
import { Analysis, type LayerModel } from "../../compiler/analyze/model.ts";
import { containsCode } from "../../compiler/analyze/ranks.ts";
import { modelOfGroup, run } from "../../compiler/analyze/witness.ts";
import { dayNumber, normalizeDx } from "../../runtime/index.ts";
import type { TRule } from "../../runtime/table.ts";
import type { Claim, Finding } from "../../runtime/types.ts";
import { analysisClaim, analysisProgram, layeredClaim, layeredProgram } from "../arbitraries/analysis.ts";
import { compile } from "../compiler/helpers.ts";

const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 40);
const SEVERITY = { info: 0, warning: 1, error: 2 } as const;
const FORBIDDING = new Set(["forbid-codes", "forbid-modifier", "deny", "flag", "limit", "select"]);

/** How often each kind of report was checked against a claim (the properties must bite). */
type Tally = Map<string, number>;
function count(t: Tally, k: string): void {
  t.set(k, (t.get(k) ?? 0) + 1);
}

function compiled(files: Record<string, string>, data: Record<string, string>) {
  const r = compile(files, data);
  const errors = r.diagnostics.filter((d) => d.severity === "error");
  expect(errors.map((d) => `${d.code} ${d.message}`), Object.values(files).join("\n----\n")).toEqual([]);
  return r;
}

/** The claim as the layer's payer would send it. */
function inLayer(c: Claim, layer: LayerModel): Claim {
  const { payer: _p, ...rest } = c;
  void _p;
  return layer.isDefault ? rest : { ...rest, payer: layer.name };
}

function linesOf(fs: readonly Finding[], rule: string): Set<number> {
  return new Set(fs.filter((f) => f.rule === rule).flatMap((f) => f.lines));
}

/** Checks what the reports claim against one claim evaluated in one layer. */
function checkReports(an: Analysis, ds: readonly AnalysisDiagnostic[], layer: LayerModel, claim: Claim, tally: Tally): void {
  const res = run(an, claim);
  if (!res) throw new Error(`generated an invalid claim ${JSON.stringify(claim)}`);
  // The analysis's claim space has billable diagnoses only (docs/check.md): a claim with a header
  // is denied by the ICD-10-CM check whatever the rules say.
  if (claim.diagnoses.some((d) => !an.program.icd10.billable.has(normalizeDx(d)))) return;
  const fs = res.findings;
  const days = [...new Set(claim.lines.map((l) => dayNumber((l.serviceDate ?? claim.serviceDate)!)!))];
  for (const d of ds) {
    if ((d.layer ?? layer.name) !== layer.name) continue;
    const [a, b] = d.rules;
    switch (d.code) {
      case "DR3003":
        expect(fs.filter((f) => f.rule === a && f.severity !== "info"), `${d.message} on ${JSON.stringify(claim)}`).toEqual([]);
        count(tally, "dead");
        break;
      case "DR3006": {
        const r = layer.ruleById.get(a!)!;
        const i = Number(/case (\d+)/.exec(d.message)![1]) - 1;
        for (const day of days) {
          const m = modelOfGroup(claim, day);
          for (const l of m.lines) {
            expect(evalFormula(selectCaseChosen(r.t, i, l.name, an.forms), m, { dxSets: an.dx, defaultPayer: an.table.defaultLayer }), `${d.message} on ${JSON.stringify(claim)}`).toBe(false);
          }
        }
        count(tally, "case");
        break;
      }
      case "DR3005": {
        const severity = layer.ruleById.get(a!)!.t.severity;
        for (const f of fs.filter((x) => x.rule === a && x.severity !== "info")) {
          const cover = fs.filter((x) => x.rule === b && SEVERITY[x.severity] >= SEVERITY[severity]);
          if (f.lines.length === 0) expect(cover.some((x) => x.lines.length === 0), `${d.message} on ${JSON.stringify(claim)}`).toBe(true);
          for (const l of f.lines) expect(cover.some((x) => x.lines.includes(l)), `${d.message}: line ${l} of ${JSON.stringify(claim)}`).toBe(true);
          count(tally, "shadow");
        }
        break;
      }
      case "DR3007":
        expect([...linesOf(fs, a!)].sort(), `${d.message} on ${JSON.stringify(claim)}`).toEqual([...linesOf(fs, b!)].sort());
        count(tally, "duplicate");
        break;
      case "DR3002": {
        const r = layer.ruleById.get(a!)!;
        const act = r.t.action;
        if (act.k !== "require-codes") break;
        for (const day of days) {
          const m = modelOfGroup(claim, day);
          const holds = evalFormula(situation(r.t, an.forms), m, { dxSets: an.dx, defaultPayer: an.table.defaultLayer });
          const meets = m.lines.some((l) => containsCode(an.forms.codes(act.set), l.code));
          if (!holds || !meets || days.length > 1) continue;
          expect(fs.some((f) => f.severity === "error" && f.rule !== a), `${d.message} on ${JSON.stringify(claim)}`).toBe(true);
          count(tally, "unsatisfiable");
        }
        break;
      }
      default:
        break;
    }
  }
}

// ------------------------------------------------------------------------------ conflicts

type Demand = { kind: "add"; code: string; remove?: TRule["subject"] } | { kind: "mod"; mod: string } | { kind: "select" };

/** The single-alternative demands of a rule, as conflict.ts reads them. */
function demandsOf(t: TRule): Demand[] {
  const out: Demand[] = [];
  const a = t.action;
  if (t.fix?.op === "add-code") {
    if (t.fix.codes.length === 1) out.push({ kind: "add", code: t.fix.codes[0]! });
  } else if (t.fix?.op === "replace") {
    if (t.fix.codes.length === 1) out.push({ kind: "add", code: t.fix.codes[0]!, remove: t.fix.from });
  } else if (a.k === "require-codes" && a.set.length === 1 && a.set[0]![0] === a.set[0]![1]) out.push({ kind: "add", code: a.set[0]![0] });
  if (t.fix?.op === "add-modifier") {
    if (!t.fix.to) out.push({ kind: "mod", mod: t.fix.modifier });
  } else if (a.k === "require-modifier" && a.set.length === 1 && t.fix === undefined) out.push({ kind: "mod", mod: a.set[0]! });
  if (a.k === "select" && t.fix === undefined) out.push({ kind: "select" });
  return out;
}

function errorsBut(fs: readonly Finding[], id: string): Finding[] {
  return fs.filter((f) => f.severity === "error" && f.rule !== id);
}

/** Looks for a conflict of rule `r` on claim `k`; returns a description when one shows. */
function conflictOn(an: Analysis, layer: LayerModel, t: TRule, k: Claim): string | undefined {
  const first = run(an, k)!;
  const mine = first.findings.filter((f) => f.rule === t.id);
  if (mine.length === 0 || errorsBut(first.findings, t.id).length > 0) return undefined;
  for (const d of demandsOf(t)) {
    // The line the demand is about (modifier and select demands); keep it while minimizing.
    let target = d.kind === "add" ? -1 : (mine.find((f) => f.lines.length > 0)?.lines[0] ?? -1);
    if (d.kind !== "add" && target < 0) continue;
    let claim = k;
    for (let i = claim.lines.length; i >= 1; i--) {
      if (i === target || claim.lines.length === 1) continue;
      const smaller = { ...claim, lines: claim.lines.filter((_, j) => j !== i - 1) };
      const r = run(an, smaller)!;
      const t2 = target > i ? target - 1 : target;
      const still = r.findings.some((f) => f.rule === t.id && (t2 < 0 || f.lines.includes(t2)));
      if (still && errorsBut(r.findings, t.id).length === 0) {
        claim = smaller;
        target = t2;
      }
    }
    let after: Claim;
    let line: number;
    if (d.kind === "add") {
      const kept = claim.lines.filter((l) => !(d.remove && d.remove.some(([lo, hi]) => l.code >= lo && l.code <= hi)));
      after = { ...claim, lines: [...kept, { code: d.code, units: 1 }] };
      line = after.lines.length;
    } else if (d.kind === "mod") {
      const l = claim.lines[target - 1]!;
      if ((l.modifiers ?? []).includes(d.mod) || (l.modifiers ?? []).length >= 4) continue;
      after = { ...claim, lines: claim.lines.map((x, j) => (j === target - 1 ? { ...x, modifiers: [...(x.modifiers ?? []), d.mod] } : x)) };
      line = target;
    } else {
      const f = run(an, claim)!.findings.find((x) => x.rule === t.id && x.lines.includes(target) && x.fix?.op === "replace");
      if (!f?.fix?.codes?.[0]) continue;
      after = { ...claim, lines: claim.lines.map((x, j) => (j === target - 1 ? { ...x, code: f.fix!.codes![0]! } : x)) };
      line = target;
    }
    const res = run(an, after);
    if (!res) continue;
    const denial = res.findings.find((f) => {
      if (f.severity !== "error" || !f.lines.includes(line)) return false;
      const b = layer.ruleById.get(f.rule);
      if (b) return FORBIDDING.has(b.t.action.k) && (d.kind === "select" || b.id !== t.id);
      if (f.category === "ptp") return d.kind !== "mod" && f.message.includes("modifier indicator 0");
      if (f.category === "mue") return d.kind === "add";
      return false;
    });
    if (denial) return `${d.kind} demand of ${t.id} on ${JSON.stringify(claim)}: ${denial.rule} denies line ${line} of ${JSON.stringify(after)}`;
  }
  return undefined;
}

describe("check: soundness and completeness on random rule sets", () => {
  it("reports hold on random claims, and no conflict escapes it (small rule sets over a few codes)", () => {
    const tally: Tally = new Map();
    fc.assert(
      fc.property(analysisProgram, fc.array(analysisClaim, { minLength: 24, maxLength: 24 }), (p, claims) => {
        const r = compiled(p.files, p.data);
        const { diagnostics, stats } = analyze(r);
        const an = new Analysis(r.program, r.table!, r.sources);
        for (const d of diagnostics) for (const e of d.evidence ?? []) expect(checkEvidence(an, e), `${d.message}: ${e.note}\n${p.files["p.rules"]}`).toBeUndefined();
        if (diagnostics.some((d) => d.evidence)) count(tally, "evidence");
        const reported = new Set(diagnostics.filter((d) => d.code === "DR3001" || d.code === "DR3002").map((d) => d.rules[0]));
        // A question the solver could not decide is not a "no": DR3030 says so.
        const undecided = (id: string): boolean => stats.undecidedAbout.some((u) => u.startsWith(`conflict ${id} `) || u.startsWith(`unsatisfiable ${id} `));
        for (const layer of an.layers) {
          for (const claim0 of claims) {
            const claim = inLayer(claim0, layer);
            checkReports(an, diagnostics, layer, claim, tally);
            for (const rule of layer.rules) {
              const found = conflictOn(an, layer, rule.t, claim);
              if (found === undefined) continue;
              count(tally, "conflict shown");
              if (!reported.has(rule.id) && undecided(rule.id)) {
                count(tally, "conflict undecided");
                continue;
              }
              expect(reported.has(rule.id), `a conflict check did not report: ${found}\n${p.files["p.rules"]}`).toBe(true);
            }
          }
        }
      }),
      { numRuns: NUM_RUNS },
    );
    console.log("analysis properties:", Object.fromEntries(tally));
    for (const k of ["evidence", "dead", "conflict shown"]) expect(tally.get(k) ?? 0, k).toBeGreaterThan(0);
  }, 300_000);

  it("reports hold on random claims for layered programs (overrides, disables, payer layers)", () => {
    const tally: Tally = new Map();
    fc.assert(
      fc.property(layeredProgram, fc.array(layeredClaim, { minLength: 12, maxLength: 12 }), (p, claims) => {
        const r = compiled(p.files, p.data);
        const { diagnostics } = analyze(r, { only: ["dead", "unsatisfiable", "conflict", "shadow"] });
        const an = new Analysis(r.program, r.table!, r.sources);
        for (const d of diagnostics) for (const e of d.evidence ?? []) expect(checkEvidence(an, e), `${d.message}: ${e.note}`).toBeUndefined();
        for (const layer of an.layers) for (const c of claims) checkReports(an, diagnostics, layer, inLayer(c, layer), tally);
      }),
      { numRuns: Math.max(1, Math.round(NUM_RUNS / 2)) },
    );
    console.log("layered analysis properties:", Object.fromEntries(tally));
  }, 300_000);
});

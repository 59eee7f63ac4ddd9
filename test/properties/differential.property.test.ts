/**
 * The optimized path (compiled table + runtime indexes) and the plain reference interpreter give
 * identical results on random rule sets × random claims — here on the analysis generators (rule
 * pairs that conflict, dated PTP rows, select tables), beside test/compiler/differential.test.ts
 * on the compiler's. It counts how often each optimized path was actually taken: a rule found
 * through the exact-code index, a range of the index, or the always-list; a PTP edit answered from
 * a pair's fixed indicator (all rows undated) or by checking dated rows.
 *
 * Runs: FC_NUM_RUNS (default 30 programs, 24 claims each).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { interpret } from "../../compiler/index.ts";
import { evaluate, loadTable } from "../../runtime/index.ts";
import type { DecisionTable } from "../../runtime/table.ts";
import type { Claim, ClaimResult } from "../../runtime/types.ts";
import { analysisClaim, analysisProgram, layeredClaim, layeredProgram } from "../arbitraries/analysis.ts";
import { compile } from "../compiler/helpers.ts";

const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 30);

/** Which index path makes rule `id` a candidate for the claim's lines in the layer. */
function pathOf(table: DecisionTable, layerName: string, id: string, codes: readonly string[]): string {
  const layer = table.layers[layerName]!;
  const idx = layer.rules.find((i) => table.rules[i]!.id === id);
  if (idx === undefined) return "not a rule";
  if (codes.some((c) => layer.index.byCode[c]?.includes(idx))) return "index: exact code";
  if (layer.index.byRange.some(([lo, hi, i]) => i === idx && codes.some((c) => c >= lo && c <= hi))) return "index: range";
  if (layer.index.always.includes(idx)) return "index: always";
  return "index: none";
}

/** PTP rows of the program's data: whether a pair has a dated row. */
function datedPairs(data: Record<string, string>): Set<string> {
  const out = new Set<string>();
  for (const [name, text] of Object.entries(data)) {
    if (!name.startsWith("ptp")) continue;
    for (const row of text.split("\n").slice(1)) {
      const [a, b, , eff, del] = row.split("\t");
      if (a && b && (eff !== "" || del !== "*")) out.add(`${a}.${b}`);
    }
  }
  return out;
}

function agree(files: Record<string, string>, data: Record<string, string>, claims: Claim[], paths: Map<string, number>): void {
  const r = compile(files, data);
  expect(r.diagnostics.filter((d) => d.severity === "error").map((d) => d.message)).toEqual([]);
  const loaded = loadTable(r.table!);
  if (!loaded.ok) throw new Error("table does not load");
  const dated = datedPairs(data);
  for (const c of claims) {
    const fast = evaluate(loaded.table, c) as ClaimResult;
    const slow = interpret(r.program, c);
    expect(JSON.stringify(slow), JSON.stringify({ files, claim: c })).toBe(JSON.stringify(fast));
    const codes = c.lines.map((l) => l.code);
    for (const f of fast.findings) {
      let p: string;
      if (f.category === "ptp") p = dated.has(f.rule.split(".").slice(-2).join(".")) ? "ptp: dated rows" : "ptp: fixed indicator";
      else p = pathOf(r.table!, fast.layer!, f.rule, codes);
      paths.set(p, (paths.get(p) ?? 0) + 1);
    }
  }
}

describe("compiled table vs reference interpreter (analysis generators)", () => {
  it("agree, and every optimized path is taken", () => {
    const paths = new Map<string, number>();
    fc.assert(
      fc.property(analysisProgram, fc.array(analysisClaim, { minLength: 24, maxLength: 24 }), (p, claims) => agree(p.files, p.data, claims, paths)),
      { numRuns: NUM_RUNS },
    );
    fc.assert(
      fc.property(layeredProgram, fc.array(layeredClaim, { minLength: 12, maxLength: 12 }), (p, claims) => agree(p.files, p.data, claims, paths)),
      { numRuns: NUM_RUNS },
    );
    console.log("optimized paths taken:", Object.fromEntries([...paths].sort()));
    for (const k of ["index: exact code", "index: range", "index: always", "ptp: fixed indicator", "ptp: dated rows"]) expect(paths.get(k) ?? 0, k).toBeGreaterThan(0);
    // INVARIANT: a finding's rule is reachable through the indexes (triggers are a contract).
    expect(paths.get("index: none") ?? 0).toBe(0);
  });
});

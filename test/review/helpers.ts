/**
 * Helpers for the review tests: compile rule files in memory into a diff `Side`, run a diff,
 * and check that every witness the diff reports is a real difference.
 */
import { expect } from "vitest";
import { compileSources } from "../../compiler/index.ts";
import { evaluate, loadTable, type LoadedTable } from "../../runtime/index.ts";
import type { ClaimResult } from "../../runtime/types.ts";
import { diffSides, ruleDifferences, type DiffReport, type Side } from "../../review/index.ts";

/** Small CMS tables in CMS's own columns (values made up for tests, not CMS policy). */
export const PTP = `column1\tcolumn2\tprior1996\teffective\tdeletion\tmodifier\trationale
17004\t17003\t\t\t*\t0\tMutually exclusive procedures
17000\t99213\t*\t\t*\t1\tStandards of medical / surgical services
11104\t11102\t\t20190101\t*\t0\tMisuse of column two code
`;
export const MUE = `code\tmue\tmai\trationale
17003\t13\t2\tCode Descriptor / CPT Instruction
11102\t1\t3\tAnatomic Consideration
99213\t2\t1\tClinical
`;
export const AOC = `AOC_Edit_Type\tAdd-On_Code\tAOC_DelDT\tPrimary_Code\tPrimary_Code_DelDT\tAOC_Edit_EffDT\tAOC_Edit_DelDT\tSpecial_Instruction_Notes
1\t17003\t\t17000\t\t2013091\t\t
1\t11103\t\t11102\t\t2019001\t\t
1\t11103\t\t11104\t\t2019001\t\t
`;
export const DATA: Record<string, string> = { "ptp.tsv": PTP, "mue.tsv": MUE, "aoc.tsv": AOC };

/** Compiles rule files (path → text) with data files (path → text) into a side; fails the test on errors. */
export function side(files: Record<string, string>, data: Record<string, string> = DATA, label = "side"): Side {
  const r = compileSources(
    Object.entries(files).map(([path, text]) => ({ path, text })),
    { readFile: (p) => (data[p] === undefined ? undefined : Buffer.from(data[p]!)) },
  );
  const errors = r.diagnostics.filter((d) => d.severity === "error");
  expect(errors.map((d) => `${d.span.file}: ${d.code} ${d.message}`), label).toEqual([]);
  return { label, table: r.table!, program: r.program };
}

/** Diffs two sets of files. */
export async function diffFiles(
  base: Record<string, string>,
  head: Record<string, string>,
  baseData: Record<string, string> = DATA,
  headData: Record<string, string> = baseData,
): Promise<DiffReport> {
  return diffSides(side(base, baseData, "base"), side(head, headData, "head"), { random: 60 });
}

function loaded(s: Side): LoadedTable {
  const r = loadTable(s.table);
  if (!r.ok) throw new Error("table does not load");
  return r.table;
}

/**
 * Every witness is a true difference: evaluated again on both tables, the rule's findings
 * differ in the way reported, and the before/after findings shown are the real ones.
 */
export function expectWitnessesReal(report: DiffReport, base: Side, head: Side): void {
  const A = loaded(base);
  const B = loaded(head);
  for (const x of report.behaviour.byRule) {
    expect(x.witnesses.length, x.rule).toBeGreaterThan(0);
    for (const w of x.witnesses) {
      const a = evaluate(A, w.claim) as ClaimResult;
      const b = evaluate(B, w.claim) as ClaimResult;
      expect(a.verdict, JSON.stringify(w.claim)).not.toBe("invalid");
      expect(ruleDifferences(a, b).get(x.rule), `${x.rule} on ${JSON.stringify(w.claim)}`).toBe(w.kind);
      expect(w.before).toEqual({ verdict: a.verdict, findings: a.findings.filter((f) => f.rule === x.rule) });
      expect(w.after).toEqual({ verdict: b.verdict, findings: b.findings.filter((f) => f.rule === x.rule) });
    }
  }
}

/** `rule kind` for every behaviour change found, sorted. */
export function behaviourKeys(report: DiffReport): string[] {
  return report.behaviour.byRule
    .flatMap((x) => (["now-fires", "no-longer-fires", "changes"] as const).filter((k) => x.generated[k] + x.corpus[k] > 0).map((k) => `${x.rule} ${k}`))
    .sort();
}

/**
 * Helpers for the analysis tests: compile rule text in memory (data files inline), run the
 * analysis, and short views of what it found.
 */
import { expect } from "vitest";
import { analyze, checkEvidence, type AnalysisDiagnostic } from "../../../compiler/analyze/index.ts";
import { Analysis } from "../../../compiler/analyze/model.ts";
import { formatDiagnosticLine } from "../../../compiler/index.ts";
import { compile } from "../helpers.ts";

export const PTP_HEADER = "column1\tcolumn2\tprior1996\teffective\tdeletion\tmodifier\trationale";
export const MUE_HEADER = "code\tmue\tmai\trationale";
export const AOC_HEADER = "AOC_Edit_Type\tAdd-On_Code\tAOC_DelDT\tPrimary_Code\tPrimary_Code_DelDT\tAOC_Edit_EffDT\tAOC_Edit_DelDT\tSpecial_Instruction_Notes";

/** A PTP file: rows `[column1, column2, effective "YYYYMMDD" | "", deletion | "*", indicator]`. */
export function ptpFile(rows: [string, string, string, string, 0 | 1 | 9][]): string {
  return [PTP_HEADER, ...rows.map(([a, b, e, d, m]) => `${a}\t${b}\t\t${e}\t${d}\t${m}\ttest`)].join("\n") + "\n";
}

/** An MUE file: rows `[code, units, mai]`. */
export function mueFile(rows: [string, number, 1 | 2 | 3][]): string {
  return [MUE_HEADER, ...rows.map(([c, n, m]) => `${c}\t${n}\t${m}\ttest`)].join("\n") + "\n";
}

/** An AOC file: rows `[type, addon, primary, effective "YYYYDDD" | ""]`. */
export function aocFile(rows: [1 | 2 | 3, string, string, string][]): string {
  return [AOC_HEADER, ...rows.map(([t, a, p, e]) => `${t}\t${a}\t\t${p}\t\t${e}\t\t`)].join("\n") + "\n";
}

/** Compiles (no compile errors allowed) and analyses rule files given as text. */
export function check(files: string | Record<string, string>, data: Record<string, string> = {}, only?: string[]) {
  const compiled = compile(files, data);
  const errors = compiled.diagnostics.filter((d) => d.severity === "error");
  expect(errors.map((d) => formatDiagnosticLine(d, compiled.sources)), "the test's rules compile").toEqual([]);
  const result = analyze(compiled, only ? { only } : {});
  return { compiled, ...result, an: () => new Analysis(compiled.program, compiled.table!, compiled.sources) };
}

/** The diagnostics with a code. */
export function withCode(ds: readonly AnalysisDiagnostic[], code: string): AnalysisDiagnostic[] {
  return ds.filter((d) => d.code === code);
}

/** `CODE severity [rules]` per diagnostic, for compact assertions. */
export function brief(ds: readonly AnalysisDiagnostic[]): string[] {
  return ds.map((d) => `${d.code} ${d.severity} [${d.rules.join(" ")}]`);
}

/** Every piece of evidence of every diagnostic holds on the runtime. */
export function expectEvidenceHolds(r: ReturnType<typeof check>): void {
  const an = r.an();
  for (const d of r.diagnostics) for (const e of d.evidence ?? []) expect(checkEvidence(an, e), `${d.code} ${d.message}: ${e.note}`).toBeUndefined();
}

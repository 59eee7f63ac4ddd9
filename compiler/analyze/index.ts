/**
 * Static analysis of a compiled rule set (`dermrules check`): the checks, listed as data and run
 * in order, each in its own file. docs/check.md says what each decides, exactly.
 *
 *     const compiled = compilePaths(["rules"]);
 *     const { diagnostics } = analyze(compiled);      // DR3xxx, sorted, with witnesses
 *
 * Layer checks run once per ruleset layer (the default first); a problem that shows in several
 * layers is reported once. The analysis needs a table: with compile errors it returns nothing.
 */
import type { SourceFile } from "../../grammar/source.ts";
import type { DecisionTable } from "../../runtime/table.ts";
import type { Program } from "../context.ts";
import { compareDiagnostics, tick } from "../diagnostics.ts";
import { checkConflicts } from "./conflict.ts";
import { checkCoverage } from "./coverage.ts";
import { checkDead } from "./dead.ts";
import { checkHygiene } from "./hygiene.ts";
import { Analysis, type AnalysisOptions, type LayerModel } from "./model.ts";
import { Reporter, type AnalysisDiagnostic } from "./report.ts";
import { checkShadowed } from "./shadow.ts";
import { checkAddonPrimaries, checkMueRows, checkPtpRows } from "./tables.ts";
import { checkUnsatisfiable } from "./unsatisfiable.ts";

export type { AnalysisDiagnostic } from "./report.ts";
export type { Evidence } from "./witness.ts";
export type { AnalysisOptions } from "./model.ts";
export { checkEvidence } from "./witness.ts";

/** What the layer checks pass on to each other. */
interface LayerState {
  dead: Set<string>;
  unsatisfiable: Set<string>;
}

/** One named check over a layer. */
export interface LayerCheck {
  readonly name: string;
  readonly run: (layer: LayerModel, out: Reporter, state: LayerState) => void;
}

/** One named check over the whole program. */
export interface ProgramCheck {
  readonly name: string;
  readonly run: (an: Analysis, out: Reporter) => void;
}

/** The layer checks in order: later ones skip what earlier ones found (dead rules shadow nothing). */
export const LAYER_CHECKS: readonly LayerCheck[] = [
  { name: "dead", run: (l, o, s) => void (s.dead = checkDead(l, o)) },
  { name: "unsatisfiable", run: (l, o, s) => void (s.unsatisfiable = checkUnsatisfiable(l, o, s.dead)) },
  { name: "conflict", run: (l, o, s) => checkConflicts(l, o, s.unsatisfiable, s.dead) },
  { name: "shadow", run: (l, o, s) => checkShadowed(l, o, s.dead) },
  { name: "ptp-rows", run: (l, o) => checkPtpRows(l, o) },
  { name: "mue-rows", run: (l, o) => checkMueRows(l, o) },
  { name: "addon-primaries", run: (l, o) => checkAddonPrimaries(l, o) },
];

export const PROGRAM_CHECKS: readonly ProgramCheck[] = [
  { name: "hygiene", run: checkHygiene },
  { name: "coverage", run: checkCoverage },
];

/** What `analyze` returns. */
export interface AnalysisResult {
  diagnostics: AnalysisDiagnostic[];
  /** Solver questions asked and left undecided, and milliseconds per check. */
  stats: { questions: number; undecided: number; undecidedAbout: string[]; ms: Record<string, number> };
}

/** The input of `analyze`: a compile result (compiler/index.ts). */
export interface AnalyzeInput {
  table?: DecisionTable;
  program: Program;
  sources: ReadonlyMap<string, SourceFile>;
}

/** Runs every check. Needs a table (no compile errors); without one, returns no diagnostics. */
export function analyze(input: AnalyzeInput, opts: AnalysisOptions & { only?: readonly string[] } = {}): AnalysisResult {
  const ms: Record<string, number> = {};
  if (!input.table) return { diagnostics: [], stats: { questions: 0, undecided: 0, undecidedAbout: [], ms } };
  let t0 = performance.now();
  const an = new Analysis(input.program, input.table, input.sources, opts);
  ms.setup = performance.now() - t0;
  const out = new Reporter();
  const wanted = (name: string): boolean => opts.only === undefined || opts.only.includes(name);
  const layers = [...an.layers].sort((a, b) => Number(b.isDefault) - Number(a.isDefault));
  for (const layer of layers) {
    const state: LayerState = { dead: new Set(), unsatisfiable: new Set() };
    for (const c of LAYER_CHECKS) {
      if (!wanted(c.name)) continue;
      t0 = performance.now();
      c.run(layer, out, state);
      ms[c.name] = (ms[c.name] ?? 0) + performance.now() - t0;
    }
  }
  for (const c of PROGRAM_CHECKS) {
    if (!wanted(c.name)) continue;
    t0 = performance.now();
    c.run(an, out);
    ms[c.name] = performance.now() - t0;
  }
  if (an.undecided > 0) {
    const first = input.program.files[0];
    out.add("DR3030", "info", { file: first?.path ?? "", start: 0, end: 0 }, `${an.undecided} of ${an.questions} analysis questions were left undecided (the search ran out of steps): the checks that asked them report nothing about them`, {
      rules: [],
      hint: `raise the budget with ${tick("--steps")} to decide more`,
      key: "DR3030",
    });
  }
  const diagnostics = out.list.slice().sort(compareDiagnostics);
  return { diagnostics, stats: { questions: an.questions, undecided: an.undecided, undecidedAbout: an.undecidedAbout, ms } };
}

/**
 * The compiler's public API: rule files in, a decision table (runtime/table.ts), diagnostics
 * and the resolved program out.
 *
 *     const { table, diagnostics, program, sources } = compilePaths(["rules"]);
 *     if (!table) process.stderr.write(renderDiagnostics(diagnostics, sources));
 *     else fs.writeFileSync("table.json", serializeTable(table));
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Diagnostic, SourceFile } from "../grammar/source.ts";
import type { DecisionTable } from "../runtime/table.ts";
import type { CompileInput, CompileOptions, Program } from "./context.ts";
import { compareDiagnostics, diag } from "./diagnostics.ts";
import { IcdList } from "./icd10.ts";
import { runPipeline } from "./pipeline.ts";
import { DEFAULT_LAYER } from "./rulesets.ts";

export type {
  CompileInput,
  CompileOptions,
  Program,
  ProgramAoc,
  ProgramLayer,
  ProgramMue,
  ProgramPtp,
  ProgramRule,
  ProgramTable,
  ProgramTest,
  ResolvedMeta,
  SetInfo,
  SetKind,
} from "./context.ts";
export type { Diagnostic } from "../grammar/source.ts";
export { serializeTable, canonicalJson, contentHash, GENERATOR } from "./emit.ts";
export { renderDiagnostics, renderDiagnostic, formatDiagnosticLine, diagnosticsToJson, type RenderOptions, type JsonDiagnostic } from "./render.ts";
export { CATALOGUE, type DiagnosticCode } from "./diagnostics.ts";
export { interpret } from "./interpret.ts";
export { STAGES, runPipeline, type Stage } from "./pipeline.ts";
export { IcdList, loadPackagedIcd10, ICD10_VERSION } from "./icd10.ts";

/** What a compilation returns. */
export interface CompileResult {
  /** The decision table; absent when any diagnostic is an error. */
  table?: DecisionTable;
  /** Every diagnostic, sorted by file and position. */
  diagnostics: Diagnostic[];
  /** The resolved program (also when there are errors: as much as could be resolved). */
  program: Program;
  /** The rule files' text by path, for rendering diagnostics. */
  sources: Map<string, SourceFile>;
}

/**
 * Compiles rule files given as text. Paths are used as given in diagnostics, rule origins and
 * provenance; data files named by `ptp`/`mue`/`aoc` are read relative to each rule file's path
 * (through `opts.readFile`, or the file system relative to `opts.cwd`). Never throws on user input.
 */
export function compileSources(files: readonly CompileInput[], opts: CompileOptions = {}): CompileResult {
  const ctx = runPipeline(files.slice(), opts);
  const program: Program = ctx.program ?? {
    files: ctx.files,
    defaultLayer: DEFAULT_LAYER,
    layers: new Map(),
    sets: ctx.sets,
    lookupSet: (n) => ctx.sets.get(n),
    icd10: ctx.icd ?? new IcdList([]),
    tests: [],
  };
  const diagnostics = ctx.diagnostics.slice().sort(compareDiagnostics);
  return { ...(ctx.table && { table: ctx.table }), diagnostics, program, sources: ctx.sources };
}

function toPosix(p: string): string {
  return p.split(path.sep).join("/");
}

/** The `*.rules` files under a folder, recursively, sorted. */
function walkRules(dir: string, out: string[]): void {
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walkRules(p, out);
    else if (e.isFile() && e.name.endsWith(".rules")) out.push(p);
  }
}

/**
 * Compiles files and folders (folders are walked recursively for `*.rules`). Paths in the
 * result are relative to `opts.cwd` (default: the process's), so tables do not depend on
 * where the repository is checked out.
 */
export function compilePaths(paths: readonly string[], opts: CompileOptions = {}): CompileResult {
  const cwd = opts.cwd ?? process.cwd();
  const inputs: CompileInput[] = [];
  const unreadable: Diagnostic[] = [];
  const rel = (abs: string): string => toPosix(path.relative(cwd, abs)) || path.basename(abs);
  for (const p of paths) {
    const abs = path.resolve(cwd, p);
    let files: string[] = [];
    try {
      if (fs.statSync(abs).isDirectory()) walkRules(abs, files);
      else files = [abs];
    } catch (e) {
      unreadable.push(diag("DR4001", "error", { file: rel(abs), start: 0, end: 0 }, `cannot read \`${rel(abs)}\`: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or folder" : String((e as Error).message)}`));
      continue;
    }
    for (const f of files) {
      try {
        inputs.push({ path: rel(f), text: fs.readFileSync(f, "utf8") });
      } catch (e) {
        unreadable.push(diag("DR4001", "error", { file: rel(f), start: 0, end: 0 }, `cannot read \`${rel(f)}\`: ${String((e as Error).message)}`));
      }
    }
  }
  const result = compileSources(inputs, { ...opts, cwd });
  if (unreadable.length === 0) return result;
  const diagnostics = [...unreadable, ...result.diagnostics].sort(compareDiagnostics);
  const { table: _table, ...rest } = result;
  void _table;
  return { ...rest, diagnostics };
}

/**
 * The compiler's stages, listed as data (OPA's `Compiler.stages`): each has a name and a
 * function over the shared context. Every stage runs, so that one compilation reports as many
 * problems as it can; stages guard against what earlier errors left missing, and `emit`
 * writes a table only when there is no error.
 */
import { SourceFile } from "../grammar/source.ts";
import type { CompileContext, CompileInput, CompileOptions } from "./context.ts";
import { diag } from "./diagnostics.ts";
import { emitStage, indexStage } from "./emit.ts";
import { ICD10_PATH, loadPackagedIcd10 } from "./icd10.ts";
import { layeringStage } from "./layering.ts";
import { lowerStage } from "./lower.ts";
import { parseStage } from "./parse.ts";
import { resolveStage } from "./resolve.ts";
import { rulesetsStage } from "./rulesets.ts";
import { tablesStage } from "./tables.ts";
import { validateStage } from "./validate.ts";

/** One named compiler stage. */
export interface Stage {
  readonly name: string;
  readonly run: (ctx: CompileContext) => void;
}

/** Stage `icd10`: the ICD-10-CM list codes are checked against (given, or the packaged FY2026 list). */
export function icd10Stage(ctx: CompileContext): void {
  if (ctx.opts.icd10) {
    ctx.icd = ctx.opts.icd10;
    return;
  }
  const loaded = loadPackagedIcd10();
  ctx.icd = loaded.list;
  for (const p of loaded.problems) ctx.diagnostics.push(diag("DR4021", "error", { file: ICD10_PATH, start: 0, end: 0 }, p.message));
}

/** The stages in order. `index` and `emit` need the program that `layering` builds. */
export const STAGES: readonly Stage[] = [
  { name: "parse", run: parseStage },
  { name: "icd10", run: icd10Stage },
  { name: "rulesets", run: rulesetsStage },
  { name: "resolve", run: resolveStage },
  { name: "validate", run: validateStage },
  { name: "tables", run: tablesStage },
  { name: "lower", run: lowerStage },
  { name: "layering", run: layeringStage },
  { name: "index", run: indexStage },
  { name: "emit", run: emitStage },
];

/** A fresh context for the inputs. */
export function newContext(inputs: CompileInput[], opts: CompileOptions = {}): CompileContext {
  return {
    opts,
    inputs,
    sources: new Map<string, SourceFile>(),
    diagnostics: [],
    files: [],
    fileLayer: new Map(),
    rulesets: new Map(),
    layerOrder: [],
    sets: new Map(),
    tables: [],
    defs: [],
  };
}

/** Runs the stages over the inputs (all of them unless `until` names the last one to run). */
export function runPipeline(inputs: CompileInput[], opts: CompileOptions = {}, until?: string): CompileContext {
  const ctx = newContext(inputs, opts);
  for (const stage of STAGES) {
    stage.run(ctx);
    if (stage.name === until) break;
  }
  return ctx;
}

/**
 * The state that compiler stages share, and the `Program`: the resolved program that the
 * reference interpreter, the test runner and `explain` read.
 *
 * Stages (compiler/pipeline.ts) fill the context in order; each reads what earlier stages
 * wrote and never throws on user input.
 */
import type { RuleFile, Rule, SelectTable, SetDecl, TableRef, TestBlock, OverrideDecl, RulesetDecl } from "../grammar/ast.ts";
import type { Diagnostic, SourceFile, Span } from "../grammar/source.ts";
import type { CodeRanges, DecisionTable, LayerIndex, TFix, TRule } from "../runtime/table.ts";
import type { FindingCategory, FindingSeverity } from "../runtime/types.ts";
import type { AocRow, MueRow, PtpRow } from "./data.ts";
import type { IcdList } from "./icd10.ts";

/** What a set holds: procedure codes, ICD-10-CM diagnoses or modifiers. */
export type SetKind = "codes" | "dx" | "modifiers";

/** A rule file to compile. */
export interface CompileInput {
  /** The path used in diagnostics, origins and provenance (relative paths keep tables portable). */
  path: string;
  text: string;
}

/** Options of `compileSources` / `compilePaths`. */
export interface CompileOptions {
  /** Directory that relative data-file paths are read from (default: `process.cwd()`). */
  cwd?: string;
  /** Reads a data file (path as resolved against the rule file); undefined when it does not exist. */
  readFile?: (path: string) => Uint8Array | undefined;
  /** The ICD-10-CM list (default: the packaged FY2026 list). */
  icd10?: IcdList;
  /** The table's `generator` string. */
  generator?: string;
}

/** A named set: where it was declared and what it holds. */
export interface SetInfo {
  name: string;
  kind: SetKind;
  decl: SetDecl;
  /** The ruleset of the declaring file (set names are still global). */
  layer: string;
}

/** A ruleset (layer) and the files that make it up. */
export interface RulesetInfo {
  name: string;
  /** The base, or null for a root layer. */
  extends: string | null;
  files: RuleFile[];
  /** The `ruleset` lines that name it (none for the implicit `cms`). */
  decls: RulesetDecl[];
}

/** Metadata of a rule after defaults, as findings show it. */
export interface ResolvedMeta {
  id: string;
  severity: FindingSeverity;
  category: FindingCategory;
  message: string;
  source: string;
  /** Day numbers, inclusive; null = open. */
  effective: [number | null, number | null];
  fix?: TFix;
}

/**
 * A rule definition: a `when` rule, a `select` table, or the body of an `override`, lowered.
 * Layering decides in which layers it is effective.
 */
export interface RuleDef {
  node: Rule | SelectTable;
  /** The `override` that supplied the body, when there is one. */
  override?: OverrideDecl;
  file: string;
  layer: string;
  meta: ResolvedMeta;
  /** Where the id comes from (the `id` line, the override target, or the rule itself). */
  idSpan: Span;
  origin: string;
  lowered: TRule;
}

/** One effective rule of a layer, as the interpreter and `explain` see it. */
export interface ProgramRule {
  id: string;
  /** The AST of the rule's logic. */
  node: Rule | SelectTable;
  meta: ResolvedMeta;
  /** "path:line:col" of the definition in force (an override's, when one amended or replaced it). */
  origin: string;
  /** The layer that defined this version of the rule. */
  layer: string;
  /** The origin of the base rule that an override amended or replaced. */
  baseOrigin?: string;
}

/** A loaded PTP table reference with its (filtered) rows. */
export interface ProgramPtp {
  kind: "ptp";
  idPrefix: string;
  layer: string;
  source: string;
  version: string;
  file: string;
  ref: TableRef;
  rows: PtpRow[];
}

/** A loaded MUE table reference with its (filtered) rows. */
export interface ProgramMue {
  kind: "mue";
  idPrefix: string;
  layer: string;
  source: string;
  version: string;
  file: string;
  ref: TableRef;
  rows: MueRow[];
}

/** A loaded add-on code table reference with its (filtered) rows. */
export interface ProgramAoc {
  kind: "aoc";
  idPrefix: string;
  layer: string;
  source: string;
  version: string;
  file: string;
  ref: TableRef;
  rows: AocRow[];
}

export type ProgramTable = ProgramPtp | ProgramMue | ProgramAoc;

/** One layer of the resolved program. */
export interface ProgramLayer {
  name: string;
  extends: string | null;
  /** Effective rules after overrides and disables, ordered by id. */
  rules: ProgramRule[];
  /** Select tables among `rules` (the same objects), for convenience. */
  selects: ProgramRule[];
  /** Table edits in force: inherited first, then the layer's own. */
  ptp: ProgramPtp[];
  mue: ProgramMue[];
  aoc: ProgramAoc[];
  /** Ids and `prefix.*` patterns of table edits disabled here (inherited ones included). */
  disabled: string[];
}

/** A test block with where it lives. */
export interface ProgramTest {
  block: TestBlock;
  file: string;
  layer: string;
}

/**
 * The resolved program: everything the compiler knows after name resolution, validation and
 * layering, on the AST. The reference interpreter (compiler/interpret.ts) evaluates claims on
 * it; `explain` can point from a finding back to the rule text.
 */
export interface Program {
  /** Parsed files, sorted by path. */
  files: RuleFile[];
  defaultLayer: string;
  /** Layers, bases before the layers that extend them. */
  layers: Map<string, ProgramLayer>;
  /** Named sets (global across files and layers). */
  sets: Map<string, SetInfo>;
  /** Looks a set name up: its declaration, or undefined. */
  lookupSet(name: string): SetInfo | undefined;
  /** The ICD-10-CM list the program was checked against. */
  icd10: IcdList;
  tests: ProgramTest[];
}

/** The loaded state of one table reference, before layering. */
export type LoadedRef = ProgramTable & { sha256: string; only?: CodeRanges };

/** Mutable state shared by the stages. */
export interface CompileContext {
  opts: CompileOptions;
  inputs: CompileInput[];
  sources: Map<string, SourceFile>;
  diagnostics: Diagnostic[];
  files: RuleFile[];
  /** The layer each file belongs to. */
  fileLayer: Map<RuleFile, string>;
  rulesets: Map<string, RulesetInfo>;
  /** Layers in dependency order (bases first); layers caught in a cycle are left out. */
  layerOrder: string[];
  sets: Map<string, SetInfo>;
  icd?: IcdList;
  /** Table references, in file order. */
  tables: LoadedRef[];
  /** Rule definitions (rules, select tables, override bodies), in file order. */
  defs: RuleDef[];
  program?: Program;
  /** The table's rules and each layer's indexes (stage `index`). */
  indexed?: { rules: TRule[]; layers: Map<string, { rules: number[]; index: LayerIndex }> };
  table?: DecisionTable;
}

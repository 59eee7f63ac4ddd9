/**
 * What the checks share: the compiled table (what the runtime evaluates, and what witnesses are
 * verified on), the resolved program (spans to point at), and per layer the rules and table
 * edits in force, indexed so that no check loops over the 432,772 PTP rows pairwise.
 */
import { createHash } from "node:crypto";
import type { SourceFile, Span } from "../../grammar/source.ts";
import { dayNumber } from "../../runtime/dates.ts";
import { loadTable, type LoadedTable } from "../../runtime/index.ts";
import type { DecisionTable, TRule } from "../../runtime/table.ts";
import type { AocRow, MueRow, PtpRow } from "../data.ts";
import type { Program, ProgramAoc, ProgramMue, ProgramPtp, ProgramRule } from "../context.ts";
import { normalizeIcd } from "../codes.ts";
import { DxRegistry } from "./dx.ts";
import { aocAt, mueAt, ptpAt, ruleAny, ruleAt, SetForms, type AocRows, type PtpRows } from "./fires.ts";
import { FALSE, exists, type Formula } from "./formula.ts";
import { CodePicker } from "./ranks.ts";
import type { SolveResult, SolverEnv } from "./solver.ts";
import { dxSetsOfRule } from "./walk.ts";

/** A rule in force in a layer. */
export interface RuleInfo {
  id: string;
  /** The table's form (what the runtime runs). */
  t: TRule;
  program: ProgramRule;
  /** The rule's text (the `when` or `select`, or the override that replaced it). */
  span: Span;
  /** The layer whose file defines this version of the rule. */
  definedIn: string;
}

/** A PTP table of the program, its rows grouped by pair (built once per table). */
export interface PtpSource {
  idPrefix: string;
  layer: string;
  file: string;
  ref: ProgramPtp;
  /** column 1 → column 2 → rows. */
  pairs: Map<string, Map<string, PtpRow[]>>;
  /** column 2 → the column-1 codes it is paired with. */
  byCol2: Map<string, string[]>;
}

/** An MUE table of the program: code → its (first) row. */
export interface MueSource {
  idPrefix: string;
  layer: string;
  file: string;
  ref: ProgramMue;
  limits: Map<string, MueRow>;
}

/** An add-on table of the program: add-on code → its rows. */
export interface AocSource {
  idPrefix: string;
  layer: string;
  file: string;
  ref: ProgramAoc;
  addons: Map<string, AocRow[]>;
}

/** A table edit of a layer: one PTP pair, one MUE code or one add-on code of one table. */
export type Edit =
  | { kind: "ptp"; id: string; a: string; b: string; rows: PtpRows; src: PtpSource }
  | { kind: "mue"; id: string; code: string; limit: number; mai: 1 | 2 | 3; src: MueSource }
  | { kind: "aoc"; id: string; addon: string; rows: AocRows; src: AocSource };

function ptpRows(rows: readonly PtpRow[]): PtpRows {
  return rows.map((r) => [r.effective, r.deletion, r.modifier] as const);
}

function aocRows(rows: readonly AocRow[]): AocRows {
  return rows.map((r) => [r.type, r.primary, r.primaryDeletion, r.effective, r.deletion] as const);
}

/** The analysis's view of one layer. */
export class LayerModel {
  readonly rules: RuleInfo[] = [];
  readonly ruleById = new Map<string, RuleInfo>();
  readonly ptp: PtpSource[];
  readonly mue: MueSource[];
  readonly aoc: AocSource[];
  private readonly disabledIds = new Set<string>();
  private readonly disabledPrefixes: string[] = [];

  constructor(
    readonly name: string,
    readonly isDefault: boolean,
    readonly an: Analysis,
  ) {
    const layer = an.table.layers[name]!;
    const pl = an.program.layers.get(name)!;
    const byId = new Map(pl.rules.map((r) => [r.id, r]));
    for (const i of layer.rules) {
      const t = an.table.rules[i]!;
      const program = byId.get(t.id);
      if (!program) continue;
      const info: RuleInfo = { id: t.id, t, program, span: program.node.span, definedIn: program.layer };
      this.rules.push(info);
      this.ruleById.set(t.id, info);
    }
    for (const d of pl.disabled) {
      if (d.endsWith(".*")) this.disabledPrefixes.push(d.slice(0, -1));
      else this.disabledIds.add(d);
    }
    this.ptp = pl.ptp.map((t) => an.ptpSource(t));
    this.mue = pl.mue.map((t) => an.mueSource(t));
    this.aoc = pl.aoc.map((t) => an.aocSource(t));
  }

  /** Whether a table-edit id is disabled here. */
  disabled(id: string): boolean {
    return this.disabledIds.has(id) || this.disabledPrefixes.some((p) => id.startsWith(p));
  }

  private readonly denyingCache = new Map<string, Edit[]>();
  private readonly involvingCache = new Map<string, Edit[]>();
  private readonly byIdCache = new Map<string, Edit | undefined>();

  /** The PTP edits (pairs) that can deny a line of `code` (it is column 2). */
  ptpDenying(code: string): Edit[] {
    let hit = this.denyingCache.get(code);
    if (!hit) this.denyingCache.set(code, (hit = this.computeDenying(code)));
    return hit;
  }

  /** The PTP edits that deny a line of `code` whatever its modifiers (a row with indicator 0). */
  ptpForbidding(code: string): Edit[] {
    let hit = this.forbiddingCache.get(code);
    if (!hit) this.forbiddingCache.set(code, (hit = this.computeDenying(code, true)));
    return hit;
  }

  private readonly forbiddingCache = new Map<string, Edit[]>();

  private computeDenying(code: string, ind0 = false): Edit[] {
    const out: Edit[] = [];
    for (const p of this.ptp) {
      for (const a of p.byCol2.get(code) ?? []) {
        if (a === code) continue;
        if (ind0 && !p.pairs.get(a)!.get(code)!.some((r) => r.modifier === 0)) continue;
        const id = `${p.idPrefix}.${a}.${code}`;
        if (!this.disabled(id)) out.push({ kind: "ptp", id, a, b: code, rows: ptpRows(p.pairs.get(a)!.get(code)!), src: p });
      }
    }
    return out;
  }

  /** Every PTP edit (pair) that involves `code` as column 1 or 2. */
  ptpInvolving(code: string): Edit[] {
    let hit = this.involvingCache.get(code);
    if (!hit) this.involvingCache.set(code, (hit = this.computeInvolving(code)));
    return hit;
  }

  private computeInvolving(code: string): Edit[] {
    const out = [...this.ptpDenying(code)];
    for (const p of this.ptp) {
      for (const [b, rows] of p.pairs.get(code) ?? []) {
        if (b === code) continue;
        const id = `${p.idPrefix}.${code}.${b}`;
        if (!this.disabled(id)) out.push({ kind: "ptp", id, a: code, b, rows: ptpRows(rows), src: p });
      }
    }
    return out;
  }

  mueOf(code: string): Edit[] {
    const out: Edit[] = [];
    for (const m of this.mue) {
      const row = m.limits.get(code);
      const id = `${m.idPrefix}.${code}`;
      if (row && !this.disabled(id)) out.push({ kind: "mue", id, code, limit: row.mue, mai: row.mai, src: m });
    }
    return out;
  }

  aocOf(addon: string): Edit[] {
    const out: Edit[] = [];
    for (const a of this.aoc) {
      const rows = a.addons.get(addon);
      const id = `${a.idPrefix}.${addon}`;
      if (rows && !this.disabled(id)) out.push({ kind: "aoc", id, addon, rows: aocRows(rows), src: a });
    }
    return out;
  }

  /** The edit a finding id names, if it is a table edit of this layer. */
  editById(id: string): Edit | undefined {
    if (this.byIdCache.has(id)) return this.byIdCache.get(id);
    const e = this.computeEditById(id);
    this.byIdCache.set(id, e);
    return e;
  }

  private computeEditById(id: string): Edit | undefined {
    for (const p of this.ptp) {
      const head = `${p.idPrefix}.`;
      if (!id.startsWith(head)) continue;
      const [a, b, more] = id.slice(head.length).split(".");
      const rows = a !== undefined && b !== undefined && more === undefined ? p.pairs.get(a)?.get(b) : undefined;
      if (rows && a !== b && !this.disabled(id)) return { kind: "ptp", id, a: a!, b: b!, rows: ptpRows(rows), src: p };
    }
    for (const m of this.mue) {
      const head = `${m.idPrefix}.`;
      if (id.startsWith(head)) {
        const e = this.mueOf(id.slice(head.length)).find((x) => x.id === id);
        if (e) return e;
      }
    }
    for (const a of this.aoc) {
      const head = `${a.idPrefix}.`;
      if (id.startsWith(head)) {
        const e = this.aocOf(id.slice(head.length)).find((x) => x.id === id);
        if (e) return e;
      }
    }
    return undefined;
  }

  /** An edit's error findings on line `l`. */
  editAt(e: Edit, l: string, ind0Only = false): Formula {
    switch (e.kind) {
      case "ptp":
        return ptpAt(e.a, e.b, e.rows, l, ind0Only);
      case "mue":
        return mueAt(e.code, e.limit, e.mai, l);
      case "aoc":
        return aocAt(e.addon, e.rows, l);
      default: {
        const never: never = e;
        return never;
      }
    }
  }

  /** Rule or edit `id` gives an error finding (any line). */
  errorAny(id: string): Formula {
    const r = this.ruleById.get(id);
    if (r) return r.t.severity === "error" ? ruleAny(r.t, this.an.forms) : FALSE;
    const e = this.editById(id);
    return e ? exists((v) => this.editAt(e, v)) : FALSE;
  }

  /** Rule or edit `id` gives an error finding on line `l`. */
  errorAt(id: string, l: string): Formula {
    const r = this.ruleById.get(id);
    if (r) return r.t.severity === "error" ? ruleAt(r.t, l, this.an.forms) : FALSE;
    const e = this.editById(id);
    return e ? this.editAt(e, l) : FALSE;
  }

  /** The solver's settings for this layer. */
  solverEnv(steps = this.an.steps): SolverEnv {
    return {
      dx: this.an.dx,
      codes: this.an.codes,
      payer: { layer: this.name, isDefault: this.isDefault, layers: Object.keys(this.an.table.layers) },
      anchorDay: this.an.anchorDay,
      evalEnv: { dxSets: this.an.dx, defaultPayer: this.an.table.defaultLayer },
      maxLines: 16,
      maxCountLines: 12,
      steps,
    };
  }

  /** The span to point at for a rule or an edit. */
  spanOf(id: string): Span | undefined {
    const r = this.ruleById.get(id);
    if (r) return r.span;
    return this.editById(id)?.src.ref.ref.span;
  }
}

/** Options of the analysis. */
export interface AnalysisOptions {
  /** Step budget of one solver question (default 4000). */
  steps?: number;
  /** The preferred date of service of witness claims (default 2026-01-15). */
  anchorDate?: string;
}

/** Everything the checks of one run share. */
export class Analysis {
  readonly loaded: LoadedTable;
  readonly dx: DxRegistry;
  readonly forms: SetForms;
  readonly codes: CodePicker;
  readonly layers: LayerModel[] = [];
  readonly steps: number;
  readonly anchorDay: number;
  /** Every procedure code a loaded CMS table names (PTP, MUE, add-on and primary codes). */
  readonly tableCodes = new Set<string>();
  /** Questions the solver could not decide (budget), for the summary. */
  undecided = 0;
  questions = 0;
  /** What is being asked now (set by the checks), and what was left undecided. */
  context = "";
  readonly undecidedAbout: string[] = [];
  /** Solver answers by question (report.ts \`ask\`). */
  readonly answers = new Map<string, SolveResult>();

  constructor(
    readonly program: Program,
    readonly table: DecisionTable,
    readonly sources: ReadonlyMap<string, SourceFile>,
    opts: AnalysisOptions = {},
  ) {
    // Node's digest is much faster than the runtime's portable one for the content-hash check.
    const loaded = loadTable(table, { createHash: () => createHash("sha256") });
    if (!loaded.ok) throw new Error(`INVARIANT: a compiled table loads: ${loaded.errors.map((e) => e.message).join("; ")}`);
    this.loaded = loaded.table;
    this.steps = opts.steps ?? 4000;
    this.anchorDay = dayNumber(opts.anchorDate ?? "2026-01-15")!;
    for (const l of program.layers.values()) {
      for (const t of l.ptp) for (const r of t.rows) this.tableCodes.add(r.column1).add(r.column2);
      for (const t of l.mue) for (const r of t.rows) this.tableCodes.add(r.code);
      for (const t of l.aoc) for (const r of t.rows) {
        this.tableCodes.add(r.addon);
        if (r.primary !== "CCCCC") this.tableCodes.add(r.primary);
      }
    }
    // Codes and diagnoses the rules' own tests use make the most readable witnesses.
    const testCodes: string[] = [];
    const testDx: string[] = [];
    for (const t of program.tests) {
      for (const l of t.block.lines) testCodes.push(l.code.text);
      for (const d of t.block.claim?.diagnoses ?? []) testDx.push(normalizeIcd(d.text));
    }
    // Most used first: witness diagnoses then look like the tests' own claims.
    const freq = new Map<string, number>();
    for (const d of testDx) freq.set(d, (freq.get(d) ?? 0) + 1);
    this.dx = new DxRegistry(program.icd10, [...freq.keys()].sort((a, b) => freq.get(b)! - freq.get(a)! || (a < b ? -1 : 1)));
    this.forms = new SetForms(this.dx);
    // Register every dx set of every rule before the masks are built (dx.ts).
    for (const r of table.rules) for (const d of dxSetsOfRule(r)) this.dx.id(d);
    this.codes = new CodePicker(testCodes, this.tableCodes);
    const names = Object.keys(table.layers);
    for (const n of names) if (program.layers.has(n)) this.layers.push(new LayerModel(n, n === table.defaultLayer, this));
  }

  private readonly ptpCache = new Map<ProgramPtp, PtpSource>();
  private readonly mueCache = new Map<ProgramMue, MueSource>();
  private readonly aocCache = new Map<ProgramAoc, AocSource>();

  /** A PTP table's rows grouped by pair (once per table: layers share their base's tables). */
  ptpSource(t: ProgramPtp): PtpSource {
    let s = this.ptpCache.get(t);
    if (s) return s;
    const pairs = new Map<string, Map<string, PtpRow[]>>();
    const byCol2 = new Map<string, string[]>();
    for (const r of t.rows) {
      let row = pairs.get(r.column1);
      if (!row) pairs.set(r.column1, (row = new Map()));
      const rows = row.get(r.column2);
      if (rows) rows.push(r);
      else {
        row.set(r.column2, [r]);
        const back = byCol2.get(r.column2);
        if (back) back.push(r.column1);
        else byCol2.set(r.column2, [r.column1]);
      }
    }
    s = { idPrefix: t.idPrefix, layer: t.layer, file: t.file, ref: t, pairs, byCol2 };
    this.ptpCache.set(t, s);
    return s;
  }

  mueSource(t: ProgramMue): MueSource {
    let s = this.mueCache.get(t);
    if (!s) {
      const limits = new Map<string, MueRow>();
      for (const r of t.rows) if (!limits.has(r.code)) limits.set(r.code, r);
      this.mueCache.set(t, (s = { idPrefix: t.idPrefix, layer: t.layer, file: t.file, ref: t, limits }));
    }
    return s;
  }

  aocSource(t: ProgramAoc): AocSource {
    let s = this.aocCache.get(t);
    if (!s) {
      const addons = new Map<string, AocRow[]>();
      for (const r of t.rows) (addons.get(r.addon) ?? addons.set(r.addon, []).get(r.addon)!).push(r);
      this.aocCache.set(t, (s = { idPrefix: t.idPrefix, layer: t.layer, file: t.file, ref: t, addons }));
    }
    return s;
  }

  layer(name: string): LayerModel | undefined {
    return this.layers.find((l) => l.name === name);
  }
}

/**
 * The analysis's logic: formulas about one date-of-service group of a claim.
 *
 * A formula talks about claim facts (date, payer, sex, place of service, age, the claim's
 * diagnoses) and about lines. Lines are named: `t`, `e1` are lines a question names (the line
 * a rule flags, the line a fix adds); `?v3` is a variable bound by `exists` / `forall`, which
 * range over every line of the group that the quantifier's *view* does not hide. Views let one
 * model describe two claims that share most lines: the claim before a fix (hiding the added
 * line) and the claim after it (hiding the original line).
 *
 * The table's conditions (`TCond`) translate into this form (compiler/analyze/fires.ts); the
 * solver (solver.ts) decides satisfiability and builds models; `evaluate` checks a formula on a
 * model, with the runtime's semantics (docs/semantics.md).
 */
import type { Op } from "../../runtime/table.ts";
import type { RankSet } from "./ranks.ts";
import { containsCode, isEmpty, union } from "./ranks.ts";
import type { DxRegistry } from "./dx.ts";
import { compare } from "../ops.ts";

/** Which lines a quantifier or count does not see. */
export interface View {
  readonly hide: readonly string[];
  /** Lines whose code is in this set are not seen either (the lines a `replace` fix removes)… */
  readonly hideCodes?: RankSet;
  /** …except these (the line the fix adds). */
  readonly keep?: readonly string[];
}

export const ALL_LINES: View = { hide: [] };

export type NumericFact = "lesionCount" | "excisedDiameterCm" | "repairLengthCm";

export type Formula =
  | { readonly k: "true" }
  | { readonly k: "false" }
  | { readonly k: "and"; readonly args: readonly Formula[] }
  | { readonly k: "or"; readonly args: readonly Formula[] }
  | { readonly k: "not"; readonly arg: Formula }
  /**
   * `noNew`: the witness must be a line the rest of the question already put in the model.
   * `last`: split only when nothing else that may add lines is left (so it adds a line only
   * when no other part of the question brings one).
   */
  | { readonly k: "exists"; readonly v: string; readonly view: View; readonly body: Formula; readonly noNew?: boolean; readonly last?: boolean }
  | { readonly k: "forall"; readonly v: string; readonly view: View; readonly body: Formula; readonly noNew?: boolean }
  /** Total units of the seen lines whose code is in `set`. */
  | { readonly k: "count"; readonly set: RankSet; readonly op: Op; readonly n: number; readonly view: View; readonly noNew?: boolean }
  /** Some claim diagnosis is in dx set `set` (an id of the DxRegistry). */
  | { readonly k: "cdx"; readonly set: number }
  | { readonly k: "dos"; readonly op: Op; readonly day: number }
  | { readonly k: "payer"; readonly values: readonly string[] }
  | { readonly k: "sex"; readonly values: readonly string[] }
  | { readonly k: "pos"; readonly values: readonly string[] }
  | { readonly k: "age"; readonly op: Op; readonly n: number }
  /** Line atoms: `l` is a line name or a bound variable. */
  | { readonly k: "code"; readonly l: string; readonly set: RankSet }
  | { readonly k: "units"; readonly l: string; readonly op: Op; readonly n: number }
  | { readonly k: "mod"; readonly l: string; readonly set: readonly string[] }
  | { readonly k: "ldx"; readonly l: string; readonly set: number }
  | { readonly k: "fact"; readonly l: string; readonly name: NumericFact; readonly op: Op; readonly n: number }
  | { readonly k: "site"; readonly l: string; readonly values: readonly string[] };

export type Atom = Extract<Formula, { k: "count" | "cdx" | "dos" | "payer" | "sex" | "pos" | "age" | "code" | "units" | "mod" | "ldx" | "fact" | "site" }>;
export type LineAtom = Extract<Formula, { l: string }>;

export const TRUE: Formula = { k: "true" };
export const FALSE: Formula = { k: "false" };

// ------------------------------------------------------------------------------ builders

/** Conjunction, flattened, with `true` dropped and `false` absorbing. */
export function and(...args: Formula[]): Formula {
  const out: Formula[] = [];
  for (const a of args) {
    if (a.k === "true") continue;
    if (a.k === "false") return FALSE;
    if (a.k === "and") out.push(...a.args);
    else out.push(a);
  }
  return out.length === 0 ? TRUE : out.length === 1 ? out[0]! : { k: "and", args: out };
}

/** Disjunction, flattened, with `false` dropped and `true` absorbing. */
export function or(...args: Formula[]): Formula {
  const out: Formula[] = [];
  for (const a of args) {
    if (a.k === "false") continue;
    if (a.k === "true") return TRUE;
    if (a.k === "or") out.push(...a.args);
    else out.push(a);
  }
  return out.length === 0 ? FALSE : out.length === 1 ? out[0]! : { k: "or", args: out };
}

export function not(a: Formula): Formula {
  if (a.k === "true") return FALSE;
  if (a.k === "false") return TRUE;
  if (a.k === "not") return a.arg;
  return { k: "not", arg: a };
}

let fresh = 0;

/** A fresh bound-variable name. */
export function freshVar(): string {
  return `?v${++fresh}`;
}

/** ∃ line (seen by `view`) with `body(line)`. */
export function exists(body: (v: string) => Formula, view: View = ALL_LINES): Formula {
  const v = freshVar();
  const b = body(v);
  return b.k === "false" ? FALSE : { k: "exists", v, view, body: b };
}

/** ∀ lines (seen by `view`): `body(line)`. */
export function forall(body: (v: string) => Formula, view: View = ALL_LINES): Formula {
  const v = freshVar();
  const b = body(v);
  return b.k === "true" ? TRUE : { k: "forall", v, view, body: b };
}

/** Some line (seen by `view`) has a code in `set`. */
export function hasCode(set: RankSet, view: View = ALL_LINES): Formula {
  if (isEmpty(set)) return FALSE;
  return exists((v) => ({ k: "code", l: v, set }), view);
}

export function code(l: string, set: RankSet): Formula {
  return isEmpty(set) ? FALSE : { k: "code", l, set };
}

/** `x op n` as the opposite comparison (for atoms whose value is always present). */
export function negateOp(op: Op): Op {
  switch (op) {
    case ">":
      return "<=";
    case ">=":
      return "<";
    case "<":
      return ">=";
    case "<=":
      return ">";
    case "=":
      return "!=";
    case "!=":
      return "=";
    default: {
      const never: never = op;
      return never;
    }
  }
}

// ------------------------------------------------------------------------------ transforms

/** Merges two views: lines hidden by either are hidden. */
export function mergeViews(a: View, b: View): View {
  const hide = [...new Set([...a.hide, ...b.hide])];
  const hc = a.hideCodes && b.hideCodes ? union(a.hideCodes, b.hideCodes) : (a.hideCodes ?? b.hideCodes);
  if (!hc || isEmpty(hc)) return { hide };
  const keep = [...new Set([...(a.keep ?? []), ...(b.keep ?? [])])];
  return keep.length > 0 ? { hide, hideCodes: hc, keep } : { hide, hideCodes: hc };
}

/** Whether a view hides a line by its code (not by name). */
export function hidesByCode(view: View, name: string, codeValue: string): boolean {
  return view.hideCodes !== undefined && containsCode(view.hideCodes, codeValue) && !(view.keep ?? []).includes(name);
}

/**
 * The formula rebuilt through `and`, `or` and `not`, with `at` applied to every other node: a
 * quantifier's body is rewritten first (so `at` sees the new body), everything else is handed
 * over as it is. The walk behind `inView`, `noNewLines` and `substitute`.
 */
function mapFormula(f: Formula, at: (g: Formula) => Formula): Formula {
  switch (f.k) {
    case "and":
      return { k: "and", args: f.args.map((a) => mapFormula(a, at)) };
    case "or":
      return { k: "or", args: f.args.map((a) => mapFormula(a, at)) };
    case "not":
      return { k: "not", arg: mapFormula(f.arg, at) };
    case "exists":
    case "forall":
      return at({ ...f, body: mapFormula(f.body, at) });
    default:
      return at(f);
  }
}

/** The formula read in a view: every quantifier and count also skips what `view` hides. */
export function inView(f: Formula, view: View): Formula {
  if (view.hide.length === 0 && !view.hideCodes) return f;
  return mapFormula(f, (g) => (g.k === "exists" || g.k === "forall" || g.k === "count" ? { ...g, view: mergeViews(g.view, view) } : g));
}

/**
 * The formula with every quantifier marked `noNew`: its existential witnesses must be lines that
 * other parts of the question need (used for "the lines of this claim are those the rule needs").
 */
export function noNewLines(f: Formula): Formula {
  return mapFormula(f, (g) => (g.k === "exists" || g.k === "forall" || g.k === "count" ? { ...g, noNew: true } : g));
}

/** Replaces a line name (a bound variable) by another, in atoms and views. */
export function substitute(f: Formula, from: string, to: string): Formula {
  const sv = (v: View): View => (v.hide.includes(from) || v.keep?.includes(from) ? { ...v, hide: v.hide.map((h) => (h === from ? to : h)), ...(v.keep && { keep: v.keep.map((h) => (h === from ? to : h)) }) } : v);
  return mapFormula(f, (g) => {
    switch (g.k) {
      case "exists":
      case "forall":
      case "count":
        return { ...g, view: sv(g.view) };
      case "code":
      case "units":
      case "mod":
      case "ldx":
      case "fact":
      case "site":
        return g.l === from ? { ...g, l: to } : g;
      default:
        return g;
    }
  });
}

/**
 * Negation normal form: `not` only on atoms. Quantifiers swap under `not`; comparisons on
 * values every claim has (date, units, counts) flip their operator; absent-able values (age,
 * sex, facts, …) keep their `not`, since `not age < 12` also holds without a birth date.
 */
export function nnf(f: Formula, negated = false): Formula {
  switch (f.k) {
    case "true":
      return negated ? FALSE : TRUE;
    case "false":
      return negated ? TRUE : FALSE;
    case "and":
      return negated ? or(...f.args.map((a) => nnf(a, true))) : and(...f.args.map((a) => nnf(a, false)));
    case "or":
      return negated ? and(...f.args.map((a) => nnf(a, true))) : or(...f.args.map((a) => nnf(a, false)));
    case "not":
      return nnf(f.arg, !negated);
    case "exists":
      return negated ? { k: "forall", v: f.v, view: f.view, body: nnf(f.body, true), ...(f.noNew && { noNew: true }) } : { ...f, body: nnf(f.body, false) };
    case "forall":
      return negated ? { k: "exists", v: f.v, view: f.view, body: nnf(f.body, true), ...(f.noNew && { noNew: true }) } : { ...f, body: nnf(f.body, false) };
    case "count":
    case "dos":
    case "units":
      return negated ? { ...f, op: negateOp(f.op) } : f;
    case "cdx":
    case "payer":
    case "sex":
    case "pos":
    case "age":
    case "code":
    case "mod":
    case "ldx":
    case "fact":
    case "site":
      return negated ? { k: "not", arg: f } : f;
    default: {
      const never: never = f;
      return never;
    }
  }
}

// ------------------------------------------------------------------------------ models

/** One line of a model (a concrete claim line, with its name). */
export interface ModelLine {
  name: string;
  code: string;
  units: number;
  mods: string[];
  /** Indexes into `Model.dx`, or "all" for a line without pointers (it relates to every diagnosis). */
  dx: number[] | "all";
  facts: { lesionCount?: number; excisedDiameterCm?: number; repairLengthCm?: number; site?: string };
}

/** A concrete date-of-service group: what the solver returns and formulas are evaluated on. */
export interface Model {
  day: number;
  /** The claim's payer; undefined = none given (the default layer's name is compared). */
  payer?: string;
  sex?: string;
  pos?: string;
  birthDay?: number;
  age?: number;
  /** Normalized diagnoses. */
  dx: string[];
  lines: ModelLine[];
}

/** What evaluation needs besides the model. */
export interface EvalEnv {
  dxSets: DxRegistry;
  /** The name `payer` atoms compare when the claim has no payer. */
  defaultPayer: string;
}

function seen(view: View, l: ModelLine): boolean {
  return !view.hide.includes(l.name) && !hidesByCode(view, l.name, l.code);
}

function lineDx(m: Model, l: ModelLine): string[] {
  return l.dx === "all" ? m.dx : l.dx.map((i) => m.dx[i]!);
}

/** Evaluates a formula on a model, with bound variables looked up in `bind`. */
export function evaluate(f: Formula, m: Model, env: EvalEnv, bind: Map<string, ModelLine> = new Map()): boolean {
  const line = (name: string): ModelLine | undefined => bind.get(name) ?? m.lines.find((l) => l.name === name);
  switch (f.k) {
    case "true":
      return true;
    case "false":
      return false;
    case "and":
      return f.args.every((a) => evaluate(a, m, env, bind));
    case "or":
      return f.args.some((a) => evaluate(a, m, env, bind));
    case "not":
      return !evaluate(f.arg, m, env, bind);
    case "exists":
    case "forall": {
      const hidden = new Set(f.view.hide.map((h) => line(h)?.name ?? h));
      const view: View = { ...f.view, hide: [...hidden] };
      const test = (l: ModelLine): boolean => {
        const b = new Map(bind);
        b.set(f.v, l);
        return evaluate(f.body, m, env, b);
      };
      const ls = m.lines.filter((l) => seen(view, l));
      return f.k === "exists" ? ls.some(test) : ls.every(test);
    }
    case "count": {
      const view: View = { ...f.view, hide: f.view.hide.map((h) => line(h)?.name ?? h) };
      let total = 0;
      for (const l of m.lines) if (seen(view, l) && containsCode(f.set, l.code)) total += l.units;
      return compare(total, f.op, f.n);
    }
    case "cdx":
      return m.dx.some((d) => env.dxSets.has(f.set, d));
    case "dos":
      return compare(m.day, f.op, f.day);
    case "payer":
      return f.values.includes(m.payer ?? env.defaultPayer);
    case "sex":
      return m.sex !== undefined && f.values.includes(m.sex);
    case "pos":
      return m.pos !== undefined && f.values.includes(m.pos);
    case "age":
      return m.age !== undefined && compare(m.age, f.op, f.n);
    case "code": {
      const l = line(f.l);
      return l !== undefined && containsCode(f.set, l.code);
    }
    case "units": {
      const l = line(f.l);
      return l !== undefined && compare(l.units, f.op, f.n);
    }
    case "mod": {
      const l = line(f.l);
      return l !== undefined && l.mods.some((x) => f.set.includes(x));
    }
    case "ldx": {
      const l = line(f.l);
      return l !== undefined && lineDx(m, l).some((d) => env.dxSets.has(f.set, d));
    }
    case "fact": {
      const v = line(f.l)?.facts[f.name];
      return v !== undefined && compare(v, f.op, f.n);
    }
    case "site": {
      const s = line(f.l)?.facts.site;
      return s !== undefined && f.values.includes(s.toLowerCase());
    }
    default: {
      const never: never = f;
      return never;
    }
  }
}

/**
 * A text key of a formula, equal for formulas that differ only in the names of their bound
 * variables (which the builders number globally), and whether it mentions the payer.
 */
export function canonicalKey(f: Formula): { key: string; payer: boolean } {
  const names = new Map<string, string>();
  let payer = false;
  const name = (v: string): string => (v.startsWith("?") ? (names.get(v) ?? v) : v);
  const view = (v: View): string => `[${v.hide.map(name).join(",")}${v.hideCodes ? `|${v.hideCodes.map(([a, b]) => `${a}-${b}`).join(",")}|${(v.keep ?? []).join(",")}` : ""}]`;
  const set = (s: RankSet): string => s.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(",");
  const go = (g: Formula): string => {
    switch (g.k) {
      case "true":
      case "false":
        return g.k;
      case "and":
      case "or":
        return `${g.k}(${g.args.map(go).join(";")})`;
      case "not":
        return `!${go(g.arg)}`;
      case "exists":
      case "forall": {
        names.set(g.v, `#${names.size}`);
        return `${g.k === "exists" ? "E" : "A"}${g.noNew ? "!" : ""}${g.k === "exists" && g.last ? "~" : ""}${names.get(g.v)}${view(g.view)}(${go(g.body)})`;
      }
      case "count":
        return `count(${set(g.set)}${g.op}${g.n}${view(g.view)}${g.noNew ? "!" : ""})`;
      case "cdx":
        return `cdx(${g.set})`;
      case "dos":
        return `dos${g.op}${g.day}`;
      case "payer":
        payer = true;
        return `payer(${g.values.join(",")})`;
      case "sex":
      case "pos":
        return `${g.k}(${g.values.join(",")})`;
      case "age":
        return `age${g.op}${g.n}`;
      case "code":
        return `code(${name(g.l)},${set(g.set)})`;
      case "units":
        return `units(${name(g.l)})${g.op}${g.n}`;
      case "mod":
        return `mod(${name(g.l)},${g.set.join(",")})`;
      case "ldx":
        return `ldx(${name(g.l)},${g.set})`;
      case "fact":
        return `${g.name}(${name(g.l)})${g.op}${g.n}`;
      case "site":
        return `site(${name(g.l)},${g.values.join(",")})`;
      default: {
        const never: never = g;
        return never;
      }
    }
  };
  const key = go(f);
  return { key, payer };
}

/** Some line (seen by `view`), added only when the rest of the question brings none. */
export function someLine(view: View = ALL_LINES): Formula {
  return { k: "exists", v: freshVar(), view, body: TRUE, last: true };
}

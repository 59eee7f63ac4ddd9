/**
 * When does a rule or a table edit give a finding on a line? The semantics of
 * docs/semantics.md written as formulas (formula.ts), one per rule and action kind.
 *
 * - `cond(c, cur)`: a table condition, read with `cur` as the current line (line scope).
 * - `subject(l, c)`: line `l` is a subject line of a claim-scope condition that holds (the
 *   lines of the `has`/`count` atoms that hold, outside `not`, from the branches that hold).
 * - `ruleAt(r, l)`: rule `r` gives a finding whose lines include `l`; `ruleClaimWide(r)`: it gives
 *   one with no lines; `ruleAny(r)`: it gives some finding.
 * - `ptpAt`, `mueAt`, `aocAt`: the error findings of the NCCI edits on line `l`.
 *
 * Exact, with one exception that is said where it matters: an add-on that falls because its
 * primary is denied (a finding about other findings) is not a formula; `aocAt` leaves it out.
 */
import type { CodeRanges, DxSet, TCond, TRule } from "../../runtime/table.ts";
import { EM_MODIFIERS, NCCI_PTP_MODIFIERS, isEmCode } from "../../runtime/findings.ts";
import type { DxRegistry } from "./dx.ts";
import { FALSE, TRUE, and, exists, hasCode, not, or, type Formula, type View, ALL_LINES } from "./formula.ts";
import { fromRanges, single, type RankSet } from "./ranks.ts";

/** Converts table sets to the analysis's forms (memoized). */
export class SetForms {
  private readonly ranks = new Map<string, RankSet>();
  constructor(readonly dx: DxRegistry) {}

  codes(r: CodeRanges): RankSet {
    const key = JSON.stringify(r);
    let s = this.ranks.get(key);
    if (!s) this.ranks.set(key, (s = fromRanges(r)));
    return s;
  }

  dxId(d: DxSet): number {
    return this.dx.id(d);
  }
}

/** A table condition as a formula; `cur` is the current line (line scope, select cases). */
export function cond(c: TCond, f: SetForms, cur?: string): Formula {
  switch (c.k) {
    case "true":
      return TRUE;
    case "and":
      return and(...c.args.map((a) => cond(a, f, cur)));
    case "or":
      return or(...c.args.map((a) => cond(a, f, cur)));
    case "not":
      return not(cond(c.arg, f, cur));
    case "has":
      return exists((v) => hasLine(c, f, v));
    case "count":
      return { k: "count", set: f.codes(c.set), op: c.op, n: c.n, view: ALL_LINES };
    case "dx":
      if (c.scope === "claim") return { k: "cdx", set: f.dxId(c.set) };
      return cur === undefined ? FALSE : { k: "ldx", l: cur, set: f.dxId(c.set) };
    case "mod":
      return cur === undefined ? FALSE : { k: "mod", l: cur, set: c.set };
    case "units":
      return cur === undefined ? FALSE : { k: "units", l: cur, op: c.op, n: c.n };
    case "age":
      return { k: "age", op: c.op, n: c.n };
    case "sex":
      return { k: "sex", values: c.values };
    case "pos":
      return { k: "pos", values: c.values };
    case "payer":
      return { k: "payer", values: c.values };
    case "dos":
      return { k: "dos", op: c.op, day: c.day };
    case "fact":
      return cur === undefined ? FALSE : { k: "fact", l: cur, name: c.name, op: c.op, n: c.n };
    case "site":
      return cur === undefined ? FALSE : { k: "site", l: cur, values: c.values };
    default: {
      const never: never = c;
      return never;
    }
  }
}

/** Line `l` meets a `has` atom: its code is in the set and every qualifier holds. */
function hasLine(c: Extract<TCond, { k: "has" }>, f: SetForms, l: string): Formula {
  const parts: Formula[] = [{ k: "code", l, set: f.codes(c.set) }];
  if (c.units) parts.push({ k: "units", l, op: c.units[0], n: c.units[1] });
  if (c.mod) parts.push({ k: "mod", l, set: c.mod });
  if (c.noMod) parts.push(not({ k: "mod", l, set: c.noMod }));
  if (c.dx) parts.push({ k: "ldx", l, set: f.dxId(c.dx) });
  if (c.noDx) parts.push(not({ k: "ldx", l, set: f.dxId(c.noDx) }));
  return and(...parts);
}

/** Line `l` is a subject line of claim-scope condition `c` (which holds). */
export function subject(l: string, c: TCond, f: SetForms): Formula {
  switch (c.k) {
    case "has":
      return hasLine(c, f, l);
    case "count":
      return and({ k: "code", l, set: f.codes(c.set) }, cond(c, f));
    case "and":
      return and(...c.args.map((a) => cond(a, f)), or(...c.args.map((a) => subject(l, a, f))));
    case "or":
      return or(...c.args.map((a) => and(cond(a, f), subject(l, a, f))));
    case "not":
    case "true":
    case "dx":
    case "mod":
    case "units":
    case "age":
    case "sex":
    case "pos":
    case "payer":
    case "dos":
    case "fact":
    case "site":
      return FALSE;
    default: {
      const never: never = c;
      return never;
    }
  }
}

/** The date of service is inside an inclusive window (null = open). */
export function inWindow(w: readonly [number | null, number | null]): Formula {
  const parts: Formula[] = [];
  if (w[0] !== null) parts.push({ k: "dos", op: ">=", day: w[0] });
  if (w[1] !== null) parts.push({ k: "dos", op: "<=", day: w[1] });
  return and(...parts);
}

function ruleSubject(r: TRule, f: SetForms): RankSet {
  return f.codes(r.subject ?? r.triggers);
}

/** Line-scope rules: the condition, evaluated at current line `c`, on a line of the subject. */
function atCurrent(r: TRule, f: SetForms, c: string): Formula {
  return and({ k: "code", l: c, set: ruleSubject(r, f) }, cond(r.when, f, c));
}

/**
 * The situation a rule reacts to: its window and its condition (claim scope), or some subject
 * line on which the condition holds (line scope). The rule's action may still find nothing.
 */
export function situation(r: TRule, f: SetForms): Formula {
  if (r.scope === "claim") return and(inWindow(r.effective), cond(r.when, f));
  return and(inWindow(r.effective), exists((c) => atCurrent(r, f, c)));
}

/** Rule `r` gives a finding whose lines include line `l`. */
export function ruleAt(r: TRule, l: string, f: SetForms): Formula {
  return and(inWindow(r.effective), r.scope === "claim" ? claimAt(r, l, f) : lineAt(r, l, f));
}

/** Rule `r` gives a finding with no lines (a claim-wide one). */
export function ruleClaimWide(r: TRule, f: SetForms): Formula {
  if (r.scope === "line") return FALSE;
  const c = cond(r.when, f);
  const noSubject = not(exists((v) => subject(v, r.when, f)));
  const a = r.action;
  switch (a.k) {
    case "require-codes":
      return and(inWindow(r.effective), c, not(hasCode(f.codes(a.set))), noSubject);
    case "require-dx":
      return and(inWindow(r.effective), c, noSubject, not({ k: "cdx", set: f.dxId(a.set) }));
    case "deny":
    case "flag":
      return and(inWindow(r.effective), c, noSubject);
    case "require-modifier":
    case "forbid-codes":
    case "forbid-modifier":
    case "limit":
    case "select":
      return FALSE;
    default: {
      const never: never = a;
      return never;
    }
  }
}

/** Rule `r` gives some finding. */
export function ruleAny(r: TRule, f: SetForms): Formula {
  return or(exists((v) => ruleAt(r, v, f)), ruleClaimWide(r, f));
}

function claimAt(r: TRule, l: string, f: SetForms): Formula {
  const c = cond(r.when, f);
  const subj = subject(l, r.when, f);
  const a = r.action;
  switch (a.k) {
    case "require-codes":
      return and(c, not(hasCode(f.codes(a.set))), subj);
    case "require-modifier":
      return and(c, a.on ? { k: "code", l, set: f.codes(a.on) } : subj, not({ k: "mod", l, set: a.set }));
    case "require-dx":
      return and(c, subj, not({ k: "ldx", l, set: f.dxId(a.set) }));
    case "forbid-codes":
      return and(c, { k: "code", l, set: f.codes(a.set) }, not(subj));
    case "forbid-modifier":
      return and(c, a.on ? { k: "code", l, set: f.codes(a.on) } : subj, { k: "mod", l, set: a.set });
    case "limit":
      return and(c, limitAt(a, l, f));
    case "deny":
    case "flag":
      return and(c, subj);
    case "select":
      // INVARIANT: the compiler lowers select tables with line scope.
      return FALSE;
    default: {
      const never: never = a;
      return never;
    }
  }
}

function limitAt(a: Extract<TRule["action"], { k: "limit" }>, l: string, f: SetForms): Formula {
  const set = f.codes(a.set);
  return a.per === "line"
    ? and({ k: "code", l, set }, { k: "units", l, op: ">", n: a.max })
    : and({ k: "code", l, set }, { k: "count", set, op: ">", n: a.max, view: ALL_LINES });
}

function lineAt(r: TRule, l: string, f: SetForms): Formula {
  const a = r.action;
  const someCurrent = (view: View = ALL_LINES): Formula => exists((c) => atCurrent(r, f, c), view);
  switch (a.k) {
    case "require-codes":
      return and(atCurrent(r, f, l), not(hasCode(f.codes(a.set))));
    case "require-modifier":
      return a.on
        ? and({ k: "code", l, set: f.codes(a.on) }, not({ k: "mod", l, set: a.set }), someCurrent())
        : and(atCurrent(r, f, l), not({ k: "mod", l, set: a.set }));
    case "require-dx":
      return and(atCurrent(r, f, l), not({ k: "ldx", l, set: f.dxId(a.set) }));
    case "forbid-codes":
      // The subject line is the current line: a line is forbidden when another line is current.
      return and({ k: "code", l, set: f.codes(a.set) }, someCurrent({ hide: [l] }));
    case "forbid-modifier":
      return a.on
        ? and({ k: "code", l, set: f.codes(a.on) }, { k: "mod", l, set: a.set }, someCurrent())
        : and(atCurrent(r, f, l), { k: "mod", l, set: a.set });
    case "limit":
      return and(limitAt(a, l, f), someCurrent());
    case "deny":
    case "flag":
      return atCurrent(r, f, l);
    case "select":
      return or(...a.cases.map((_, i) => selectCaseAt(r, i, l, f)));
    default: {
      const never: never = a;
      return never;
    }
  }
}

/** Select table `r`'s case `i` is the first that holds on line `l` and names another code. */
export function selectCaseAt(r: TRule, i: number, l: string, f: SetForms): Formula {
  const a = r.action;
  if (a.k !== "select") return FALSE;
  const c = a.cases[i]!;
  return and(
    inWindow(r.effective),
    { k: "code", l, set: ruleSubject(r, f) },
    ...a.cases.slice(0, i).map((p) => not(cond(p.when, f, l))),
    cond(c.when, f, l),
    not({ k: "code", l, set: single(c.code) }),
  );
}

/** Select table `r`'s case `i` is the first that holds on line `l` (whatever the line's code). */
export function selectCaseChosen(r: TRule, i: number, l: string, f: SetForms): Formula {
  const a = r.action;
  if (a.k !== "select") return FALSE;
  return and(
    inWindow(r.effective),
    { k: "code", l, set: ruleSubject(r, f) },
    ...a.cases.slice(0, i).map((p) => not(cond(p.when, f, l))),
    cond(a.cases[i]!.when, f, l),
  );
}

// ------------------------------------------------------------------------------ table edits

/** The rows of one PTP pair in one table: [effective|null, deletion|null, indicator]. */
export type PtpRows = readonly (readonly [number | null, number | null, 0 | 1 | 9])[];

/** The PTP edit of pair (a, b) denies line `l` (column 2). `ind0Only`: only what no modifier bypasses. */
export function ptpAt(a: string, b: string, rows: PtpRows, l: string, ind0Only = false): Formula {
  const A = single(a);
  const win = (ind: 0 | 1): Formula => or(...rows.filter((r) => r[2] === ind).map((r) => inWindow([r[0], r[1]])));
  const zero = and(win(0), hasCode(A));
  if (ind0Only) return and({ k: "code", l, set: single(b) }, zero);
  const em1 = isEmCode(a);
  const em2 = isEmCode(b);
  // Indicator 1: some column-1 line passes no test against l (docs/semantics.md, NCCI PTP).
  const denied = (v: string): Formula =>
    em1 || em2
      ? and(em1 ? not({ k: "mod", l: v, set: EM_MODIFIERS }) : TRUE, em2 ? not({ k: "mod", l, set: EM_MODIFIERS }) : TRUE)
      : and(not({ k: "mod", l: v, set: NCCI_PTP_MODIFIERS }), not({ k: "mod", l, set: NCCI_PTP_MODIFIERS }));
  const one = and(win(1), exists((v) => and({ k: "code", l: v, set: A }, denied(v))));
  return and({ k: "code", l, set: single(b) }, or(zero, one));
}

/** The MUE of `code` denies line `l`. */
export function mueAt(code: string, limit: number, mai: 1 | 2 | 3, l: string): Formula {
  const set = single(code);
  return mai === 1
    ? and({ k: "code", l, set }, { k: "units", l, op: ">", n: limit })
    : and({ k: "code", l, set }, { k: "count", set, op: ">", n: limit, view: ALL_LINES });
}

/** Add-on rows: [type, primary ("CCCCC" = none), primaryDeletion|null, effective|null, deletion|null]. */
export type AocRows = readonly (readonly [1 | 2 | 3, string, number | null, number | null, number | null])[];

/**
 * The add-on edit of `addon` gives line `l` an error for want of a primary (type 1). The error
 * an add-on gets when its primary is itself denied is not part of this formula.
 */
export function aocAt(addon: string, rows: AocRows, l: string): Formula {
  const type1 = or(...rows.filter((r) => r[0] === 1).map((r) => inWindow([r[3], r[4]])));
  const noPrimary = and(
    ...rows
      .filter((r) => r[1] !== "CCCCC" && r[1] !== addon)
      .map((r) => not(and(inWindow([r[3], r[4]]), r[2] !== null ? { k: "dos", op: "<=", day: r[2] } : TRUE, hasCode(single(r[1]))))),
  );
  return and({ k: "code", l, set: single(addon) }, type1, noPrimary);
}

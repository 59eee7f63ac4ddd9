/**
 * What a compiled rule mentions: its dx sets, code sets and modifiers, and the codes of the
 * lines it can flag. Used to register dx sets before the solver starts and to pick, cheaply,
 * which rules a question needs to look at.
 */
import type { CodeRanges, DxSet, TCond, TRule } from "../../runtime/table.ts";
import type { SetForms } from "./fires.ts";
import { ALL_CODES, union, type RankSet } from "./ranks.ts";

function walkCond(c: TCond, visit: (c: TCond) => void): void {
  visit(c);
  switch (c.k) {
    case "and":
    case "or":
      for (const a of c.args) walkCond(a, visit);
      break;
    case "not":
      walkCond(c.arg, visit);
      break;
    default:
      break;
  }
}

/** The conditions of a rule: its `when`, and its select cases. */
function conditionsOf(r: TRule): TCond[] {
  return r.action.k === "select" ? [r.when, ...r.action.cases.map((c) => c.when)] : [r.when];
}

/** Every dx set a rule mentions (conditions and action). */
export function dxSetsOfRule(r: TRule): DxSet[] {
  const out: DxSet[] = [];
  for (const c of conditionsOf(r)) {
    walkCond(c, (x) => {
      if (x.k === "dx") out.push(x.set);
      if (x.k === "has") {
        if (x.dx) out.push(x.dx);
        if (x.noDx) out.push(x.noDx);
      }
    });
  }
  if (r.action.k === "require-dx") out.push(r.action.set);
  return out;
}

/** Every code set a rule mentions (subject, conditions, action, fix). */
export function codeSetsOfRule(r: TRule): CodeRanges[] {
  const out: CodeRanges[] = [];
  if (r.subject) out.push(r.subject);
  for (const c of conditionsOf(r)) walkCond(c, (x) => {
    if (x.k === "has" || x.k === "count") out.push(x.set);
  });
  const a = r.action;
  if (a.k === "require-codes" || a.k === "forbid-codes" || a.k === "limit") out.push(a.set);
  if ((a.k === "require-modifier" || a.k === "forbid-modifier") && a.on) out.push(a.on);
  if (a.k === "select") out.push(a.cases.map((c) => [c.code, c.code] as [string, string]));
  return out;
}

/** Every modifier a rule mentions (conditions and action). */
export function modifiersOfRule(r: TRule): string[] {
  const out = new Set<string>();
  for (const c of conditionsOf(r)) walkCond(c, (x) => {
    if (x.k === "mod") for (const m of x.set) out.add(m);
    if (x.k === "has") for (const m of [...(x.mod ?? []), ...(x.noMod ?? [])]) out.add(m);
  });
  const a = r.action;
  if (a.k === "require-modifier" || a.k === "forbid-modifier") for (const m of a.set) out.add(m);
  return [...out];
}

/** The positive code atoms of a claim-scope condition (outside `not`): its possible subject lines. */
function positiveSets(c: TCond, out: CodeRanges[]): void {
  switch (c.k) {
    case "and":
    case "or":
      for (const a of c.args) positiveSets(a, out);
      break;
    case "has":
    case "count":
      out.push(c.set);
      break;
    default:
      break;
  }
}

/**
 * The codes of the lines a rule can flag (an over-approximation), and whether it can give a
 * claim-wide finding (one with no lines).
 */
export function flagSet(r: TRule, f: SetForms): { codes: RankSet; claimWide: boolean } {
  const a = r.action;
  if (r.scope === "line") {
    const sub = f.codes(r.subject ?? r.triggers);
    switch (a.k) {
      case "forbid-codes":
      case "limit":
        return { codes: f.codes(a.set), claimWide: false };
      case "require-modifier":
      case "forbid-modifier":
        return { codes: a.on ? f.codes(a.on) : sub, claimWide: false };
      default:
        return { codes: sub, claimWide: false };
    }
  }
  const pos: CodeRanges[] = [];
  positiveSets(r.when, pos);
  const subj = union(...pos.map((p) => f.codes(p)));
  switch (a.k) {
    case "forbid-codes":
    case "limit":
      return { codes: f.codes(a.set), claimWide: false };
    case "require-modifier":
    case "forbid-modifier":
      return { codes: a.on ? f.codes(a.on) : subj, claimWide: false };
    case "require-codes":
    case "require-dx":
    case "deny":
    case "flag":
      return { codes: subj, claimWide: true };
    case "select":
      return { codes: ALL_CODES, claimWide: false };
    default: {
      const never: never = a;
      return never;
    }
  }
}

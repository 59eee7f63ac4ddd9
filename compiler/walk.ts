/**
 * Walks over the AST that several stages share: every set expression with the kind of set
 * its context expects, and every condition atom.
 */
import type { Action, Cond, FixSpec, Item, Meta, Rule, SetExpr } from "../grammar/ast.ts";
import type { SetKind } from "./context.ts";

/** A set expression in context. */
export interface SetUse {
  expr: SetExpr;
  kind: SetKind;
  /** True where only exact codes make sense (fix codes, `replace … with` targets). */
  exact?: boolean;
}

/** The atoms of a condition (and/or/not/paren unwrapped), in source order. */
export function condAtoms(cond: Cond | undefined, out: Cond[] = []): Cond[] {
  if (cond === undefined) return out;
  switch (cond.kind) {
    case "and":
    case "or":
      for (const a of cond.args) condAtoms(a, out);
      return out;
    case "not":
      return condAtoms(cond.arg, out);
    case "paren":
      return condAtoms(cond.inner, out);
    case "codes":
    case "dx":
    case "modifier":
    case "units":
    case "age":
    case "sex":
    case "pos":
    case "payer":
    case "dos":
    case "fact":
      out.push(cond);
      return out;
    default: {
      const never: never = cond;
      return never;
    }
  }
}

/** The set expressions of a condition. */
export function condSetUses(cond: Cond | undefined, out: SetUse[] = []): SetUse[] {
  for (const atom of condAtoms(cond)) {
    switch (atom.kind) {
      case "codes":
        out.push({ expr: atom.codes, kind: "codes" });
        if (atom.qualifier?.kind === "with-modifier") out.push({ expr: atom.qualifier.modifiers, kind: "modifiers" });
        if (atom.qualifier?.kind === "with-dx") out.push({ expr: atom.qualifier.dx, kind: "dx" });
        break;
      case "dx":
        out.push({ expr: atom.dx, kind: "dx" });
        break;
      case "modifier":
        out.push({ expr: atom.modifiers, kind: "modifiers" });
        break;
      default:
        break;
    }
  }
  return out;
}

/** The set expressions of an action. */
export function actionSetUses(action: Action, out: SetUse[] = []): SetUse[] {
  switch (action.kind) {
    case "require-codes":
    case "forbid-codes":
    case "limit":
      out.push({ expr: action.codes, kind: "codes" });
      break;
    case "require-modifier":
    case "forbid-modifier":
      out.push({ expr: action.modifiers, kind: "modifiers" });
      if (action.on) out.push({ expr: action.on, kind: "codes" });
      break;
    case "require-dx":
      out.push({ expr: action.dx, kind: "dx" });
      break;
    case "deny":
    case "flag":
      break;
    default: {
      const never: never = action;
      return never;
    }
  }
  return out;
}

/** The set expressions of a fix. */
export function fixSetUses(fix: FixSpec, out: SetUse[] = []): SetUse[] {
  switch (fix.kind) {
    case "replace":
      out.push({ expr: fix.from, kind: "codes" }, { expr: fix.to, kind: "codes", exact: true });
      break;
    case "remove":
      if (fix.codes) out.push({ expr: fix.codes, kind: "codes" });
      break;
    case "add-code":
      out.push({ expr: fix.codes, kind: "codes", exact: true });
      break;
    case "add-modifier":
      if (fix.to) out.push({ expr: fix.to, kind: "codes" });
      break;
    case "set-units":
    case "text":
      break;
    default: {
      const never: never = fix;
      return never;
    }
  }
  return out;
}

/** The set expressions of metadata lines. */
export function metaSetUses(meta: readonly Meta[], out: SetUse[] = []): SetUse[] {
  for (const m of meta) {
    if (m.kind === "fix") fixSetUses(m.fix, out);
    else if (m.kind === "only") out.push({ expr: m.codes, kind: "codes" });
  }
  return out;
}

/** The set expressions of a rule (subject, condition, action, metadata). */
export function ruleSetUses(rule: Rule, out: SetUse[] = []): SetUse[] {
  if (rule.subject) out.push({ expr: rule.subject, kind: "codes" });
  condSetUses(rule.condition, out);
  actionSetUses(rule.action, out);
  metaSetUses(rule.meta, out);
  return out;
}

/** Every set expression of an item, with the kind its context expects. */
export function itemSetUses(item: Item): SetUse[] {
  const out: SetUse[] = [];
  switch (item.kind) {
    case "set-decl":
      out.push({ expr: item.value, kind: item.setKind });
      break;
    case "rule":
      ruleSetUses(item, out);
      break;
    case "override":
      if (item.rule) ruleSetUses(item.rule, out);
      metaSetUses(item.meta, out);
      break;
    case "table-ref":
      metaSetUses(item.meta, out);
      break;
    case "select":
      out.push({ expr: item.subject, kind: "codes" });
      for (const c of item.cases) condSetUses(c.condition, out);
      metaSetUses(item.meta, out);
      break;
    case "disable":
    case "test":
      break;
    default: {
      const never: never = item;
      return never;
    }
  }
  return out;
}

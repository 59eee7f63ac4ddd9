/**
 * Canonical one-line text of sets and conditions, for default messages. Built from the AST,
 * not sliced from the source, so that reformatting a rule does not change its messages (and
 * hence the table's content hash).
 */
import type { Action, Cond, Rule, SetExpr } from "../grammar/ast.ts";

/** `11600-11606, MOHS, 17000` */
export function setText(expr: SetExpr): string {
  return expr.items.map((i) => (i.kind === "set-range" ? `${i.from.text}-${i.to.text}` : i.word.text)).join(", ");
}

/** A condition in canonical form: `17003 count > 14 and not dx in L57.0`. */
export function condText(c: Cond): string {
  switch (c.kind) {
    case "and":
      return c.args.map(condText).join(" and ");
    case "or":
      return c.args.map(condText).join(" or ");
    case "not":
      return `not ${condText(c.arg)}`;
    case "paren":
      return `(${condText(c.inner)})`;
    case "codes": {
      const q = c.qualifier;
      const base = setText(c.codes);
      if (!q) return base;
      switch (q.kind) {
        case "count":
        case "units":
          return `${base} ${q.kind} ${q.op} ${q.value.text}`;
        case "with-modifier":
          return `${base} ${q.negated ? "without" : "with"} modifier ${setText(q.modifiers)}`;
        case "with-dx":
          return `${base} ${q.negated ? "without" : "with"} dx ${setText(q.dx)}`;
        default: {
          const never: never = q;
          return never;
        }
      }
    }
    case "dx":
      return `${c.scope === "claim" ? "claim " : ""}dx in ${setText(c.dx)}`;
    case "modifier":
      return `modifier ${setText(c.modifiers)}`;
    case "units":
      return `units ${c.op} ${c.value.text}`;
    case "age":
      return `age ${c.op} ${c.value.text}`;
    case "sex":
      return c.values.length === 1 ? `sex ${c.values[0]!.text}` : `sex in ${c.values.map((v) => v.text).join(", ")}`;
    case "pos":
      return c.values.length === 1 ? `pos ${c.values[0]!.text}` : `pos in ${c.values.map((v) => v.text).join(", ")}`;
    case "payer":
      return c.values.length === 1 ? `payer ${c.values[0]!.text}` : `payer in ${c.values.map((v) => v.text).join(", ")}`;
    case "dos":
      return `dos ${c.op} ${c.date.text}`;
    case "fact":
      return `${c.name.text} ${c.op} ${c.values.map((v) => v.text).join(", ")}`;
    default: {
      const never: never = c;
      return never;
    }
  }
}

const MAX = 100;

/** Text in backticks, shortened with `…` past a readable length. */
function q(text: string): string {
  return `\`${text.length > MAX ? `${text.slice(0, MAX - 1)}…` : text}\``;
}

function oneOf(expr: SetExpr, what = ""): string {
  const single = expr.items.length === 1 && expr.items[0]!.kind === "set-ref";
  return single ? `${what}${q(setText(expr))}` : `one of ${what ? `the ${what.trim()}s ` : ""}${q(setText(expr))}`;
}

/**
 * The default message of a rule without `message`: what the action asks, under which
 * condition, in the coder's terms.
 */
export function defaultMessage(rule: Rule): string {
  const a: Action = rule.action;
  const subject = rule.scope === "line" && rule.subject ? setText(rule.subject) : undefined;
  const cond = rule.condition ? condText(rule.condition) : undefined;
  const when = cond ? ` when ${q(cond)} holds` : "";
  switch (a.kind) {
    case "require-codes":
      return subject
        ? `${oneOf(a.codes)} is required with ${q(subject)}${when}`
        : `${oneOf(a.codes)} is required${when}`;
    case "forbid-codes":
      return subject
        ? `${q(setText(a.codes))} may not be reported with ${q(subject)}${when}`
        : `${q(setText(a.codes))} may not be reported${when}`;
    case "require-modifier": {
      const target = a.on ? `${q(setText(a.on))} lines` : subject ? `${q(subject)} lines` : "this line";
      return `${oneOf(a.modifiers, "modifier ")} is required on ${target}${when}`;
    }
    case "forbid-modifier": {
      const target = a.on ? `${q(setText(a.on))} lines` : subject ? `${q(subject)} lines` : "this line";
      return `modifier ${q(setText(a.modifiers))} is not allowed on ${target}${when}`;
    }
    case "require-dx":
      return subject
        ? `${q(subject)} needs a diagnosis in ${q(setText(a.dx))}${when}`
        : `a diagnosis in ${q(setText(a.dx))} is required${when}`;
    case "limit": {
      const n = a.max.value;
      return `${q(setText(a.codes))} is limited to ${a.max.text} unit${n === 1 ? "" : "s"} per ${a.per === "line" ? "line" : "date of service"}${when}`;
    }
    case "deny":
      return subject ? `${q(subject)} is denied${when}` : `denied: ${q(cond ?? "the condition")} holds`;
    case "flag":
      return subject ? `${q(subject)} is flagged for review${when}` : `review: ${q(cond ?? "the condition")} holds`;
    default: {
      const never: never = a;
      return never;
    }
  }
}

/** The default message of a select table. */
export function defaultSelectMessage(subject: SetExpr): string {
  return `the documented facts of this ${q(setText(subject))} line select a different code`;
}

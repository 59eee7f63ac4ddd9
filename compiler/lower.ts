/**
 * Stage `lower`: rules and select tables → `TRule` exactly as runtime/table.ts defines it.
 *
 * Code sets become sorted disjoint merged ranges, dx sets {codes, prefixes} (normalized, no
 * dot), dates day numbers, `effective` [from|null, until|null]. Defaults: severity error
 * (flag: warning), category policy (select: code-selection; require-dx: medical-necessity;
 * require/forbid-modifier: modifier), a message built from the action, source "". The id is
 * the `id` line, else `<ruleset>.rule.<first 10 hex of sha256 of the rule's meaning>` so it
 * survives moves and reformatting. `triggers` and `needs` feed the runtime's index and its
 * missing-field notes.
 */
import { withoutSpans } from "../grammar/index.ts";
import type { Action, Cond, FixSpec, Meta, OverrideDecl, Rule, SelectTable } from "../grammar/ast.ts";
import type { Span } from "../grammar/source.ts";
import { dayNumber } from "../runtime/dates.ts";
import type { CodeRanges, TAction, TCond, TFix, TRule } from "../runtime/table.ts";
import type { FindingCategory, FindingSeverity } from "../runtime/types.ts";
import { rangesSize, unionRanges } from "./codes.ts";
import type { CompileContext, ResolvedMeta, RuleDef } from "./context.ts";
import { defaultMessage, defaultSelectMessage } from "./describe.ts";
import { createHashHex } from "./icd10.ts";
import { SetResolver } from "./sets.ts";
import { CATEGORIES, SEVERITIES } from "./validate.ts";
import { compare } from "./ops.ts";

/** Lowers every rule, select table and override body into `ctx.defs`. */
export function lowerStage(ctx: CompileContext): void {
  const r = new SetResolver(ctx.sets, ctx.icd);
  for (const file of ctx.files) {
    const layer = ctx.fileLayer.get(file)!;
    for (const item of file.items) {
      if (item.kind === "rule" || item.kind === "select") ctx.defs.push(lowerDef(ctx, r, item, layer));
      else if (item.kind === "override" && item.rule) ctx.defs.push(lowerDef(ctx, r, item.rule, layer, item));
    }
  }
}

/** "path:line:col" of an offset. */
export function originOf(ctx: CompileContext, span: Span): string {
  const src = ctx.sources.get(span.file);
  if (!src) return `${span.file}:1:1`;
  const p = src.position(span.start);
  return `${span.file}:${p.line}:${p.column}`;
}

/** The derived id of a rule: stable under moves and reformatting (spans are dropped). */
export function derivedId(layer: string, node: Rule | SelectTable): string {
  const meaning =
    node.kind === "rule"
      ? { scope: node.scope, subject: node.subject, condition: node.condition, action: node.action }
      : { scope: "select", subject: node.subject, cases: node.cases };
  return `${layer}.rule.${createHashHex(JSON.stringify(withoutSpans(meaning))).slice(0, 10)}`;
}

function lowerDef(ctx: CompileContext, r: SetResolver, node: Rule | SelectTable, layer: string, override?: OverrideDecl): RuleDef {
  const metaLines = override ? override.meta : node.meta;
  const idMeta = metaLines.find((m): m is Extract<Meta, { kind: "id" }> => m.kind === "id");
  const id = override ? override.target.text : (idMeta?.id.text ?? derivedId(layer, node));
  const idSpan = override ? override.target.span : (idMeta?.id.span ?? node.span);
  const origin = originOf(ctx, override ? override.span : node.span);

  const action: TAction =
    node.kind === "select"
      ? { k: "select", cases: node.cases.map((c) => ({ when: lowerCond(c.condition, true, r), code: c.code.text })) }
      : lowerAction(node.action, r);
  const defaults = {
    severity: (node.kind === "rule" && node.action.kind === "flag" ? "warning" : "error") as FindingSeverity,
    category: defaultCategory(node),
    message: node.kind === "select" ? defaultSelectMessage(node.subject) : defaultMessage(node),
  };
  const patch = metaPatch(metaLines, r);
  const meta: ResolvedMeta = {
    id,
    severity: patch.severity ?? defaults.severity,
    category: patch.category ?? defaults.category,
    message: patch.message ?? defaults.message,
    source: patch.source ?? "",
    effective: patch.effective ?? [null, null],
    ...(patch.fix && { fix: patch.fix }),
  };

  const scope: "claim" | "line" = node.kind === "select" ? "line" : node.scope;
  const subject = node.kind === "select" || node.scope === "line" ? r.codes(node.subject!) : undefined;
  const when: TCond = node.kind === "select" || !node.condition ? { k: "true" } : lowerCond(node.condition, node.scope === "line", r);
  const needs = new Set<string>();
  if (node.kind === "select") for (const c of node.cases) condNeeds(c.condition, needs);
  else condNeeds(node.condition, needs);

  const lowered: TRule = {
    id,
    origin,
    layer,
    severity: meta.severity,
    category: meta.category,
    message: meta.message,
    source: meta.source,
    effective: meta.effective,
    scope,
    ...(subject && { subject }),
    when,
    action,
    ...(meta.fix && { fix: meta.fix }),
    triggers: subject ?? triggersOf(when),
    needs: [...needs].sort(),
  };
  return { node, ...(override && { override }), file: node.span.file, layer, meta, idSpan, origin, lowered };
}

function defaultCategory(node: Rule | SelectTable): FindingCategory {
  if (node.kind === "select") return "code-selection";
  switch (node.action.kind) {
    case "require-dx":
      return "medical-necessity";
    case "require-modifier":
    case "forbid-modifier":
      return "modifier";
    default:
      return "policy";
  }
}

/** The metadata a list of lines sets (first of each kind; invalid values are left out: validation reported them). */
export function metaPatch(meta: readonly Meta[], r: SetResolver): Partial<Omit<ResolvedMeta, "id">> {
  const out: Partial<Omit<ResolvedMeta, "id">> = {};
  for (const m of meta) {
    switch (m.kind) {
      case "severity":
        if (out.severity === undefined && (SEVERITIES as readonly string[]).includes(m.severity.text)) out.severity = m.severity.text as FindingSeverity;
        break;
      case "category":
        if (out.category === undefined && (CATEGORIES as readonly string[]).includes(m.category.text)) out.category = m.category.text as FindingCategory;
        break;
      case "message":
        if (out.message === undefined) out.message = m.message.value;
        break;
      case "source":
        if (out.source === undefined) out.source = m.source.value;
        break;
      case "effective":
        if (out.effective === undefined) {
          out.effective = [m.from ? dayNumber(m.from.text) : null, m.until ? dayNumber(m.until.text) : null];
        }
        break;
      case "fix":
        if (out.fix === undefined) out.fix = lowerFix(m.fix, r);
        break;
      case "id":
      case "version":
      case "only":
        break;
      default: {
        const never: never = m;
        return never;
      }
    }
  }
  return out;
}

/** A fix as the table holds it. */
export function lowerFix(f: FixSpec, r: SetResolver): TFix {
  switch (f.kind) {
    case "replace":
      return { op: "replace", from: r.codes(f.from), codes: r.exactCodes(f.to) };
    case "remove":
      return f.codes ? { op: "remove", codes: r.codes(f.codes) } : { op: "remove" };
    case "add-code":
      return { op: "add-code", codes: r.exactCodes(f.codes) };
    case "add-modifier":
      return f.to ? { op: "add-modifier", modifier: f.modifier.text, to: r.codes(f.to) } : { op: "add-modifier", modifier: f.modifier.text };
    case "set-units":
      return { op: "set-units", units: f.units.value };
    case "text":
      return { op: "text", text: f.text.value };
    default: {
      const never: never = f;
      return never;
    }
  }
}

/** An action as the table holds it. */
export function lowerAction(a: Action, r: SetResolver): TAction {
  switch (a.kind) {
    case "require-codes":
      return { k: "require-codes", set: r.codes(a.codes) };
    case "forbid-codes":
      return { k: "forbid-codes", set: r.codes(a.codes) };
    case "require-modifier":
      return a.on ? { k: "require-modifier", set: r.modifiers(a.modifiers), on: r.codes(a.on) } : { k: "require-modifier", set: r.modifiers(a.modifiers) };
    case "forbid-modifier":
      return a.on ? { k: "forbid-modifier", set: r.modifiers(a.modifiers), on: r.codes(a.on) } : { k: "forbid-modifier", set: r.modifiers(a.modifiers) };
    case "require-dx":
      return { k: "require-dx", set: r.dx(a.dx) };
    case "limit":
      return { k: "limit", set: r.codes(a.codes), max: a.max.value, per: a.per };
    case "deny":
      return { k: "deny" };
    case "flag":
      return { k: "flag" };
    default: {
      const never: never = a;
      return never;
    }
  }
}

/**
 * A condition as the table holds it. `lineContext`: a line-scope rule or a select case, where
 * `dx in` means the current line's diagnoses; in claim scope it means the claim's.
 */
export function lowerCond(c: Cond, lineContext: boolean, r: SetResolver): TCond {
  switch (c.kind) {
    case "and":
      return { k: "and", args: c.args.map((a) => lowerCond(a, lineContext, r)) };
    case "or":
      return { k: "or", args: c.args.map((a) => lowerCond(a, lineContext, r)) };
    case "not":
      return { k: "not", arg: lowerCond(c.arg, lineContext, r) };
    case "paren":
      return lowerCond(c.inner, lineContext, r);
    case "codes": {
      const set = r.codes(c.codes);
      const q = c.qualifier;
      if (!q) return { k: "has", set };
      switch (q.kind) {
        case "count":
          return { k: "count", set, op: q.op, n: q.value.value };
        case "units":
          return { k: "has", set, units: [q.op, q.value.value] };
        case "with-modifier":
          return q.negated ? { k: "has", set, noMod: r.modifiers(q.modifiers) } : { k: "has", set, mod: r.modifiers(q.modifiers) };
        case "with-dx":
          return q.negated ? { k: "has", set, noDx: r.dx(q.dx) } : { k: "has", set, dx: r.dx(q.dx) };
        default: {
          const never: never = q;
          return never;
        }
      }
    }
    case "dx":
      return { k: "dx", scope: c.scope === "default" && lineContext ? "line" : "claim", set: r.dx(c.dx) };
    case "modifier":
      return { k: "mod", set: r.modifiers(c.modifiers) };
    case "units":
      return { k: "units", op: c.op, n: c.value.value };
    case "age":
      return { k: "age", op: c.op, n: c.value.value };
    case "sex":
      return { k: "sex", values: c.values.map((v) => v.text) };
    case "pos":
      return { k: "pos", values: c.values.map((v) => v.text) };
    case "payer":
      return { k: "payer", values: c.values.map((v) => v.text) };
    case "dos":
      return { k: "dos", op: c.op, day: dayNumber(c.date.text) ?? 0 };
    case "fact": {
      const name = c.name.text;
      if (name === "site") return { k: "site", values: c.values.map((v) => v.text.toLowerCase()) };
      const fact = name as "lesionCount" | "excisedDiameterCm" | "repairLengthCm";
      const nums = c.values.filter((v) => v.kind === "number").map((v) => (v as { value: number }).value);
      if (c.op === "in") {
        // `lesionCount in 1, 2`: any of the values.
        const eqs: TCond[] = nums.map((n) => ({ k: "fact", name: fact, op: "=", n }));
        return eqs.length === 1 ? eqs[0]! : { k: "or", args: eqs };
      }
      return { k: "fact", name: fact, op: c.op, n: nums[0] ?? 0 };
    }
    default: {
      const never: never = c;
      return never;
    }
  }
}

/** Adds the claim fields a condition reads. */
export function condNeeds(c: Cond | undefined, out: Set<string>): Set<string> {
  if (!c) return out;
  switch (c.kind) {
    case "and":
    case "or":
      for (const a of c.args) condNeeds(a, out);
      break;
    case "not":
      condNeeds(c.arg, out);
      break;
    case "paren":
      condNeeds(c.inner, out);
      break;
    case "age":
      out.add("patient.birthDate");
      break;
    case "sex":
      out.add("patient.sex");
      break;
    case "pos":
      out.add("placeOfService");
      break;
    case "codes":
    case "dx":
    case "modifier":
    case "units":
    case "payer":
    case "dos":
    case "fact":
      break;
    default: {
      const never: never = c;
      return never;
    }
  }
  return out;
}

/**
 * The codes a claim-scope condition needs on some line of the group (runtime/table.ts
 * `triggers`): `has` → its set; `count` → its set when the comparison is false at 0 units;
 * `and` → the smallest non-empty trigger of its arguments; `or` → the union when every branch
 * has one, else none; `not` and the other atoms → none.
 */
export function triggersOf(c: TCond): CodeRanges {
  switch (c.k) {
    case "has":
      return c.set;
    case "count":
      return compare(0, c.op, c.n) ? [] : c.set;
    case "and": {
      let best: CodeRanges = [];
      let bestSize = Infinity;
      for (const a of c.args) {
        const t = triggersOf(a);
        if (t.length === 0) continue;
        const size = rangesSize(t);
        if (size < bestSize) (best = t), (bestSize = size);
      }
      return best;
    }
    case "or": {
      const all = c.args.map(triggersOf);
      return all.length > 0 && all.every((t) => t.length > 0) ? unionRanges(...all) : [];
    }
    case "true":
    case "not":
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
      return [];
    default: {
      const never: never = c;
      return never;
    }
  }
}

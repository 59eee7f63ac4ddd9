/**
 * Rule, layer and set changes between two decision tables (and, when both were compiled from
 * rule files, their programs).
 *
 * Rules are compared by meaning, not text: each rule definition is keyed by its layer and id,
 * and compared on the resolved fields the table holds (condition with its sets expanded,
 * action, severity, category, message, source, effective window, fix). Its `origin` is left
 * out, so moving a rule to another file, reordering rules or reformatting them is reported as
 * a move at most, never as a change. `triggers` and `needs` are derived from the condition
 * and are not compared on their own.
 */
import { condText as astCondText, setText as astSetText } from "../compiler/describe.ts";
import { actionText, codeRangesText, condText, dxSetText } from "../compiler/explain.ts";
import type { Program } from "../compiler/index.ts";
import { SetResolver } from "../compiler/sets.ts";
import { formatDay } from "../runtime/dates.ts";
import type { CodeRanges, DecisionTable, DxSet, TAction, TCond, TFix, TRule } from "../runtime/table.ts";
import type { FieldChange, LayerChange, RuleChange, RuleField, RuleMove, SetChange, Side } from "./types.ts";

/** Canonical JSON (sorted keys) for equality by value. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** The effective window as words: `2019-01-01 onwards`, `until 2026-12-31`, `always`. */
export function effectiveText(e: [number | null, number | null]): string {
  const [from, until] = e;
  if (from === null && until === null) return "always";
  if (until === null) return `${formatDay(from!)} onwards`;
  if (from === null) return `until ${formatDay(until)}`;
  return `${formatDay(from)} until ${formatDay(until)}`;
}

/** A fix as the language writes it. */
export function fixText(f: TFix | undefined): string {
  if (f === undefined) return "(none: the action's default)";
  switch (f.op) {
    case "replace":
      return `replace ${codeRangesText(f.from)} with ${f.codes.join(", ")}`;
    case "remove":
      return f.codes ? `remove ${codeRangesText(f.codes)}` : "remove";
    case "add-code":
      return `add ${f.codes.join(", ")}`;
    case "add-modifier":
      return `add modifier ${f.modifier}${f.to ? ` to ${codeRangesText(f.to)}` : ""}`;
    case "set-units":
      return `set units ${f.units}`;
    case "text":
      return JSON.stringify(f.text);
    default: {
      const never: never = f;
      return never;
    }
  }
}

/** The rule's logic in one line, as the language writes it (sets expanded). */
export function ruleText(r: TRule, max = 8): string {
  if (r.action.k === "select") return `select for ${codeRangesText(r.subject ?? [], max)} { ${r.action.cases.length} cases }`;
  const head = r.scope === "line" ? `when line ${codeRangesText(r.subject ?? r.triggers, max)}${r.when.k === "true" ? "" : " and"}` : "when";
  const cond = r.when.k === "true" ? "" : ` ${condText(r.when, max)}`;
  return `${head}${cond} ${actionText(r.action, max)}`;
}

// ---------------------------------------------------------------------------- set differences

/** The members of a code set, dx set or modifier list, as the language writes them. */
function members(x: CodeRanges | DxSet | string[]): string[] {
  if (Array.isArray(x)) {
    if (x.length > 0 && Array.isArray(x[0])) return (x as CodeRanges).map(([lo, hi]) => (lo === hi ? lo : `${lo}-${hi}`));
    return (x as string[]).slice();
  }
  return dxSetText(x).split(", ").filter((s) => s !== "(none)");
}

function memberDiff(role: string, a: CodeRanges | DxSet | string[], b: CodeRanges | DxSet | string[]): string | undefined {
  const ma = members(a);
  const mb = members(b);
  const removed = ma.filter((m) => !mb.includes(m));
  const added = mb.filter((m) => !ma.includes(m));
  if (removed.length === 0 && added.length === 0) return undefined;
  const parts: string[] = [];
  if (added.length) parts.push(`adds ${added.join(", ")}`);
  if (removed.length) parts.push(`removes ${removed.join(", ")}`);
  return `${role}: ${parts.join("; ")}`;
}

/**
 * What changed inside two conditions of the same shape: the sets and numbers that differ, one
 * sentence each. Undefined when the shapes differ (then the texts say it all).
 */
function condNotes(a: TCond, b: TCond, out: string[]): boolean {
  if (a.k !== b.k) return false;
  const num = (what: string, x: unknown, y: unknown) => {
    if (canonical(x) !== canonical(y)) out.push(`${what}: ${String(x)} → ${String(y)}`);
  };
  switch (a.k) {
    case "true":
      return true;
    case "and":
    case "or": {
      const bb = b as typeof a;
      if (a.args.length !== bb.args.length) return false;
      return a.args.every((x, i) => condNotes(x, bb.args[i]!, out));
    }
    case "not":
      return condNotes(a.arg, (b as typeof a).arg, out);
    case "has": {
      const bb = b as typeof a;
      const keys = ["units", "mod", "noMod", "dx", "noDx"] as const;
      if (keys.some((k) => (a[k] === undefined) !== (bb[k] === undefined))) return false;
      const set = memberDiff(`codes ${codeRangesText(a.set, 4)}`, a.set, bb.set);
      if (set) out.push(set);
      if (a.units) num("units", `${a.units[0]} ${a.units[1]}`, `${bb.units![0]} ${bb.units![1]}`);
      if (a.mod) pushIf(out, memberDiff("with modifier", a.mod, bb.mod!));
      if (a.noMod) pushIf(out, memberDiff("without modifier", a.noMod, bb.noMod!));
      if (a.dx) pushIf(out, memberDiff("with dx", a.dx, bb.dx!));
      if (a.noDx) pushIf(out, memberDiff("without dx", a.noDx, bb.noDx!));
      return true;
    }
    case "count": {
      const bb = b as typeof a;
      pushIf(out, memberDiff(`count of ${codeRangesText(a.set, 4)}`, a.set, bb.set));
      num(`count of ${codeRangesText(bb.set, 4)}`, `${a.op} ${a.n}`, `${bb.op} ${bb.n}`);
      return true;
    }
    case "dx": {
      const bb = b as typeof a;
      if (a.scope !== bb.scope) return false;
      pushIf(out, memberDiff(`${a.scope === "claim" ? "claim " : ""}dx in`, a.set, bb.set));
      return true;
    }
    case "mod":
      pushIf(out, memberDiff("modifier", a.set, (b as typeof a).set));
      return true;
    case "units":
    case "age":
      num(a.k, `${a.op} ${a.n}`, `${(b as typeof a).op} ${(b as typeof a).n}`);
      return true;
    case "fact": {
      const bb = b as typeof a;
      if (a.name !== bb.name) return false;
      num(a.name, `${a.op} ${a.n}`, `${bb.op} ${bb.n}`);
      return true;
    }
    case "dos":
      num("dos", `${a.op} ${formatDay(a.day)}`, `${(b as typeof a).op} ${formatDay((b as typeof a).day)}`);
      return true;
    case "sex":
    case "pos":
    case "payer":
    case "site":
      pushIf(out, memberDiff(a.k, a.values, (b as typeof a).values));
      return true;
    default: {
      const never: never = a;
      return never;
    }
  }
}

function pushIf(out: string[], s: string | undefined): void {
  if (s !== undefined) out.push(s);
}

function actionNotes(a: TAction, b: TAction): string[] {
  const out: string[] = [];
  if (a.k !== b.k) return out;
  switch (a.k) {
    case "require-codes":
    case "forbid-codes":
      pushIf(out, memberDiff("codes", a.set, (b as typeof a).set));
      break;
    case "require-modifier":
    case "forbid-modifier": {
      const bb = b as typeof a;
      pushIf(out, memberDiff("modifiers", a.set, bb.set));
      if (a.on && bb.on) pushIf(out, memberDiff("on", a.on, bb.on));
      break;
    }
    case "require-dx":
      pushIf(out, memberDiff("dx", a.set, (b as typeof a).set));
      break;
    case "limit": {
      const bb = b as typeof a;
      pushIf(out, memberDiff("codes", a.set, bb.set));
      if (a.max !== bb.max || a.per !== bb.per) out.push(`limit: ${a.max} per ${a.per} → ${bb.max} per ${bb.per}`);
      break;
    }
    case "select": {
      const bb = b as typeof a;
      const n = Math.max(a.cases.length, bb.cases.length);
      for (let i = 0; i < n; i++) {
        const x = a.cases[i];
        const y = bb.cases[i];
        if (x === undefined) out.push(`case ${i + 1} added: ${condText(y!.when, 6)} -> ${y!.code}`);
        else if (y === undefined) out.push(`case ${i + 1} removed: ${condText(x.when, 6)} -> ${x.code}`);
        else if (canonical(x) !== canonical(y)) {
          const inner: string[] = [];
          if (x.code !== y.code) inner.push(`selects ${y.code} instead of ${x.code}`);
          if (canonical(x.when) !== canonical(y.when)) {
            const notes: string[] = [];
            if (condNotes(x.when, y.when, notes) && notes.length) inner.push(...notes);
            else inner.push(`condition ${condText(x.when, 6)} → ${condText(y.when, 6)}`);
          }
          out.push(`case ${i + 1}: ${inner.join("; ")}`);
        }
      }
      break;
    }
    case "deny":
    case "flag":
      break;
    default: {
      const never: never = a;
      return never;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------- source text

/** The condition as written in the rule file (set names kept), when the program has the rule. */
function sourceCondition(program: Program | undefined, layer: string, id: string): string | undefined {
  const rule = program?.layers.get(layer)?.rules.find((r) => r.meta.id === id && r.layer === layer);
  if (!rule || rule.node.kind !== "rule") return undefined;
  const n = rule.node;
  const head = n.scope === "line" && n.subject ? `line ${astSetText(n.subject)}${n.condition ? " and " : ""}` : "";
  return `${head}${n.condition ? astCondText(n.condition) : ""}`;
}

// ---------------------------------------------------------------------------- rules

const FIELDS: readonly RuleField[] = ["scope", "subject", "condition", "action", "severity", "category", "message", "source", "effective", "fix"];

function fieldValue(r: TRule, f: RuleField): unknown {
  switch (f) {
    case "id":
      return r.id;
    case "scope":
      return r.scope;
    case "subject":
      return r.subject ?? null;
    case "condition":
      return r.when;
    case "action":
      return r.action;
    case "severity":
      return r.severity;
    case "category":
      return r.category;
    case "message":
      return r.message;
    case "source":
      return r.source;
    case "effective":
      return r.effective;
    case "fix":
      return r.fix ?? null;
    default: {
      const never: never = f;
      return never;
    }
  }
}

function fieldText(r: TRule, f: RuleField): string {
  switch (f) {
    case "id":
      return r.id;
    case "scope":
      return r.scope === "line" ? "line (once per line of the subject)" : "claim (once per date of service)";
    case "subject":
      return r.subject ? codeRangesText(r.subject) : "(none)";
    case "condition":
      return condText(r.when);
    case "action":
      return actionText(r.action);
    case "severity":
    case "category":
    case "message":
    case "source":
      return String(fieldValue(r, f));
    case "effective":
      return effectiveText(r.effective);
    case "fix":
      return fixText(r.fix);
    default: {
      const never: never = f;
      return never;
    }
  }
}

/** The fields of two versions of a rule that differ, with notes on what changed inside. */
export function ruleFieldChanges(a: TRule, b: TRule, pa?: Program, pb?: Program): FieldChange[] {
  const out: FieldChange[] = [];
  for (const f of FIELDS) {
    if (canonical(fieldValue(a, f)) === canonical(fieldValue(b, f))) continue;
    const change: FieldChange = { field: f, before: fieldText(a, f), after: fieldText(b, f) };
    const notes: string[] = [];
    if (f === "condition") {
      const sa = sourceCondition(pa, a.layer, a.id);
      const sb = sourceCondition(pb, b.layer, b.id);
      const resolvedA = (a.scope === "line" && a.subject ? `line ${codeRangesText(a.subject)}${a.when.k === "true" ? "" : " and "}` : "") + (a.when.k === "true" ? "" : condText(a.when));
      const resolvedB = (b.scope === "line" && b.subject ? `line ${codeRangesText(b.subject)}${b.when.k === "true" ? "" : " and "}` : "") + (b.when.k === "true" ? "" : condText(b.when));
      if (sa !== undefined && sb !== undefined && sa !== sb && (sa !== resolvedA || sb !== resolvedB)) notes.push(`as written: \`${sa}\` → \`${sb}\``);
      else if (sa !== undefined && sa === sb) notes.push(`as written, the condition is unchanged (\`${sa}\`): a set it names changed`);
      const inner: string[] = [];
      if (condNotes(a.when, b.when, inner)) notes.push(...inner);
    } else if (f === "subject" && a.subject && b.subject) pushIf(notes, memberDiff("subject", a.subject, b.subject));
    else if (f === "action") notes.push(...actionNotes(a.action, b.action));
    if (notes.length) change.notes = notes;
    out.push(change);
  }
  return out;
}

function key(layer: string, id: string): string {
  return `${layer}\u0000${id}`;
}

/** A derived id (`<layer>.rule.<10 hex>`) changes with the rule's meaning, so it is paired by place instead. */
function isDerivedId(id: string): boolean {
  return /\.rule\.[0-9a-f]{10}$/.test(id);
}

function originFile(origin: string): string {
  return origin.replace(/:\d+:\d+$/, "");
}

/**
 * The folder every rule origin of a table starts with (`base/`), or "": two tables compiled
 * from two folders differ by it alone, and that is not a move.
 */
function commonFolder(t: DecisionTable): string {
  // The rule files of the compilation (provenance), not only those that hold rules.
  const sources = t.provenance.sources.filter((x) => x.kind === "rules").map((x) => x.path);
  const files = sources.length ? sources : t.rules.map((r) => originFile(r.origin));
  if (files.length === 0) return "";
  let prefix = files[0]!.slice(0, files[0]!.lastIndexOf("/") + 1);
  for (const f of files) while (prefix !== "" && !f.startsWith(prefix)) prefix = prefix.slice(0, prefix.slice(0, -1).lastIndexOf("/") + 1);
  return prefix;
}

/**
 * Rule definitions added, removed and modified (keyed by layer and id), and the ones that only
 * moved. A rule without an `id` line has an id derived from its meaning, so editing it looks
 * like a removal and an addition: those are paired when they sit at the same place in the
 * same file.
 */
export function diffRules(base: Side, head: Side): { rules: RuleChange[]; moved: RuleMove[] } {
  const rootA = commonFolder(base.table);
  const rootB = commonFolder(head.table);
  const placeA = (r: TRule) => originFile(r.origin).slice(rootA.length);
  const placeB = (r: TRule) => originFile(r.origin).slice(rootB.length);
  const before = new Map(base.table.rules.map((r) => [key(r.layer, r.id), r]));
  const after = new Map(head.table.rules.map((r) => [key(r.layer, r.id), r]));
  // An override is a definition whose id a base layer also defines.
  const isOverride = (r: TRule, t: DecisionTable) => t.rules.some((x) => x.id === r.id && x.layer !== r.layer && layerExtends(t, r.layer, x.layer));
  const rules: RuleChange[] = [];
  const moved: RuleMove[] = [];
  const removed: TRule[] = [];
  const added: TRule[] = [];
  for (const [k, a] of before) {
    const b = after.get(k);
    if (!b) {
      removed.push(a);
      continue;
    }
    const fields = ruleFieldChanges(a, b, base.program, head.program);
    if (fields.length > 0) {
      rules.push({
        change: "modified",
        id: a.id,
        layer: a.layer,
        override: isOverride(b, head.table),
        before: { origin: a.origin, text: ruleText(a) },
        after: { origin: b.origin, text: ruleText(b) },
        fields,
      });
    } else if (placeA(a) !== placeB(b)) moved.push({ id: a.id, layer: a.layer, from: a.origin, to: b.origin });
    // (A rule whose line number shifted because of edits above it is not even a move.)
  }
  for (const [k, b] of after) if (!before.has(k)) added.push(b);

  // Pair derived ids that sit at the same place: the same rule, edited.
  for (const a of removed.slice()) {
    if (!isDerivedId(a.id)) continue;
    const j = added.findIndex((b) => isDerivedId(b.id) && b.layer === a.layer && (b.origin === a.origin || (originFile(b.origin) === originFile(a.origin) && b.action.k === a.action.k && b.message === a.message && b.scope === a.scope)));
    if (j < 0) continue;
    const b = added.splice(j, 1)[0]!;
    removed.splice(removed.indexOf(a), 1);
    rules.push({
      change: "modified",
      id: b.id,
      layer: b.layer,
      override: false,
      before: { origin: a.origin, text: ruleText(a) },
      after: { origin: b.origin, text: ruleText(b) },
      fields: [{ field: "id", before: a.id, after: b.id, notes: ["the rule has no `id` line, so its id is derived from its meaning and changed with it: findings carry the new id"] }, ...ruleFieldChanges(a, b, base.program, head.program)],
    });
  }
  for (const a of removed) rules.push({ change: "removed", id: a.id, layer: a.layer, override: isOverride(a, base.table), before: { origin: a.origin, text: ruleText(a) }, fields: [] });
  for (const b of added) {
    const base = overridden(b, head.table);
    rules.push({
      change: "added",
      id: b.id,
      layer: b.layer,
      override: base !== undefined,
      after: { origin: b.origin, text: ruleText(b) },
      // An override: what it changes in the rule it overrides.
      fields: base ? ruleFieldChanges(base, b, head.program, head.program).map((f, i) => (i > 0 ? f : { ...f, notes: [`compared with the rule it overrides, in \`${base.layer}\` (${base.origin})`, ...(f.notes ?? [])] })) : [],
    });
  }
  rules.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : x.layer < y.layer ? -1 : x.layer > y.layer ? 1 : 0));
  moved.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  return { rules, moved };
}

/** The base-layer definition an override replaces (the nearest base that defines the id). */
function overridden(r: TRule, t: DecisionTable): TRule | undefined {
  let cur = t.layers[r.layer]?.extends ?? null;
  const seen = new Set<string>();
  while (cur !== null && !seen.has(cur)) {
    seen.add(cur);
    const hit = t.rules.find((x) => x.id === r.id && x.layer === cur);
    if (hit) return hit;
    cur = t.layers[cur]?.extends ?? null;
  }
  return undefined;
}

/** Whether layer `a` extends `b` (directly or through its bases). */
function layerExtends(t: DecisionTable, a: string, b: string): boolean {
  const seen = new Set<string>();
  let cur: string | null = a;
  while (cur !== null && !seen.has(cur)) {
    seen.add(cur);
    cur = t.layers[cur]?.extends ?? null;
    if (cur === b) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------- layers

/** In force in each layer: rule id → the layer whose definition is used. */
function inForce(t: DecisionTable, layer: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const i of t.layers[layer]?.rules ?? []) {
    const r = t.rules[i]!;
    out.set(r.id, r.layer);
  }
  return out;
}

function tablesOf(t: DecisionTable, layer: string): string[] {
  const l = t.layers[layer];
  if (!l) return [];
  return [
    ...l.ptp.map((i) => t.edits.ptp[i]!.idPrefix),
    ...l.mue.map((i) => t.edits.mue[i]!.idPrefix),
    ...l.aoc.map((i) => t.edits.aoc[i]!.idPrefix),
  ].sort();
}

/**
 * Layer changes that are not rule definitions: a layer added or removed, its base, rules
 * disabled or enabled in it (whose definitions did not change), table edits disabled, tables
 * in force.
 */
export function diffLayers(base: Side, head: Side): LayerChange[] {
  const A = base.table;
  const B = head.table;
  const defsA = new Set(A.rules.map((r) => key(r.layer, r.id)));
  const defsB = new Set(B.rules.map((r) => key(r.layer, r.id)));
  const names = [...new Set([...Object.keys(A.layers), ...Object.keys(B.layers)])].sort();
  const out: LayerChange[] = [];
  for (const name of names) {
    const la = A.layers[name];
    const lb = B.layers[name];
    const change: LayerChange = { layer: name, change: !la ? "added" : !lb ? "removed" : "modified", details: [], enabledRules: [], disabledRules: [], disabledEditsAdded: [], disabledEditsRemoved: [] };
    if (!la || !lb) {
      const l = (la ?? lb)!;
      change.details.push(
        `${!la ? "new" : "removed"} layer${l.extends ? ` extending \`${l.extends}\`` : ""} with ${l.rules.length} rules in force`,
      );
      out.push(change);
      continue;
    }
    if (la.extends !== lb.extends) change.details.push(`extends ${lb.extends ? `\`${lb.extends}\`` : "nothing"} instead of ${la.extends ? `\`${la.extends}\`` : "nothing"}`);
    const fa = inForce(A, name);
    const fb = inForce(B, name);
    for (const id of [...new Set([...fa.keys(), ...fb.keys()])].sort()) {
      const da = fa.get(id);
      const db = fb.get(id);
      if (da === db) continue;
      if (da === undefined && db !== undefined) {
        // New here: explained by a new definition, unless that definition existed before.
        if (defsA.has(key(db, id))) {
          change.enabledRules.push(id);
          change.details.push(`\`${id}\` is now in force here (it was disabled)`);
        }
      } else if (da !== undefined && db === undefined) {
        if (defsB.has(key(da, id))) {
          change.disabledRules.push(id);
          change.details.push(`\`${id}\` is now disabled here`);
        }
      } else if (da !== undefined && db !== undefined) {
        change.details.push(`\`${id}\` now comes from layer \`${db}\` instead of \`${da}\`${db === name ? " (overridden here)" : da === name ? " (no longer overridden here)" : ""}`);
      }
    }
    const disA = new Set(la.disabled);
    const disB = new Set(lb.disabled);
    change.disabledEditsAdded = [...disB].filter((d) => !disA.has(d)).sort();
    change.disabledEditsRemoved = [...disA].filter((d) => !disB.has(d)).sort();
    for (const d of change.disabledEditsAdded) change.details.push(`table edits \`${d}\` are now disabled here`);
    for (const d of change.disabledEditsRemoved) change.details.push(`table edits \`${d}\` are no longer disabled here`);
    const ta = tablesOf(A, name);
    const tb = tablesOf(B, name);
    for (const t of tb.filter((x) => !ta.includes(x))) change.details.push(`the \`${t}\` table now applies here`);
    for (const t of ta.filter((x) => !tb.includes(x))) change.details.push(`the \`${t}\` table no longer applies here`);
    if (change.details.length > 0) out.push(change);
  }
  return out;
}

// ---------------------------------------------------------------------------- named sets

/** Named sets whose resolved members changed (both sides need their programs). */
export function diffSets(base: Side, head: Side): SetChange[] {
  const pa = base.program;
  const pb = head.program;
  if (!pa || !pb) return [];
  const ra = new SetResolver(pa.sets, pa.icd10);
  const rb = new SetResolver(pb.sets, pb.icd10);
  const resolved = (r: SetResolver, p: Program, name: string): string[] => {
    const info = p.sets.get(name)!;
    const expr = info.decl.value;
    if (info.kind === "codes") return members(r.codes(expr));
    if (info.kind === "dx") return members(r.dx(expr));
    return members(r.modifiers(expr));
  };
  const out: SetChange[] = [];
  for (const name of [...new Set([...pa.sets.keys(), ...pb.sets.keys()])].sort()) {
    const a = pa.sets.get(name);
    const b = pb.sets.get(name);
    const ma = a ? resolved(ra, pa, name) : [];
    const mb = b ? resolved(rb, pb, name) : [];
    if (a && b && a.kind === b.kind && canonical(ma) === canonical(mb)) continue;
    out.push({
      name,
      kind: (b ?? a)!.kind,
      change: !a ? "added" : !b ? "removed" : "modified",
      removed: ma.filter((m) => !mb.includes(m)),
      added: mb.filter((m) => !ma.includes(m)),
    });
  }
  return out;
}

/**
 * Dead rules and cases.
 *
 * - DR3003: a rule that can never give a finding, decided by asking the solver whether
 *   `ruleAny(r)` (fires.ts) has a model. When it has none, the message says why: the condition
 *   cannot hold in the window (with the smallest set of its parts that contradict each other),
 *   or the action never has anything to act on when it does.
 * - DR3006: a case of a select table that is never the first to hold on a line of the table.
 * - DR3004: a rule whose effective window does not meet the span of the other rules' windows.
 */
import type { Cond, Meta, Rule, SelectTable } from "../../grammar/ast.ts";
import type { Span } from "../../grammar/source.ts";
import { formatDay } from "../../runtime/dates.ts";
import { condText, setText } from "../describe.ts";
import { lowerCond } from "../lower.ts";
import { SetResolver } from "../sets.ts";
import { cond, inWindow, ruleAny, selectCaseChosen } from "./fires.ts";
import { and, code, type Formula } from "./formula.ts";
import type { LayerModel, RuleInfo } from "./model.ts";
import { ask, tick, type Reporter } from "./report.ts";

/** One part of a rule's situation, for explaining a contradiction. */
interface Part {
  text: string;
  span: Span;
  f: (cur: string | undefined) => Formula;
}

/** Runs the dead-rule, dead-case and window checks on a layer. */
export function checkDead(layer: LayerModel, out: Reporter): Set<string> {
  const dead = new Set<string>();
  const resolver = new SetResolver(layer.an.program.sets, layer.an.program.icd10);
  for (const r of layer.rules) {
    layer.an.context = `dead ${r.id}`;
    if (r.t.action.k === "select") checkSelectCases(layer, r, out);
    const res = ask(layer, ruleAny(r.t, layer.an.forms));
    if (res.status !== "unsat") continue;
    dead.add(r.id);
    if (out.has(`DR3003 ${r.id}`)) continue;
    // The same rule may live in another layer (a condition on the payer): say where it is dead.
    const others = layer.an.layers.filter((l) => l !== layer && l.ruleById.get(r.id)?.t === r.t);
    const live = others.filter((l) => ask(l, ruleAny(r.t, l.an.forms)).status !== "unsat");
    const where = live.length === 0 ? "" : ` in ruleset${others.length - live.length + 1 > 1 ? "s" : ""} ${[layer, ...others.filter((l) => !live.includes(l))].map((l) => tick(l.name)).join(", ")}`;
    explainDead(layer, r, resolver, out, where);
  }
  checkWindows(layer, out);
  return dead;
}

function effectiveMeta(r: RuleInfo): Extract<Meta, { kind: "effective" }> | undefined {
  const own = r.program.node.meta.find((m): m is Extract<Meta, { kind: "effective" }> => m.kind === "effective");
  return own;
}

function windowText(w: readonly [number | null, number | null]): string {
  if (w[0] !== null && w[1] !== null) return `effective ${formatDay(w[0])} until ${formatDay(w[1])}`;
  if (w[0] !== null) return `effective ${formatDay(w[0])}`;
  if (w[1] !== null) return `effective until ${formatDay(w[1])}`;
  return "always effective";
}

/** The parts of a rule's situation: window, subject (line scope), and the condition's conjuncts. */
function partsOf(layer: LayerModel, r: RuleInfo, resolver: SetResolver): Part[] {
  const forms = layer.an.forms;
  const node = r.program.node;
  const parts: Part[] = [];
  const w = r.t.effective;
  if (w[0] !== null || w[1] !== null) {
    parts.push({ text: windowText(w), span: effectiveMeta(r)?.span ?? r.span, f: () => inWindow(w) });
  }
  if (node.kind === "select") return parts;
  const line = node.scope === "line";
  if (line && node.subject) {
    const sub = forms.codes(resolver.codes(node.subject));
    parts.push({ text: `line ${setText(node.subject)}`, span: node.subject.span, f: (cur) => (cur === undefined ? and() : code(cur, sub)) });
  }
  let c: Cond | undefined = node.condition;
  while (c?.kind === "paren") c = c.inner;
  const conjuncts = c === undefined ? [] : c.kind === "and" ? c.args : [c];
  for (const a of conjuncts) {
    const t = lowerCond(a, line, resolver);
    parts.push({ text: condText(a), span: a.span, f: (cur) => cond(t, forms, cur) });
  }
  return parts;
}

/** Whether the parts together have a model (line scope: on one current line `t`). */
function partsSat(layer: LayerModel, parts: Part[], line: boolean): "sat" | "unsat" | "unknown" {
  const f = and(...parts.map((p) => p.f(line ? "t" : undefined)));
  return ask(layer, f, line ? [{ name: "t" }] : []).status;
}

function explainDead(layer: LayerModel, r: RuleInfo, resolver: SetResolver, out: Reporter, where: string): void {
  const node = r.program.node;
  const line = r.t.scope === "line";
  const parts = partsOf(layer, r, resolver);
  const base = `rule ${tick(r.id)} can never give a finding${where}`;
  if (node.kind === "rule" && parts.length > 0 && partsSat(layer, parts, line) === "unsat") {
    // Deletion-based core: drop every part the contradiction does not need.
    let core = parts;
    for (const p of parts) {
      const without = core.filter((q) => q !== p);
      if (without.length > 0 && partsSat(layer, without, line) === "unsat") core = without;
    }
    const texts = core.map((p) => tick(p.text));
    const why =
      core.length === 1
        ? `${texts[0]} can never hold`
        : `${texts.slice(0, -1).join(", ")} and ${texts[texts.length - 1]} cannot hold together`;
    out.add("DR3003", "warning", r.span, `${base}: ${why}`, {
      rules: [r.id],
      related: core.map((p) => ({ span: p.span, message: `${tick(p.text)} is part of the contradiction` })),
      hint: "fix the condition or the effective window, or remove the rule",
      layer: layer.name,
      key: `DR3003 ${r.id}`,
    });
    return;
  }
  out.add("DR3003", "warning", r.span, `${base}: ${actionReason(node)}`, {
    rules: [r.id],
    hint: "the condition and the action never meet: check the sets they name",
    layer: layer.name,
    key: `DR3003 ${r.id}`,
  });
}

function actionReason(node: Rule | SelectTable): string {
  if (node.kind === "select") return "no case ever names a code other than the line's own";
  const a = node.action;
  switch (a.kind) {
    case "require-codes":
      return `whenever its condition holds the claim already carries ${tick(setText(a.codes))}`;
    case "forbid-codes":
      return `every line of ${tick(setText(a.codes))} it could forbid is one of its own subject lines`;
    case "limit":
      return `its condition never allows more than ${a.max.text} units of ${tick(setText(a.codes))}${a.per === "line" ? " on a line" : ""}`;
    case "require-modifier":
      return `the lines it checks always carry ${tick(setText(a.modifiers))} when its condition holds`;
    case "forbid-modifier":
      return `the lines it checks never carry ${tick(setText(a.modifiers))} when its condition holds`;
    case "require-dx":
      return `the lines it checks always point to ${tick(setText(a.dx))} when its condition holds`;
    case "deny":
    case "flag":
      return "its condition can never hold";
    default: {
      const never: never = a;
      return never;
    }
  }
}

function checkSelectCases(layer: LayerModel, r: RuleInfo, out: Reporter): void {
  const node = r.program.node;
  if (node.kind !== "select" || r.t.action.k !== "select") return;
  const forms = layer.an.forms;
  const cases = r.t.action.cases;
  cases.forEach((c, i) => {
    const chosen = ask(layer, selectCaseChosen(r.t, i, "t", forms), [{ name: "t" }]);
    if (chosen.status !== "unsat") return;
    const astCase = node.cases[i]!;
    const alone = ask(layer, and(inWindow(r.t.effective), code("t", forms.codes(r.t.subject!)), cond(c.when, forms, "t")), [{ name: "t" }]);
    const label = `case ${i + 1} (${tick(`${condText(astCase.condition)} -> ${c.code}`)})`;
    if (alone.status === "unsat") {
      out.add("DR3006", "warning", astCase.span, `${label} of ${tick(r.id)} is never chosen: its condition can never hold on a line of the table`, {
        rules: [r.id],
        hint: "fix the case's condition or remove the case",
        layer: layer.name,
        key: `DR3006 ${r.id} ${i}`,
      });
      return;
    }
    // Which earlier cases can take its lines.
    const takers = cases
      .slice(0, i)
      .map((p, j) => ({ j, p }))
      .filter(({ p }) => ask(layer, and(code("t", forms.codes(r.t.subject!)), cond(c.when, forms, "t"), cond(p.when, forms, "t")), [{ name: "t" }]).status === "sat");
    out.add("DR3006", "warning", astCase.span, `${label} of ${tick(r.id)} is never chosen: earlier cases take every line it matches`, {
      rules: [r.id],
      related: takers.map(({ j }) => ({ span: node.cases[j]!.span, message: `case ${j + 1} comes first and matches the same lines` })),
      hint: "order the cases from the most specific to the most general",
      layer: layer.name,
      key: `DR3006 ${r.id} ${i}`,
    });
  });
}

/**
 * DR3004: the ruleset's window runs from the earliest date any other rule of the layer names as
 * its start (open when none names one) to the latest date one names as its end (open when one
 * has none). A rule whose window lies wholly before or after it is almost always a typo in a year.
 */
function checkWindows(layer: LayerModel, out: Reporter): void {
  const rules = layer.rules;
  if (rules.length < 2) return;
  for (const r of rules) {
    const others = rules.filter((o) => o !== r);
    const starts = others.map((o) => o.t.effective[0]).filter((d): d is number => d !== null);
    const lo = starts.length > 0 ? Math.min(...starts) : -Infinity;
    const hi = others.some((o) => o.t.effective[1] === null) ? Infinity : Math.max(...others.map((o) => o.t.effective[1]!));
    const [a0, a1] = r.t.effective;
    const before = a1 !== null && a1 < lo;
    const after = a0 !== null && a0 > hi;
    if (!before && !after) continue;
    const span = effectiveMeta(r)?.span ?? r.span;
    const ruleset = before ? `no other rule of ruleset ${tick(layer.name)} starts before ${formatDay(lo)}` : `every other rule of ruleset ${tick(layer.name)} ends by ${formatDay(hi)}`;
    out.add("DR3004", "warning", span, `rule ${tick(r.id)} is ${windowText(r.t.effective)}, outside the ruleset's window: ${ruleset}`, {
      rules: [r.id],
      hint: "check the year of the effective window",
      layer: layer.name,
      key: `DR3004 ${r.id}`,
    });
  }
}

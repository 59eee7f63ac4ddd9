/**
 * DR3002 unsatisfiable requirements: a `require` rule whose demand can never be met without
 * another edit denying the claim.
 *
 * For rule A = `when C require S` (S at most 16 codes) and each code c of S, the solver decides
 *
 *     situation(A) ∧ "a line of c" ∧ ⋀ { X gives no error : X ∈ D(c) }
 *
 * where D(c) are the rules and table edits that can only give an error when c is on the claim
 * (PTP pairs with c, the MUE and add-on edits of c, and the error rules whose every error needs
 * a line of c — itself a solver question). No model for every c: the requirement is
 * unsatisfiable — every claim where A applies either lacks S (A denies it) or carries some c of
 * S (and D(c) denies it). The showcase is `when 17003 count>14 require 17004` beside PTP
 * 17004/17003 with indicator 0. `require modifier M` is checked the same way per modifier, with
 * the rules that need that modifier.
 *
 * Requirements the situation itself makes impossible to meet (`when 17003 and not 17004
 * require 17004`) are not unsatisfiable in this sense: adding c ends the situation.
 */
import { exists, and, not, hasCode, type Formula } from "./formula.ts";
import { cond, inWindow, ruleAny, situation, subject } from "./fires.ts";
import type { LayerModel, RuleInfo } from "./model.ts";
import { containsCode, single } from "./ranks.ts";
import { ask, describeId, inLayer, relatedOf, tick, type Reporter } from "./report.ts";
import { codeSetsOfRule, modifiersOfRule } from "./walk.ts";
import { checkEvidence, claimOf, claimText, run, type Evidence } from "./witness.ts";
import { codeAtRank } from "../codes.ts";
import type { Claim } from "../../runtime/types.ts";
import { condText, setText } from "../describe.ts";

/** The rule's situation as the coder wrote it: `17003 count > 14`, `line 11200 and lesionCount > 15`. */
function situationText(r: RuleInfo): string {
  const node = r.program.node;
  if (node.kind === "select") return tick(`line ${setText(node.subject)}`);
  if (node.scope === "line") return tick(`line ${setText(node.subject!)}${node.condition ? ` and ${condText(node.condition)}` : ""}`);
  return node.condition ? tick(condText(node.condition)) : "its condition";
}

const MAX_CODES = 16;

/**
 * The rule's severity (warning at most for a warning rule); info when every blocker is a rule
 * of the layer itself and the requirement is inherited: a payer layer that denies what the
 * base asks for changes the policy on purpose.
 */
function severityOf(layer: LayerModel, r: RuleInfo, blockers: readonly string[]): "error" | "warning" | "info" {
  if (r.definedIn !== layer.name && blockers.every((id) => layer.ruleById.get(id)?.definedIn === layer.name)) return "info";
  return r.t.severity === "error" ? "error" : "warning";
}

/** Runs the check on a layer; returns the ids of the rules found unsatisfiable. */
export function checkUnsatisfiable(layer: LayerModel, out: Reporter, dead: ReadonlySet<string>): Set<string> {
  const found = new Set<string>();
  for (const r of layer.rules) {
    layer.an.context = `unsatisfiable ${r.id}`;
    if (dead.has(r.id)) continue;
    const a = r.t.action;
    if (a.k === "require-codes") {
      const s = layer.an.forms.codes(a.set);
      let n = 0;
      for (const [lo, hi] of s) n += hi - lo + 1;
      if (n === 0 || n > MAX_CODES) continue;
      const codes: string[] = [];
      for (const [lo, hi] of s) for (let k = lo; k <= hi; k++) codes.push(codeAtRank(k));
      if (requireCodes(layer, r, codes, out)) found.add(r.id);
    } else if (a.k === "require-modifier") {
      if (requireModifier(layer, r, a.set, a.on ? layer.an.forms.codes(a.on) : undefined, out)) found.add(r.id);
    }
  }
  return found;
}

/** The rules and edits that can only give an error when a line of `code` is on the claim. */
function needing(layer: LayerModel, code: string, self: RuleInfo): string[] {
  const out = [...layer.ptpInvolving(code), ...layer.mueOf(code), ...layer.aocOf(code)].map((e) => e.id);
  for (const b of layer.rules) {
    if (b === self || b.t.severity !== "error") continue;
    if (!codeSetsOfRule(b.t).some((s) => containsCode(layer.an.forms.codes(s), code))) continue;
    // B needs the code when no claim without it gets an error of B.
    if (ask(layer, and(layer.errorAny(b.id), not(hasCode(single(code))))).status === "unsat") out.push(b.id);
  }
  return out;
}

/** The rules that can only give an error when some line carries modifier `m`. */
function needingModifier(layer: LayerModel, m: string, self: RuleInfo): string[] {
  const out: string[] = [];
  for (const b of layer.rules) {
    if (b === self || b.t.severity !== "error" || !modifiersOfRule(b.t).includes(m)) continue;
    const noM = not(exists((v) => ({ k: "mod", l: v, set: [m] })));
    if (ask(layer, and(layer.errorAny(b.id), noM)).status === "unsat") out.push(b.id);
  }
  return out;
}

/** A claim where A fires (the witness), preferring one where nothing else gives an error. */
function firingClaim(layer: LayerModel, r: RuleInfo): Claim | undefined {
  const clean: string[] = [];
  let best: Claim | undefined;
  for (let round = 0; round < 6; round++) {
    const res = ask(layer, and(ruleAny(r.t, layer.an.forms), ...clean.map((id) => not(layer.errorAny(id)))));
    if (res.status !== "sat") return best;
    const { claim } = claimOf(res.model, { hide: [] }, `check-unsatisfiable-${r.id}`);
    best ??= claim;
    const result = run(layer.an, claim);
    const extra = [...new Set(result?.findings.filter((f) => f.severity === "error" && f.rule !== r.id).map((f) => f.rule) ?? [])].filter((id) => !clean.includes(id));
    if (extra.length === 0) return claim;
    clean.push(...extra);
  }
  return best;
}

function requireCodes(layer: LayerModel, r: RuleInfo, codes: string[], out: Reporter): boolean {
  const forms = layer.an.forms;
  const sit = situation(r.t, forms);
  const blockers = new Map<string, string[]>();
  const evidence: Evidence[] = [];
  const w = firingClaim(layer, r);
  if (!w) return false;
  evidence.push({ note: `rule \`${r.id}\` gives a finding`, claim: w, expect: [{ rule: r.id }] });
  for (const c of codes) {
    const withC = and(sit, hasCode(single(c)));
    const alone = ask(layer, withC);
    // Adding c ends the situation (or the question is undecided): not blocked.
    if (alone.status !== "sat") return false;
    const d = needing(layer, c, r);
    if (d.length === 0) return false;
    const q = ask(layer, and(withC, ...d.map((id) => not(layer.errorAny(id)))));
    if (q.status !== "unsat") return false;
    // Name the edits that deny the claim with c: on the witness plus c, else on the model with c.
    const plus: Claim = { ...w, id: `${w.id}-with-${c}`, lines: [...w.lines, { code: c, units: 1 }] };
    const candidates = [plus, claimOf(alone.model, { hide: [] }, `${w.id}-with-${c}`).claim];
    let named: string[] = [];
    let shown: Claim | undefined;
    for (const claim of candidates) {
      const res = run(layer.an, claim);
      const hits = [...new Set(res?.findings.filter((f) => f.severity === "error" && d.includes(f.rule)).map((f) => f.rule) ?? [])];
      if (hits.length > 0) {
        named = hits;
        shown = claim;
        break;
      }
    }
    if (!shown) {
      layer.an.undecided++;
      return false;
    }
    blockers.set(c, named);
    evidence.push({ note: `with \`${c}\` the claim is denied by ${named.map((n) => `\`${n}\``).join(", ")}`, claim: shown, expect: named.map((rule) => ({ rule, severity: "error" as const })) });
  }
  if (evidence.some((e) => checkEvidence(layer.an, e) !== undefined)) {
    layer.an.undecided++;
    return false;
  }
  const all = [...new Set([...blockers.values()].flat())];
  const sev = severityOf(layer, r, all);
  const per = [...blockers].map(([c, ids]) => `with ${tick(c)} by ${ids.map((id) => describeId(layer, id)).join(" and ")}`).join(", ");
  out.add("DR3002", sev, r.span, `rule ${tick(r.id)} can never be satisfied${inLayer(layer)}: every claim where ${situationText(r)} holds is denied — without ${codes.map(tick).join(" or ")} by this rule, ${per}`, {
    rules: [r.id, ...all],
    related: all.flatMap((id) => relatedOf(layer, id, `${describeId(layer, id)} denies every such claim that meets the requirement`)),
    hint: `witness: ${claimText(w)}; narrow the condition, require something the other edits allow, or make the rule a \`deny\` whose fix says what to bill instead`,
    witness: w,
    evidence,
    layer: layer.name,
    key: `DR3002 ${r.id}`,
  });
  return true;
}

function requireModifier(layer: LayerModel, r: RuleInfo, mods: readonly string[], on: ReturnType<LayerModel["an"]["forms"]["codes"]> | undefined, out: Reporter): boolean {
  const forms = layer.an.forms;
  const t = r.t;
  // A target line of the rule, carrying m.
  const target = (m: string): Formula => {
    const carries: Formula = { k: "mod", l: "t", set: [m] };
    if (t.scope === "line") {
      if (on) return and(situation(t, forms), { k: "code", l: "t", set: on }, carries);
      return and(inWindow(t.effective), { k: "code", l: "t", set: forms.codes(t.subject ?? t.triggers) }, cond(t.when, forms, "t"), carries);
    }
    return and(inWindow(t.effective), cond(t.when, forms), on ? { k: "code", l: "t", set: on } : subject("t", t.when, forms), carries);
  };
  if (mods.length === 0 || mods.length > MAX_CODES) return false;
  const blockers = new Map<string, string[]>();
  const w = firingClaim(layer, r);
  if (!w) return false;
  const evidence: Evidence[] = [{ note: `rule \`${r.id}\` gives a finding`, claim: w, expect: [{ rule: r.id }] }];
  for (const m of mods) {
    const alone = ask(layer, target(m), [{ name: "t" }]);
    if (alone.status !== "sat") return false;
    const d = needingModifier(layer, m, r);
    if (d.length === 0) return false;
    const q = ask(layer, and(target(m), ...d.map((id) => not(layer.errorAny(id)))), [{ name: "t" }]);
    if (q.status !== "unsat") return false;
    const claim = claimOf(alone.model, { hide: [] }, `${w.id}-with-${m}`).claim;
    const res = run(layer.an, claim);
    const hits = [...new Set(res?.findings.filter((f) => f.severity === "error" && d.includes(f.rule)).map((f) => f.rule) ?? [])];
    if (hits.length === 0) {
      layer.an.undecided++;
      return false;
    }
    blockers.set(m, hits);
    evidence.push({ note: `with modifier \`${m}\` the claim is denied by ${hits.map((n) => `\`${n}\``).join(", ")}`, claim, expect: hits.map((rule) => ({ rule, severity: "error" as const })) });
  }
  if (evidence.some((e) => checkEvidence(layer.an, e) !== undefined)) {
    layer.an.undecided++;
    return false;
  }
  const all = [...new Set([...blockers.values()].flat())];
  const per = [...blockers].map(([m, ids]) => `with ${tick(m)} by ${ids.map((id) => describeId(layer, id)).join(" and ")}`).join(", ");
  out.add("DR3002", severityOf(layer, r, all), r.span, `rule ${tick(r.id)} can never be satisfied${inLayer(layer)}: every line it checks where ${situationText(r)} holds is denied — without modifier ${mods.map(tick).join(" or ")} by this rule, ${per}`, {
    rules: [r.id, ...all],
    related: all.flatMap((id) => relatedOf(layer, id, `${describeId(layer, id)} denies the line with the required modifier`)),
    hint: `witness: ${claimText(w)}; the rules ask for opposite things on the same lines: decide which one is right`,
    witness: w,
    evidence,
    layer: layer.name,
    key: `DR3002 ${r.id}`,
  });
  return true;
}

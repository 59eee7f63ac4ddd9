/**
 * DR3001 conflicts: following what a rule asks for gets the thing it asked for denied.
 *
 * A rule *demands* something when it gives a finding:
 * - a code: `require S` (any code of S), `fix add …`, `fix replace F with …` (the lines of F go,
 *   a line of the new code comes). The added line is the one a coder adds: that code, 1 unit, no
 *   modifiers, no pointers (it relates to every diagnosis);
 * - a code in place: a select table's case replaces the line's code and keeps the rest of it;
 * - a modifier: `require modifier M` (any of M), `fix add modifier m`, added to the line the
 *   finding is on.
 *
 * The question, per rule A and demand, is decided by the solver on one model that holds two
 * claims through views (formula.ts): W, on which A gives a finding and nothing else gives an
 * error, and W' = W after the demand is met, on which a denier gives an error on the added (or
 * changed) line — for every alternative of the demand. Deniers: error rules that forbid
 * (`forbid`, `deny`, `flag`, `limit`, `select`), PTP pairs with indicator 0 (no modifier helps;
 * indicator 1 only asks for one), MUE (not for codes replaced in place: their units are the
 * coder's to set). W's lines are those A's finding and W's cleanness need: a denial may not bring
 * a line of its own (formula.ts `noNewLines`). "Nothing else gives an error on W" is refined
 * lazily: a model whose W the runtime denies for another reason X is excluded by adding "X gives
 * no error" and asking again. Every reported witness is checked on the runtime.
 */
import type { TRule } from "../../runtime/table.ts";
import { codeAtRank as codeAt } from "../codes.ts";
import { ruleAny, ruleAt, selectCaseAt } from "./fires.ts";
import { and, code, inView, noNewLines, not, or, someLine, type Formula, type View } from "./formula.ts";
import type { Edit, LayerModel, RuleInfo } from "./model.ts";
import { containsCode, single, type RankSet } from "./ranks.ts";
import { ask, describeId, inLayer, relatedOf, tick, type Reporter } from "./report.ts";
import type { NamedLine } from "./solver.ts";
import { flagSet, modifiersOfRule } from "./walk.ts";
import { checkEvidence, claimOf, claimText, run, type Evidence } from "./witness.ts";
import type { Claim } from "../../runtime/types.ts";

/** At most this many alternatives of a demand are analysed (`require 11600-11646` is skipped). */
const MAX_ALTERNATIVES = 8;
/** At most this many refinements ("and X gives no error") per question. */
const MAX_REFINEMENTS = 8;
/** At most this many distinct deniers are reported per demand. */
const MAX_DENIERS = 3;

type Demand =
  | { kind: "add"; codes: string[]; via: "require" | "fix add" | "fix replace"; remove?: RankSet }
  | { kind: "modifier"; mods: string[]; via: "require" | "fix"; to?: RankSet }
  | { kind: "select"; caseIndex: number; code: string };

/** What a rule asks for when it gives a finding. */
function demandsOf(r: TRule, layer: LayerModel): Demand[] {
  const forms = layer.an.forms;
  const a = r.action;
  const fix = r.fix;
  const out: Demand[] = [];
  if (fix?.op === "add-code") out.push({ kind: "add", codes: fix.codes, via: "fix add" });
  else if (fix?.op === "replace") out.push({ kind: "add", codes: fix.codes, via: "fix replace", remove: forms.codes(fix.from) });
  else if (a.k === "require-codes") {
    const codes = singleCodesOf(forms.codes(a.set));
    if (codes) out.push({ kind: "add", codes, via: "require" });
  }
  if (fix?.op === "add-modifier") out.push({ kind: "modifier", mods: [fix.modifier], via: "fix", ...(fix.to && { to: forms.codes(fix.to) }) });
  else if (a.k === "require-modifier" && fix === undefined) out.push({ kind: "modifier", mods: a.set.slice(0, MAX_ALTERNATIVES), via: "require" });
  if (a.k === "select" && fix === undefined) a.cases.forEach((c, i) => out.push({ kind: "select", caseIndex: i, code: c.code }));
  return out;
}

function singleCodesOf(s: RankSet): string[] | undefined {
  let n = 0;
  for (const [lo, hi] of s) n += hi - lo + 1;
  if (n === 0 || n > MAX_ALTERNATIVES) return undefined;
  const out: string[] = [];
  for (const [lo, hi] of s) for (let k = lo; k <= hi; k++) out.push(codeAt(k));
  return out;
}

/**
 * The actions that forbid: their finding says the line must go or change. `require …` rules
 * and add-on edits ask for more (a code, a modifier, a primary), so a fix that trips them is a
 * fix in two steps, not a conflict.
 */
const FORBIDDING: ReadonlySet<TRule["action"]["k"]> = new Set(["forbid-codes", "forbid-modifier", "deny", "flag", "limit", "select"]);

/** A candidate denier of a line: its id and its "error on this line" formula. */
interface Denier {
  id: string;
  at: (l: string) => Formula;
}

/** Who can deny a line of `code` that a fix adds or changes. */
function deniersOf(layer: LayerModel, codeValue: string, self: RuleInfo, opts: { includeSelf: boolean; mue: boolean }): Denier[] {
  const forms = layer.an.forms;
  const out: Denier[] = [];
  for (const b of layer.rules) {
    if (b.t.severity !== "error" || !FORBIDDING.has(b.t.action.k)) continue;
    if (b === self && !opts.includeSelf) continue;
    if (!containsCode(flagSet(b.t, forms).codes, codeValue)) continue;
    out.push({ id: b.id, at: (l) => ruleAt(b.t, l, forms) });
  }
  const edits: Edit[] = [...layer.ptpForbidding(codeValue)];
  if (opts.mue) edits.push(...layer.mueOf(codeValue));
  for (const e of edits) out.push({ id: e.id, at: (l) => layer.editAt(e, l, e.kind === "ptp") });
  return out;
}

/** Who can deny a line because modifier `m` was added to it. */
function modDeniers(layer: LayerModel, m: string, self: RuleInfo): Denier[] {
  const forms = layer.an.forms;
  return layer.rules
    .filter((b) => b !== self && b.t.severity === "error" && FORBIDDING.has(b.t.action.k) && modifiersOfRule(b.t).includes(m))
    .map((b) => ({ id: b.id, at: (l: string) => ruleAt(b.t, l, forms) }));
}

/** One question: the lines it names, the formula about W, and per alternative the W' part. */
interface Question {
  named: NamedLine[];
  /** What must hold on W (before the demand is met), in W's view. */
  before: Formula;
  wView: View;
  alts: { label: string; view: View; line: string; deniers: Denier[] }[];
  /** The line of W the demand is about (for the evidence), if any. */
  target?: string;
}

function buildQuestion(layer: LayerModel, r: RuleInfo, d: Demand): Question | undefined {
  const forms = layer.an.forms;
  switch (d.kind) {
    case "add": {
      const names = d.codes.map((_, i) => `e${i + 1}`);
      const named: NamedLine[] = d.codes.map((c, i) => ({ name: names[i]!, canonical: c }));
      const wView: View = { hide: names };
      const alts = d.codes.map((c, i) => ({
        label: c,
        view: { hide: names.filter((_, j) => j !== i), ...(d.remove && { hideCodes: d.remove, keep: [names[i]!] }) } as View,
        line: names[i]!,
        deniers: deniersOf(layer, c, r, { includeSelf: false, mue: true }),
      }));
      return { named, before: ruleAny(r.t, forms), wView, alts };
    }
    case "modifier": {
      const names = d.mods.map((_, i) => `m${i + 1}`);
      const named: NamedLine[] = [{ name: "t" }, ...d.mods.map((m, i) => ({ name: names[i]!, tie: { to: "t", codeTied: true, addMod: m } }))];
      const before = d.to ? and(ruleAny(r.t, forms), code("t", d.to)) : ruleAt(r.t, "t", forms);
      const alts = d.mods.map((m, i) => ({
        label: m,
        view: { hide: ["t", ...names.filter((_, j) => j !== i)] } as View,
        line: names[i]!,
        deniers: modDeniers(layer, m, r),
      }));
      return { named, before, wView: { hide: names }, alts, target: "t" };
    }
    case "select": {
      const named: NamedLine[] = [{ name: "t" }, { name: "t2", tie: { to: "t", codeTied: false } }];
      const deniers = deniersOf(layer, d.code, r, { includeSelf: true, mue: false });
      return {
        named,
        before: selectCaseAt(r.t, d.caseIndex, "t", forms),
        wView: { hide: ["t2"] },
        alts: [{ label: d.code, view: { hide: ["t"] }, line: "t2", deniers: deniers.map((x) => ({ id: x.id, at: (l: string) => and(code(l, single(d.code)), x.at(l)) })) }],
        target: "t",
      };
    }
    default: {
      const never: never = d;
      return never;
    }
  }
}

/** The rules and edits a runtime result shows errors of, other than `allowed`. */
function otherErrors(claimResult: ReturnType<typeof run>, allowed: string[]): string[] {
  if (!claimResult) return [];
  return [...new Set(claimResult.findings.filter((f) => f.severity === "error" && !allowed.includes(f.rule)).map((f) => f.rule))];
}

/** Runs the conflict check on a layer. `skip`: rules whose requirement is already unsatisfiable. */
export function checkConflicts(layer: LayerModel, out: Reporter, skip: ReadonlySet<string>, dead: ReadonlySet<string>): void {
  for (const r of layer.rules) {
    layer.an.context = `conflict ${r.id}`;
    if (dead.has(r.id)) continue;
    for (const d of demandsOf(r.t, layer)) {
      if (d.kind === "add" && d.via === "require" && skip.has(r.id)) continue;
      const q = buildQuestion(layer, r, d);
      if (!q || q.alts.some((a) => a.deniers.length === 0)) continue;
      askConflict(layer, r, d, q, out);
    }
  }
}

/**
 * The rules and edits that kept earlier witnesses from being clean, per layer: W must be clean
 * of every error but A's, so asking that up front for the usual suspects saves rounds.
 */
const learnedClean = new WeakMap<LayerModel, string[]>();

function askConflict(layer: LayerModel, r: RuleInfo, d: Demand, q: Question, out: Reporter): void {
  let learned = learnedClean.get(layer);
  if (!learned) learnedClean.set(layer, (learned = []));
  // W is clean of the deniers too (their denial must be new), and of what spoilt earlier witnesses.
  const deniers = new Set(q.alts.flatMap((a) => a.deniers.map((x) => x.id)));
  const clean: string[] = [...new Set([...deniers, ...learned])].filter((id) => id !== r.id);
  const excluded: { alt: number; id: string }[] = [];
  let reported = 0;
  let refinements = 0;
  for (let round = 0; round < MAX_REFINEMENTS + MAX_DENIERS + 1; round++) {
    const f = and(
      // W is a claim: it has a line of its own, even when A's finding needs none.
      inView(and(q.before, someLine(), ...clean.map((id) => not(layer.errorAny(id)))), q.wView),
      // The denial may use only lines W already has (those A's finding and W's cleanness need):
      // a denial that needs a line of its own is about that line, not about A's demand.
      ...q.alts.map((a, i) =>
        inView(
          noNewLines(or(...a.deniers.filter((x) => !excluded.some((e) => e.alt === i && e.id === x.id)).map((x) => x.at(a.line)))),
          a.view,
        ),
      ),
    );
    const res = ask(layer, f, q.named);
    if (res.status !== "sat") return;
    const m = res.model;
    const w = claimOf(m, q.wView, `check-conflict-${r.id}`);
    const wResult = run(layer.an, w.claim);
    const extra = otherErrors(wResult, [r.id]);
    if (extra.length > 0) {
      // W is denied for another reason: ask again without that reason.
      const fresh = extra.filter((id) => !clean.includes(id));
      if (fresh.length === 0 || ++refinements > MAX_REFINEMENTS) {
        // An error the formulas do not capture (an add-on falling with its primary), or too many
        // rounds: the question stays open.
        layer.an.undecided++;
        layer.an.undecidedAbout.push(`${layer.an.context} (no clean witness after ${refinements} refinements)`);
        return;
      }
      clean.push(...fresh);
      for (const id of fresh) if (!learned.includes(id)) learned.push(id);
      continue;
    }
    const evidence: Evidence[] = [
      {
        note: `rule \`${r.id}\` gives a finding`,
        claim: w.claim,
        expect: [{ rule: r.id, ...(q.target !== undefined && w.lineNo.has(q.target) && { line: w.lineNo.get(q.target)! }) }],
        onlyErrorsFrom: [r.id],
      },
    ];
    const names: string[] = [];
    let ok = true;
    q.alts.forEach((a, i) => {
      const after = claimOf(m, a.view, `check-conflict-${r.id}-after-${a.label}`);
      const res2 = run(layer.an, after.claim);
      const line = after.lineNo.get(a.line)!;
      const denier = a.deniers.find((x) => !excluded.some((e) => e.alt === i && e.id === x.id) && res2?.findings.some((f) => f.rule === x.id && f.severity === "error" && f.lines.includes(line)));
      if (!denier) {
        ok = false;
        return;
      }
      names.push(denier.id);
      evidence.push({ note: `after the demand is met (${a.label}), \`${denier.id}\` denies line ${line}`, claim: after.claim, expect: [{ rule: denier.id, line, severity: "error" }] });
    });
    if (!ok || evidence.some((e) => checkEvidence(layer.an, e) !== undefined)) {
      // The model does not show the conflict on the runtime (an approximation in a formula):
      // count it as undecided rather than report something unverified.
      layer.an.undecided++;
      layer.an.undecidedAbout.push(`${layer.an.context} (the witness does not hold on the runtime)`);
      return;
    }
    report(layer, r, d, names, w.claim, evidence, out);
    reported++;
    if (q.alts.length > 1 || reported >= MAX_DENIERS) return;
    excluded.push({ alt: 0, id: names[0]! });
  }
}

function report(layer: LayerModel, r: RuleInfo, d: Demand, deniers: string[], witness: Claim, evidence: Evidence[], out: Reporter): void {
  const what = (() => {
    switch (d.kind) {
      case "add":
        return d.via === "require"
          ? `rule ${tick(r.id)} requires ${d.codes.map(tick).join(" or ")}`
          : d.via === "fix add"
            ? `the fix of rule ${tick(r.id)} adds ${d.codes.map(tick).join(" or ")}`
            : `the fix of rule ${tick(r.id)} replaces lines with ${d.codes.map(tick).join(" or ")}`;
      case "modifier":
        return d.via === "require" ? `rule ${tick(r.id)} requires modifier ${d.mods.map(tick).join(" or ")}` : `the fix of rule ${tick(r.id)} adds modifier ${tick(d.mods[0]!)}`;
      case "select":
        return `rule ${tick(r.id)} selects ${tick(d.code)} (case ${d.caseIndex + 1})`;
      default: {
        const never: never = d;
        return never;
      }
    }
  })();
  const unique = [...new Set(deniers)];
  const by = unique.map((id) => describeId(layer, id)).join(" and ");
  // A payer layer that denies what an inherited rule asks for changes the base policy on
  // purpose: say so, without failing the check.
  const byLayer = unique.every((id) => layer.ruleById.get(id)?.definedIn === layer.name) && r.definedIn !== layer.name;
  const severity = byLayer ? "info" : r.t.severity === "error" ? "error" : "warning";
  out.add("DR3001", severity, r.span, `${what}, but ${by} then denies it${inLayer(layer)}`, {
    rules: [r.id, ...unique],
    related: unique.flatMap((id) => relatedOf(layer, id, `${describeId(layer, id)} denies what ${tick(r.id)} asks for`)),
    hint: byLayer
      ? `ruleset ${tick(layer.name)} denies what the inherited rule asks for: \`override\` or \`disable\` ${tick(r.id)} there if its advice does not apply`
      : `witness: ${claimText(witness)} gets the finding; met as asked, the claim is denied (evidence in \`--format json\`)`,
    witness,
    evidence,
    layer: layer.name,
    key: `DR3001 ${r.id} ${d.kind} ${d.kind === "select" ? d.caseIndex : ""} ${unique.join(" ")}`,
  });
}

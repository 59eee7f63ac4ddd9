/**
 * DR3005 shadowed rules and DR3007 duplicates.
 *
 * Rule A is shadowed by B (a rule, or a table edit) when every finding A gives is on lines that
 * B flags too, with the same or a higher severity: no claim `ruleAt(A, t) ∧ ¬ruleAt(B, t)` and no
 * claim where A gives a claim-wide finding and B does not (fires.ts). A then never changes a
 * verdict. Two rules that shadow each other with one severity have the same effect (DR3007);
 * two rules whose compiled logic is identical are duplicates whatever their severity.
 *
 * Pairs are filtered before the solver is asked: B must be able to flag every code A can flag
 * (walk.ts `flagSet`). Table edits are candidates only for rules that flag a single code.
 */
import { canonicalJson } from "../emit.ts";
import { ruleAt, ruleClaimWide } from "./fires.ts";
import { and, not } from "./formula.ts";
import type { Edit, LayerModel, RuleInfo } from "./model.ts";
import { isSubset, size, codesOf } from "./ranks.ts";
import { ask, describeEdit, inLayer, relatedOf, tick, type Reporter } from "./report.ts";
import { flagSet } from "./walk.ts";

const RANK = { info: 0, warning: 1, error: 2 } as const;

/** Runs the checks on a layer (dead rules are left out: they shadow nothing and are reported). */
export function checkShadowed(layer: LayerModel, out: Reporter, dead: ReadonlySet<string>): void {
  const forms = layer.an.forms;
  const live = layer.rules.filter((r) => !dead.has(r.id));
  const flags = new Map(live.map((r) => [r, flagSet(r.t, forms)]));
  const logic = new Map(live.map((r) => [r, canonicalJson({ scope: r.t.scope, subject: r.t.subject ?? null, when: r.t.when, action: r.t.action, effective: r.t.effective })]));
  const order = (r: RuleInfo): string => `${r.span.file}\u0000${String(r.span.start).padStart(10, "0")}`;

  // Identical logic under two ids.
  const reportedPairs = new Set<string>();
  for (const a of live) {
    for (const b of live) {
      if (a === b || order(b) >= order(a) || logic.get(a) !== logic.get(b)) continue;
      reportedPairs.add(`${a.id} ${b.id}`).add(`${b.id} ${a.id}`);
      duplicate(layer, a, b, "the same condition and action", out);
    }
  }

  const shadows = (a: RuleInfo, b: RuleInfo): boolean => {
    const fa = flags.get(a)!;
    const fb = flags.get(b)!;
    if (RANK[b.t.severity] < RANK[a.t.severity]) return false;
    if (!isSubset(fa.codes, fb.codes) || (fa.claimWide && !fb.claimWide)) return false;
    const at = ask(layer, and(ruleAt(a.t, "t", forms), not(ruleAt(b.t, "t", forms))), [{ name: "t" }]);
    if (at.status !== "unsat") return false;
    if (!fa.claimWide) return true;
    return ask(layer, and(ruleClaimWide(a.t, forms), not(ruleClaimWide(b.t, forms)))).status === "unsat";
  };

  for (const a of live) {
    layer.an.context = `shadow ${a.id}`;
    const by: RuleInfo[] = [];
    for (const b of live) {
      if (a === b || reportedPairs.has(`${a.id} ${b.id}`)) continue;
      if (!shadows(a, b)) continue;
      if (a.t.severity === b.t.severity && shadows(b, a)) {
        // The same effect both ways: one duplicate diagnostic, on the later rule.
        reportedPairs.add(`${a.id} ${b.id}`).add(`${b.id} ${a.id}`);
        const [later, first] = order(a) > order(b) ? [a, b] : [b, a];
        duplicate(layer, later, first, "the same findings on every claim", out);
        continue;
      }
      by.push(b);
    }
    if (by.length > 0) {
      reportShadow(layer, a, by, out);
      continue;
    }
    // Table edits: only for a rule that flags one code.
    const fa = flags.get(a)!;
    const only = fa.claimWide || size(fa.codes) !== 1 ? undefined : codesOf(fa.codes, 1)![0]!;
    if (only === undefined) continue;
    const edits: Edit[] = [...layer.ptpDenying(only), ...layer.mueOf(only), ...layer.aocOf(only)];
    for (const e of edits) {
      const q = ask(layer, and(ruleAt(a.t, "t", forms), not(layer.editAt(e, "t"))), [{ name: "t" }]);
      if (q.status !== "unsat") continue;
      out.add("DR3005", "warning", a.span, `rule ${tick(a.id)} is shadowed by the CMS edit ${describeEdit(e)}${inLayer(layer)}: every finding it gives is on a line that edit already denies`, {
        rules: [a.id, e.id],
        related: [{ span: e.src.ref.ref.span, message: `${describeEdit(e)} is loaded here` }],
        hint: "the rule restates a CMS table edit: remove it, or keep it only for its message",
        layer: layer.name,
        key: `DR3005 ${a.id} ${e.id}`,
      });
      break;
    }
  }
}

function reportShadow(layer: LayerModel, a: RuleInfo, by: RuleInfo[], out: Reporter): void {
  // A rule a payer layer adds may well make an inherited rule moot: that is layering, not a defect.
  const severity = by.every((b) => b.definedIn !== a.definedIn && b.definedIn === layer.name && a.definedIn !== layer.name) ? "info" : "warning";
  const names = by.slice(0, 3).map((b) => tick(b.id));
  out.add("DR3005", severity, a.span, `rule ${tick(a.id)} is shadowed by ${names.join(", ")}${by.length > 3 ? ` and ${by.length - 3} more` : ""}${inLayer(layer)}: every finding it gives is on lines ${by.length === 1 ? "that rule" : "those rules"} already flag${by.length === 1 ? "s" : ""} with the same or a higher severity`, {
    rules: [a.id, ...by.map((b) => b.id)],
    related: by.slice(0, 3).flatMap((b) => relatedOf(layer, b.id, `${tick(b.id)} (${b.t.severity}) flags every such line`)),
    hint: severity === "info" ? "the layer's own rule covers the inherited one on these claims" : "remove the rule, or narrow the other one if both are meant",
    layer: layer.name,
    key: `DR3005 ${a.id} ${by.map((b) => b.id).join(" ")}`,
  });
}

function duplicate(layer: LayerModel, later: RuleInfo, first: RuleInfo, how: string, out: Reporter): void {
  out.add("DR3007", "warning", later.span, `rules ${tick(later.id)} and ${tick(first.id)} have ${how}${inLayer(layer)}: one of them is redundant`, {
    rules: [later.id, first.id],
    related: relatedOf(layer, first.id, `${tick(first.id)} is defined here`),
    hint: "keep one rule (merge their messages and sources)",
    layer: layer.name,
    key: `DR3007 ${[later.id, first.id].sort().join(" ")}`,
  });
}

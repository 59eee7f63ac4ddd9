/**
 * Test coverage of the rules, with `dermrules test --coverage`'s meaning: a rule is exercised
 * when a test block's claim gets a finding of it, or an expectation names it (`expect no X`
 * counts: it asserts the rule stays quiet on that claim).
 *
 * - DR3020: a rule in force that no test exercises.
 * - DR3021: an expectation whose id (or `prefix.*`) names no rule, no table edit and no runtime
 *   finding of the layer the test's claim is evaluated in: it can never fail (`expect no`) or
 *   never pass.
 */
import type { Expectation, TestBlock } from "../../grammar/ast.ts";
import { claimOfTest, ruleMatches } from "../test-blocks.ts";
import type { Analysis, LayerModel } from "./model.ts";
import { tick, type Reporter } from "./report.ts";
import { run } from "./witness.ts";

/** The runtime's own finding ids. */
const RUNTIME_IDS = ["dermrules.payer.unknown", "dermrules.icd10.header", "dermrules.icd10.unknown", "dermrules.batch.duplicate-id"];

/** Whether some table edit of the layer has an id the pattern matches. */
function editMatches(layer: LayerModel, pattern: string): boolean {
  if (!pattern.endsWith(".*")) return layer.editById(pattern) !== undefined;
  const p = pattern.slice(0, -1);
  const tables = [
    ...layer.ptp.map((t) => ({ head: `${t.idPrefix}.`, ids: () => [...t.pairs].flatMap(([a, row]) => [...row.keys()].map((b) => `${a}.${b}`)) })),
    ...layer.mue.map((t) => ({ head: `${t.idPrefix}.`, ids: () => [...t.limits.keys()] })),
    ...layer.aoc.map((t) => ({ head: `${t.idPrefix}.`, ids: () => [...t.addons.keys()] })),
  ];
  for (const t of tables) {
    if (t.head.startsWith(p)) return true;
    if (p.startsWith(t.head)) {
      const rest = p.slice(t.head.length);
      if (t.ids().some((id) => id.startsWith(rest))) return true;
    }
  }
  return false;
}

/** Runs the coverage checks. */
export function checkCoverage(an: Analysis, out: Reporter): void {
  const exercised = new Set<string>();
  for (const t of an.program.tests) {
    const claim = claimOfTest(t.block);
    const result = run(an, claim);
    for (const f of result?.findings ?? []) exercised.add(f.rule);
    for (const e of t.block.expectations) {
      if (e.kind === "expect-verdict") continue;
      exercised.add(e.rule.text);
      checkExpectation(an, e, t.block, out);
    }
  }
  const patterns = [...exercised];
  for (const layer of an.layers) {
    for (const r of layer.rules) {
      if (patterns.some((p) => ruleMatches(p, r.id))) continue;
      out.add("DR3020", "warning", r.span, `rule ${tick(r.id)} is not exercised by any test block`, {
        rules: [r.id],
        hint: "add a `test` block whose claim gets the finding (and one where it must not)",
        layer: layer.name,
        key: `DR3020 ${r.id} ${r.span.file} ${r.span.start}`,
      });
    }
  }
}

/**
 * An id that names something in some layer is fine even where the test's claim cannot get it:
 * `expect no example-payer.*` on a CMS claim documents the layer boundary.
 */
function checkExpectation(an: Analysis, e: Exclude<Expectation, { kind: "expect-verdict" }>, block: TestBlock, out: Reporter): void {
  const id = e.rule.text;
  if (RUNTIME_IDS.some((r) => ruleMatches(id, r))) return;
  for (const layer of an.layers) {
    if (layer.rules.some((r) => ruleMatches(id, r.id)) || editMatches(layer, id)) return;
  }
  if (an.table.rules.some((r) => ruleMatches(id, r.id))) return;
  out.add("DR3021", "warning", e.rule.span, `test ${tick(block.name.value)} expects ${e.kind === "expect-no" ? "no finding of " : "a finding of "}${tick(id)}, which names no rule or table edit`, {
    rules: [id],
    hint: e.kind === "expect-no" ? "this expectation can never fail: check the id" : "this expectation can never pass: check the id",
    key: `DR3021 ${e.rule.span.file} ${e.rule.span.start}`,
  });
}

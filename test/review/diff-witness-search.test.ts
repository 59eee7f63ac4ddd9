/**
 * The behaviour search finds the changes that the diff property's random claims found and the
 * diff did not (diff-properties.test.ts failed on them): pairs of rule sets that differ in one
 * place (a number, or a severity), from the property's counterexamples, each with a claim shape
 * the generator used to miss. For each pair the diff must report the rule's behaviour change,
 * with the property's options and with no random claims at all under other generator seeds
 * (so the witness comes from the seeds aimed at the rule or their neighbours, not from luck),
 * and its witness claims must get different findings for the rule on the two tables.
 */
import { describe, expect, it } from "vitest";
import { evaluate, loadTable, type LoadedTable } from "../../runtime/index.ts";
import type { ClaimResult } from "../../runtime/types.ts";
import { diffSides, ruleDifferences, type DiffOptions, type Side } from "../../review/index.ts";
import { expectWitnessesReal, side } from "./helpers.ts";

/** The named sets of the random programs (test/compiler/arbitraries.ts). */
const SETS = `codes BIOPSY = 11102-11107
codes DESTRUCTION = 17000, 17003, 17004
codes EM_VISIT = 99212-99214
dx AK_DX = L57.0
dx SKIN_CA = C44.*, D48.5
modifiers DISTINCT = 59, XS
`;

/**
 * A `cms` file with one rule and an `acme` layer over it, as the property builds them. The rule
 * gets id gen.r0 and a fixed message: the default message quotes the condition, so without one
 * every finding of a changed condition would read differently and show a change trivially.
 */
function files(rule: string, acme = ""): Record<string, string> {
  const lines = rule.split("\n");
  const head = lines[0]!.endsWith("{") ? lines.indexOf("}") + 1 : 1;
  const text = [...lines.slice(0, head), "  id gen.r0", '  message "generated"', ...lines.slice(head)].join("\n");
  return { "cms.rules": `${SETS}${text}\n`, "acme.rules": `ruleset acme extends cms\n${acme}` };
}

function loaded(s: Side): LoadedTable {
  const r = loadTable(s.table);
  if (!r.ok) throw new Error("table does not load");
  return r.table;
}

/**
 * The diff options each pair is checked with: the property's, and seeds and neighbours alone
 * (no random claims) under other generator seeds, with room for part of the claims (400), then
 * for little more than the seeds (150).
 */
const OPTIONS: DiffOptions[] = [
  { random: 40, maxPerTarget: 800 },
  { seed: 2, random: 0, maxPerTarget: 400 },
  { seed: 3, random: 0, maxPerTarget: 150 },
];

/**
 * Diffs the rule against itself with `from` replaced by `to` under each of OPTIONS, and checks
 * that the diff reports a behaviour change of gen.r0 and that each of its witness claims gets
 * other findings of gen.r0 on the two tables; returns the witnesses' kinds.
 */
async function expectFound(rule: string, from: string, to: string, acme = ""): Promise<string[]> {
  expect(rule.includes(from), `${from} in ${rule}`).toBe(true);
  const A = side(files(rule, acme), {}, "base");
  const B = side(files(rule.replace(from, to), acme), {}, "head");
  const la = loaded(A);
  const lb = loaded(B);
  const kinds = new Set<string>();
  for (const opts of OPTIONS) {
    const r = await diffSides(A, B, opts);
    expect(r.rules.map((c) => c.id)).toContain("gen.r0");
    const found = r.behaviour.byRule.find((x) => x.rule === "gen.r0");
    expect(found, `gen.r0 with ${JSON.stringify(opts)}`).toBeDefined();
    expect(r.behaviour.changed).toBe(true);
    expectWitnessesReal(r, A, B);
    for (const w of found!.witnesses) {
      const a = evaluate(la, w.claim) as ClaimResult;
      const b = evaluate(lb, w.claim) as ClaimResult;
      const mine = (res: ClaimResult) => res.findings.filter((f) => f.rule === "gen.r0");
      expect(mine(a), JSON.stringify(w.claim)).not.toEqual(mine(b));
      expect(ruleDifferences(a, b).get("gen.r0")).toBe(w.kind);
      kinds.add(w.kind);
    }
  }
  return [...kinds].sort();
}

describe("the behaviour search finds a change the property's random claims found", () => {
  it("the reported pair: `units > 1` to `units > 2` in an `or` branch whose codes the rule requires", async () => {
    // The rule fires through `not 11102 with modifier 25`, and only when no BIOPSY code is
    // billed; the `units` branch then only adds its lines to the finding. Its seed used to take
    // 11105 (a BIOPSY code, which meets the requirement), so no seed of it ever fired.
    const rule =
      "when not 11102 with modifier 25 or not 11107 without dx L82.0-L82.1 or 11105-11107, DESTRUCTION units > 1 or not sex F and 11102 with modifier 25 require BIOPSY, 11102";
    expect(await expectFound(rule, "units > 1", "units > 2")).toContain("changes");
  });

  it("a `!=` count, which a claim without the codes meets", async () => {
    // The seed met `count != 2` with no BIOPSY line at all, which left no line to move to 2 or 4.
    await expectFound(
      "when line 17000, DESTRUCTION and sex F or excisedDiameterCm >= 1.0 and 11105, BIOPSY count != 2 deny\n  effective until 2025-12-31",
      "count != 2",
      "count != 4",
      "disable gen.r0\n",
    );
  });

  it("a code atom whose diagnosis set holds only a header (not billable)", async () => {
    // `C44.31` is an ICD-10-CM header: the generator took billable codes only, so it never
    // realized `with dx C44.31`, and the rule's last branch never held on a generated claim.
    await expectFound(
      "when not dx in SKIN_CA, D48*, C44.31 and EM_VISIT with modifier DISTINCT and 11105, 17004 or payer acme and claim dx in D48.5, L82.1, AK_DX and 11102-11104, 17000 units >= 3 or not DESTRUCTION, 11106 units != 5 or age > 10 and dos > 2024-06-01 and BIOPSY with dx C44.31 deny",
      "age > 10",
      "age > 12",
      "disable gen.r0\n",
    );
  });

  it("a severity change of a rule that only a header diagnosis fires", async () => {
    // The rule matches only the header `C44.31`; its severity changes in the cms layer alone
    // (acme overrides it), so a claim of the default payer with that header shows it.
    await expectFound(
      "when line 99213 and 99213 with dx C44.31 forbid modifier 25, GA on 99212-99214\n  severity info\n  effective 2024-01-15 until 2024-06-01",
      "severity info",
      "severity error",
      "override gen.r0\n  severity warning\n",
    );
  });

  it("a threshold on lines that another atom's line of the same codes also meets", async () => {
    // Two lines of 17000-17004 (one for each atom) both meet `units != 5`: only moving both to
    // 5 or 7 at once makes the threshold decide.
    await expectFound(
      "when line 11105, BIOPSY, 11103 and (17000-17004, 17003 without modifier RT, XS, DISTINCT) and not not 17000-17004, 99212-99214 units != 5 require 11105-11107, 11104\n  severity info\n  effective 2024-03-01",
      "units != 5",
      "units != 7",
      "override gen.r0\n  severity warning\n",
    );
  });

  it("a negated code atom that rules out the code another atom would take first", async () => {
    // `17000-17004 and not 11105-11107, 17000`: the line for the first atom took 17000, which
    // the second rules out, so the branch with the threshold never held.
    await expectFound(
      "when line 17004, 99212 and site in nose, back and 17000-17004 and not excisedDiameterCm < 0.5 and (units > 3) and not 11105-11107, 17000 or excisedDiameterCm != 1.0 require modifier RT, 25 on 99214, 11105, 99212-99214\n  severity info\n  effective 2024-03-01",
      "units > 3",
      "units > 5",
      "override gen.r0\n  severity warning\n",
    );
  });

  it("two comparisons of one number in a select case (`units != 2 and units <= 2`)", async () => {
    // Each comparison alone took the value nearest its own threshold (3, then 2), so the case
    // never held; together they take 1.
    await expectFound(
      `select for 99214 {
  case not modifier DISTINCT, GA, 25 and lesionCount < 2 and units <= 4 -> 11106
  case units != 2 and EM_VISIT, 11105-11107, 99213 and site in Nose and units <= 2 and lesionCount != 1 and site in nose, back -> 11105
  case 11103 without dx B07.8 and modifier RT, 25, GA or 11104 units < 5 or repairLengthCm > 2.5 and excisedDiameterCm >= 0.5 and site = scalp and repairLengthCm > 2.5 and 11105 without modifier RT, GA and not not lesionCount > 1 -> 11107
}\n  severity info\n  effective 2024-03-01`,
      "lesionCount != 1",
      "lesionCount != 3",
    );
  });

  it("a select case that a negated earlier case decides (`lesionCount = 2` against `lesionCount != 2`)", async () => {
    // To let the second case decide, the first must fail; negating its `lesionCount != 2` would
    // undo the head's `lesionCount = 3`, so `units <= 5` is negated instead.
    await expectFound(
      `select for DESTRUCTION, 99213 {
  case lesionCount in 1, 2 or lesionCount != 2 and units <= 5 or (site in Nose) or excisedDiameterCm < 0.5 and dos != 2026-03-01 -> 99213
  case lesionCount = 2 -> 99214
}\n  fix "check the chart"`,
      "lesionCount = 2",
      "lesionCount = 3",
    );
  });

  it("a select case whose code a later case gives too", async () => {
    // Where the first case stops holding, the second (almost always true) gives the same 11102:
    // only a claim on which the second fails too (99214 with modifier 59) shows the change.
    await expectFound(
      `select for 17004, 11105-11107 {
  case not 17000-17004, DESTRUCTION units > 1 and not lesionCount != 5 -> 11102
  case (not 99214 with modifier GA, RT, 59) -> 11102
}\n  severity info`,
      "lesionCount != 5",
      "lesionCount != 6",
    );
  });

  it("a threshold inside a negated code atom (`not 17004, EM_VISIT units = 2`)", async () => {
    // The seed kept every line of the set off the claim; a line of it with units next to the
    // threshold (3) lets a neighbour (2) and the changed threshold cross it.
    await expectFound(
      "when not age < 65 and dos < 2026-03-01 and 17000-17004, 99214 with modifier GA, XS, 25 and not 17004, EM_VISIT units = 2 require dx in L82.0-L82.1, B07.8, AK_DX\n  severity warning\n  effective 2024-03-01",
      "units = 2",
      "units = 3",
    );
  });

  it("a `forbid modifier ... on` rule whose `on` codes the condition counts", async () => {
    // The line of `on` was 17004, which the count counts, and it carried 59, which made the
    // third branch hold as well: 99213 with LT leaves the count to decide alone.
    await expectFound(
      "when (11106 or 11105, 11102, 17000-17004 count <= 2 or 99213, 17004, 11105 with modifier DISTINCT, RT) forbid modifier DISTINCT, LT on 17004, 99213\n  severity info\n  effective 2024-01-15 until 2024-06-01",
      "count <= 2",
      "count <= 1",
    );
  });

  it("a `require dx` rule whose condition's diagnoses include the required one", async () => {
    // L57.0 meets the requirement, so only `C44.31` (a header) fires the rule.
    await expectFound(
      "when not not (dx in AK_DX, L57.0, C44.31) require dx in L57.0\n  severity warning\n  effective until 2025-12-31",
      "severity warning",
      "severity error",
      "disable gen.*\n",
    );
  });
});

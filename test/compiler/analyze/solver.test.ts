/**
 * The solver on its own: models satisfy what they were asked for (and the runtime agrees), and
 * "unsat" answers are right on questions whose answer is known.
 */
import { describe, expect, it } from "vitest";
import { ruleAny } from "../../../compiler/analyze/fires.ts";
import { and, evaluate, exists, forall, not, type Formula } from "../../../compiler/analyze/formula.ts";
import type { LayerModel } from "../../../compiler/analyze/model.ts";
import { single } from "../../../compiler/analyze/ranks.ts";
import { solve } from "../../../compiler/analyze/solver.ts";
import { claimOf, run } from "../../../compiler/analyze/witness.ts";
import { check } from "./helpers.ts";

/** A layer of a small program, to ask questions in. */
function layerOf(rules: string): LayerModel {
  const an = check(rules, {}, []).an();
  return an.layer("cms")!;
}

const code = (l: string, c: string): Formula => ({ k: "code", l, set: single(c) });

describe("solver", () => {
  it("every rule kind: the model makes the rule fire, on the formula and on the runtime", () => {
    const rules = [
      "when 17000 count > 3 and 17003 units > 1 and not 17004 deny\n  id k.deny",
      "when line 11102 and modifier 59 and dx in L57.0 require modifier XS\n  id k.mod",
      "when 11102 with dx L82.1 require dx in L82.0\n  id k.dx",
      "when line 17110 and lesionCount >= 3 and site in nose forbid 17111\n  id k.forbid",
      "when 17000 and (age >= 65 or sex F) and pos 11 limit 17000 to 1 per line\n  id k.limit",
      "when 99213 without modifier 25 and payer in cms, other flag\n  id k.flag",
      "when line 11600 and excisedDiameterCm > 0.5 and excisedDiameterCm < 0.6 and repairLengthCm != 2 deny\n  id k.facts",
      "select for 11600-11606 {\n  case excisedDiameterCm <= 0.5 -> 11600\n  case excisedDiameterCm <= 1.0 -> 11601\n}\n  id k.select",
      "when 17003 and dos >= 2025-03-01 require 17000\n  id k.require\n  effective until 2025-12-31",
    ].join("\n");
    const layer = layerOf(rules + "\n");
    for (const r of layer.rules) {
      const f = ruleAny(r.t, layer.an.forms);
      const res = solve(f, layer.solverEnv());
      expect(res.status, r.id).toBe("sat");
      if (res.status !== "sat") continue;
      expect(evaluate(f, res.model, { dxSets: layer.an.dx, defaultPayer: "cms" }), r.id).toBe(true);
      const claim = claimOf(res.model, { hide: [] }, r.id).claim;
      expect(run(layer.an, claim)?.findings.map((x) => x.rule), `${r.id}: ${JSON.stringify(claim)}`).toContain(r.id);
    }
  });

  it("proves contradictions unsat: counts, sets, facts, dates, dx, modifiers", () => {
    const layer = layerOf("dx AK_DX = L57.0\ndx SKIN_DX = L57.*\nwhen 17000 flag\n  id x\nwhen line 17000 and dx in AK_DX and not dx in SKIN_DX flag\n  id y\n");
    const forms = layer.an.forms;
    const y = layer.ruleById.get("y")!;
    const unsat: Formula[] = [
      and({ k: "count", set: single("17000"), op: ">", n: 14, view: { hide: [] } }, { k: "count", set: single("17000"), op: "<=", n: 13, view: { hide: [] } }),
      and(code("t", "17000"), not({ k: "mod", l: "t", set: ["59", "XS"] }), { k: "mod", l: "t", set: ["59"] }),
      and({ k: "fact", l: "t", name: "excisedDiameterCm", op: ">", n: 1 }, { k: "fact", l: "t", name: "excisedDiameterCm", op: "<", n: 1 }),
      and({ k: "dos", op: ">", day: 20000 }, { k: "dos", op: "<", day: 19000 }),
      ruleAny(y.t, forms),
      // Five modifiers that must all be on one line: a line carries at most four.
      and(...["59", "XS", "25", "RT", "GA"].map((m) => ({ k: "mod", l: "t", set: [m] }) as Formula)),
      // Some line of 17000, and no line of 17000.
      and(exists((v) => code(v, "17000")), forall((v) => not(code(v, "17000")))),
    ];
    for (const f of unsat) expect(solve(f, layer.solverEnv(), [{ name: "t" }]).status).toBe("unsat");
  });

  it("adds lines to reach a count when each line is capped", () => {
    const layer = layerOf("when 17000 flag\n  id x\n");
    const f = and({ k: "count", set: single("17000"), op: ">", n: 5, view: { hide: [] } }, forall((v) => not(and(code(v, "17000"), { k: "units", l: v, op: ">", n: 1 }))));
    const res = solve(f, layer.solverEnv());
    expect(res.status).toBe("sat");
    if (res.status === "sat") expect(res.model.lines.filter((l) => l.code === "17000").length).toBe(6);
  });

  it("a line a fix adds: the code, 1 unit, no modifiers, every diagnosis", () => {
    const layer = layerOf("when 17000 flag\n  id x\n");
    const res = solve(and({ k: "ldx", l: "e", set: layer.an.dx.id({ codes: ["L570"], prefixes: [] }) }), layer.solverEnv(), [{ name: "e", canonical: "17000" }]);
    expect(res.status).toBe("sat");
    if (res.status === "sat") expect(res.model.lines).toEqual([{ name: "e", code: "17000", units: 1, mods: [], dx: "all", facts: {} }]);
  });
});

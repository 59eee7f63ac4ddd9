/** DR3003 dead rules, DR3004 windows outside the ruleset's, DR3006 select cases never chosen. */
import { describe, expect, it } from "vitest";
import { brief, check, withCode } from "./helpers.ts";

const ONLY = ["dead"];

describe("DR3003: rules that can never give a finding", () => {
  it("names the contradicting counts, with their spans", () => {
    const r = check("when 17000 count > 3 and 17000 count < 2 and dx in L57.0 deny\n  id t.counts\n", {}, ONLY);
    const [d] = withCode(r.diagnostics, "DR3003");
    expect(d?.message).toBe("rule `t.counts` can never give a finding: `17000 count > 3` and `17000 count < 2` cannot hold together");
    expect(d?.rules).toEqual(["t.counts"]);
    // The related notes point at exactly the two atoms (the dx atom is not part of the core).
    const text = r.compiled.sources.get("test.rules")!.text;
    expect(d?.related?.map((x) => text.slice(x.span.start, x.span.end))).toEqual(["17000 count > 3", "17000 count < 2"]);
  });

  it("finds contradictory sets: a modifier required and excluded through a named set", () => {
    const r = check("modifiers DISTINCT = 59, XS\nwhen line 11102 and modifier 59 and not modifier DISTINCT deny\n  id t.sets\n", {}, ONLY);
    expect(withCode(r.diagnostics, "DR3003")[0]?.message).toContain("`modifier 59` and `not modifier DISTINCT` cannot hold together");
  });

  it("finds a condition that contradicts the effective window", () => {
    const r = check("when 17110 and dos < 2018-01-01 deny\n  id t.window\n  effective 2019-01-01\n", {}, ONLY);
    expect(withCode(r.diagnostics, "DR3003")[0]?.message).toBe(
      "rule `t.window` can never give a finding: `effective 2019-01-01` and `dos < 2018-01-01` cannot hold together",
    );
  });

  it("finds an action that never has anything to act on", () => {
    const r = check("when 17000 require 17000\n  id t.req\nwhen 17000 forbid 17000\n  id t.forbid\nwhen 17000 count <= 2 limit 17000 to 2\n  id t.limit\n", {}, ONLY);
    expect(brief(withCode(r.diagnostics, "DR3003")).sort()).toEqual(["DR3003 warning [t.forbid]", "DR3003 warning [t.limit]", "DR3003 warning [t.req]"]);
    const messages = withCode(r.diagnostics, "DR3003").map((d) => d.message);
    expect(messages).toContain("rule `t.req` can never give a finding: whenever its condition holds the claim already carries `17000`");
    expect(messages).toContain("rule `t.forbid` can never give a finding: every line of `17000` it could forbid is one of its own subject lines");
    expect(messages).toContain("rule `t.limit` can never give a finding: its condition never allows more than 2 units of `17000`");
  });

  it("reports nothing for rules that can fire, including ones that need several lines", () => {
    const r = check(
      [
        "when 17000 count > 3 and 17003 units > 1 deny\n  id t.a",
        "when line 11102 and 11104 with modifier 59 and not modifier 59 flag\n  id t.b",
        "when 17000 and not 17003 and (age >= 65 or sex F) require 17003\n  id t.c",
        "when line 17110 and lesionCount in 3, 4 and site in nose forbid 17111\n  id t.d",
      ].join("\n") + "\n",
      {},
      ONLY,
    );
    expect(withCode(r.diagnostics, "DR3003")).toEqual([]);
  });
});

describe("DR3006: select cases never chosen", () => {
  it("says which earlier case takes the lines", () => {
    const r = check("select for 11600 {\n  case excisedDiameterCm <= 1.0 -> 11601\n  case excisedDiameterCm <= 0.5 -> 11600\n}\n  id t.sel\n", {}, ONLY);
    const [d] = withCode(r.diagnostics, "DR3006");
    expect(d?.message).toBe("case 2 (`excisedDiameterCm <= 0.5 -> 11600`) of `t.sel` is never chosen: earlier cases take every line it matches");
    expect(d?.related?.map((x) => x.message)).toEqual(["case 1 comes first and matches the same lines"]);
  });

  it("says when the case's own condition can never hold", () => {
    const r = check("select for 11600 {\n  case excisedDiameterCm <= 1.0 and excisedDiameterCm > 2.0 -> 11601\n  case excisedDiameterCm <= 0.5 -> 11600\n}\n  id t.sel\n", {}, ONLY);
    expect(withCode(r.diagnostics, "DR3006")[0]?.message).toContain("its condition can never hold on a line of the table");
  });
});

describe("DR3004: effective window outside the ruleset's", () => {
  it("compares with the earliest start and the latest end of the other rules", () => {
    const r = check(
      "when 17000 deny\n  id t.a\n  effective 2019-01-01\nwhen 17003 deny\n  id t.b\n  effective 2016-01-01 until 2024-12-31\nwhen 17004 deny\n  id t.old\n  effective 2001-01-01 until 2001-12-31\n",
      {},
      ONLY,
    );
    expect(brief(withCode(r.diagnostics, "DR3004"))).toEqual(["DR3004 warning [t.old]"]);
    expect(withCode(r.diagnostics, "DR3004")[0]?.message).toBe(
      "rule `t.old` is effective 2001-01-01 until 2001-12-31, outside the ruleset's window: no other rule of ruleset `cms` starts before 2016-01-01",
    );
  });

  it("says nothing when the other rules are open-ended at that side", () => {
    const r = check("when 17000 deny\n  id t.a\nwhen 17004 deny\n  id t.old\n  effective 2001-01-01 until 2001-12-31\n", {}, ONLY);
    expect(withCode(r.diagnostics, "DR3004")).toEqual([]);
  });
});

describe("DR3003 across layers", () => {
  it("says in which ruleset a rule that reads the payer is dead", () => {
    const r = check({ "cms.rules": "when 17000 and payer acme deny\n  id t.payer\n", "acme.rules": "ruleset acme extends cms\n" }, {}, ONLY);
    expect(withCode(r.diagnostics, "DR3003").map((d) => d.message)).toEqual(["rule `t.payer` can never give a finding in ruleset `cms`: `payer acme` can never hold"]);
  });

  it("says nothing about layers when it is dead in all of them", () => {
    const r = check({ "cms.rules": "when 17000 count > 3 and 17000 count < 2 deny\n  id t.dead\n", "acme.rules": "ruleset acme extends cms\n" }, {}, ONLY);
    expect(withCode(r.diagnostics, "DR3003").map((d) => d.message)).toEqual(["rule `t.dead` can never give a finding: `17000 count > 3` and `17000 count < 2` cannot hold together"]);
  });
});

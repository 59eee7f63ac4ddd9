/** DR3005 shadowed rules and DR3007 duplicates. */
import { describe, expect, it } from "vitest";
import { brief, check, mueFile, withCode } from "./helpers.ts";

const ONLY = ["dead", "shadow"];

describe("DR3005: shadowed rules", () => {
  it("a narrower rule with the same action, shadowed by the wider one (not the other way)", () => {
    const r = check("when line 17110 and units > 2 deny\n  id t.narrow\nwhen line 17110 and units > 1 deny\n  id t.wide\n", {}, ONLY);
    expect(brief(withCode(r.diagnostics, "DR3005"))).toEqual(["DR3005 warning [t.narrow t.wide]"]);
    expect(withCode(r.diagnostics, "DR3005")[0]!.message).toBe(
      "rule `t.narrow` is shadowed by `t.wide`: every finding it gives is on lines that rule already flags with the same or a higher severity",
    );
  });

  it("not by a rule of lower severity, nor one that misses some of its lines or dates", () => {
    const r = check(
      [
        "when line 17110 and units > 2 deny\n  id t.narrow",
        "when line 17110 and units > 1 flag\n  id t.lower",
        "when line 17110 and units > 1 and dx in B07.8 deny\n  id t.other-dx",
        "when line 17110 and units > 1 deny\n  id t.later\n  effective 2020-01-01",
      ].join("\n") + "\n",
      {},
      ONLY,
    );
    expect(withCode(r.diagnostics, "DR3005").filter((d) => d.rules[0] === "t.narrow")).toEqual([]);
  });

  it("a claim-scope rule whose subject lines another rule already flags", () => {
    const r = check("when 17000 count > 2 and 17003 deny\n  id t.a\nwhen 17000, 17003 count > 1 deny\n  id t.b\n", {}, ONLY);
    expect(brief(withCode(r.diagnostics, "DR3005"))).toEqual(["DR3005 warning [t.a t.b]"]);
  });

  it("a rule that restates a CMS edit", () => {
    const r = check("mue \"mue.tsv\"\nwhen line 17110 and units > 1 deny\n  id t.mue\n", { "mue.tsv": mueFile([["17110", 1, 2]]) }, ONLY);
    expect(brief(withCode(r.diagnostics, "DR3005"))).toEqual(["DR3005 warning [t.mue cms.mue.17110]"]);
    expect(withCode(r.diagnostics, "DR3005")[0]!.message).toContain("is shadowed by the CMS edit `cms.mue.17110` (MUE 1 per day, MAI 2)");
  });

  it("is info when a payer layer's own rule covers an inherited one", () => {
    const r = check({ "cms.rules": "when line 11200 require dx in L91.8\n  id t.dx\n", "acme.rules": "ruleset acme extends cms\nwhen 11200 deny\n  id acme.never\n" }, {}, ONLY);
    expect(brief(withCode(r.diagnostics, "DR3005"))).toEqual(["DR3005 info [t.dx acme.never]"]);
  });
});

describe("DR3007: duplicates", () => {
  it("the same logic under two ids, once, on the later rule", () => {
    const r = check("when line 17111 and modifier GA deny\n  id t.a\nwhen line 17111 and modifier GA deny\n  id t.b\n  message \"other words\"\n", {}, ONLY);
    expect(brief(withCode(r.diagnostics, "DR3007"))).toEqual(["DR3007 warning [t.b t.a]"]);
    expect(withCode(r.diagnostics, "DR3005")).toEqual([]);
  });

  it("different words for the same findings", () => {
    const r = check("codes WART = 17110\nwhen line 17110 and units >= 2 deny\n  id t.a\nwhen line WART and units > 1 deny\n  id t.b\n", {}, ONLY);
    expect(brief(withCode(r.diagnostics, "DR3007"))).toEqual(["DR3007 warning [t.b t.a]"]);
    expect(withCode(r.diagnostics, "DR3007")[0]!.message).toBe("rules `t.b` and `t.a` have the same findings on every claim: one of them is redundant");
  });
});

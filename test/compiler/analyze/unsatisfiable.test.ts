/** DR3002 unsatisfiable requirements (small programs; the showcase on the shipped packs is in shipped.test.ts). */
import { describe, expect, it } from "vitest";
import { brief, check, expectEvidenceHolds, mueFile, ptpFile, withCode } from "./helpers.ts";

const ONLY = ["dead", "unsatisfiable"];

describe("DR3002", () => {
  it("the brief's one-liner beside a PTP edit with indicator 0", () => {
    const data = { "ptp.tsv": ptpFile([["17004", "17003", "", "*", 0]]) };
    const r = check("ptp \"ptp.tsv\"\nwhen 17003 count>14 require 17004\n  id t.one\n", data, ONLY);
    const ds = withCode(r.diagnostics, "DR3002");
    expect(brief(ds)).toEqual(["DR3002 error [t.one cms.ptp.17004.17003]"]);
    expect(ds[0]!.message).toBe(
      "rule `t.one` can never be satisfied: every claim where `17003 count > 14` holds is denied — without `17004` by this rule, with `17004` by `cms.ptp.17004.17003` (PTP `17004`/`17003`, modifier indicator 0)",
    );
    expectEvidenceHolds(r);
  });

  it("not when a modifier lets both codes be paid (indicator 1)", () => {
    const data = { "ptp.tsv": ptpFile([["17004", "17003", "", "*", 1]]) };
    const r = check("ptp \"ptp.tsv\"\nwhen 17003 count>14 require 17004\n  id t.one\n", data, ONLY);
    expect(withCode(r.diagnostics, "DR3002")).toEqual([]);
  });

  it("not when the edit applies only on some dates of the rule's window", () => {
    const data = { "ptp.tsv": ptpFile([["17004", "17003", "20200101", "*", 0]]) };
    const r = check("ptp \"ptp.tsv\"\nwhen 17003 count>14 require 17004\n  id t.one\n", data, ONLY);
    expect(withCode(r.diagnostics, "DR3002")).toEqual([]);
  });

  it("when every code the rule accepts is blocked, each by its own edit", () => {
    const data = { "ptp.tsv": ptpFile([["17004", "17003", "", "*", 0]]), "mue.tsv": mueFile([["17110", 0, 2]]) };
    const r = check("ptp \"ptp.tsv\"\nmue \"mue.tsv\"\nwhen 17003 count>14 require 17004, 17110\n  id t.two\n", data, ONLY);
    expect(brief(withCode(r.diagnostics, "DR3002"))).toEqual(["DR3002 error [t.two cms.ptp.17004.17003 cms.mue.17110]"]);
    expectEvidenceHolds(r);
  });

  it("not when one of the accepted codes is allowed", () => {
    const data = { "ptp.tsv": ptpFile([["17004", "17003", "", "*", 0]]) };
    const r = check("ptp \"ptp.tsv\"\nwhen 17003 count>14 require 17004, 17110\n  id t.two\n", data, ONLY);
    expect(withCode(r.diagnostics, "DR3002")).toEqual([]);
  });

  it("a required modifier that another rule always forbids on those lines", () => {
    const r = check("when line 99213 and 11102 require modifier 25\n  id t.mod\nwhen line 99213 forbid modifier 25\n  id t.nomod\n", {}, ONLY);
    expect(brief(withCode(r.diagnostics, "DR3002"))).toEqual(["DR3002 error [t.mod t.nomod]"]);
    expectEvidenceHolds(r);
  });

  it("is info when the blockers are the layer's own rules and the requirement is inherited", () => {
    const r = check({ "cms.rules": "when 17110 require 17250\n  id t.req\n", "acme.rules": "ruleset acme extends cms\nwhen 17250 deny\n  id acme.no\n" }, {}, ONLY);
    expect(brief(withCode(r.diagnostics, "DR3002"))).toEqual(["DR3002 info [t.req acme.no]"]);
  });
});

/** DR3001 conflicts: meeting what one rule asks for gets it denied by another. */
import { describe, expect, it } from "vitest";
import { evaluate, loadTable } from "../../../runtime/index.ts";
import type { Claim } from "../../../runtime/types.ts";
import { brief, check, expectEvidenceHolds, ptpFile, withCode } from "./helpers.ts";

const ONLY = ["dead", "unsatisfiable", "conflict"];

describe("DR3001", () => {
  it("a requirement that another rule forbids in some of its situations, with a verified witness", () => {
    const r = check("when 17110 require 17250\n  id t.req\nwhen 17110 with dx B07.8 forbid 17250\n  id t.forbid\n", {}, ONLY);
    const ds = withCode(r.diagnostics, "DR3001");
    expect(brief(ds)).toEqual(["DR3001 error [t.req t.forbid]"]);
    expect(ds[0]!.message).toBe("rule `t.req` requires `17250`, but rule `t.forbid` then denies it");
    // The witness gets t.req's finding and nothing else; with 17250 added, t.forbid denies it.
    const loaded = loadTable(r.compiled.table!);
    if (!loaded.ok) throw new Error("table");
    const w = ds[0]!.witness as Claim;
    const before = evaluate(loaded.table, w);
    expect(before.verdict !== "invalid" && before.findings.filter((f) => f.severity === "error").map((f) => f.rule)).toEqual(["t.req"]);
    const after = evaluate(loaded.table, { ...w, lines: [...w.lines, { code: "17250", units: 1 }] });
    expect(after.verdict !== "invalid" && after.findings.map((f) => `${f.rule} ${f.lines.join(",")}`)).toContain(`t.forbid ${w.lines.length + 1}`);
    expectEvidenceHolds(r);
  });

  it("a fix that adds a code a PTP edit with indicator 0 denies", () => {
    const data = { "ptp.tsv": ptpFile([["17004", "17000", "", "*", 0]]) };
    const r = check("ptp \"ptp.tsv\"\nwhen line 17004 and units > 1 deny\n  id t.fix\n  fix add 17000\n", data, ONLY);
    expect(brief(withCode(r.diagnostics, "DR3001"))).toEqual(["DR3001 error [t.fix cms.ptp.17004.17000]"]);
    expect(withCode(r.diagnostics, "DR3001")[0]!.message).toContain("the fix of rule `t.fix` adds `17000`, but `cms.ptp.17004.17000` (PTP `17004`/`17000`, modifier indicator 0) then denies it");
    expectEvidenceHolds(r);
  });

  it("no conflict with an indicator-1 edit (a modifier allows both) or a rule that asks for more", () => {
    const data = { "ptp.tsv": ptpFile([["17004", "17000", "", "*", 1]]) };
    const r = check("ptp \"ptp.tsv\"\nwhen line 17004 and units > 1 deny\n  id t.fix\n  fix add 17000\nwhen 17000 require 17003\n  id t.more\n", data, ONLY);
    expect(withCode(r.diagnostics, "DR3001")).toEqual([]);
  });

  it("no conflict when the denial needs a line the rule's own situation does not have", () => {
    // t.forbid denies 17250 only next to 11102, which t.req's claims need not have.
    const r = check("when 17110 require 17250\n  id t.req\nwhen 17110 and 11102 forbid 17250\n  id t.forbid\n", {}, ONLY);
    expect(withCode(r.diagnostics, "DR3001")).toEqual([]);
  });

  it("no conflict when every claim where it shows is denied anyway", () => {
    const r = check("when 17110 require 17250\n  id t.req\nwhen 17110 with dx B07.8 forbid 17250\n  id t.forbid\nwhen 17110 with dx B07.8 deny\n  id t.always\n", {}, ONLY);
    expect(withCode(r.diagnostics, "DR3001").filter((d) => d.rules[0] === "t.req")).toEqual([]);
  });

  it("two select tables that disagree, both ways", () => {
    const r = check("select for 17270-17274 {\n  case excisedDiameterCm > 2.0 -> 17273\n}\n  id t.a\nselect for 17273 {\n  case excisedDiameterCm > 1.0 -> 17272\n}\n  id t.b\n", {}, ONLY);
    expect(brief(withCode(r.diagnostics, "DR3001")).sort()).toEqual(["DR3001 error [t.a t.b]", "DR3001 error [t.b t.a]"]);
    expect(withCode(r.diagnostics, "DR3001").map((d) => d.message).sort()).toEqual([
      "rule `t.a` selects `17273` (case 1), but rule `t.b` then denies it",
      "rule `t.b` selects `17272` (case 1), but rule `t.a` then denies it",
    ]);
    expectEvidenceHolds(r);
  });

  it("a required modifier that another rule forbids on the same lines", () => {
    const r = check("when line 99213 and 11102 require modifier 25\n  id t.mod\nwhen line 99213 and dx in L57.0 forbid modifier 25\n  id t.nomod\n", {}, ONLY);
    expect(brief(withCode(r.diagnostics, "DR3001"))).toEqual(["DR3001 error [t.mod t.nomod]"]);
    expect(withCode(r.diagnostics, "DR3001")[0]!.message).toBe("rule `t.mod` requires modifier `25`, but rule `t.nomod` then denies it");
    expectEvidenceHolds(r);
  });

  it("is a warning when the rule asking is one", () => {
    const r = check("when 17110 require 17250\n  id t.req\n  severity warning\nwhen 17110 with dx B07.8 forbid 17250\n  id t.forbid\n", {}, ONLY);
    expect(brief(withCode(r.diagnostics, "DR3001"))).toEqual(["DR3001 warning [t.req t.forbid]"]);
  });

  it("is info when a payer layer's own rule denies what an inherited rule asks for", () => {
    const r = check(
      { "cms.rules": "when 17110 require 17250\n  id t.req\n", "acme.rules": "ruleset acme extends cms\nwhen 17250 with dx B07.8 deny\n  id acme.no-17250\n" },
      {},
      ONLY,
    );
    expect(brief(withCode(r.diagnostics, "DR3001"))).toEqual(["DR3001 info [t.req acme.no-17250]"]);
    expect(r.diagnostics.find((d) => d.code === "DR3001")?.layer).toBe("acme");
  });
});

/**
 * `explain` (compiler/explain.ts) against the runtime:
 * - on every example claim and the shipped rules, its findings equal the runtime's result, and
 *   its verdict on every rule and table edit agrees with the runtime's findings (a trace says
 *   "fired" exactly when the runtime has a finding of that id);
 * - the same on random rule sets and claims (the differential test's arbitraries);
 * - the words: the facts that matched, the first condition that failed, PTP modifiers, windows,
 *   layers, and `--rule` for rules the claim does not touch.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { compilePaths, compileSources } from "../../compiler/index.ts";
import { explainClaim, renderExplanation, type ClaimExplanation } from "../../compiler/explain.ts";
import { evaluate, loadTable, type LoadedTable } from "../../runtime/index.ts";
import type { DecisionTable } from "../../runtime/table.ts";
import type { ClaimResult } from "../../runtime/types.ts";
import { claim as claimArb, program } from "../compiler/arbitraries.ts";
import { REPO_ROOT } from "../support/cli.ts";
import { DATA, side } from "./helpers.ts";

const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 100);

/** Fired traces by id must be exactly the ids of the runtime's findings. */
function expectAgreement(x: ClaimExplanation, r: ClaimResult): void {
  expect(x.verdict).toBe(r.verdict);
  expect(x.findings).toEqual(r.findings);
  expect(JSON.stringify(x.findings)).toBe(JSON.stringify(r.findings));
  const fired = new Set(x.traces.filter((t) => t.status === "fired").map((t) => t.rule));
  const found = new Set(r.findings.map((f) => f.rule));
  expect([...fired].sort()).toEqual([...found].sort());
  // Every trace's findings are findings of the result.
  const all = new Set(r.findings.map((f) => JSON.stringify(f)));
  for (const t of x.traces) for (const f of t.findings) expect(all.has(JSON.stringify(f)), JSON.stringify(f)).toBe(true);
  // A trace that did not fire says why.
  for (const t of x.traces) if (t.status !== "fired") expect(t.failed ?? "", `${t.rule} ${t.status}`).not.toBe("");
}

describe("explain on the shipped rules and every example claim", () => {
  let table: DecisionTable;
  let loaded: LoadedTable;
  const dir = path.join(REPO_ROOT, "examples", "claims");
  // Claims only: `*.expected.json` beside them are results.
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".json") && !f.endsWith(".expected.json")).sort() : [];

  beforeAll(() => {
    const r = compilePaths([path.join(REPO_ROOT, "rules")], { cwd: REPO_ROOT });
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    table = r.table!;
    const l = loadTable(table);
    if (!l.ok) throw new Error("table does not load");
    loaded = l.table;
  });

  it("has example claims to explain", () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it("agrees with the runtime on every example claim, rule by rule", () => {
    let fired = 0;
    let notFired = 0;
    for (const f of files) {
      const c = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as unknown;
      const r = evaluate(loaded, c);
      const x = explainClaim(table, c);
      expect(r.verdict, `${f} is a valid example claim`).not.toBe("invalid");
      if (r.verdict === "invalid") {
        expect(x.verdict, f).toBe("invalid");
        expect(x.errors).toEqual(r.errors);
        continue;
      }
      expectAgreement(x, r);
      fired += x.traces.filter((t) => t.status === "fired").length;
      notFired += x.traces.filter((t) => t.status !== "fired").length;
      // Every rule of the claim's layer is accounted for on every date of service.
      const layer = table.layers[x.layer]!;
      const traced = new Set(x.traces.filter((t) => t.kind === "rule").map((t) => t.rule));
      for (const i of layer.rules) expect(traced.has(table.rules[i]!.id), `${f}: ${table.rules[i]!.id}`).toBe(true);
      // The text names every finding's rule and its citation.
      const text = renderExplanation(x);
      for (const finding of r.findings) {
        expect(text).toContain(finding.rule);
        if (finding.source) expect(text).toContain(finding.source);
      }
    }
    expect(fired).toBeGreaterThan(20);
    expect(notFired).toBeGreaterThan(100);
  });

  it("explains a PTP edit that a modifier bypasses in the coder's words", () => {
    const c = {
      id: "X1",
      serviceDate: "2024-05-15",
      diagnoses: ["L57.0", "D48.5"],
      lines: [
        { code: "11400", units: 1, dxPointers: [2] },
        { code: "17000", units: 1, dxPointers: [1], modifiers: ["XS"] },
      ],
    };
    const x = explainClaim(table, c, { rules: ["cms.ptp.11400.17000"] });
    const t = x.traces.find((tr) => tr.rule === "cms.ptp.11400.17000")!;
    expect(t.status).toBe("not-applied");
    expect(t.failed).toBe("line 2 carries `XS`, which this PTP edit (indicator 1) accepts");
    const without = explainClaim(table, { ...c, lines: [c.lines[0], { ...c.lines[1], modifiers: [] }] }, { rules: ["cms.ptp.11400.17000"] });
    const denied = without.traces.find((tr) => tr.rule === "cms.ptp.11400.17000")!;
    expect(denied.status).toBe("fired");
    expect(denied.because.join("\n")).toContain("modifier indicator 1");
    expect(denied.because.join("\n")).toMatch(/neither line 1 nor line 2 carries an NCCI-associated modifier/);
  });

  it("names the facts that matched for a code-selection finding, and the fix", () => {
    const c = { id: "X2", serviceDate: "2024-05-15", diagnoses: ["C44.311"], lines: [{ code: "11642", units: 1, dxPointers: [1], facts: { site: "nose", excisedDiameterCm: 2.5 } }] };
    const x = explainClaim(table, c, { rules: ["cms.select.malignant-excision"] });
    const t = x.traces.find((tr) => tr.status === "fired")!;
    const why = t.because.join("\n");
    expect(why).toContain("line 1 documents excisedDiameterCm 2.5");
    expect(why).toContain("line 1 documents site `nose`");
    expect(why).toContain("selects `11643`, but line 1 carries `11642`");
    expect(renderExplanation(x)).toContain("fix: replace the code on line 1 with `11643`");
  });

  it("says why a rule did not fire: the first condition that failed, the window, the layer, the triggers", () => {
    const c = { id: "X3", serviceDate: "2014-12-31", diagnoses: ["D48.5"], lines: [{ code: "11100", units: 1, modifiers: ["59", "XS"], dxPointers: [1] }] };
    const x = explainClaim(table, c, { rules: ["cms.modifier.59-with-x", "cms.policy.destruction-15-or-more", "example-payer.coverage.skin-tags"] });
    const byId = (id: string) => x.traces.find((t) => t.rule === id)!;
    expect(byId("cms.modifier.59-with-x").status).toBe("not-in-force");
    expect(byId("cms.modifier.59-with-x").failed).toContain("outside the rule's window (in force from 2015-01-01)");
    expect(byId("cms.policy.destruction-15-or-more").status).toBe("not-candidate");
    expect(byId("cms.policy.destruction-15-or-more").failed).toContain("no line of 2014-12-31 carries 17000, 17003");
    expect(byId("example-payer.coverage.skin-tags").status).toBe("disabled");
    expect(byId("example-payer.coverage.skin-tags").failed).toContain("defined in layer `example-payer` but is not in force in layer `cms`");

    const later = explainClaim(table, { ...c, serviceDate: "2024-05-15", lines: [{ ...c.lines[0], modifiers: ["XS"] }] }, { rules: ["cms.modifier.59-with-x"] });
    expect(later.traces[0]!.status).toBe("not-applied");
    expect(later.traces[0]!.failed).toBe("line 1 carries modifier `XS` but not `59`");
  });

  it("explains an add-on that falls with its denied primary", () => {
    const c = { id: "X4", serviceDate: "2024-05-15", diagnoses: ["L57.0"], lines: [{ code: "17004", units: 1, dxPointers: [1] }, { code: "17000", units: 1, dxPointers: [1] }, { code: "17003", units: 2, dxPointers: [1] }] };
    const x = explainClaim(table, c);
    const t = x.traces.find((tr) => tr.rule === "cms.aoc.17003")!;
    expect(t.status).toBe("fired");
    expect(t.because.join("\n")).toContain("every primary line is itself denied (line 2 by `cms.ptp.17004.17000`)");
  });

  it("reads a claim as the runtime does (lower-case codes and modifiers, spaces)", () => {
    const c = { id: "X6", serviceDate: "2024-05-15", diagnoses: [" l57.0"], lines: [{ code: "17004 ", units: 1, dxPointers: [1] }, { code: "17003", units: 2, modifiers: ["xs"], dxPointers: [1] }] };
    const r = evaluate(loaded, c) as ClaimResult;
    expect(r.findings.length).toBeGreaterThan(0);
    expectAgreement(explainClaim(table, c), r);
  });

  it("reports an invalid claim's errors, as the runtime does", () => {
    const bad = { id: "X5", diagnoses: ["L57.0"], lines: [{ code: "1700", units: 0 }] };
    const x = explainClaim(table, bad);
    const r = evaluate(loaded, bad);
    expect(x.verdict).toBe("invalid");
    expect(r.verdict === "invalid" && x.errors).toEqual(r.verdict === "invalid" ? r.errors : undefined);
  });
});

describe("explain on random rule sets and claims", () => {
  it("rebuilds the runtime's findings exactly, and fires exactly the rules the runtime reports", () => {
    let claims = 0;
    let withFindings = 0;
    fc.assert(
      fc.property(program, fc.array(claimArb, { minLength: 1, maxLength: 5 }), (g, cs) => {
        const r = compileSources(Object.entries(g.files).map(([p, text]) => ({ path: p, text })), { readFile: (p) => (g.data[p] === undefined ? undefined : Buffer.from(g.data[p]!)) });
        if (!r.table) return;
        const l = loadTable(r.table);
        if (!l.ok) throw new Error("table does not load");
        for (const c of cs) {
          const fast = evaluate(l.table, c) as ClaimResult;
          const x = explainClaim(r.table, c);
          expectAgreement(x, fast);
          claims++;
          if (fast.findings.length) withFindings++;
        }
      }),
      { numRuns: NUM_RUNS },
    );
    expect(withFindings / claims).toBeGreaterThan(0.3);
  }, 30_000 + NUM_RUNS * 400);

  it("--rule narrows the traces but not the findings", () => {
    const s = side({ "cms.rules": 'ptp "ptp.tsv"\nmue "mue.tsv"\naoc "aoc.tsv"\nwhen line 17003 units > 2 flag\n  id t.units\n' }, DATA);
    const c = { id: "C", serviceDate: "2024-05-15", diagnoses: ["L57.0"], lines: [{ code: "17004", units: 1 }, { code: "17003", units: 3 }] };
    const all = explainClaim(s.table, c);
    const one = explainClaim(s.table, c, { rules: ["cms.ptp.*"] });
    expect(one.findings).toEqual(all.findings);
    expect(one.traces.map((t) => t.rule)).toEqual(["cms.ptp.17004.17003"]);
    const missing = explainClaim(s.table, c, { rules: ["cms.ptp.11104.11102"] });
    expect(missing.traces[0]!.status).toBe("not-candidate");
    expect(missing.traces[0]!.failed).toContain("needs both `11104` and `11102`");
    const mue = explainClaim(s.table, c, { rules: ["cms.mue.11102", "cms.aoc.11103", "cms.mue.99999"] });
    expect(mue.traces.map((t) => `${t.rule} ${t.status}: ${t.failed}`)).toEqual([
      "cms.mue.11102 not-candidate: no line of the claim carries `11102` (it carries `17004`, `17003`)",
      "cms.aoc.11103 not-candidate: no line of the claim carries `11103` (it carries `17004`, `17003`)",
      "cms.mue.99999 not-candidate: the MUE table (mue.tsv) has no row for `99999`",
    ]);
  });
});

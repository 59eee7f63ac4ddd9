/**
 * The mutation test: copy the shipped packs to a temporary folder, inject known defects of
 * every kind `check` looks for, and require that it finds each one and names the right rules.
 * The mutation score (defects found / injected) is printed; it must be 100%.
 *
 * The defects are written against the CMS data in data/ and the injected rules themselves, not
 * against the shipped rules, so the test keeps its meaning while the packs change.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { analyze } from "../../compiler/analyze/index.ts";
import { compilePaths, formatDiagnosticLine, type Diagnostic } from "../../compiler/index.ts";
import { REPO_ROOT } from "../support/cli.ts";

interface Defect {
  /** What is wrong, in words. */
  kind: string;
  /** The diagnostic codes that report it. */
  codes: string[];
  /** Ids the diagnostic must name (all of them), or text its message must contain. */
  rules?: string[];
  message?: string;
}

const SETS = `
# ---- injected by test/properties/mutation.test.ts
codes MUT_TYPO = 11209
codes MUT_EMPTY_RANGE = 11650-11659
codes MUT_OVERLAP = 11600-11606, 11604
dx MUT_HEADER = C44.31, L57.0
`;

const RULES = `
# ---- injected by test/properties/mutation.test.ts
when 17110 require 17250
  id mut.conflict-require
  effective 2019-01-01
when 17110 with dx B07.8 forbid 17250
  id mut.conflict-forbid
  effective 2019-01-01

when line 17260 and units > 1 deny
  id mut.fix-modifier
  effective 2019-01-01
  fix add modifier GA
when line 17260 and modifier GA deny
  id mut.no-ga
  effective 2019-01-01

when 17003 count>14 require 17004
  id mut.unsatisfiable

when 17000 count > 3 and 17000 count < 2 deny
  id mut.dead-counts
when line BIOPSY and modifier 59 and not modifier DISTINCT deny
  id mut.dead-sets
when 17110 and dos < 2018-01-01 deny
  id mut.dead-window
  effective 2019-01-01
when 17260 deny
  id mut.window-outside
  effective 2001-01-01 until 2001-12-31

when line 17110 and units > 2 deny
  id mut.shadowed-narrow
  effective 2019-01-01
when line 17110 and units > 1 deny
  id mut.shadowed-wide
  effective 2019-01-01
when line 17111 and modifier GA deny
  id mut.dup-a
  effective 2019-01-01
when line 17111 and modifier GA deny
  id mut.dup-b
  effective 2019-01-01

select for 11600 {
  case excisedDiameterCm <= 1.0 -> 11601
  case excisedDiameterCm <= 0.5 -> 11600
}
  id mut.select-unreachable
  effective 2019-01-01
select for 17270-17274 {
  case excisedDiameterCm > 2.0 -> 17273
}
  id mut.select-a
  effective 2019-01-01
select for 17273 {
  case excisedDiameterCm > 1.0 -> 17272
}
  id mut.select-b
  effective 2019-01-01

test "mut: a header in a test claim" {
  claim dos 2024-05-15 dx C44.31
  line 17000 dx 1
  expect no mut.nothing
}

ptp "mut-ptp.tsv"
  id cms.mutptp
mue "mut-mue.tsv"
  id cms.mutmue
aoc "mut-aoc.tsv"
  id cms.mutaoc
`;

const PTP = [
  "column1\tcolumn2\tprior1996\teffective\tdeletion\tmodifier\trationale",
  "11102\t11300\t\t20240101\t*\t0\tinjected: contradicts the next row",
  "11102\t11300\t\t20240601\t*\t1\tinjected",
  "17260\t17270\t\t20240101\t*\t1\tinjected: edited both ways",
  "17270\t17260\t\t20240101\t*\t1\tinjected",
].join("\n");
const MUE = ["code\tmue\tmai\trationale", "11102\t2\t3\tinjected: a second limit for 11102", "17250\t1\t2\tinjected", "17250\t2\t2\tinjected: the same code again"].join("\n");
const AOC = [
  "AOC_Edit_Type\tAdd-On_Code\tAOC_DelDT\tPrimary_Code\tPrimary_Code_DelDT\tAOC_Edit_EffDT\tAOC_Edit_DelDT\tSpecial_Instruction_Notes",
  "1\t11109\t\t1799T\t\t2019001\t\t",
].join("\n");

const DEFECTS: Defect[] = [
  { kind: "a rule requires what another forbids", codes: ["DR3001"], rules: ["mut.conflict-require", "mut.conflict-forbid"] },
  { kind: "a fix adds a modifier another rule denies", codes: ["DR3001"], rules: ["mut.fix-modifier", "mut.no-ga"] },
  { kind: "two select tables disagree", codes: ["DR3001"], rules: ["mut.select-a", "mut.select-b"] },
  { kind: "unsatisfiable: the brief's one-liner with PTP 17004/17003", codes: ["DR3002"], rules: ["mut.unsatisfiable", "cms.ptp.17004.17003"] },
  { kind: "dead rule: contradictory counts", codes: ["DR3003"], rules: ["mut.dead-counts"] },
  { kind: "dead rule: disjoint sets", codes: ["DR3003"], rules: ["mut.dead-sets"] },
  { kind: "dead rule: condition against the window", codes: ["DR3003"], rules: ["mut.dead-window"] },
  { kind: "window outside the ruleset's", codes: ["DR3004"], rules: ["mut.window-outside"] },
  { kind: "rule shadowed by another", codes: ["DR3005"], rules: ["mut.shadowed-narrow", "mut.shadowed-wide"] },
  { kind: "select case never chosen", codes: ["DR3006"], rules: ["mut.select-unreachable"], message: "case 2" },
  { kind: "identical rules under two ids", codes: ["DR3007"], rules: ["mut.dup-b", "mut.dup-a"] },
  { kind: "PTP rows of one pair contradict", codes: ["DR3008"], rules: ["cms.mutptp.11102.11300"] },
  { kind: "PTP pair edited both ways", codes: ["DR3009"], rules: ["cms.mutptp.17260.17270", "cms.mutptp.17270.17260"] },
  { kind: "MUE rows of one code overlap (two tables)", codes: ["DR3010"], rules: ["cms.mutmue.11102", "cms.mue.11102"] },
  { kind: "add-on whose primary is absent from the code universe", codes: ["DR3011"], rules: ["cms.mutaoc.11109"] },
  { kind: "MUE rows of one code overlap (one file)", codes: ["DR4022"], message: "lists `17250` again" },
  { kind: "a header where a billable ICD-10-CM code is required", codes: ["DR2024"], message: "`C44.31`" },
  { kind: "unknown code", codes: ["DR3012"], message: "`11209`" },
  { kind: "range with no known code", codes: ["DR3013"], message: "`11650-11659`" },
  { kind: "set items that overlap", codes: ["DR3014"], message: "`11604` is already in `11600-11606`" },
  { kind: "non-billable diagnosis in a test claim", codes: ["DR3015"], message: "`C44.31`" },
  { kind: "rule no test exercises", codes: ["DR3020"], rules: ["mut.dead-counts"] },
  { kind: "expectation that names nothing", codes: ["DR3021"], rules: ["mut.nothing"] },
];

function matches(d: Diagnostic & { rules?: readonly string[] }, defect: Defect): boolean {
  if (!defect.codes.includes(d.code)) return false;
  if (defect.rules && !defect.rules.every((id) => d.rules?.includes(id))) return false;
  if (defect.message && !d.message.includes(defect.message)) return false;
  return true;
}

const tmp: string[] = [];
afterAll(() => {
  for (const dir of tmp) fs.rmSync(dir, { recursive: true, force: true });
});

describe("mutation test on the shipped packs", () => {
  it("finds every injected defect and names the right rules", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "dermrules-mutation-"));
    tmp.push(root);
    fs.cpSync(path.join(REPO_ROOT, "rules"), path.join(root, "rules"), { recursive: true });
    // The packs read ../../../data from rules/cms/ncci: the copy sees the same data.
    fs.symlinkSync(path.join(REPO_ROOT, "data"), path.join(root, "data"));
    fs.appendFileSync(path.join(root, "rules/cms/sets.rules"), SETS);
    fs.writeFileSync(path.join(root, "rules/cms/mutations.rules"), `ruleset cms\n${RULES}`);
    fs.writeFileSync(path.join(root, "rules/cms/mut-ptp.tsv"), `${PTP}\n`);
    fs.writeFileSync(path.join(root, "rules/cms/mut-mue.tsv"), `${MUE}\n`);
    fs.writeFileSync(path.join(root, "rules/cms/mut-aoc.tsv"), `${AOC}\n`);

    const compiled = compilePaths(["rules"], { cwd: root });
    const errors = compiled.diagnostics.filter((d) => d.severity === "error");
    expect(errors.map((d) => formatDiagnosticLine(d, compiled.sources)), "the mutated packs still compile").toEqual([]);
    const analysis = analyze(compiled);
    const stats = analysis.stats;
    // What `dermrules check` prints: the compile diagnostics, then the analysis's.
    const diagnostics: (Diagnostic & { rules?: readonly string[]; witness?: unknown })[] = [...compiled.diagnostics, ...analysis.diagnostics];

    const missed = DEFECTS.filter((defect) => !diagnostics.some((d) => matches(d, defect)));
    const score = (DEFECTS.length - missed.length) / DEFECTS.length;
    console.log(
      `mutation score: ${DEFECTS.length - missed.length}/${DEFECTS.length} (${(score * 100).toFixed(0)}%), ${stats.questions} solver questions, ${stats.undecided} undecided ${JSON.stringify(stats.undecidedAbout)}`,
    );
    expect(DEFECTS.length).toBeGreaterThanOrEqual(15);
    expect(new Set(DEFECTS.flatMap((d) => d.codes)).size, "one defect per kind at least").toBeGreaterThanOrEqual(15);
    expect(missed.map((d) => d.kind), diagnostics.map((d) => `${d.code} [${(d.rules ?? []).slice(0, 3).join(" ")}] ${d.message}`).join("\n")).toEqual([]);
    // Every witness the run reported holds (the checks verify them; the property suite re-checks).
    expect(diagnostics.filter((d) => d.code === "DR3001" || d.code === "DR3002").every((d) => d.witness !== undefined)).toBe(true);
  }, 120_000);
});

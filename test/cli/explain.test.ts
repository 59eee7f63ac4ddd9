/**
 * `dermrules explain` in-process: the text a coder reads, `--json` for programs, `--rule`,
 * NDJSON input, and the exit codes.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli, tempDir } from "../support/cli.ts";
import { AOC, MUE, PTP } from "../review/helpers.ts";

const RULES = `codes DESTRUCTION = 17000, 17003, 17004
dx AK_DX = L57.0

when line DESTRUCTION require dx in AK_DX
  id t.necessity.ak
  severity warning
  message "premalignant destruction needs actinic keratosis on the line"
  source "CMS NCD 250.4"

when 17000, 17003 count > 14 require 17004
  id t.destruction.over-14
  message "15 or more lesions are reported with 17004"
  source "CPT code set convention"

ptp "ptp.tsv" version "v1" source "test PTP"
mue "mue.tsv" version "v1" source "test MUE"
aoc "aoc.tsv" version "v1" source "test AOC"
`;

let root = "";

const claim = (id: string, lines: object[], dx = ["L57.0"]) => ({ id, serviceDate: "2024-05-15", diagnoses: dx, lines });

beforeAll(async () => {
  root = tempDir("dermrules-explain-");
  fs.writeFileSync(path.join(root, "cms.rules"), RULES);
  fs.writeFileSync(path.join(root, "ptp.tsv"), PTP);
  fs.writeFileSync(path.join(root, "mue.tsv"), MUE);
  fs.writeFileSync(path.join(root, "aoc.tsv"), AOC);
  const r = await runCli(["compile", "cms.rules", "-o", "t.json"], { cwd: root });
  expect(r.code).toBe(0);
  fs.writeFileSync(path.join(root, "deny.json"), JSON.stringify(claim("D1", [{ code: "17004", units: 1, dxPointers: [1] }, { code: "17003", units: 2, dxPointers: [1] }])));
  fs.writeFileSync(path.join(root, "em.json"), JSON.stringify(claim("E1", [{ code: "17000", units: 1, dxPointers: [1] }, { code: "99213", units: 1, modifiers: ["25"], dxPointers: [2] }], ["L57.0", "L30.9"])));
  fs.writeFileSync(path.join(root, "review.json"), JSON.stringify(claim("R1", [{ code: "17000", units: 1, dxPointers: [1] }], ["L30.9"])));
});

describe("dermrules explain", () => {
  it("says why each finding fired: the rule, its citation, the facts, the fix (exit 1 on a denial)", async () => {
    const r = await runCli(["explain", "--table", "t.json", "deny.json"], { cwd: root });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("claim D1: DENY — 2 findings (ruleset cms)");
    expect(r.stdout).toContain("● error cms.ptp.17004.17003 — line 2 (with line 1)");
    expect(r.stdout).toContain("source: test PTP");
    expect(r.stdout).toContain("column 1 `17004` is on line 1 and column 2 `17003` on line 2, both on 2024-05-15");
    expect(r.stdout).toContain("has modifier indicator 0: no modifier allows both");
    expect(r.stdout).toContain("fix: remove line 2");
    // 17003 without its primary 17000:
    expect(r.stdout).toContain("● error cms.aoc.17003 — line 2");
    expect(r.stdout).toContain("its listed primaries in force on 2024-05-15: `17000`");
    expect(r.stdout).toContain("fix: add `17000`");
  });

  it("says why a rule did not fire, and exits 0 for a clean claim", async () => {
    const r = await runCli(["explain", "--table", "t.json", "em.json"], { cwd: root });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("claim E1: CLEAN");
    expect(r.stdout).toContain("○ cms.ptp.17000.99213 (lines 1, 2) — not applied: the E/M line 2 carries `25`, which this PTP edit (indicator 1) accepts");
    expect(r.stdout).toContain("○ t.necessity.ak (line 1) — not applied: line 1 (`17000`) points to `L57.0` (dx 1), in L57.0, as the rule requires");
    expect(r.stdout).toContain("○ t.destruction.over-14 — not applied: 1 unit of 17000, 17003 on 2024-05-15 (line 1), not more than 14");
  });

  it("--rule narrows the explanation, and says what is missing for a rule the claim does not touch", async () => {
    const r = await runCli(["explain", "--table", "t.json", "review.json", "--rule", "t.necessity.ak", "--rule", "cms.ptp.11104.11102"], { cwd: root });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("claim R1: REVIEW — 1 finding");
    expect(r.stdout).toContain("● warning t.necessity.ak — line 1");
    expect(r.stdout).toContain("line 1 (`17000`) points to `L30.9` (dx 1), none in L57.0, which the rule requires");
    expect(r.stdout).toContain("○ cms.ptp.11104.11102 — not triggered: the edit needs both `11104` and `11102` on 2024-05-15");
    expect(r.stdout).not.toContain("t.destruction.over-14");
  });

  it("--json prints the trace for programs, one object per claim", async () => {
    const r = await runCli(["explain", "--table", "t.json", "--json", "review.json"], { cwd: root });
    const x = JSON.parse(r.stdout) as { claimId: string; verdict: string; findings: { rule: string }[]; traces: { rule: string; status: string; because: string[]; failed?: string }[] };
    expect(x.claimId).toBe("R1");
    expect(x.verdict).toBe("review");
    expect(x.findings.map((f) => f.rule)).toEqual(["t.necessity.ak"]);
    const fired = x.traces.filter((t) => t.status === "fired");
    expect(fired.map((t) => t.rule)).toEqual(["t.necessity.ak"]);
    expect(fired[0]!.because.length).toBeGreaterThan(0);
    for (const t of x.traces.filter((tr) => tr.status !== "fired")) expect(t.failed).toBeTruthy();
  });

  it("explains each record of an NDJSON stream, invalid ones included", async () => {
    const stdin = [JSON.stringify(claim("N1", [{ code: "17000", units: 1, dxPointers: [1] }])), "", "{not json", JSON.stringify({ id: "N3", diagnoses: [], lines: [] })].join("\n");
    const r = await runCli(["explain", "--table", "t.json", "-"], { cwd: root, stdin });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("claim N1: CLEAN");
    expect(r.stdout).toContain("claim (no id): INVALID");
    expect(r.stdout).toContain("the record on line 3 is not valid JSON");
    expect(r.stdout).toContain("claim N3: INVALID");
  });

  it("exit 2 for usage errors and unreadable inputs", async () => {
    expect((await runCli(["explain", "deny.json"], { cwd: root })).code).toBe(2);
    expect((await runCli(["explain", "--table", "t.json"], { cwd: root })).code).toBe(2);
    expect((await runCli(["explain", "--table", "none.json", "deny.json"], { cwd: root })).code).toBe(2);
    expect((await runCli(["explain", "--table", "t.json", "none.json"], { cwd: root })).code).toBe(2);
    expect((await runCli(["explain", "--table", "t.json", "deny.json", "--rule", "Not An Id"], { cwd: root })).code).toBe(2);
    fs.writeFileSync(path.join(root, "bad-table.json"), '{"formatVersion": 99}');
    const bad = await runCli(["explain", "--table", "bad-table.json", "deny.json"], { cwd: root });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("is not a usable decision table");
    const unknown = await runCli(["explain", "--table", "t.json", "deny.json", "--rule", "t.nothing"], { cwd: root });
    expect(unknown.stderr).toContain("no rule or table edit of the table matches `t.nothing`");
  });
});

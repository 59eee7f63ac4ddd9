/**
 * `dermrules diff` in-process: folders, compiled tables, git revisions, a claim corpus, the
 * three output forms, `--fail-on-change` and the exit codes; and the shipped rule packs
 * against a reformatted, reordered copy with a rule moved to another file (no change).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, runCli, tempDir } from "../support/cli.ts";
import { AOC, MUE, PTP } from "../review/helpers.ts";

const RULES = `codes DESTRUCTION = 17000, 17003, 17004
dx AK_DX = L57.0

when 17000, 17003 count > 14 require 17004
  id t.destruction.over-14
  message "15 or more lesions are reported with 17004"
  source "CPT code set convention"

when line DESTRUCTION require dx in AK_DX
  id t.necessity.ak
  severity warning
  message "premalignant destruction needs actinic keratosis on the line"
  source "CMS NCD 250.4"

ptp "../data/ptp.tsv" version "v1" source "test PTP"
mue "../data/mue.tsv" version "v1" source "test MUE"
aoc "../data/aoc.tsv" version "v1" source "test AOC"
`;

/** A folder `<root>/<name>/cms.rules` beside `<root>/data/`. */
function ruleFolder(root: string, name: string, rules: string, data: { ptp?: string; mue?: string } = {}): string {
  fs.mkdirSync(path.join(root, name), { recursive: true });
  fs.mkdirSync(path.join(root, "data"), { recursive: true });
  fs.writeFileSync(path.join(root, name, "cms.rules"), rules);
  if (!fs.existsSync(path.join(root, "data", "ptp.tsv")) || data.ptp) fs.writeFileSync(path.join(root, "data", "ptp.tsv"), data.ptp ?? PTP);
  if (!fs.existsSync(path.join(root, "data", "mue.tsv")) || data.mue) fs.writeFileSync(path.join(root, "data", "mue.tsv"), data.mue ?? MUE);
  fs.writeFileSync(path.join(root, "data", "aoc.tsv"), AOC);
  return path.join(root, name);
}

function pair(): { root: string } {
  const root = tempDir("dermrules-diff-");
  ruleFolder(root, "base", RULES);
  ruleFolder(root, "head", RULES.replace("count > 14", "count > 15").replace("  severity warning\n", "  severity error\n"));
  ruleFolder(root, "same", RULES.replace(/\n\n/g, "\n\n# reviewed\n\n"));
  return { root };
}

describe("dermrules diff", () => {
  it("reports rule changes and behaviour changes as text (exit 0), and exit 1 with --fail-on-change", async () => {
    const { root } = pair();
    const r = await runCli(["diff", "base", "head"], { cwd: root });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("dermrules diff: base → head");
    expect(r.stdout).toContain("Rules: 0 added · 0 removed · 2 modified");
    expect(r.stdout).toContain("~ t.destruction.over-14 [cms] cms.rules:4:1");
    expect(r.stdout).toContain("condition: 17000, 17003 count > 14");
    expect(r.stdout).toContain("severity: warning");
    expect(r.stdout).toMatch(/Behaviour: \d+ rules change findings/);
    expect(r.stdout).toMatch(/t\.destruction\.over-14\n\s+generated: no longer fires on \d+ claims/);
    expect(r.stdout).toContain("witness (no longer fires, generated):");
    const failing = await runCli(["diff", "base", "head", "--fail-on-change"], { cwd: root });
    expect(failing.code).toBe(1);
  });

  it("reports nothing for a reformatted copy, even with --fail-on-change", async () => {
    const { root } = pair();
    const r = await runCli(["diff", "base", "same", "--fail-on-change"], { cwd: root });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Rules: 0 added · 0 removed · 0 modified");
    expect(r.stdout).toContain("Behaviour: no behaviour change: the two sides hold the same rules");
  });

  it("--json prints the report object", async () => {
    const { root } = pair();
    const r = await runCli(["diff", "base", "head", "--json"], { cwd: root });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { rules: { id: string; fields: { field: string }[] }[]; behaviour: { changed: boolean; byRule: { rule: string; witnesses: unknown[] }[] } };
    expect(report.rules.map((x) => `${x.id} ${x.fields.map((f) => f.field).join(",")}`)).toEqual(["t.destruction.over-14 condition", "t.necessity.ak severity"]);
    expect(report.behaviour.changed).toBe(true);
    expect(report.behaviour.byRule.map((x) => x.rule)).toContain("t.necessity.ak");
    for (const x of report.behaviour.byRule) expect(x.witnesses.length).toBeGreaterThan(0);
  });

  it("--markdown prints a summary table, then collapsible details", async () => {
    const { root } = pair();
    const r = await runCli(["diff", "base", "head", "--markdown"], { cwd: root });
    expect(r.code).toBe(0);
    const md = r.stdout;
    expect(md.startsWith("### dermrules policy diff: `base` → `head`\n")).toBe(true);
    expect(md).toContain("| **Rules** | 0 added · 0 removed · 2 modified");
    expect(md).toContain("| **Behaviour** | ⚠️ ");
    expect(md).toContain("#### Rule changes");
    expect(md).toContain("| `t.necessity.ak` | cms | severity: `warning` → `error` |");
    expect(md).toContain("#### Behaviour changes");
    expect(md).toContain("<details><summary><code>t.destruction.over-14</code> no longer fires");
    expect(md.indexOf("| **Rules** |")).toBeLessThan(md.indexOf("<details>"));
    expect(md.split("<details>").length).toBe(md.split("</details>").length);
    expect(md).toContain("```json\n{\"id\":\"W\"");
  });

  it("compares two compiled tables, and counts a corpus", async () => {
    const { root } = pair();
    const headRules = RULES.replace("  severity warning\n", "  severity error\n");
    // The head compiles elsewhere, with its own (updated) data folder.
    const other = tempDir("dermrules-diff-head-");
    ruleFolder(other, "head2", headRules, { mue: MUE.replace("17003\t13\t2", "17003\t12\t2") });
    expect((await runCli(["compile", "base", "-o", "a.json"], { cwd: root })).code).toBe(0);
    const b = await runCli(["compile", "head2", "-o", path.join(root, "b.json")], { cwd: other });
    expect(b.code).toBe(0);
    const claims = [
      { id: "C1", serviceDate: "2024-05-15", diagnoses: ["L57.0"], lines: [{ code: "17000", units: 1, dxPointers: [1] }] },
      { id: "C2", serviceDate: "2024-05-15", diagnoses: ["L30.9"], lines: [{ code: "17000", units: 1, dxPointers: [1] }] },
      { id: "C3", serviceDate: "2024-05-15", diagnoses: ["L57.0"], lines: [{ code: "17000", units: 1 }, { code: "17003", units: 13 }] },
      { id: "C4", serviceDate: "2024-05-15", diagnoses: ["L57.0"], lines: [{ code: "11102", units: 1 }] },
    ];
    fs.writeFileSync(path.join(root, "corpus.ndjson"), claims.map((c) => JSON.stringify(c)).join("\n") + "\n\nnot json\n");
    const r = await runCli(["diff", "a.json", "b.json", "--claims", "corpus.ndjson"], { cwd: root });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    // Compiled from `base/` and `head2/`: origins differ by their folder only, which is not a move.
    expect(r.stdout).toContain("~ t.necessity.ak [cms] head2/cms.rules:9:1");
    expect(r.stdout).not.toContain("(not a change)");
    expect(r.stdout).toContain("cms.mue (MUE v1) [cms]: changes 1 MUE value (1 lower): 17003 13 per day (MAI 2) → 12 per day (MAI 2)");
    // C2: review → deny (ak severity); C3: clean → deny (MUE 12): 2 of the 4 valid corpus claims.
    expect(r.stdout).toContain("corpus: 2 of 4 corpus claims change verdict (clean → deny: 1, review → deny: 1); 2 change findings; 1 record not valid claims, skipped");
    expect(r.stdout).toMatch(/cms\.mue\.17003\n\s+generated: [^\n]+\n\s+corpus: now fires on 1 claim; 1 change verdict/);
  });

  it("compares two git revisions of a folder, and a revision with the working tree", async () => {
    const root = tempDir("dermrules-git-");
    const git = (...args: string[]) => execFileSync("git", args, { cwd: root, stdio: "pipe" }).toString();
    git("init", "-q");
    git("config", "user.email", "t@example.com");
    git("config", "user.name", "t");
    ruleFolder(root, "rules", RULES);
    git("add", ".");
    git("commit", "-q", "-m", "base");
    fs.writeFileSync(path.join(root, "rules", "cms.rules"), RULES.replace("count > 14", "count > 15"));
    git("commit", "-q", "-am", "raise the threshold");
    fs.writeFileSync(path.join(root, "rules", "cms.rules"), RULES.replace("count > 14", "count > 16"));
    const committed = await runCli(["diff", "--git", "HEAD~1..HEAD", "--", "rules"], { cwd: root });
    expect(committed.stderr).toBe("");
    expect(committed.code).toBe(0);
    expect(committed.stdout).toContain("dermrules diff: HEAD~1:rules → HEAD:rules");
    expect(committed.stdout).toContain("~ t.destruction.over-14 [cms] rules/cms.rules:4:1");
    expect(committed.stdout).toContain("→ 17000, 17003 count > 15");
    // Flags after the paths are still flags (the README writes `-- rules/ --markdown`).
    const md = await runCli(["diff", "--git", "HEAD~1..HEAD", "--", "rules", "--markdown"], { cwd: root });
    expect(md.code).toBe(0);
    expect(md.stdout.startsWith("### dermrules policy diff: `HEAD~1:rules` → `HEAD:rules`")).toBe(true);
    const worktree = await runCli(["diff", "--git", "HEAD", "rules"], { cwd: root });
    expect(worktree.code).toBe(0);
    expect(worktree.stdout).toContain("dermrules diff: HEAD:rules → working tree:rules");
    expect(worktree.stdout).toContain("→ 17000, 17003 count > 16");
    const bad = await runCli(["diff", "--git", "nope..HEAD", "--", "rules"], { cwd: root });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("`nope` is not a revision of this repository");
  });

  it("exit codes: 2 for usage and unreadable inputs, 1 when a side does not compile", async () => {
    const { root } = pair();
    expect((await runCli(["diff"], { cwd: root })).code).toBe(2);
    expect((await runCli(["diff", "base"], { cwd: root })).code).toBe(2);
    const missing = await runCli(["diff", "base", "nowhere"], { cwd: root });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("cannot read `nowhere`: no such file or folder");
    expect((await runCli(["diff", "base", "head", "--json", "--markdown"], { cwd: root })).code).toBe(2);
    expect((await runCli(["diff", "--git", "a..b..c", "--", "base"], { cwd: root })).code).toBe(2);
    expect((await runCli(["diff", "base", "head", "--claims", "none.ndjson"], { cwd: root })).code).toBe(2);
    fs.writeFileSync(path.join(root, "junk.json"), "{}");
    const junk = await runCli(["diff", "base", "junk.json"], { cwd: root });
    expect(junk.code).toBe(2);
    expect(junk.stderr).toContain("is not a usable decision table");
    ruleFolder(root, "broken", "when 17003 count > require 17004\n");
    const broken = await runCli(["diff", "base", "broken"], { cwd: root });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain("broken: the rules do not compile");
    expect(broken.stderr).toContain("DR1002");
  });
});

describe("dermrules diff on the shipped rule packs", () => {
  it("a reformatted copy with its files reordered and a rule moved to another file reports no change", async () => {
    const root = tempDir("dermrules-packs-");
    fs.cpSync(path.join(REPO_ROOT, "rules"), path.join(root, "base"), { recursive: true });
    fs.cpSync(path.join(REPO_ROOT, "rules"), path.join(root, "head"), { recursive: true });
    fs.symlinkSync(path.join(REPO_ROOT, "data"), path.join(root, "data"));
    // Move the first `when` rule of integumentary.rules (with its metadata) to a new file of the same ruleset.
    const file = path.join(root, "head", "cms", "integumentary.rules");
    const text = fs.readFileSync(file, "utf8");
    const m = /\nwhen [^]*?\n(?=\n)/.exec(text)!;
    fs.writeFileSync(file, text.replace(m[0], "\n"));
    fs.writeFileSync(path.join(root, "head", "cms", "zz-moved.rules"), `ruleset cms\n\n# moved here from integumentary.rules\n${m[0].trim()}\n`);
    // Indent and space out the medical-necessity pack (layout only).
    const mn = path.join(root, "head", "cms", "medical-necessity.rules");
    fs.writeFileSync(mn, fs.readFileSync(mn, "utf8").replace(/\n  (id|source|message) /g, "\n      $1   ").replace(/\n\n/g, "\n\n\n"));
    const r = await runCli(["diff", "base", "head", "--json"], { cwd: root });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { rules: unknown[]; layers: unknown[]; tables: unknown[]; moved: { id: string; to: string }[]; behaviour: { changed: boolean; equivalent?: string } };
    expect(report.rules).toEqual([]);
    expect(report.layers).toEqual([]);
    expect(report.tables).toEqual([]);
    expect(report.moved).toHaveLength(1);
    expect(report.moved[0]!.to).toMatch(/^cms\/zz-moved\.rules:\d+:1$/);
    expect(report.behaviour.changed).toBe(false);
    expect(report.behaviour.equivalent).toBeDefined();
  });
});

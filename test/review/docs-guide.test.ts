/**
 * docs/guide.md is real: its rule file and tests, added to a copy of the shipped rules, compile
 * and pass; the error, `test`, `explain` and `diff` output it shows is what the commands print
 * (numbers that depend on the generator or on the size of the packs are compared as `N`).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, runCli, tempDir } from "../support/cli.ts";

const GUIDE = fs.readFileSync(path.join(REPO_ROOT, "docs", "guide.md"), "utf8");

/** The fenced blocks of the guide, in order. */
const blocks = [...GUIDE.matchAll(/^```([a-z]*)\n([\s\S]*?)^```/gm)].map((m) => ({ lang: m[1]!, text: m[2]! }));
const ruleFile = blocks.find((b) => b.text.startsWith("# rules/payers/acme-health.rules"))!.text;
const testBlocks = blocks.find((b) => b.text.startsWith('test "acme-health:'))!.text;
const shown = (start: string) => blocks.find((b) => b.text.startsWith(start))!.text;
const claimJson = blocks.find((b) => b.lang === "json" && b.text.includes('"ACME-7"'))!.text;

/** The lines of a shown output block, without the `…` lines that stand for omitted output. */
function shownLines(text: string): string[] {
  return text.split("\n").filter((l) => l.trim() !== "" && l.trim() !== "…");
}

const numbers = (s: string) => s.replace(/\d[\d,]*/g, "N");

let root = "";

beforeAll(() => {
  root = tempDir("dermrules-guide-");
  const git = (...args: string[]) => execFileSync("git", args, { cwd: root, stdio: "pipe" }).toString();
  fs.cpSync(path.join(REPO_ROOT, "rules"), path.join(root, "rules"), { recursive: true });
  // The data files are committed too: `diff --git` reads them at the revision (2 MB).
  fs.cpSync(path.join(REPO_ROOT, "data"), path.join(root, "data"), { recursive: true });
  git("init", "-q");
  git("config", "user.email", "guide@example.com");
  git("config", "user.name", "guide");
  git("add", "rules", "data");
  git("commit", "-q", "-m", "the shipped rules");
  git("branch", "-M", "main");
  fs.writeFileSync(path.join(root, "rules", "payers", "acme-health.rules"), `${ruleFile}\n${testBlocks}`);
  fs.writeFileSync(path.join(root, "claim.json"), claimJson);
});

describe("docs/guide.md", () => {
  it("its rule compiles, and a misspelt severity gives the error it shows", async () => {
    expect((await runCli(["compile", "rules", "-o", "table.json"], { cwd: root })).code).toBe(0);
    const file = path.join(root, "rules", "payers", "acme-health.rules");
    const good = fs.readFileSync(file, "utf8");
    fs.writeFileSync(file, good.replace("  id acme-health.coverage.wart-destruction-child\n", "  id acme-health.coverage.wart-destruction-child\n  severity warnng\n"));
    const bad = await runCli(["compile", "rules", "-o", "bad.json"], { cwd: root });
    fs.writeFileSync(file, good);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(shown("rules/payers/acme-health.rules:7:12: error DR2032").trimEnd());
  });

  it("its tests pass, as shown", async () => {
    const r = await runCli(["test", "rules", "--coverage"], { cwd: root });
    expect(r.code).toBe(0);
    const out = numbers(r.stdout);
    for (const l of shownLines(shown("ok   rules/payers/acme-health.rules"))) expect(out).toContain(numbers(l));
  });

  it("explain prints what it shows", async () => {
    expect((await runCli(["compile", "rules", "-o", "table.json"], { cwd: root })).code).toBe(0);
    const r = await runCli(["explain", "--table", "table.json", "claim.json"], { cwd: root });
    expect(r.code).toBe(0);
    for (const l of shownLines(shown("claim ACME-7:"))) expect(r.stdout).toContain(l);
  });

  it("diff prints what it shows", async () => {
    const r = await runCli(["diff", "--git", "main", "--", "rules/"], { cwd: root });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = numbers(r.stdout);
    for (const l of shownLines(shown("Rules: 1 added"))) expect(out).toContain(numbers(l));
    const md = await runCli(["diff", "--markdown", "--fail-on-change", "--git", "main", "--", "rules/"], { cwd: root });
    expect(md.code).toBe(1);
    expect(md.stdout).toContain("| **Behaviour** | ⚠️");
  });
});

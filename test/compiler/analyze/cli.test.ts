/** `dermrules check` in-process: output forms, --fail-on, exit codes. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../support/cli.ts";

/** A folder with rule files, for one test. */
function folder(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dermrules-check-"));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

const DEAD = "when 17000 count > 3 and 17000 count < 2 deny\n  id t.dead\n";
const TESTED = 'when 17003 flag\n  id t.ok\ntest "t" {\n  claim dos 2024-05-15 dx L57.0\n  line 17003 dx 1\n  expect warning t.ok\n  expect no t.dead\n}\n';

describe("dermrules check", () => {
  it("prints rendered diagnostics and a summary; warnings fail only with --fail-on warning", async () => {
    const cwd = folder({ "a.rules": DEAD + TESTED });
    const plain = await runCli(["check", "."], { cwd });
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain("a.rules:1:1: warning DR3003: rule `t.dead` can never give a finding: `17000 count > 3` and `17000 count < 2` cannot hold together");
    expect(plain.stdout).toContain("   1 │ when 17000 count > 3 and 17000 count < 2 deny");
    expect(plain.stdout).toMatch(/check: 0 errors, 1 warning, 0 infos \(2 rules in 1 layer; \d+\.\d s\)\n$/);
    expect((await runCli(["check", ".", "--fail-on", "warning"], { cwd })).code).toBe(1);
    expect((await runCli(["check", ".", "--fail-on", "error"], { cwd })).code).toBe(0);
  });

  it("--format json: the diagnostics with rules, layer and evidence, and a summary", async () => {
    const cwd = folder({ "a.rules": "when 17110 require 17250\n  id t.req\nwhen 17110 with dx B07.8 forbid 17250\n  id t.forbid\n" });
    const r = await runCli(["check", ".", "--format", "json"], { cwd });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { diagnostics: Record<string, unknown>[]; summary: Record<string, unknown> };
    const d = out.diagnostics.find((x) => x.code === "DR3001")!;
    expect(d).toMatchObject({ severity: "error", file: "a.rules", line: 1, column: 1, rules: ["t.req", "t.forbid"], layer: "cms" });
    expect((d.evidence as unknown[]).length).toBe(2);
    expect(out.summary).toMatchObject({ errors: 1, analysed: true, undecided: 0 });
  });

  it("compile errors: printed, analysis skipped, exit 1", async () => {
    const cwd = folder({ "a.rules": "when 1700 deny\n" });
    const r = await runCli(["check", "."], { cwd });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("error DR2020");
    expect(r.stdout).toContain("analysis skipped: fix the compile errors first");
  });

  it("bad usage exits 2", async () => {
    expect((await runCli(["check"])).code).toBe(2);
    expect((await runCli(["check", "rules", "--fail-on", "never"])).code).toBe(2);
    expect((await runCli(["check", "rules", "--format", "xml"])).code).toBe(2);
    expect((await runCli(["check", "no-such-folder"])).code).toBe(2);
  });
});

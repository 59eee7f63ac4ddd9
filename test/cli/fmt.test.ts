/**
 * `dermrules fmt` run in-process: the four modes, exit codes, files with syntax errors, the
 * unified diff (applied back, it gives the formatted text), and the repository check that CI
 * relies on: `fmt --check rules examples` passes.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { unifiedDiff } from "../../cli/commands/fmt.ts";
import { runCli, tempDir } from "../support/cli.ts";

const dir = tempDir("dermrules-fmt-");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const MESSY = "when 17003 count>14 require 17004\n  message \"m\"   # why\n      id a.b\n";
const CANONICAL = 'when 17003 count > 14 require 17004\n  id a.b\n  message "m" # why\n';

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

/** Applies a unified diff made by `unifiedDiff` to the text it was made from. */
function applyDiff(before: string, diff: string): string {
  const lines = before.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const out: string[] = [];
  let at = 0;
  const diffLines = diff.split("\n");
  for (let i = 2; i < diffLines.length; i++) {
    const header = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@$/.exec(diffLines[i]!);
    if (!header) continue;
    const start = Number(header[1]) - (header[2] === "0" ? 0 : 1);
    while (at < start) out.push(lines[at++]!);
    let last = "";
    for (i++; i < diffLines.length && !diffLines[i]!.startsWith("@@"); i++) {
      const l = diffLines[i]!;
      // "\ No newline at end of file" is about the line just before it (a removed one needs nothing).
      if (l.startsWith("\\")) {
        if (last !== "-") out[out.length - 1] = out[out.length - 1]!.replace(/\n$/, "");
        continue;
      }
      last = l[0] ?? "";
      if (l.startsWith(" ")) out.push(lines[at++]!);
      else if (l.startsWith("-")) at++;
      else if (l.startsWith("+")) out.push(`${l.slice(1)}\n`);
    }
    i--;
  }
  while (at < lines.length) out.push(lines[at++]!);
  return out.join("");
}

describe("dermrules fmt", () => {
  it("prints one file's formatted text", async () => {
    const f = write("one.rules", MESSY);
    const r = await runCli(["fmt", f]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(CANONICAL);
    expect(fs.readFileSync(f, "utf8")).toBe(MESSY);
  });

  it("formats standard input with `-`", async () => {
    const r = await runCli(["fmt", "-"], { stdin: MESSY });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(CANONICAL);
  });

  it("--check lists the files that would change and exits 1; 0 when all are formatted", async () => {
    const sub = path.join(dir, "check");
    write("check/a.rules", MESSY);
    write("check/nested/b.rules", CANONICAL);
    write("check/nested/notes.txt", "not a rule file");
    const r = await runCli(["fmt", "--check", "check"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("check/a.rules\n");
    write("check/a.rules", CANONICAL);
    const again = await runCli(["fmt", "--check", sub]);
    expect(again).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it("--write rewrites only the files that change, after which --check passes", async () => {
    const a = write("write/a.rules", MESSY);
    const b = write("write/b.rules", CANONICAL);
    const bTime = fs.statSync(b).mtimeMs;
    const r = await runCli(["fmt", "--write", path.join(dir, "write")]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("formatted 1 of 2 files\n");
    expect(fs.readFileSync(a, "utf8")).toBe(CANONICAL);
    expect(fs.statSync(b).mtimeMs).toBe(bTime);
    expect((await runCli(["fmt", "--check", path.join(dir, "write")])).code).toBe(0);
  });

  it("--diff prints a unified diff that turns the file into its formatted text", async () => {
    write("diff/a.rules", MESSY);
    const r = await runCli(["fmt", "--diff", "diff/a.rules"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n").slice(0, 3)).toEqual(["--- a/diff/a.rules", "+++ b/diff/a.rules", "@@ -1,3 +1,3 @@"]);
    expect(applyDiff(MESSY, r.stdout)).toBe(CANONICAL);
    const checked = await runCli(["fmt", "--diff", "--check", "diff/a.rules"], { cwd: dir });
    expect(checked.code).toBe(1);
    expect(checked.stdout).toBe(r.stdout);
  });

  it("turns CRLF, tabs and a byte-order mark into the canonical form", async () => {
    const f = write("crlf.rules", "\uFEFFwhen 17000\tdeny\r\n  id a.crlf\r\n");
    const r = await runCli(["fmt", "--check", f]);
    expect(r.code).toBe(1);
    expect((await runCli(["fmt", f])).stdout).toBe("when 17000 deny\n  id a.crlf\n");
  });

  it("does not format a file with a syntax error: diagnostics on stderr, exit 1, file untouched", async () => {
    const bad = write("bad/bad.rules", "when 17000 count>1\n  id x\n");
    const good = write("bad/good.rules", MESSY);
    const r = await runCli(["fmt", "--write", path.join(dir, "bad")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error DR1002");
    expect(r.stderr).toContain("was not formatted");
    expect(fs.readFileSync(bad, "utf8")).toBe("when 17000 count>1\n  id x\n");
    expect(fs.readFileSync(good, "utf8")).toBe(CANONICAL);
    const checked = await runCli(["fmt", "--check", bad]);
    expect(checked.code).toBe(1);
  });

  it("exits 2 on bad usage and unreadable paths", async () => {
    const a = write("usage/a.rules", MESSY);
    const b = write("usage/b.rules", MESSY);
    for (const argv of [
      ["fmt"],
      ["fmt", a, b],
      ["fmt", "--write", "--check", a],
      ["fmt", "--check", "-"],
      ["fmt", "--frobnicate", a],
      ["fmt", path.join(dir, "no-such-file.rules")],
    ]) {
      const r = await runCli(argv);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.stderr, argv.join(" ")).toMatch(/^dermrules fmt: /);
    }
  });

  it("passes on the repository's rule files: `fmt --check rules examples` (CI runs this)", async () => {
    const r = await runCli(["fmt", "--check", "rules", "examples"]);
    expect(r.stdout, "these files need `dermrules fmt --write`").toBe("");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });
});

describe("unifiedDiff", () => {
  it("applied to the old text gives the new text, for any two texts", () => {
    const text = fc
      .array(fc.constantFrom("a\n", "b\n", "c\n", "when 17000 deny\n", "\n", "x"), { maxLength: 30 })
      .map((parts) => parts.join(""));
    fc.assert(
      fc.property(text, text, (before, after) => {
        const diff = unifiedDiff(before, after, "f.rules");
        if (before === after) expect(diff).toBe("");
        else expect(applyDiff(before, diff)).toBe(after);
      }),
      { numRuns: 500 },
    );
  });
});

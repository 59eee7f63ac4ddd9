/**
 * Helpers for the hostile-input suite: compile rule text in memory (data files inline, never
 * from disk), one-line diagnostics, a compiled table for claim cases, and the `dermrules`
 * command run in a real child process (signals, pipes, separate Node processes).
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { compileSources, formatDiagnosticLine, serializeTable, type CompileResult } from "../../compiler/index.ts";
import { loadTable, type LoadedTable } from "../../runtime/index.ts";
import { REPO_ROOT, tempDir } from "../support/cli.ts";

export { REPO_ROOT, tempDir };

/** Compiles rule files given as text; data files named by the rules come from `data` only. */
export function compile(files: Record<string, string>, data: Record<string, string | Uint8Array> = {}): CompileResult {
  return compileSources(
    Object.entries(files).map(([p, text]) => ({ path: p, text })),
    {
      readFile: (p) => {
        const d = data[p];
        return d === undefined ? undefined : typeof d === "string" ? Buffer.from(d) : d;
      },
    },
  );
}

/** One-line forms: `file:line:col: severity CODE: message`. */
export function lines(r: CompileResult): string[] {
  return r.diagnostics.map((d) => formatDiagnosticLine(d, r.sources));
}

/** Hints of the diagnostics, in order (what would be valid). */
export function hints(r: CompileResult): (string | undefined)[] {
  return r.diagnostics.map((d) => d.hint);
}

/** A small rule set whose findings are easy to tell apart. */
export const RULES = `
when 17003 count>14 require 17004
  id cms.hostile.17004
  message "15 or more lesions: 17004"
when 17000 and not dx in L57.0 flag
  id cms.hostile.ak
  message "17000 without actinic keratosis"
when 11600-11646 units>1 flag
  id cms.hostile.units
  message "one excision per line"
`;

/** Compiles {@link RULES} (or the given text) and loads the table; throws on any error. */
export function tableOf(text = RULES): { table: LoadedTable; json: string } {
  const r = compile({ "rules.rules": text });
  if (!r.table) throw new Error(`rules do not compile:\n${lines(r).join("\n")}`);
  const json = serializeTable(r.table);
  const loaded = loadTable(json);
  if (!loaded.ok) throw new Error(`table does not load: ${JSON.stringify(loaded.errors)}`);
  return { table: loaded.table, json };
}

/** A valid claim; `extra` overrides top-level fields. */
export function claim(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: "C1", serviceDate: "2026-10-15", diagnoses: ["L57.0"], lines: [{ code: "17000", units: 1, dxPointers: [1] }], ...extra };
}

/** Writes a file into a fresh temporary folder and returns its path. */
export function tempFile(name: string, content: string | Uint8Array, dir = tempDir("dermrules-hostile-")): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
}

/** A `dermrules` child process (node + tsx, as `npx dermrules` runs it). */
export function spawnCli(args: string[], opts: { cwd?: string } = {}): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [path.join(REPO_ROOT, "bin", "dermrules.mjs"), ...args], {
    cwd: opts.cwd ?? REPO_ROOT,
    stdio: ["pipe", "pipe", "pipe"],
  });
}

/** What a finished child process left. */
export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Collects a child's output until it exits. */
export function finished(child: ChildProcessWithoutNullStreams): Promise<ChildRun> {
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  child.stdout.on("data", (c: string) => (stdout += c));
  child.stderr.on("data", (c: string) => (stderr += c));
  return new Promise((resolve) => {
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Runs `dermrules` in a child process to the end, with optional stdin text. */
export async function runChild(args: string[], stdin?: string): Promise<ChildRun> {
  const child = spawnCli(args);
  const done = finished(child);
  child.stdin.on("error", () => {});
  child.stdin.end(stdin ?? "");
  return done;
}

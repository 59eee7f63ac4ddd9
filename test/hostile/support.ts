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

/** Codes the shipped rule packs and CMS tables have edits for, so generated claims get findings. */
const CODES = ["17000", "17003", "17004", "11102", "11103", "11104", "11105", "11600", "11602", "11642", "12001", "13101", "17110", "17111", "17311", "17312", "99213", "99214", "G0127", "J7308"];
const DX = ["L57.0", "C44.311", "D22.5", "L82.1", "C44.31", "B07.8", "Z99.99", "C43.4"];
const MODS = ["25", "59", "XS", "RT", "LT", "GY"];

/** The kinds of malformed line a generated stream holds, in turn. */
export const MALFORMED = [
  (i: number) => `{"id": "M${i}", "lines": [`, // truncated
  () => "this is not json",
  () => "[1, 2, 3]",
  (i: number) => `{"serviceDate":"2026-10-15","diagnoses":["L57.0"],"lines":[{"code":"17000","units":1}],"note":"no id ${i}"}`,
  (i: number) => `{"id":"M${i}","serviceDate":"2026-02-30","diagnoses":["L57.0"],"lines":[{"code":"17000","units":0}]}`,
];

/**
 * Line `i` (0-based) of a deterministic NDJSON claim stream: a claim drawn from `CODES`, or,
 * when `i % 100 === 37` (1%), a malformed line. Ids repeat now and then (duplicate warnings).
 */
export function streamLine(i: number): string {
  if (i % 100 === 37) return MALFORMED[(i / 100) % MALFORMED.length | 0]!(i);
  // A small LCG per line: the same line for the same i, in any process.
  let s = (i * 2654435761) >>> 0;
  const next = (n: number) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) % n;
  };
  const nLines = 1 + next(4);
  const lines: Record<string, unknown>[] = [];
  for (let k = 0; k < nLines; k++) {
    const line: Record<string, unknown> = { code: CODES[next(CODES.length)], units: 1 + next(next(4) === 0 ? 20 : 2), dxPointers: [1 + next(2)] };
    if (next(3) === 0) line.modifiers = [MODS[next(MODS.length)]];
    lines.push(line);
  }
  const c: Record<string, unknown> = {
    id: `C${next(50) === 0 ? i - 1 : i}`,
    serviceDate: `2026-${String(1 + next(12)).padStart(2, "0")}-${String(1 + next(28)).padStart(2, "0")}`,
    diagnoses: [DX[next(DX.length)], DX[next(DX.length)]],
    lines,
  };
  if (next(4) === 0) c.patient = { sex: next(2) ? "F" : "M", birthDate: `19${40 + next(60)}-0${1 + next(9)}-1${next(9)}` };
  if (next(10) === 0) c.payer = next(2) ? "example-payer" : "acme-health";
  return JSON.stringify(c);
}

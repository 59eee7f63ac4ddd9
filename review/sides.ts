/**
 * The two sides of a diff, from what the command line names: a folder (or file) of rules,
 * compiled; a compiled table (`.json`); or a git revision of some paths, read with `git
 * ls-tree` and `git show` (no checkout, no temp folder: the data files the rules reference
 * are read at the same revision).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { compilePaths, compileSources, renderDiagnostics, type CompileInput, type CompileResult } from "../compiler/index.ts";
import { loadTable } from "../runtime/index.ts";
import type { DecisionTable } from "../runtime/table.ts";
import type { Side } from "./types.ts";

/** A side, or why it could not be had: `usage` (unreadable, not a table, bad revision) or `compile` (rule errors). */
export type SideResult = { ok: true; side: Side; warnings: string } | { ok: false; kind: "usage" | "compile"; message: string };

function fromCompile(label: string, r: CompileResult, cwd: string): SideResult {
  const rendered = r.diagnostics.length ? renderDiagnostics(r.diagnostics, r.sources, { cwd }) : "";
  if (!r.table) return { ok: false, kind: "compile", message: `${label}: the rules do not compile:\n${rendered}` };
  return { ok: true, side: { label, table: r.table, program: r.program }, warnings: rendered };
}

/**
 * A folder or file of rules (compiled with paths relative to it, so both sides' origins read
 * alike), or a compiled table (`*.json`).
 */
export function loadPathSide(p: string, cwd: string, label = p): SideResult {
  const abs = path.resolve(cwd, p);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(abs);
  } catch {
    return { ok: false, kind: "usage", message: `cannot read \`${p}\`: no such file or folder` };
  }
  if (stat.isFile() && p.endsWith(".json")) {
    let text: string;
    try {
      text = fs.readFileSync(abs, "utf8");
    } catch (err) {
      return { ok: false, kind: "usage", message: `cannot read \`${p}\`: ${(err as Error).message}` };
    }
    const loaded = loadTable(text);
    if (!loaded.ok) {
      return { ok: false, kind: "usage", message: `\`${p}\` is not a usable decision table: ${loaded.errors.slice(0, 3).map((e) => `${e.pointer || "/"}: ${e.message}`).join("; ")}` };
    }
    return { ok: true, side: { label, table: loaded.table.table as DecisionTable }, warnings: "" };
  }
  const root = stat.isDirectory() ? abs : path.dirname(abs);
  return fromCompile(label, compilePaths([abs], { cwd: root }), root);
}

function git(cwd: string, args: string[]): Buffer {
  return execFileSync("git", args, { cwd, maxBuffer: 1 << 30, stdio: ["ignore", "pipe", "pipe"] });
}

/** The repository root and the cwd's path inside it (`""` at the root, else ending in `/`). */
function gitRoot(cwd: string): { root: string; prefix: string } | string {
  try {
    const root = git(cwd, ["rev-parse", "--show-toplevel"]).toString("utf8").trim();
    const prefix = git(cwd, ["rev-parse", "--show-prefix"]).toString("utf8").trim();
    return { root, prefix };
  } catch {
    return `\`${cwd}\` is not inside a git repository`;
  }
}

/** Splits `A..B` (`A..` or `A`: against the working tree). */
export function parseRevRange(spec: string): { base: string; head: string | null } | undefined {
  const m = /^([^.\s][^\s]*?)\.\.([^\s]*)$/.exec(spec);
  if (m) return { base: m[1]!, head: m[2] === "" ? null : m[2]! };
  if (/^[^\s.][^\s]*$/.test(spec) && !spec.includes("..")) return { base: spec, head: null };
  return undefined;
}

/**
 * A git revision of some paths (relative to `cwd`), compiled with repository-relative paths;
 * `rev` null is the working tree. Data files are read at the same revision.
 */
export function loadGitSide(rev: string | null, paths: readonly string[], cwd: string): SideResult {
  const where = gitRoot(cwd);
  if (typeof where === "string") return { ok: false, kind: "usage", message: where };
  const { root, prefix } = where;
  const repoPaths = paths.map((p) => path.posix.normalize(path.posix.join(prefix, p.split(path.sep).join("/"))).replace(/\/$/, "") || ".");
  const label = `${rev ?? "working tree"}:${paths.join(" ")}`;
  if (rev === null) {
    const abs = repoPaths.map((p) => path.join(root, p));
    for (const [i, a] of abs.entries()) if (!fs.existsSync(a)) return { ok: false, kind: "usage", message: `cannot read \`${paths[i]}\`: no such file or folder` };
    return fromCompile(label, compilePaths(abs, { cwd: root }), root);
  }
  try {
    git(root, ["rev-parse", "--verify", "--quiet", `${rev}^{commit}`]);
  } catch {
    return { ok: false, kind: "usage", message: `\`${rev}\` is not a revision of this repository` };
  }
  let files: string[];
  try {
    files = git(root, ["ls-tree", "-r", "-z", "--name-only", rev, "--", ...repoPaths])
      .toString("utf8")
      .split("\0")
      .filter((f) => f.endsWith(".rules"))
      .sort();
  } catch (err) {
    return { ok: false, kind: "usage", message: `cannot list \`${paths.join(" ")}\` at \`${rev}\`: ${String((err as Error).message).split("\n")[0]}` };
  }
  if (files.length === 0) return { ok: false, kind: "usage", message: `no \`*.rules\` file under \`${paths.join(" ")}\` at \`${rev}\`` };
  const inputs: CompileInput[] = files.map((f) => ({ path: f, text: git(root, ["show", `${rev}:${f}`]).toString("utf8") }));
  const readFile = (p: string): Uint8Array | undefined => {
    try {
      return git(root, ["show", `${rev}:${p}`]);
    } catch {
      return undefined;
    }
  };
  return fromCompile(label, compileSources(inputs, { cwd: root, readFile }), root);
}

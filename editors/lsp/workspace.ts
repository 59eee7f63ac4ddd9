/**
 * The language server's view of the rule files: what is on disk under the rules roots, what
 * the editor has open (unsaved text wins), and the latest compilation of each group of files
 * that compile together.
 *
 * A group is one rules root (default `rules/`: every `*.rules` under it compiles as one
 * program, as `dermrules compile rules` does), or a single file that lies outside every root
 * (an example, a golden test case), which compiles alone.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { compileSources, type CompileResult } from "../../compiler/index.ts";

/** One group's latest compilation. */
export interface GroupResult {
  readonly key: string;
  /** The group's version when it was compiled (see {@link Workspace.version}). */
  readonly version: number;
  readonly compile: CompileResult;
  /** Absolute paths of the group's rule files. */
  readonly files: readonly string[];
}

/** Folders that never hold rule files of the workspace. */
const SKIPPED = new Set(["node_modules", ".git"]);

/** Rule files and their compilations for one workspace folder. */
export class Workspace {
  private readonly disk = new Map<string, string>();
  private readonly open = new Map<string, string>();
  private readonly results = new Map<string, GroupResult>();
  private readonly versions = new Map<string, number>();
  /** Data files (PTP/MUE/AOC tables) by path: read again only when they change on disk. */
  private readonly dataFiles = new Map<string, { mtime: number; bytes: Uint8Array | undefined }>();
  readonly roots: readonly string[];

  constructor(
    readonly root: string,
    rulesRoots: readonly string[],
  ) {
    this.roots = rulesRoots.map((r) => path.resolve(root, r)).filter((r) => isDirectory(r));
    for (const r of this.roots) for (const f of walkRules(r)) this.readDisk(f);
  }

  /** The path compile inputs and diagnostics use: relative to the workspace, with `/`. */
  rel(abs: string): string {
    // Documents that are not files (`untitled:…`) keep their URI as their path.
    if (!path.isAbsolute(abs)) return abs;
    const rel = path.relative(this.root, abs);
    return rel.startsWith("..") || path.isAbsolute(rel) ? abs : rel.split(path.sep).join("/");
  }

  /** The absolute path of a compile-input path. */
  abs(rel: string): string {
    if (/^[a-z][a-z0-9+.-]+:/i.test(rel) && !path.isAbsolute(rel)) return rel;
    return path.resolve(this.root, rel);
  }

  /** The key of the group a file belongs to: its rules root, or the file itself. */
  groupKey(abs: string): string {
    return this.roots.find((r) => abs === r || abs.startsWith(r + path.sep)) ?? abs;
  }

  /** The files of a group (open ones included, even when not yet saved). */
  groupFiles(key: string): string[] {
    if (!this.roots.includes(key)) return [key];
    const inside = (f: string): boolean => f.startsWith(key + path.sep);
    return [...new Set([...this.disk.keys(), ...this.open.keys()].filter(inside))].sort();
  }

  /** The current text of a file: the editor's, else the disk's. */
  text(abs: string): string | undefined {
    return this.open.get(abs) ?? this.disk.get(abs);
  }

  /** A group's version: it changes whenever one of its files changes. */
  version(key: string): number {
    return this.versions.get(key) ?? 0;
  }

  private touch(abs: string): string {
    const key = this.groupKey(abs);
    this.versions.set(key, this.version(key) + 1);
    return key;
  }

  /** The editor opened or changed a file. Returns its group's key. */
  setOpen(abs: string, text: string): string {
    this.open.set(abs, text);
    return this.touch(abs);
  }

  /** The editor closed a file (its disk text counts again). Returns its group's key. */
  close(abs: string): string {
    this.open.delete(abs);
    return this.touch(abs);
  }

  /** A file changed, appeared or disappeared on disk. Returns its group's key. */
  diskChanged(abs: string): string {
    if (this.roots.some((r) => abs.startsWith(r + path.sep)) && abs.endsWith(".rules")) this.readDisk(abs);
    return this.touch(abs);
  }

  private readDisk(abs: string): void {
    try {
      this.disk.set(abs, fs.readFileSync(abs, "utf8"));
    } catch {
      this.disk.delete(abs);
    }
  }

  /** Compiles a group now (unsaved text included) and keeps the result. */
  compile(key: string): GroupResult {
    const files = this.groupFiles(key).filter((f) => this.text(f) !== undefined);
    const inputs = files.map((f) => ({ path: this.rel(f), text: this.text(f)! }));
    const compile = compileSources(inputs, { cwd: this.root, readFile: (p) => this.readData(p) });
    const result: GroupResult = { key, version: this.version(key), compile, files };
    this.results.set(key, result);
    return result;
  }

  /** The latest compilation of a file's group (compiled now if there is none yet). */
  result(abs: string): GroupResult {
    const key = this.groupKey(abs);
    return this.results.get(key) ?? this.compile(key);
  }

  private readData(file: string): Uint8Array | undefined {
    const abs = path.resolve(this.root, file);
    let mtime: number;
    try {
      mtime = fs.statSync(abs).mtimeMs;
    } catch {
      return undefined;
    }
    const cached = this.dataFiles.get(abs);
    if (cached?.mtime === mtime) return cached.bytes;
    let bytes: Uint8Array | undefined;
    try {
      bytes = fs.readFileSync(abs);
    } catch {
      bytes = undefined;
    }
    this.dataFiles.set(abs, { mtime, bytes });
    return bytes;
  }
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function walkRules(dir: string): string[] {
  const out: string[] = [];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    if (SKIPPED.has(e.name)) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walkRules(p));
    else if (e.isFile() && e.name.endsWith(".rules")) out.push(p);
  }
  return out;
}

/**
 * `dermrules fmt [--check | --write | --diff] <file|dir…>` (OPA `fmt -l -w -d`): rule files in
 * the canonical layout of grammar/print.ts.
 *
 * - no flag: prints the formatted text of one file (or of `-`, standard input) to stdout;
 * - `--check`: lists the files that would change; exit 1 when there is one;
 * - `--write`: rewrites the files that would change, in place;
 * - `--diff`: prints a unified diff per file that would change (with `--check`, exit 1 too).
 * Folders are searched for `*.rules`. A file with a syntax error is never formatted: its
 * diagnostics go to stderr and the exit code is 1. Unreadable files and bad usage exit 2.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { renderDiagnostics } from "../../compiler/index.ts";
import { formatRules } from "../../grammar/format.ts";
import { SourceFile, type Diagnostic } from "../../grammar/source.ts";
import { parse } from "../args.ts";
import { ExitCode, type Io } from "../io.ts";

const USAGE = "usage: dermrules fmt [--check | --write | --diff] <file|dir…>  (no flag: one file or `-` to stdout)\n";

/** Runs `dermrules fmt`. */
export async function run(args: string[], io: Io): Promise<number> {
  const parsed = parse(args, {
    check: { type: "boolean", default: false },
    write: { type: "boolean", short: "w", default: false },
    diff: { type: "boolean", short: "d", default: false },
  });
  if (!parsed.ok) {
    io.stderr(`dermrules fmt: ${parsed.error}\n${USAGE}`);
    return ExitCode.Usage;
  }
  const check = parsed.values.check === true;
  const write = parsed.values.write === true;
  const diff = parsed.values.diff === true;
  const { positionals } = parsed;
  if (write && (check || diff)) {
    io.stderr(`dermrules fmt: --write cannot be combined with --check or --diff\n${USAGE}`);
    return ExitCode.Usage;
  }
  if (positionals.length === 0) {
    io.stderr(`dermrules fmt: name the rule files or folders to format\n${USAGE}`);
    return ExitCode.Usage;
  }
  const toStdout = !check && !write && !diff;
  if (positionals.includes("-") && (!toStdout || positionals.length > 1)) {
    io.stderr(`dermrules fmt: \`-\` (standard input) works alone and without --check, --write or --diff\n${USAGE}`);
    return ExitCode.Usage;
  }

  // Gather the files (folders: every *.rules below them, sorted) before touching any.
  const files: string[] = [];
  if (positionals[0] !== "-") {
    for (const p of positionals) {
      const found = rulesFiles(io, p);
      if (found === undefined) {
        io.stderr(`dermrules fmt: cannot read \`${p}\`: no such file or folder\n`);
        return ExitCode.Usage;
      }
      files.push(...found);
    }
    if (toStdout && files.length !== 1) {
      io.stderr(
        `dermrules fmt: without --check, --write or --diff, name exactly one file (found ${files.length})\n${USAGE}`,
      );
      return ExitCode.Usage;
    }
  }

  if (positionals[0] === "-") {
    const lines: string[] = [];
    for await (const line of io.stdinLines()) lines.push(line);
    const text = lines.length === 0 ? "" : `${lines.join("\n")}\n`;
    return formatOne(io, "<stdin>", text, { toStdout: true, check, write, diff }).code;
  }

  let code: number = ExitCode.Ok;
  const changed: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = io.readFile(file).toString("utf8");
    } catch (err) {
      io.stderr(`dermrules fmt: cannot read \`${file}\`: ${(err as NodeJS.ErrnoException).code ?? String(err)}\n`);
      return ExitCode.Usage;
    }
    const r = formatOne(io, file, text, { toStdout, check, write, diff });
    if (r.code === ExitCode.Usage) return ExitCode.Usage;
    if (r.code !== ExitCode.Ok) code = ExitCode.Findings;
    if (r.changed) changed.push(file);
  }
  if (check && !diff) for (const f of changed) io.stdout(`${f}\n`);
  if (check && changed.length > 0) code = ExitCode.Findings;
  if (write && changed.length > 0) {
    io.stderr(`formatted ${changed.length} of ${files.length} file${files.length === 1 ? "" : "s"}\n`);
  }
  return code;
}

interface Mode {
  toStdout: boolean;
  check: boolean;
  write: boolean;
  diff: boolean;
}

/** Formats one file's text and does what the mode asks; `code` is Ok, Findings (errors) or Usage. */
function formatOne(io: Io, file: string, text: string, mode: Mode): { code: number; changed: boolean } {
  const result = formatRules(text, file);
  if (result.text === undefined) {
    reportDiagnostics(io, file, text, result.diagnostics);
    return { code: ExitCode.Findings, changed: false };
  }
  if (mode.toStdout) {
    io.stdout(result.text);
    return { code: ExitCode.Ok, changed: result.changed };
  }
  if (!result.changed) return { code: ExitCode.Ok, changed: false };
  if (mode.diff) io.stdout(unifiedDiff(text, result.text, file));
  if (mode.write) {
    try {
      io.writeFile(file, result.text);
    } catch (err) {
      io.stderr(`dermrules fmt: cannot write \`${file}\`: ${(err as NodeJS.ErrnoException).code ?? String(err)}\n`);
      return { code: ExitCode.Usage, changed: true };
    }
  }
  return { code: ExitCode.Ok, changed: true };
}

function reportDiagnostics(io: Io, file: string, text: string, diagnostics: readonly Diagnostic[]): void {
  const sources = new Map([[file, new SourceFile(file, text)]]);
  io.stderr(renderDiagnostics(diagnostics.slice(), sources, { cwd: io.cwd }));
  io.stderr(`dermrules fmt: \`${file}\` was not formatted: fix the errors above first\n`);
}

/** The rule files a path names, relative paths kept as given (posix); undefined when it does not exist. */
function rulesFiles(io: Io, given: string): string[] | undefined {
  const abs = path.resolve(io.cwd, given);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(abs);
  } catch {
    return undefined;
  }
  if (!stat.isDirectory()) return [given];
  const out: string[] = [];
  const walk = (dir: string, shown: string): void => {
    const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const shownChild = shown === "." ? e.name : `${shown}/${e.name}`;
      if (e.isDirectory()) walk(path.join(dir, e.name), shownChild);
      else if (e.isFile() && e.name.endsWith(".rules")) out.push(shownChild);
    }
  };
  walk(abs, given.replace(/[\\/]+$/, "").split(path.sep).join("/") || ".");
  return out;
}

// ---------------------------------------------------------------- unified diff

/** Lines with their terminators (so that a CRLF → LF change shows as a change). */
function splitLines(text: string): string[] {
  return text.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g) ?? [];
}

type Edit = { op: " " | "-" | "+"; line: string };

/** Myers' O(ND) shortest edit script between two line lists. */
function editScript(a: readonly string[], b: readonly string[]): Edit[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  // Walk the trace back from (n, m).
  const edits: Edit[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vd = trace[d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && vd[offset + k - 1]! < vd[offset + k + 1]!) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : vd[offset + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) edits.push({ op: " ", line: a[--x]! }), y--;
    if (d === 0) break;
    if (x === prevX) edits.push({ op: "+", line: b[--y]! });
    else edits.push({ op: "-", line: a[--x]! });
  }
  while (x > 0 && y > 0) edits.push({ op: " ", line: a[--x]! }), y--;
  return edits.reverse();
}

/**
 * A unified diff (`--- a/file`, `+++ b/file`, hunks with `context` lines around changes), as
 * `git apply` and `patch -p1` read it. Empty when the texts are equal.
 */
export function unifiedDiff(before: string, after: string, file: string, context = 3): string {
  if (before === after) return "";
  const a = splitLines(before);
  const b = splitLines(after);
  const edits = editScript(a, b);
  const show = (e: Edit): string => {
    const body = e.line.replace(/\r?\n$|\r$/, "");
    const ended = /[\r\n]$/.test(e.line);
    return `${e.op}${body}\n${ended ? "" : "\\ No newline at end of file\n"}`;
  };
  let out = `--- a/${file}\n+++ b/${file}\n`;
  let i = 0;
  while (i < edits.length) {
    if (edits[i]!.op === " ") {
      i++;
      continue;
    }
    // A hunk: from `context` lines before this change to `context` lines after the last
    // change that is at most 2 × context unchanged lines away.
    const start = Math.max(0, i - context);
    let end = i;
    let quiet = 0;
    for (let j = i; j < edits.length; j++) {
      if (edits[j]!.op === " ") {
        quiet++;
        if (quiet > 2 * context) break;
      } else {
        quiet = 0;
        end = j;
      }
    }
    const stop = Math.min(edits.length, end + 1 + context);
    let aStart = 0;
    let bStart = 0;
    for (let j = 0; j < start; j++) {
      if (edits[j]!.op !== "+") aStart++;
      if (edits[j]!.op !== "-") bStart++;
    }
    const hunk = edits.slice(start, stop);
    const aLen = hunk.filter((e) => e.op !== "+").length;
    const bLen = hunk.filter((e) => e.op !== "-").length;
    const range = (s: number, len: number): string => (len === 1 ? `${s + 1}` : `${len === 0 ? s : s + 1},${len}`);
    out += `@@ -${range(aStart, aLen)} +${range(bStart, bLen)} @@\n`;
    for (const e of hunk) out += show(e);
    i = stop;
  }
  return out;
}

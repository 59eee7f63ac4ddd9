/**
 * Stage `tables`: the CMS edit tables that rule files reference (`ptp "…"`, `mue "…"`,
 * `aoc "…"`), read from disk (plain or gzip), checked row by row, filtered by `only`.
 *
 * Data problems become DR4xxx diagnostics at the table reference's path string; their
 * messages name the data file and its line. A missing file is DR4001.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { SetExpr, TableRef } from "../grammar/ast.ts";
import { inCodeRanges } from "./codes.ts";
import type { CompileContext, LoadedRef } from "./context.ts";
import { readAoc, readMue, readPtp, type AocRow, type DataProblem, type DataResult, type MueRow, type PtpRow } from "./data.ts";
import { diag, error, tick, warning } from "./diagnostics.ts";
import { createHashHex } from "./icd10.ts";
import { SetResolver } from "./sets.ts";

/** Where a data file referenced from `ruleFile` lives: relative to the rule file, POSIX separators. */
export function dataPath(ruleFile: string, ref: string): string {
  if (path.isAbsolute(ref)) return path.normalize(ref);
  const dir = path.posix.dirname(ruleFile.split(path.sep).join("/"));
  return path.posix.normalize(path.posix.join(dir, ref));
}

/** Reads a file for the compiler: the injected reader, or the file system relative to `cwd`. */
export function readDataFile(ctx: CompileContext, p: string): { bytes: Uint8Array } | { missing: string } {
  if (ctx.opts.readFile) {
    const bytes = ctx.opts.readFile(p);
    return bytes === undefined ? { missing: "no such file" } : { bytes };
  }
  try {
    return { bytes: fs.readFileSync(path.resolve(ctx.opts.cwd ?? process.cwd(), p)) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { missing: code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a folder" : (code ?? String(e)).toLowerCase() };
  }
}

const KIND_TITLE = { ptp: "PTP edits", mue: "MUE", aoc: "add-on code edits" } as const;

/** Loads every table reference of every file. */
export function tablesStage(ctx: CompileContext): void {
  const cache = new Map<string, { bytes: Uint8Array } | { missing: string }>();
  const parsed = new Map<string, DataResult<PtpRow | MueRow | AocRow>>();
  const resolver = new SetResolver(ctx.sets, ctx.icd);
  for (const file of ctx.files) {
    const layer = ctx.fileLayer.get(file)!;
    for (const item of file.items) {
      if (item.kind !== "table-ref") continue;
      const p = dataPath(file.path, item.path.value);
      let read = cache.get(p);
      if (!read) cache.set(p, (read = readDataFile(ctx, p)));
      if ("missing" in read) {
        ctx.diagnostics.push(
          error("DR4001", item.path.span, `cannot read data file ${tick(p)}: ${read.missing}`, {
            hint: `paths are relative to the rule file (${tick(path.posix.dirname(file.path.split(path.sep).join("/")))})`,
          }),
        );
        continue;
      }
      const key = `${item.table} ${p}`;
      let result = parsed.get(key);
      const fresh = !result;
      if (!result) {
        result = item.table === "ptp" ? readPtp(read.bytes, p) : item.table === "mue" ? readMue(read.bytes, p) : readAoc(read.bytes, p);
        parsed.set(key, result);
      }
      // Report each file's problems once, at its first reference.
      if (fresh) reportProblems(ctx, item, p, result.problems, result.moreProblems);
      const meta = metaOf(item);
      const only = meta.only ? resolver.codes(meta.only) : undefined;
      const base = {
        idPrefix: meta.id ?? `${layer}.${item.table}`,
        layer,
        version: meta.version ?? "",
        source: meta.source ?? `CMS NCCI ${KIND_TITLE[item.table]}${meta.version ? ` ${meta.version}` : ""} (${path.posix.basename(p)})`,
        file: p,
        ref: item,
        sha256: createHashHex(read.bytes),
        ...(only && { only }),
      };
      let loaded: LoadedRef;
      switch (item.table) {
        case "ptp": {
          let rows = result.rows as PtpRow[];
          if (only) rows = rows.filter((r) => inCodeRanges(only, r.column1) || inCodeRanges(only, r.column2));
          loaded = { kind: "ptp", ...base, rows };
          break;
        }
        case "mue": {
          let rows = dedupeMue(ctx, item, p, result.rows as MueRow[], fresh);
          if (only) rows = rows.filter((r) => inCodeRanges(only, r.code));
          loaded = { kind: "mue", ...base, rows };
          break;
        }
        case "aoc": {
          let rows = result.rows as AocRow[];
          if (only) {
            // Keep all rows of an add-on that touches the set (as add-on or as a primary):
            // dropping some of its primaries would make the add-on fail where it should not.
            const keep = new Set<string>();
            for (const r of rows) if (inCodeRanges(only, r.addon) || (r.primary !== "CCCCC" && inCodeRanges(only, r.primary))) keep.add(r.addon);
            rows = rows.filter((r) => keep.has(r.addon));
          }
          loaded = { kind: "aoc", ...base, rows };
          break;
        }
        default: {
          const never: never = item.table;
          return never;
        }
      }
      ctx.tables.push(loaded);
    }
  }
}

function reportProblems(ctx: CompileContext, ref: TableRef, p: string, problems: DataProblem[], more: number): void {
  for (const pr of problems) {
    ctx.diagnostics.push(diag(pr.code, pr.code === "DR4022" ? "warning" : "error", ref.path.span, pr.message, hintFor(pr, p)));
  }
  if (more > 0) {
    ctx.diagnostics.push(error("DR4020", ref.path.span, `and ${more} more problem${more === 1 ? "" : "s"} in ${tick(p)}`, { hint: "fix the rows above and compile again to see the rest" }));
  }
}

function hintFor(pr: DataProblem, p: string): { hint?: string } {
  switch (pr.code) {
    case "DR4011":
      return { hint: `the data files keep CMS's own columns; check the header line of ${tick(p)}` };
    case "DR4016":
      return { hint: "the file looks cut off: download or copy it again" };
    case "DR4017":
      return { hint: "a `.gz` file must be gzip-compressed (`gzip -9n file.tsv`)" };
    default:
      return {};
  }
}

function dedupeMue(ctx: CompileContext, ref: TableRef, p: string, rows: MueRow[], report: boolean): MueRow[] {
  const first = new Map<string, MueRow>();
  const out: MueRow[] = [];
  let dups = 0;
  for (const r of rows) {
    const prev = first.get(r.code);
    if (prev) {
      if (report && dups < 20) {
        ctx.diagnostics.push(
          warning("DR4022", ref.path.span, `${tick(p)} line ${r.line} lists ${tick(r.code)} again (first at line ${prev.line}): the first row is kept`),
        );
      }
      dups++;
      continue;
    }
    first.set(r.code, r);
    out.push(r);
  }
  return out;
}

/** The metadata of a table reference (validation reported misplaced or repeated lines). */
export function metaOf(ref: TableRef): { id?: string; source?: string; version?: string; only?: SetExpr } {
  const out: { id?: string; source?: string; version?: string; only?: SetExpr } = {};
  for (const m of ref.meta) {
    if (m.kind === "id" && out.id === undefined) out.id = m.id.text;
    else if (m.kind === "source" && out.source === undefined) out.source = m.source.value;
    else if (m.kind === "version" && out.version === undefined) out.version = m.version.value;
    else if (m.kind === "only" && out.only === undefined) out.only = m.codes;
  }
  return out;
}

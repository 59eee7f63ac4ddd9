/**
 * Diagnostics for people and for tools.
 *
 * Human form (esbuild's layout with tsc-style codes):
 *
 *     rules/cms/excision.rules:12:26: error DR2003: unknown code set `MALIGANT_SKIN`
 *        12 │ when 11602 and not dx in MALIGANT_SKIN require modifier 59
 *           │                          ^^^^^^^^^^^^^
 *           = hint: did you mean `MALIGNANT_SKIN`? (defined at rules/cms/sets.rules:4:4)
 *
 * Line and column are worked out here, from offsets, and nowhere else.
 */
import * as path from "node:path";
import type { Diagnostic, SourceFile } from "../grammar/source.ts";
import { compareDiagnostics } from "./diagnostics.ts";

/** Options of `renderDiagnostics`. */
export interface RenderOptions {
  /** Show at most this many diagnostics, then "and N more". Default 20. */
  limit?: number;
  /** Show absolute file paths relative to this folder. */
  cwd?: string;
}

/** 1-based position of an offset, or null when the file is unknown. */
function positionOf(sources: ReadonlyMap<string, SourceFile>, file: string, offset: number): { line: number; column: number } | null {
  const src = sources.get(file);
  return src ? src.position(offset) : null;
}

/** A file name for display: relative to `cwd` when it is absolute and `cwd` is given. */
function displayPath(file: string, cwd?: string): string {
  if (cwd === undefined || !path.isAbsolute(file)) return file;
  return path.relative(cwd, file).split(path.sep).join("/") || file;
}

/** `file:line:col`, or just `file` when its text is not at hand. */
export function formatLocation(sources: ReadonlyMap<string, SourceFile>, file: string, offset: number, cwd?: string): string {
  const pos = positionOf(sources, file, offset);
  const shown = displayPath(file, cwd);
  return pos ? `${shown}:${pos.line}:${pos.column}` : shown;
}

/** One diagnostic in the one-line form: `file:line:col: severity CODE: message` (logs, test expectations). */
export function formatDiagnosticLine(d: Diagnostic, sources: ReadonlyMap<string, SourceFile>, cwd?: string): string {
  return `${formatLocation(sources, d.span.file, d.span.start, cwd)}: ${d.severity} ${d.code}: ${d.message}`;
}

function snippet(d: Diagnostic, src: SourceFile): string[] {
  const start = src.position(d.span.start);
  const end = src.position(Math.max(d.span.start, d.span.end));
  const text = src.lineText(start.line);
  // A span running past its first line is underlined to the end of that line.
  const endCol = end.line === start.line ? end.column : text.length + 1;
  const width = Math.max(1, endCol - start.column);
  const gutter = Math.max(5, String(start.line).length + 1);
  // Keep tabs of the source line in the caret line so the carets stay under the span.
  const lead = text.slice(0, start.column - 1).replace(/[^\t]/g, " ");
  return [
    `${String(start.line).padStart(gutter)} │ ${text}`,
    `${" ".repeat(gutter)} │ ${lead}${"^".repeat(width)}`,
  ];
}

/** One diagnostic in the human form, without a trailing newline. */
export function renderDiagnostic(d: Diagnostic, sources: ReadonlyMap<string, SourceFile>, cwd?: string): string {
  const out = [formatDiagnosticLine(d, sources, cwd)];
  const src = sources.get(d.span.file);
  let gutter = 5;
  if (src) {
    out.push(...snippet(d, src));
    gutter = Math.max(5, String(src.position(d.span.start).line).length + 1);
  }
  const pad = " ".repeat(gutter + 1);
  if (d.hint !== undefined) out.push(`${pad}= hint: ${d.hint}`);
  for (const r of d.related ?? []) {
    out.push(`${pad}= note: ${r.message} (at ${formatLocation(sources, r.span.file, r.span.start, cwd)})`);
  }
  return out.join("\n");
}

/**
 * Diagnostics in the human form, sorted by file, line and column, at most `limit` of them
 * followed by "and N more"; ends with a newline unless there is nothing to say.
 */
export function renderDiagnostics(
  diags: readonly Diagnostic[],
  sources: ReadonlyMap<string, SourceFile>,
  opts: RenderOptions = {},
): string {
  const limit = opts.limit ?? 20;
  const sorted = diags.slice().sort(compareDiagnostics);
  const shown = sorted.slice(0, Math.max(0, limit));
  const blocks = shown.map((d) => renderDiagnostic(d, sources, opts.cwd));
  const rest = sorted.length - shown.length;
  if (rest > 0) blocks.push(`and ${rest} more`);
  return blocks.length === 0 ? "" : `${blocks.join("\n\n")}\n`;
}

/** A diagnostic for `--format json`: the same fields plus 1-based line and column of both ends. */
export interface JsonDiagnostic {
  code: string;
  severity: Diagnostic["severity"];
  message: string;
  file: string;
  line: number | null;
  column: number | null;
  endLine: number | null;
  endColumn: number | null;
  span: { file: string; start: number; end: number };
  hint?: string;
  related?: { message: string; file: string; line: number | null; column: number | null; span: { file: string; start: number; end: number } }[];
  witness?: unknown;
}

/** Diagnostics as plain JSON objects, sorted like the human form (no limit). */
export function diagnosticsToJson(diags: readonly Diagnostic[], sources: ReadonlyMap<string, SourceFile>): JsonDiagnostic[] {
  return diags
    .slice()
    .sort(compareDiagnostics)
    .map((d) => {
      const s = positionOf(sources, d.span.file, d.span.start);
      const e = positionOf(sources, d.span.file, d.span.end);
      const out: JsonDiagnostic = {
        code: d.code,
        severity: d.severity,
        message: d.message,
        file: d.span.file,
        line: s?.line ?? null,
        column: s?.column ?? null,
        endLine: e?.line ?? null,
        endColumn: e?.column ?? null,
        span: { file: d.span.file, start: d.span.start, end: d.span.end },
      };
      if (d.hint !== undefined) out.hint = d.hint;
      if (d.related !== undefined) {
        out.related = d.related.map((r) => {
          const p = positionOf(sources, r.span.file, r.span.start);
          return {
            message: r.message,
            file: r.span.file,
            line: p?.line ?? null,
            column: p?.column ?? null,
            span: { file: r.span.file, start: r.span.start, end: r.span.end },
          };
        });
      }
      if (d.witness !== undefined) out.witness = d.witness;
      return out;
    });
}

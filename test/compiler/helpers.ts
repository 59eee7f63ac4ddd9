/**
 * Helpers for compiler tests: compile rule text in memory (data files from
 * test/fixtures/compiler or given inline), and short views of the diagnostics.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { compileSources, formatDiagnosticLine, type CompileOptions } from "../../compiler/index.ts";
import type { Diagnostic } from "../../grammar/source.ts";

export const FIXTURES = path.join(import.meta.dirname, "..", "fixtures", "compiler");

/** Bytes of a fixture file. */
export function fixture(name: string): Buffer {
  return fs.readFileSync(path.join(FIXTURES, name));
}

/**
 * Compiles rule files given as text (a single string is `test.rules`). Data files are read
 * from `data` when given there, else from the fixtures folder.
 */
export function compile(files: string | Record<string, string>, data: Record<string, string | Uint8Array> = {}, opts: CompileOptions = {}) {
  const inputs = typeof files === "string" ? [{ path: "test.rules", text: files }] : Object.entries(files).map(([p, text]) => ({ path: p, text }));
  return compileSources(inputs, {
    readFile: (p) => {
      const d = data[p];
      if (d !== undefined) return typeof d === "string" ? Buffer.from(d) : d;
      const f = path.join(FIXTURES, p);
      return fs.existsSync(f) ? fs.readFileSync(f) : undefined;
    },
    ...opts,
  });
}

/** `CODE severity: message` per diagnostic. */
export function summary(diags: readonly Diagnostic[]): string[] {
  return diags.map((d) => `${d.code} ${d.severity}: ${d.message}`);
}

/** The codes of the diagnostics, in order. */
export function codesOf(diags: readonly Diagnostic[]): string[] {
  return diags.map((d) => d.code);
}

/** One-line forms (`file:line:col: severity CODE: message`). */
export function lines(r: ReturnType<typeof compile>): string[] {
  return r.diagnostics.map((d) => formatDiagnosticLine(d, r.sources));
}

/** The text a diagnostic's span covers. */
export function spanText(r: ReturnType<typeof compile>, d: Diagnostic): string {
  return r.sources.get(d.span.file)!.text.slice(d.span.start, d.span.end);
}

/**
 * `formatRules`: rule text → the same rules in the canonical layout (grammar/print.ts).
 *
 * Like Cedar's formatter (`soundness_check`), it re-parses its own output and refuses to
 * return it unless the output parses cleanly to the same AST as the input (spans ignored,
 * metadata lines compared in canonical order) and keeps every comment. A file with syntax
 * errors is not formatted: its diagnostics come back instead.
 */
import type * as A from "./ast.ts";
import { parseRules, type Comment } from "./index.ts";
import { printRules, sortMeta } from "./print.ts";
import type { Diagnostic } from "./source.ts";
import { withoutSpans } from "./without-spans.ts";

/** What {@link formatRules} returns. */
export interface FormatResult {
  /** The formatted text; absent when the file has errors (then `diagnostics` says why). */
  readonly text?: string;
  /** The parse diagnostics of the input, or DR1999 when the formatter's own check failed. */
  readonly diagnostics: readonly Diagnostic[];
  /** Whether `text` differs from the input. */
  readonly changed: boolean;
}

/**
 * Formats one rule file. Never throws. Returns no text when the input has a syntax error, or
 * (a bug) when the printed form would not parse back to the same AST with the same comments.
 */
export function formatRules(text: string, file: string): FormatResult {
  const parsed = parseRules(text, file);
  const errors = parsed.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) return { diagnostics: parsed.diagnostics, changed: false };
  let output: string;
  try {
    output = printRules(parsed.ast, { comments: parsed.comments, text });
  } catch (error) {
    return refuse(file, `the printer failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const problem = soundnessProblem(parsed.ast, parsed.comments, output, file);
  if (problem !== undefined) return refuse(file, problem);
  return { text: output, diagnostics: parsed.diagnostics, changed: output !== text };
}

/**
 * Why `output` is not a faithful rendering of `ast` and `comments`, or undefined when it is:
 * it must parse without diagnostics, to the same AST (see {@link sameMeaning}), with the same
 * comments (trailing whitespace aside).
 */
export function soundnessProblem(
  ast: A.RuleFile,
  comments: readonly Comment[],
  output: string,
  file: string,
): string | undefined {
  const reparsed = parseRules(output, file);
  if (reparsed.diagnostics.length > 0) {
    return `its output does not parse (${reparsed.diagnostics[0]!.code} ${reparsed.diagnostics[0]!.message})`;
  }
  if (!sameMeaning(ast, reparsed.ast)) return "its output parses to a different AST";
  const before = comments.map((c) => c.text.trimEnd()).sort();
  const after = reparsed.comments.map((c) => c.text.trimEnd()).sort();
  if (!deepEqual(before, after)) return "its output loses or changes a comment";
  return undefined;
}

/**
 * Whether two files say the same thing as far as the formatter may change them: equal ASTs
 * without spans, the file path aside, with each item's metadata lines in canonical order
 * (the printer sorts them; the order of metadata carries no meaning).
 */
export function sameMeaning(a: A.RuleFile, b: A.RuleFile): boolean {
  return deepEqual(canonicalAst(a), canonicalAst(b));
}

/** Structural equality of plain data (arrays, objects, primitives); key order does not matter. */
function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/** The span-free AST with metadata in canonical order (what {@link sameMeaning} compares). */
export function canonicalAst(file: A.RuleFile): unknown {
  const items = file.items.map((item) => {
    switch (item.kind) {
      case "rule":
      case "override":
      case "table-ref":
      case "select":
        return { ...item, meta: sortMeta(item.meta) };
      case "set-decl":
      case "disable":
      case "test":
        return item;
      default: {
        const never: never = item;
        return never;
      }
    }
  });
  const { path: _path, ...rest } = withoutSpans({ ...file, items });
  void _path;
  return rest;
}

function refuse(file: string, why: string): FormatResult {
  return {
    diagnostics: [
      {
        code: "DR1999",
        severity: "error",
        message: `internal error in the formatter: ${why}; the file was left as it is`,
        span: { file, start: 0, end: 0 },
        hint: "this is a bug in dermrules; please report it with the file that caused it",
      },
    ],
    changed: false,
  };
}

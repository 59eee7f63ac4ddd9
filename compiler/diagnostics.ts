/**
 * The compiler's diagnostic catalogue and helpers.
 *
 * Every code the compiler emits is listed here once, with a one-line description (tsc's
 * `diagnosticMessages.json` idea). Codes are stable and never reused: DR2xxx names, codes,
 * dates and values; DR4xxx data tables. The shape itself (`Diagnostic`) is shared by every
 * phase and lives in grammar/source.ts.
 */
import type { Diagnostic, Severity, Span } from "../grammar/source.ts";

export type { Diagnostic, Severity, Span };

/** Code → one-line description. `as const` so that `DiagnosticCode` is a closed union. */
export const CATALOGUE = {
  // ---- names: sets and rulesets
  DR2001: "a set name is defined twice",
  DR2002: "a set declaration's name does not look like a set name",
  DR2003: "a set name is not defined",
  DR2004: "a set of the wrong kind is used (a dx set where codes are expected, …)",
  DR2005: "set definitions refer to each other in a cycle",
  DR2010: "`extends` names an unknown ruleset",
  DR2011: "rulesets extend each other in a cycle",
  DR2012: "files of one ruleset name different bases",
  // ---- codes by context
  DR2020: "a malformed procedure (CPT/HCPCS) code",
  DR2021: "a procedure code range whose ends have different shapes",
  DR2022: "a malformed ICD-10-CM code or pattern",
  DR2023: "an ICD-10-CM code that is not in the FY2026 list",
  DR2024: "an ICD-10-CM category header where an exact code is expected (warning)",
  DR2025: "an ICD-10-CM pattern whose prefix matches no FY2026 code",
  DR2026: "a malformed ICD-10-CM range",
  DR2027: "a malformed modifier",
  DR2028: "a range where this context takes single values",
  DR2029: "a procedure code range that runs backwards (from > to)",
  // ---- values
  DR2030: "a date that is not a real calendar date",
  DR2031: "an effective window that ends before it starts",
  DR2032: "an unknown severity",
  DR2033: "an unknown category",
  DR2034: "an unknown documentation fact",
  DR2035: "a line-only condition in a claim-scope rule",
  DR2036: "a number out of range (negative, or a fraction where a whole number is needed)",
  DR2037: "an invalid sex or place-of-service value",
  DR2038: "a fact compared in a way its type does not allow",
  DR2039: "a metadata line that does not apply to this item",
  DR2040: "a metadata line given twice",
  DR2041: "a fix or case that names a range or pattern where exact codes are needed",
  // ---- layering and ids
  DR2050: "two rules of one layer have the same id",
  DR2051: "a layer rule reuses the id of a base rule without `override`",
  DR2052: "`override` names no rule of the base layers",
  DR2053: "`disable` matches no rule or table edit (warning)",
  DR2054: "an `override` tries to change the rule id",
  DR2055: "two tables of one layer produce the same edit ids",
  DR2056: "`override` names a table edit; table edits can only be disabled",
  // ---- data tables
  DR4001: "a data file cannot be read",
  DR4011: "a data file's header lacks a column the loader needs",
  DR4012: "a data row has the wrong number of fields",
  DR4013: "a data row holds an invalid date",
  DR4014: "a data row holds an invalid indicator (PTP modifier, MUE MAI, AOC edit type)",
  DR4015: "a data row holds a malformed code",
  DR4016: "a data file's last line is truncated",
  DR4017: "a data file is not valid gzip",
  DR4018: "a data row holds an invalid number",
  DR4019: "a data file is empty",
  DR4020: "more problems in one data file than are listed",
  DR4021: "the packaged ICD-10-CM list cannot be read",
  DR4022: "an MUE file lists a code twice (warning; the first row is kept)",
  // ---- static analysis (`dermrules check`, compiler/analyze/)
  DR3001: "conflict: following a rule's requirement or fix gets the added code or modifier denied by another rule or edit",
  DR3002: "unsatisfiable requirement: every claim where the rule applies and that meets it is denied by other edits",
  DR3003: "a rule that can never give a finding (its condition, window or action cannot hold)",
  DR3004: "a rule whose effective window lies outside the window of every other rule of its ruleset",
  DR3005: "a rule shadowed by another: every finding it gives is already given on the same lines with the same or a higher severity",
  DR3006: "a case of a code-selection table that is never chosen",
  DR3007: "two rules with the same effect under two ids",
  DR3008: "PTP rows of one pair that overlap in dates with different modifier indicators",
  DR3009: "a PTP pair edited both ways (a/b and b/a) on overlapping dates",
  DR3010: "one code with MUE limits in two tables of a ruleset",
  DR3011: "add-on codes whose listed primaries appear in no other table of the ruleset (CMS data, info)",
  DR3012: "a procedure code that no loaded CMS table names",
  DR3013: "a procedure code range that holds no code a loaded CMS table names",
  DR3014: "a set item already covered by the set's other items",
  DR3015: "a test claim diagnosis that is not a billable ICD-10-CM code",
  DR3020: "a rule that no test block exercises",
  DR3021: "a test expectation that names no rule or table edit",
  DR3030: "analysis questions left undecided (search budget)",
} as const;

/** A code of the compiler's catalogue. */
export type DiagnosticCode = keyof typeof CATALOGUE;

/** Optional parts of a diagnostic. */
export interface DiagnosticExtras {
  hint?: string;
  related?: { span: Span; message: string }[];
  witness?: unknown;
}

/** Builds a diagnostic; absent extras stay absent (no `hint: undefined` keys). */
export function diag(code: DiagnosticCode, severity: Severity, span: Span, message: string, extras: DiagnosticExtras = {}): Diagnostic {
  const d: { -readonly [K in keyof Diagnostic]: Diagnostic[K] } = { code, severity, message, span };
  if (extras.hint !== undefined) d.hint = extras.hint;
  if (extras.related !== undefined && extras.related.length > 0) d.related = extras.related;
  if (extras.witness !== undefined) d.witness = extras.witness;
  return d;
}

/** An error diagnostic. */
export function error(code: DiagnosticCode, span: Span, message: string, extras?: DiagnosticExtras): Diagnostic {
  return diag(code, "error", span, message, extras);
}

/** A warning diagnostic. */
export function warning(code: DiagnosticCode, span: Span, message: string, extras?: DiagnosticExtras): Diagnostic {
  return diag(code, "warning", span, message, extras);
}

/** Whether any diagnostic is an error. */
export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === "error");
}

/**
 * Order for diagnostics: file, start, end (OPA `Errors.Sort`). Use with a stable sort:
 * diagnostics at one place keep the order they were found in (the rows of a data file,
 * reported at its path string, stay in line order).
 */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.span.file !== b.span.file) return a.span.file < b.span.file ? -1 : 1;
  if (a.span.start !== b.span.start) return a.span.start - b.span.start;
  return a.span.end - b.span.end;
}

/** Quoted user text longer than this is cut: a 1 MB word must not make a 1 MB message. */
const MAX_TICK = 80;

/** `text` in backticks, the house form for user text inside messages; long text is cut, with its length. */
export function tick(text: string): string {
  if (text.length <= MAX_TICK) return `\`${text}\``;
  let cut = 60;
  const last = text.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut--;
  return `\`${text.slice(0, cut)}…\` (${text.length} characters)`;
}

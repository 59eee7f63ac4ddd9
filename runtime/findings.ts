/**
 * How findings are built: messages, default and explicit fixes, order, verdict. Shared by the
 * runtime (runtime/evaluate.ts) and the compiler's reference interpreter, so both paths build
 * byte-identical findings.
 */
import type { CodeRanges, TAction, TFix } from "./table.ts";
import type { Finding, Fix, Verdict } from "./types.ts";
import { inRanges, singleCodes } from "./codes.ts";

export { normalizeDx, displayDx } from "./codes.ts";

/** Modifiers NCCI associates with PTP edits (brief "NCCI semantics"), anatomic ones included. */
export const ANATOMIC_MODIFIERS: readonly string[] = [
  "E1", "E2", "E3", "E4",
  "FA", "F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9",
  "TA", "T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9",
  "LT", "RT", "LC", "LD", "LM", "RC", "RI",
];

/** Every modifier that can bypass a PTP edit with indicator 1 on a non-E/M pair. */
export const NCCI_PTP_MODIFIERS: readonly string[] = [
  "59", "XE", "XS", "XP", "XU", "24", "25", "27", "57", "58", "78", "79", "91",
  ...ANATOMIC_MODIFIERS,
];

/** The only modifiers that bypass a PTP edit whose pair includes an E/M code, on the E/M line. */
export const EM_MODIFIERS: readonly string[] = ["24", "25", "57"];

const ANATOMIC_SET = new Set(ANATOMIC_MODIFIERS);
const PTP_SET = new Set(NCCI_PTP_MODIFIERS);

/** Whether a modifier is anatomic (site-specific: fingers, toes, eyelids, sides, coronary arteries). */
export function isAnatomicModifier(m: string): boolean {
  return ANATOMIC_SET.has(m);
}

/** Whether a modifier is NCCI-associated for PTP edits. */
export function isPtpModifier(m: string): boolean {
  return PTP_SET.has(m);
}

/** Whether a procedure code is an E/M code (99202–99499). */
export function isEmCode(code: string): boolean {
  return code.length === 5 && code >= "99202" && code <= "99499" && code.charCodeAt(4) >= 48 && code.charCodeAt(4) <= 57;
}

/** `a`, `b` and `c` (at most `max` shown, then "and N more"). */
function listCodes(codes: readonly string[], max = 5): string {
  const shown = codes.slice(0, max).map((c) => `\`${c}\``);
  const rest = codes.length - shown.length;
  if (rest > 0) return `${shown.join(", ")} and ${rest} more`;
  if (shown.length <= 1) return shown.join("");
  return `${shown.slice(0, -1).join(", ")} or ${shown[shown.length - 1]}`;
}

// ---------------------------------------------------------------------------------------------
// Messages. Lower case, one line, no final period, user text in backticks.

/** A PTP edit that denies column 2 (indicator 0, or 1 without a qualifying modifier). */
export function ptpMessage(col1: string, col2: string, indicator: 0 | 1, isEm: boolean): string {
  const head = `\`${col2}\` is bundled into \`${col1}\` on the same date of service (NCCI PTP, modifier indicator ${indicator})`;
  if (indicator === 0) return `${head}: no modifier allows both to be paid`;
  if (isEm) {
    return `${head}: modifier 25, 24 or 57 on the E/M line is needed when the E/M service is significant and separately identifiable`;
  }
  return `${head}: a modifier such as 59, XS or an anatomic modifier is needed when the services are distinct`;
}

/** A PTP edit bypassed only by the same anatomic modifier on both lines. */
export function ptpSameSiteMessage(col1: string, col2: string, modifier: string): string {
  return `\`${col2}\` and \`${col1}\` carry the same anatomic modifier \`${modifier}\`: the NCCI PTP edit is bypassed but the sites do not look distinct`;
}

/** An MUE over its limit: per line (MAI 1) or per date of service (MAI 2, 3). */
export function mueMessage(code: string, units: number, limit: number, mai: 1 | 2 | 3): string {
  if (mai === 1) {
    return `\`${code}\` is billed with ${units} units on one line: the MUE is ${limit} per line (MAI 1)`;
  }
  const base = `\`${code}\` is billed with ${units} units on the date of service: the MUE is ${limit} per day (MAI ${mai})`;
  return mai === 3 ? `${base}; the denial can be appealed with documentation of medical necessity` : base;
}

/** An add-on code without a listed primary on its date of service (type 1 error, type 3 warning). */
export function aocMessage(addon: string, type: 1 | 3, primaries: string[]): string {
  if (primaries.length === 0) {
    return type === 1
      ? `add-on code \`${addon}\` is billed without a primary procedure on the same date of service`
      : `add-on code \`${addon}\` lists no primary procedure: check that a primary procedure is billed on the same date of service`;
  }
  return type === 1
    ? `add-on code \`${addon}\` needs a primary procedure on the same date of service: ${listCodes(primaries)}`
    : `add-on code \`${addon}\` is usually billed with ${listCodes(primaries)} on the same date of service: check the primary procedure`;
}

/** An add-on whose every listed primary on the claim is itself denied. */
export function aocPrimaryDeniedMessage(addon: string, deniedPrimaries: string[]): string {
  const which = deniedPrimaries.length === 1 ? `its primary ${listCodes(deniedPrimaries)} is` : `its primaries ${listCodes(deniedPrimaries, 8).replace(" or ", " and ")} are`;
  return `add-on code \`${addon}\` is not payable: ${which} denied on this claim`;
}

/** A claim diagnosis that is an ICD-10-CM category header or not a code at all. */
export function icdMessage(dx: string, kind: "header" | "unknown", suggestions: string[]): string {
  if (kind === "header") {
    const more = suggestions.length > 0 ? `: use a billable code such as ${listCodes(suggestions)}` : "";
    return `diagnosis \`${dx}\` is an ICD-10-CM header, not a billable code${more}`;
  }
  return `diagnosis \`${dx}\` is not a billable ICD-10-CM code`;
}

/** A rule read a claim field that the claim lacks (the atom was taken as false). */
export function missingFieldMessage(ruleId: string, field: string): string {
  return `rule \`${ruleId}\` reads \`${field}\`, which the claim lacks: its condition on it was taken as false`;
}

/** The claim's payer names no ruleset layer. */
export function unknownPayerMessage(payer: string, layer: string): string {
  return `payer \`${payer}\` has no ruleset: the \`${layer}\` rules were applied`;
}

/** A batch holds the claim id more than once (each record is still evaluated). */
export function duplicateIdMessage(claimId: string): string {
  return `claim id \`${claimId}\` appears more than once in this batch`;
}

/** The rule fields a finding copies. */
export interface FindingOrigin {
  id: string;
  category: Finding["category"];
  severity: Finding["severity"];
  message: string;
  source: string;
}

/**
 * A finding of a rule or edit, with the key order of the output JSON (rule, category, severity,
 * lines, related, message, source, fix). `related` and `fix` are left out when absent or empty.
 */
export function makeFinding(
  origin: FindingOrigin,
  lines: number[],
  related?: number[],
  fix?: Fix,
  message?: string,
): Finding {
  const text = message ?? origin.message;
  const f: Finding =
    related !== undefined && related.length > 0
      ? { rule: origin.id, category: origin.category, severity: origin.severity, lines, related, message: text, source: origin.source }
      : { rule: origin.id, category: origin.category, severity: origin.severity, lines, message: text, source: origin.source };
  if (fix !== undefined) f.fix = fix;
  return f;
}

// ---------------------------------------------------------------------------------------------
// Fixes.

/** One line of a date-of-service group, for fixes: its 1-based index and code. */
export interface GroupLine {
  index: number;
  code: string;
}

function linesIn(groupLines: readonly GroupLine[], set: CodeRanges): number[] {
  const out: number[] = [];
  for (const l of groupLines) if (inRanges(set, l.code)) out.push(l.index);
  return out.sort((a, b) => a - b);
}

/**
 * The fix of a rule's finding. An explicit `fix` overrides the action's default:
 * - replace: `lines` = group lines whose code is in `from` (the finding's lines if none);
 * - remove: lines of the given codes, else the finding's lines;
 * - add-code: the codes, on the finding's lines;
 * - add-modifier: lines of `to`, else the finding's lines;
 * - set-units: the finding's lines;
 * - text: the text alone (op "text").
 * Defaults: require-codes → add-code when the set is at most 3 single codes; require-modifier →
 * add-modifier (the set's first modifier); forbid-codes → remove; limit → set-units when the
 * finding has one line; select → replace with `selectedCode`. Other actions have none.
 */
export function buildRuleFix(
  fix: TFix | undefined,
  action: TAction,
  findingLines: number[],
  groupLines: GroupLine[],
  selectedCode?: string,
): Fix | undefined {
  const own = findingLines.slice().sort((a, b) => a - b);
  if (fix !== undefined) {
    switch (fix.op) {
      case "replace": {
        const lines = linesIn(groupLines, fix.from);
        return { op: "replace", lines: lines.length > 0 ? lines : own, codes: fix.codes.slice() };
      }
      case "remove": {
        const lines = fix.codes !== undefined ? linesIn(groupLines, fix.codes) : own;
        return { op: "remove", lines: lines.length > 0 ? lines : own };
      }
      case "add-code":
        return { op: "add-code", lines: own, codes: fix.codes.slice() };
      case "add-modifier": {
        const lines = fix.to !== undefined ? linesIn(groupLines, fix.to) : own;
        return { op: "add-modifier", lines: lines.length > 0 ? lines : own, modifier: fix.modifier };
      }
      case "set-units":
        return { op: "set-units", lines: own, units: fix.units };
      case "text":
        return { op: "text", text: fix.text };
      default: {
        const never: never = fix;
        return never;
      }
    }
  }
  switch (action.k) {
    case "require-codes": {
      const codes = singleCodes(action.set, 3);
      return codes === null ? undefined : { op: "add-code", lines: own, codes };
    }
    case "require-modifier":
      return action.set.length > 0 ? { op: "add-modifier", lines: own, modifier: action.set[0] } : undefined;
    case "forbid-codes":
      return { op: "remove", lines: own };
    case "limit":
      return own.length === 1 ? { op: "set-units", lines: own, units: action.max } : undefined;
    case "select":
      return selectedCode !== undefined ? { op: "replace", lines: own, codes: [selectedCode] } : undefined;
    case "require-dx":
    case "forbid-modifier":
    case "deny":
    case "flag":
      return undefined;
    default: {
      const never: never = action;
      return never;
    }
  }
}

/**
 * PTP fix: indicator 0 removes the column-2 line; indicator 1 adds 25 to the E/M lines of the
 * pair (`emLines`, every denied one: naming only "the first" would depend on line order) or 59
 * to the column-2 line.
 */
export function ptpFix(indicator: 0 | 1, col2Line: number, emLines: number[] | null): Fix {
  if (indicator === 0) return { op: "remove", lines: [col2Line] };
  if (emLines !== null && emLines.length > 0) {
    return { op: "add-modifier", lines: emLines.slice().sort((a, b) => a - b), modifier: "25", text: "only when the E/M service is significant and separately identifiable" };
  }
  return { op: "add-modifier", lines: [col2Line], modifier: "59", text: "only when the services are distinct (another site, session or lesion); XS, XE, XP or XU where they fit" };
}

/** MUE fix: set the units to the limit when one line carries them all. */
export function mueFix(lines: number[], limit: number): Fix | undefined {
  return lines.length === 1 ? { op: "set-units", lines: lines.slice(), units: limit } : undefined;
}

/** AOC fix: add the primary when the edit lists at most 3. */
export function aocFix(addonLine: number, primaries: string[]): Fix | undefined {
  return primaries.length > 0 && primaries.length <= 3 ? { op: "add-code", lines: [addonLine], codes: primaries.slice() } : undefined;
}

/** ICD fix: a text naming up to 3 billable codes under a header. */
export function icdFix(lines: number[], suggestions: string[]): Fix | undefined {
  if (suggestions.length === 0) return undefined;
  return { op: "text", lines: lines.slice(), text: `replace the header with a billable code such as ${listCodes(suggestions.slice(0, 3))}` };
}

// ---------------------------------------------------------------------------------------------
// Order and verdict.

function compareNumberArrays(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareOptionalLines(a: readonly number[] | undefined, b: readonly number[] | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
  return compareNumberArrays(a, b);
}

function fixKey(fix: Fix | undefined): string {
  if (fix === undefined) return "";
  return `${fix.op}|${(fix.lines ?? []).join(",")}|${(fix.codes ?? []).join(",")}|${fix.modifier ?? ""}|${fix.units ?? ""}|${fix.text ?? ""}`;
}

/**
 * The order of a result's findings: claim-wide findings (empty `lines`) first, then by first
 * line, rule id, the `lines` arrays, message. Remaining ties (same rule, lines and message) are
 * broken by severity, related lines, category, source and fix, so the order is total and does
 * not depend on the order findings were produced in.
 */
export function compareFindings(a: Finding, b: Finding): number {
  const ae = a.lines.length === 0;
  const be = b.lines.length === 0;
  if (ae !== be) return ae ? -1 : 1;
  if (!ae && a.lines[0] !== b.lines[0]) return a.lines[0] - b.lines[0];
  return (
    compareStrings(a.rule, b.rule) ||
    compareNumberArrays(a.lines, b.lines) ||
    compareStrings(a.message, b.message) ||
    compareStrings(a.severity, b.severity) ||
    compareOptionalLines(a.related, b.related) ||
    compareStrings(a.category, b.category) ||
    compareStrings(a.source, b.source) ||
    compareStrings(fixKey(a.fix), fixKey(b.fix))
  );
}

function sameFix(a: Fix | undefined, b: Fix | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return (
    a.op === b.op &&
    a.modifier === b.modifier &&
    a.units === b.units &&
    a.text === b.text &&
    compareNumberArrays(a.lines ?? [], b.lines ?? []) === 0 &&
    (a.lines === undefined) === (b.lines === undefined) &&
    (a.codes === undefined) === (b.codes === undefined) &&
    (a.codes ?? []).join(" ") === (b.codes ?? []).join(" ")
  );
}

/** Whether two findings are identical in every field. */
export function sameFinding(a: Finding, b: Finding): boolean {
  return compareFindings(a, b) === 0 && sameFix(a.fix, b.fix);
}

/** Sorts findings with `compareFindings` in place and drops identical duplicates; returns the array. */
export function sortFindings(findings: Finding[]): Finding[] {
  const n = findings.length;
  if (n < 2) return findings;
  if (n <= 16) {
    // Insertion sort, stable like Array.prototype.sort: for the few findings of a claim it
    // costs less than the built-in sort's setup and its calls back into the comparator.
    for (let i = 1; i < n; i++) {
      const f = findings[i];
      let j = i - 1;
      while (j >= 0 && compareFindings(findings[j], f) > 0) {
        findings[j + 1] = findings[j];
        j--;
      }
      findings[j + 1] = f;
    }
  } else findings.sort(compareFindings);
  let w = 1;
  for (let r = 1; r < n; r++) {
    if (!sameFinding(findings[w - 1], findings[r])) findings[w++] = findings[r];
  }
  // Truncating is a slow runtime call in V8: only when something was dropped.
  if (w !== n) findings.length = w;
  return findings;
}

/** deny when any finding is an error, review when any is a warning, else clean. */
export function verdictOf(findings: readonly Finding[]): Verdict {
  let warning = false;
  for (const f of findings) {
    if (f.severity === "error") return "deny";
    if (f.severity === "warning") warning = true;
  }
  return warning ? "review" : "clean";
}

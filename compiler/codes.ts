/**
 * Code shapes and code-set arithmetic: procedure codes, ranges, ICD-10-CM codes and patterns,
 * modifiers, set names.
 *
 * Procedure codes are compared as strings (runtime/table.ts): a range `[lo, hi]` holds every
 * code string between its ends. To merge ranges and to measure them, the valid codes are
 * numbered in string order (`codeRank`): 4 digits + one of `0-9 A F M T U` (150,000 codes),
 * then a letter + 4 digits (260,000 codes).
 */
import type { CodeRanges } from "../runtime/table.ts";
import { isProcedureCode } from "./data.ts";

export { isProcedureCode };

/** The last characters a 4-digit code may end in, in string order. */
const LAST = "0123456789AFMTU";
const DIGIT_CODES = 10000 * LAST.length;

/** The shape family of a procedure code: `NNNNN`, `NNNN` + letter, or letter + `NNNN`. */
export function codeShape(code: string): "numeric" | "numeric-letter" | "letter-numeric" {
  const c0 = code.charCodeAt(0);
  if (c0 >= 65 && c0 <= 90) return "letter-numeric";
  const c4 = code.charCodeAt(4);
  return c4 >= 48 && c4 <= 57 ? "numeric" : "numeric-letter";
}

/** Human words for a shape family, for messages. */
export function describeShape(shape: ReturnType<typeof codeShape>): string {
  switch (shape) {
    case "numeric":
      return "five digits";
    case "numeric-letter":
      return "four digits and a letter";
    case "letter-numeric":
      return "a letter and four digits";
    default: {
      const never: never = shape;
      return never;
    }
  }
}

/** The position of a valid procedure code in string order of all valid codes. */
export function codeRank(code: string): number {
  const c0 = code.charCodeAt(0);
  if (c0 >= 65 && c0 <= 90) return DIGIT_CODES + (c0 - 65) * 10000 + Number(code.slice(1));
  return Number(code.slice(0, 4)) * LAST.length + LAST.indexOf(code[4]!);
}

/** The valid procedure code at a rank (inverse of `codeRank`). */
export function codeAtRank(rank: number): string {
  if (rank < DIGIT_CODES) {
    return String(Math.floor(rank / LAST.length)).padStart(4, "0") + LAST[rank % LAST.length];
  }
  const r = rank - DIGIT_CODES;
  return String.fromCharCode(65 + Math.floor(r / 10000)) + String(r % 10000).padStart(4, "0");
}

/** How many valid procedure codes a range holds. */
export function rangeSize(lo: string, hi: string): number {
  return codeRank(hi) - codeRank(lo) + 1;
}

/** How many valid procedure codes a set of ranges holds. */
export function rangesSize(ranges: CodeRanges): number {
  let n = 0;
  for (const [lo, hi] of ranges) n += rangeSize(lo, hi);
  return n;
}

/**
 * Sorted, disjoint, merged ranges: overlapping ranges and ranges with no valid code between
 * them (`11600-11605` + `11606`) become one. Input ranges must have valid ends, lo ≤ hi.
 */
export function normalizeRanges(ranges: Iterable<readonly [string, string]>): CodeRanges {
  const sorted = [...ranges].map(([lo, hi]) => [lo, hi] as [string, string]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  const out: CodeRanges = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && codeRank(r[0]) <= codeRank(last[1]) + 1) {
      if (r[1] > last[1]) last[1] = r[1];
    } else out.push(r);
  }
  return out;
}

/** Union of code sets. */
export function unionRanges(...sets: CodeRanges[]): CodeRanges {
  return normalizeRanges(sets.flat());
}

/** Whether a code lies in sorted disjoint ranges (a plain scan: the compiler's sets are small). */
export function inCodeRanges(ranges: CodeRanges, code: string): boolean {
  for (const [lo, hi] of ranges) if (code >= lo && code <= hi) return true;
  return false;
}

// ------------------------------------------------------------------------------ modifiers

/** A modifier: two characters, digits or upper-case letters. */
export function isModifier(s: string): boolean {
  if (s.length !== 2) return false;
  for (let i = 0; i < 2; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90))) return false;
  }
  return true;
}

// ------------------------------------------------------------------------------ set names

/**
 * Whether a word is a set name rather than a code: upper case, digits and `_`, with a `_` or
 * two letters before any digit (docs/language.md). A two-character word is always a modifier
 * (`XS`, `GA`), never a set name, so that modifier lists read naturally.
 */
export function isSetName(word: string): boolean {
  if (word.length < 3) return false;
  const c0 = word.charCodeAt(0);
  if (c0 < 65 || c0 > 90) return false;
  for (let i = 1; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || c === 95)) return false;
  }
  if (word.includes("_")) return true;
  const c1 = word.charCodeAt(1);
  return c1 >= 65 && c1 <= 90;
}

// ------------------------------------------------------------------------------ ICD-10-CM

/** `c44.311` → `C44311`: upper case, dots removed. */
export function normalizeIcd(text: string): string {
  return text.replace(/\./g, "").toUpperCase();
}

/** `C44311` → `C44.311` for messages. */
export function displayIcd(normalized: string): string {
  return normalized.length > 3 ? `${normalized.slice(0, 3)}.${normalized.slice(3)}` : normalized;
}

/** An ICD-10-CM code as written: `L57.0`, `C44311`, `S01.81XA`, `QA0.0101` (dot optional, after 3 characters). */
const ICD_CODE = /^[A-Z][0-9A-Z][0-9A-Z](\.?[0-9A-Z]{1,4})?$/;
/** An ICD-10-CM prefix pattern: `C44.*`, `C44*`, `C44.3*`, `C4*`. */
const ICD_PATTERN = /^([A-Z]([0-9A-Z]([0-9A-Z](\.?[0-9A-Z]{0,4})?)?)?)\.?\*$/;

/** Whether a word reads as an ICD-10-CM code (shape only). */
export function isIcdShape(text: string): boolean {
  return ICD_CODE.test(text);
}

/** The normalized prefix of an ICD-10-CM pattern (`C44.*` → `C44`), or undefined when it is not one. */
export function icdPatternPrefix(text: string): string | undefined {
  const m = ICD_PATTERN.exec(text);
  if (!m) return undefined;
  // A dot is only allowed right after the category (3 characters).
  const body = text.slice(0, -1);
  const dot = body.indexOf(".");
  if (dot !== -1 && dot !== 3) return undefined;
  return normalizeIcd(body);
}

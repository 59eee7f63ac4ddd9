/**
 * Code-set membership on the table's compiled forms: sorted disjoint ranges of procedure
 * codes, dx sets (exact codes and prefixes), modifier lists.
 */
import type { CodeRanges, DxSet } from "./table.ts";

/** Whether `code` lies in one of the sorted, disjoint inclusive ranges (binary search). */
export function inRanges(ranges: CodeRanges, code: string): boolean {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const r = ranges[mid];
    if (code < r[0]) hi = mid - 1;
    else if (code > r[1]) lo = mid + 1;
    else return true;
  }
  return false;
}

/** The codes of a set when it is made of at most `max` single codes, else null. */
export function singleCodes(ranges: CodeRanges, max: number): string[] | null {
  if (ranges.length === 0 || ranges.length > max) return null;
  const out: string[] = [];
  for (const [lo, hi] of ranges) {
    if (lo !== hi) return null;
    out.push(lo);
  }
  return out;
}

/** Whether a normalized dx is in the set: equal to one of its codes or starting with one of its prefixes. */
export function inDxSet(set: DxSet, dx: string): boolean {
  const codes = set.codes;
  for (let i = 0; i < codes.length; i++) if (codes[i] === dx) return true;
  const prefixes = set.prefixes;
  for (let i = 0; i < prefixes.length; i++) if (dx.startsWith(prefixes[i])) return true;
  return false;
}

/** Whether some modifier of `mods` is in `set` (both short lists: a linear scan beats hashing). */
export function hasAnyModifier(mods: readonly string[] | undefined, set: readonly string[]): boolean {
  if (mods === undefined) return false;
  for (let i = 0; i < mods.length; i++) {
    const m = mods[i];
    for (let j = 0; j < set.length; j++) if (set[j] === m) return true;
  }
  return false;
}

/** `C44.311` → `C44311`: upper case, dots removed (the table's dx form). */
export function normalizeDx(dx: string): string {
  const dot = dx.indexOf(".");
  // The claim schema allows one dot at most.
  let out = dot < 0 ? dx : dx.slice(0, dot) + dx.slice(dot + 1);
  // Claims almost always send upper case: skip the copy then.
  for (let i = 0; i < out.length; i++) {
    const c = out.charCodeAt(i);
    if (c >= 97 && c <= 122) {
      out = out.toUpperCase();
      break;
    }
  }
  return out;
}

/** `C44311` → `C44.311`: the dot after the category, for messages. */
export function displayDx(normalized: string): string {
  return normalized.length > 3 ? `${normalized.slice(0, 3)}.${normalized.slice(3)}` : normalized;
}

/** Number of distinct procedure-code slots `codeSlot` can return. */
export const CODE_SLOTS = 160000 + 260000;

function digitAt(code: string, i: number): number {
  const c = code.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

/**
 * A dense integer for a procedure code, or -1 when it does not have the shape: `NNNNC`
 * (C a digit or A, M, U, F, T) → 0…159 999, `ANNNN` → 160 000…419 999. Lets the runtime map a
 * claim's codes to table ids with array indexing instead of string hashing.
 */
export function codeSlot(code: string): number {
  if (code.length !== 5) return -1;
  const d1 = digitAt(code, 1);
  const d2 = digitAt(code, 2);
  const d3 = digitAt(code, 3);
  if ((d1 | d2 | d3) < 0) return -1;
  const c0 = code.charCodeAt(0);
  if (c0 >= 48 && c0 <= 57) {
    const c4 = code.charCodeAt(4);
    let k: number;
    if (c4 >= 48 && c4 <= 57) k = c4 - 48;
    else if (c4 === 65) k = 10; // A
    else if (c4 === 77) k = 11; // M
    else if (c4 === 85) k = 12; // U
    else if (c4 === 70) k = 13; // F
    else if (c4 === 84) k = 14; // T
    else return -1;
    return ((c0 - 48) * 1000 + d1 * 100 + d2 * 10 + d3) * 16 + k;
  }
  const d4 = digitAt(code, 4);
  if (c0 < 65 || c0 > 90 || d4 < 0) return -1;
  return 160000 + (c0 - 65) * 10000 + d1 * 1000 + d2 * 100 + d3 * 10 + d4;
}

/** The index of the first element of a sorted list that is not below `v` (the list's length when none). */
export function lowerBound<T extends string | number>(sorted: ArrayLike<T>, v: T): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Up to `max` entries of a sorted list that start with `prefix`, in order. */
export function startingWith(sorted: readonly string[], prefix: string, max: number): string[] {
  const out: string[] = [];
  for (let i = lowerBound(sorted, prefix); i < sorted.length && out.length < max && sorted[i]!.startsWith(prefix); i++) out.push(sorted[i]!);
  return out;
}

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
  let out = "";
  for (let i = 0; i < dx.length; i++) {
    const c = dx[i];
    if (c !== ".") out += c;
  }
  return out.toUpperCase();
}

/** `C44311` → `C44.311`: the dot after the category, for messages. */
export function displayDx(normalized: string): string {
  return normalized.length > 3 ? `${normalized.slice(0, 3)}.${normalized.slice(3)}` : normalized;
}

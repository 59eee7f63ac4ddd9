/**
 * Procedure-code sets as sorted disjoint intervals of code ranks (compiler/codes.ts numbers
 * every valid procedure code in string order), so that intersection, difference and "pick a
 * code" are exact and cheap. The analysis reasons over these; the table's `CodeRanges` are
 * converted once.
 */
import type { CodeRanges } from "../../runtime/table.ts";
import { codeAtRank, codeRank } from "../codes.ts";
import { lowerBound } from "../../runtime/codes.ts";

/** Sorted, disjoint, non-adjacent inclusive intervals of code ranks. */
export type RankSet = readonly (readonly [number, number])[];

/** How many valid procedure codes there are: `NNNN` + one of 15 endings, then a letter + `NNNN`. */
export const CODE_SPACE = 10000 * 15 + 26 * 10000;

/** Every valid procedure code. */
export const ALL_CODES: RankSet = [[0, CODE_SPACE - 1]];

/** A table code set as ranks. */
export function fromRanges(ranges: CodeRanges): RankSet {
  return normalize(ranges.map(([lo, hi]) => [codeRank(lo), codeRank(hi)] as [number, number]));
}

/** One code as a set. */
export function single(code: string): RankSet {
  const r = codeRank(code);
  return [[r, r]];
}

/** Sorts and merges intervals (overlapping or adjacent). */
export function normalize(xs: Iterable<readonly [number, number]>): RankSet {
  const sorted = [...xs].filter(([a, b]) => a <= b).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) {
      if (b > last[1]) last[1] = b;
    } else out.push([a, b]);
  }
  return out;
}

export function union(...sets: RankSet[]): RankSet {
  return normalize(sets.flat());
}

export function intersect(a: RankSet, b: RankSet): RankSet {
  const out: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i]![0], b[j]![0]);
    const hi = Math.min(a[i]![1], b[j]![1]);
    if (lo <= hi) out.push([lo, hi]);
    if (a[i]![1] < b[j]![1]) i++;
    else j++;
  }
  return out;
}

/** a \ b */
export function subtract(a: RankSet, b: RankSet): RankSet {
  const out: [number, number][] = [];
  let j = 0;
  for (const [lo0, hi] of a) {
    let lo = lo0;
    while (j < b.length && b[j]![1] < lo) j++;
    let k = j;
    while (k < b.length && b[k]![0] <= hi) {
      if (b[k]![0] > lo) out.push([lo, b[k]![0] - 1]);
      lo = Math.max(lo, b[k]![1] + 1);
      k++;
    }
    if (lo <= hi) out.push([lo, hi]);
  }
  return out;
}

export function isEmpty(s: RankSet): boolean {
  return s.length === 0;
}

/** Whether a ⊆ b. */
export function isSubset(a: RankSet, b: RankSet): boolean {
  return subtract(a, b).length === 0;
}

export function overlaps(a: RankSet, b: RankSet): boolean {
  return intersect(a, b).length > 0;
}

export function containsRank(s: RankSet, r: number): boolean {
  let lo = 0;
  let hi = s.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const [a, b] = s[mid]!;
    if (r < a) hi = mid - 1;
    else if (r > b) lo = mid + 1;
    else return true;
  }
  return false;
}

export function containsCode(s: RankSet, code: string): boolean {
  return containsRank(s, codeRank(code));
}

/** How many codes the set holds. */
export function size(s: RankSet): number {
  let n = 0;
  for (const [a, b] of s) n += b - a + 1;
  return n;
}

/** The set's codes when it holds at most `max`, else undefined. */
export function codesOf(s: RankSet, max: number): string[] | undefined {
  if (size(s) > max) return undefined;
  const out: string[] = [];
  for (const [a, b] of s) for (let r = a; r <= b; r++) out.push(codeAtRank(r));
  return out;
}

/**
 * Sorted ranks of codes to prefer when a set must be represented by one code: codes the
 * rules' own tests use, then codes the CMS tables know, so that witness claims look real.
 */
export class CodePicker {
  private readonly tiers: Int32Array[];

  constructor(...tiers: Iterable<string>[]) {
    this.tiers = tiers.map((t) => Int32Array.from(new Set([...t].map(codeRank))).sort());
  }

  /** The preferred code of a non-empty set (its smallest code when no preferred one is in it). */
  pick(s: RankSet): string {
    for (const tier of this.tiers) {
      for (const [a, b] of s) {
        const i = lowerBound(tier, a);
        if (i < tier.length && tier[i]! <= b) return codeAtRank(tier[i]!);
      }
    }
    return codeAtRank(s[0]![0]);
  }
}


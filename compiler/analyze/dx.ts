/**
 * Diagnosis sets for the analysis: every dx set of the program gets an id, and every billable
 * ICD-10-CM code of the list a membership mask over those sets. Two billable codes with the same
 * mask are interchangeable for every condition of the program, so the solver chooses among the
 * (few hundred) distinct masks, each with one representative code, instead of 74,000 codes.
 *
 * Only billable codes are used: a claim with a header or an unknown code is denied by the
 * ICD-10-CM check anyway, so it can show nothing about the rules.
 */
import type { DxSet } from "../../runtime/table.ts";
import type { IcdList } from "../icd10.ts";
import { lowerBound } from "../../runtime/codes.ts";

/** A dx-set id → bit position; a set of sets as a bit array. */
export class DxRegistry {
  private readonly ids = new Map<string, number>();
  readonly sets: DxSet[] = [];
  private masks?: { mask: Uint32Array; rep: string; rank: number }[];
  private readonly projections = new Map<string, Map<string, string>>();

  constructor(
    private readonly icd: IcdList,
    /** Codes to prefer as representatives (the rules' tests use them, most used first), normalized. */
    private readonly preferred: readonly string[] = [],
  ) {}

  /** The id of a dx set (registered on first use). */
  id(set: DxSet): number {
    const key = `${set.codes.join(",")}|${set.prefixes.join(",")}`;
    let id = this.ids.get(key);
    if (id === undefined) {
      if (this.masks) throw new Error("INVARIANT: dx sets are registered before masks are built");
      id = this.sets.length;
      this.ids.set(key, id);
      this.sets.push(set);
    }
    return id;
  }

  /** Whether a normalized diagnosis is in set `id`. */
  has(id: number, dx: string): boolean {
    const s = this.sets[id]!;
    if (s.codes.includes(dx)) return true;
    for (const p of s.prefixes) if (dx.startsWith(p)) return true;
    return false;
  }

  /**
   * The membership masks of the billable codes, grouped (computed once, after every set is
   * registered): a map from each code, and each prefix the sets use, to the sets naming it
   * makes this one pass over the list with a few lookups per code.
   */
  private build(): { mask: Uint32Array; rep: string; rank: number }[] {
    if (this.masks) return this.masks;
    const words = Math.max(1, Math.ceil(this.sets.length / 32));
    const by = new Map<string, number[]>();
    this.sets.forEach((s, i) => {
      for (const c of s.codes) (by.get(c) ?? by.set(c, []).get(c)!).push(i);
      for (const p of s.prefixes) (by.get(`${p}*`) ?? by.set(`${p}*`, []).get(`${p}*`)!).push(i);
    });
    const groups = new Map<string, { mask: Uint32Array; rep: string; rank: number }>();
    // Rank: position in the preferred list (the most used first), then every other code.
    const rankOf = new Map<string, number>();
    this.preferred.forEach((c, i) => {
      if (!rankOf.has(c)) rankOf.set(c, i);
    });
    const rank = (c: string): number => rankOf.get(c) ?? Number.MAX_SAFE_INTEGER;
    // Only codes some set names can have a mask other than all zeros; one more code stands for
    // the rest (a preferred one when there is one).
    const candidates = new Set<string>();
    const all = this.icd.all;
    for (const s of this.sets) {
      for (const c of s.codes) if (this.icd.billable.has(c)) candidates.add(c);
      for (const p of s.prefixes) {
        for (let i = lowerBound(all, p); i < all.length && all[i]!.startsWith(p); i++) if (this.icd.billable.has(all[i]!)) candidates.add(all[i]!);
      }
    }
    // Codes outside every set all share one mask: the preferred ones, and one more.
    for (const c of this.preferred) if (this.icd.billable.has(c)) candidates.add(c);
    const outside = all.find((c) => this.icd.billable.has(c) && !candidates.has(c));
    if (outside !== undefined) candidates.add(outside);
    const codes = [...candidates].sort();
    for (const c of codes) {
      const mask = new Uint32Array(words);
      const mark = (ids: number[] | undefined) => {
        if (ids) for (const i of ids) mask[i >>> 5]! |= 1 << (i & 31);
      };
      mark(by.get(c));
      for (let n = 0; n <= c.length; n++) mark(by.get(`${c.slice(0, n)}*`));
      const key = mask.join(",");
      const g = groups.get(key);
      if (!g) groups.set(key, { mask, rep: c, rank: rank(c) });
      else if (rank(c) < g.rank) (g.rep = c), (g.rank = rank(c));
    }
    this.masks = [...groups.values()];
    return this.masks;
  }

  /**
   * The realizable membership vectors over `ids` (a billable code is in exactly the sets whose
   * bit is "1"), each with a representative code: `"1010" → "L570"`.
   */
  vectors(ids: readonly number[]): Map<string, string> {
    const key = ids.join(",");
    const hit = this.projections.get(key);
    if (hit) return hit;
    const out = new Map<string, string>();
    const best = new Map<string, number>();
    for (const { mask, rep, rank } of this.build()) {
      let v = "";
      for (const i of ids) v += (mask[i >>> 5]! >>> (i & 31)) & 1 ? "1" : "0";
      if (!out.has(v) || rank < best.get(v)!) {
        out.set(v, rep);
        best.set(v, rank);
      }
    }
    this.projections.set(key, out);
    return out;
  }
}


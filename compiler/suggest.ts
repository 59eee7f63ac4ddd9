/**
 * "Did you mean …?": the nearest names by edit distance (Cedar's `fuzzy_search`, tsc's
 * spelling suggestions).
 */

/**
 * Optimal-string-alignment distance (Levenshtein plus adjacent transposition, because
 * swapped letters are the commonest typo: `L75.0` for `L57.0` is one edit), or `limit + 1`
 * once it is certain to exceed `limit`. Case-sensitive.
 */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = new Array<number>(n + 1);
  let cur = new Array<number>(n + 1);
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = cur[0]!;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j <= n; j++) {
      const bj = b.charCodeAt(j - 1);
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (ai === bj ? 0 : 1));
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > limit) return limit + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n]!;
}

/** How far a suggestion may be from what was written: about a third of its length, at least 1. */
export function defaultMaxDistance(word: string): number {
  return Math.max(1, Math.floor(word.length / 3));
}

/**
 * The candidates nearest to `word` (best first, at most `max`), within `maxDistance`.
 * Ties keep the candidates' order, so callers pass them sorted for stable output. Comparison
 * is case-insensitive so `malignant_skin` still finds `MALIGNANT_SKIN`.
 */
export function suggest(
  word: string,
  candidates: Iterable<string>,
  opts: { max?: number; maxDistance?: number } = {},
): string[] {
  const max = opts.max ?? 1;
  const limit = opts.maxDistance ?? defaultMaxDistance(word);
  const w = word.toUpperCase();
  const scored: { c: string; d: number; i: number }[] = [];
  let i = 0;
  for (const c of candidates) {
    const cu = c.toUpperCase();
    // A cut-short word (`warn` for `warning`) counts as one edit away.
    const d = w.length >= 3 && cu.startsWith(w) && cu !== w ? 1 : editDistance(w, cu, limit);
    if (d <= limit && c !== word) scored.push({ c, d, i });
    i++;
  }
  scored.sort((x, y) => x.d - y.d || x.i - y.i);
  return scored.slice(0, max).map((s) => s.c);
}

/** "did you mean `A`?" / "did you mean `A` or `B`?", or undefined when there is nothing close. */
export function didYouMean(suggestions: readonly string[], describe?: (s: string) => string): string | undefined {
  if (suggestions.length === 0) return undefined;
  const parts = suggestions.map((s) => `\`${s}\`${describe ? describe(s) : ""}`);
  const list = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(", ")} or ${parts[parts.length - 1]}`;
  return `did you mean ${list}?`;
}

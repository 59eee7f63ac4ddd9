/**
 * The packed form of a PTP table (table formatVersion 2): how the compiler writes hundreds of
 * thousands of (column 1, column 2) pairs in a few bytes each, and how they are read back.
 *
 * `packed` = { codes, rowSets, pairs }:
 * - `codes`: every code of the table, sorted, written back to back (5 characters each).
 * - `rowSets`: the distinct row lists `[[effectiveDay|null, deletionDay|null, indicator], …]`
 *   that pairs carry, most used first. CMS pairs share a few thousand distinct histories, so a
 *   pair refers to one by number instead of repeating it.
 * - `pairs`: one string, the pairs sorted by (column 1, column 2) as code indexes, each written
 *   as three numbers: the step in column 1 from the previous pair; the column 2 index (when
 *   the step is 0, its step from the previous column 2, minus 1); the row-set number.
 *   Numbers are base-31 varints over JSON-safe characters: `V`–`Z`, `a`–`z` are leading digits,
 *   `0`–`9`, `A`–`U` the last digit. Most pairs take 3 or 4 characters.
 *
 * The expanded form (`pairs` as `{column1: {column2: rows}}`) stays valid input for
 * `loadTable` (hand-written tables, tests); tools that want it from a packed table call
 * `expandPairs`.
 */
import type { PtpTable } from "./table.ts";

/** One PTP row: [effectiveDay|null, deletionDay|null, modifierIndicator]. */
export type PtpRowT = [number | null, number | null, 0 | 1 | 9];
/** The pairs of a PTP table in the expanded form. */
export type PtpPairs = Record<string, Record<string, PtpRowT[]>>;

/** The packed pairs of a PTP table (see the file comment). */
export interface PackedPtp {
  codes: string;
  rowSets: PtpRowT[][];
  pairs: string;
}

/** Appends `v` (a non-negative integer) as a base-31 varint. */
function putVarint(out: string[], v: number): void {
  let s = FINAL[v % 31]!;
  v = Math.floor(v / 31);
  while (v > 0) {
    s = LEAD[v % 31]! + s;
    v = Math.floor(v / 31);
  }
  out.push(s);
}

const FINAL = "0123456789ABCDEFGHIJKLMNOPQRSTU";
const LEAD = "VWXYZabcdefghijklmnopqrstuvwxyz";

/** Digit value of a character: 0–30 for a last digit, 31–61 for a leading one (+31), -1 otherwise. */
const DIGIT = new Int8Array(128).fill(-1);
for (let i = 0; i < 31; i++) {
  DIGIT[FINAL.charCodeAt(i)] = i;
  DIGIT[LEAD.charCodeAt(i)] = 31 + i;
}

/**
 * Packs pairs given as parallel arrays sorted by (column-1 index, column-2 index), each pair
 * once: `a`, `b` code indexes into the sorted `codes`, `rs` row-set numbers.
 */
export function packPairs(codes: readonly string[], rowSets: PtpRowT[][], a: ArrayLike<number>, b: ArrayLike<number>, rs: ArrayLike<number>, n: number): PackedPtp {
  const parts: string[] = [];
  const chunks: string[] = [];
  let prevA = 0;
  let prevB = -1;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - prevA;
    putVarint(parts, da);
    putVarint(parts, da === 0 ? b[i]! - prevB - 1 : b[i]!);
    putVarint(parts, rs[i]!);
    prevA = a[i]!;
    prevB = b[i]!;
    // Join in chunks: one array of millions of tiny strings is slow to join and large.
    if (parts.length >= 30000) chunks.push(parts.splice(0).join(""));
  }
  chunks.push(parts.join(""));
  return { codes: codes.join(""), rowSets, pairs: chunks.join("") };
}

/** Unpacked pairs: parallel arrays of code indexes and row-set numbers; or an error message. */
export interface UnpackedPairs {
  codes: string[];
  a: Int32Array;
  b: Int32Array;
  rs: Int32Array;
  n: number;
}

/**
 * Reads the packed pairs back, checking them: characters and indexes in range. Pairs come out
 * strictly increasing in (column 1, column 2) by construction (steps are never negative), so
 * none repeats. Returns the arrays or an error message (never throws).
 */
export function unpackPairs(p: PackedPtp): UnpackedPairs | string {
  if (typeof p.codes !== "string" || p.codes.length % 5 !== 0) return "packed codes must be 5-character codes written back to back";
  if (typeof p.pairs !== "string" || !Array.isArray(p.rowSets)) return "packed pairs must be a string and rowSets a list";
  const nCodes = p.codes.length / 5;
  const codes = new Array<string>(nCodes);
  for (let i = 0; i < nCodes; i++) codes[i] = p.codes.slice(5 * i, 5 * i + 5);
  for (let i = 1; i < nCodes; i++) if (!(codes[i - 1]! < codes[i]!)) return `packed codes are not sorted at \`${codes[i]}\``;
  const s = p.pairs;
  const len = s.length;
  // At least 3 characters per pair: an upper bound for the arrays.
  const cap = Math.floor(len / 3) + 1;
  const a = new Int32Array(cap);
  const b = new Int32Array(cap);
  const rs = new Int32Array(cap);
  const nSets = p.rowSets.length;
  let n = 0;
  let prevA = 0;
  let prevB = -1;
  let i = 0;
  const vals = [0, 0, 0];
  while (i < len) {
    for (let k = 0; k < 3; k++) {
      let v = 0;
      for (;;) {
        if (i >= len) return "packed pairs end in the middle of a pair";
        const c = s.charCodeAt(i++);
        const d = c < 128 ? DIGIT[c]! : -1;
        if (d < 0) return `packed pairs hold a character \`${s[i - 1]}\` at ${i - 1} that is not a digit`;
        if (d >= 31) {
          v = v * 31 + (d - 31);
          if (v > 0x3fffffff) return "packed pairs hold a number out of range";
        } else {
          v = v * 31 + d;
          break;
        }
      }
      vals[k] = v;
    }
    const ai = prevA + vals[0]!;
    const bi = vals[0] === 0 ? prevB + 1 + vals[1]! : vals[1]!;
    if (ai >= nCodes || bi >= nCodes) return `packed pair ${n} names a code index out of range (the table has ${nCodes} codes)`;
    if (vals[2]! >= nSets) return `packed pair ${n} names row set ${vals[2]} (the table has ${nSets})`;
    a[n] = ai;
    b[n] = bi;
    rs[n] = vals[2]!;
    n++;
    prevA = ai;
    prevB = bi;
  }
  return { codes, a, b, rs, n };
}

/** The expanded form of packed pairs (for tools: explain, diff, tests). */
export function expandPairs(p: PackedPtp): PtpPairs {
  const u = unpackPairs(p);
  if (typeof u === "string") return {};
  const out: PtpPairs = {};
  let inner: Record<string, PtpRowT[]> = {};
  let last = -1;
  for (let i = 0; i < u.n; i++) {
    if (u.a[i] !== last) {
      last = u.a[i]!;
      inner = out[u.codes[last]!] = {};
    }
    inner[u.codes[u.b[i]!]!] = p.rowSets[u.rs[i]!]!.map((r) => r.slice() as PtpRowT);
  }
  return out;
}

/**
 * Gives a packed PTP table a read-only `pairs` property in the expanded form, computed on first
 * use and not enumerable: JSON, the canonical form and the content hash see the packed form only.
 */
export function attachExpandedPairs(t: PtpTable & { packed?: PackedPtp }): void {
  const packed = t.packed;
  if (packed === undefined || Object.prototype.hasOwnProperty.call(t, "pairs")) return;
  let cache: PtpPairs | undefined;
  Object.defineProperty(t, "pairs", {
    configurable: true,
    enumerable: false,
    get: () => (cache ??= expandPairs(packed)),
  });
}

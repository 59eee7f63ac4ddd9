/**
 * The ICD-10-CM FY2026 code list (data/icd10cm-order.tsv.gz): billable codes, category headers,
 * prefix and range queries, and suggestions for misspelled codes.
 */
import * as fs from "node:fs";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { readIcd, type DataProblem } from "./data.ts";
import { editDistance } from "./suggest.ts";
import { lowerBound } from "../runtime/codes.ts";

/** The version the packaged list carries. */
export const ICD10_VERSION = "FY2026";

/** Path of the packaged list relative to the package root, as recorded in provenance. */
export const ICD10_PATH = "data/icd10cm-order.tsv.gz";

/** An ICD-10-CM code list with the queries the compiler needs. Codes are normalized (no dot). */
export class IcdList {
  /** Every entry, sorted. */
  readonly all: readonly string[];
  readonly billable: ReadonlySet<string>;
  readonly headers: ReadonlySet<string>;

  constructor(
    entries: Iterable<{ code: string; billable: boolean }>,
    readonly version: string = ICD10_VERSION,
    /** The bytes' sha256 and path, for provenance (absent for in-memory lists). */
    readonly file?: { path: string; sha256: string },
  ) {
    const billable = new Set<string>();
    const headers = new Set<string>();
    for (const e of entries) (e.billable ? billable : headers).add(e.code);
    for (const h of headers) billable.delete(h);
    this.billable = billable;
    this.headers = headers;
    this.all = [...billable, ...headers].sort();
  }

  private texts?: { billable: string; headers: string };

  /** The table's form: billable codes and headers, each sorted and space-separated (computed once). */
  tableText(): { billable: string; headers: string } {
    this.texts ??= { billable: [...this.billable].sort().join(" "), headers: [...this.headers].sort().join(" ") };
    return this.texts;
  }

  /** Whether the code is an entry (billable or header). */
  has(code: string): boolean {
    return this.billable.has(code) || this.headers.has(code);
  }

  /** Whether some entry starts with the prefix. */
  hasPrefix(prefix: string): boolean {
    const i = lowerBound(this.all, prefix);
    return i < this.all.length && this.all[i]!.startsWith(prefix);
  }

  /** The billable codes that start with the prefix (at most `max`), sorted. */
  billableUnder(prefix: string, max = Infinity): string[] {
    const out: string[] = [];
    for (let i = lowerBound(this.all, prefix); i < this.all.length && out.length < max; i++) {
      const c = this.all[i]!;
      if (!c.startsWith(prefix)) break;
      if (this.billable.has(c)) out.push(c);
    }
    return out;
  }

  /**
   * The entries of an ICD range `from-to`: every entry ≥ from and ≤ to, or under `to`
   * (so `L57.0-L57.9` includes `L57.9` and anything written below it).
   */
  range(from: string, to: string): string[] {
    const out: string[] = [];
    for (let i = lowerBound(this.all, from); i < this.all.length; i++) {
      const c = this.all[i]!;
      if (c > to && !c.startsWith(to)) break;
      out.push(c);
    }
    return out;
  }

  /** The nearest entries to a misspelled code (billable first), at most `max`. */
  suggest(code: string, max = 3): string[] {
    const limit = code.length <= 4 ? 1 : 2;
    const scored: { c: string; d: number }[] = [];
    for (const c of this.all) {
      if (Math.abs(c.length - code.length) > limit) continue;
      const d = editDistance(code, c, limit);
      if (d <= limit) scored.push({ c, d });
    }
    // Nearest first; then the longest shared start (a coder rarely mistypes the category),
    // billable before headers, string order.
    const lcp = (c: string): number => {
      let i = 0;
      while (i < c.length && i < code.length && c[i] === code[i]) i++;
      return i;
    };
    scored.sort(
      (a, b) => a.d - b.d || lcp(b.c) - lcp(a.c) || Number(this.billable.has(b.c)) - Number(this.billable.has(a.c)) || (a.c < b.c ? -1 : 1),
    );
    return scored.slice(0, max).map((s) => s.c);
  }
}

let packaged: { list?: IcdList; problems: DataProblem[] } | undefined;

/** The package root: two levels above this file (compiler/icd10.ts). */
export function packageRoot(): string {
  return fileURLToPath(new URL("..", import.meta.url));
}

/**
 * The packaged FY2026 list, read once per process. Problems (a missing or damaged file) are
 * returned rather than thrown; the list is absent when the file cannot be read at all.
 */
export function loadPackagedIcd10(): { list?: IcdList; problems: DataProblem[] } {
  if (packaged) return packaged;
  const url = new URL(`../${ICD10_PATH}`, import.meta.url);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(url);
  } catch (e) {
    packaged = { problems: [{ code: "DR4021", line: 0, message: `the ICD-10-CM list \`${ICD10_PATH}\` cannot be read: ${(e as NodeJS.ErrnoException).code ?? String(e)}` }] };
    return packaged;
  }
  const res = readIcd(bytes, ICD10_PATH);
  const sha256 = createHashHex(bytes);
  packaged = {
    list: new IcdList(res.rows, ICD10_VERSION, { path: ICD10_PATH, sha256 }),
    problems: res.problems.map((p) => ({ ...p, code: "DR4021" as const })),
  };
  return packaged;
}

/** sha256 hex of bytes. */
export function createHashHex(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

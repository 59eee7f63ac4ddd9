/**
 * Readers for the CMS and CDC data files a rule file references (PTP, MUE, AOC) and for the
 * packaged ICD-10-CM list. The files keep CMS's own columns (data/PROVENANCE.md):
 *
 * - PTP `column1 column2 prior1996 effective deletion modifier rationale`: dates `YYYYMMDD`,
 *   deletion `*` = open, effective empty = open; modifier indicator 0/1/9.
 * - MUE `code mue mai rationale`: MAI 1/2/3.
 * - AOC `AOC_Edit_Type Add-On_Code AOC_DelDT Primary_Code Primary_Code_DelDT AOC_Edit_EffDT
 *   AOC_Edit_DelDT Special_Instruction_Notes`: dates CMS Julian `YYYYDDD`, empty = open.
 * - ICD `code billable description`: codes without the dot, billable 1/0.
 *
 * Columns are found by header name, so their order may change between CMS releases. The
 * readers never throw on bad data: each problem is returned with its 1-based line, and the
 * compiler turns it into a DR4xxx diagnostic at the rule file's table reference.
 *
 * Speed matters (the derm PTP file has 432,772 rows, the full one 2.5M): lines and fields are
 * split with `indexOf`, dates and codes are checked with char codes, no regular expression
 * runs per row.
 */
import { gunzipSync } from "node:zlib";
import { daysFromCivil, daysInMonth, isLeapYear } from "../runtime/dates.ts";
import type { DiagnosticCode } from "./diagnostics.ts";

/** A problem in a data file: its code, 1-based line (0 = the file as a whole) and message. */
export interface DataProblem {
  code: DiagnosticCode;
  line: number;
  message: string;
}

/** One PTP edit row. Dates are day numbers; null = open. */
export interface PtpRow {
  column1: string;
  column2: string;
  effective: number | null;
  deletion: number | null;
  modifier: 0 | 1 | 9;
  /** 1-based line in the data file. */
  line: number;
}

/** One MUE row. */
export interface MueRow {
  code: string;
  mue: number;
  mai: 1 | 2 | 3;
  line: number;
}

/** One add-on code edit row. Dates are day numbers; null = open. */
export interface AocRow {
  type: 1 | 2 | 3;
  addon: string;
  addonDeletion: number | null;
  /** A procedure code, or `CCCCC` when the edit lists no primary. */
  primary: string;
  primaryDeletion: number | null;
  effective: number | null;
  deletion: number | null;
  line: number;
}

/** One ICD-10-CM order-file row (code without the dot). */
export interface IcdRow {
  code: string;
  billable: boolean;
  line: number;
}

/** What a reader returns: the good rows and the problems (bad rows are left out). */
export interface DataResult<R> {
  rows: R[];
  problems: DataProblem[];
  /** Problems found beyond `problems` (the list is capped per file). */
  moreProblems: number;
}

/** The header columns of each kind of file, as CMS names them. */
export const EXPECTED_COLUMNS = {
  ptp: ["column1", "column2", "prior1996", "effective", "deletion", "modifier", "rationale"],
  mue: ["code", "mue", "mai", "rationale"],
  aoc: [
    "AOC_Edit_Type",
    "Add-On_Code",
    "AOC_DelDT",
    "Primary_Code",
    "Primary_Code_DelDT",
    "AOC_Edit_EffDT",
    "AOC_Edit_DelDT",
    "Special_Instruction_Notes",
  ],
  icd10: ["code", "billable", "description"],
} as const;

/** The columns each reader actually uses (the rest may be missing). */
const REQUIRED_COLUMNS = {
  ptp: ["column1", "column2", "effective", "deletion", "modifier"],
  mue: ["code", "mue", "mai"],
  aoc: ["AOC_Edit_Type", "Add-On_Code", "AOC_DelDT", "Primary_Code", "Primary_Code_DelDT", "AOC_Edit_EffDT", "AOC_Edit_DelDT"],
  icd10: ["code", "billable"],
} as const;

export type DataKind = keyof typeof EXPECTED_COLUMNS;

/** At most this many problems are listed per file; the rest are counted. */
export const MAX_PROBLEMS_PER_FILE = 20;

/** Whether the bytes start with the gzip magic number. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * The text of a data file: gunzipped when it is gzip (by magic number, so a mislabelled
 * `.gz` still reads), decoded as UTF-8 (the CMS files are ASCII), BOM dropped.
 */
export function decodeDataFile(bytes: Uint8Array, name: string): { text: string } | { problem: DataProblem } {
  let raw: Uint8Array = bytes;
  if (isGzip(bytes)) {
    try {
      raw = gunzipSync(bytes);
    } catch (e) {
      return { problem: { code: "DR4017", line: 0, message: `\`${name}\` is not valid gzip: ${(e as Error).message.toLowerCase()}` } };
    }
  } else if (name.endsWith(".gz")) {
    return { problem: { code: "DR4017", line: 0, message: `\`${name}\` ends in \`.gz\` but is not gzip data` } };
  }
  let text = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString("utf8");
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { text };
}

// ------------------------------------------------------------------------------ field checks

/** Whether s is a 5-character procedure code: `NNNNN`, `NNNN[AMUFT]` or `ANNNN` (char codes, no regex). */
export function isProcedureCode(s: string): boolean {
  if (s.length !== 5) return false;
  const c0 = s.charCodeAt(0);
  const c4 = s.charCodeAt(4);
  for (let i = 1; i < 4; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  if (c0 >= 48 && c0 <= 57) {
    // 4 digits then a digit or A, M, U, F, T
    return (c4 >= 48 && c4 <= 57) || c4 === 65 || c4 === 77 || c4 === 85 || c4 === 70 || c4 === 84;
  }
  return c0 >= 65 && c0 <= 90 && c4 >= 48 && c4 <= 57;
}

function digitsValue(s: string, from: number, to: number): number {
  let v = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/**
 * Date texts already parsed: a CMS file holds a few hundred distinct dates across hundreds of
 * thousands of rows, so a lookup beats parsing each one.
 */
const ymdCache = new Map<string, number | undefined>();
const julianCache = new Map<string, number | undefined>();

/** `YYYYMMDD` → day number, or undefined when it is not a real calendar date. */
export function parseYmd(s: string): number | undefined {
  let v = ymdCache.get(s);
  if (v === undefined && !ymdCache.has(s)) {
    v = parseYmdUncached(s);
    if (ymdCache.size < 100_000) ymdCache.set(s, v);
  }
  return v;
}

function parseYmdUncached(s: string): number | undefined {
  if (s.length !== 8) return undefined;
  const y = digitsValue(s, 0, 4);
  const m = digitsValue(s, 4, 6);
  const d = digitsValue(s, 6, 8);
  if (y < 0 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return undefined;
  return daysFromCivil(y, m, d);
}

/** CMS Julian `YYYYDDD` (year, day of year) → day number, or undefined when invalid. */
export function parseJulian(s: string): number | undefined {
  let v = julianCache.get(s);
  if (v === undefined && !julianCache.has(s)) {
    v = parseJulianUncached(s);
    if (julianCache.size < 100_000) julianCache.set(s, v);
  }
  return v;
}

function parseJulianUncached(s: string): number | undefined {
  if (s.length !== 7) return undefined;
  const y = digitsValue(s, 0, 4);
  const doy = digitsValue(s, 4, 7);
  if (y < 0 || doy < 1 || doy > (isLeapYear(y) ? 366 : 365)) return undefined;
  return daysFromCivil(y, 1, 1) + doy - 1;
}

/**
 * Whether s is an ICD-10-CM code without the dot: a letter, two alphanumerics, up to 4 more.
 * (The second character is a digit except in FY2026's new `QA0…` genetic-variant codes.)
 */
export function isIcdCode(s: string): boolean {
  if (s.length < 3 || s.length > 7) return false;
  const c0 = s.charCodeAt(0);
  if (c0 < 65 || c0 > 90) return false;
  for (let i = 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90))) return false;
  }
  return true;
}

// ------------------------------------------------------------------------------ the TSV walk

/**
 * Calls `row` for each data line (after the header) with its needed fields (in
 * `REQUIRED_COLUMNS` order, one reused array) and 1-based line number. Handles LF and CRLF;
 * skips blank lines; reports a wrong field count (DR4012), or DR4016 when the offending line
 * is the last one and lacks its line break (a cut-off download).
 */
function walkTsv(
  text: string,
  name: string,
  kind: DataKind,
  sink: ProblemSink,
  row: (fields: string[], line: number) => void,
): void {
  const len = text.length;
  let pos = 0;
  let lineNo = 0;
  let header: string[] | undefined;
  // wanted[i] = slot in `ordered` for column i, or -1: only needed columns are sliced.
  let wanted: Int32Array = new Int32Array(0);
  const ordered: string[] = [];
  while (pos < len) {
    let eol = text.indexOf("\n", pos);
    const terminated = eol !== -1;
    if (!terminated) eol = len;
    let end = eol;
    if (end > pos && text.charCodeAt(end - 1) === 13) end--;
    lineNo++;
    const lineStart = pos;
    pos = eol + 1;
    if (end === lineStart) continue; // blank line
    if (header === undefined) {
      header = text.slice(lineStart, end).split("\t");
      const missing = REQUIRED_COLUMNS[kind].filter((c) => !header!.includes(c));
      if (missing.length > 0) {
        sink.add({
          code: "DR4011",
          line: lineNo,
          message: `\`${name}\` lacks column${missing.length > 1 ? "s" : ""} ${missing.map((c) => `\`${c}\``).join(", ")}: a ${kind.toUpperCase()} file has the columns \`${EXPECTED_COLUMNS[kind].join(" ")}\``,
        });
        return;
      }
      wanted = new Int32Array(header.length).fill(-1);
      REQUIRED_COLUMNS[kind].forEach((c, slot) => (wanted[header!.indexOf(c)] = slot));
      continue;
    }
    // Split without a regex, slicing only the columns the reader uses.
    let field = 0;
    let f = lineStart;
    for (;;) {
      let tab = text.indexOf("\t", f);
      const last = tab === -1 || tab >= end;
      if (last) tab = end;
      if (field < wanted.length && wanted[field]! >= 0) ordered[wanted[field]!] = text.slice(f, tab);
      field++;
      if (last) break;
      f = tab + 1;
    }
    if (field !== header.length) {
      if (!terminated) {
        sink.add({ code: "DR4016", line: lineNo, message: `\`${name}\` line ${lineNo} is truncated: ${field} of ${header.length} fields and no line break` });
      } else {
        sink.add({ code: "DR4012", line: lineNo, message: `\`${name}\` line ${lineNo} has ${field} fields, the header has ${header.length}` });
      }
      continue;
    }
    row(ordered, lineNo);
  }
  if (header === undefined) sink.add({ code: "DR4019", line: 0, message: `\`${name}\` is empty: it has no header line` });
}

class ProblemSink {
  problems: DataProblem[] = [];
  more = 0;
  add(p: DataProblem): void {
    if (this.problems.length < MAX_PROBLEMS_PER_FILE) this.problems.push(p);
    else this.more++;
  }
}

function badDate(sink: ProblemSink, name: string, line: number, column: string, value: string, expected: string): void {
  sink.add({ code: "DR4013", line, message: `\`${name}\` line ${line}: ${column} \`${value}\` is not a valid date (expected ${expected})` });
}

function badCode(sink: ProblemSink, name: string, line: number, column: string, value: string): void {
  sink.add({ code: "DR4015", line, message: `\`${name}\` line ${line}: ${column} \`${value}\` is not a procedure code` });
}

function withText<R>(bytes: Uint8Array, name: string, f: (text: string, sink: ProblemSink) => R[]): DataResult<R> {
  const decoded = decodeDataFile(bytes, name);
  if ("problem" in decoded) return { rows: [], problems: [decoded.problem], moreProblems: 0 };
  const sink = new ProblemSink();
  const rows = f(decoded.text, sink);
  return { rows, problems: sink.problems, moreProblems: sink.more };
}

// ------------------------------------------------------------------------------ readers

/** Reads a PTP file (plain or gzip). */
export function readPtp(bytes: Uint8Array, name: string): DataResult<PtpRow> {
  return withText(bytes, name, (text, sink) => {
    const rows: PtpRow[] = [];
    walkTsv(text, name, "ptp", sink, (f, line) => {
      const c1 = f[0]!, c2 = f[1]!, eff = f[2]!, del = f[3]!, mod = f[4]!;
      let ok = true;
      if (!isProcedureCode(c1)) (badCode(sink, name, line, "column1", c1), (ok = false));
      if (!isProcedureCode(c2)) (badCode(sink, name, line, "column2", c2), (ok = false));
      let effective: number | null = null;
      if (eff !== "") {
        const d = parseYmd(eff);
        if (d === undefined) (badDate(sink, name, line, "effective", eff, "YYYYMMDD or empty"), (ok = false));
        else effective = d;
      }
      let deletion: number | null = null;
      if (del !== "*") {
        const d = parseYmd(del);
        if (d === undefined) (badDate(sink, name, line, "deletion", del, "YYYYMMDD or `*`"), (ok = false));
        else deletion = d;
      }
      const m = mod === "0" ? 0 : mod === "1" ? 1 : mod === "9" ? 9 : -1;
      if (m === -1) {
        sink.add({ code: "DR4014", line, message: `\`${name}\` line ${line}: modifier indicator \`${mod}\` is not 0, 1 or 9` });
        ok = false;
      }
      if (ok) rows.push({ column1: c1, column2: c2, effective, deletion, modifier: m as 0 | 1 | 9, line });
    });
    return rows;
  });
}

/** Reads an MUE file (plain or gzip). */
export function readMue(bytes: Uint8Array, name: string): DataResult<MueRow> {
  return withText(bytes, name, (text, sink) => {
    const rows: MueRow[] = [];
    walkTsv(text, name, "mue", sink, (f, line) => {
      const [code, mueText, maiText] = f as [string, string, string];
      let ok = true;
      if (!isProcedureCode(code)) (badCode(sink, name, line, "code", code), (ok = false));
      const mue = mueText.length > 0 && mueText.length <= 6 ? digitsValue(mueText, 0, mueText.length) : -1;
      if (mue < 0) {
        sink.add({ code: "DR4018", line, message: `\`${name}\` line ${line}: mue \`${mueText}\` is not a whole number of units` });
        ok = false;
      }
      const mai = maiText === "1" ? 1 : maiText === "2" ? 2 : maiText === "3" ? 3 : -1;
      if (mai === -1) {
        sink.add({ code: "DR4014", line, message: `\`${name}\` line ${line}: mai \`${maiText}\` is not 1, 2 or 3` });
        ok = false;
      }
      if (ok) rows.push({ code, mue, mai: mai as 1 | 2 | 3, line });
    });
    return rows;
  });
}

/** Reads an AOC file (plain or gzip). */
export function readAoc(bytes: Uint8Array, name: string): DataResult<AocRow> {
  return withText(bytes, name, (text, sink) => {
    const rows: AocRow[] = [];
    walkTsv(text, name, "aoc", sink, (f, line) => {
      const [typeText, addon, addonDel, primary, primaryDel, eff, del] = f as [string, string, string, string, string, string, string];
      let ok = true;
      const type = typeText === "1" ? 1 : typeText === "2" ? 2 : typeText === "3" ? 3 : -1;
      if (type === -1) {
        sink.add({ code: "DR4014", line, message: `\`${name}\` line ${line}: AOC_Edit_Type \`${typeText}\` is not 1, 2 or 3` });
        ok = false;
      }
      if (!isProcedureCode(addon)) (badCode(sink, name, line, "Add-On_Code", addon), (ok = false));
      if (primary !== "CCCCC" && !isProcedureCode(primary)) (badCode(sink, name, line, "Primary_Code", primary), (ok = false));
      const dates: (number | null)[] = [];
      const cols = ["AOC_DelDT", "Primary_Code_DelDT", "AOC_Edit_EffDT", "AOC_Edit_DelDT"];
      [addonDel, primaryDel, eff, del].forEach((v, i) => {
        if (v === "") return void dates.push(null);
        const d = parseJulian(v);
        if (d === undefined) {
          badDate(sink, name, line, cols[i]!, v, "CMS Julian YYYYDDD or empty");
          ok = false;
          dates.push(null);
        } else dates.push(d);
      });
      if (ok) {
        rows.push({
          type: type as 1 | 2 | 3,
          addon,
          addonDeletion: dates[0]!,
          primary,
          primaryDeletion: dates[1]!,
          effective: dates[2]!,
          deletion: dates[3]!,
          line,
        });
      }
    });
    return rows;
  });
}

/** Reads an ICD-10-CM order file `code billable description` (plain or gzip). */
export function readIcd(bytes: Uint8Array, name: string): DataResult<IcdRow> {
  return withText(bytes, name, (text, sink) => {
    const rows: IcdRow[] = [];
    walkTsv(text, name, "icd10", sink, (f, line) => {
      const [code, billable] = f as [string, string];
      let ok = true;
      if (!isIcdCode(code)) {
        sink.add({ code: "DR4015", line, message: `\`${name}\` line ${line}: code \`${code}\` is not an ICD-10-CM code without the dot` });
        ok = false;
      }
      if (billable !== "0" && billable !== "1") {
        sink.add({ code: "DR4014", line, message: `\`${name}\` line ${line}: billable \`${billable}\` is not 0 or 1` });
        ok = false;
      }
      if (ok) rows.push({ code, billable: billable === "1", line });
    });
    return rows;
  });
}

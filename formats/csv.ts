/**
 * CSV (one row per claim line, as practice-management exports write it) → claim JSON.
 *
 * The header names the columns (case, spaces and punctuation do not matter; common aliases
 * are accepted, see docs/formats.md). Consecutive rows with the same `claim_id` form one
 * claim; claim-level columns may repeat on every row but must agree. Quoted fields (RFC 4180,
 * with `""` for a quote and line breaks inside quotes) are read; the separator is taken from
 * the header (comma, else tab, else semicolon). Rows are streamed: one claim is held at a time.
 *
 * Codes: DR5301–DR5309 (see docs/formats.md).
 */
import { dotIcd10, finishClaim, parseAmount, parseDecimal, type ClaimDraft, type LineDraft } from "./claim-build.ts";
import { DEFAULT_PAYER_MAP, resolvePayer, type PayerMap } from "./payer-map.ts";
import { PointerMap, detach, positionedError, type ImportEvent, type PositionedInputError, type SourcePosition } from "./types.ts";

/** Options of the CSV importer. */
export interface CsvOptions {
  payerMap?: PayerMap;
}

/** The documented header, in this order (any order is read). */
export const CSV_COLUMNS = [
  "claim_id",
  "payer",
  "claim_filing_indicator",
  "service_date",
  "place_of_service",
  "provider_npi",
  "provider_name",
  "patient_sex",
  "patient_birth_date",
  "diagnoses",
  "line_service_date",
  "code",
  "modifiers",
  "units",
  "dx_pointers",
  "charge",
  "site",
  "excised_diameter_cm",
  "lesion_count",
  "repair_length_cm",
] as const;

type Column = (typeof CSV_COLUMNS)[number];

/** Other names exports use for the same columns (after normalising: lower case, `_` for any run of other characters). */
const ALIASES: Record<string, Column> = {
  claim: "claim_id",
  claim_number: "claim_id",
  claim_no: "claim_id",
  claimid: "claim_id",
  payer_name: "payer",
  insurance: "payer",
  sbr09: "claim_filing_indicator",
  filing_indicator: "claim_filing_indicator",
  dos: "service_date",
  date_of_service: "service_date",
  claim_service_date: "service_date",
  pos: "place_of_service",
  npi: "provider_npi",
  rendering_npi: "provider_npi",
  provider: "provider_name",
  rendering_provider: "provider_name",
  sex: "patient_sex",
  gender: "patient_sex",
  dob: "patient_birth_date",
  birth_date: "patient_birth_date",
  date_of_birth: "patient_birth_date",
  dx: "diagnoses",
  diagnosis_codes: "diagnoses",
  icd10: "diagnoses",
  line_date: "line_service_date",
  line_dos: "line_service_date",
  cpt: "code",
  hcpcs: "code",
  cpt_code: "code",
  procedure_code: "code",
  procedure: "code",
  modifier: "modifiers",
  qty: "units",
  quantity: "units",
  dx_pointer: "dx_pointers",
  pointers: "dx_pointers",
  diagnosis_pointer: "dx_pointers",
  charges: "charge",
  amount: "charge",
  line_charge: "charge",
  lesion_site: "site",
  excised_diameter: "excised_diameter_cm",
  lesions: "lesion_count",
  repair_length: "repair_length_cm",
};

const CLAIM_LEVEL: readonly Column[] = [
  "payer",
  "claim_filing_indicator",
  "service_date",
  "place_of_service",
  "provider_npi",
  "provider_name",
  "patient_sex",
  "patient_birth_date",
  "diagnoses",
];

/** A header cell's column: documented name, alias, `dx1`…`dx12`, `mod1`…`mod4`. */
function columnOf(name: string): { col: Column; slot?: number } | undefined {
  const n = name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_|_$/g, "");
  if ((CSV_COLUMNS as readonly string[]).includes(n)) return { col: n as Column };
  const alias = ALIASES[n];
  if (alias) return { col: alias };
  let m = /^(?:dx|diag|diagnosis|icd)_?(\d{1,2})$/.exec(n);
  if (m && Number(m[1]) >= 1 && Number(m[1]) <= 12) return { col: "diagnoses", slot: Number(m[1]) };
  m = /^(?:mod|modifier)_?(\d)$/.exec(n);
  if (m && Number(m[1]) >= 1 && Number(m[1]) <= 4) return { col: "modifiers", slot: Number(m[1]) };
  return undefined;
}

/** One parsed CSV record: fields, each field's 0-based offset in the record text, and the record's first line. */
interface CsvRecord {
  fields: string[];
  offsets: number[];
  line: number;
}

/** Splits one complete record (its quotes balanced) into fields. */
function splitRecord(text: string, sep: string): { fields: string[]; offsets: number[] } {
  const fields: string[] = [];
  const offsets: number[] = [];
  let i = 0;
  for (;;) {
    offsets.push(i);
    if (text[i] === '"') {
      let value = "";
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) {
          value += text.slice(i);
          i = text.length;
          break;
        }
        value += text.slice(i, q);
        if (text[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      // Anything between the closing quote and the separator is kept (lenient, as spreadsheets are).
      const next = text.indexOf(sep, i);
      value += next < 0 ? text.slice(i) : text.slice(i, next);
      fields.push(value);
      if (next < 0) break;
      i = next + 1;
    } else {
      const next = text.indexOf(sep, i);
      fields.push(next < 0 ? text.slice(i) : text.slice(i, next));
      if (next < 0) break;
      i = next + 1;
    }
  }
  return { fields, offsets };
}

/** Joins lines into records: a record goes on while a quoted field is open. */
class RecordJoiner {
  private pending: string | null = null;
  private start = 0;

  feed(line: string, lineNo: number): { text: string; line: number } | null {
    const text = this.pending === null ? line : `${this.pending}\n${line}`;
    if (this.pending === null) this.start = lineNo;
    if (countQuotes(text) % 2 === 1) {
      this.pending = text;
      return null;
    }
    this.pending = null;
    return { text, line: this.start };
  }

  /** The unterminated record at the end, if any. */
  rest(): { text: string; line: number } | null {
    const p = this.pending;
    this.pending = null;
    return p === null ? null : { text: p, line: this.start };
  }
}

function countQuotes(s: string): number {
  let n = 0;
  for (let i = s.indexOf('"'); i >= 0; i = s.indexOf('"', i + 1)) n++;
  return n;
}

/** Position of field `k` of a record (line and column from the offset; element = header name). */
function fieldPos(rec: CsvRecord, k: number, header: string[], text?: string): SourcePosition {
  const offset = rec.offsets[k] ?? 0;
  let line = rec.line;
  let column = offset + 1;
  if (text !== undefined) {
    const before = text.slice(0, offset);
    const nl = before.lastIndexOf("\n");
    if (nl >= 0) {
      line += before.split("\n").length - 1;
      column = offset - nl;
    }
  }
  return { line, column, element: header[k] ?? `column ${k + 1}` };
}

/** `2026-10-15`, `10/15/2026`, `20261015` → `2026-10-15`; anything else as written (the runtime reports it). */
function isoDate(s: string): string {
  const t = s.trim();
  let m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(t);
  if (m) return `${m[3]}-${m[1]!.padStart(2, "0")}-${m[2]!.padStart(2, "0")}`;
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(t);
  if (m) return `${m[1]}-${m[2]}-${m[3]}`;
  return t;
}

function listOf(s: string): string[] {
  return s
    .split(/[;|,\s]+/)
    .map((x) => x.trim())
    .filter((x) => x !== "");
}

/** `1;2`, `1:2`, `1 2`, or CMS-1500 letters `AB` / `A;B` → [1, 2]; undefined items are not pointers. */
function pointersOf(s: string): (number | string)[] {
  const t = s.trim().toUpperCase();
  if (/^[A-L]+$/.test(t)) return [...t].map((c) => c.charCodeAt(0) - 64);
  return t
    .split(/[;:|,\s]+/)
    .filter((x) => x !== "")
    .map((x) => (/^\d{1,2}$/.test(x) ? Number(x) : /^[A-L]$/.test(x) ? x.charCodeAt(0) - 64 : x));
}

interface OpenClaim {
  id: string;
  line: number;
  draft: ClaimDraft;
  /** Claim-level values as first written, to check later rows against. */
  values: Map<string, string>;
  errors: PositionedInputError[];
  where: PointerMap;
  filingIndicator?: string;
  payerName?: string;
}

/**
 * Reads CSV rows into claims. Push each line with `line`, then call `end`. Yields through
 * `out` (records and diagnostics, in input order).
 */
export class CsvClaimReader {
  private readonly payerMap: PayerMap;
  private readonly joiner = new RecordJoiner();
  private header: string[] | null = null;
  private cols: ({ col: Column; slot?: number } | undefined)[] = [];
  private sep = ",";
  private claim: OpenClaim | null = null;
  private headerOk = false;

  constructor(options: CsvOptions = {}) {
    this.payerMap = options.payerMap ?? DEFAULT_PAYER_MAP;
  }

  /** Feeds one input line (without its line break). */
  line(text: string, lineNo: number, out: ImportEvent[]): void {
    const t = lineNo === 1 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    if (this.header === null && t.trim() === "") return;
    const rec = this.joiner.feed(t, lineNo);
    if (rec) this.record(rec.text, rec.line, out);
  }

  /** Finishes the last claim. */
  end(out: ImportEvent[]): void {
    const rest = this.joiner.rest();
    if (rest) {
      out.push({ kind: "diagnostic", diagnostic: { code: "DR5305", severity: "error", message: "a quoted field is never closed: the file ends inside it", line: rest.line } });
      this.record(rest.text, rest.line, out);
    }
    this.finish(out);
  }

  private record(text: string, lineNo: number, out: ImportEvent[]): void {
    if (this.header === null) {
      this.sep = text.includes(",") ? "," : text.includes("\t") ? "\t" : text.includes(";") ? ";" : ",";
      const { fields } = splitRecord(text, this.sep);
      this.header = fields.map((f) => f.trim());
      this.cols = this.header.map(columnOf);
      const unknown = this.header.filter((h, i) => h !== "" && this.cols[i] === undefined);
      if (unknown.length > 0) {
        out.push({
          kind: "diagnostic",
          diagnostic: { code: "DR5302", severity: "warning", message: `unknown column${unknown.length > 1 ? "s" : ""} ${unknown.map((u) => `\`${u}\``).join(", ")}: ignored`, line: lineNo },
        });
      }
      const has = (c: Column): boolean => this.cols.some((x) => x?.col === c);
      const missing = (["claim_id", "code"] as Column[]).filter((c) => !has(c));
      if (missing.length > 0) {
        out.push({
          kind: "diagnostic",
          diagnostic: {
            code: "DR5301",
            severity: "error",
            message: `the header lacks ${missing.map((m) => `\`${m}\``).join(" and ")}: the first line must name the columns (see docs/formats.md)`,
            line: lineNo,
          },
        });
      } else this.headerOk = true;
      return;
    }
    if (!this.headerOk) return;
    if (text.trim() === "") return;
    const { fields, offsets } = splitRecord(text, this.sep);
    const rec: CsvRecord = { fields, offsets, line: lineNo };
    this.row(rec, text, out);
  }

  /** The trimmed, non-empty cell of a column (its first, unnumbered occurrence) in a row. */
  private cell(rec: CsvRecord, c: Column): { value: string; k: number } | undefined {
    const k = this.cols.findIndex((x) => x?.col === c && x.slot === undefined);
    if (k < 0) return undefined;
    const value = (rec.fields[k] ?? "").trim();
    return value === "" ? undefined : { value, k };
  }

  private row(rec: CsvRecord, text: string, out: ImportEvent[]): void {
    const header = this.header as string[];
    const idCell = this.cell(rec, "claim_id");
    if (!idCell) {
      out.push({
        kind: "record",
        claim: undefined,
        claimId: null,
        line: rec.line,
        errors: [positionedError("/id", "DR5303", "a row without `claim_id`", { line: rec.line, element: "claim_id" })],
      });
      return;
    }
    if (this.claim && this.claim.id !== idCell.value) this.finish(out);
    if (!this.claim) {
      const where = new PointerMap();
      where.set("", { line: rec.line });
      where.set("/id", fieldPos(rec, idCell.k, header, text));
      const id = detach(idCell.value);
      this.claim = { id, line: rec.line, draft: { id, diagnoses: [], lines: [] }, values: new Map(), errors: [], where };
    }
    const c = this.claim;

    // Claim-level cells: the first row that has one sets it; later rows must agree.
    for (const col of CLAIM_LEVEL) {
      const cell = col === "diagnoses" ? this.diagnosesCell(rec) : this.cell(rec, col);
      if (!cell) continue;
      const before = c.values.get(col);
      if (before !== undefined) {
        if (before !== cell.value) {
          c.errors.push(positionedError("", "DR5304", `\`${col}\` is \`${cell.value}\` here but \`${before}\` on an earlier row of claim \`${c.id}\`: claim-level columns must agree on every row`, fieldPos(rec, cell.k, header, text)));
        }
        continue;
      }
      c.values.set(col, cell.value);
      this.setClaimField(c, col, cell.value, fieldPos(rec, cell.k, header, text));
    }

    // The line.
    const i = c.draft.lines.length;
    const p = `/lines/${i}`;
    const line: LineDraft = {};
    c.draft.lines.push(line);
    c.where.set(p, { line: rec.line });
    const code = this.cell(rec, "code");
    if (code) {
      line.code = code.value.toUpperCase();
      c.where.set(`${p}/code`, fieldPos(rec, code.k, header, text));
    }
    const mods: string[] = [];
    const modCell = this.cell(rec, "modifiers");
    if (modCell) {
      mods.push(...listOf(modCell.value.replace(/:/g, " ")).map((m) => m.toUpperCase()));
      mods.forEach((_, j) => c.where.set(`${p}/modifiers/${j}`, fieldPos(rec, modCell.k, header, text)));
    }
    this.cols.forEach((x, k) => {
      if (x?.col === "modifiers" && x.slot !== undefined) {
        const v = (rec.fields[k] ?? "").trim();
        if (v !== "") {
          c.where.set(`${p}/modifiers/${mods.length}`, fieldPos(rec, k, header, text));
          mods.push(v.toUpperCase());
        }
      }
    });
    if (mods.length > 0) line.modifiers = mods;
    const units = this.cell(rec, "units");
    if (units) {
      const v = parseDecimal(units.value);
      (line as Record<string, unknown>).units = v ?? units.value;
      c.where.set(`${p}/units`, fieldPos(rec, units.k, header, text));
    } else if (!this.cols.some((x) => x?.col === "units")) line.units = 1;
    const ptr = this.cell(rec, "dx_pointers");
    if (ptr) {
      (line as Record<string, unknown>).dxPointers = pointersOf(ptr.value);
      c.where.set(`${p}/dxPointers`, fieldPos(rec, ptr.k, header, text));
    }
    const charge = this.cell(rec, "charge");
    if (charge) {
      const v = parseAmount(charge.value);
      (line as Record<string, unknown>).charge = v ?? charge.value;
      c.where.set(`${p}/charge`, fieldPos(rec, charge.k, header, text));
    }
    const date = this.cell(rec, "line_service_date");
    if (date) {
      line.serviceDate = isoDate(date.value);
      c.where.set(`${p}/serviceDate`, fieldPos(rec, date.k, header, text));
    }
    const facts: Record<string, unknown> = {};
    const site = this.cell(rec, "site");
    if (site) facts.site = site.value.toLowerCase();
    for (const [col, key] of [
      ["excised_diameter_cm", "excisedDiameterCm"],
      ["lesion_count", "lesionCount"],
      ["repair_length_cm", "repairLengthCm"],
    ] as const) {
      const cell = this.cell(rec, col);
      if (!cell) continue;
      facts[key] = parseDecimal(cell.value) ?? cell.value;
      c.where.set(`${p}/facts/${key}`, fieldPos(rec, cell.k, header, text));
    }
    if (Object.keys(facts).length > 0) line.facts = facts;
  }

  /** The diagnoses of a row: the `diagnoses` list, else `dx1`…`dx12` (in slot order). */
  private diagnosesCell(rec: CsvRecord): { value: string; k: number } | undefined {
    const list = this.cols.findIndex((x) => x?.col === "diagnoses" && x.slot === undefined);
    if (list >= 0 && (rec.fields[list] ?? "").trim() !== "") return { value: listOf(rec.fields[list]!).map(dotIcd10).join(";"), k: list };
    const slots: { slot: number; k: number }[] = [];
    this.cols.forEach((x, k) => {
      if (x?.col === "diagnoses" && x.slot !== undefined && (rec.fields[k] ?? "").trim() !== "") slots.push({ slot: x.slot, k });
    });
    if (slots.length === 0) return undefined;
    slots.sort((a, b) => a.slot - b.slot);
    return { value: slots.map((s) => dotIcd10(rec.fields[s.k]!)).join(";"), k: slots[0]!.k };
  }

  private setClaimField(c: OpenClaim, col: Column, value: string, at: SourcePosition): void {
    const d = c.draft;
    switch (col) {
      case "payer":
        c.payerName = value;
        break;
      case "claim_filing_indicator":
        c.filingIndicator = value;
        break;
      case "service_date":
        d.serviceDate = isoDate(value);
        c.where.set("/serviceDate", at);
        break;
      case "place_of_service":
        d.placeOfService = value.padStart(2, "0");
        c.where.set("/placeOfService", at);
        break;
      case "provider_npi":
        d.provider = { ...d.provider, npi: value };
        c.where.set("/provider/npi", at);
        break;
      case "provider_name":
        d.provider = { ...d.provider, name: value };
        break;
      case "patient_sex": {
        const s = value.toUpperCase();
        d.patient = { ...d.patient, sex: (s === "MALE" ? "M" : s === "FEMALE" ? "F" : s) as "M" | "F" | "U" };
        c.where.set("/patient/sex", at);
        break;
      }
      case "patient_birth_date":
        d.patient = { ...d.patient, birthDate: isoDate(value) };
        c.where.set("/patient/birthDate", at);
        break;
      case "diagnoses":
        d.diagnoses = value.split(";");
        d.diagnoses.forEach((_, j) => c.where.set(`/diagnoses/${j}`, at));
        c.where.set("/diagnoses", at);
        break;
      default:
        break;
    }
  }

  private finish(out: ImportEvent[]): void {
    const c = this.claim;
    if (!c) return;
    this.claim = null;
    const payer = resolvePayer(this.payerMap, {
      ...(c.payerName !== undefined ? { payerName: c.payerName } : {}),
      ...(c.filingIndicator !== undefined ? { filingIndicator: c.filingIndicator } : {}),
    });
    if (payer !== undefined) c.draft.payer = payer;
    const where = c.where;
    out.push({
      kind: "record",
      claim: finishClaim(c.draft),
      claimId: c.id,
      line: c.line,
      errors: c.errors,
      positions: where,
    });
  }
}

/** Imports CSV text held in memory. */
export function importCsvText(text: string, options: CsvOptions = {}): ImportEvent[] {
  const reader = new CsvClaimReader(options);
  const out: ImportEvent[] = [];
  text.split("\n").forEach((l, i, all) => {
    if (i === all.length - 1 && l === "") return;
    reader.line(l.replace(/\r$/, ""), i + 1, out);
  });
  reader.end(out);
  return out;
}

/** Imports a CSV stream of lines, one claim held at a time. */
export async function* importCsv(lines: AsyncIterable<string>, options: CsvOptions = {}): AsyncGenerator<ImportEvent> {
  const reader = new CsvClaimReader(options);
  const out: ImportEvent[] = [];
  let n = 0;
  for await (const l of lines) {
    reader.line(l, ++n, out);
    if (out.length > 0) {
      yield* out;
      out.length = 0;
    }
  }
  reader.end(out);
  yield* out;
}

/**
 * Claim importers: X12 837P, FHIR R4 `Claim`, CSV and the core's claim JSON / NDJSON, behind
 * one streaming interface, and the step that turns an imported record into its result.
 *
 *     const source = fileSource("claims.837");
 *     const format = sniffFormat(await source.head(), source.name);
 *     const evaluateRecord = createRecordEvaluator(table);
 *     for await (const ev of readClaims(source, format)) {
 *       if (ev.kind === "record") emit(evaluateRecord(ev));   // one result per input claim
 *       else warn(ev.diagnostic);                             // file-level problem
 *     }
 *
 * This folder is not part of the embeddable runtime: runtime/ never imports it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { StringDecoder } from "node:string_decoder";
import { createBatchEvaluator, evaluate, evaluateJsonText, type EvalResult, type InputError, type LoadedTable } from "../runtime/index.ts";
import { importCsv } from "./csv.ts";
import { importFhir } from "./fhir.ts";
import type { PayerMap } from "./payer-map.ts";
import { SNIFF_BYTES } from "./sniff.ts";
import { positionedError, type ImportedRecord, type ImportEvent, type InputFormat } from "./types.ts";
import { importX12 } from "./x12-837p.ts";

export * from "./types.ts";
export { sniffFormat, parseFormatName, SNIFF_BYTES } from "./sniff.ts";
export { DEFAULT_PAYER_MAP, parsePayerMap, resolvePayer, type PayerMap, type PayerFacts } from "./payer-map.ts";
export { importX12, importX12Text, X12Tokenizer, X12ClaimAssembler, type X12Segment, type X12Delimiters } from "./x12-837p.ts";
export { importFhir, importFhirText, convertFhirClaim } from "./fhir.ts";
export { importCsv, importCsvText, CSV_COLUMNS } from "./csv.ts";
export { finishClaim, dotIcd10 } from "./claim-build.ts";

/** Where claims come from: a file or a stream, readable as lines or as raw chunks, once. */
export interface InputSource {
  /** The file name as given (`-` for standard input). */
  readonly name: string;
  /** Size in bytes, when known (files). */
  readonly size?: number;
  /** Bytes read so far (for progress). */
  readonly bytesRead: number;
  /** The first few kilobytes, for sniffing; does not consume anything. */
  head(): Promise<string>;
  /** The input as lines without their line breaks. */
  lines(): AsyncIterable<string>;
  /** The input as text chunks, line breaks kept (X12 files are often one long line). */
  chunks(): AsyncIterable<string>;
}

/** Splits text chunks into lines (CR LF or LF), never dropping a final unterminated line. */
export async function* linesOf(chunks: AsyncIterable<string>): AsyncGenerator<string> {
  let rest = "";
  for await (const chunk of chunks) {
    const text = rest + chunk;
    let start = 0;
    for (;;) {
      const nl = text.indexOf("\n", start);
      if (nl < 0) break;
      let end = nl;
      if (end > start && text.charCodeAt(end - 1) === 13) end--;
      yield text.slice(start, end);
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  if (rest.length > 0) yield rest.endsWith("\r") ? rest.slice(0, -1) : rest;
}

/** A file on disk, read in 64 KiB chunks. */
export function fileSource(file: string, displayName = file): InputSource {
  let bytesRead = 0;
  const size = fs.statSync(file).size;
  async function* chunks(): AsyncGenerator<string> {
    const decoder = new StringDecoder("utf8");
    for await (const buf of fs.createReadStream(file, { highWaterMark: 1 << 16 }) as AsyncIterable<Buffer>) {
      bytesRead += buf.length;
      yield decoder.write(buf);
    }
    const tail = decoder.end();
    if (tail) yield tail;
  }
  return {
    name: displayName,
    size,
    get bytesRead() {
      return bytesRead;
    },
    async head() {
      const fd = fs.openSync(file, "r");
      try {
        const buf = Buffer.alloc(SNIFF_BYTES);
        const n = fs.readSync(fd, buf, 0, SNIFF_BYTES, 0);
        return buf.subarray(0, n).toString("utf8");
      } finally {
        fs.closeSync(fd);
      }
    },
    lines: () => linesOf(chunks()),
    chunks,
  };
}

/** A stream of lines (standard input): `head` buffers the first lines, which are then replayed. */
export function lineSource(source: AsyncIterable<string>, name = "-"): InputSource {
  const it = source[Symbol.asyncIterator]();
  const buffered: string[] = [];
  let done = false;
  let bytesRead = 0;
  async function* lines(): AsyncGenerator<string> {
    while (buffered.length > 0) yield buffered.shift()!;
    while (!done) {
      const r = await it.next();
      if (r.done) {
        done = true;
        break;
      }
      bytesRead += r.value.length + 1;
      yield r.value;
    }
  }
  async function* chunks(): AsyncGenerator<string> {
    for await (const l of lines()) yield `${l}\n`;
  }
  return {
    name,
    get bytesRead() {
      return bytesRead;
    },
    async head() {
      let size = buffered.reduce((n, l) => n + l.length + 1, 0);
      while (!done && size < SNIFF_BYTES) {
        const r = await it.next();
        if (r.done) {
          done = true;
          break;
        }
        bytesRead += r.value.length + 1;
        buffered.push(r.value);
        size += r.value.length + 1;
      }
      return buffered.join("\n");
    },
    lines,
    chunks,
  };
}

/**
 * Opens the input a command names: a file (relative to `cwd`) or `-` for standard input.
 * Throws the Node error for a missing or unreadable file, or a folder (`EISDIR`): the CLI
 * turns it into exit 2.
 */
export function openInput(input: string, cwd: string, stdinLines: () => AsyncIterable<string>): InputSource {
  if (input === "-") return lineSource(stdinLines(), "-");
  const file = path.resolve(cwd, input);
  const stat = fs.statSync(file);
  if (stat.isDirectory()) throw Object.assign(new Error("folder"), { code: "EISDIR" });
  fs.accessSync(file, fs.constants.R_OK);
  return fileSource(file, input);
}

/** Options for `readClaims`. */
export interface ReadOptions {
  payerMap?: PayerMap;
  /**
   * json format only: the input is one claim document (a `.json` file), not NDJSON. Default:
   * true when the source name ends in `.json`, as `dermrules eval` has always done.
   */
  single?: boolean;
}

/** The core's claim JSON: one document, or NDJSON (blank lines skipped, counted in line numbers). */
async function* importJson(source: InputSource, single: boolean): AsyncGenerator<ImportEvent> {
  if (single) {
    const parts: string[] = [];
    for await (const c of source.chunks()) parts.push(c);
    let text = parts.join("");
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    yield jsonRecord(text);
    return;
  }
  let n = 0;
  for await (const raw of source.lines()) {
    n++;
    const text = n === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    if (text.trim() === "") continue;
    yield jsonRecord(text, n);
  }
}

function jsonRecord(text: string, line?: number): ImportedRecord {
  let claim: unknown;
  try {
    claim = JSON.parse(text);
  } catch {
    // Left to the runtime, whose invalid-JSON result is the contract's.
    return { kind: "record", claim: undefined, text, claimId: null, ...(line !== undefined ? { line } : {}), errors: [] };
  }
  const id = typeof claim === "object" && claim !== null && typeof (claim as { id?: unknown }).id === "string" ? (claim as { id: string }).id : null;
  return { kind: "record", claim, claimId: id, ...(line !== undefined ? { line } : {}), errors: [] };
}

/** Reads claims of the given format from a source, streaming: records and diagnostics in input order. */
export function readClaims(source: InputSource, format: InputFormat, options: ReadOptions = {}): AsyncIterable<ImportEvent> {
  const opts = options.payerMap ? { payerMap: options.payerMap } : {};
  switch (format) {
    case "837":
      return importX12(source.chunks(), opts);
    case "fhir":
      return importFhir(source.lines(), opts);
    case "csv":
      return importCsv(source.lines(), opts);
    case "json":
      return importJson(source, options.single ?? source.name.endsWith(".json"));
    default: {
      const never: never = format;
      throw new Error(`unknown format ${String(never)}`);
    }
  }
}

/**
 * Runtime errors that only repeat an import error (the importer left the diagnoses empty
 * because they were ICD-9, so every pointer dangles) are dropped; the others are kept.
 */
function implied(importErrors: readonly InputError[], e: InputError): boolean {
  for (const ie of importErrors) {
    if (ie.pointer === "") continue;
    if (e.pointer === ie.pointer || e.pointer.startsWith(`${ie.pointer}/`)) return true;
    if (ie.pointer.startsWith("/diagnoses") && e.code === "DR5008") return true;
  }
  return false;
}

/**
 * Turns imported records into results, one per record, in order: import errors make the
 * record `invalid` (with the runtime's own checks added, positioned); otherwise the claim is
 * evaluated (duplicate claim ids across the stream get the runtime's warning), and a runtime
 * `invalid` result gets the source positions of its pointers.
 */
export function createRecordEvaluator(table: LoadedTable): (record: ImportedRecord) => EvalResult {
  const next = createBatchEvaluator(table);
  const locate = (rec: ImportedRecord, errors: readonly InputError[]): InputError[] =>
    errors.map((e) => {
      const at = rec.positions?.locate(e.pointer);
      return at ? positionedError(e.pointer, e.code, e.message, at) : e;
    });
  return (rec) => {
    if (rec.errors.length > 0) {
      const errors: InputError[] = [...rec.errors];
      if (rec.claim !== undefined) {
        const checked = evaluate(table, rec.claim);
        if (checked.verdict === "invalid") errors.push(...locate(rec, checked.errors.filter((e) => !implied(rec.errors, e))));
      }
      return rec.line !== undefined
        ? { claimId: rec.claimId, line: rec.line, verdict: "invalid", findings: [], errors }
        : { claimId: rec.claimId, verdict: "invalid", findings: [], errors };
    }
    if (rec.claim === undefined) return evaluateJsonText(table, rec.text ?? "", rec.line);
    const result = next(rec.claim);
    if (result.verdict !== "invalid") return result;
    const errors = locate(rec, result.errors);
    return rec.line !== undefined
      ? { claimId: result.claimId, line: rec.line, verdict: "invalid", findings: [], errors }
      : { claimId: result.claimId, verdict: "invalid", findings: [], errors };
  };
}

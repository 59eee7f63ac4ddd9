/**
 * `dermrules eval --table table.json [--json] [--format 837|fhir|csv|json] [--payer-map map.json] <input | ->`
 * One result per input record, in input order; a malformed record gets an `invalid` record
 * with its line number, never a dropped or extra record. Inputs other than claim JSON (X12
 * 837P, FHIR R4 Claim, CSV) go through formats/: the format is sniffed when `--format` is not
 * given, import problems of a claim make that claim's record invalid (with positions), and
 * file-level problems go to stderr.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { createBatchEvaluator, loadTable, evaluateJsonText, withDuplicateIdWarning, type EvalResult, type LoadedTable } from "../../runtime/index.ts";
import { parse } from "../args.ts";
import { ExitCode, encodeUtf8, writeBytes, type Io } from "../io.ts";
import { renderResult } from "../render-result.ts";
import { NEVER_STOPS, stopOutcome, untilStopped } from "../signals.ts";
import {
  createRecordEvaluator,
  openInput,
  parseFormatName,
  parsePayerMap,
  readClaims,
  renderImportDiagnostic,
  sniffFormat,
  type InputFormat,
  type InputSource,
  type PayerMap,
} from "../../formats/index.ts";

const USAGE =
  "usage: dermrules eval --table table.json [--json] [--format 837|fhir|csv|json] [--payer-map map.json] [--workers N] [--table-sha256 HEX] <claim.json | claims.ndjson | claims.837 | claims.csv | fhir.json | ->\n";

export async function run(args: string[], io: Io): Promise<number> {
  const parsed = parse(args, {
    table: { type: "string", short: "t" },
    json: { type: "boolean", default: false },
    format: { type: "string" },
    "payer-map": { type: "string" },
    workers: { type: "string" },
    "table-sha256": { type: "string" },
  });
  if (!parsed.ok) {
    io.stderr(`dermrules eval: ${parsed.error}\n${USAGE}`);
    return ExitCode.Usage;
  }
  const { values, positionals } = parsed;
  const tablePath = values.table as string | undefined;
  if (!tablePath) {
    io.stderr(`dermrules eval: --table is required\n${USAGE}`);
    return ExitCode.Usage;
  }
  if (positionals.length !== 1) {
    io.stderr(`dermrules eval: name one input: a claim .json file, an .ndjson file, or \`-\` for NDJSON on stdin\n${USAGE}`);
    return ExitCode.Usage;
  }
  // `--format json` has always meant JSON output too; `human` keeps meaning human output.
  const formatFlag = values.format as string | undefined;
  const json = values.json === true || formatFlag === "json";
  let explicit: InputFormat | undefined;
  if (formatFlag !== undefined && formatFlag !== "human") {
    explicit = parseFormatName(formatFlag);
    if (explicit === undefined) {
      io.stderr(`dermrules eval: --format must be \`837\`, \`fhir\`, \`csv\` or \`json\`, not \`${formatFlag}\`\n${USAGE}`);
      return ExitCode.Usage;
    }
  }
  const input = positionals[0]!;
  let workers = 0;
  if (values.workers !== undefined) {
    workers = Number(values.workers);
    if (!Number.isInteger(workers) || workers < 1 || workers > 64) {
      io.stderr(`dermrules eval: --workers must be a whole number from 1 to 64, not \`${String(values.workers)}\`\n${USAGE}`);
      return ExitCode.Usage;
    }
  }

  let tableText: string;
  try {
    tableText = io.readFile(tablePath).toString("utf8");
  } catch (err) {
    io.stderr(`dermrules eval: cannot read table \`${tablePath}\`: ${describeIoError(err)}\n`);
    return ExitCode.Usage;
  }
  // --table-sha256 pins the reviewed release: its content hash or the file's sha256.
  const pin = values["table-sha256"] as string | undefined;
  const loaded = loadTable(tableText, pin !== undefined ? { sha256: pin } : {});
  if (!loaded.ok) {
    io.stderr(`dermrules eval: \`${tablePath}\` is not a usable decision table:\n`);
    for (const e of loaded.errors.slice(0, 20)) io.stderr(`  ${e.pointer || "/"}: ${e.code}: ${e.message}\n`);
    return ExitCode.Usage;
  }
  const table = loaded.table;

  const payerMapPath = values["payer-map"] as string | undefined;
  let payerMap: PayerMap | undefined;
  if (payerMapPath !== undefined) {
    const read = readPayerMap(io, payerMapPath);
    if (typeof read === "string") {
      io.stderr(`dermrules eval: ${read}`);
      return ExitCode.Usage;
    }
    payerMap = read;
  }

  // Other formats than claim JSON: open, sniff, import. Claim JSON keeps the path below.
  let source: InputSource | undefined;
  try {
    source = openInput(input, io.cwd, () => io.stdinLines());
  } catch {
    source = undefined; // reported below, as before
  }
  const format = explicit ?? (source ? sniffFormat(await source.head(), input) : "json");
  if (format !== "json" && source) {
    return runImported(table, source, format, payerMap, json, io);
  }

  let worst = ExitCode.Ok as number;
  const emit = (result: EvalResult): void => {
    if (failing(result)) worst = ExitCode.Findings;
    io.stdout(rendered(result, json));
  };

  if (input.endsWith(".json")) {
    let text: string;
    try {
      text = io.readFile(input).toString("utf8");
    } catch (err) {
      io.stderr(`dermrules eval: cannot read \`${input}\`: ${describeIoError(err)}\n`);
      return ExitCode.Usage;
    }
    emit(evaluateJsonText(table, stripBom(text)));
    return worst;
  }

  if (input !== "-") {
    try {
      const stat = fs.statSync(path.resolve(io.cwd, input));
      if (stat.isDirectory()) throw Object.assign(new Error("folder"), { code: "EISDIR" });
    } catch (err) {
      io.stderr(`dermrules eval: cannot read \`${input}\`: ${describeIoError(err)}\n`);
      return ExitCode.Usage;
    }
  }
  // Standard input was peeked for sniffing: read it back through the source.
  // SIGINT or a broken stdout stops the stream between records (cli/signals.ts).
  const stops = io.watchStops?.() ?? NEVER_STOPS;
  const read = { items: 0 };
  const lines = untilStopped(input === "-" ? (source ? source.lines() : io.stdinLines()) : io.fileLines(input), stops, read);
  try {
    if (workers > 0 && input !== "-") {
      // A file: the workers read their own byte ranges, so the main thread only writes.
      const r = await evaluateFileInWorkers(table, tableText, path.resolve(io.cwd, input), workers, json, io, stops, read);
      if (r) worst = ExitCode.Findings;
    } else if (workers > 0) {
      const r = await evaluateLinesInWorkers(table, tableText, lines, workers, json, io);
      if (r) worst = ExitCode.Findings;
    } else await evaluateLines(table, lines, emit, io);
  } catch (err) {
    io.stderr(`dermrules eval: reading \`${input}\` failed: ${describeIoError(err)}\n`);
    return ExitCode.Usage;
  } finally {
    stops.release();
  }
  await io.flush();
  return stopOutcome(stops, "eval", `input read up to line ${read.items}`, io.stderr) ?? worst;
}

/** A result as `eval` writes it: one JSON line (`--json`), or the human block. */
function rendered(result: EvalResult, json: boolean): string {
  return json ? JSON.stringify(result) + "\n" : renderResult(result);
}

/** Whether a result makes `eval` exit with 1: a denied claim or an invalid record. */
function failing(result: EvalResult): boolean {
  return result.verdict === "deny" || result.verdict === "invalid";
}

/** Reads a `--payer-map` file; returns the map or the error text. */
export function readPayerMap(io: Io, file: string): PayerMap | string {
  let text: string;
  try {
    text = io.readFile(file).toString("utf8");
  } catch (err) {
    return `cannot read payer map \`${file}\`: ${describeIoError(err)}\n`;
  }
  const parsed = parsePayerMap(text);
  if (!parsed.ok) return parsed.errors.map((e) => `${file}: ${e.severity} ${e.code}: ${e.message}\n`).join("");
  return parsed.map;
}

/** Evaluates an imported input (837, FHIR, CSV): one result per claim; file-level diagnostics on stderr. */
async function runImported(
  table: LoadedTable,
  source: InputSource,
  format: InputFormat,
  payerMap: PayerMap | undefined,
  json: boolean,
  io: Io,
): Promise<number> {
  const evaluateRecord = createRecordEvaluator(table);
  let worst = ExitCode.Ok as number;
  let n = 0;
  const stops = io.watchStops?.() ?? NEVER_STOPS;
  try {
    for await (const ev of untilStopped(readClaims(source, format, payerMap ? { payerMap } : {}), stops)) {
      switch (ev.kind) {
        case "record": {
          const result = evaluateRecord(ev);
          if (failing(result)) worst = ExitCode.Findings;
          io.stdout(rendered(result, json));
          if ((++n & 1023) === 0) await io.flush();
          break;
        }
        case "diagnostic":
          if (ev.diagnostic.severity === "error") worst = ExitCode.Findings;
          io.stderr(renderImportDiagnostic(ev.diagnostic, source.name) + "\n");
          break;
        default: {
          const never: never = ev;
          throw new Error(`unexpected event ${JSON.stringify(never)}`);
        }
      }
    }
  } catch (err) {
    io.stderr(`dermrules eval: reading \`${source.name}\` failed: ${describeIoError(err)}\n`);
    return ExitCode.Usage;
  } finally {
    stops.release();
  }
  await io.flush();
  return stopOutcome(stops, "eval", `${n} claim${n === 1 ? "" : "s"} evaluated`, io.stderr) ?? worst;
}

/** Evaluates an NDJSON stream: blank lines are skipped, every other line yields one record. */
export async function evaluateLines(
  table: LoadedTable,
  lines: AsyncIterable<string>,
  emit: (r: EvalResult) => void,
  io: Io,
): Promise<void> {
  const next = createBatchEvaluator(table);
  let lineNo = 0;
  for await (const raw of lines) {
    lineNo++;
    const text = lineNo === 1 ? stripBom(raw) : raw;
    if (text.trim() === "") continue;
    emit(next(text, lineNo));
    if ((lineNo & 1023) === 0) await io.flush();
  }
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function describeIoError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === "ENOENT") return "no such file";
  if (code === "EISDIR") return "it is a folder";
  if (code === "EACCES") return "permission denied";
  return err instanceof Error ? err.message : String(err);
}


// ------------------------------------------------------------------------------ --workers N

/** NDJSON records per message to a worker: large enough that messaging costs little per record. */
const BATCH = 512;
/** Batches in flight per worker before reading waits: bounds memory on long inputs. */
const IN_FLIGHT = 4;

interface WorkerBatch {
  seq: number;
  /** [input line number, record text] of the batch's non-blank lines. */
  records: [number, string][];
}

/**
 * Starts `n` workers that load the table and run this module's worker loop. Each starts from a
 * small CommonJS stub that registers tsx (loader hooks are per thread) and then imports us.
 */
function startWorkers<R>(n: number, tableText: string, json: boolean, onMessage: (m: R) => void, onError: (e: Error) => void): Worker[] {
  const tsx = import.meta.resolve("tsx/esm/api");
  const stub = `const { workerData } = require("node:worker_threads");
import(workerData.tsx).then((m) => { m.register(); return import(workerData.entry); }).then((m) => m.evalWorkerMain(), (e) => { throw e; });`;
  const pool: Worker[] = [];
  for (let i = 0; i < n; i++) {
    const w = new Worker(stub, { eval: true, workerData: { kind: "dermrules-eval", tsx, entry: import.meta.url, tableText, json } });
    w.on("message", onMessage);
    w.on("error", onError);
    pool.push(w);
  }
  return pool;
}

/**
 * `n` workers whose replies, numbered by `seq` from 0, are handed to `write` strictly in that
 * order, however they arrive. `waitUntil(until)` parks the sender until `until()` holds, writing
 * replies as they come; a worker's error is thrown from it.
 */
function replyPool<R extends { seq: number }>(n: number, tableText: string, json: boolean, write: (r: R) => Promise<void>) {
  const pending = new Map<number, R>();
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  let written = 0;
  const signal = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const workers = startWorkers<R>(
    n,
    tableText,
    json,
    (m) => {
      pending.set(m.seq, m);
      signal();
    },
    (e) => {
      failure = e;
      signal();
    },
  );
  const drain = async () => {
    for (let r = pending.get(written); r !== undefined; r = pending.get(written)) {
      pending.delete(written);
      await write(r);
      written++;
    }
  };
  return {
    workers,
    /** How many replies have been written. */
    written: () => written,
    async waitUntil(until: () => boolean): Promise<void> {
      while (!until()) {
        if (failure) throw failure;
        await new Promise<void>((resolve) => {
          wake = resolve;
          if (pending.has(written) || failure) signal();
        });
        await drain();
      }
    },
    terminate: () => Promise.all(workers.map((w) => w.terminate())),
  };
}

/**
 * A record whose claim id an earlier record used, evaluated again in the main thread (the
 * workers do not share the batch's ids) with the duplicate-id warning, rendered.
 */
function renderDuplicate(table: LoadedTable, text: string, lineNo: number, json: boolean): { out: string; bad: boolean } {
  const res = withDuplicateIdWarning(evaluateJsonText(table, text, lineNo));
  return { out: rendered(res, json), bad: failing(res) };
}

/**
 * Evaluates an NDJSON stream on `n` worker threads, each with its own copy of the table.
 * Batches go out round-robin and come back in any order; output is written strictly in input
 * order, one record per non-blank input line, as the single-thread path writes it. A claim id
 * seen earlier in the stream gets the batch's duplicate-id warning: the workers do not share
 * state, so the main thread tracks ids in input order and re-evaluates such a (rare) record
 * itself. Returns whether some record was denied or invalid.
 */
async function evaluateLinesInWorkers(
  table: LoadedTable,
  tableText: string,
  lines: AsyncIterable<string>,
  n: number,
  json: boolean,
  io: Io,
): Promise<boolean> {
  const texts = new Map<number, [number, string][]>();
  const seen = new Set<string>();
  let bad = false;
  const pool = replyPool<ChunkReply>(n, tableText, json, async (r) => {
    const recs = texts.get(r.seq)!;
    texts.delete(r.seq);
    if (r.bad) bad = true;
    const out = withDuplicates(r, seen, (k) => recs[k]!, table, json);
    if (out.bad) bad = true;
    writeBytes(io, out.bytes);
    await io.flush();
  });
  let sent = 0;
  try {
    let lineNo = 0;
    let batch: [number, string][] = [];
    const send = async () => {
      if (batch.length === 0) return;
      const seq = sent++;
      texts.set(seq, batch);
      pool.workers[seq % n]!.postMessage({ seq, records: batch } satisfies WorkerBatch);
      batch = [];
      await pool.waitUntil(() => sent - pool.written() < n * IN_FLIGHT);
    };
    for await (const raw of lines) {
      lineNo++;
      const text = lineNo === 1 ? stripBom(raw) : raw;
      if (text.trim() === "") continue;
      batch.push([lineNo, text]);
      if (batch.length >= BATCH) await send();
    }
    await send();
    await pool.waitUntil(() => pool.written() === sent);
  } finally {
    await pool.terminate();
  }
  return bad;
}

/** A byte range of an NDJSON file for a worker: whole lines, the first numbered `firstLine`. */
interface FileChunk {
  seq: number;
  file: string;
  start: number;
  end: number;
  firstLine: number;
}

/** What a worker sends back for a file chunk or a batch: the output, record boundaries in it, claim ids. */
interface ChunkReply {
  seq: number;
  /** The chunk's output as UTF-8, its buffer transferred, not copied (`encodeUtf8`). */
  out: Uint8Array;
  /** Start of each record's output in `out`, in bytes (one more entry: the end). */
  offsets: number[];
  /** Per record: its input line number. */
  lines: number[];
  /** Per record: its claim id, null for an invalid record (duplicates are found in the main thread). */
  ids: (string | null)[];
  /** Whether some record was denied or invalid. */
  bad: boolean;
}

/** Bytes per chunk of a file evaluated by workers. */
const CHUNK_BYTES = 1 << 20;

/**
 * `--workers N` on a file: the main thread cuts the file into chunks of whole lines (about
 * 1 MB, counting lines so every chunk knows its first line number), the workers read, parse,
 * evaluate and render their chunks, and the main thread writes the chunks' output in input
 * order. Claim ids are tracked in input order here: a record whose id came earlier is
 * evaluated again in this thread with the duplicate-id warning, as the single-thread path
 * gives it. Stops (SIGINT, broken pipe) end dispatching between chunks.
 */
async function evaluateFileInWorkers(
  table: LoadedTable,
  tableText: string,
  file: string,
  n: number,
  json: boolean,
  io: Io,
  stops: { readonly reason: unknown },
  read: { items: number },
): Promise<boolean> {
  const fd = fs.openSync(file, "r");
  const size = fs.fstatSync(fd).size;
  const seen = new Set<string>();
  const chunks = new Map<number, FileChunk>();
  let bad = false;
  const pool = replyPool<ChunkReply>(n, tableText, json, async (r) => {
    if (r.bad) bad = true;
    let text: Map<number, string> | null = null;
    const out = withDuplicates(r, seen, (k) => {
      const lineNo = r.lines[k]!;
      text ??= readRange(fd, chunks.get(r.seq)!);
      return [lineNo, text.get(lineNo)!];
    }, table, json);
    if (out.bad) bad = true;
    writeBytes(io, out.bytes);
    chunks.delete(r.seq);
    await io.flush();
  });
  let sent = 0;
  try {
    const buf = Buffer.allocUnsafe(CHUNK_BYTES + 65536);
    let start = 0;
    let line = 1;
    while (start < size && stops.reason === null) {
      // Read up to a chunk, then extend to the end of its last line.
      let end = Math.min(size, start + CHUNK_BYTES);
      let lines = 0;
      let pos = start;
      for (;;) {
        const len = fs.readSync(fd, buf, 0, Math.min(buf.length, end - pos + 65536, size - pos), pos);
        if (len <= 0) {
          end = size;
          break;
        }
        let i = 0;
        let lastNl = -1;
        for (;;) {
          const nl = buf.indexOf(10, i);
          if (nl < 0 || nl >= len) break;
          lines++;
          lastNl = nl;
          i = nl + 1;
          if (pos + nl + 1 >= end) break;
        }
        if (lastNl >= 0 && pos + lastNl + 1 >= end) {
          end = pos + lastNl + 1;
          break;
        }
        if (pos + len >= size) {
          // The last line has no newline: it is a record too.
          end = size;
          if (lastNl + 1 < len) lines++;
          break;
        }
        pos += len;
      }
      const seq = sent++;
      const chunk: FileChunk = { seq, file, start, end, firstLine: line };
      chunks.set(seq, chunk);
      pool.workers[seq % n]!.postMessage(chunk);
      line += lines;
      read.items = line - 1;
      start = end;
      await pool.waitUntil(() => sent - pool.written() < n * 2);
    }
    await pool.waitUntil(() => pool.written() === sent);
  } finally {
    fs.closeSync(fd);
    await pool.terminate();
  }
  return bad;
}

/**
 * A worker's output for a batch or chunk, with each record whose claim id came earlier in the
 * stream (tracked in `seen`, in input order) evaluated again here with the duplicate-id
 * warning and spliced in at its byte offsets (rare). `record(k)` gives record k's input line
 * number and text.
 */
function withDuplicates(
  r: ChunkReply,
  seen: Set<string>,
  record: (k: number) => [number, string],
  table: LoadedTable,
  json: boolean,
): { bytes: Uint8Array; bad: boolean } {
  let dupes: number[] | null = null;
  for (let k = 0; k < r.ids.length; k++) {
    const id = r.ids[k];
    if (id === null || id === undefined) continue;
    if (seen.has(id)) (dupes ??= []).push(k);
    else seen.add(id);
  }
  if (dupes === null) return { bytes: r.out, bad: false };
  const parts: Uint8Array[] = [];
  let from = 0;
  let bad = false;
  for (const k of dupes) {
    parts.push(r.out.subarray(from, r.offsets[k]));
    const [lineNo, text] = record(k);
    const again = renderDuplicate(table, text, lineNo, json);
    if (again.bad) bad = true;
    parts.push(encodeUtf8(again.out));
    from = r.offsets[k + 1]!;
  }
  parts.push(r.out.subarray(from));
  return { bytes: Buffer.concat(parts), bad };
}

/** The lines of a chunk by input line number (for re-evaluating a duplicate, in the main thread). */
function readRange(fd: number, c: FileChunk): Map<number, string> {
  const buf = Buffer.allocUnsafe(c.end - c.start);
  let got = 0;
  while (got < buf.length) {
    const len = fs.readSync(fd, buf, got, buf.length - got, c.start + got);
    if (len <= 0) break;
    got += len;
  }
  const lines = chunkLines(buf.toString("utf8", 0, got));
  return new Map(lines.map((l, k) => [c.firstLine + k, c.firstLine + k === 1 ? stripBom(l) : l]));
}

/** Splits a chunk's text into lines as `linesOf` does (LF, a CR before it dropped). */
function chunkLines(text: string): string[] {
  const out = text.split("\n");
  if (out.length > 0 && out[out.length - 1] === "") out.pop();
  for (let i = 0; i < out.length; i++) {
    const l = out[i]!;
    if (l.length > 0 && l.charCodeAt(l.length - 1) === 13) out[i] = l.slice(0, -1);
  }
  return out;
}

/** The worker side of `--workers`: load the table once, then evaluate batches as they come. */
export function evalWorkerMain(): void {
  if (isMainThread || parentPort === null) return;
  const data = workerData as { tableText: string; json: boolean };
  const loaded = loadTable(data.tableText);
  if (!loaded.ok) throw new Error(`table: ${loaded.errors[0]?.message ?? "unusable"}`);
  const table = loaded.table;
  const port = parentPort;
  port.on("message", (m: WorkerBatch | FileChunk) => {
    const reply = "file" in m ? evaluateChunk(table, m, data.json) : renderRecords(table, m.seq, m.records, data.json);
    port.postMessage(reply, [reply.out.buffer as ArrayBuffer]);
  });
}

/** Reads, evaluates and renders one file chunk (worker side). */
function evaluateChunk(table: LoadedTable, m: FileChunk, json: boolean): ChunkReply {
  const fd = fs.openSync(m.file, "r");
  const buf = Buffer.allocUnsafe(m.end - m.start);
  let got = 0;
  try {
    while (got < buf.length) {
      const len = fs.readSync(fd, buf, got, buf.length - got, m.start + got);
      if (len <= 0) break;
      got += len;
    }
  } finally {
    fs.closeSync(fd);
  }
  const lines = chunkLines(buf.toString("utf8", 0, got));
  const records: [number, string][] = [];
  for (let k = 0; k < lines.length; k++) {
    const lineNo = m.firstLine + k;
    const text = lineNo === 1 ? stripBom(lines[k]!) : lines[k]!;
    if (text.trim() !== "") records.push([lineNo, text]);
  }
  return renderRecords(table, m.seq, records, json);
}

/**
 * Evaluates and renders records ([input line number, text], worker side) into one UTF-8
 * buffer, with each record's byte offset in it, its claim id (null: invalid) and line number.
 */
function renderRecords(table: LoadedTable, seq: number, records: readonly [number, string][], json: boolean): ChunkReply {
  const parts: string[] = [];
  const offsets: number[] = [];
  const lineNos: number[] = [];
  const ids: (string | null)[] = [];
  let len = 0;
  let bad = false;
  for (const [lineNo, text] of records) {
    const res = evaluateJsonText(table, text, lineNo);
    if (failing(res)) bad = true;
    const out = rendered(res, json);
    offsets.push(len);
    len += out.length;
    parts.push(out);
    lineNos.push(lineNo);
    ids.push(res.verdict === "invalid" ? null : res.claimId);
  }
  offsets.push(len);
  const text = parts.join("");
  const out = encodeUtf8(text);
  if (out.length !== text.length) {
    // Some output is not ASCII: the records' byte offsets differ from their string offsets.
    let at = 0;
    for (let k = 0; k < parts.length; k++) {
      offsets[k] = at;
      at += Buffer.byteLength(parts[k]!, "utf8");
    }
    offsets[parts.length] = at;
  }
  return { seq, out, offsets, lines: lineNos, ids, bad };
}

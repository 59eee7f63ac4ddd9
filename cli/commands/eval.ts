/**
 * `dermrules eval --table table.json [--json] <claim.json | claims.ndjson | ->`
 * One result per input record, in input order; a malformed record gets an `invalid` record
 * with its line number, never a dropped or extra record.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { createBatchEvaluator, loadTable, evaluateJsonText, type EvalResult, type LoadedTable } from "../../runtime/index.ts";
import { parse } from "../args.ts";
import { ExitCode, type Io } from "../io.ts";
import { renderResult } from "../render-result.ts";

const USAGE = "usage: dermrules eval --table table.json [--json] <claim.json | claims.ndjson | ->\n";

export async function run(args: string[], io: Io): Promise<number> {
  const parsed = parse(args, {
    table: { type: "string", short: "t" },
    json: { type: "boolean", default: false },
    format: { type: "string" },
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
  const json = values.json === true || values.format === "json";
  const input = positionals[0]!;

  let tableText: string;
  try {
    tableText = io.readFile(tablePath).toString("utf8");
  } catch (err) {
    io.stderr(`dermrules eval: cannot read table \`${tablePath}\`: ${describeIoError(err)}\n`);
    return ExitCode.Usage;
  }
  const loaded = loadTable(tableText);
  if (!loaded.ok) {
    io.stderr(`dermrules eval: \`${tablePath}\` is not a usable decision table:\n`);
    for (const e of loaded.errors.slice(0, 20)) io.stderr(`  ${e.pointer || "/"}: ${e.code}: ${e.message}\n`);
    return ExitCode.Usage;
  }
  const table = loaded.table;

  let worst = ExitCode.Ok as number;
  const emit = (result: EvalResult): void => {
    if (result.verdict === "deny" || result.verdict === "invalid") worst = ExitCode.Findings;
    io.stdout(json ? JSON.stringify(result) + "\n" : renderResult(result));
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
  const lines = input === "-" ? io.stdinLines() : io.fileLines(input);
  try {
    await evaluateLines(table, lines, emit, io);
  } catch (err) {
    io.stderr(`dermrules eval: reading \`${input}\` failed: ${describeIoError(err)}\n`);
    return ExitCode.Usage;
  }
  return worst;
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


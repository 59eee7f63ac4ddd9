/**
 * `dermrules audit --table t.json <claims | -> --html report.html [--json summary.json]
 *   [--format 837|fhir|csv|json] [--payer-map map.json] [--progress auto|always|never]`
 *
 * Evaluates a batch in any input format and writes the audit report: one self-contained HTML
 * file (inline SVG charts, no script, nothing fetched) and, with `--json`, the summary with the
 * same figures. One pass, streaming: records are imported, evaluated and counted one at a
 * time, so memory stays flat however many claims there are. A progress line goes to stderr
 * on long runs. Exit codes as `eval`: 0 nothing denied or invalid, 1 some claim denied or
 * invalid (or a file-level import error), 2 bad usage or unreadable input.
 */
import * as fs from "node:fs";
import { loadTable } from "../../runtime/index.ts";
import {
  createRecordEvaluator,
  openInput,
  parseFormatName,
  readClaims,
  renderImportDiagnostic,
  sniffFormat,
  type InputFormat,
  type InputSource,
  type PayerMap,
} from "../../formats/index.ts";
import { AuditAggregator, Progress, int, money, pct, renderHtml, type ProgressMode } from "../../report/index.ts";
import { parse } from "../args.ts";
import { ExitCode, type Io } from "../io.ts";
import { readPayerMap } from "./eval.ts";

const USAGE =
  "usage: dermrules audit --table table.json <claims | -> --html report.html [--json summary.json] [--format 837|fhir|csv|json] [--payer-map map.json] [--progress auto|always|never]\n";

/** How many importer diagnostics are echoed to stderr before they are only counted. */
const STDERR_DIAGNOSTICS = 20;

function version(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: string };
    return pkg.version ?? "unknown";
  } catch {
    return "unknown";
  }
}

/** `SOURCE_DATE_EPOCH` (seconds) fixes the report's timestamp, for reproducible output. */
function generatedAt(): string {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  if (epoch !== undefined && /^\d+$/.test(epoch)) return new Date(Number(epoch) * 1000).toISOString();
  return new Date().toISOString();
}

export async function run(args: string[], io: Io): Promise<number> {
  const parsed = parse(args, {
    table: { type: "string", short: "t" },
    html: { type: "string" },
    json: { type: "string" },
    format: { type: "string" },
    "payer-map": { type: "string" },
    progress: { type: "string", default: "auto" },
  });
  if (!parsed.ok) {
    io.stderr(`dermrules audit: ${parsed.error}\n${USAGE}`);
    return ExitCode.Usage;
  }
  const { values, positionals } = parsed;
  const tablePath = values.table as string | undefined;
  const htmlPath = values.html as string | undefined;
  const jsonPath = values.json as string | undefined;
  if (!tablePath) {
    io.stderr(`dermrules audit: --table is required\n${USAGE}`);
    return ExitCode.Usage;
  }
  if (htmlPath === undefined && jsonPath === undefined) {
    io.stderr(`dermrules audit: name the report to write with --html (and/or --json)\n${USAGE}`);
    return ExitCode.Usage;
  }
  if (positionals.length !== 1) {
    io.stderr(`dermrules audit: name one input: a claims file (837P, FHIR, CSV, JSON or NDJSON) or \`-\` for standard input\n${USAGE}`);
    return ExitCode.Usage;
  }
  const progressMode = values.progress as string;
  if (progressMode !== "auto" && progressMode !== "always" && progressMode !== "never") {
    io.stderr(`dermrules audit: --progress must be \`auto\`, \`always\` or \`never\`, not \`${progressMode}\`\n`);
    return ExitCode.Usage;
  }
  let explicit: InputFormat | undefined;
  if (values.format !== undefined) {
    explicit = parseFormatName(values.format as string);
    if (explicit === undefined) {
      io.stderr(`dermrules audit: --format must be \`837\`, \`fhir\`, \`csv\` or \`json\`, not \`${String(values.format)}\`\n`);
      return ExitCode.Usage;
    }
  }
  const input = positionals[0]!;

  let tableText: string;
  try {
    tableText = io.readFile(tablePath).toString("utf8");
  } catch (err) {
    io.stderr(`dermrules audit: cannot read table \`${tablePath}\`: ${(err as Error).message}\n`);
    return ExitCode.Usage;
  }
  const loaded = loadTable(tableText);
  tableText = "";
  if (!loaded.ok) {
    io.stderr(`dermrules audit: \`${tablePath}\` is not a usable decision table:\n`);
    for (const e of loaded.errors.slice(0, 20)) io.stderr(`  ${e.pointer || "/"}: ${e.code}: ${e.message}\n`);
    return ExitCode.Usage;
  }
  const table = loaded.table;

  let payerMap: PayerMap | undefined;
  const payerMapPath = values["payer-map"] as string | undefined;
  if (payerMapPath !== undefined) {
    const read = readPayerMap(io, payerMapPath);
    if (typeof read === "string") {
      io.stderr(`dermrules audit: ${read}`);
      return ExitCode.Usage;
    }
    payerMap = read;
  }

  let source: InputSource;
  try {
    source = openInput(input, io.cwd, () => io.stdinLines());
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a folder" : code === "EACCES" ? "permission denied" : (err as Error).message;
    io.stderr(`dermrules audit: cannot read \`${input}\`: ${why}\n`);
    return ExitCode.Usage;
  }
  const format = explicit ?? sniffFormat(await source.head(), input);

  const agg = new AuditAggregator({ input: { name: input, format }, table: table.table, version: version(), generatedAt: generatedAt() });
  const evaluateRecord = createRecordEvaluator(table);
  const progress = new Progress({
    mode: progressMode as ProgressMode,
    tty: io.isTTY && Boolean(process.stderr.isTTY),
    write: (t) => io.stderr(t),
    ...(source.size !== undefined ? { totalBytes: source.size } : {}),
  });
  const stats = { records: 0, denied: 0, invalid: 0, bytes: 0 };
  let worst = ExitCode.Ok as number;
  let echoed = 0;
  try {
    for await (const ev of readClaims(source, format, payerMap ? { payerMap } : {})) {
      switch (ev.kind) {
        case "record": {
          const result = evaluateRecord(ev);
          agg.add(ev.claim, result);
          stats.records++;
          if (result.verdict === "deny") stats.denied++;
          else if (result.verdict === "invalid") stats.invalid++;
          if (result.verdict === "deny" || result.verdict === "invalid") worst = ExitCode.Findings;
          stats.bytes = source.bytesRead;
          progress.tick(stats);
          break;
        }
        case "diagnostic":
          agg.addDiagnostic(ev.diagnostic);
          if (ev.diagnostic.severity === "error") worst = ExitCode.Findings;
          if (echoed++ < STDERR_DIAGNOSTICS) io.stderr(`${renderImportDiagnostic(ev.diagnostic, source.name)}\n`);
          break;
        default: {
          const never: never = ev;
          throw new Error(`unexpected event ${JSON.stringify(never)}`);
        }
      }
    }
  } catch (err) {
    io.stderr(`dermrules audit: reading \`${input}\` failed: ${(err as Error).message}\n`);
    return ExitCode.Usage;
  }
  stats.bytes = source.bytesRead;
  if (echoed > STDERR_DIAGNOSTICS) io.stderr(`dermrules audit: ${int(echoed - STDERR_DIAGNOSTICS)} more import diagnostics are counted in the report\n`);

  const summary = agg.summary();
  try {
    if (htmlPath !== undefined) io.writeFile(htmlPath, renderHtml(summary));
    if (jsonPath !== undefined) io.writeFile(jsonPath, JSON.stringify(summary, null, 2) + "\n");
  } catch (err) {
    io.stderr(`dermrules audit: cannot write the report: ${(err as Error).message}\n`);
    return ExitCode.Usage;
  }
  progress.done(stats, htmlPath !== undefined ? ` → ${htmlPath}` : "");
  const t = summary.totals;
  io.stdout(
    `${int(t.records)} claims: ${pct(t.cleanClaimRate)} clean, ${int(t.deny)} denied, ${int(t.review)} to review, ${int(t.invalid)} invalid; ` +
      `${money(t.chargesAtRisk)} of ${money(t.charges)} at risk\n` +
      [htmlPath, jsonPath]
        .filter((p): p is string => p !== undefined)
        .map((p) => `wrote ${p}\n`)
        .join(""),
  );
  return worst;
}

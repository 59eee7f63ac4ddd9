/**
 * `dermrules explain --table table.json <claim.json | claims.ndjson | -> [--rule ID]… [--json] [--all]`
 * Why each finding fired (the rule, its citation, the facts that matched, the fix) and, for
 * rules and table edits that were looked at and did not fire, the first condition that failed.
 * Works from the decision table alone (compiler/explain.ts). `--rule` (repeatable, an id or a
 * `prefix.*` pattern) narrows the explanation to those rules and says why they did not fire
 * even when no line carries their codes. `--json` prints the trace, one object per claim.
 * Exit codes as `eval`: 0 nothing denied or invalid, 1 a claim denied or invalid, 2 usage or
 * an unreadable file or table.
 */
import { explainClaim, renderExplanation, type ClaimExplanation } from "../../compiler/explain.ts";
import { loadTable } from "../../runtime/index.ts";
import { parse } from "../args.ts";
import { ExitCode, type Io } from "../io.ts";

const USAGE = "usage: dermrules explain --table table.json <claim.json | claims.ndjson | -> [--rule ID]… [--json] [--all]\n";

function ioError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a folder" : String((err as Error).message ?? err);
}

export async function run(args: string[], io: Io): Promise<number> {
  const parsed = parse(args, {
    table: { type: "string", short: "t" },
    rule: { type: "string", short: "r", multiple: true },
    json: { type: "boolean", default: false },
    all: { type: "boolean", default: false },
  });
  if (!parsed.ok) {
    io.stderr(`dermrules explain: ${parsed.error}\n${USAGE}`);
    return ExitCode.Usage;
  }
  const { values, positionals } = parsed;
  const tablePath = values.table as string | undefined;
  if (!tablePath) {
    io.stderr(`dermrules explain: --table is required\n${USAGE}`);
    return ExitCode.Usage;
  }
  if (positionals.length !== 1) {
    io.stderr(`dermrules explain: name one input: a claim .json file, an .ndjson file, or \`-\` for NDJSON on stdin\n${USAGE}`);
    return ExitCode.Usage;
  }
  const rules = values.rule as string[] | undefined;
  for (const r of rules ?? []) {
    if (!/^[a-z][A-Za-z0-9_.-]*(\.\*)?$/.test(r)) {
      io.stderr(`dermrules explain: --rule \`${r}\` is not a rule id or a \`prefix.*\` pattern\n${USAGE}`);
      return ExitCode.Usage;
    }
  }

  let tableText: string;
  try {
    tableText = io.readFile(tablePath).toString("utf8");
  } catch (err) {
    io.stderr(`dermrules explain: cannot read table \`${tablePath}\`: ${ioError(err)}\n`);
    return ExitCode.Usage;
  }
  const loaded = loadTable(tableText);
  if (!loaded.ok) {
    io.stderr(`dermrules explain: \`${tablePath}\` is not a usable decision table:\n`);
    for (const e of loaded.errors.slice(0, 20)) io.stderr(`  ${e.pointer || "/"}: ${e.code}: ${e.message}\n`);
    return ExitCode.Usage;
  }
  const table = loaded.table.table;

  // An id that names nothing in the table is most likely a typo: say so, but still explain
  // (a PTP pair id with no row is a fair question, answered in the trace).
  for (const r of rules ?? []) {
    const known =
      table.rules.some((t) => (r.endsWith(".*") ? t.id.startsWith(r.slice(0, -1)) : t.id === r)) ||
      [...table.edits.ptp, ...table.edits.mue, ...table.edits.aoc].some((t) => r.startsWith(`${t.idPrefix}.`) || (r.endsWith(".*") && `${t.idPrefix}.`.startsWith(r.slice(0, -1))));
    if (!known) io.stderr(`dermrules explain: no rule or table edit of the table matches \`${r}\`\n`);
  }

  const input = positionals[0]!;
  let worst: number = ExitCode.Ok;
  const explainOne = (data: unknown, parseError?: string, lineNo?: number): void => {
    let x: ClaimExplanation;
    if (parseError !== undefined) {
      x = {
        claimId: null,
        layer: table.defaultLayer,
        payer: table.defaultLayer,
        verdict: "invalid",
        findings: [],
        errors: [{ pointer: "", code: "DR5001", message: `the record${lineNo ? ` on line ${lineNo}` : ""} is not valid JSON (${parseError}): expected one claim object` }],
        groups: [],
        traces: [],
      };
    } else x = explainClaim(table, data, rules ? { rules } : {});
    if (x.verdict === "deny" || x.verdict === "invalid") worst = ExitCode.Findings;
    io.stdout(values.json ? JSON.stringify(x) + "\n" : renderExplanation(x, { all: values.all === true || rules !== undefined }) + (input.endsWith(".json") ? "" : "\n"));
  };
  const parseLine = (text: string, lineNo?: number): void => {
    let data: unknown;
    try {
      data = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    } catch (err) {
      explainOne(undefined, (err as Error).message.replace(/`/g, "'"), lineNo);
      return;
    }
    explainOne(data);
  };

  if (input.endsWith(".json")) {
    let text: string;
    try {
      text = io.readFile(input).toString("utf8");
    } catch (err) {
      io.stderr(`dermrules explain: cannot read \`${input}\`: ${ioError(err)}\n`);
      return ExitCode.Usage;
    }
    parseLine(text);
    return worst;
  }
  let lines: AsyncIterable<string>;
  try {
    if (input !== "-") io.readFile(input); // fail early, with exit 2, on a missing file
    lines = input === "-" ? io.stdinLines() : io.fileLines(input);
  } catch (err) {
    io.stderr(`dermrules explain: cannot read \`${input}\`: ${ioError(err)}\n`);
    return ExitCode.Usage;
  }
  let n = 0;
  for await (const text of lines) {
    n++;
    if (text.trim() === "") continue;
    parseLine(text, n);
  }
  return worst;
}

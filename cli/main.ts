/**
 * `dermrules <command> …`: the dispatch table. Each command lives in commands/<verb>.ts and
 * exports `run(args, io)` returning an exit code; a command's module is loaded only when it runs.
 */
import { ExitCode, processIo, type Io } from "./io.ts";

interface Command {
  readonly summary: string;
  /** The command's module, imported on first use: `eval` need not load the compiler and the analyser. */
  load(): Promise<{ run(args: string[], io: Io): Promise<number> }>;
}

const COMMANDS: Record<string, Command> = {
  compile: { summary: "compile rule files to a decision table", load: () => import("./commands/compile.ts") },
  eval: { summary: "evaluate claims (JSON or NDJSON) against a table", load: () => import("./commands/eval.ts") },
  fmt: { summary: "format rule files in the canonical layout (--check, --write, --diff)", load: () => import("./commands/fmt.ts") },
  test: { summary: "run the test blocks of rule files (--coverage)", load: () => import("./commands/test.ts") },
  audit: { summary: "evaluate a batch (837P, FHIR, CSV, JSON) and write an HTML audit report", load: () => import("./commands/audit.ts") },
  diff: { summary: "semantic diff of two rule sets, tables or git revisions: rules, NCCI rows, behaviour", load: () => import("./commands/diff.ts") },
  explain: { summary: "explain why each finding fired, or why a rule did not", load: () => import("./commands/explain.ts") },
  check: { summary: "static analysis: conflicts, unsatisfiable and dead rules, duplicates, table rows, hygiene, coverage", load: () => import("./commands/check.ts") },
};

export const USAGE = `usage: dermrules <command> [options]

commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(9)}${c.summary}`)
  .join("\n")}

  dermrules compile <dir|file…> -o table.json [--format human|json]
  dermrules eval --table table.json [--json] [--format 837|fhir|csv|json] [--payer-map map.json] <claims | ->
  dermrules test <dir|file…> [--coverage] [--json]
  dermrules audit --table table.json <claims | -> --html report.html [--json summary.json]
                  [--format 837|fhir|csv|json] [--payer-map map.json] [--progress auto|always|never]
  dermrules fmt [--check | --write | --diff] <dir|file…>   (no flag: one file or \`-\` to stdout)
  dermrules diff <base> <head> [--json | --markdown] [--claims corpus.ndjson] [--fail-on-change]
                 (folders of rules, or two compiled tables; or --git A..B -- <paths>)
  dermrules explain --table table.json <claim.json | claims.ndjson | -> [--rule ID]… [--json] [--all]
  dermrules check <dir|file…> [--format human|json] [--fail-on error|warning|info] [--limit N] [--steps N]
`;

/** Runs one command line; never throws (an internal error is reported and exits 2). */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  let code: number;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    io.stdout(USAGE);
    code = name === undefined ? ExitCode.Usage : ExitCode.Ok;
  } else if (name === "--version") {
    io.stdout("dermrules 0.1.0\n");
    code = ExitCode.Ok;
  } else {
    const command = COMMANDS[name];
    if (!command) {
      io.stderr(`dermrules: unknown command \`${name}\`\n\n${USAGE}`);
      code = ExitCode.Usage;
    } else {
      try {
        code = await (await command.load()).run(rest, io);
      } catch (err) {
        io.stderr(`dermrules ${name}: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
        code = ExitCode.Usage;
      }
    }
  }
  await io.flush();
  return code;
}

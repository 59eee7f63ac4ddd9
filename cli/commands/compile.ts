/**
 * `dermrules compile <dir|file…> -o table.json [--format human|json]`
 * Compiles rule files to a decision table. Diagnostics go to stderr.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { compilePaths, renderDiagnostics, serializeTable, diagnosticsToJson } from "../../compiler/index.ts";
import { parse } from "../args.ts";
import { ExitCode, type Io } from "../io.ts";

export async function run(args: string[], io: Io): Promise<number> {
  const parsed = parse(args, {
    output: { type: "string", short: "o" },
    format: { type: "string", default: "human" },
  });
  if (!parsed.ok) {
    io.stderr(`dermrules compile: ${parsed.error}\nusage: dermrules compile <dir|file…> -o table.json\n`);
    return ExitCode.Usage;
  }
  const { values, positionals } = parsed;
  if (positionals.length === 0) {
    io.stderr("dermrules compile: name the rule files or folders to compile\nusage: dermrules compile <dir|file…> -o table.json\n");
    return ExitCode.Usage;
  }
  const format = values.format as string;
  if (format !== "human" && format !== "json") {
    io.stderr(`dermrules compile: --format must be \`human\` or \`json\`, not \`${format}\`\n`);
    return ExitCode.Usage;
  }
  for (const p of positionals) {
    if (!fs.existsSync(path.resolve(io.cwd, p))) {
      io.stderr(`dermrules compile: cannot read \`${p}\`: no such file or folder\n`);
      return ExitCode.Usage;
    }
  }
  const result = compilePaths(positionals.map((p) => path.resolve(io.cwd, p)), { cwd: io.cwd });
  if (result.diagnostics.length > 0) {
    if (format === "json") io.stderr(JSON.stringify(diagnosticsToJson(result.diagnostics, result.sources)) + "\n");
    else io.stderr(renderDiagnostics(result.diagnostics, result.sources, { cwd: io.cwd }));
  }
  if (!result.table) return ExitCode.Findings;
  const text = serializeTable(result.table);
  const out = values.output as string | undefined;
  if (out === undefined || out === "-") io.stdout(text);
  else {
    try {
      io.writeFile(out, text);
    } catch (err) {
      io.stderr(`dermrules compile: cannot write \`${out}\`: ${(err as NodeJS.ErrnoException).code ?? String(err)}\n`);
      return ExitCode.Usage;
    }
    const rules = result.table.rules.length;
    const layers = Object.keys(result.table.layers).length;
    io.stderr(`compiled ${rules} rule${rules === 1 ? "" : "s"} in ${layers} layer${layers === 1 ? "" : "s"} → ${out}\n`);
  }
  return ExitCode.Ok;
}

/**
 * `dermrules check <dir|file…> [--format human|json] [--fail-on error|warning|info]`
 * Compiles the rules and runs the static analysis (compiler/analyze/, docs/check.md): conflicts,
 * unsatisfiable requirements, dead and shadowed rules, duplicates, contradictory table rows,
 * code hygiene, test coverage. Diagnostics go to stdout; the exit code is 1 when a compile error
 * or a finding at or above `--fail-on` (default `error`) is there.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { compilePaths, diagnosticsToJson, renderDiagnostics, type Diagnostic } from "../../compiler/index.ts";
import { analyze, type AnalysisDiagnostic } from "../../compiler/analyze/index.ts";
import { parse } from "../args.ts";
import { ExitCode, type Io } from "../io.ts";

const USAGE = "usage: dermrules check <dir|file…> [--format human|json] [--fail-on error|warning|info] [--limit N] [--steps N]";
const LEVEL = { info: 0, warning: 1, error: 2 } as const;

export async function run(args: string[], io: Io): Promise<number> {
  const parsed = parse(args, {
    format: { type: "string", default: "human" },
    "fail-on": { type: "string", default: "error" },
    limit: { type: "string", default: "20" },
    steps: { type: "string" },
  });
  if (!parsed.ok) {
    io.stderr(`dermrules check: ${parsed.error}\n${USAGE}\n`);
    return ExitCode.Usage;
  }
  const { values, positionals } = parsed;
  const format = values.format as string;
  const failOn = values["fail-on"] as string;
  const limit = Number(values.limit);
  const steps = values.steps === undefined ? undefined : Number(values.steps);
  const bad =
    positionals.length === 0
      ? "name the rule files or folders to check"
      : format !== "human" && format !== "json"
        ? `--format must be \`human\` or \`json\`, not \`${format}\``
        : !(failOn in LEVEL)
          ? `--fail-on must be \`error\`, \`warning\` or \`info\`, not \`${failOn}\``
          : !Number.isInteger(limit) || limit < 0
            ? `--limit must be a whole number, not \`${String(values.limit)}\``
            : steps !== undefined && (!Number.isInteger(steps) || steps < 1)
              ? `--steps must be a positive whole number, not \`${String(values.steps)}\``
              : undefined;
  if (bad !== undefined) {
    io.stderr(`dermrules check: ${bad}\n${USAGE}\n`);
    return ExitCode.Usage;
  }
  for (const p of positionals) {
    if (!fs.existsSync(path.resolve(io.cwd, p))) {
      io.stderr(`dermrules check: cannot read \`${p}\`: no such file or folder\n`);
      return ExitCode.Usage;
    }
  }
  const started = performance.now();
  const compiled = compilePaths(positionals.map((p) => path.resolve(io.cwd, p)), { cwd: io.cwd });
  const result = analyze(compiled, steps !== undefined ? { steps } : {});
  const ms = Math.round(performance.now() - started);
  const all: Diagnostic[] = [...compiled.diagnostics, ...result.diagnostics];
  const threshold = LEVEL[failOn as keyof typeof LEVEL];
  const compileErrors = compiled.diagnostics.some((d) => d.severity === "error");
  const failed = compileErrors || all.some((d) => LEVEL[d.severity] >= threshold);
  const count = (s: Diagnostic["severity"]) => all.filter((d) => d.severity === s).length;
  const summary = {
    errors: count("error"),
    warnings: count("warning"),
    infos: count("info"),
    rules: compiled.table?.rules.length ?? 0,
    layers: compiled.table ? Object.keys(compiled.table.layers).length : 0,
    analysed: compiled.table !== undefined,
    questions: result.stats.questions,
    undecided: result.stats.undecided,
    ms,
  };

  if (format === "json") {
    // The diagnostics in the compile JSON form, plus what the analysis adds: the rules involved,
    // the evidence (claims and the findings the runtime gives on them) and the layer.
    const sorted = all.slice().sort((a, b) => (a.span.file !== b.span.file ? (a.span.file < b.span.file ? -1 : 1) : a.span.start - b.span.start || a.span.end - b.span.end));
    const json = diagnosticsToJson(sorted, compiled.sources).map((j, i) => {
      const d = sorted[i] as Partial<AnalysisDiagnostic>;
      return { ...j, ...(d.rules && { rules: d.rules }), ...(d.layer !== undefined && { layer: d.layer }), ...(d.evidence && { evidence: d.evidence }) };
    });
    io.stdout(`${JSON.stringify({ diagnostics: json, summary })}\n`);
  } else {
    const text = renderDiagnostics(all, compiled.sources, { cwd: io.cwd, limit });
    if (text) io.stdout(`${text}\n`);
    const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? "" : "s"}`;
    const what = compiled.table
      ? `${plural(summary.rules, "rule")} in ${plural(summary.layers, "layer")}`
      : "analysis skipped: fix the compile errors first";
    io.stdout(`check: ${plural(summary.errors, "error")}, ${plural(summary.warnings, "warning")}, ${plural(summary.infos, "info")} (${what}; ${(ms / 1000).toFixed(1)} s)\n`);
  }
  return failed ? ExitCode.Findings : ExitCode.Ok;
}

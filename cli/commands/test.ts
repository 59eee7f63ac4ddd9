/**
 * `dermrules test <dir|file…> [--coverage] [--json]`
 * Compiles the rules, runs every test block through the runtime on the compiled table and
 * through the reference interpreter, and checks the expectations. Both paths must agree.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { compilePaths, interpret, renderDiagnostics } from "../../compiler/index.ts";
import { evaluate, loadTable } from "../../runtime/index.ts";
import { parse } from "../args.ts";
import { ExitCode, type Io } from "../io.ts";
import { checkExpectation, claimOfTest, ruleMatches } from "../../compiler/test-blocks.ts";

interface TestOutcome {
  file: string;
  line: number;
  column: number;
  name: string;
  ok: boolean;
  failures: string[];
}

export async function run(args: string[], io: Io): Promise<number> {
  const parsed = parse(args, {
    coverage: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
  });
  if (!parsed.ok || parsed.positionals.length === 0) {
    io.stderr(`dermrules test: ${parsed.ok ? "name the rule files or folders to test" : parsed.error}\nusage: dermrules test <dir|file…> [--coverage] [--json]\n`);
    return ExitCode.Usage;
  }
  for (const p of parsed.positionals) {
    if (!fs.existsSync(path.resolve(io.cwd, p))) {
      io.stderr(`dermrules test: cannot read \`${p}\`: no such file or folder\n`);
      return ExitCode.Usage;
    }
  }
  const compiled = compilePaths(parsed.positionals.map((p) => path.resolve(io.cwd, p)), { cwd: io.cwd });
  if (compiled.diagnostics.length) io.stderr(renderDiagnostics(compiled.diagnostics, compiled.sources, { cwd: io.cwd }));
  if (!compiled.table) return ExitCode.Findings;
  const loaded = loadTable(compiled.table);
  if (!loaded.ok) {
    io.stderr(`dermrules test: the compiled table does not load: ${loaded.errors.map((e) => `${e.pointer} ${e.message}`).join("; ")}\n`);
    return ExitCode.Findings;
  }

  const outcomes: TestOutcome[] = [];
  const exercised = new Set<string>();
  for (const t of compiled.program.tests) {
    const claim = claimOfTest(t.block);
    const fast = evaluate(loaded.table, claim);
    const failures: string[] = [];
    if (fast.verdict !== "invalid") {
      const slow = interpret(compiled.program, claim);
      if (JSON.stringify(slow) !== JSON.stringify(fast)) {
        failures.push(`the compiled table and the reference interpreter disagree:\n      table:       ${JSON.stringify(fast)}\n      interpreter: ${JSON.stringify(slow)}`);
      }
      for (const f of fast.findings) exercised.add(f.rule);
    }
    for (const e of t.block.expectations) {
      if (e.kind !== "expect-verdict") exercised.add(e.rule.text);
      const failure = checkExpectation(e, fast);
      if (failure) {
        const pos = compiled.sources.get(e.span.file)?.position(e.span.start) ?? { line: 0, column: 0 };
        failures.push(`${relative(io, e.span.file)}:${pos.line}:${pos.column}: ${failure}`);
      }
    }
    const pos = compiled.sources.get(t.block.span.file)?.position(t.block.span.start) ?? { line: 0, column: 0 };
    outcomes.push({ file: relative(io, t.block.span.file), line: pos.line, column: pos.column, name: t.block.name.value, ok: failures.length === 0, failures });
  }

  const uncovered = parsed.values.coverage
    ? compiled.table.rules.filter((r) => ![...exercised].some((id) => ruleMatches(id, r.id))).map((r) => ({ id: r.id, origin: r.origin }))
    : [];
  const passed = outcomes.filter((o) => o.ok).length;
  const failed = outcomes.length - passed;

  if (parsed.values.json) {
    io.stdout(JSON.stringify({ passed, failed, tests: outcomes, ...(parsed.values.coverage ? { uncovered } : {}) }) + "\n");
  } else {
    for (const o of outcomes) {
      if (o.ok) io.stdout(`ok   ${o.file}:${o.line} ${o.name}\n`);
      else io.stdout(`FAIL ${o.file}:${o.line} ${o.name}\n${o.failures.map((f) => `    ${f}\n`).join("")}`);
    }
    if (parsed.values.coverage) {
      const total = compiled.table.rules.length;
      io.stdout(`\ncoverage: ${total - uncovered.length} of ${total} rules exercised by a test\n`);
      for (const u of uncovered) io.stdout(`  not exercised: ${u.id} (${u.origin})\n`);
    }
    io.stdout(`\n${passed} passed, ${failed} failed\n`);
  }
  return failed > 0 ? ExitCode.Findings : ExitCode.Ok;
}

function relative(io: Io, file: string): string {
  return path.isAbsolute(file) ? path.relative(io.cwd, file) || file : file;
}

/**
 * `dermrules diff <base> <head> [--json | --markdown] [--claims corpus.ndjson] [--fail-on-change]`
 * `dermrules diff --git A..B [--] <paths…>` (`A..` or `A`: against the working tree)
 *
 * A semantic diff of two rule sets (folders or files of rules, compiled) or two compiled
 * tables (`.json`), or of two git revisions of some paths: the rules added, removed and
 * modified (by meaning: moves and reformatting are not changes), layer and CMS table changes,
 * and the claims whose results differ (generated at the changes, and from `--claims`), grouped
 * by rule with a short witness each. Exit codes: 0 done (1 with `--fail-on-change` when
 * behaviour changed, or when a side does not compile), 2 usage or an unreadable input.
 */
import { diffSides, renderMarkdown, renderText, loadGitSide, loadPathSide, parseRevRange, type SideResult } from "../../review/index.ts";
import { parse } from "../args.ts";
import { ExitCode, type Io } from "../io.ts";

const USAGE =
  "usage: dermrules diff <base> <head> [--json | --markdown] [--claims corpus.ndjson] [--fail-on-change] [--seed N]\n" +
  "       dermrules diff --git A..B [--] <path…>   (A.. or A: against the working tree)\n" +
  "  <base>, <head>: folders or files of rules, or compiled tables (*.json)\n";

/** Flags of this command (with whether they take a value). */
const FLAGS: Record<string, boolean> = { "--json": false, "--markdown": false, "--fail-on-change": false, "--claims": true, "--seed": true, "--git": true };

/**
 * `diff --git A..B -- rules/ --markdown`: paths follow `--`, but a flag of this command written
 * after them is still meant as a flag (no rule folder is called `--markdown`), so it is moved
 * back in front.
 */
function flagsAfterPaths(args: string[]): string[] {
  const dd = args.indexOf("--");
  if (dd < 0) return args;
  const before = args.slice(0, dd);
  const paths: string[] = [];
  const rest = args.slice(dd + 1);
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    const name = a.includes("=") ? a.slice(0, a.indexOf("=")) : a;
    if (name in FLAGS) {
      before.push(a);
      if (FLAGS[name] && !a.includes("=") && i + 1 < rest.length) before.push(rest[++i]!);
    } else paths.push(a);
  }
  return [...before, "--", ...paths];
}

export async function run(args: string[], io: Io): Promise<number> {
  args = flagsAfterPaths(args);
  const parsed = parse(args, {
    json: { type: "boolean", default: false },
    markdown: { type: "boolean", default: false },
    claims: { type: "string" },
    "fail-on-change": { type: "boolean", default: false },
    git: { type: "string" },
    seed: { type: "string" },
  });
  if (!parsed.ok) {
    io.stderr(`dermrules diff: ${parsed.error}\n${USAGE}`);
    return ExitCode.Usage;
  }
  const { values, positionals } = parsed;
  if (values.json && values.markdown) {
    io.stderr(`dermrules diff: choose one of --json and --markdown\n${USAGE}`);
    return ExitCode.Usage;
  }
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isInteger(seed)) {
    io.stderr(`dermrules diff: --seed must be a whole number, not \`${String(values.seed)}\`\n`);
    return ExitCode.Usage;
  }

  let base: SideResult;
  let head: SideResult;
  const gitSpec = values.git as string | undefined;
  if (gitSpec !== undefined) {
    const range = parseRevRange(gitSpec);
    if (!range) {
      io.stderr(`dermrules diff: --git takes \`A..B\`, \`A..\` or \`A\`, not \`${gitSpec}\`\n${USAGE}`);
      return ExitCode.Usage;
    }
    if (positionals.length === 0) {
      io.stderr(`dermrules diff: name the paths to compare at both revisions (\`--git ${gitSpec} -- rules/\`)\n${USAGE}`);
      return ExitCode.Usage;
    }
    base = loadGitSide(range.base, positionals, io.cwd);
    head = base.ok ? loadGitSide(range.head, positionals, io.cwd) : base;
  } else {
    if (positionals.length !== 2) {
      io.stderr(`dermrules diff: name two rule folders or tables to compare (or use --git A..B -- <paths>)\n${USAGE}`);
      return ExitCode.Usage;
    }
    base = loadPathSide(positionals[0]!, io.cwd);
    head = base.ok ? loadPathSide(positionals[1]!, io.cwd) : base;
  }
  for (const s of [base, head]) {
    if (!s.ok) {
      io.stderr(`dermrules diff: ${s.message}${s.message.endsWith("\n") ? "" : "\n"}`);
      return s.kind === "compile" ? ExitCode.Findings : ExitCode.Usage;
    }
    if (s.warnings) io.stderr(s.warnings);
  }
  if (!base.ok || !head.ok) return ExitCode.Usage;

  let corpus: AsyncIterable<string> | undefined;
  const claimsPath = values.claims as string | undefined;
  if (claimsPath !== undefined) {
    try {
      if (claimsPath !== "-") io.readFile(claimsPath).subarray(0, 0);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      io.stderr(`dermrules diff: cannot read \`${claimsPath}\`: ${code === "ENOENT" ? "no such file" : String((err as Error).message)}\n`);
      return ExitCode.Usage;
    }
    corpus = claimsPath === "-" ? io.stdinLines() : io.fileLines(claimsPath);
  }

  const report = await diffSides(base.side, head.side, { seed, ...(corpus && { corpus }) });
  if (values.json) io.stdout(JSON.stringify(report, null, 2) + "\n");
  else if (values.markdown) io.stdout(renderMarkdown(report));
  else io.stdout(renderText(report));
  return values["fail-on-change"] && report.behaviour.changed ? ExitCode.Findings : ExitCode.Ok;
}

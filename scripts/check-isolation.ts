/**
 * Proves runtime/ stands alone: bundles runtime/index.ts for the browser with esbuild and
 * fails (exit 1) when any input module lies outside runtime/ or any import is left external
 * or unresolved. Prints the bundle size on success. `npm run check:isolation`.
 */
import { build } from "esbuild";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The outcome of one isolation check. */
export interface IsolationReport {
  ok: boolean;
  /** Problems: modules outside runtime/, external or unresolved imports, build errors. */
  problems: string[];
  /** Input modules, relative to the repository root. */
  inputs: string[];
  bytes: number;
  minifiedBytes: number;
}

/** Bundles `entry` (default runtime/index.ts) and checks every input lies under `allowedDir`. */
export async function checkIsolation(entry = "runtime/index.ts", allowedDir = "runtime"): Promise<IsolationReport> {
  const problems: string[] = [];
  const common = {
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    platform: "browser" as const,
    format: "esm" as const,
    write: false,
    metafile: true,
    logLevel: "silent" as const,
    // No `external`: anything not bundled is a failure below.
  };
  let result;
  let minified;
  try {
    result = await build(common);
    minified = await build({ ...common, minify: true, metafile: false });
  } catch (err) {
    const errors = (err as { errors?: { text: string; location?: { file: string; line: number } | null }[] }).errors ?? [];
    for (const e of errors) problems.push(`${e.location ? `${e.location.file}:${e.location.line}: ` : ""}${e.text}`);
    if (problems.length === 0) problems.push(String(err));
    return { ok: false, problems, inputs: [], bytes: 0, minifiedBytes: 0 };
  }
  const meta = result.metafile ?? { inputs: {}, outputs: {} };
  const inputs = Object.keys(meta.inputs);
  const allowed = allowedDir.endsWith("/") ? allowedDir : `${allowedDir}/`;
  for (const input of inputs) {
    const rel = relative(root, join(root, input)).split(sep).join("/");
    if (!rel.startsWith(allowed)) problems.push(`module outside ${allowed}: ${rel}`);
  }
  for (const [input, info] of Object.entries(meta.inputs)) {
    for (const imp of info.imports) {
      if (imp.external) problems.push(`external import in ${input}: ${imp.path}`);
    }
  }
  const out = result.outputFiles?.[0];
  return {
    ok: problems.length === 0,
    problems,
    inputs: inputs.sort(),
    bytes: out?.contents.length ?? 0,
    minifiedBytes: minified.outputFiles?.[0]?.contents.length ?? 0,
  };
}

async function main(): Promise<void> {
  const report = await checkIsolation();
  if (!report.ok) {
    console.error("runtime isolation check failed:");
    for (const p of report.problems) console.error(`  ${p}`);
    process.exit(1);
  }
  console.log(`runtime/ is self-contained: ${report.inputs.length} modules, bundle ${report.bytes} bytes (${report.minifiedBytes} minified)`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await main();

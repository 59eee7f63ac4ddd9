/**
 * The large hostile cases of issue 7, run by `npm run test:stress` (CI runs it after `npm test`).
 * Each runs `dermrules` as a real child process under test/stress/rss-probe.mjs, which records
 * the process's peak RSS; the figures are printed and written to test-output/stress.json, and
 * docs/hardening.md quotes them.
 *
 * - A 50 MB rule file: refused with one DR1009 at its first byte, quickly, without parsing.
 * - 1,000,000 NDJSON claims with 1% malformed lines, from a file: exactly 1,000,000 records out,
 *   in input order, the malformed ones `invalid` with their line numbers.
 * - The same stream on stdin, generated as it is read, with V8's old space capped at 160 MB:
 *   the run can only finish if the stream is processed in constant memory (the input alone is
 *   220 MB); the live heap is sampled after forced collections to show it stays flat.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, runChild, streamLine, tempDir } from "../hostile/support.ts";

const CLAIMS = 1_000_000;
const PROBE = path.join(import.meta.dirname, "rss-probe.mjs");
const BIN = path.join(REPO_ROOT, "bin", "dermrules.mjs");
const RESULTS = path.join(REPO_ROOT, "test-output", "stress.json");
const MB = 1024 * 1024;

interface Measured {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  ms: number;
  maxRssBytes: number;
  /** [ms, rss, heapUsed] */
  samples: [number, number, number][];
}

const results: Record<string, unknown> = {};
let dir: string;
let tablePath: string;

/**
 * Runs `dermrules args…` under the probe. `onStdout` sees the output as it comes (nothing is
 * kept here), `feed` writes standard input (else it is closed at once).
 */
function measure(
  args: string[],
  opts: { nodeFlags?: string[]; probeMs?: number; onStdout?: (chunk: string) => void; feed?: (stdin: NodeJS.WritableStream) => Promise<void> } = {},
): Promise<Measured> {
  const probeFile = path.join(dir, `probe-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  const child = spawn(process.execPath, [...(opts.nodeFlags ?? []), "--import", PROBE, BIN, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, DERMRULES_RSS_PROBE: probeFile, DERMRULES_RSS_PROBE_MS: String(opts.probeMs ?? 250) },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (c: string) => (stderr += c));
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (c: string) => opts.onStdout?.(c));
  child.stdin.on("error", () => {});
  if (opts.feed) void opts.feed(child.stdin).then(() => child.stdin.end());
  else child.stdin.end();
  return new Promise((resolve) => {
    child.on("close", (code, signal) => {
      const probe = JSON.parse(fs.readFileSync(probeFile, "utf8")) as { maxRssBytes: number; ms: number; samples: [number, number, number][] };
      resolve({ code, signal, stderr, ...probe });
    });
  });
}

/** Checks the records of a 1,000,000-claim stream as they arrive; keeps counters only. */
function streamChecker() {
  let rest = "";
  let records = 0;
  let invalid = 0;
  const problems: string[] = [];
  const check = (line: string) => {
    const i = records++;
    const r = JSON.parse(line) as { claimId: string | null; verdict: string; line?: number };
    if (i % 100 === 37) {
      invalid++;
      if (r.verdict !== "invalid" || r.line !== i + 1) problems.push(`record ${i}: expected invalid at line ${i + 1}, got ${line.slice(0, 120)}`);
    } else {
      const id = (JSON.parse(streamLine(i)) as { id: string }).id;
      if (r.verdict === "invalid" || r.claimId !== id) problems.push(`record ${i}: expected claim ${id}, got ${line.slice(0, 120)}`);
    }
  };
  return {
    onStdout(chunk: string) {
      const text = rest + chunk;
      let start = 0;
      for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", start)) {
        if (problems.length < 10) check(text.slice(start, nl));
        else records++;
        start = nl + 1;
      }
      rest = text.slice(start);
    },
    result: () => ({ records, invalid, problems, trailing: rest }),
  };
}

/** Writes the generated stream into `out`, honouring backpressure. */
async function writeStream(out: NodeJS.WritableStream, n: number): Promise<void> {
  let buf = "";
  for (let i = 0; i < n; i++) {
    buf += `${streamLine(i)}\n`;
    if (buf.length > 1 << 20) {
      const ok = out.write(buf);
      buf = "";
      if (!ok) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
    }
  }
  if (buf.length > 0) out.write(buf);
}

function summary(m: Measured): { seconds: number; peakRssMB: number } {
  return { seconds: Math.round(m.ms / 100) / 10, peakRssMB: Math.round(m.maxRssBytes / MB) };
}

beforeAll(async () => {
  dir = tempDir("dermrules-stress-");
  const compiled = await runChild(["compile", "rules", "-o", "-"]);
  expect(compiled.code).toBe(0);
  tablePath = path.join(dir, "table.json");
  fs.writeFileSync(tablePath, compiled.stdout);
  results.machine = { node: process.version, platform: `${os.platform()} ${os.arch()}`, cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? "?", memoryGB: Math.round(os.totalmem() / 1024 ** 3) };
});

afterAll(() => {
  fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
  fs.writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`stress results (${path.relative(REPO_ROOT, RESULTS)}):\n${JSON.stringify(results, null, 2)}`);
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("stress", () => {
  it("a 50 MB rule file: one DR1009 at 1:1, no table, quickly", async () => {
    const file = path.join(dir, "big.rules");
    const out = fs.createWriteStream(file);
    let size = 0;
    for (let i = 0; size < 50 * MB; i++) {
      const line = `when ${10000 + (i % 89000)} count>14 require ${10001 + (i % 89000)} id cms.big.r${i}\n`;
      size += line.length;
      if (!out.write(line)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
    }
    await new Promise<void>((resolve) => out.end(() => resolve()));
    const bytes = fs.statSync(file).size;
    const target = path.join(dir, "big.json");
    const m = await measure(["compile", file, "-o", target]);
    expect(m.code).toBe(1);
    expect(m.stderr.split("\n")[0]).toBe(`${path.relative(REPO_ROOT, file)}:1:1: error DR1009: the rule file has ${bytes} characters (${(bytes / MB).toFixed(1)} MB): rule files are limited to 16.0 MB`);
    expect(m.stderr).toContain("hint: split the rules over several files");
    expect(fs.existsSync(target)).toBe(false);
    expect(m.ms).toBeLessThan(60_000);
    results["rules-50mb"] = { command: "dermrules compile big.rules -o big.json", bytes, ...summary(m) };
  });

  it("1,000,000 claims with 1% malformed lines from a file: exactly 1,000,000 records, in order", async () => {
    const file = path.join(dir, "claims.ndjson");
    const out = fs.createWriteStream(file);
    await writeStream(out, CLAIMS);
    await new Promise<void>((resolve) => out.end(() => resolve()));
    const checker = streamChecker();
    const m = await measure(["eval", "--table", tablePath, "--json", file], { onStdout: checker.onStdout });
    const r = checker.result();
    expect(m.stderr).toBe("");
    expect(m.code).toBe(1);
    expect(r.problems).toEqual([]);
    expect(r).toMatchObject({ records: CLAIMS, invalid: CLAIMS / 100, trailing: "" });
    results["stream-1m-file"] = { command: "dermrules eval --table table.json --json claims.ndjson", inputMB: Math.round(fs.statSync(file).size / MB), ...summary(m) };
    fs.rmSync(file);
  });

  it("the same stream on stdin with the heap capped at 160 MB: finishes, live heap flat", async () => {
    const checker = streamChecker();
    const m = await measure(["eval", "--table", tablePath, "--json", "-"], {
      nodeFlags: ["--max-old-space-size=160", "--expose-gc"],
      probeMs: 2000,
      onStdout: checker.onStdout,
      feed: (stdin) => writeStream(stdin, CLAIMS),
    });
    const r = checker.result();
    expect(m.stderr).toBe("");
    expect({ code: m.code, signal: m.signal }).toEqual({ code: 1, signal: null });
    expect(r.problems).toEqual([]);
    expect(r).toMatchObject({ records: CLAIMS, invalid: CLAIMS / 100, trailing: "" });
    // Live heap (after a forced collection) early in the stream and at its end. What grows is
    // the duplicate-id check's set of claim ids (about 45 bytes per distinct id).
    const timed = m.samples.filter(([t]) => t >= m.ms * 0.1);
    expect(timed.length).toBeGreaterThan(3);
    const early = timed[0]![2];
    const late = m.samples[m.samples.length - 1]![2];
    expect(late - early).toBeLessThan(96 * MB);
    results["stream-1m-stdin-capped"] = {
      command: "node --max-old-space-size=160 bin/dermrules.mjs eval --table table.json --json - < (1,000,000 claims, generated as read)",
      ...summary(m),
      liveHeapAt10PercentMB: Math.round(early / MB),
      liveHeapAtEndMB: Math.round(late / MB),
    };
  });
});

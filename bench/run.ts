/**
 * `npm run bench`: the dermrules benchmark (issue 6). Deterministic and seeded; about 5 minutes
 * on a 2-core machine. Prints a table and writes bench/results.json.
 *
 * Workloads:
 * - (a) the shipped rules/ on seeded dermatology claims of 1–10 lines, 20–40% with findings;
 * - (b) a table of the full CMS practitioner PTP file plus MUE and add-on tables, on claims
 *   drawn from all their codes (needs ../shared/data/ncci-ptp-full.tsv.gz; skipped without it);
 * - (c) synthetic PTP tables of 1k, 10k, 100k and 1M rows, on claims over their codes (each
 *   size loaded and timed in a fresh process, bench/synthetic-child.ts).
 * The hand-written baseline (bench/baseline.ts) runs on the NCCI edits alone, against our
 * runtime on a table compiled from rules/cms/ncci/ncci.rules alone.
 *
 * In-process rates are medians of 7 runs after 2 warm-up runs, by CPU time of this process
 * (the machine is shared: wall time is reported beside it). End-to-end NDJSON figures are wall
 * time of a real `dermrules eval` process minus the same process on a one-claim input (startup,
 * table load, worker threads started): eval against pass-through by the child's CPU time,
 * interleaved, medians of 5 (wall beside it); --workers by wall time, medians of 3.
 *
 * Flags: `--quick` (smaller inputs, for a smoke run), `--no-full` (skip workload b),
 * `--only a,b,c,ndjson,baseline` (run some sections).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { isDeepStrictEqual } from "node:util";
import { Worker } from "node:worker_threads";
import { spawnSync } from "node:child_process";
import { compilePaths, serializeTable } from "../compiler/index.ts";
import { loadTable, evaluate, type LoadedTable } from "../runtime/index.ts";
import { evaluateChecked } from "../runtime/evaluate.ts";
import type { Claim } from "../runtime/types.ts";
import { dermClaims, dermClaimsOfLength, syntheticPtpTsv } from "./claims.ts";
import { evaluateBaseline, loadBaseline } from "./baseline.ts";
import { ROOT, WORK, evalRates, fmtNum, machine, median, percentile, rate, runCli, runScript, timeIt } from "./util.ts";

const argv = process.argv.slice(2);
const QUICK = argv.includes("--quick");
const NO_FULL = argv.includes("--no-full");
const onlyArg = argv.find((a) => a.startsWith("--only="))?.slice(7) ?? (argv.includes("--only") ? argv[argv.indexOf("--only") + 1] : undefined);
const ONLY = onlyArg ? new Set(onlyArg.split(",")) : null;
const want = (s: string) => ONLY === null || ONLY.has(s);

const SEED = 20260601;
const N_A = QUICK ? 10_000 : 50_000;
const N_LAT = QUICK ? 1000 : 4000;
const N_ND = QUICK ? 40_000 : 200_000;
const SHARED = process.env.DERMRULES_SHARED_DATA ?? path.resolve(ROOT, "..", "shared", "data");
const FULL_PTP = path.join(SHARED, "ncci-ptp-full.tsv.gz");

fs.mkdirSync(WORK, { recursive: true });

const results: Record<string, unknown> = { machine: machine(), command: `npm run bench${argv.length ? ` -- ${argv.join(" ")}` : ""}`, quick: QUICK };
const rows: [string, string, string][] = [];
const row = (figure: string, value: string, target = "") => {
  rows.push([figure, value, target]);
  console.log(`  ${figure.padEnd(58)} ${value.padStart(16)}  ${target}`);
};
const section = (s: string) => console.log(`\n${s}`);

function must<T>(x: { ok: true; table: T } | { ok: false; errors: { message: string }[] }, what: string): T {
  if (!x.ok) throw new Error(`${what}: ${x.errors.map((e) => e.message).join("; ")}`);
  return x.table;
}

/** Compiles rule paths in this process and writes the table; returns its text. */
function compileTo(paths: string[], out: string): string {
  const r = compilePaths(paths);
  if (!r.table) throw new Error(`compile ${paths.join(" ")} failed: ${r.diagnostics.filter((d) => d.severity === "error").map((d) => d.message).slice(0, 3).join("; ")}`);
  const text = serializeTable(r.table);
  fs.writeFileSync(out, text);
  return text;
}

/** A rule file that loads the given CMS files (paths relative to the rule file). */
function ncciRules(dir: string, files: { ptp?: string; mue?: string; aoc?: string }): string {
  fs.mkdirSync(dir, { recursive: true });
  const rel = (f: string) => JSON.stringify(path.relative(dir, f));
  let text = "ruleset cms\n";
  if (files.ptp) text += `ptp ${rel(files.ptp)}\n  version "bench"\n  source "CMS NCCI practitioner PTP edits v30.1r0"\n`;
  if (files.mue) text += `mue ${rel(files.mue)}\n  version "bench"\n  source "CMS NCCI practitioner MUE table, effective 2024-07-01"\n`;
  if (files.aoc) text += `aoc ${rel(files.aoc)}\n  version "bench"\n  source "CMS NCCI add-on code edits AOC_V2026Q2-MCR"\n`;
  const file = path.join(dir, "ncci.rules");
  fs.writeFileSync(file, text);
  return dir;
}

/** Sum of findings, so no evaluation can be optimised away. */
let sink = 0;

/** Per-claim latency (µs) of validate + evaluate, over `passes` passes. */
function latencies(lt: LoadedTable, claims: Claim[], passes = 5): Float64Array {
  const out = new Float64Array(claims.length * passes);
  let k = 0;
  for (let p = 0; p < passes + 1; p++) {
    for (let i = 0; i < claims.length; i++) {
      const t0 = process.hrtime.bigint();
      sink += evaluate(lt, claims[i]!).findings.length;
      const t = Number(process.hrtime.bigint() - t0) / 1000;
      if (p > 0) out[k++] = t; // pass 0 warms up
    }
  }
  return out.sort();
}

function loadMs(text: string, runs = 7): { median: number; first: number } {
  const times: number[] = [];
  let first = NaN;
  for (let i = 0; i < runs + 2; i++) {
    const t = timeIt(() => must(loadTable(text), "load"));
    if (i === 0) first = t.cpu * 1000;
    if (i >= 2) times.push(t.cpu * 1000);
  }
  return { median: median(times), first };
}

const claimsA = dermClaims(N_A, SEED);

// ------------------------------------------------------------------------------ compile
section("compile (the dermrules CLI in a child process)");
const dermTablePath = path.join(WORK, "derm.json");
{
  const runs: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < (QUICK ? 1 : 3); i++) {
    const s = runCli(["compile", "rules", "-o", dermTablePath]);
    if (s.status !== 0) throw new Error(`dermrules compile rules failed: ${s.stderr}`);
    runs.push(s.wallSec);
    cpu.push(s.cpuSec);
  }
  results.compileRulesSec = median(runs);
  results.compileRulesCpuSec = median(cpu);
  row("compile rules/ (wall, incl. startup)", `${fmtNum(median(runs), 2)} s`);
}
const dermText = fs.readFileSync(dermTablePath, "utf8");
results.tableBytes = Buffer.byteLength(dermText);
results.tableGzipBytes = zlib.gzipSync(dermText).length;
row("artifact size, rules/ table", `${fmtNum(Buffer.byteLength(dermText) / 1e6, 2)} MB`, `(gzip ${fmtNum((results.tableGzipBytes as number) / 1e6, 2)} MB)`);

const dermLoad = loadMs(dermText);
results.loadDermTableMs = dermLoad.median;
results.loadDermTableFirstMs = dermLoad.first;
row("load rules/ table (JSON text → ready), median", `${fmtNum(dermLoad.median, 1)} ms`, "target ≤ 150 ms");
row("  first load in a fresh process (cold JIT)", `${fmtNum(dermLoad.first, 1)} ms`);
const derm = must(loadTable(dermText), "derm table");

// ------------------------------------------------------------------------------ workload a
if (want("a")) {
  section(`workload (a): rules/ on ${fmtNum(N_A)} dermatology claims of 1–10 lines`);
  let withFindings = 0;
  for (const c of claimsA) {
    const r = evaluate(derm, c);
    if (r.verdict === "invalid") throw new Error(`claim ${c.id} is invalid: ${JSON.stringify(r.errors)}`);
    if (r.findings.length > 0) withFindings++;
  }
  const share = withFindings / claimsA.length;
  results.workloadAShareWithFindings = share;
  row("claims with findings", `${fmtNum(share * 100, 1)} %`, "drawn for 20–40%");
  if (share < 0.2 || share > 0.4) throw new Error(`workload (a) has ${share} claims with findings, outside 20–40%`);
  const { pre, val, sink: s1 } = evalRates(derm, claimsA);
  sink += s1;
  results.evalClaimsPerSec = pre.cpu;
  results.evalClaimsPerSecWall = pre.wall;
  results.validateAndEvalClaimsPerSec = val.cpu;
  results.validateAndEvalClaimsPerSecWall = val.wall;
  row("evaluate, pre-validated (claims/s, CPU)", fmtNum(pre.cpu), "target ≥ 1,000,000");
  row("  same, by wall clock", fmtNum(pre.wall));
  row("validate + evaluate (claims/s, CPU)", fmtNum(val.cpu), "target ≥ 500,000");
  row("  same, by wall clock", fmtNum(val.wall));
  const lat10 = latencies(derm, dermClaimsOfLength(N_LAT, SEED + 10, 10));
  const latAll = latencies(derm, claimsA.slice(0, N_LAT));
  results.evalP50Micros = percentile(lat10, 50);
  results.evalP99Micros = percentile(lat10, 99);
  results.evalP50MicrosAll = percentile(latAll, 50);
  results.evalP99MicrosAll = percentile(latAll, 99);
  row("latency, 10-line claims, p50 (validate + evaluate)", `${fmtNum(percentile(lat10, 50), 2)} µs`);
  row("latency, 10-line claims, p99", `${fmtNum(percentile(lat10, 99), 2)} µs`, "target ≤ 20 µs");
  row("latency, 1–10-line claims, p50 / p99", `${fmtNum(percentile(latAll, 50), 2)} / ${fmtNum(percentile(latAll, 99), 2)} µs`);
  // The same claims with the documentation facts an EHR export carries (lesion counts, sites,
  // sizes) on every line that has them: the code-selection rules, which need facts and are
  // passed over on lines without them (all 837P input), then run. Same claims otherwise.
  const claimsFacts = dermClaims(N_A, SEED, 0.3, 1);
  let factLines = 0;
  let lines = 0;
  for (const c of claimsFacts) for (const l of c.lines) {
    lines++;
    if (l.facts !== undefined) factLines++;
  }
  const facts = evalRates(derm, claimsFacts);
  sink += facts.sink;
  results.evalWithFactsClaimsPerSec = facts.pre.cpu;
  results.validateAndEvalWithFactsClaimsPerSec = facts.val.cpu;
  results.workloadAFactLinesShare = factLines / lines;
  row(`the same claims with documentation facts (${fmtNum((100 * factLines) / lines, 0)}% of lines): evaluate`, fmtNum(facts.pre.cpu));
  row("  validate + evaluate", fmtNum(facts.val.cpu));
}

// ------------------------------------------------------------------------------ baseline
if (want("baseline")) {
  section("hand-written baseline (bench/baseline.ts) vs the runtime, NCCI edits + ICD-10-CM only");
  const dir = ncciRules(path.join(WORK, "ncci-only"), {
    ptp: path.join(ROOT, "data", "ncci-ptp-derm.tsv.gz"),
    mue: path.join(ROOT, "data", "mue-practitioner.tsv.gz"),
    aoc: path.join(ROOT, "data", "aoc.tsv.gz"),
  });
  const text = compileTo([dir], path.join(WORK, "ncci-only.json"));
  const lt = must(loadTable(text), "ncci-only table");
  const t = lt.table;
  const base = loadBaseline({
    ptp: path.join(ROOT, "data", "ncci-ptp-derm.tsv.gz"),
    mue: path.join(ROOT, "data", "mue-practitioner.tsv.gz"),
    aoc: path.join(ROOT, "data", "aoc.tsv.gz"),
    icd: path.join(ROOT, "data", "icd10cm-order.tsv.gz"),
    ptpSource: t.edits.ptp[0]!.source,
    mueSource: t.edits.mue[0]!.source,
    aocSource: t.edits.aoc[0]!.source,
    icdVersion: t.icd10.version,
  });
  // Equal result objects on a sample before any timing.
  const sample = claimsA.slice(0, 2000);
  let withFindings = 0;
  for (const c of sample) {
    const ours = evaluate(lt, c);
    const theirs = evaluateBaseline(base, c);
    if (!isDeepStrictEqual(ours, theirs)) {
      throw new Error(`baseline and runtime differ on ${c.id}:\nours ${JSON.stringify(ours)}\nbaseline ${JSON.stringify(theirs)}`);
    }
    if (ours.findings.length > 0) withFindings++;
  }
  row("equal results on the sample (claims, with findings)", `${sample.length}, ${withFindings}`);
  const hand = rate(() => {
    for (let i = 0; i < claimsA.length; i++) sink += evaluateBaseline(base, claimsA[i]!).findings.length;
  }, claimsA.length);
  const ours = rate(() => {
    for (let i = 0; i < claimsA.length; i++) sink += evaluateChecked(lt, claimsA[i]!).findings.length;
  }, claimsA.length);
  results.handWrittenClaimsPerSec = hand.cpu;
  results.ncciOnlyClaimsPerSec = ours.cpu;
  results.handWrittenRatio = hand.cpu / ours.cpu;
  row("hand-written baseline (claims/s, CPU)", fmtNum(hand.cpu));
  row("runtime on the same edits, pre-validated (claims/s, CPU)", fmtNum(ours.cpu));
  row("baseline / runtime", `${fmtNum(hand.cpu / ours.cpu, 2)}×`, "target ≤ 1.5×");
}

// ------------------------------------------------------------------------------ workload b
if (want("b") && !NO_FULL) {
  section("workload (b): full CMS practitioner PTP + MUE + add-on tables");
  if (!fs.existsSync(FULL_PTP)) {
    row("skipped", "no full PTP file", FULL_PTP);
    results.compileFullPtpSec = null;
  } else {
    const dir = ncciRules(path.join(WORK, "full-ptp"), { ptp: FULL_PTP, mue: path.join(ROOT, "data", "mue-practitioner.tsv.gz"), aoc: path.join(ROOT, "data", "aoc.tsv.gz") });
    const out = path.join(WORK, "full-ptp.json");
    const wall: number[] = [];
    const cpu: number[] = [];
    const rss: number[] = [];
    for (let i = 0; i < (QUICK ? 1 : 3); i++) {
      const s = runCli(["compile", dir, "-o", out]);
      if (s.status !== 0) throw new Error(`full PTP compile failed: ${s.stderr}`);
      wall.push(s.wallSec);
      cpu.push(s.cpuSec);
      rss.push(s.maxRssMb);
    }
    results.compileFullPtpSec = median(wall);
    results.compileFullPtpCpuSec = median(cpu);
    results.compileFullPtpPeakRssMb = median(rss);
    row("compile full PTP (wall, incl. startup)", `${fmtNum(median(wall), 2)} s`, "target ≤ 10 s");
    row("  CPU time (all threads)", `${fmtNum(median(cpu), 2)} s`);
    row("  peak RSS", `${fmtNum(median(rss))} MB`, "target ≤ 1,536 MB");
    const text = fs.readFileSync(out, "utf8");
    results.fullPtpTableBytes = Buffer.byteLength(text);
    row("artifact size, full PTP table", `${fmtNum(Buffer.byteLength(text) / 1e6, 2)} MB`, `(gzip ${fmtNum(zlib.gzipSync(text).length / 1e6, 2)} MB)`);
    const load = loadMs(text, 3);
    results.loadFullPtpTableMs = load.median;
    row("load full PTP table, median", `${fmtNum(load.median, 1)} ms`);
    // Evaluation in fresh processes (bench/full-ptp-child.ts), like (c): in this process it
    // would run after (a) and the baseline, on a heap full of their claims and tables, and it
    // moved by a fifth between runs (223k–275k claims/s); medians of 3 processes.
    const got: { pre: number[]; val: number[]; codes: number } = { pre: [], val: [], codes: 0 };
    for (let i = 0; i < (QUICK ? 1 : 3); i++) {
      const child = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "bench", "full-ptp-child.ts"), out, FULL_PTP, String(QUICK ? 10_000 : 50_000)], {
        cwd: ROOT,
        encoding: "utf8",
        maxBuffer: 1 << 20,
      });
      if (child.status !== 0) throw new Error(`workload (b): ${child.stderr}`);
      const r = JSON.parse(child.stdout.trim().split("\n").pop()!) as { pre: number; val: number; codes: number };
      got.pre.push(r.pre);
      got.val.push(r.val);
      got.codes = r.codes;
    }
    results.fullPtpEvalClaimsPerSec = median(got.pre);
    results.fullPtpValidateAndEvalClaimsPerSec = median(got.val);
    row(`evaluate, pre-validated (claims/s, CPU; ${fmtNum(got.codes)} codes; fresh processes)`, fmtNum(median(got.pre)));
    row("validate + evaluate (claims/s, CPU)", fmtNum(median(got.val)));
  }
}

// ------------------------------------------------------------------------------ workload c
if (want("c")) {
  section("workload (c): synthetic PTP tables (cost against table size)");
  const sizes = QUICK ? [1000, 10_000, 100_000] : [1000, 10_000, 100_000, 1_000_000];
  const bySize: Record<string, { rows: number; compileSec: number; tableBytes: number; loadMs: number; claimsPerSec: number }> = {};
  for (const n of sizes) {
    const dir = path.join(WORK, `synthetic-${n}`);
    fs.mkdirSync(dir, { recursive: true });
    const data = path.join(dir, "ptp.tsv");
    fs.writeFileSync(data, syntheticPtpTsv(n, SEED + n).tsv);
    ncciRules(dir, { ptp: data });
    const tablePath = path.join(WORK, `synthetic-${n}.json`);
    let bytes = 0;
    const tc = timeIt(() => (bytes = Buffer.byteLength(compileTo([dir], tablePath))));
    bySize[String(n)] = { rows: n, compileSec: tc.wall, tableBytes: bytes, loadMs: NaN, claimsPerSec: NaN };
  }
  // Load and evaluation in a fresh process per size (bench/synthetic-child.ts), the sizes
  // interleaved over 7 rounds so that they see the same machine load; medians per size. At 1M
  // rows a run depends on the L3 cache the machine shares: about one process in eight ran at
  // half speed (docs/performance.md), and seven rounds keep such a run out of the median.
  const got: Record<string, { claimsPerSec: number[]; loadMs: number[] }> = {};
  for (let round = 0; round < (QUICK ? 3 : 7); round++) {
    for (const n of sizes) {
      const tablePath = path.join(WORK, `synthetic-${n}.json`);
      const child = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "bench", "synthetic-child.ts"), String(n), String(QUICK ? 10_000 : 30_000), tablePath], {
        cwd: ROOT,
        encoding: "utf8",
        maxBuffer: 1 << 20,
      });
      if (child.status !== 0) throw new Error(`synthetic ${n}: ${child.stderr}`);
      const r = JSON.parse(child.stdout.trim().split("\n").pop()!) as { claimsPerSec: number; loadMs: number };
      const g = (got[String(n)] ??= { claimsPerSec: [], loadMs: [] });
      g.claimsPerSec.push(r.claimsPerSec);
      g.loadMs.push(r.loadMs);
    }
  }
  for (const n of sizes) {
    const b = bySize[String(n)]!;
    b.claimsPerSec = median(got[String(n)]!.claimsPerSec);
    b.loadMs = median(got[String(n)]!.loadMs);
    row(`${fmtNum(n)} rows: compile ${fmtNum(b.compileSec, 2)} s, ${fmtNum(b.tableBytes / 1e6, 2)} MB, load ${fmtNum(b.loadMs, 1)} ms`, `${fmtNum(b.claimsPerSec)} /s`);
  }
  results.synthetic = bySize;
  const small = bySize["1000"]!.claimsPerSec;
  const large = bySize[String(sizes[sizes.length - 1])]!.claimsPerSec;
  results.syntheticCostRatio = small / large;
  row(`cost at ${fmtNum(sizes[sizes.length - 1]!)} rows / cost at 1,000 rows`, `${fmtNum(small / large, 2)}×`, "target ≤ 1.5×");
}

// ------------------------------------------------------------------------------ NDJSON end to end
if (want("ndjson")) {
  section(`NDJSON end to end: \`dermrules eval --json\` on ${fmtNum(N_ND)} claims (file in → file out)`);
  const file = path.join(WORK, "a.ndjson");
  // The startup measure: a one-claim file, so that every process (and each --workers thread)
  // starts, loads its table and evaluates once; N − 1 claims are left to time.
  const one = path.join(WORK, "one.ndjson");
  {
    const claims = dermClaims(N_ND, SEED + 7);
    const parts: string[] = [];
    for (const c of claims) parts.push(JSON.stringify(c));
    fs.writeFileSync(file, parts.join("\n") + "\n");
    fs.writeFileSync(one, parts[0] + "\n");
  }
  const out = path.join(WORK, "out.ndjson");
  /** Net rate: (N − 1) / (time on the file − time on the one-claim file), medians of 3. */
  const net = (run: (input: string) => number): number => {
    const full: number[] = [];
    const zero: number[] = [];
    for (let i = 0; i < 3; i++) {
      zero.push(run(one));
      full.push(run(file));
    }
    return (N_ND - 1) / Math.max(1e-6, median(full) - median(zero));
  };
  const evalStats = (extra: string[], input: string) => {
    const s = runCli(["eval", "--table", dermTablePath, "--json", ...extra, input], { stdoutFile: out });
    if (s.status !== 0 && s.status !== 1) throw new Error(`dermrules eval failed: ${s.stderr}`);
    return s;
  };
  const evalRun = (extra: string[]) => (input: string) => evalStats(extra, input).wallSec;
  // One process, eval against pass-through: runs interleaved (so both see the same load), five
  // rounds, by CPU time of the child (wall time beside it).
  const cpu = { pass: [[], []] as number[][], ours: [[], []] as number[][] };
  const wall = { pass: [[], []] as number[][], ours: [[], []] as number[][] };
  for (let i = 0; i < 5; i++) {
    for (const [k, input] of [[0, one], [1, file]] as const) {
      const p = runScript("bench/pass-through.ts", [input], { stdoutFile: out });
      cpu.pass[k]!.push(p.cpuSec);
      wall.pass[k]!.push(p.wallSec);
      const o = evalStats([], input);
      cpu.ours[k]!.push(o.cpuSec);
      wall.ours[k]!.push(o.wallSec);
    }
  }
  const netOf = (xs: number[][]) => (N_ND - 1) / Math.max(1e-6, median(xs[1]!) - median(xs[0]!));
  const pass = netOf(cpu.pass);
  const ours = netOf(cpu.ours);
  const outLines = fs.readFileSync(out, "utf8").split("\n").length - 1;
  if (outLines !== N_ND) throw new Error(`eval wrote ${outLines} records for ${N_ND} claims`);
  results.ndjsonClaimsPerSec = ours;
  results.passThroughClaimsPerSec = pass;
  results.ndjsonVsPassThrough = ours / pass;
  results.ndjsonClaimsPerSecWall = netOf(wall.ours);
  results.passThroughClaimsPerSecWall = netOf(wall.pass);
  results.ndjsonVsPassThroughWall = netOf(wall.ours) / netOf(wall.pass);
  row("pass-through: parse + re-serialise (claims/s, CPU)", fmtNum(pass), `wall ${fmtNum(netOf(wall.pass))}`);
  row("dermrules eval --json (claims/s, CPU)", fmtNum(ours), `wall ${fmtNum(netOf(wall.ours))}`);
  row("eval / pass-through (CPU)", `${fmtNum((100 * ours) / pass, 1)} %`, `target ≥ 50%; wall ${fmtNum((100 * netOf(wall.ours)) / netOf(wall.pass), 1)} %`);
  const w1 = net(evalRun(["--workers", "1"]));
  const w2 = net(evalRun(["--workers", "2"]));
  const ordered = fs.readFileSync(out, "utf8");
  const expected: string[] = [];
  {
    const s = runCli(["eval", "--table", dermTablePath, "--json", file], { stdoutFile: out });
    if (s.status !== 0 && s.status !== 1) throw new Error(`dermrules eval failed: ${s.stderr}`);
    expected.push(fs.readFileSync(out, "utf8"));
  }
  if (ordered !== expected[0]) throw new Error("--workers 2 output differs from the single-thread output");
  // What two threads can get on this machine right now: the same spin loop on 1 and 2 threads.
  const capacity = parallelCapacity();
  results.parallelCapacity = capacity;
  row("machine: 2 spinning threads / 1 (parallel capacity now)", `${fmtNum(capacity, 2)}×`, "≤ 2×; other sessions share the cores");
  results.workersOneClaimsPerSec = w1;
  results.workersTwoClaimsPerSec = w2;
  results.workersScaling = w2 / w1;
  row("--workers 1 (claims/s, wall)", fmtNum(w1));
  row("--workers 2 (claims/s, wall; output identical)", fmtNum(w2));
  row("--workers 2 / --workers 1", `${fmtNum(w2 / w1, 2)}×`, "target ≥ 1.4×");
  // The same on a longer input, marginally: the file followed by a copy of itself with new claim
  // ids, timed against the file alone. This leaves out every per-process and per-worker cost
  // that does not grow with the input (start-up, and the workers' own JIT warm-up, which the
  // one-claim subtraction above does not catch): the rate a long batch settles at.
  const twice = path.join(WORK, "a2.ndjson");
  {
    const text = fs.readFileSync(file, "utf8");
    fs.writeFileSync(twice, text + text.replace(/^\{"id":"A-/gm, '{"id":"B-'));
  }
  const steady = (extra: string[]): number => {
    const base: number[] = [];
    const long: number[] = [];
    for (let i = 0; i < 3; i++) {
      base.push(evalRun(extra)(file));
      long.push(evalRun(extra)(twice));
    }
    return N_ND / Math.max(1e-6, median(long) - median(base));
  };
  const s1 = steady(["--workers", "1"]);
  const s2 = steady(["--workers", "2"]);
  results.workersOneSteadyClaimsPerSec = s1;
  results.workersTwoSteadyClaimsPerSec = s2;
  results.workersScalingSteady = s2 / s1;
  row("--workers 1 / 2, marginal over a second 200k claims (claims/s, wall)", `${fmtNum(s1)} / ${fmtNum(s2)}`);
  row("--workers 2 / --workers 1, marginal (long batches)", `${fmtNum(s2 / s1, 2)}×`);
}

/**
 * Throughput of a fixed spin loop on two worker threads at once, over one: 2× on two idle
 * cores, less when other processes hold them. Puts the --workers figure in context.
 */
function parallelCapacity(): number {
  // Each thread counts itself done in shared memory: the main thread waits without its event loop.
  const code = `const { workerData } = require("node:worker_threads"); let x = 0; for (let i = 0; i < 2e8; i++) x = (x + i * 7) % 1000003; const d = new Int32Array(workerData); Atomics.add(d, 0, 1); Atomics.notify(d, 0);`;
  const runThreads = (k: number): number => {
    const sab = new SharedArrayBuffer(4);
    const done = new Int32Array(sab);
    const t0 = performance.now();
    const ws = Array.from({ length: k }, () => new Worker(code, { eval: true, workerData: sab }));
    const deadline = Date.now() + 60_000;
    for (let v = Atomics.load(done, 0); v < k && Date.now() < deadline; v = Atomics.load(done, 0)) Atomics.wait(done, 0, v, 100);
    const sec = (performance.now() - t0) / 1000;
    for (const w of ws) void w.terminate();
    return k / sec;
  };
  const one: number[] = [];
  const two: number[] = [];
  for (let i = 0; i < 3; i++) {
    one.push(runThreads(1));
    two.push(runThreads(2));
  }
  return median(two) / median(one);
}

// ------------------------------------------------------------------------------ write
const resultsFile = path.join(ROOT, "bench", "results.json");
const previous = fs.existsSync(resultsFile) ? (JSON.parse(fs.readFileSync(resultsFile, "utf8")) as Record<string, unknown>) : {};
// The peers come from `npm run bench:peers` (bench/peers.ts), which keeps them here.
results.peers = previous.peers ?? null;
results.peersMachine = previous.peersMachine ?? null;
results.sink = sink % 7;
fs.writeFileSync(resultsFile, JSON.stringify({ ...previous, ...results }, null, 2) + "\n");
console.log(`\nwrote ${path.relative(process.cwd(), resultsFile)}`);

/**
 * Measuring helpers shared by the bench scripts: medians over runs, CPU and wall clocks, the
 * machine description, child processes with their peak RSS.
 */
import * as os from "node:os";
import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { evaluate, type LoadedTable } from "../runtime/index.ts";
import { evaluateChecked } from "../runtime/evaluate.ts";
import type { Claim } from "../runtime/types.ts";

export const ROOT = path.resolve(import.meta.dirname, "..");
/** Scratch folder for generated tables, data and NDJSON files (git-ignored). */
export const WORK = path.join(ROOT, "bench", ".work");

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 === 1 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** One timed run: wall and CPU (user + system of this process) in seconds. */
export interface Timing {
  wall: number;
  cpu: number;
}

export function timeIt(fn: () => void): Timing {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1e6 };
}

/**
 * Runs `fn` `warmup` times untimed, then `runs` times timed; returns the median rates of
 * `units / seconds` by CPU time and by wall time. CPU time is the headline on a shared machine:
 * other sessions' load stretches wall time, not the CPU time this thread spends.
 */
export function rate(fn: () => void, units: number, runs = 7, warmup = 2): { cpu: number; wall: number; runs: number[] } {
  for (let i = 0; i < warmup; i++) fn();
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = timeIt(fn);
    cpu.push(units / Math.max(t.cpu, 1e-9));
    wall.push(units / t.wall);
  }
  return { cpu: median(cpu), wall: median(wall), runs: cpu };
}

/**
 * The two evaluation rates of a workload, each by `rate`: pre-validated (`evaluateChecked`, the
 * claims already checked) and validate + evaluate (`evaluate`). `sink` counts the findings, so
 * the work cannot be optimised away; callers fold it into their output.
 */
export function evalRates(lt: LoadedTable, claims: readonly Claim[]): { pre: ReturnType<typeof rate>; val: ReturnType<typeof rate>; sink: number } {
  let sink = 0;
  const pre = rate(() => {
    for (let i = 0; i < claims.length; i++) sink += evaluateChecked(lt, claims[i]!).findings.length;
  }, claims.length);
  const val = rate(() => {
    for (let i = 0; i < claims.length; i++) sink += evaluate(lt, claims[i]!).findings.length;
  }, claims.length);
  return { pre, val, sink };
}

export function machine(): { nproc: number; cpu: string; node: string; loadavg: number[]; memGb: number; date: string } {
  return {
    nproc: os.availableParallelism?.() ?? os.cpus().length,
    cpu: os.cpus()[0]?.model ?? "unknown",
    node: process.version,
    loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100),
    memGb: Math.round(os.totalmem() / 2 ** 30),
    date: new Date().toISOString(),
  };
}

/** Result of a child process run through bench/child.mjs: its own wall time, CPU time and peak RSS. */
export interface ChildStats {
  wallSec: number;
  cpuSec: number;
  maxRssMb: number;
  status: number;
  stderr: string;
}

/**
 * Runs the `dermrules` CLI in a child process (bench/child.mjs wraps it and reports its
 * resource usage on fd 3), optionally with stdout to a file.
 */
export function runCli(args: string[], opts: { stdoutFile?: string; stdinFile?: string } = {}): ChildStats {
  const out = opts.stdoutFile ? fs.openSync(opts.stdoutFile, "w") : "ignore";
  const inp = opts.stdinFile ? fs.openSync(opts.stdinFile, "r") : "ignore";
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [path.join(ROOT, "bench", "child.mjs"), ...args], {
    cwd: ROOT,
    stdio: [inp, out, "pipe", "pipe"],
    maxBuffer: 1 << 26,
  });
  const wall = (performance.now() - t0) / 1000;
  if (typeof out === "number") fs.closeSync(out);
  if (typeof inp === "number") fs.closeSync(inp);
  const stats = JSON.parse(r.output[3]?.toString() || "{}") as { cpuSec?: number; maxRssMb?: number };
  return { wallSec: wall, cpuSec: stats.cpuSec ?? NaN, maxRssMb: stats.maxRssMb ?? NaN, status: r.status ?? -1, stderr: r.stderr?.toString() ?? "" };
}

/** Runs a plain Node script the same way (its resource usage is read from fd 3 too). */
export function runScript(script: string, args: string[], opts: { stdoutFile?: string } = {}): ChildStats {
  return runCli(["--script", script, ...args], opts);
}

export function fmtNum(n: number, digits = 0): string {
  if (!Number.isFinite(n)) return String(n);
  return n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

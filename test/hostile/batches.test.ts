/**
 * Batches (issue 7): an NDJSON stream gives exactly one output record per non-blank input line,
 * in input order, malformed lines as `invalid` with their line numbers; a broken pipe on
 * stdout ends the process cleanly; SIGINT stops after the current record with a summary; the
 * results are byte-identical across runs, across Node processes and with `--workers`.
 * (The 1,000,000-claim stream with its memory measurement is in test/stress.)
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.ts";
import { finished, runChild, spawnCli, streamLine, tempDir } from "./support.ts";

const N = 20_000;
let dir: string;
let tablePath: string;
let streamPath: string;
/** The input lines as written (with a BOM, CRLF endings, blank lines, no final newline). */
let inputLines: string[];

beforeAll(async () => {
  dir = tempDir("dermrules-batches-");
  // The shipped packs, compiled in a child process (the table the stress test uses too).
  const compiled = await runChild(["compile", "rules", "-o", "-"]);
  expect(compiled.code).toBe(0);
  tablePath = path.join(dir, "table.json");
  fs.writeFileSync(tablePath, compiled.stdout);
  inputLines = [];
  for (let i = 0; i < N; i++) {
    inputLines.push(streamLine(i));
    if (i % 997 === 5) inputLines.push(i % 2 ? "" : "   \t");
  }
  streamPath = path.join(dir, "claims.ndjson");
  fs.writeFileSync(streamPath, `\uFEFF${inputLines.join("\r\n")}`);
}, 60_000);

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

type Out = { claimId: string | null; verdict: string; line?: number; errors?: { code: string }[] };

/** Checks one output record per non-blank line, in order, invalid ones with their line number. */
function checkOneToOne(stdout: string): Out[] {
  const out = stdout.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Out);
  const records = inputLines.map((text, k) => ({ text, line: k + 1 })).filter((r) => r.text.trim() !== "");
  expect(out).toHaveLength(records.length);
  let invalid = 0;
  out.forEach((o, k) => {
    const rec = records[k]!;
    if (o.verdict === "invalid") {
      invalid++;
      expect(o.line, `record ${k}`).toBe(rec.line);
      expect(o.errors!.length).toBeGreaterThan(0);
    } else {
      expect(o.claimId).toBe((JSON.parse(rec.text) as { id: string }).id);
    }
  });
  // 1% malformed lines, each one invalid (and nothing else invalid in this stream).
  expect(invalid).toBe(N / 100);
  return out;
}

describe("an NDJSON stream with 1% malformed lines", () => {
  it("gives exactly one record per non-blank line, in order, in-process", async () => {
    const run = await runCli(["eval", "--table", tablePath, "--json", streamPath]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("");
    const out = checkOneToOne(run.stdout);
    expect(out.filter((o) => o.verdict === "invalid").map((o) => o.errors![0]!.code).slice(0, 5)).toEqual(["DR5001", "DR5001", "DR5002", "DR5003", "DR5005"]);
  });

  it("is byte-identical across Node processes, and with --workers", async () => {
    const [a, b, w] = await Promise.all([
      runChild(["eval", "--table", tablePath, "--json", streamPath]),
      runChild(["eval", "--table", tablePath, "--json", streamPath]),
      runChild(["eval", "--workers", "2", "--table", tablePath, "--json", streamPath]),
    ]);
    for (const r of [a, b, w]) expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 1, stderr: "" });
    checkOneToOne(a.stdout);
    expect(b.stdout).toBe(a.stdout);
    expect(w.stdout).toBe(a.stdout);
    const inProcess = await runCli(["eval", "--table", tablePath, "--json", streamPath]);
    expect(inProcess.stdout).toBe(a.stdout);
  });

  it("the compiled table itself is byte-identical across processes", async () => {
    const again = await runChild(["compile", "rules", "-o", "-"]);
    expect(again.stdout).toBe(fs.readFileSync(tablePath, "utf8"));
  });
});

describe("stopping early", () => {
  it("a broken pipe on stdout ends the process quietly and promptly", async () => {
    const child = spawnCli(["eval", "--table", tablePath, "--json", streamPath]);
    const started = Date.now();
    let first = "";
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (c: string) => (stderr += c));
    const code = await new Promise<number | null>((resolve) => {
      child.on("close", (c) => resolve(c));
      child.stdout.setEncoding("utf8");
      child.stdout.on("data", (c: string) => {
        if (first !== "") return;
        first = c;
        // The reader goes away after its first chunk, as `| head -1` does.
        child.stdout.destroy();
      });
    });
    expect(first.split("\n")[0]).toMatch(/^\{"claimId":"C0",/);
    expect(stderr).toBe("");
    // Stopped between records with the exit code of what was evaluated, not killed, no stack trace.
    expect([0, 1]).toContain(code);
    expect(Date.now() - started).toBeLessThan(25_000);
  });

  it("SIGINT stops after the current record: every record read is written, then a summary, exit 130", async () => {
    const child = spawnCli(["eval", "--table", tablePath, "--json", "-"]);
    const done = finished(child);
    // More than one flush's worth (1024 records), then the input goes quiet, as a live feed does.
    const feed = inputLines.filter((l) => l.trim() !== "").slice(0, 1500);
    child.stdin.write(`${feed.join("\n")}\n`);
    await new Promise<void>((resolve) => {
      let seen = "";
      child.stdout.on("data", (c: Buffer) => {
        seen += c.toString("utf8");
        // Output has begun: the stream is running and its SIGINT handler is in place.
        if (seen.includes("\n")) resolve();
      });
    });
    child.kill("SIGINT");
    const run = await done;
    expect({ code: run.code, signal: run.signal }).toEqual({ code: 130, signal: null });
    const m = /^dermrules eval: interrupted: input read up to line (\d+); the result of every record up to there was written, the rest of the input was not evaluated\n$/.exec(run.stderr);
    expect(m, run.stderr).not.toBeNull();
    const read = Number(m![1]);
    const out = run.stdout.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Out);
    // Exactly the records read, in order: none lost, none half-written.
    expect(out).toHaveLength(read);
    expect(read).toBeGreaterThanOrEqual(1024);
    expect(read).toBeLessThanOrEqual(1500);
    out.forEach((o, k) => {
      if (o.verdict === "invalid") expect(o.line).toBe(k + 1);
      else expect(o.claimId).toBe((JSON.parse(feed[k]!) as { id: string }).id);
    });
  });
});

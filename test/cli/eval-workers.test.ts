/**
 * `dermrules eval --workers N` gives exactly the single-thread output: one record per non-blank
 * input line, in input order, duplicate claim ids warned in input order (also across chunks and
 * batches), invalid records with their line numbers, a BOM, CRLF line ends and a last line
 * without a newline handled as the single-thread reader does; the exit code too.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli, tempDir } from "../support/cli.ts";
import { runChild } from "../hostile/support.ts";
import { dermClaims } from "../../bench/claims.ts";

let dir: string;
let table: string;
let input: string;
let text: string;

beforeAll(async () => {
  dir = tempDir();
  table = path.join(dir, "table.json");
  const r = await runCli(["compile", "rules", "-o", table]);
  expect(r.code).toBe(0);
  // About 3 MB: several 1 MB chunks for the file path, many 512-record batches for stdin.
  const claims = dermClaims(5000, 4242);
  claims[10]!.id = claims[3]!.id;
  claims[4500]!.id = claims[7]!.id;
  const lines = claims.map((c) => JSON.stringify(c));
  lines.splice(20, 0, "", "{not json", "   ");
  text = "\uFEFF" + lines.join("\r\n") + "\r\n" + JSON.stringify({ id: "LAST", serviceDate: "2024-06-11", diagnoses: ["L57.0"], lines: [{ code: "17000", units: 1 }] });
  input = path.join(dir, "claims.ndjson");
  fs.writeFileSync(input, text);
}, 120_000);

describe("eval --workers", () => {
  it("writes the single-thread output, in order, for a file", async () => {
    const one = await runCli(["eval", "--table", table, "--json", input]);
    const two = await runCli(["eval", "--table", table, "--json", "--workers", "2", input]);
    expect(two.stderr).toBe("");
    expect(two.code).toBe(one.code);
    expect(two.stdout).toBe(one.stdout);
    const out = one.stdout.trim().split("\n");
    expect(out).toHaveLength(5002);
    expect(out.filter((l) => l.includes("dermrules.batch.duplicate-id"))).toHaveLength(2);
    expect(JSON.parse(out[20]!)).toMatchObject({ verdict: "invalid", line: 22 });
    expect(JSON.parse(out[out.length - 1]!)).toMatchObject({ claimId: "LAST" });
  }, 120_000);

  it("writes the single-thread output for standard input, and the human form too", async () => {
    const one = await runCli(["eval", "--table", table, "-"], { stdin: text });
    const two = await runCli(["eval", "--table", table, "--workers", "3", "-"], { stdin: text });
    expect(two.code).toBe(one.code);
    expect(two.stdout).toBe(one.stdout);
    expect(one.stdout).toContain("LAST: CLEAN");
  }, 120_000);

  it("keeps records with non-ASCII text whole, duplicates too, from a file and standard input, through the injected Io and a real process", async () => {
    // Ids with characters of 2, 3 and 4 UTF-8 bytes shift every later record's byte offset
    // from its string offset; a repeated one is spliced back in by those offsets.
    const claims = dermClaims(3000, 77).map((c, i) => (i % 97 === 5 ? { ...c, id: `Ñ-${i}-€-😀` } : c));
    claims[2500]!.id = claims[5]!.id;
    claims[2600]!.id = claims[102]!.id;
    const file = path.join(dir, "unicode.ndjson");
    fs.writeFileSync(file, claims.map((c) => JSON.stringify(c)).join("\n") + "\n");
    const one = await runCli(["eval", "--table", table, "--json", file]);
    const two = await runCli(["eval", "--table", table, "--json", "--workers", "2", file]);
    expect(two.stdout).toBe(one.stdout);
    const out = one.stdout.trim().split("\n").map((l) => JSON.parse(l) as { claimId: string; findings: { rule: string }[] });
    expect(out).toHaveLength(3000);
    expect(out[2500]!.claimId).toBe("Ñ-5-€-😀");
    expect(out[2500]!.findings.map((f) => f.rule)).toContain("dermrules.batch.duplicate-id");
    expect(out[2600]!.findings.map((f) => f.rule)).toContain("dermrules.batch.duplicate-id");
    // Standard input goes out in batches of 512 records, which come back as bytes as well.
    const text = fs.readFileSync(file, "utf8");
    const piped = await runCli(["eval", "--table", table, "--json", "--workers", "3", "-"], { stdin: text });
    expect(piped.stdout).toBe(one.stdout);
    // A real process writes the workers' output as bytes (cli/io.ts `stdoutBytes`).
    for (const input of [file, "-"]) {
      const child = await runChild(["eval", "--table", table, "--json", "--workers", "2", input], input === "-" ? text : undefined);
      expect(child.stderr).toBe("");
      expect(child.code).toBe(one.code);
      expect(child.stdout).toBe(one.stdout);
    }
  }, 120_000);

  it("rejects a bad --workers value as usage", async () => {
    const r = await runCli(["eval", "--table", table, "--workers", "0", input]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--workers must be a whole number/);
  });
});

/**
 * End-to-end: compile the shipped rules, evaluate sample claims, check the public contract
 * (brief "Contracts"): result shape, exit codes, lossless NDJSON, invalid records.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ndjson, runCli, tempDir } from "../support/cli.ts";

let dir: string;
let table: string;

beforeAll(async () => {
  dir = tempDir();
  table = path.join(dir, "table.json");
  const r = await runCli(["compile", "rules", "-o", table]);
  expect(r.stderr).not.toMatch(/error DR/);
  expect(r.code).toBe(0);
}, 120_000);

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

describe("dermrules eval on the shipped rules", () => {
  it("denies 17003 without 17000 with an add-on error naming the 17003 line", async () => {
    const f = write("a1.ndjson", JSON.stringify({ id: "A1", serviceDate: "2024-05-15", diagnoses: ["L57.0"], lines: [{ code: "17003", units: 3, dxPointers: [1] }] }) + "\n");
    const r = await runCli(["eval", "--table", table, "--json", f]);
    expect(r.code).toBe(1);
    const [res] = ndjson(r.stdout) as any[];
    expect(res.claimId).toBe("A1");
    expect(res.verdict).toBe("deny");
    const addon = res.findings.find((x: any) => x.rule === "cms.aoc.17003");
    expect(addon).toMatchObject({ category: "addon", severity: "error", lines: [1] });
    expect(addon.source).toMatch(/AOC_V2026Q2-MCR/);
    for (const finding of res.findings) {
      for (const key of ["rule", "category", "severity", "lines", "message", "source"]) expect(finding).toHaveProperty(key);
    }
  });

  it("keeps NDJSON records one-to-one and in order, with an invalid record for a broken line", async () => {
    const r = await runCli(["eval", "--table", table, "--json", "examples/claims/batch.ndjson"]);
    expect(r.code).toBe(1);
    const out = ndjson(r.stdout) as any[];
    expect(out.map((x) => x.claimId)).toEqual(["B-1", "B-2", null, "B-4"]);
    expect(out.map((x) => x.verdict)).toEqual(["clean", "deny", "invalid", "deny"]);
    expect(out[2]).toMatchObject({ line: 3, findings: [] });
    expect(out[2].errors.length).toBeGreaterThan(0);
    expect(out[3].findings.map((f: any) => f.rule)).toContain("cms.ptp.11104.11102");
  });

  it("skips blank lines but counts them in line numbers", async () => {
    const f = write("blank.ndjson", `\n${JSON.stringify({ id: "X", serviceDate: "2024-05-15", diagnoses: ["L57.0"], lines: [{ code: "17000", units: 0 }] })}\n\n`);
    const r = await runCli(["eval", "--table", table, "--json", f]);
    const out = ndjson(r.stdout) as any[];
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ claimId: "X", line: 2, verdict: "invalid" });
    expect(out[0].errors[0].pointer).toBe("/lines/0/units");
  });

  it("marks units 0, a malformed code and a dangling dx pointer invalid, each with a pointer", async () => {
    const claims = [
      { id: "D1", serviceDate: "2024-05-15", diagnoses: ["L57.0"], lines: [{ code: "17000", units: 0, dxPointers: [1] }] },
      { id: "D2", serviceDate: "2024-05-15", diagnoses: ["L57.0"], lines: [{ code: "1700", units: 1, dxPointers: [1] }] },
      { id: "D3", serviceDate: "2024-05-15", diagnoses: ["L57.0"], lines: [{ code: "17000", units: 1, dxPointers: [4] }] },
    ];
    const f = write("d.ndjson", claims.map((c) => JSON.stringify(c)).join("\n") + "\n");
    const r = await runCli(["eval", "--table", table, "--json", f]);
    const out = ndjson(r.stdout) as any[];
    expect(out.map((x) => x.verdict)).toEqual(["invalid", "invalid", "invalid"]);
    expect(out.map((x) => x.errors[0].pointer)).toEqual(["/lines/0/units", "/lines/0/code", "/lines/0/dxPointers/0"]);
  });

  it("reads NDJSON from stdin with `-`", async () => {
    const stdin = JSON.stringify({ id: "S1", serviceDate: "2024-05-15", diagnoses: ["L57.0"], lines: [{ code: "17000", units: 1, dxPointers: [1] }] }) + "\n";
    const r = await runCli(["eval", "--table", table, "--json", "-"], { stdin });
    expect(r.code).toBe(0);
    expect(ndjson(r.stdout)).toMatchObject([{ claimId: "S1", verdict: "clean" }]);
  });

  it("renders a human report for the sample claim", async () => {
    const r = await runCli(["eval", "--table", table, "examples/claims/sample.json"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^CLM-1001: DENY/);
    expect(r.stdout).toMatch(/cms\.ptp\.17000\.99213/);
    expect(r.stdout).toMatch(/cms\.select\.malignant-excision/);
    expect(r.stdout).toMatch(/fix: replace on line 4 with 11643/);
  });

  it("exits 2 on bad usage and unreadable inputs", async () => {
    expect((await runCli(["eval", "examples/claims/sample.json"])).code).toBe(2);
    expect((await runCli(["eval", "--table", path.join(dir, "nope.json"), "examples/claims/sample.json"])).code).toBe(2);
    expect((await runCli(["eval", "--table", table, path.join(dir, "missing.ndjson")])).code).toBe(2);
    const bad = write("bad-table.json", JSON.stringify({ formatVersion: 99 }));
    const r = await runCli(["eval", "--table", bad, "examples/claims/sample.json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/formatVersion/);
    expect((await runCli(["frobnicate"])).code).toBe(2);
  });
});

describe("the one-liner", () => {
  it("compiles alone, fires at 17003 x 15 and stays silent at 17003 x 14", async () => {
    const one = path.join(dir, "one.json");
    const c = await runCli(["compile", "examples/one-liner.rules", "-o", one]);
    expect(c.code).toBe(0);
    const claim = (id: string, units: number) =>
      JSON.stringify({ id, serviceDate: "2024-05-15", diagnoses: ["L57.0"], lines: [{ code: "17000", units: 1, dxPointers: [1] }, { code: "17003", units, dxPointers: [1] }] });
    const f = write("b.ndjson", `${claim("B15", 15)}\n${claim("B14", 14)}\n`);
    const r = await runCli(["eval", "--table", one, "--json", f]);
    const [b15, b14] = ndjson(r.stdout) as any[];
    expect(b15.findings).toHaveLength(1);
    expect(b15.findings[0]).toMatchObject({ severity: "error", lines: [2] });
    expect(b14.findings).toEqual([]);
  });
});

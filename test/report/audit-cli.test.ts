/**
 * `dermrules audit` in-process: it writes the HTML report and the JSON summary, its figures
 * agree with `dermrules eval` on the same input, it reads every format, and it reports bad
 * usage with exit 2.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ndjson, runCli, tempDir } from "../support/cli.ts";
import { syntheticText } from "../formats/support/generate.ts";

let dir: string;
let table: string;

beforeAll(async () => {
  dir = tempDir();
  table = path.join(dir, "table.json");
  expect((await runCli(["compile", "rules", "-o", table])).code).toBe(0);
}, 120_000);

const readJson = (file: string): any => JSON.parse(fs.readFileSync(file, "utf8"));

describe("dermrules audit", () => {
  it("writes the report and the summary for the example claims, with the figures eval gives", async () => {
    const html = path.join(dir, "r.html");
    const json = path.join(dir, "s.json");
    const r = await runCli(["audit", "--table", table, "examples/claims/batch.ndjson", "--html", html, "--json", json]);
    expect(r.code).toBe(1); // B-2 and B-4 are denied, line 3 is invalid
    const s = readJson(json);
    const results = ndjson((await runCli(["eval", "--table", table, "--json", "examples/claims/batch.ndjson"])).stdout) as any[];
    const count = (v: string) => results.filter((x) => x.verdict === v).length;
    expect(s.totals).toMatchObject({ records: results.length, clean: count("clean"), review: count("review"), deny: count("deny"), invalid: count("invalid") });
    expect(s.totals.findings).toBe(results.reduce((n, x) => n + x.findings.length, 0));
    expect(s.input).toEqual({ name: "examples/claims/batch.ndjson", format: "json" });
    expect(r.stdout).toBe(`4 claims: 25.0% clean, 2 denied, 0 to review, 1 invalid; $0.00 of $0.00 at risk\nwrote ${html}\nwrote ${json}\n`);
    const page = fs.readFileSync(html, "utf8");
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain(`data-figure="records" data-value="4"`);
  });

  it("reads the 837P sample and puts its charges at risk on the denied lines", async () => {
    const json = path.join(dir, "x12.json");
    const r = await runCli(["audit", "--table", table, "test/fixtures/samples/x12/derm-synthetic-837p.edi", "--json", json, "--progress", "never"]);
    expect(r.stderr).toBe("");
    const s = readJson(json);
    expect(s.input.format).toBe("837");
    // DERM-0001: 17000 (120.00) denied by PTP, 17003 (102.00) by its fallen primary.
    expect(s.totals).toMatchObject({ records: 2, deny: 1, clean: 1, charges: 1582, chargesAtRisk: 222 });
    expect(s.costliestDenials).toEqual([
      { claimId: "DERM-0001", serviceDate: "2026-10-15", provider: "EXAMPLE DERMATOLOGY GROUP", payer: "cms", charges: 632, chargesAtRisk: 222, rules: ["cms.ptp.11102.17000", "cms.aoc.17003"] },
    ]);
    expect(s.byProvider.map((g: any) => [g.npi, g.claims])).toEqual([["1234567893", 2]]);
  });

  it("counts the broken imsweb file's invalid claims and envelope errors", async () => {
    const json = path.join(dir, "ims.json");
    const r = await runCli(["audit", "--table", table, "test/fixtures/samples/x12/imsweb-x12_valid.txt", "--json", json]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error DR5133/);
    const s = readJson(json);
    expect(s.totals).toMatchObject({ records: 2, invalid: 2, cleanClaimRate: 0 });
    expect(s.importDiagnostics).toMatchObject({ errors: 2, warnings: 2, byCode: { DR5104: 1, DR5113: 1, DR5114: 1, DR5133: 1 } });
    expect(s.invalidRecords.examples[0].errors[0]).toMatchObject({ pointer: "/diagnoses", code: "DR5121" });
  });

  it("gives the same figures for one batch written as NDJSON and as CSV", async () => {
    const nd = path.join(dir, "g.ndjson");
    const csv = path.join(dir, "g.csv");
    fs.writeFileSync(nd, [...syntheticText(300, "ndjson", 3)].join(""));
    fs.writeFileSync(csv, [...syntheticText(300, "csv", 3)].join(""));
    const a = path.join(dir, "a.json");
    const b = path.join(dir, "b.json");
    await runCli(["audit", "--table", table, nd, "--json", a]);
    await runCli(["audit", "--table", table, csv, "--json", b]);
    const { input: ia, generatedAt: ga, ...sa } = readJson(a);
    const { input: ib, generatedAt: gb, ...sb } = readJson(b);
    expect([ia.format, ib.format]).toEqual(["json", "csv"]);
    // Invalid records point into their own file (NDJSON line vs CSV row and column): compare the rest.
    expect(sa.invalidRecords.examples.map((x: any) => [x.claimId, x.errors[0].code])).toEqual(sb.invalidRecords.examples.map((x: any) => [x.claimId, x.errors[0].code]));
    expect(sb.invalidRecords.examples[0].errors[0].message).toMatch(/\(at `code`, line \d+, column \d+\)$/);
    sa.invalidRecords.examples = sb.invalidRecords.examples = [];
    expect(sb).toEqual(sa);
  });

  it("prints progress with --progress always and nothing with never", async () => {
    const json = path.join(dir, "p.json");
    const always = await runCli(["audit", "--table", table, "examples/claims/batch.ndjson", "--json", json, "--progress", "always"]);
    expect(always.stderr).toMatch(/^audit: 1 claims · 0 denied, 0 invalid · [\d,]+ claims\/s/m);
    expect(always.stderr).toMatch(/^audit: 4 claims in [\d.]+ s .*2 denied, 1 invalid\n$/m);
    const never = await runCli(["audit", "--table", table, "examples/claims/batch.ndjson", "--json", json, "--progress", "never"]);
    expect(never.stderr).toBe("");
  });

  it("exits 2 on bad usage and unreadable inputs", async () => {
    const h = path.join(dir, "x.html");
    for (const args of [
      ["audit", "examples/claims/batch.ndjson", "--html", h],
      ["audit", "--table", table, "examples/claims/batch.ndjson"],
      ["audit", "--table", table, "--html", h],
      ["audit", "--table", table, "examples/claims/batch.ndjson", "--html", h, "--progress", "sometimes"],
      ["audit", "--table", table, "examples/claims/batch.ndjson", "--html", h, "--format", "xml"],
      ["audit", "--table", table, path.join(dir, "missing.837"), "--html", h],
      ["audit", "--table", path.join(dir, "missing.json"), "examples/claims/batch.ndjson", "--html", h],
      ["audit", "--table", table, "examples/claims/batch.ndjson", "--html", path.join(dir, "no-such-dir", "r.html")],
    ]) {
      expect((await runCli(args)).code, args.join(" ")).toBe(2);
    }
  });
});

/**
 * `dermrules eval` on the importers' formats: sniffed or named with `--format`, one result per
 * input claim in order, import problems as invalid records with positions, file-level problems
 * on stderr, `--payer-map`, and JSON / NDJSON exactly as before.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ndjson, runCli, tempDir } from "../support/cli.ts";

let dir: string;
let table: string;
const X12 = "test/fixtures/samples/x12/derm-synthetic-837p.edi";
const BROKEN = "test/fixtures/samples/x12/imsweb-x12_valid.txt";
const FHIR = "test/fixtures/samples/fhir/derm-synthetic-claim.fhir.json";

beforeAll(async () => {
  dir = tempDir();
  table = path.join(dir, "table.json");
  const r = await runCli(["compile", "rules", "-o", table]);
  expect(r.code).toBe(0);
}, 120_000);

describe("dermrules eval with other formats", () => {
  it("sniffs an 837P file and gives one result per claim, in order", async () => {
    const r = await runCli(["eval", "--table", table, "--json", X12]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1); // DERM-0001 is denied
    expect((ndjson(r.stdout) as any[]).map((x) => [x.claimId, x.verdict])).toEqual([
      ["DERM-0001", "deny"],
      ["DERM-0002", "clean"],
    ]);
  });

  it("gives the FHIR twin the same result as the 837P claim", async () => {
    const a = ndjson((await runCli(["eval", "--table", table, "--json", X12])).stdout)[0];
    const b = ndjson((await runCli(["eval", "--table", table, "--json", FHIR])).stdout);
    expect(b).toEqual([a]);
  });

  it("turns the broken imsweb file into invalid records with positions, and envelope errors on stderr", async () => {
    const r = await runCli(["eval", "--table", table, "--json", BROKEN]);
    expect(r.code).toBe(1);
    const out = ndjson(r.stdout) as any[];
    expect(out.map((x) => [x.claimId, x.line, x.verdict])).toEqual([
      ["A37YH556", 22, "invalid"],
      ["A37YH667", 31, "invalid"],
    ]);
    for (const x of out) for (const e of x.errors) expect(e).toMatchObject({ segment: expect.any(Number), line: expect.any(Number), column: expect.any(Number) });
    expect(r.stderr).toContain("segment 36 `SE`, `SE01`, line 36, column 4: error DR5133: SE01 says `25` segments but the transaction has 34");
    const human = await runCli(["eval", "--table", table, BROKEN]);
    expect(human.stdout).toMatch(/^A37YH556 \(input line 22\): INVALID\n {4}\/diagnoses: .*\(at segment 23 `HI`, `HI01`, line 23, column 4\) \[DR5121\]/);
  });

  it("reads CSV and 837P from standard input, sniffed or named", async () => {
    const csv = "claim_id,service_date,diagnoses,code,units,dx_pointers\nS-1,2024-05-15,L57.0,17003,3,1\n";
    const r1 = await runCli(["eval", "--table", table, "--json", "-"], { stdin: csv });
    expect(ndjson(r1.stdout)).toMatchObject([{ claimId: "S-1", verdict: "deny" }]);
    const x12 = fs.readFileSync(X12, "utf8");
    const r2 = await runCli(["eval", "--table", table, "--json", "--format", "837", "-"], { stdin: x12 });
    expect((ndjson(r2.stdout) as any[]).map((x) => x.claimId)).toEqual(["DERM-0001", "DERM-0002"]);
  });

  it("applies --payer-map", async () => {
    const map = path.join(dir, "payers.json");
    fs.writeFileSync(map, JSON.stringify({ payers: { "example commercial plan": "cms" } }));
    const without = (ndjson((await runCli(["eval", "--table", table, "--json", X12])).stdout) as any[])[1];
    expect(without.findings.map((f: any) => f.rule)).toContain("dermrules.payer.unknown");
    const withMap = (ndjson((await runCli(["eval", "--table", table, "--json", "--payer-map", map, X12])).stdout) as any[])[1];
    expect(withMap.findings.map((f: any) => f.rule)).not.toContain("dermrules.payer.unknown");
  });

  it("exits 2 on a bad --format, a bad payer map, or a missing input", async () => {
    const bad = path.join(dir, "bad-map.json");
    fs.writeFileSync(bad, "{");
    expect((await runCli(["eval", "--table", table, "--format", "xml", X12])).code).toBe(2);
    const r = await runCli(["eval", "--table", table, "--payer-map", bad, X12]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/DR5401/);
    expect((await runCli(["eval", "--table", table, "--payer-map", path.join(dir, "none.json"), X12])).code).toBe(2);
    expect((await runCli(["eval", "--table", table, "--format", "837", path.join(dir, "none.edi")])).code).toBe(2);
  });

  it("keeps JSON and NDJSON as they were: `--format json` still means JSON output", async () => {
    const a = await runCli(["eval", "--table", table, "--json", "examples/claims/batch.ndjson"]);
    const b = await runCli(["eval", "--table", table, "--format", "json", "examples/claims/batch.ndjson"]);
    expect(b.stdout).toBe(a.stdout);
    expect(b.code).toBe(a.code);
    const human = await runCli(["eval", "--table", table, "--format", "human", "examples/claims/sample.json"]);
    expect(human.stdout).toMatch(/^CLM-1001: DENY/);
  });
});

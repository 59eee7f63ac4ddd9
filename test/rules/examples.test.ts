/**
 * The example encounters in examples/claims/: each `<name>.json` claim, evaluated against the
 * compiled shipped packs (rules/), must give exactly the result in `<name>.expected.json`; the
 * NDJSON batch gives `batch.expected.ndjson` record by record.
 *
 * The expected files are reviewed golden files, not hand-typed results: after a deliberate rule
 * change, regenerate them with `DERMRULES_UPDATE_EXAMPLES=1 npx vitest run test/rules/examples.test.ts`
 * and review the diff (a changed finding is a policy change).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { compilePaths } from "../../compiler/index.ts";
import { createBatchEvaluator, evaluate, loadTable, type LoadedTable } from "../../runtime/index.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const DIR = path.join(ROOT, "examples/claims");
const UPDATE = process.env.DERMRULES_UPDATE_EXAMPLES === "1";

const claimFiles = fs
  .readdirSync(DIR)
  .filter((f) => f.endsWith(".json") && !f.endsWith(".expected.json"))
  .sort();

let table: LoadedTable;

beforeAll(() => {
  const compiled = compilePaths([path.join(ROOT, "rules")], { cwd: ROOT });
  // The shipped packs compile with no diagnostic at all (no error, no warning).
  expect(compiled.diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
  const loaded = loadTable(compiled.table);
  if (!loaded.ok) throw new Error(`the compiled rules do not load: ${JSON.stringify(loaded.errors)}`);
  table = loaded.table;
});

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

/** A result with its error messages left out (they quote the platform's JSON parser). */
function stableErrors(result: unknown): unknown {
  const r = result as { errors?: { pointer: string; code: string }[] };
  return r.errors ? { ...r, errors: r.errors.map((e) => ({ pointer: e.pointer, code: e.code })) } : r;
}

describe("examples/claims", () => {
  it("holds at least 40 encounters, each with an expected result", () => {
    expect(claimFiles.length).toBeGreaterThanOrEqual(40);
    if (UPDATE) return;
    const missing = claimFiles.filter((f) => !fs.existsSync(path.join(DIR, f.replace(/\.json$/, ".expected.json"))));
    expect(missing).toEqual([]);
  });

  it.each(claimFiles)("%s gives its expected result", (file) => {
    const claim = readJson(path.join(DIR, file)) as { id: string };
    const result = evaluate(table, claim);
    const expectedFile = path.join(DIR, file.replace(/\.json$/, ".expected.json"));
    if (UPDATE) fs.writeFileSync(expectedFile, JSON.stringify(result, null, 2) + "\n");
    expect(result.verdict).not.toBe("invalid");
    expect(result).toEqual(readJson(expectedFile));
    expect(result.claimId).toBe(claim.id);
  });

  it("the NDJSON batch gives batch.expected.ndjson, record by record", () => {
    const next = createBatchEvaluator(table);
    const lines = fs.readFileSync(path.join(DIR, "batch.ndjson"), "utf8").split("\n");
    const results = lines.flatMap((text, i) => (text.trim() === "" ? [] : [next(text, i + 1)]));
    const expectedFile = path.join(DIR, "batch.expected.ndjson");
    if (UPDATE) fs.writeFileSync(expectedFile, results.map((r) => JSON.stringify(r)).join("\n") + "\n");
    const expected = fs
      .readFileSync(expectedFile, "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => JSON.parse(l) as unknown);
    // An invalid record's message quotes the JSON parser's own words, which differ between Node
    // versions: compare its pointer and code only.
    expect(results.map(stableErrors)).toEqual(expected.map(stableErrors));
  });

  it("every example's expected verdict matches its findings (deny = an error, review = a warning)", () => {
    for (const file of claimFiles) {
      const expected = readJson(path.join(DIR, file.replace(/\.json$/, ".expected.json"))) as {
        verdict: string;
        findings: { severity: string }[];
      };
      const sev = new Set(expected.findings.map((f) => f.severity));
      const verdict = sev.has("error") ? "deny" : sev.has("warning") ? "review" : "clean";
      expect(expected.verdict, file).toBe(verdict);
    }
  });
});

/**
 * Flat memory: the live heap after a full GC hardly grows between 5,000 and 30,000 streamed
 * claims, for each importer with the runtime and the audit aggregation behind it. The only
 * state that grows with the claim count is the runtime's set of claim ids seen (the batch's
 * duplicate-id warning), a few dozen bytes per claim. Measured in a child process (it needs
 * `--expose-gc`); the 100,000-claim figures are in docs/formats.md.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, runCli, tempDir } from "../support/cli.ts";

let table: string;
beforeAll(async () => {
  table = path.join(tempDir(), "table.json");
  expect((await runCli(["compile", "rules", "-o", table])).code).toBe(0);
}, 120_000);

const TSX = path.join(REPO_ROOT, "node_modules", "tsx", "dist", "loader.mjs");

function probe(format: string, claims: number, marks: number[]): { claims: number; heap: Record<string, number>; records: number } {
  const out = execFileSync(process.execPath, ["--expose-gc", "--import", TSX, "test/report/support/memory-probe.ts", table, format, String(claims), ...marks.map(String)], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split("\n").pop()!);
}

describe("memory on a stream of claims", () => {
  it.each(["837", "csv", "json"])("stays flat for %s input", (format) => {
    const r = probe(format, 30_000, [5_000, 30_000]);
    expect(r.records).toBe(30_000);
    const growth = r.heap[30_000]! - r.heap[5_000]!;
    // Measured: about 65 bytes a claim (the runtime's id set). Holding the claims themselves would be ~2 KB each.
    expect(growth, `${(growth / 1048576).toFixed(2)} MB`).toBeLessThan(25_000 * 150);
  }, 120_000);
});

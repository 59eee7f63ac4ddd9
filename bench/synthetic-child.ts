/**
 * Workload (c), one table size, in a fresh process (spawned by bench/run.ts): loads the compiled
 * synthetic table and times evaluation on claims over its codes. A fresh process per size keeps
 * the heap to the table and the claims, so the sizes differ only in the table (a process that
 * still held the generator's million-pair arrays would slow its own collections).
 * `node --import tsx bench/synthetic-child.ts <rows> <claims> <table.json>`; prints JSON.
 */
import * as fs from "node:fs";
import { loadTable } from "../runtime/index.ts";
import { evaluateChecked } from "../runtime/evaluate.ts";
import type { Claim } from "../runtime/types.ts";
import { DERM_DX, syntheticPtpTsv, universeClaims } from "./claims.ts";
import { median, rate, timeIt } from "./util.ts";

const SEED = 20260601;

/** The claims for a size: the generator's arrays are garbage once this returns. */
function claimsFor(rows: number, n: number): Claim[] {
  const { codes, pairs } = syntheticPtpTsv(rows, SEED + rows);
  // The same claim shapes at every size: half the claims built around one of ~5,000 real pairs.
  return universeClaims(n, SEED + 5, codes, pairs.filter((_, i) => i % Math.max(1, Math.floor(pairs.length / 5000)) === 0), DERM_DX);
}

const [rowsArg, nArg, tablePath] = process.argv.slice(2);
const claims = claimsFor(Number(rowsArg), Number(nArg));
const text = fs.readFileSync(tablePath!, "utf8");
const loads: number[] = [];
for (let i = 0; i < 5; i++) {
  const t = timeIt(() => {
    if (!loadTable(text).ok) throw new Error("synthetic table does not load");
  });
  if (i >= 2) loads.push(t.cpu * 1000);
}
const loaded = loadTable(text);
if (!loaded.ok) throw new Error("synthetic table does not load");
const lt = loaded.table;
let sink = 0;
const r = rate(() => {
  for (let i = 0; i < claims.length; i++) sink += evaluateChecked(lt, claims[i]!).findings.length;
}, claims.length);
process.stdout.write(JSON.stringify({ claimsPerSec: r.cpu, claimsPerSecWall: r.wall, loadMs: median(loads), sink: sink % 7 }) + "\n");

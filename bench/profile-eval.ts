/**
 * Profiling driver: evaluates workload (a) in a loop so `node --cpu-prof` sees the hot path.
 * `node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile-eval.ts [table.json] [seconds] [validate]`
 */
import * as fs from "node:fs";
import { loadTable, evaluate } from "../runtime/index.ts";
import { evaluateChecked } from "../runtime/evaluate.ts";
import { dermClaims } from "./claims.ts";

const [tablePath = "bench/.work/derm.json", secs = "5", mode = "pre"] = process.argv.slice(2);
const loaded = loadTable(fs.readFileSync(tablePath, "utf8"));
if (!loaded.ok) throw new Error(loaded.errors[0]!.message);
const lt = loaded.table;
const claims = dermClaims(50_000, 20260601);
let sink = 0;
let n = 0;
const t0 = performance.now();
while (performance.now() - t0 < Number(secs) * 1000) {
  for (const c of claims) sink += (mode === "pre" ? evaluateChecked(lt, c) : evaluate(lt, c)).findings.length;
  n += claims.length;
}
const cpu = process.cpuUsage();
console.log(`${n} claims, ${(n / ((cpu.user + cpu.system) / 1e6)).toFixed(0)} claims/s CPU (incl. setup), sink ${sink % 7}`);

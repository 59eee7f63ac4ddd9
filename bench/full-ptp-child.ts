/**
 * Workload (b) in a fresh process (spawned by bench/run.ts): builds the claims from the CMS PTP
 * file, loads the compiled full table and times evaluation, pre-validated and with validation,
 * like workload (a) (medians of 7 runs after 2 warm-ups, CPU time). A fresh process gives (b) the
 * heap (a) has, not one that still holds (a)'s claims and the baseline's tables.
 * `node --import tsx bench/full-ptp-child.ts <table.json> <ncci-ptp-full.tsv.gz> <claims>`; prints JSON.
 */
import * as fs from "node:fs";
import { loadTable } from "../runtime/index.ts";
import { fullPtpClaims } from "./claims.ts";
import { evalRates } from "./util.ts";

const SEED = 20260601;
const [tablePath, ptpFile, nArg] = process.argv.slice(2);
// The same claims as the bench has always drawn for (b): pairs sampled with SEED + 2, claims with SEED + 3.
const { claims, codes } = fullPtpClaims(ptpFile!, Number(nArg), SEED + 2);
const loaded = loadTable(fs.readFileSync(tablePath!, "utf8"));
if (!loaded.ok) throw new Error(`full PTP table does not load: ${loaded.errors[0]!.message}`);
const lt = loaded.table;
const { pre, val, sink } = evalRates(lt, claims);
process.stdout.write(JSON.stringify({ pre: pre.cpu, val: val.cpu, codes, sink: sink % 7 }) + "\n");

/**
 * `npm run bench:floor`: lower bounds under the evaluation of workload (a), on this machine.
 *
 * The pre-validated target (1,000,000 claims/s) leaves 1 µs per claim. This script times, on
 * the same 50,000 claims as `npm run bench` (and on their first 1,000 evaluated 50 times over,
 * which stay in the CPU caches), passes that do only part of what any evaluator of these rules
 * must do, each including the one before it:
 *
 * 1. touch: read every field evaluation reads (ids, dates, diagnoses, each line's code, units,
 *    modifiers, pointers, facts), and nothing else;
 * 2. intern: also turn each line's code into the table's code id (`codeSlot`, `codeIdOfSlot`)
 *    and collect the claim's distinct codes, as the evaluator does before any edit;
 * 3. PTP probes: also look every ordered pair of distinct codes up in the table's PTP index
 *    (`ptpMayHave`, `ptpPairIndex`), which is where NCCI bundling starts, before any pair is
 *    examined;
 * 4. evaluate: `evaluateChecked`, everything (rules, PTP, MUE, add-ons, ICD-10-CM, findings).
 *
 * It also counts the work per claim: lines, distinct codes, PTP probes and present pairs,
 * findings. Medians of 7 runs after 2 warm-ups, by CPU time, like the bench. The table is
 * bench/.work/derm.json (`npm run bench` writes it; else `npx dermrules compile rules -o …`).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { loadTable } from "../runtime/index.ts";
import { evaluateChecked } from "../runtime/evaluate.ts";
import { codeIdOfSlot, ptpMayHave, ptpPairIndex, type LoadedTable } from "../runtime/load.ts";
import { codeSlot } from "../runtime/codes.ts";
import type { Claim } from "../runtime/types.ts";
import { dermClaims } from "./claims.ts";
import { WORK, fmtNum, machine, rate } from "./util.ts";

const SEED = 20260601;
const TABLE = path.join(WORK, "derm.json");
if (!fs.existsSync(TABLE)) {
  process.stderr.write(`${TABLE} is missing: run \`npm run bench\` or \`npx dermrules compile rules -o bench/.work/derm.json\`\n`);
  process.exit(2);
}
const loaded = loadTable(fs.readFileSync(TABLE, "utf8"));
if (!loaded.ok) throw new Error(`table: ${loaded.errors[0]!.message}`);
const lt: LoadedTable = loaded.table;
const ptp = lt.layers.get(lt.defaultLayer)!.ptp;
const claims = dermClaims(50_000, SEED);

let sink = 0;
const ids = new Int32Array(64);

function touch(c: Claim): number {
  let s = c.id.length + (c.payer?.length ?? 0) + (c.serviceDate?.length ?? 0) + (c.patient?.birthDate?.length ?? 0);
  const dx = c.diagnoses;
  for (let i = 0; i < dx.length; i++) s += dx[i]!.charCodeAt(0);
  const lines = c.lines;
  for (let l = 0; l < lines.length; l++) {
    const line = lines[l]!;
    s += line.code.charCodeAt(4) + line.units;
    const mods = line.modifiers;
    if (mods !== undefined) for (let k = 0; k < mods.length; k++) s += mods[k]!.charCodeAt(1);
    const ptrs = line.dxPointers;
    if (ptrs !== undefined) for (let k = 0; k < ptrs.length; k++) s += ptrs[k]!;
    if (line.facts !== undefined) s++;
    if (line.serviceDate !== undefined) s++;
  }
  return s;
}

/** Touch, then the claim's distinct code ids into `ids`; returns how many. */
function intern(c: Claim): number {
  sink += touch(c);
  const lines = c.lines;
  let n = 0;
  for (let l = 0; l < lines.length; l++) {
    const id = codeIdOfSlot(lt.slotIds, codeSlot(lines[l]!.code));
    let j = 0;
    while (j < n && ids[j] !== id) j++;
    if (j === n) ids[n++] = id;
  }
  return n;
}

/** Intern, then every ordered pair of distinct codes through the PTP index; returns the pairs found. */
function probe(c: Claim): number {
  const n = intern(c);
  let found = 0;
  for (const t of ptp) {
    for (let i = 0; i < n; i++) {
      const a = ids[i]!;
      if (a < 0) continue;
      for (let j = 0; j < n; j++) {
        const b = ids[j]!;
        if (j === i || b < 0 || !ptpMayHave(t, a, b)) continue;
        if (ptpPairIndex(t, a, b) >= 0) found++;
      }
    }
  }
  return found;
}

// Work per claim.
let lines = 0;
let distinct = 0;
let probes = 0;
let present = 0;
let findings = 0;
for (const c of claims) {
  lines += c.lines.length;
  const n = intern(c);
  distinct += n;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j && ids[i]! >= 0 && ids[j]! >= 0) probes += ptp.length;
  present += probe(c);
  findings += evaluateChecked(lt, c).findings.length;
}

const passes: [string, (c: Claim) => number][] = [
  ["touch the fields evaluation reads", touch],
  ["+ intern codes, distinct codes", intern],
  ["+ probe the PTP index for every ordered pair", probe],
  ["evaluate (evaluateChecked): everything", (c) => evaluateChecked(lt, c).findings.length],
];
const cached = claims.slice(0, 1000);
const rows: { name: string; all: number; cached: number }[] = [];
for (const [name, fn] of passes) {
  const all = rate(() => {
    for (let i = 0; i < claims.length; i++) sink += fn(claims[i]!);
  }, claims.length);
  const hot = rate(() => {
    for (let r = 0; r < 50; r++) for (let i = 0; i < cached.length; i++) sink += fn(cached[i]!);
  }, cached.length * 50);
  rows.push({ name, all: all.cpu, cached: hot.cpu });
}

const m = machine();
console.log(`bench/floor.ts: workload (a), ${fmtNum(claims.length)} claims; ${m.nproc} × ${m.cpu}, node ${m.node}`);
console.log(
  `per claim: ${fmtNum(lines / claims.length, 2)} lines, ${fmtNum(distinct / claims.length, 2)} distinct codes, ` +
    `${fmtNum(probes / claims.length, 1)} PTP probes finding ${fmtNum(present / claims.length, 1)} pairs, ${fmtNum(findings / claims.length, 2)} findings`,
);
console.log("");
console.log(`${"pass".padEnd(48)} ${"50,000 claims".padStart(22)} ${"1,000 claims, cached".padStart(24)}`);
for (const r of rows) {
  const cell = (rate: number) => `${(1e6 / rate).toFixed(2)} µs (${fmtNum(rate)}/s)`;
  console.log(`${r.name.padEnd(48)} ${cell(r.all).padStart(22)} ${cell(r.cached).padStart(24)}`);
}
console.log(`\n(sink ${sink % 7})`);

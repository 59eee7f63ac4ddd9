/**
 * `npm run bench:peers`: the same NCCI edits (PTP, MUE, add-on) in two general rule engines,
 * json-rules-engine and GoRules ZEN (@gorules/zen-engine, native build), side by side with the
 * dermrules runtime in the same run. Writes `peers` into bench/results.json.
 *
 * The dermatology-size rule set: the live PTP pairs whose two codes are both integumentary
 * (10004–19499), the MUE limits of integumentary codes and the add-on rows of integumentary
 * add-ons, taken from data/ — about 21,000 rules. Our runtime gets a table compiled from the
 * same rows (written as CMS-layout files under bench/.work/peers/), so all three hold the same
 * edits.
 *
 * What each peer does: its engine matches every rule against the claim's facts (codes present,
 * units per code, date of service) and reports the edits that apply: one rule per PTP pair
 * (both codes present), per MUE code (units over the limit), per add-on row (add-on present,
 * row in force). A shared adapter (`findingsFromEdits`) turns those reports into findings with
 * the NCCI per-line semantics (modifier exceptions, add-on primaries, the add-on that falls with
 * its primary) and our messages, by running the hand-written evaluator of bench/baseline.ts on
 * just the edits the engine reported. The adapter costs microseconds per claim; the engines,
 * milliseconds.
 *
 * Our runtime is timed on the same table and claims in a fresh child process (this one holds
 * every peer's data; its in-process rate is printed beside it).
 *
 * Before any timing, each peer's results must equal ours on a sample (2,000 claims; 200 for a
 * peer slower than 100 claims/s), or the run fails. Then each peer is timed for 20 s, and its
 * largest rule set (more PTP pairs that touch an integumentary code, up to all 368k) that builds
 * and evaluates 10 claims within 60 s is found in a child process.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { spawnSync } from "node:child_process";
import { isDeepStrictEqual } from "node:util";
import { Engine, type NestedCondition } from "json-rules-engine";
import { ZenEngine } from "@gorules/zen-engine";
import { compilePaths, serializeTable } from "../compiler/index.ts";
import { loadTable, type LoadedTable } from "../runtime/index.ts";
import { evaluateChecked } from "../runtime/evaluate.ts";
import { dayNumber } from "../runtime/dates.ts";
import type { Claim, ClaimResult } from "../runtime/types.ts";
import { dermClaims } from "./claims.ts";
import { evaluateBaseline, loadBaseline, type Baseline } from "./baseline.ts";
import { ROOT, WORK, fmtNum, machine, rate } from "./util.ts";

const DIR = path.join(WORK, "peers");
const SEED = 20260601;
const TIME_SEC = Number(process.env.PEERS_TIME_SEC ?? 20);
const SCALE_LIMIT_SEC = 60;

const isInteg = (c: string) => /^[0-9]{5}$/.test(c) && c >= "10004" && c <= "19499";

function tsvRows(file: string): string[][] {
  const text = zlib.gunzipSync(fs.readFileSync(file)).toString("utf8");
  const out: string[][] = [];
  const lines = text.split("\n");
  for (let i = 1; i < lines.length; i++) if (lines[i] !== "") out.push(lines[i]!.split("\t"));
  return out;
}

const HEADERS = {
  ptp: "column1\tcolumn2\tprior1996\teffective\tdeletion\tmodifier\trationale",
  mue: "code\tmue\tmai\trationale",
  aoc: "AOC_Edit_Type\tAdd-On_Code\tAOC_DelDT\tPrimary_Code\tPrimary_Code_DelDT\tAOC_Edit_EffDT\tAOC_Edit_DelDT\tSpecial_Instruction_Notes",
};

/** The edit rows of a rule set of `extraPtp` more PTP pairs than the dermatology core. */
interface RuleSet {
  ptp: string[][];
  mue: string[][];
  aoc: string[][];
}

/** Live PTP rows (deletion `*`, indicator 0 or 1): both codes integumentary first, then the rest that touch one. */
function ruleSet(size: number | "derm"): RuleSet {
  const ptpAll = tsvRows(path.join(ROOT, "data", "ncci-ptp-derm.tsv.gz")).filter((r) => r[4] === "*" && (r[5] === "0" || r[5] === "1"));
  const core = ptpAll.filter((r) => isInteg(r[0]!) && isInteg(r[1]!));
  const rest = ptpAll.filter((r) => !(isInteg(r[0]!) && isInteg(r[1]!)));
  const mue = tsvRows(path.join(ROOT, "data", "mue-practitioner.tsv.gz")).filter((r) => isInteg(r[0]!));
  const aoc = tsvRows(path.join(ROOT, "data", "aoc.tsv.gz")).filter((r) => isInteg(r[1]!));
  const ptp = size === "derm" ? core : [...core, ...rest].slice(0, Math.max(core.length, size - mue.length - aoc.length));
  return { ptp, mue, aoc };
}

function writeRuleSet(rs: RuleSet, dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const k of ["ptp", "mue", "aoc"] as const) fs.writeFileSync(path.join(dir, `${k}.tsv`), [HEADERS[k], ...rs[k].map((r) => r.join("\t"))].join("\n") + "\n");
  fs.writeFileSync(
    path.join(dir, "ncci.rules"),
    `ruleset cms\nptp "ptp.tsv"\n  version "bench"\n  source "CMS NCCI practitioner PTP edits v30.1r0"\nmue "mue.tsv"\n  version "bench"\n  source "CMS NCCI practitioner MUE table, effective 2024-07-01"\naoc "aoc.tsv"\n  version "bench"\n  source "CMS NCCI add-on code edits AOC_V2026Q2-MCR"\n`,
  );
}

const julian = (s: string): number | null => {
  if (s === "") return null;
  return Math.round(Date.UTC(Number(s.slice(0, 4)), 0, Number(s.slice(4))) / 86400000);
};

/** An edit a peer reported for a claim. */
type Fired =
  | { kind: "ptp"; a: string; b: string; ind: number }
  | { kind: "mue"; code: string; limit: number; mai: number }
  | { kind: "aoc"; addon: string; type: number; primary: string; primaryUntil: number | null };

/** Facts a claim gives the engines (single date of service: the bench claims have one). */
interface Facts {
  codes: string[];
  dos: number;
  /** Total units per code, keys prefixed with `c` (JSON paths and expressions dislike numeric keys). */
  units: Record<string, number>;
  maxUnits: Record<string, number>;
}

function factsOf(c: Claim): Facts {
  const codes: string[] = [];
  const units: Record<string, number> = {};
  const maxUnits: Record<string, number> = {};
  for (const l of c.lines) {
    if (!codes.includes(l.code)) codes.push(l.code);
    units[`c${l.code}`] = (units[`c${l.code}`] ?? 0) + l.units;
    maxUnits[`c${l.code}`] = Math.max(maxUnits[`c${l.code}`] ?? 0, l.units);
  }
  return { codes, dos: dayNumber(c.serviceDate!)!, units, maxUnits };
}

/**
 * Findings from the edits a peer reported: the hand-written evaluator run on a per-claim table
 * holding only those edits (so the per-line NCCI semantics and the texts are the baseline's).
 */
function findingsFromEdits(base: Baseline, claim: Claim, fired: Fired[]): ClaimResult {
  const ids = new Map<string, number>();
  for (const l of claim.lines) if (!ids.has(l.code)) ids.set(l.code, ids.size);
  const n = ids.size;
  let next = n;
  const idOf = (c: string) => ids.get(c) ?? (ids.set(c, next), next++);
  const pairs = new Map<number, number[]>();
  const mueLimit = new Int32Array(n + 64).fill(-1);
  const mueMai = new Uint8Array(n + 64);
  const aoc: Baseline["aoc"] = [];
  for (const f of fired) {
    if (f.kind === "ptp") pairs.set(idOf(f.a) * 65536 + idOf(f.b), [-1e9, 1e9, f.ind]);
    else if (f.kind === "mue") {
      mueLimit[idOf(f.code)] = f.limit;
      mueMai[idOf(f.code)] = f.mai;
    } else {
      const list = (aoc[idOf(f.addon)] ??= []);
      list.push({ type: f.type as 1 | 2 | 3, primary: f.primary === "CCCCC" ? -1 : idOf(f.primary), primaryCode: f.primary, primaryDel: f.primaryUntil ?? 1e9, from: -1e9, until: 1e9 });
    }
  }
  return evaluateBaseline({ ...base, ids, pairs, mueLimit, mueMai, aoc }, claim);
}

// ------------------------------------------------------------------------------ the peers

interface Peer {
  name: string;
  rules: number;
  /** Evaluates one claim to the edits that apply. */
  run(f: Facts): Promise<Fired[]>;
}

function ptpCondition(a: string, b: string) {
  return { all: [{ fact: "codes", operator: "contains", value: a }, { fact: "codes", operator: "contains", value: b }] };
}

/** json-rules-engine: one rule per edit, conditions on the claim facts, an event per applying edit. */
function jsonRulesEngine(rs: RuleSet): Peer {
  const engine = new Engine([], { allowUndefinedFacts: true });
  let rules = 0;
  for (const r of rs.ptp) {
    engine.addRule({ conditions: ptpCondition(r[0]!, r[1]!), event: { type: "ptp", params: { a: r[0], b: r[1], ind: Number(r[5]) } } });
    rules++;
  }
  for (const r of rs.mue) {
    const mai = Number(r[2]);
    engine.addRule({
      conditions: { all: [{ fact: "codes", operator: "contains", value: r[0] }, { fact: mai === 1 ? "maxUnits" : "units", path: `$.c${r[0]}`, operator: "greaterThan", value: Number(r[1]) }] },
      event: { type: "mue", params: { code: r[0], limit: Number(r[1]), mai } },
    });
    rules++;
  }
  for (const r of rs.aoc) {
    const from = julian(r[5]!);
    const until = julian(r[6]!);
    const all: NestedCondition[] = [{ fact: "codes", operator: "contains", value: r[1]! }];
    if (from !== null) all.push({ fact: "dos", operator: "greaterThanInclusive", value: from });
    if (until !== null) all.push({ fact: "dos", operator: "lessThanInclusive", value: until });
    engine.addRule({ conditions: { all }, event: { type: "aoc", params: { addon: r[1], type: Number(r[0]), primary: r[3], primaryUntil: julian(r[4]!) } } });
    rules++;
  }
  return {
    name: "json-rules-engine",
    rules,
    async run(f) {
      const { events } = await engine.run({ ...f });
      return events.map((e) => ({ kind: e.type, ...e.params }) as Fired);
    },
  };
}

const q = (s: string) => JSON.stringify(s);

/** GoRules ZEN: one decision table, hit policy "collect", a row per edit over the claim facts. */
function zen(rs: RuleSet): Peer {
  const rows: Record<string, string>[] = [];
  for (const r of rs.ptp) rows.push({ _id: `p${rows.length}`, c: `contains($.codes, ${q(r[0]!)}) and contains($.codes, ${q(r[1]!)})`, k: q("ptp"), a: q(r[0]!), b: q(r[1]!), n: r[5]!, m: "0" });
  for (const r of rs.mue) {
    const field = r[2] === "1" ? "maxUnits" : "units";
    rows.push({ _id: `m${rows.length}`, c: `contains($.codes, ${q(r[0]!)}) and $.${field}.c${r[0]} > ${r[1]}`, k: q("mue"), a: q(r[0]!), b: q(""), n: r[1]!, m: r[2]! });
  }
  for (const r of rs.aoc) {
    const from = julian(r[5]!);
    const until = julian(r[6]!);
    let c = `contains($.codes, ${q(r[1]!)})`;
    if (from !== null) c += ` and $.dos >= ${from}`;
    if (until !== null) c += ` and $.dos <= ${until}`;
    const pu = julian(r[4]!);
    rows.push({ _id: `a${rows.length}`, c, k: q("aoc"), a: q(r[1]!), b: q(r[3]!), n: r[0]!, m: pu === null ? "null" : String(pu) });
  }
  const content = {
    nodes: [
      { id: "in", type: "inputNode", name: "claim", position: { x: 0, y: 0 } },
      {
        id: "edits",
        type: "decisionTableNode",
        name: "ncci",
        position: { x: 0, y: 0 },
        content: {
          hitPolicy: "collect",
          rules: rows,
          inputs: [{ id: "c", name: "claim", field: "claim" }],
          outputs: ["k", "a", "b", "n", "m"].map((id) => ({ id, name: id, field: id })),
        },
      },
      { id: "out", type: "outputNode", name: "out", position: { x: 0, y: 0 } },
    ],
    edges: [
      { id: "e1", sourceId: "in", targetId: "edits", type: "edge" },
      { id: "e2", sourceId: "edits", targetId: "out", type: "edge" },
    ],
  };
  const engine = new ZenEngine();
  const decision = engine.createDecision(content);
  return {
    name: "zen",
    rules: rows.length,
    async run(f) {
      const r = await decision.evaluate({ claim: f });
      const out = (Array.isArray(r.result) ? r.result : []) as { k: string; a: string; b: string; n: number; m: number | null }[];
      return out.map((o): Fired =>
        o.k === "ptp"
          ? { kind: "ptp", a: o.a, b: o.b, ind: o.n }
          : o.k === "mue"
            ? { kind: "mue", code: o.a, limit: o.n, mai: o.m as number }
            : { kind: "aoc", addon: o.a, type: o.n, primary: o.b, primaryUntil: o.m },
      );
    },
  };
}

const PEERS: Record<string, (rs: RuleSet) => Peer> = { "json-rules-engine": jsonRulesEngine, zen };

/** Claims for the peers: workload (a)'s generator, dx headers replaced (the peers hold no ICD-10-CM list). */
function peerClaims(n: number, seed: number): Claim[] {
  return dermClaims(n, seed).map((c) => ({ ...c, diagnoses: c.diagnoses.map((d) => (d === "C44.31" ? "C44.311" : d)) }));
}

function baselineFor(dir: string, lt: LoadedTable): Baseline {
  const t = lt.table;
  return loadBaseline({
    ptp: path.join(dir, "ptp.tsv"),
    mue: path.join(dir, "mue.tsv"),
    aoc: path.join(dir, "aoc.tsv"),
    icd: path.join(ROOT, "data", "icd10cm-order.tsv.gz"),
    ptpSource: t.edits.ptp[0]!.source,
    mueSource: t.edits.mue[0]!.source,
    aocSource: t.edits.aoc[0]!.source,
    icdVersion: t.icd10.version,
  });
}

/** Child mode: our rate on the peers' table (written by the parent) and timing claims; prints JSON. */
function oursChild(): void {
  const loaded = loadTable(fs.readFileSync(path.join(WORK, "peers.json"), "utf8"));
  if (!loaded.ok) throw new Error(loaded.errors[0]!.message);
  const lt = loaded.table;
  const timing = peerClaims(20000, SEED + 10);
  let sink = 0;
  const r = rate(() => {
    for (const c of timing) sink += evaluateChecked(lt, c).findings.length;
  }, timing.length);
  process.stdout.write(JSON.stringify({ cpu: r.cpu, wall: r.wall, sink: sink % 7 }) + "\n");
}

/** Child mode: build a peer with `size` rules and evaluate 10 claims; prints JSON. */
async function scaleChild(peerName: string, size: number): Promise<void> {
  const t0 = performance.now();
  const rs = ruleSet(size);
  const peer = PEERS[peerName]!(rs);
  const built = performance.now();
  const claims = peerClaims(10, SEED + 11);
  for (const c of claims) await peer.run(factsOf(c));
  const done = performance.now();
  process.stdout.write(JSON.stringify({ rules: peer.rules, buildSec: (built - t0) / 1000, perClaimMs: (done - built) / claims.length }) + "\n");
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === "--scale") return scaleChild(argv[1]!, Number(argv[2]));
  if (argv[0] === "--ours") return oursChild();
  const only = argv.filter((a) => !a.startsWith("-"));
  console.log("peers: the same PTP/MUE/add-on edits, dermatology size\n");
  const rs = ruleSet("derm");
  writeRuleSet(rs, DIR);
  const compiled = compilePaths([DIR]);
  if (!compiled.table) throw new Error("compile of the peers' rule set failed");
  const tableText = serializeTable(compiled.table);
  fs.writeFileSync(path.join(WORK, "peers.json"), tableText);
  const loaded = loadTable(tableText);
  if (!loaded.ok) throw new Error(loaded.errors[0]!.message);
  const lt = loaded.table;
  const base = baselineFor(DIR, lt);
  const nRules = rs.ptp.length + rs.mue.length + rs.aoc.length;
  // Every live PTP pair that touches an integumentary code (the issue's 368k), with MUE and add-on.
  const all = ruleSet(Number.MAX_SAFE_INTEGER);
  const maxRules = all.ptp.length + all.mue.length + all.aoc.length;
  console.log(`  rule set: ${fmtNum(rs.ptp.length)} PTP pairs + ${fmtNum(rs.mue.length)} MUE codes + ${fmtNum(rs.aoc.length)} add-on rows = ${fmtNum(nRules)} rules`);

  const claims = peerClaims(2000, SEED + 9);
  const ours = claims.map((c) => evaluateChecked(lt, c));
  const withFindings = ours.filter((r) => r.findings.length > 0).length;
  console.log(`  sample: ${claims.length} claims, ${withFindings} with findings`);
  // Our rate on the same claims and table, measured in this run in a fresh process (as each
  // peer's scale test is): this process holds every peer's data, and its large heap makes the
  // young-generation collections of an allocating loop slower (in-process figure printed too).
  const timing = peerClaims(20000, SEED + 10);
  let sink = 0;
  const inProcess = rate(() => {
    for (const c of timing) sink += evaluateChecked(lt, c).findings.length;
  }, timing.length);
  const child = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "bench", "peers.ts"), "--ours"], { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 20 });
  if (child.status !== 0) throw new Error(`our timing process failed: ${child.stderr}`);
  const oursRate = JSON.parse(child.stdout.trim().split("\n").pop()!) as { cpu: number; wall: number };
  console.log(`  dermrules runtime: ${fmtNum(oursRate.cpu)} claims/s (CPU; wall ${fmtNum(oursRate.wall)}), fresh process; ${fmtNum(inProcess.cpu)} in this one`);

  const results: Record<string, unknown> = {};
  for (const name of Object.keys(PEERS)) {
    if (only.length > 0 && !only.includes(name)) continue;
    console.log(`\n${name}`);
    const tb = performance.now();
    const peer = PEERS[name]!(rs);
    const buildSec = (performance.now() - tb) / 1000;
    console.log(`  built with ${fmtNum(peer.rules)} rules in ${fmtNum(buildSec, 1)} s`);
    // A quick rate decides the sample size (200 for a peer slower than 100 claims/s).
    const c0 = performance.now();
    for (let i = 0; i < 10; i++) await peer.run(factsOf(claims[i]!));
    const quick = 10 / ((performance.now() - c0) / 1000);
    const sampleN = quick < 100 ? 200 : 2000;
    let sampleFindings = 0;
    for (let i = 0; i < sampleN; i++) {
      const theirs = findingsFromEdits(base, claims[i]!, await peer.run(factsOf(claims[i]!)));
      if (!isDeepStrictEqual(theirs, ours[i])) {
        throw new Error(`${name} differs from dermrules on claim ${claims[i]!.id}:\nours ${JSON.stringify(ours[i])}\n${name} ${JSON.stringify(theirs)}`);
      }
      if (theirs.findings.length > 0) sampleFindings++;
    }
    console.log(`  equal results on ${sampleN} claims (${sampleFindings} with findings)`);
    // Timed: as many claims as fit in TIME_SEC (at least 10), CPU and wall.
    const cpu0 = process.cpuUsage();
    const w0 = performance.now();
    let n = 0;
    while (n < 10 || performance.now() - w0 < TIME_SEC * 1000) {
      const c = timing[n % timing.length]!;
      sink += findingsFromEdits(base, c, await peer.run(factsOf(c))).findings.length;
      n++;
    }
    const wall = (performance.now() - w0) / 1000;
    const cu = process.cpuUsage(cpu0);
    const cpuRate = n / ((cu.user + cu.system) / 1e6);
    const wallRate = n / wall;
    console.log(`  ${fmtNum(n)} claims: ${fmtNum(cpuRate, 1)} claims/s (CPU; wall ${fmtNum(wallRate, 1)})`);
    console.log(`  dermrules / ${name}: ${fmtNum(oursRate.cpu / cpuRate)}× (CPU), ${fmtNum(oursRate.wall / wallRate)}× (wall)`);
    // The largest rule set it handles in 60 s: build + 10 claims, each size in a fresh process.
    const sizes = [nRules, 50_000, 100_000, 200_000, maxRules];
    let largest: { rules: number; buildSec: number; perClaimMs: number } | null = null;
    let failedAt: number | null = null;
    for (const size of sizes) {
      const r = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "bench", "peers.ts"), "--scale", name, String(size)], {
        cwd: ROOT,
        timeout: SCALE_LIMIT_SEC * 1000,
        encoding: "utf8",
        maxBuffer: 1 << 20,
      });
      if (r.status !== 0 || r.error) {
        failedAt = size;
        console.log(`  ${fmtNum(size)} rules: not within ${SCALE_LIMIT_SEC} s${r.error ? ` (${(r.error as NodeJS.ErrnoException).code})` : ""}`);
        break;
      }
      const got = JSON.parse(r.stdout.trim().split("\n").pop()!) as { rules: number; buildSec: number; perClaimMs: number };
      largest = got;
      console.log(`  ${fmtNum(got.rules)} rules: built in ${fmtNum(got.buildSec, 1)} s, ${fmtNum(got.perClaimMs, 1)} ms per claim`);
      if (got.rules < size - 1000) break; // every live pair touching an integumentary code is in
    }
    results[name] = {
      claimsPerSec: cpuRate,
      claimsPerSecWall: wallRate,
      ratio: oursRate.cpu / cpuRate,
      ratioWall: oursRate.wall / wallRate,
      rulesLoaded: peer.rules,
      buildSec,
      sampleClaims: sampleN,
      sampleWithFindings: sampleFindings,
      largestRulesIn60s: largest?.rules ?? null,
      largestPerClaimMs: largest?.perClaimMs ?? null,
      failedAtRules: failedAt,
    };
  }
  const resultsFile = path.join(ROOT, "bench", "results.json");
  const previous = fs.existsSync(resultsFile) ? (JSON.parse(fs.readFileSync(resultsFile, "utf8")) as Record<string, unknown>) : {};
  const peers = { ...((previous.peers as Record<string, unknown> | null) ?? {}), ...results };
  fs.writeFileSync(
    resultsFile,
    JSON.stringify({ ...previous, peers, peersMachine: machine(), peersRuleSet: { rules: nRules, ptp: rs.ptp.length, mue: rs.mue.length, aoc: rs.aoc.length }, peersOursClaimsPerSec: oursRate.cpu, peersOursClaimsPerSecInProcess: inProcess.cpu, peersSink: sink % 7 }, null, 2) + "\n",
  );
  console.log(`\nwrote ${path.relative(process.cwd(), resultsFile)} (peers)`);
  }

await main();

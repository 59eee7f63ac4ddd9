/**
 * An independent oracle for the NCCI edits of the shipped packs.
 *
 * The oracle reads the CMS files in data/ itself (node:zlib + a TSV split) and implements the
 * brief's "NCCI semantics" from its text, without any compiler/ or runtime/ code: PTP rows with
 * deletion dates and modifier indicators 0/1/9 (E/M pairs, NCCI-associated and anatomic
 * modifiers, the same anatomic modifier on both lines), MUE adjudication indicators 1/2/3, add-on
 * types 1/2/3 with edit and primary dates, and the add-on that falls with its denied primary.
 * It then checks, on seeded random claims built from the codes in the data, that the compiled
 * packs (compilePaths on rules/, loadTable, evaluate) give the same PTP, MUE and add-on findings,
 * compared as sets of (rule id, severity, lines).
 *
 * One input is taken from the engine: the lines that a non-NCCI error (a policy rule, an ICD-10-CM
 * check) denies, because an add-on falls with a primary denied by "an error-level finding of any
 * kind" and the oracle does not re-implement the policy packs.
 *
 * `ORACLE_CLAIMS` sets the number of claims (default 20,000); `ORACLE_SEED` the seed.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { compilePaths } from "../../compiler/index.ts";
import { evaluate, loadTable, type LoadedTable } from "../../runtime/index.ts";
import { rng } from "../support/rng.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const CLAIMS = Number(process.env.ORACLE_CLAIMS ?? 20_000);
const SEED = Number(process.env.ORACLE_SEED ?? 20260415);

// ---------------------------------------------------------------- the CMS files, read directly

/** Rows of a gzip TSV file, header dropped, each split on tabs. */
function readTsv(file: string): string[][] {
  const text = zlib.gunzipSync(fs.readFileSync(path.join(ROOT, "data", file))).toString("utf8");
  const lines = text.split("\n");
  const out: string[][] = [];
  for (let i = 1; i < lines.length; i++) if (lines[i] !== "") out.push(lines[i].split("\t"));
  return out;
}

/** `YYYYMMDD` → `YYYY-MM-DD` (ISO strings compare in date order). */
function isoOfYmd(ymd: string): string {
  return `${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}`;
}

/** CMS Julian `YYYYDDD` → `YYYY-MM-DD`. */
function isoOfJulian(j: string): string {
  const d = new Date(Date.UTC(Number(j.slice(0, 4)), 0, Number(j.slice(4))));
  return d.toISOString().slice(0, 10);
}

function addDays(iso: string, n: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

interface PtpRow {
  /** ISO date or null (no lower bound). */
  from: string | null;
  /** ISO date or null (`*`: open). */
  until: string | null;
  indicator: 0 | 1 | 9;
}
interface AocRow {
  type: 1 | 2 | 3;
  /** null for `CCCCC` (no listed primary). */
  primary: string | null;
  primaryUntil: string | null;
  from: string | null;
  until: string | null;
}

interface Cms {
  /** column1 → column2 → rows */
  ptp: Map<string, Map<string, PtpRow[]>>;
  ptpKeys: [string, string][];
  mue: Map<string, { limit: number; mai: 1 | 2 | 3 }>;
  aoc: Map<string, AocRow[]>;
  /** Column-1 codes that deny a code with a live indicator-0 row (to deny a primary). */
  deniers: Map<string, string[]>;
  /** Dates worth testing: PTP deletions, AOC edit and primary dates (each ± a day is added later). */
  ptpDates: string[];
  aocDates: string[];
}

function loadCms(): Cms {
  const ptp = new Map<string, Map<string, PtpRow[]>>();
  const ptpKeys: [string, string][] = [];
  const ptpDates = new Set<string>();
  const deniers = new Map<string, string[]>();
  for (const [c1, c2, , eff, del, ind] of readTsv("ncci-ptp-derm.tsv.gz")) {
    let byC2 = ptp.get(c1);
    if (!byC2) ptp.set(c1, (byC2 = new Map()));
    let rows = byC2.get(c2);
    if (!rows) {
      byC2.set(c2, (rows = []));
      ptpKeys.push([c1, c2]);
    }
    const row: PtpRow = { from: eff ? isoOfYmd(eff) : null, until: del === "*" ? null : isoOfYmd(del), indicator: Number(ind) as 0 | 1 | 9 };
    rows.push(row);
    if (row.until) ptpDates.add(row.until);
    if (row.indicator === 0 && row.until === null) {
      const list = deniers.get(c2) ?? [];
      list.push(c1);
      deniers.set(c2, list);
    }
  }
  const mue = new Map<string, { limit: number; mai: 1 | 2 | 3 }>();
  for (const [code, limit, mai] of readTsv("mue-practitioner.tsv.gz")) mue.set(code, { limit: Number(limit), mai: Number(mai) as 1 | 2 | 3 });
  const aoc = new Map<string, AocRow[]>();
  const aocDates = new Set<string>();
  for (const [type, addon, , primary, pdel, eff, del] of readTsv("aoc.tsv.gz")) {
    const row: AocRow = {
      type: Number(type) as 1 | 2 | 3,
      primary: primary === "CCCCC" ? null : primary,
      primaryUntil: pdel ? isoOfJulian(pdel) : null,
      from: eff ? isoOfJulian(eff) : null,
      until: del ? isoOfJulian(del) : null,
    };
    const rows = aoc.get(addon) ?? [];
    rows.push(row);
    aoc.set(addon, rows);
    for (const d of [row.primaryUntil, row.from, row.until]) if (d) aocDates.add(d);
  }
  return { ptp, ptpKeys, mue, aoc, deniers, ptpDates: [...ptpDates].sort(), aocDates: [...aocDates].sort() };
}

// ---------------------------------------------------------------- the brief's NCCI semantics

const ASSOCIATED = new Set(["59", "XE", "XS", "XP", "XU", "24", "25", "27", "57", "58", "78", "79", "91"]);
const ANATOMIC = new Set([
  "E1", "E2", "E3", "E4", "FA", "F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9",
  "TA", "T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "LT", "RT", "LC", "LD", "LM", "RC", "RI",
]);
const EM_BYPASS = new Set(["24", "25", "57"]);

function isEm(code: string): boolean {
  return /^\d{5}$/.test(code) && code >= "99202" && code <= "99499";
}

interface OLine {
  index: number;
  code: string;
  units: number;
  mods: string[];
  date: string;
}

/** A finding as compared: `rule|severity|lines`. */
type Key = string;

function key(rule: string, severity: string, lines: number[]): Key {
  return `${rule}|${severity}|${[...lines].sort((a, b) => a - b).join(",")}`;
}

function applies(from: string | null, until: string | null, dos: string): boolean {
  return (from === null || from <= dos) && (until === null || dos <= until);
}

/**
 * The PTP, MUE and add-on findings the brief's semantics give for one claim. `deniedElsewhere`
 * holds the line indexes an error of another kind denies (input to the falling add-on).
 */
function oracle(cms: Cms, lines: OLine[], deniedElsewhere: Set<number>): Set<Key> {
  const out = new Set<Key>();
  const byDate = new Map<string, OLine[]>();
  for (const l of lines) byDate.set(l.date, [...(byDate.get(l.date) ?? []), l]);

  for (const [dos, group] of byDate) {
    const denied = new Set<number>([...deniedElsewhere].filter((i) => group.some((l) => l.index === i)));
    const codes = [...new Set(group.map((l) => l.code))];

    // PTP: every ordered pair of distinct codes with rows that apply on the date.
    for (const a of codes) {
      const byC2 = cms.ptp.get(a);
      if (!byC2) continue;
      for (const b of codes) {
        if (a === b) continue;
        const rows = (byC2.get(b) ?? []).filter((r) => applies(r.from, r.until, dos));
        if (rows.length === 0) continue;
        // The stricter indicator wins: 0 over 1 over 9.
        const ind = rows.some((r) => r.indicator === 0) ? 0 : rows.some((r) => r.indicator === 1) ? 1 : 9;
        if (ind === 9) continue;
        const id = `cms.ptp.${a}.${b}`;
        const col1 = group.filter((l) => l.code === a);
        for (const l2 of group.filter((l) => l.code === b)) {
          if (ind === 0) {
            out.add(key(id, "error", [l2.index]));
            denied.add(l2.index);
            continue;
          }
          const emPair = isEm(a) || isEm(b);
          const passes = (l1: OLine): boolean => {
            if (emPair) {
              const emLines = [l1, l2].filter((l) => isEm(l.code));
              return emLines.some((l) => l.mods.some((m) => EM_BYPASS.has(m)));
            }
            return [...l1.mods, ...l2.mods].some((m) => ASSOCIATED.has(m) || ANATOMIC.has(m));
          };
          if (col1.some((l1) => !passes(l1))) {
            out.add(key(id, "error", [l2.index]));
            denied.add(l2.index);
            continue;
          }
          if (emPair) continue;
          // Bypassed: warn when the only NCCI-associated modifier is the same anatomic one on both
          // lines. The brief says "the same anatomic modifier" (one): RT and LT on both lines are
          // two modifiers, not the case (read literally, like the engine; the brief is silent on it).
          const sameSite = col1.some((l1) => {
            const q = [...new Set([...l1.mods, ...l2.mods].filter((m) => ASSOCIATED.has(m) || ANATOMIC.has(m)))];
            return q.length === 1 && ANATOMIC.has(q[0]) && l1.mods.includes(q[0]) && l2.mods.includes(q[0]);
          });
          if (sameSite) out.add(key(id, "warning", [l2.index]));
        }
      }
    }

    // MUE: MAI 1 per line; MAI 2 and 3 per code and date.
    for (const c of codes) {
      const m = cms.mue.get(c);
      if (!m) continue;
      const of = group.filter((l) => l.code === c);
      if (m.mai === 1) {
        for (const l of of) if (l.units > m.limit) {
          out.add(key(`cms.mue.${c}`, "error", [l.index]));
          denied.add(l.index);
        }
      } else if (of.reduce((s, l) => s + l.units, 0) > m.limit) {
        out.add(key(`cms.mue.${c}`, "error", of.map((l) => l.index)));
        for (const l of of) denied.add(l.index);
      }
    }

    // Add-on codes: rows that apply; type 1 over 3 over 2; listed primaries that count on the date.
    const waiting: { line: OLine; primaries: OLine[] }[] = [];
    for (const l of group) {
      const rows = (cms.aoc.get(l.code) ?? []).filter((r) => applies(r.from, r.until, dos));
      if (rows.length === 0) continue;
      const type = rows.some((r) => r.type === 1) ? 1 : rows.some((r) => r.type === 3) ? 3 : 2;
      const listed = new Set(rows.filter((r) => r.primary !== null && (r.primaryUntil === null || dos <= r.primaryUntil)).map((r) => r.primary!));
      const present = group.filter((p) => p !== l && listed.has(p.code));
      const id = `cms.aoc.${l.code}`;
      if (present.length === 0) {
        if (type === 1) {
          out.add(key(id, "error", [l.index]));
          denied.add(l.index);
        } else if (type === 3) out.add(key(id, "warning", [l.index]));
      } else waiting.push({ line: l, primaries: present });
    }
    // An add-on falls when every line with a counting listed primary is denied; repeat to a fixpoint.
    let changed = true;
    const fallen = new Set<number>();
    while (changed) {
      changed = false;
      for (const w of waiting) {
        if (fallen.has(w.line.index)) continue;
        if (w.primaries.every((p) => denied.has(p.index))) {
          out.add(key(`cms.aoc.${w.line.code}`, "error", [w.line.index]));
          fallen.add(w.line.index);
          denied.add(w.line.index);
          changed = true;
        }
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------- seeded random claims

const DX = ["L57.0", "C44.311", "D48.5", "L82.1", "B07.8", "L91.8"];
const OTHER_MODS = ["76", "77", "GA", "GY", "GZ", "26", "TC", "50", "51", "22"];
const ASSOC_LIST = [...ASSOCIATED];
const ANAT_LIST = [...ANATOMIC];

interface GenLine {
  code: string;
  units: number;
  modifiers?: string[];
  dxPointers: number[];
  serviceDate?: string;
}

function makeClaimGenerator(cms: Cms, rand: () => number) {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const chance = (p: number) => rand() < p;
  const mueCodes = [...cms.mue.keys()];
  const addons = [...cms.aoc.keys()];
  const emCodes = ["99202", "99203", "99204", "99205", "99211", "99212", "99213", "99214", "99215"];

  function randomDate(): string {
    const start = Date.UTC(2012, 0, 1);
    const end = Date.UTC(2026, 11, 31);
    return new Date(start + Math.floor(rand() * ((end - start) / 86400000)) * 86400000).toISOString().slice(0, 10);
  }
  function near(d: string): string {
    return addDays(d, pick([-1, 0, 0, 1]));
  }
  function mods(code: string): string[] {
    if (chance(0.45)) return [];
    const out = new Set<string>();
    const n = chance(0.75) ? 1 : 2;
    for (let i = 0; i < n; i++) {
      const r = rand();
      if (isEm(code)) out.add(r < 0.55 ? pick(["25", "24", "57"]) : r < 0.8 ? pick(["59", "XS", "XE"]) : pick([...OTHER_MODS, "RT"]));
      else out.add(r < 0.45 ? pick(ASSOC_LIST) : r < 0.85 ? pick(ANAT_LIST) : pick(OTHER_MODS));
    }
    return [...out];
  }
  function units(code: string): number {
    const m = cms.mue.get(code);
    if (!m || chance(0.7)) return 1;
    return Math.max(1, Math.min(9999, m.limit + pick([-1, 0, 1, 2])));
  }

  return function next(id: number): { claim: Record<string, unknown>; } {
    const codes: string[] = [];
    let dos = randomDate();
    const scenario = rand();
    if (scenario < 0.55) {
      // A PTP pair, sometimes with a third code paired with one of them, or an E/M.
      const [a, b] = pick(cms.ptpKeys);
      codes.push(a, b);
      const rows = cms.ptp.get(a)!.get(b)!;
      const deleted = rows.filter((r) => r.until !== null);
      if (deleted.length && chance(0.6)) dos = near(pick(deleted).until!);
      else if (chance(0.2)) dos = near(pick(cms.ptpDates));
      if (chance(0.3)) {
        const partners = [...(cms.ptp.get(b)?.keys() ?? [])];
        if (partners.length) codes.push(pick(partners));
      }
      if (chance(0.2)) codes.push(pick(emCodes));
      if (chance(0.1)) codes.push(a); // two column-1 lines, tested one by one
    } else if (scenario < 0.85) {
      // An add-on with its primaries present, absent, or denied by a PTP indicator-0 partner.
      const x = pick(addons);
      codes.push(x);
      const rows = cms.aoc.get(x)!;
      const r0 = pick(rows);
      const dates = [r0.from, r0.until, r0.primaryUntil].filter((d): d is string => d !== null);
      if (dates.length && chance(0.6)) dos = near(pick(dates));
      else if (chance(0.2)) dos = near(pick(cms.aocDates));
      const prims = rows.map((r) => r.primary).filter((p): p is string => p !== null);
      const r = rand();
      if (prims.length && r < 0.7) {
        const p = pick(prims);
        codes.push(p);
        const d = cms.deniers.get(p);
        if (d && chance(0.5)) codes.push(pick(d));
        if (chance(0.2)) codes.push(pick(prims));
      }
      if (chance(0.15)) codes.push(x); // the add-on on two lines
    } else {
      // MUE: a code near its limit, on one or two lines, sometimes with an add-on of it.
      const c = pick(mueCodes);
      codes.push(c);
      if (chance(0.4)) codes.push(c);
      if (chance(0.2)) codes.push(pick(mueCodes));
    }
    if (chance(0.05)) codes.push(pick(cms.ptpKeys)[0]);

    const lines: GenLine[] = codes.slice(0, 50).map((code) => {
      const l: GenLine = { code, units: units(code), dxPointers: [1 + Math.floor(rand() * DX.length)] };
      const m = mods(code);
      if (m.length) l.modifiers = m;
      if (chance(0.06)) l.serviceDate = addDays(dos, pick([1, 2, -1]));
      return l;
    });
    // The same anatomic modifier on the first two lines (the bypass that warns).
    if (lines.length >= 2 && chance(0.12)) {
      const m = pick(["RT", "LT", "F1", "TA", "E1"]);
      lines[0].modifiers = [m];
      lines[1].modifiers = [m];
    } else if (lines.length >= 2 && chance(0.03)) {
      lines[0].modifiers = ["RT", "LT"];
      lines[1].modifiers = ["RT", "LT"];
    }
    const diagnoses = chance(0.03) ? [...DX, "C44.31"] : [...DX];
    if (diagnoses.length > DX.length) lines[0].dxPointers = [diagnoses.length];
    return { claim: { id: `OR-${id}`, serviceDate: dos, diagnoses, lines } };
  };
}

// ---------------------------------------------------------------- the comparison

let cms: Cms;
let table: LoadedTable;

beforeAll(() => {
  cms = loadCms();
  const compiled = compilePaths([path.join(ROOT, "rules")], { cwd: ROOT });
  const loaded = loadTable(compiled.table);
  if (!loaded.ok) throw new Error(`the compiled rules do not load: ${JSON.stringify(loaded.errors)}`);
  table = loaded.table;
}, 120_000);

const NCCI = new Set(["ptp", "mue", "addon"]);

interface Disagreement {
  claim: unknown;
  onlyEngine: Key[];
  onlyOracle: Key[];
}

/** Runs `n` claims from `seed`; returns the counts and the disagreements. */
function compare(n: number, seed: number) {
  const next = makeClaimGenerator(cms, rng(seed));
  const disagreements: Disagreement[] = [];
  const seen = { claims: 0, invalid: 0, ptpError: 0, ptpWarning: 0, mue: 0, aocError: 0, aocWarning: 0, fallen: 0 };
  for (let i = 0; i < n; i++) {
    const { claim } = next(i);
    const result = evaluate(table, claim);
    if (result.verdict === "invalid") {
      seen.invalid++;
      continue;
    }
    seen.claims++;
    const engine = new Set<Key>();
    const elsewhere = new Set<number>();
    for (const f of result.findings) {
      if (NCCI.has(f.category)) engine.add(key(f.rule, f.severity, f.lines));
      else if (f.severity === "error") for (const l of f.lines) elsewhere.add(l);
      if (f.category === "ptp") f.severity === "error" ? seen.ptpError++ : seen.ptpWarning++;
      if (f.category === "mue") seen.mue++;
      if (f.category === "addon") {
        if (f.severity === "warning") seen.aocWarning++;
        else if (f.message.includes("is not payable")) seen.fallen++;
        else seen.aocError++;
      }
    }
    const c = claim as { serviceDate: string; lines: GenLine[] };
    const olines: OLine[] = c.lines.map((l, j) => ({
      index: j + 1,
      code: l.code,
      units: l.units,
      mods: l.modifiers ?? [],
      date: l.serviceDate ?? c.serviceDate,
    }));
    const expected = oracle(cms, olines, elsewhere);
    const onlyEngine = [...engine].filter((k) => !expected.has(k));
    const onlyOracle = [...expected].filter((k) => !engine.has(k));
    if (onlyEngine.length || onlyOracle.length) disagreements.push({ claim, onlyEngine, onlyOracle });
  }
  return { seen, disagreements };
}

describe("NCCI oracle vs the compiled packs", () => {
  it(`agrees on PTP, MUE and add-on findings for ${CLAIMS} seeded random claims (seed ${SEED})`, () => {
    const { seen, disagreements } = compare(CLAIMS, SEED);
    if (disagreements.length) {
      const shown = disagreements.slice(0, 5).map((d) => JSON.stringify(d)).join("\n");
      expect.fail(`${disagreements.length} of ${seen.claims} claims disagree (seed ${SEED}); first ones:\n${shown}`);
    }
    expect(seen.claims).toBeGreaterThanOrEqual(CLAIMS * 0.99);
    // The claims reach every kind of edit, so agreement is not vacuous.
    expect(seen.ptpError).toBeGreaterThan(CLAIMS / 10);
    expect(seen.ptpWarning).toBeGreaterThan(50);
    expect(seen.mue).toBeGreaterThan(CLAIMS / 20);
    expect(seen.aocError).toBeGreaterThan(CLAIMS / 20);
    expect(seen.aocWarning).toBeGreaterThan(10);
    expect(seen.fallen).toBeGreaterThan(100);
    console.log(`oracle: ${seen.claims} claims checked, 0 disagreements; findings seen: ${JSON.stringify(seen)}`);
  }, 120_000);

  it("the oracle reads the CMS files it is meant to (spot checks from data/PROVENANCE.md)", () => {
    expect(cms.ptp.get("11104")?.get("11102")?.map((r) => r.indicator)).toEqual([0]);
    expect(cms.mue.get("17003")).toEqual({ limit: 13, mai: 2 });
    expect(cms.mue.get("11103")).toEqual({ limit: 6, mai: 3 });
    expect(cms.aoc.get("17003")?.map((r) => [r.type, r.primary, r.from])).toEqual([[1, "17000", "2013-04-01"]]);
    expect(cms.aoc.get("11105")?.map((r) => r.primary).sort()).toEqual(["11104", "11106"]);
    expect(cms.ptpKeys.length).toBeGreaterThan(100_000);
  });
});

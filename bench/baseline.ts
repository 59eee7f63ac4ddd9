/**
 * The practical limit: a hand-written, special-purpose evaluator of the CMS NCCI edits (PTP,
 * MUE, add-on) and the ICD-10-CM billable check, built straight from the data files, with no
 * generality: codes interned to integers, one hash of (column 1, column 2) pairs, MUE and add-on
 * rows in arrays by code id, no rule language, no layers, no rule index. It produces the same
 * result objects as the runtime on a table compiled from rules/cms/ncci/ncci.rules alone (the
 * bench checks that on a sample before timing), so the gap between the two is the price of the
 * general compiled table.
 *
 * Messages, fixes and the finding order come from runtime/findings.ts: they are formatting that
 * any evaluator producing the same objects must reproduce, not decision logic.
 */
import { readAoc, readIcd, readMue, readPtp } from "../compiler/data.ts";
import { dayNumber } from "../runtime/dates.ts";
import {
  aocFix,
  aocMessage,
  aocPrimaryDeniedMessage,
  icdFix,
  icdMessage,
  isAnatomicModifier,
  isEmCode,
  isPtpModifier,
  makeFinding,
  mueFix,
  mueMessage,
  ptpFix,
  ptpMessage,
  ptpSameSiteMessage,
  sortFindings,
  verdictOf,
  type FindingOrigin,
} from "../runtime/findings.ts";
import type { Claim, ClaimResult, Finding } from "../runtime/types.ts";
import * as fs from "node:fs";

/** Data files and the edit tables' sources (as the rule file names them). */
export interface BaselineSources {
  ptp: string;
  mue: string;
  aoc: string;
  icd: string;
  ptpSource: string;
  mueSource: string;
  aocSource: string;
  icdVersion: string;
}

interface Aoc {
  type: 1 | 2 | 3;
  primary: number; // code id, -1 for CCCCC
  primaryCode: string;
  primaryDel: number;
  from: number;
  until: number;
}

/** The loaded edits. */
export interface Baseline {
  ids: Map<string, number>;
  /** (a << 16 | b) → indicator rows flattened: [from, until, ind, from, until, ind, …]. */
  pairs: Map<number, number[]>;
  mueLimit: Int32Array;
  mueMai: Uint8Array;
  aoc: (Aoc[] | undefined)[];
  billable: Set<string>;
  billableSorted: string[];
  headers: Set<string>;
  src: BaselineSources;
}

const OPEN_LO = -1e9;
const OPEN_HI = 1e9;

/** A data file's rows; the bench's inputs are well-formed, so any problem is fatal. */
function rowsOf<R>(res: { rows: R[]; problems: { message: string }[] }): R[] {
  if (res.problems.length > 0) throw new Error(res.problems[0]!.message);
  return res.rows;
}

/** Builds the baseline's structures from the CMS files. */
export function loadBaseline(src: BaselineSources): Baseline {
  const ids = new Map<string, number>();
  const id = (c: string) => {
    let v = ids.get(c);
    if (v === undefined) ids.set(c, (v = ids.size));
    return v;
  };
  const pairs = new Map<number, number[]>();
  const ptp = rowsOf(readPtp(fs.readFileSync(src.ptp), src.ptp));
  for (const r of ptp) {
    const key = id(r.column1) * 65536 + id(r.column2);
    let rows = pairs.get(key);
    if (rows === undefined) pairs.set(key, (rows = []));
    rows.push(r.effective ?? OPEN_LO, r.deletion ?? OPEN_HI, r.modifier);
  }
  const mue = rowsOf(readMue(fs.readFileSync(src.mue), src.mue));
  const aocRows = rowsOf(readAoc(fs.readFileSync(src.aoc), src.aoc));
  for (const r of mue) id(r.code);
  for (const r of aocRows) {
    id(r.addon);
    if (r.primary !== "CCCCC") id(r.primary);
  }
  const n = ids.size;
  const mueLimit = new Int32Array(n).fill(-1);
  const mueMai = new Uint8Array(n);
  for (const r of mue) {
    const i = ids.get(r.code)!;
    if (mueLimit[i] < 0) {
      mueLimit[i] = r.mue;
      mueMai[i] = r.mai;
    }
  }
  const aoc: (Aoc[] | undefined)[] = new Array(n).fill(undefined);
  for (const r of aocRows) {
    const list = (aoc[ids.get(r.addon)!] ??= []);
    list.push({
      type: r.type,
      primary: r.primary === "CCCCC" ? -1 : ids.get(r.primary)!,
      primaryCode: r.primary,
      primaryDel: r.primaryDeletion ?? OPEN_HI,
      from: r.effective ?? OPEN_LO,
      until: r.deletion ?? OPEN_HI,
    });
  }
  const icd = rowsOf(readIcd(fs.readFileSync(src.icd), src.icd));
  const billableSorted: string[] = [];
  const headers = new Set<string>();
  for (const r of icd) (r.billable ? billableSorted.push(r.code) : headers.add(r.code));
  billableSorted.sort();
  return { ids, pairs, mueLimit, mueMai, aoc, billable: new Set(billableSorted), billableSorted, headers, src };
}

const EM_MODS = ["24", "25", "57"];

/** Per modifier: 0 none, 1|2 24/25/57, 2 other non-anatomic NCCI modifier, 4 anatomic. */
const MOD_KIND = new Map<string, number>();
function modKind(m: string): number {
  let k = MOD_KIND.get(m);
  if (k === undefined) {
    k = !isPtpModifier(m) ? 0 : isAnatomicModifier(m) ? 4 : EM_MODS.includes(m) ? 3 : 2;
    MOD_KIND.set(m, k);
  }
  return k;
}

/** Scratch per line: PTP modifier flags (1 = 24/25/57, 2 = non-anatomic NCCI) and the anatomic modifier. */
const FLAGS = new Uint8Array(64);
const ANAT: string[] = new Array(64).fill("");

/** Classifies a line's modifiers into FLAGS/ANAT. */
function classify(l: number, mods: string[] | undefined): void {
  let f = 0;
  let anat = "";
  if (mods) {
    for (let i = 0; i < mods.length; i++) {
      const m = mods[i]!;
      const k = modKind(m);
      if (k === 0) continue;
      if (k !== 4) f |= k;
      else if (anat === "") anat = m;
      else if (anat !== m) anat = "*";
    }
  }
  FLAGS[l] = f;
  ANAT[l] = anat;
}

/** Diagnosis spelling → [normalized, billable, header], cached. */
const DX = new Map<string, [string, boolean, boolean]>();

function sorted1(lines: number[]): number[] {
  const out: number[] = [];
  for (const l of lines) if (!out.includes(l + 1)) out.push(l + 1);
  return out.sort((a, b) => a - b);
}

/** Evaluates a valid claim: ICD check, then per date of service PTP, MUE, add-on; fall-through. */
export function evaluateBaseline(b: Baseline, claim: Claim): ClaimResult {
  const findings: Finding[] = [];
  const lines = claim.lines;
  // ICD-10-CM.
  const diagnoses = claim.diagnoses;
  for (let k = 0; k < diagnoses.length; k++) {
    let info = DX.get(diagnoses[k]!);
    if (info === undefined) {
      const n = diagnoses[k]!.replace(".", "").toUpperCase();
      DX.set(diagnoses[k]!, (info = [n, b.billable.has(n), b.headers.has(n)]));
    }
    if (info[1]) continue;
    const d = info[0];
    const header = info[2];
    const on: number[] = [];
    for (let l = 0; l < lines.length; l++) {
      const p = lines[l]!.dxPointers;
      if (p === undefined || p.includes(k + 1)) on.push(l + 1);
    }
    const sugg: string[] = [];
    if (header) {
      let lo = 0;
      let hi = b.billableSorted.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (b.billableSorted[mid]! < d) lo = mid + 1;
        else hi = mid;
      }
      for (let i = lo; i < b.billableSorted.length && sugg.length < 3 && b.billableSorted[i]!.startsWith(d); i++) sugg.push(b.billableSorted[i]!);
    }
    const origin: FindingOrigin = { id: header ? "dermrules.icd10.header" : "dermrules.icd10.unknown", category: "code", severity: "error", message: "", source: `ICD-10-CM ${b.src.icdVersion}` };
    findings.push(makeFinding(origin, on, undefined, icdFix(on, sugg), icdMessage(claim.diagnoses[k]!, header ? "header" : "unknown", sugg)));
  }
  // Dates of service.
  const claimDay = claim.serviceDate === undefined ? 0 : dayNumber(claim.serviceDate)!;
  const days: number[] = [];
  const groups: number[][] = [];
  for (let i = 0; i < lines.length; i++) {
    const own = lines[i]!.serviceDate;
    const d = own === undefined ? claimDay : dayNumber(own)!;
    const k = days.indexOf(d);
    if (k < 0) {
      days.push(d);
      groups.push([i]);
    } else groups[k]!.push(i);
  }
  const watch: { origin: FindingOrigin; addon: string; line: number; primaryLines: number[]; fallen: boolean }[] = [];
  let classified = false;
  for (let g = 0; g < groups.length; g++) {
    const day = days[g]!;
    const codes: string[] = [];
    const cid: number[] = [];
    const at: number[][] = [];
    for (const l of groups[g]!) {
      const c = lines[l]!.code;
      const j = codes.indexOf(c);
      if (j >= 0) at[j]!.push(l);
      else {
        codes.push(c);
        cid.push(b.ids.get(c) ?? -1);
        at.push([l]);
      }
    }
    // PTP: every ordered pair of distinct codes, one hash probe each.
    for (let i = 0; i < codes.length; i++) {
      if (cid[i]! < 0) continue;
      for (let j = 0; j < codes.length; j++) {
        if (i === j || cid[j]! < 0) continue;
        const rows = b.pairs.get(cid[i]! * 65536 + cid[j]!);
        if (rows === undefined) continue;
        let ind = -1;
        for (let r = 0; r < rows.length; r += 3) if (rows[r]! <= day && day <= rows[r + 1]! && (ind < 0 || rows[r + 2]! < ind)) ind = rows[r + 2]!;
        if (ind !== 0 && ind !== 1) continue;
        const a = codes[i]!;
        const c2 = codes[j]!;
        const em1 = isEmCode(a);
        const em2 = isEmCode(c2);
        if (ind === 0) {
          const origin: FindingOrigin = { id: `cms.ptp.${a}.${c2}`, category: "ptp", severity: "error", message: "", source: b.src.ptpSource };
          const related = sorted1(at[i]!);
          for (const l2 of at[j]!) findings.push(makeFinding(origin, [l2 + 1], related, ptpFix(0, l2 + 1, null), ptpMessage(a, c2, 0, em1 || em2)));
          continue;
        }
        if (!classified) {
          for (let l = 0; l < lines.length; l++) classify(l, lines[l]!.modifiers);
          classified = true;
        }
        for (const l2 of at[j]!) {
          const denied: number[] = [];
          const same: number[] = [];
          for (const l1 of at[i]!) {
            const f1 = FLAGS[l1]!;
            const a1 = ANAT[l1]!;
            const f2 = FLAGS[l2]!;
            const a2 = ANAT[l2]!;
            if (em1 || em2) {
              if (!((em1 && f1 & 1) || (em2 && f2 & 1))) denied.push(l1);
            } else if (((f1 | f2) & 2) === 0) {
              if (a1 === "" && a2 === "") denied.push(l1);
              else if (a1 === a2 && a1 !== "*") same.push(l1);
            }
          }
          if (denied.length === 0 && same.length === 0) continue;
          const origin: FindingOrigin = { id: `cms.ptp.${a}.${c2}`, category: "ptp", severity: "error", message: "", source: b.src.ptpSource };
          if (denied.length > 0) {
            const related = sorted1(denied);
            findings.push(makeFinding(origin, [l2 + 1], related, ptpFix(1, l2 + 1, em1 ? related : em2 ? [l2 + 1] : null), ptpMessage(a, c2, 1, em1 || em2)));
          } else if (same.length > 0) {
            findings.push(makeFinding({ ...origin, severity: "warning" }, [l2 + 1], sorted1(same), undefined, ptpSameSiteMessage(a, c2, ANAT[l2]!)));
          }
        }
      }
    }
    // MUE.
    for (let i = 0; i < codes.length; i++) {
      const id = cid[i]!;
      if (id < 0 || b.mueLimit[id]! < 0) continue;
      const max = b.mueLimit[id]!;
      const mai = b.mueMai[id] as 1 | 2 | 3;
      let total = 0;
      let over = false;
      for (const l of at[i]!) {
        total += lines[l]!.units;
        if (lines[l]!.units > max) over = true;
      }
      if (mai === 1 ? !over : total <= max) continue;
      const origin: FindingOrigin = { id: `cms.mue.${codes[i]}`, category: "mue", severity: "error", message: "", source: b.src.mueSource };
      if (mai === 1) {
        for (const l of at[i]!) if (lines[l]!.units > max) findings.push(makeFinding(origin, [l + 1], undefined, mueFix([l + 1], max), mueMessage(codes[i]!, lines[l]!.units, max, 1)));
      } else if (total > max) {
        const ls = sorted1(at[i]!);
        findings.push(makeFinding(origin, ls, undefined, mueFix(ls, max), mueMessage(codes[i]!, total, max, mai)));
      }
    }
    // Add-on codes.
    for (let i = 0; i < codes.length; i++) {
      const id = cid[i]!;
      const rows = id < 0 ? undefined : b.aoc[id];
      if (rows === undefined) continue;
      let type = 0;
      let present: number[] | null = null;
      const primaries: string[] = [];
      for (const r of rows) {
        if (day < r.from || day > r.until) continue;
        type = type === 0 ? r.type : type === 1 || r.type === 1 ? 1 : type === 3 || r.type === 3 ? 3 : 2;
        if (r.primary < 0 || day > r.primaryDel) continue;
        if (!primaries.includes(r.primaryCode)) primaries.push(r.primaryCode);
        const j = cid.indexOf(r.primary);
        if (j >= 0 && j !== i) for (const l of at[j]!) if (!(present ??= []).includes(l)) present.push(l);
      }
      if (type === 0) continue;
      const aid = `cms.aoc.${codes[i]}`;
      if (present !== null) {
        const origin: FindingOrigin = { id: aid, category: "addon", severity: "error", message: "", source: b.src.aocSource };
        for (const l of at[i]!) watch.push({ origin, addon: codes[i]!, line: l, primaryLines: present, fallen: false });
        continue;
      }
      if (type === 2) continue;
      primaries.sort();
      const origin: FindingOrigin = { id: aid, category: "addon", severity: type === 1 ? "error" : "warning", message: "", source: b.src.aocSource };
      const message = aocMessage(codes[i]!, type as 1 | 3, primaries);
      for (const l of at[i]!) findings.push(makeFinding(origin, [l + 1], undefined, aocFix(l + 1, primaries), message));
    }
  }
  // An add-on falls with its denied primaries, repeatedly.
  if (watch.length > 0) {
    const err = new Uint8Array(lines.length);
    for (const f of findings) if (f.severity === "error") for (const l of f.lines) err[l - 1] = 1;
    for (let changed = true; changed; ) {
      changed = false;
      for (const w of watch) {
        if (w.fallen || !w.primaryLines.every((p) => err[p] === 1)) continue;
        w.fallen = changed = true;
        err[w.line] = 1;
        const denied = [...new Set(w.primaryLines.map((p) => lines[p]!.code))].sort();
        findings.push(makeFinding(w.origin, [w.line + 1], sorted1(w.primaryLines), undefined, aocPrimaryDeniedMessage(w.addon, denied)));
      }
    }
  }
  sortFindings(findings);
  return { claimId: claim.id, verdict: verdictOf(findings), findings, layer: "cms" };
}

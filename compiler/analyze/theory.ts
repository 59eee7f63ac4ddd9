/**
 * The conjunction solver: given literals about the claim and about a fixed set of named lines,
 * either builds a concrete date-of-service group (a `Model`) that satisfies all of them, or
 * proves that none exists. The search in solver.ts calls it at every leaf.
 *
 * Every choice is over a finite domain that is exact for the literals at hand:
 * - a line's code: the cells of the partition that the literals' code sets (and the counts')
 *   cut the code space into, one representative code per cell;
 * - units: integers 1–9999; values above every constant compared with are interchangeable, so
 *   the search stops there;
 * - modifiers: a hitting set of the required sets, at most 4 per line;
 * - diagnoses: the membership vectors over the literals' dx sets that some billable code has
 *   (dx.ts), at most 4 pointers per line and 12 diagnoses per claim;
 * - numbers (age, facts, dates): the constants compared with, their neighbours and midpoints.
 * A search that would exceed its step budget answers "unknown", never a wrong "unsat".
 */
import type { Op } from "../../runtime/table.ts";
import { ageOn, civilFromDays, daysFromCivil, daysInMonth } from "../../runtime/dates.ts";
import type { DxRegistry } from "./dx.ts";
import type { Model, ModelLine, NumericFact } from "./formula.ts";
import { compare } from "../ops.ts";
import type { CodePicker, RankSet } from "./ranks.ts";
import { ALL_CODES, containsCode, intersect, isEmpty, subtract } from "./ranks.ts";

/** Literals about one line. */
export interface LineStore {
  name: string;
  codeIn: RankSet[];
  codeOut: RankSet[];
  units: [Op, number][];
  modIn: (readonly string[])[];
  modOut: string[];
  dxIn: number[];
  dxOut: number[];
  factPos: { name: NumericFact; op: Op; n: number }[];
  factNeg: { name: NumericFact; op: Op; n: number }[];
  siteIn: (readonly string[])[];
  siteOut: string[];
  /** A line a fix adds: this code, 1 unit, no modifiers, no dx pointers (every diagnosis), no facts. */
  canonical?: string;
  /**
   * The same line as `to` after a fix: same units, pointers and facts; its modifiers are
   * `to`'s plus `addMod` (which `to` lacks); its code is `to`'s when `codeTied`, else its own.
   */
  tie?: { to: string; codeTied: boolean; addMod?: string };
}

/** Literals about the claim. */
export interface ClaimStore {
  dos: [Op, number][];
  payerIn: (readonly string[])[];
  payerOut: string[];
  sexIn: (readonly string[])[];
  sexOut: string[];
  posIn: (readonly string[])[];
  posOut: string[];
  agePos: [Op, number][];
  ageNeg: [Op, number][];
  cdxIn: number[];
  cdxOut: number[];
  /** Total units of the lines not in `hide` whose code is in `set`. */
  /** `keep`: lines counted with `keepSet` (the count's set before a view removed some codes). */
  counts: { set: RankSet; op: Op; n: number; hide: string[]; noNew?: boolean; keep?: string[]; keepSet?: RankSet }[];
}

export function emptyLine(name: string): LineStore {
  return { name, codeIn: [], codeOut: [], units: [], modIn: [], modOut: [], dxIn: [], dxOut: [], factPos: [], factNeg: [], siteIn: [], siteOut: [] };
}

export function emptyClaim(): ClaimStore {
  return { dos: [], payerIn: [], payerOut: [], sexIn: [], sexOut: [], posIn: [], posOut: [], agePos: [], ageNeg: [], cdxIn: [], cdxOut: [], counts: [] };
}

/** The payers a claim of the analysed layer may name. */
export interface PayerDomain {
  /** The layer analysed. */
  layer: string;
  /** Whether it is the default layer (a claim without a payer, or with an unknown one, gets it). */
  isDefault: boolean;
  /** Every layer name (a claim naming another layer is evaluated in that layer). */
  layers: readonly string[];
}

export interface TheoryEnv {
  dx: DxRegistry;
  codes: CodePicker;
  payer: PayerDomain;
  /** The preferred date of service (day number) when the literals allow it. */
  anchorDay: number;
  /** Step budget for the units search (shared per call). */
  budget: { steps: number };
}

export type TheoryResult = { ok: true; model: Model } | { ok: false; unknown?: boolean };

const NO: TheoryResult = { ok: false };
const UNKNOWN: TheoryResult = { ok: false, unknown: true };
const MIN_DAY = daysFromCivil(1900, 1, 1);
const MAX_DAY = daysFromCivil(2099, 12, 31);
const MAX_AGE = 130;
const MAX_UNITS = 9999;

/** A line's merged attribute constraints (tied lines share one). */
interface Attr {
  units: [Op, number][];
  modIn: (readonly string[])[];
  modOut: Set<string>;
  /** Modifiers the line after a fix adds: they must not be in `modOut` of the base line. */
  dxIn: number[];
  dxOut: number[];
  factPos: { name: NumericFact; op: Op; n: number }[];
  factNeg: { name: NumericFact; op: Op; n: number }[];
  siteIn: (readonly string[])[];
  siteOut: string[];
  canonical: boolean;
}

interface CodeVar {
  allowed: RankSet;
  fixed?: string;
}

/** Solves the literals; `lines` in model order. */
export function solveTheory(lines: readonly LineStore[], claim: ClaimStore, env: TheoryEnv): TheoryResult {
  // ---- lines → code variables and attribute groups
  const byName = new Map(lines.map((l) => [l.name, l]));
  const attrOf = new Map<string, Attr>();
  const codeOf = new Map<string, CodeVar>();
  const claimDxIn = [...claim.cdxIn];
  const claimDxOut = [...claim.cdxOut];
  const root = (l: LineStore): LineStore => (l.tie ? root(byName.get(l.tie.to)!) : l);
  for (const l of lines) {
    const r = root(l);
    let a = attrOf.get(r.name);
    if (!a) {
      a = { units: [], modIn: [], modOut: new Set(), dxIn: [], dxOut: [], factPos: [], factNeg: [], siteIn: [], siteOut: [], canonical: r.canonical !== undefined };
      attrOf.set(r.name, a);
    }
    attrOf.set(l.name, a);
  }
  for (const l of lines) {
    const a = attrOf.get(l.name)!;
    // Modifiers of a line after "add modifier m": the base line's plus m.
    const addMod = l.tie?.addMod;
    if (addMod !== undefined) a.modOut.add(addMod);
    for (const s of l.modIn) {
      if (addMod !== undefined && s.includes(addMod)) continue;
      a.modIn.push(s);
    }
    for (const m of l.modOut) {
      if (m === addMod) return NO;
      a.modOut.add(m);
    }
    a.units.push(...l.units);
    a.factPos.push(...l.factPos);
    a.factNeg.push(...l.factNeg);
    a.siteIn.push(...l.siteIn);
    a.siteOut.push(...l.siteOut);
    if (a.canonical) {
      // A line without pointers relates to every diagnosis: its dx literals are the claim's.
      claimDxIn.push(...l.dxIn);
      claimDxOut.push(...l.dxOut);
    } else {
      a.dxIn.push(...l.dxIn);
      a.dxOut.push(...l.dxOut);
    }
    // Code variable: own, or the tied line's.
    const owner = l.tie?.codeTied ? root(l) : l;
    let cv = codeOf.get(owner.name);
    if (!cv) {
      cv = owner.canonical !== undefined ? { allowed: ALL_CODES, fixed: owner.canonical } : { allowed: ALL_CODES };
      codeOf.set(owner.name, cv);
    }
    codeOf.set(l.name, cv);
    for (const s of l.codeIn) cv.allowed = intersect(cv.allowed, s);
    for (const s of l.codeOut) cv.allowed = subtract(cv.allowed, s);
  }
  for (const cv of new Set(codeOf.values())) {
    if (cv.fixed !== undefined ? !containsCode(cv.allowed, cv.fixed) : isEmpty(cv.allowed)) return NO;
  }
  for (const a of new Set(attrOf.values())) {
    if (a.canonical && (a.modIn.length > 0 || a.factPos.length > 0 || a.siteIn.length > 0)) return NO;
  }

  // ---- claim facts
  const day = pickInteger(claim.dos, [], MIN_DAY, MAX_DAY, env.anchorDay);
  if (day === undefined) return NO;
  const payer = pickPayer(claim, env.payer);
  if (payer === null) return NO;
  const sex = pickValue(claim.sexIn, claim.sexOut, ["M", "F", "U"]);
  if (sex === null) return NO;
  const pos = pickValue(claim.posIn, claim.posOut, undefined);
  if (pos === null) return NO;
  let age: number | undefined;
  if (claim.agePos.length > 0) {
    age = pickInteger(claim.agePos, claim.ageNeg, 0, MAX_AGE, 40);
    if (age === undefined) return NO;
  }

  // ---- codes and units (coupled through counts)
  const units = new Map<Attr, number>();
  const codes = new Map<CodeVar, string>();
  const cu = solveCodesAndUnits(lines, claim, attrOf, codeOf, env, units, codes);
  if (cu !== true) return cu;

  // ---- modifiers
  const mods = new Map<Attr, string[]>();
  for (const a of new Set(attrOf.values())) {
    const m = hittingSet(a.modIn, a.modOut, lines.some((l) => l.tie?.addMod !== undefined && attrOf.get(l.name) === a) ? 3 : 4);
    if (m === null) return NO;
    mods.set(a, m);
  }

  // ---- diagnoses
  const dxPlan = solveDx(attrOf, claimDxIn, claimDxOut, env.dx);
  if (dxPlan === null) return NO;

  // ---- facts
  const facts = new Map<Attr, ModelLine["facts"]>();
  for (const a of new Set(attrOf.values())) {
    const f = solveFacts(a);
    if (f === null) return NO;
    facts.set(a, f);
  }

  const outLines: ModelLine[] = lines.map((l) => {
    const a = attrOf.get(l.name)!;
    const cv = codeOf.get(l.name)!;
    const baseMods = mods.get(a)!;
    const addMod = l.tie?.addMod;
    return {
      name: l.name,
      code: codes.get(cv)!,
      units: units.get(a) ?? 1,
      mods: addMod !== undefined ? [...baseMods, addMod] : [...baseMods],
      dx: a.canonical ? "all" : dxPlan.pointers.get(a)!,
      facts: { ...facts.get(a)! },
    };
  });
  const model: Model = { day, dx: dxPlan.dx, lines: outLines };
  if (payer !== undefined) model.payer = payer;
  if (sex !== undefined) model.sex = sex;
  if (pos !== undefined) model.pos = pos;
  if (age !== undefined) {
    model.age = age;
    model.birthDay = birthDayFor(day, age);
  }
  return { ok: true, model };
}

// ------------------------------------------------------------------------------ numbers

function opInterval(op: Op, n: number): { lo: number; hi: number; not?: number } {
  switch (op) {
    case ">":
      return { lo: Math.floor(n) + 1, hi: Infinity };
    case ">=":
      return { lo: Math.ceil(n), hi: Infinity };
    case "<":
      return { lo: -Infinity, hi: Math.ceil(n) - 1 };
    case "<=":
      return { lo: -Infinity, hi: Math.floor(n) };
    case "=":
      return Number.isInteger(n) ? { lo: n, hi: n } : { lo: 1, hi: 0 };
    case "!=":
      return { lo: -Infinity, hi: Infinity, not: n };
    default: {
      const never: never = op;
      return never;
    }
  }
}

/**
 * An integer in [min, max] meeting every `pos` comparison and failing every `neg` one, the
 * nearest to `prefer`; undefined when there is none. Exact: the feasible set is an interval
 * minus finitely many points.
 */
export function pickInteger(pos: readonly [Op, number][], neg: readonly [Op, number][], min: number, max: number, prefer: number): number | undefined {
  let lo = min;
  let hi = max;
  const excluded = new Set<number>();
  const all: [Op, number][] = [...pos, ...neg.map(([op, n]) => [negate(op), n] as [Op, number])];
  for (const [op, n] of all) {
    const iv = opInterval(op, n);
    if (iv.not !== undefined) {
      if (Number.isInteger(iv.not)) excluded.add(iv.not);
      continue;
    }
    lo = Math.max(lo, iv.lo);
    hi = Math.min(hi, iv.hi);
  }
  if (lo > hi) return undefined;
  const start = Math.min(Math.max(prefer, lo), hi);
  // Walk outwards from the preferred point past excluded values (there are few).
  for (let d = 0; d <= excluded.size + 1; d++) {
    for (const v of [start + d, start - d]) if (v >= lo && v <= hi && !excluded.has(v)) return v;
  }
  for (let v = lo; v <= hi && v <= lo + excluded.size + 1; v++) if (!excluded.has(v)) return v;
  return undefined;
}

function negate(op: Op): Op {
  return op === ">" ? "<=" : op === ">=" ? "<" : op === "<" ? ">=" : op === "<=" ? ">" : op === "=" ? "!=" : "=";
}

/**
 * A real number > 0 (an integer ≥ 1 when `integer`) meeting every comparison: the candidates
 * are the constants, their neighbours and the midpoints between them, which meet every
 * non-empty region the comparisons cut the line into.
 */
function pickNumber(constraints: readonly [Op, number][], integer: boolean): number | undefined {
  const consts = [...new Set(constraints.map(([, n]) => n))].sort((a, b) => a - b);
  const cands = new Set<number>();
  if (integer) {
    cands.add(1);
    for (const n of consts) for (const d of [-1, 0, 1]) cands.add(Math.floor(n) + d), cands.add(Math.ceil(n) + d);
  } else {
    cands.add(consts.length > 0 && consts[0]! > 0 ? consts[0]! / 2 : 1);
    consts.forEach((n, i) => {
      cands.add(n);
      const next = consts[i + 1];
      cands.add(next !== undefined ? (n + next) / 2 : n + 1);
    });
  }
  const sorted = [...cands].filter((v) => (integer ? Number.isInteger(v) && v >= 1 : v > 0)).sort((a, b) => a - b);
  for (const v of sorted) if (constraints.every(([op, n]) => compare(v, op, n))) return round(v);
  return undefined;
}

function round(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

function birthDayFor(day: number, age: number): number {
  const [y, m, d] = civilFromDays(day);
  const by = y - age;
  const bd = Math.min(d, daysInMonth(by, m));
  let birth = daysFromCivil(by, m, bd);
  // INVARIANT: ageOn(birth, day) === age; a 29 February date of service may need the day before.
  if (ageOn(birth, day) !== age) birth -= 1;
  return birth;
}

// ------------------------------------------------------------------------------ small domains

/** A value in every `ins` list and in no `outs`; undefined when there is no `ins` (absent); null when impossible. */
function pickValue(ins: readonly (readonly string[])[], outs: readonly string[], domain: readonly string[] | undefined): string | undefined | null {
  if (ins.length === 0) return undefined;
  let cands = [...ins[0]!];
  for (const s of ins.slice(1)) cands = cands.filter((v) => s.includes(v));
  cands = cands.filter((v) => !outs.includes(v) && (domain === undefined || domain.includes(v)));
  return cands.length > 0 ? cands[0]! : null;
}

/** The claim's payer (undefined: none given), or null when the literals exclude every payer of the layer. */
function pickPayer(claim: ClaimStore, d: PayerDomain): string | undefined | null {
  const ok = (p: string): boolean => claim.payerIn.every((s) => s.includes(p)) && !claim.payerOut.includes(p);
  if (!d.isDefault) return ok(d.layer) ? d.layer : null;
  // The default layer: no payer (compared as the layer's name), or a payer that names no other layer.
  if (ok(d.layer)) return undefined;
  const named = new Set<string>();
  for (const s of claim.payerIn) for (const v of s) named.add(v);
  for (const p of [...named].sort()) if (!d.layers.includes(p) && ok(p)) return p;
  if (claim.payerIn.length === 0) {
    for (let i = 0; ; i++) {
      const p = `other-payer${i === 0 ? "" : `-${i}`}`;
      if (!d.layers.includes(p) && ok(p)) return p;
    }
  }
  return null;
}

/** At most `max` modifiers that hit every set of `ins` and avoid `outs` (exact, by search). */
function hittingSet(ins: readonly (readonly string[])[], outs: ReadonlySet<string>, max: number): string[] | null {
  const sets = ins.map((s) => s.filter((m) => !outs.has(m)));
  if (sets.some((s) => s.length === 0)) return null;
  const go = (chosen: string[]): string[] | null => {
    const open = sets.find((s) => !s.some((m) => chosen.includes(m)));
    if (!open) return chosen;
    if (chosen.length >= max) return null;
    // Prefer modifiers that hit the most open sets.
    const ranked = [...open].sort((a, b) => sets.filter((s) => s.includes(b)).length - sets.filter((s) => s.includes(a)).length || (a < b ? -1 : 1));
    for (const m of ranked) {
      const r = go([...chosen, m]);
      if (r) return r;
    }
    return null;
  };
  const r = go([]);
  return r === null ? null : r.sort();
}

// ------------------------------------------------------------------------------ codes and units

/**
 * Chooses each code variable's code and each attribute group's units. Without counts every
 * line is independent. With counts, a line's cell (which count sets its code is in) and its
 * units are searched together, depth first, with interval pruning on every count.
 */
function solveCodesAndUnits(
  lines: readonly LineStore[],
  claim: ClaimStore,
  attrOf: Map<string, Attr>,
  codeOf: Map<string, CodeVar>,
  env: TheoryEnv,
  units: Map<Attr, number>,
  codes: Map<CodeVar, string>,
): true | TheoryResult {
  // Units intervals per attribute group.
  const uDom = new Map<Attr, { lo: number; hi: number; excl: Set<number> }>();
  for (const a of new Set(attrOf.values())) {
    let lo = 1;
    let hi = MAX_UNITS;
    const excl = new Set<number>();
    for (const [op, n] of a.units) {
      const iv = opInterval(op, n);
      if (iv.not !== undefined) {
        if (Number.isInteger(iv.not)) excl.add(iv.not);
        continue;
      }
      lo = Math.max(lo, iv.lo);
      hi = Math.min(hi, iv.hi);
    }
    if (a.canonical) {
      if (lo > 1 || hi < 1 || excl.has(1)) return NO;
      lo = hi = 1;
    }
    if (lo > hi) return NO;
    uDom.set(a, { lo, hi, excl });
  }
  const counts = claim.counts;
  const cvs = [...new Set(lines.map((l) => codeOf.get(l.name)!))];
  if (counts.length === 0) {
    for (const cv of cvs) codes.set(cv, cv.fixed ?? env.codes.pick(cv.allowed));
    for (const [a, d] of uDom) {
      const v = firstAllowed(d.lo, d.hi, d.excl);
      if (v === undefined) return NO;
      units.set(a, v);
    }
    return true;
  }
  // Options per code variable: the cells of its allowed set by membership in the count sets.
  const options = new Map<CodeVar, { member: boolean[]; code: string }[]>();
  for (const cv of cvs) {
    if (cv.fixed !== undefined) {
      options.set(cv, [{ member: counts.map((c) => containsCode(c.set, cv.fixed!)), code: cv.fixed }]);
      continue;
    }
    const out: { member: boolean[]; code: string }[] = [];
    const split = (set: RankSet, i: number, member: boolean[]): void => {
      if (isEmpty(set)) return;
      if (i === counts.length) {
        out.push({ member, code: env.codes.pick(set) });
        return;
      }
      // Outside the count's set first: a line that counts toward nothing is the simplest.
      split(subtract(set, counts[i]!.set), i + 1, [...member, false]);
      split(intersect(set, counts[i]!.set), i + 1, [...member, true]);
    };
    split(cv.allowed, 0, []);
    options.set(cv, out);
  }
  // The constant above which units values are interchangeable.
  let top = 1;
  for (const c of counts) top = Math.max(top, Math.ceil(c.n) + 1);
  for (const a of uDom.keys()) for (const [, n] of a.units) top = Math.max(top, Math.ceil(n) + 1);
  const attrs = [...uDom.keys()];
  const lineAttr = lines.map((l) => attrOf.get(l.name)!);
  const lineCv = lines.map((l) => codeOf.get(l.name)!);
  const choice = new Map<CodeVar, { member: boolean[]; code: string }>();

  const unitsSearch = (): boolean => {
    // For each count: which attribute groups contribute (a group may count twice: two tied lines).
    const weight = counts.map((c) => {
      const w = new Map<Attr, number>();
      lines.forEach((l, i) => {
        if (c.hide.includes(l.name)) return;
        const ci = counts.indexOf(c);
        const opt = choice.get(lineCv[i]!)!;
        const member = c.keep?.includes(l.name) ? containsCode(c.keepSet!, lineCv[i]!.fixed ?? opt.code) : opt.member[ci];
        if (!member) return;
        w.set(lineAttr[i]!, (w.get(lineAttr[i]!) ?? 0) + 1);
      });
      return w;
    });
    const order = attrs.filter((a) => weight.some((w) => w.has(a)));
    const free = attrs.filter((a) => !order.includes(a));
    for (const a of free) {
      const d = uDom.get(a)!;
      const v = firstAllowed(d.lo, d.hi, d.excl);
      if (v === undefined) return false;
      units.set(a, v);
    }
    const vals = new Map<Attr, number>();
    const bounds = (a: Attr): [number, number] => {
      const d = uDom.get(a)!;
      return [d.lo, Math.min(d.hi, Math.max(d.lo, top))];
    };
    const feasible = (k: number): boolean => {
      for (let ci = 0; ci < counts.length; ci++) {
        const c = counts[ci]!;
        let min = 0;
        let max = 0;
        for (const [a, w] of weight[ci]!) {
          const fixed = vals.get(a);
          if (fixed !== undefined) (min += w * fixed), (max += w * fixed);
          else {
            const [lo, hi] = bounds(a);
            min += w * lo;
            max += w * hi;
          }
        }
        if (!rangeCanMeet(min, max, c.op, c.n, k === order.length)) return false;
      }
      return true;
    };
    const go = (k: number): boolean => {
      if (--env.budget.steps < 0) throw new BudgetExceeded();
      if (!feasible(k)) return false;
      if (k === order.length) return true;
      const a = order[k]!;
      const [lo, hi] = bounds(a);
      const excl = uDom.get(a)!.excl;
      for (let v = lo; v <= hi; v++) {
        if (excl.has(v)) continue;
        vals.set(a, v);
        if (go(k + 1)) return true;
      }
      vals.delete(a);
      return false;
    };
    if (!go(0)) return false;
    for (const [a, v] of vals) units.set(a, v);
    return true;
  };

  const codeSearch = (i: number): boolean => {
    if (i === cvs.length) return unitsSearch();
    for (const opt of options.get(cvs[i]!)!) {
      choice.set(cvs[i]!, opt);
      if (codeSearch(i + 1)) return true;
    }
    return false;
  };
  try {
    if (!codeSearch(0)) return NO;
  } catch (e) {
    if (e instanceof BudgetExceeded) return UNKNOWN;
    throw e;
  }
  for (const [cv, opt] of choice) codes.set(cv, opt.code);
  return true;
}

/** Thrown when a search runs out of steps; turned into "unknown". */
export class BudgetExceeded extends Error {}

function firstAllowed(lo: number, hi: number, excl: ReadonlySet<number>): number | undefined {
  for (let v = lo; v <= hi && v <= lo + excl.size + 1; v++) if (!excl.has(v)) return v;
  return undefined;
}

/** Whether some total in [min, max] meets `op n` (exactly, once every value is fixed). */
function rangeCanMeet(min: number, max: number, op: Op, n: number, done: boolean): boolean {
  if (done) return compare(min, op, n);
  switch (op) {
    case ">":
      return max > n;
    case ">=":
      return max >= n;
    case "<":
      return min < n;
    case "<=":
      return min <= n;
    case "=":
      return min <= n && n <= max;
    case "!=":
      return !(min === max && min === n);
    default: {
      const never: never = op;
      return never;
    }
  }
}

// ------------------------------------------------------------------------------ diagnoses

/**
 * Chooses the claim's diagnoses and each line's pointers: every line points to at most 4
 * diagnoses that cover its required sets and avoid its excluded ones and the claim's; every
 * claim-level required set gets a diagnosis; the claim has at most 12.
 */
function solveDx(attrOf: Map<string, Attr>, claimIn: number[], claimOut: number[], reg: DxRegistry): { dx: string[]; pointers: Map<Attr, number[]> } | null {
  const attrs = [...new Set(attrOf.values())];
  const ids = [...new Set([...claimIn, ...claimOut, ...attrs.flatMap((a) => [...a.dxIn, ...a.dxOut])])].sort((a, b) => a - b);
  const vectors = reg.vectors(ids);
  const pos = (id: number): number => ids.indexOf(id);
  const vecs = [...vectors.keys()];
  const allowedFor = (outs: readonly number[]): string[] => vecs.filter((v) => outs.every((o) => v[pos(o)] === "0"));
  const chosen: string[] = [];
  const use = (v: string): number => {
    let i = chosen.indexOf(v);
    if (i < 0) (i = chosen.length), chosen.push(v);
    return i;
  };
  const claimAllowed = allowedFor(claimOut);
  for (const id of claimIn) {
    const v = claimAllowed.find((x) => x[pos(id)] === "1" && chosen.includes(x)) ?? claimAllowed.find((x) => x[pos(id)] === "1");
    if (v === undefined) return null;
    use(v);
  }
  const pointers = new Map<Attr, number[]>();
  for (const a of attrs) {
    if (a.canonical) continue;
    const allowed = allowedFor([...claimOut, ...a.dxOut]);
    if (allowed.length === 0) return null;
    const need = [...new Set(a.dxIn)];
    const go = (picked: string[]): string[] | null => {
      const open = need.find((id) => !picked.some((v) => v[pos(id)] === "1"));
      if (open === undefined) return picked;
      if (picked.length >= 4) return null;
      const cands = allowed
        .filter((v) => v[pos(open)] === "1")
        .sort((x, y) => need.filter((id) => y[pos(id)] === "1").length - need.filter((id) => x[pos(id)] === "1").length || Number(chosen.includes(y)) - Number(chosen.includes(x)));
      for (const v of cands) {
        const r = go([...picked, v]);
        if (r) return r;
      }
      return null;
    };
    let picked = go([]);
    if (picked === null) return null;
    if (picked.length === 0) {
      // No requirement: point to a diagnosis that breaks none of the line's exclusions.
      picked = [allowed.find((v) => chosen.includes(v)) ?? allowed.find((v) => !v.includes("1")) ?? allowed[0]!];
    }
    pointers.set(a, picked.map(use));
  }
  if (chosen.length === 0) chosen.push(claimAllowed.find((v) => !v.includes("1")) ?? claimAllowed[0] ?? "");
  if (chosen.length > 12 || chosen.some((v) => !vectors.has(v))) return null;
  return { dx: chosen.map((v) => vectors.get(v)!), pointers };
}

// ------------------------------------------------------------------------------ facts

const INTEGER_FACTS: ReadonlySet<string> = new Set(["lesionCount"]);

/** The line's documentation facts: present only where a positive literal needs them. */
function solveFacts(a: Attr): ModelLine["facts"] | null {
  const out: ModelLine["facts"] = {};
  for (const name of ["lesionCount", "excisedDiameterCm", "repairLengthCm"] as const) {
    const pos = a.factPos.filter((f) => f.name === name);
    if (pos.length === 0) continue;
    const cons: [Op, number][] = [...pos.map((f) => [f.op, f.n] as [Op, number]), ...a.factNeg.filter((f) => f.name === name).map((f) => [negate(f.op), f.n] as [Op, number])];
    const v = pickNumber(cons, INTEGER_FACTS.has(name));
    if (v === undefined) return null;
    out[name] = v;
  }
  if (a.siteIn.length > 0) {
    const s = pickValue(a.siteIn, a.siteOut, undefined);
    if (s === null || s === undefined) return null;
    out.site = s;
  }
  return out;
}

/**
 * Claims aimed at what changed: the behaviour search of `dermrules diff`.
 *
 * For each changed rule (both versions), PTP pair, MUE code, add-on code or diagnosis, the
 * generator builds claims that sit on the boundary of the change:
 * 1. seeds: for every way the rule's condition can hold (its disjunctive normal form), a claim
 *    that makes that term true, plus the variants the action cares about (the required code
 *    present or not, the modifier carried or not, units at the limit and one over, each case
 *    of a select table);
 * 2. neighbours: each seed changed in one place, to every value the conditions of either
 *    version compare with (units n-1, n, n+1; codes at both ends of every range and just
 *    outside; modifiers in and out of each set; diagnoses in and out; dates at the edges of
 *    each effective window; ages, facts and sites at each threshold);
 * 3. random claims drawn from the same values.
 * Seeds are built so that the rule can fire on them: the codes and diagnoses the condition asks
 * for are taken outside what the action requires or forbids where the sets allow, and several
 * comparisons of one number in a term get one value that meets them all. When the claims must
 * be cut to `maxPerTarget`, the seeds are kept, then the neighbours that move a seed the rule
 * fires on to a value that differs between its versions (`focusPools`), then a sample.
 * Every claim is valid (the runtime would accept it). Nothing here decides what changed: the
 * caller evaluates every claim on both tables, so a claim can only ever be a true witness.
 */
import { codeAtRank, codeRank, isProcedureCode } from "../compiler/codes.ts";
import { compare } from "../compiler/ops.ts";
import { displayDx, startingWith } from "../runtime/codes.ts";
import { dayNumber, formatDay } from "../runtime/dates.ts";
import type { CodeRanges, DxSet, Op, TAction, TCond, TRule } from "../runtime/table.ts";
import type { Claim, ClaimLine } from "../runtime/types.ts";

/** What the generator aims at. */
export type Target =
  | { kind: "rule"; id: string; versions: TRule[]; layers: string[] }
  | { kind: "ptp"; a: string; b: string; layers: string[]; days: number[] }
  | { kind: "mue"; code: string; limits: number[]; layers: string[] }
  | { kind: "aoc"; addon: string; primaries: string[]; layers: string[]; days: number[] }
  | { kind: "dx"; dx: string[]; layers: string[] };

/** What the generator knows about the tables. */
export interface GenContext {
  /** Billable ICD-10-CM codes, normalized and sorted (empty when the tables carry no list). */
  billable: string[];
  billableSet: Set<string>;
  /** The default layer (claims for it carry no payer). */
  defaultLayer: string;
  /** A deterministic random source in [0, 1). */
  rng: () => number;
  /**
   * Primary code → the add-on codes that list it (from both tables' add-on rows). An add-on
   * falls with its denied primary, so a rule that starts or stops denying a primary changes
   * the add-on's findings too: claims get the add-ons of their codes to show that.
   */
  addonsOf?: Map<string, string[]>;
  /** Add-on code → its listed primaries (the same rows, the other way). */
  primariesOf?: Map<string, string[]>;
  /**
   * Every rule of both tables. The diagnoses other rules want on the same codes join the pool,
   * so that some claims satisfy them: a change then shows in the verdict, not only in findings.
   */
  allRules?: TRule[];
  /**
   * Whether the rule has findings on the claim under either table (the caller evaluates it).
   * When the claims aimed at a changed rule must be cut to `maxPerTarget`, the neighbours of the
   * seeds it fires on, moved to a value that changed, are kept first: they sit on the boundary
   * of the change. Without it, the seeds are not told apart.
   */
  fires?: (claim: Claim, rule: string) => boolean;
}

/** The date claims default to when no window says otherwise (the shipped rule tests use it). */
export const DEFAULT_DAY = dayNumber("2024-05-15")!;

/** A seeded PRNG (mulberry32): the same seed gives the same claims. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rng: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rng() * xs.length)]!;
}

const COMMON_MODIFIERS = ["25", "59", "XS", "XE", "RT", "LT", "GY", "GA", "GZ", "57", "24", "76", "XU", "FA", "F1", "T1", "E1"];
const NEUTRAL_DX = ["Z00.00", "E11.9", "I10", "L30.9", "L57.0", "D48.5", "C44.311", "L82.1", "L91.8", "B07.8", "D22.5", "R21"];
const SITES = ["trunk", "nose", "scalp", "hand", "back", "ear", "leg", "neck", "foot", "lip"];

// ---------------------------------------------------------------------------- values

function succ(code: string): string | undefined {
  if (!isProcedureCode(code)) return undefined;
  const r = codeRank(code) + 1;
  const c = codeAtRank(r);
  return isProcedureCode(c) && c.length === 5 ? c : undefined;
}

function pred(code: string): string | undefined {
  if (!isProcedureCode(code) || codeRank(code) === 0) return undefined;
  const c = codeAtRank(codeRank(code) - 1);
  return isProcedureCode(c) ? c : undefined;
}

/** Codes at both ends of every range, one inside, and the neighbours just outside. */
export function boundaryCodes(ranges: CodeRanges): string[] {
  const out: string[] = [];
  for (const [lo, hi] of ranges) {
    out.push(lo, hi);
    const mid = succ(lo);
    if (mid !== undefined && mid < hi) out.push(mid);
    const p = pred(lo);
    const s = succ(hi);
    if (p !== undefined) out.push(p);
    if (s !== undefined) out.push(s);
  }
  return [...new Set(out)];
}

function firstCode(ranges: CodeRanges): string | undefined {
  return ranges[0]?.[0];
}

/** The boundary codes of a set that are in it (`boundaryCodes` also gives neighbours outside). */
function codesIn(ranges: CodeRanges): string[] {
  return boundaryCodes(ranges).filter((c) => inRanges(ranges, c));
}

/** Whole values near `n` that make `v op n` hold (want) or fail (not want), closest first. */
function intValues(op: Op, n: number, want: boolean, min: number, max: number): number[] {
  const out: number[] = [];
  for (const v of [n, n + 1, n - 1, n + 2, n - 2, Math.floor(n), Math.ceil(n)]) {
    const w = Math.round(v);
    if (w >= min && w <= max && compare(w, op, n) === want && !out.includes(w)) out.push(w);
  }
  return out;
}

/** Decimal values near `n` (a fact in cm) that make `v op n` hold or fail, closest first; all > 0. */
function decimalValues(op: Op, n: number, want: boolean): number[] {
  const out: number[] = [];
  for (const v of [n, n + 0.1, n - 0.1, n + 1, n - 1]) {
    const w = Math.round(v * 10) / 10;
    if (w > 0 && compare(w, op, n) === want && !out.includes(w)) out.push(w);
  }
  return out;
}

// ---------------------------------------------------------------------------- diagnoses

function inDx(set: DxSet, dx: string): boolean {
  return set.codes.includes(dx) || set.prefixes.some((p) => dx.startsWith(p));
}

function usable(ctx: GenContext, dx: string): boolean {
  return ctx.billable.length === 0 || ctx.billableSet.has(dx);
}

/**
 * Up to `max` diagnoses in the set (display form), billable where the table has a list. A set
 * with no billable member (a rule written with a header such as `C44.31`, or a retired code)
 * gives its codes as written: the runtime accepts such a claim (with the same ICD finding on
 * both sides), and the rule can only ever match on them, so without them its change would not
 * show.
 */
function dxMembers(ctx: GenContext, set: DxSet, max = 3, spare?: DxSet): string[] {
  const out: string[] = [];
  const take = (d: string) => {
    if (out.length < max && !out.includes(d)) out.push(d);
  };
  const billable = [
    ...set.codes.filter((c) => usable(ctx, c)),
    ...set.prefixes.flatMap((p) => (ctx.billable.length ? startingWith(ctx.billable, p, spare ? 4 : 1) : p.length >= 3 ? [p] : [])),
  ];
  const written = [...set.codes, ...set.prefixes.filter((p) => p.length >= 3)];
  if (spare) {
    // Members outside `spare` first, billable or not: a `require dx` rule whose condition
    // asks for a diagnosis of its own required set is met by it, so only another one fires it.
    for (const d of billable) if (!inDx(spare, d)) take(d);
    for (const d of written) if (!inDx(spare, d)) take(d);
  }
  for (const d of billable) take(d);
  if (out.length === 0) for (const d of written) take(d);
  return out.map(displayDx);
}

const nonMemberMemo = new WeakMap<DxSet, string | null>();

/** A billable diagnosis not in the set (or null when the set holds every code). */
function dxOutside(ctx: GenContext, set: DxSet): string | null {
  const hit = nonMemberMemo.get(set);
  if (hit !== undefined) return hit;
  let found: string | null = null;
  for (const d of NEUTRAL_DX) {
    const n = d.replace(".", "");
    if (!inDx(set, n) && usable(ctx, n)) {
      found = d;
      break;
    }
  }
  if (found === null) {
    for (const n of ctx.billable) {
      if (!inDx(set, n)) {
        found = displayDx(n);
        break;
      }
    }
  }
  nonMemberMemo.set(set, found);
  return found;
}

// ---------------------------------------------------------------------------- claims

let serial = 0;

function newClaim(day: number, layer: string | undefined, ctx: GenContext): Claim {
  const c: Claim = { id: `G${++serial}`, serviceDate: formatDay(day), diagnoses: [], lines: [] };
  if (layer !== undefined && layer !== ctx.defaultLayer) c.payer = layer;
  return c;
}

/** The pointer (1-based) of a diagnosis, added when new; undefined when the claim is full. */
function dxPointer(c: Claim, dx: string): number | undefined {
  const norm = dx.replace(".", "").toUpperCase();
  const i = c.diagnoses.findIndex((d) => d.replace(".", "").toUpperCase() === norm);
  if (i >= 0) return i + 1;
  if (c.diagnoses.length >= 12) return undefined;
  c.diagnoses.push(dx);
  return c.diagnoses.length;
}

function addLine(c: Claim, code: string, units = 1): number {
  if (c.lines.length >= 50) return c.lines.length;
  c.lines.push({ code, units });
  return c.lines.length;
}

function pointLine(c: Claim, n: number, dx: string): void {
  const p = dxPointer(c, dx);
  if (p === undefined) return;
  const l = c.lines[n - 1]!;
  const ptrs = l.dxPointers ?? [];
  if (ptrs.includes(p) || ptrs.length >= 4) return;
  l.dxPointers = [...ptrs, p];
}

function addModifier(l: ClaimLine, m: string): void {
  const mods = l.modifiers ?? [];
  if (mods.includes(m) || mods.length >= 4) return;
  l.modifiers = [...mods, m];
}

function setFact(l: ClaimLine, name: string, v: number | string): void {
  l.facts = { ...(l.facts ?? {}), [name]: v };
}

function birthDateFor(day: number, age: number): string | undefined {
  const [y, m, d] = formatDay(day).split("-").map(Number) as [number, number, number];
  const by = y - age;
  if (by < 1900 || age < 0) return undefined;
  const dd = m === 2 && d === 29 ? 28 : d;
  return `${String(by).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(dd).padStart(2, "0")}`;
}

/** Makes a claim valid: at least one diagnosis, pointers within range, nothing empty. */
export function finishClaim(c: Claim, ctx: GenContext): Claim {
  if (c.diagnoses.length === 0) c.diagnoses.push(dxOutside(ctx, { codes: [], prefixes: [] }) ?? "L30.9");
  if (c.lines.length === 0) c.lines.push({ code: "99213", units: 1 });
  for (const l of c.lines) {
    if (l.dxPointers !== undefined && l.dxPointers.length === 0) delete l.dxPointers;
    if (l.modifiers !== undefined && l.modifiers.length === 0) delete l.modifiers;
    if (l.facts !== undefined && Object.keys(l.facts).length === 0) delete l.facts;
    l.units = Math.min(9999, Math.max(1, Math.round(l.units)));
  }
  return c;
}

/** A deep copy. */
export function cloneClaim(c: Claim): Claim {
  return JSON.parse(JSON.stringify(c)) as Claim;
}

// ---------------------------------------------------------------------------- conditions → terms

interface Literal {
  atom: TCond;
  pos: boolean;
}

const MAX_TERMS = 48;

/** The condition in disjunctive normal form (`want`: that it holds, or that it fails), at most MAX_TERMS terms. */
function dnf(c: TCond, want: boolean): Literal[][] {
  switch (c.k) {
    case "true":
      return want ? [[]] : [];
    case "not":
      return dnf(c.arg, !want);
    case "and":
    case "or": {
      const conj = (c.k === "and") === want;
      if (!conj) return c.args.flatMap((a) => dnf(a, want)).slice(0, MAX_TERMS);
      let acc: Literal[][] = [[]];
      for (const a of c.args) {
        const terms = dnf(a, want);
        const next: Literal[][] = [];
        for (const x of acc) for (const y of terms) if (next.length < MAX_TERMS) next.push([...x, ...y]);
        acc = next;
      }
      return acc;
    }
    default:
      return [[{ atom: c, pos: want }]];
  }
}

/**
 * A literal that makes `term` fail without contradicting `lits`: the negation of one of its
 * literals (not a count where another will do, since counts interact with every line).
 */
function falsifyOne(term: Literal[], lits: readonly Literal[]): Literal | undefined {
  const key = (l: Literal) => JSON.stringify(l.atom);
  const fixed = new Map(lits.map((l) => [key(l), l.pos]));
  const candidates = [...term.filter((l) => l.atom.k !== "count"), ...term.filter((l) => l.atom.k === "count")];
  for (const l of candidates) {
    const already = fixed.get(key(l));
    if (already === l.pos) continue; // the term needs what the claim already has: try another literal
    const neg = { atom: l.atom, pos: !l.pos };
    // Nor a number no value of which meets `lits` too (`lesionCount != 2` against `lesionCount = 2`).
    const n = numberOf(l.atom);
    if (n !== undefined && !jointly([neg, ...lits.filter((o) => numberOf(o.atom) === n)])) continue;
    return neg;
  }
  return undefined;
}

/** Every atom of a condition. */
function atoms(c: TCond, out: TCond[] = []): TCond[] {
  if (c.k === "and" || c.k === "or") c.args.forEach((a) => atoms(a, out));
  else if (c.k === "not") atoms(c.arg, out);
  else out.push(c);
  return out;
}

// ---------------------------------------------------------------------------- the value pools

/** The values the conditions and actions of some rule versions compare with. */
export interface Pools {
  codes: string[];
  units: number[];
  modifiers: string[];
  dx: string[];
  days: number[];
  ages: number[];
  facts: { name: "lesionCount" | "excisedDiameterCm" | "repairLengthCm"; values: number[] }[];
  sites: string[];
  sexes: string[];
  pos: string[];
  /** The code sets of `has` atoms with units, with the units near their thresholds. */
  unitSets: { set: CodeRanges; values: number[] }[];
}

function emptyPools(): Pools {
  return { codes: [], units: [1, 2], modifiers: [], dx: [], days: [DEFAULT_DAY], ages: [], facts: [], sites: [], sexes: [], pos: [], unitSets: [] };
}

function addAll<T>(list: T[], xs: Iterable<T>): void {
  for (const x of xs) if (!list.includes(x)) list.push(x);
}

function addFact(p: Pools, name: "lesionCount" | "excisedDiameterCm" | "repairLengthCm", values: number[]): void {
  let f = p.facts.find((x) => x.name === name);
  if (!f) p.facts.push((f = { name, values: [] }));
  addAll(f.values, values);
}

function windowDays(rule: TRule): number[] {
  const out: number[] = [];
  const [from, until] = rule.effective;
  if (from !== null) out.push(from, from - 1);
  if (until !== null) out.push(until, until + 1);
  return out;
}

/** A date inside the rule's window, the default one when it fits. */
function dayIn(rule: TRule): number {
  const [from, until] = rule.effective;
  if ((from === null || from <= DEFAULT_DAY) && (until === null || DEFAULT_DAY <= until)) return DEFAULT_DAY;
  return from ?? until!;
}

function poolAtom(ctx: GenContext, p: Pools, a: TCond): void {
  const dxSet = (s: DxSet) => {
    addAll(p.dx, dxMembers(ctx, s, 2));
    const out = dxOutside(ctx, s);
    if (out !== null) addAll(p.dx, [out]);
  };
  switch (a.k) {
    case "has":
      addAll(p.codes, boundaryCodes(a.set));
      if (a.units) {
        const values = [...intValues(a.units[0], a.units[1], true, 1, 9999), ...intValues(a.units[0], a.units[1], false, 1, 9999)];
        addAll(p.units, values);
        const key = JSON.stringify(a.set);
        const u = p.unitSets.find((x) => JSON.stringify(x.set) === key);
        if (u) addAll(u.values, values);
        else p.unitSets.push({ set: a.set, values });
      }
      if (a.mod) addAll(p.modifiers, a.mod.slice(0, 3));
      if (a.noMod) addAll(p.modifiers, a.noMod.slice(0, 3));
      if (a.dx) dxSet(a.dx);
      if (a.noDx) dxSet(a.noDx);
      return;
    case "count":
      addAll(p.codes, boundaryCodes(a.set));
      addAll(p.units, [...intValues(a.op, a.n, true, 1, 9999), ...intValues(a.op, a.n, false, 1, 9999)]);
      return;
    case "dx":
      dxSet(a.set);
      return;
    case "mod":
      addAll(p.modifiers, a.set.slice(0, 3));
      return;
    case "units":
      addAll(p.units, [...intValues(a.op, a.n, true, 1, 9999), ...intValues(a.op, a.n, false, 1, 9999)]);
      return;
    case "age":
      addAll(p.ages, [...intValues(a.op, a.n, true, 0, 120), ...intValues(a.op, a.n, false, 0, 120)]);
      return;
    case "sex":
      addAll(p.sexes, [...a.values, ...["F", "M", "U"].filter((s) => !a.values.includes(s)).slice(0, 1)]);
      return;
    case "pos":
      addAll(p.pos, [...a.values, ...["11", "22", "19"].filter((s) => !a.values.includes(s)).slice(0, 1)]);
      return;
    case "payer":
      return;
    case "dos":
      addAll(p.days, [a.day - 1, a.day, a.day + 1]);
      return;
    case "fact": {
      const vals = a.name === "lesionCount" ? [...intValues(a.op, a.n, true, 1, 9999), ...intValues(a.op, a.n, false, 1, 9999)] : [...decimalValues(a.op, a.n, true), ...decimalValues(a.op, a.n, false)];
      addFact(p, a.name, vals);
      return;
    }
    case "site":
      addAll(p.sites, [...a.values.slice(0, 3), ...SITES.filter((s) => !a.values.includes(s)).slice(0, 1)]);
      return;
    case "true":
    case "and":
    case "or":
    case "not":
      return;
    default: {
      const never: never = a;
      return never;
    }
  }
}

/** The atoms of a rule's condition and of its select cases. */
function ruleAtoms(r: TRule): TCond[] {
  return r.action.k === "select" ? [...atoms(r.when), ...r.action.cases.flatMap((c) => atoms(c.when))] : atoms(r.when);
}

/** The values an action compares with (a select table: its cases' codes, and their atoms with `caseAtoms`). */
function poolAction(ctx: GenContext, p: Pools, act: TAction, caseAtoms: boolean): void {
  switch (act.k) {
    case "require-codes":
    case "forbid-codes":
      addAll(p.codes, boundaryCodes(act.set));
      return;
    case "require-modifier":
    case "forbid-modifier":
      addAll(p.modifiers, act.set.slice(0, 3));
      if (act.on) addAll(p.codes, boundaryCodes(act.on));
      return;
    case "require-dx":
      poolAtom(ctx, p, { k: "dx", scope: "line", set: act.set });
      return;
    case "limit":
      addAll(p.codes, boundaryCodes(act.set));
      addAll(p.units, [act.max, act.max + 1].filter((u) => u >= 1 && u <= 9999));
      return;
    case "select":
      for (const c of act.cases) {
        addAll(p.codes, [c.code]);
        if (caseAtoms) for (const a of atoms(c.when)) poolAtom(ctx, p, a);
      }
      return;
    case "deny":
    case "flag":
      return;
    default: {
      const never: never = act;
      return never;
    }
  }
}

/** The value pools of some rule versions. */
export function rulePools(ctx: GenContext, versions: readonly TRule[]): Pools {
  const p = emptyPools();
  for (const r of versions) {
    addAll(p.days, windowDays(r));
    addAll(p.codes, boundaryCodes(r.subject ?? r.triggers));
    for (const a of atoms(r.when)) poolAtom(ctx, p, a);
    poolAction(ctx, p, r.action, true);
  }
  addAll(p.modifiers, COMMON_MODIFIERS.filter((m) => !p.modifiers.includes(m)).slice(0, 2));
  // The diagnoses the other rules on these codes ask for (one member each).
  const trig = versions.flatMap((r) => r.subject ?? r.triggers);
  for (const other of ctx.allRules ?? []) {
    if (versions.includes(other)) continue;
    const t = other.subject ?? other.triggers;
    if (!t.some(([lo, hi]) => trig.some(([a, b]) => lo <= b && a <= hi))) continue;
    const sets: DxSet[] = [];
    if (other.action.k === "require-dx") sets.push(other.action.set);
    for (const a of atoms(other.when)) if (a.k === "dx") sets.push(a.set);
    for (const set of sets) addAll(p.dx, dxMembers(ctx, set, 1));
    if (p.dx.length > 16) break;
  }
  p.codes = p.codes.slice(0, 60);
  return p;
}

/**
 * The values of what differs between the versions of a rule: the atoms that are not in every
 * version (a threshold, a code set, a modifier), the action, the window and the subject when
 * they differ. Undefined when the versions differ in none of these (one version, or a change
 * of severity or message only). The neighbours that move a seed to these values are the ones
 * that cross a changed boundary, so they come before the others when claims must be dropped.
 */
export function focusPools(ctx: GenContext, versions: readonly TRule[]): Pools | undefined {
  if (versions.length < 2) return undefined;
  const key = (x: unknown) => JSON.stringify(x);
  const atomKeys = versions.map((r) => new Set(ruleAtoms(r).map(key)));
  const differs = (f: (r: TRule) => unknown) => new Set(versions.map((r) => key(f(r)))).size > 1;
  // Empty, without the default units and day `emptyPools` starts from.
  const p: Pools = { ...emptyPools(), units: [], days: [] };
  for (const r of versions) {
    for (const a of ruleAtoms(r)) if (!atomKeys.every((s) => s.has(key(a)))) poolAtom(ctx, p, a);
    if (differs((v) => v.action)) poolAction(ctx, p, r.action, false);
    if (differs((v) => v.effective)) addAll(p.days, windowDays(r));
    if (differs((v) => v.subject ?? v.triggers)) addAll(p.codes, boundaryCodes(r.subject ?? r.triggers));
  }
  const empty = Object.values(p).every((v) => (v as unknown[]).length === 0);
  return empty ? undefined : p;
}

// ---------------------------------------------------------------------------- seeds

interface Build {
  /** Spread a `count` over two codes of its set (1 unit on the first, the rest on the second). */
  spread: boolean;
  c: Claim;
  /** The current line (1-based), in line scope. */
  cur: number;
  /** Code sets no other line may carry (negated `has`), dx sets the claim must avoid. */
  avoidCodes: CodeRanges[];
  /** The negated `has` atoms, for a line the action needs that one of them rules out. */
  ruledOut: Extract<TCond, { k: "has" }>[];
  /**
   * Codes the lines the condition asks for should not have when another code of their set will
   * do: a `require` rule's required codes (one such line meets the requirement, so a seed built
   * on it could never fire and the change of the condition behind it would not show).
   */
  spare: CodeRanges;
  /** The same for diagnoses: a `require dx` rule's required set. */
  spareDx?: DxSet;
  /** The literals the claim is built for (for a number several of them compare). */
  lits: Literal[];
}

function inRanges(ranges: CodeRanges, code: string): boolean {
  return ranges.some(([lo, hi]) => lo <= code && code <= hi);
}

/**
 * A code of the set for a new line (other than `not`): clear of `avoidCodes`, and of `spare`
 * where the set allows.
 */
function pickCode(b: Build, set: CodeRanges, not?: string): string | undefined {
  const inSet = codesIn(set).filter((c) => c !== not);
  const clear = inSet.filter((c) => !b.avoidCodes.some((r) => inRanges(r, c)));
  return clear.find((c) => !inRanges(b.spare, c)) ?? clear[0] ?? (not === undefined ? firstCode(set) : inSet[0]);
}

/** The number an atom compares (`units`, `age`, `dos`, a fact), or undefined. */
function numberOf(a: TCond): string | undefined {
  return a.k === "units" || a.k === "age" || a.k === "dos" ? a.k : a.k === "fact" ? `fact ${a.name}` : undefined;
}

/** The comparison a numeric atom makes. */
function comparison(a: TCond): [Op, number] | undefined {
  return a.k === "dos" ? [a.op, a.day] : a.k === "units" || a.k === "age" || a.k === "fact" ? [a.op, a.n] : undefined;
}

/** Whether value `v` of the number a literal compares makes the literal hold as it wants. */
function holdsAt(lit: Literal, v: number): boolean {
  const [op, n] = comparison(lit.atom)!;
  return compare(v, op, n) === lit.pos;
}

/** Whether one value meets all these literals on one number (whole values, or tenths for a length in cm). */
function jointly(lits: readonly Literal[]): boolean {
  const step = lits[0] && numberOf(lits[0].atom)?.endsWith("Cm") ? 0.1 : 1;
  const values = lits.flatMap((l) => [-2, -1, 0, 1, 2].map((d) => Math.round((comparison(l.atom)![1] + d * step) * 10) / 10));
  return values.some((v) => lits.every((l) => holdsAt(l, v)));
}

/**
 * Values for the number a literal compares, near its threshold, that make it hold as wanted:
 * first those that meet the claim's other literals on the same number too (`units != 2 and
 * units <= 2` takes 1, where each alone would take 3, then 2), else its own.
 */
function numberFor(b: Build, lit: Literal, values: (op: Op, n: number, want: boolean) => number[]): number[] {
  const key = numberOf(lit.atom);
  const own = values(...comparison(lit.atom)!, lit.pos);
  const peers = b.lits.filter((o) => o !== lit && numberOf(o.atom) === key);
  if (peers.length === 0) return own;
  const all = [...own, ...peers.flatMap((p) => values(...comparison(p.atom)!, p.pos))];
  const both = all.filter((v) => holdsAt(lit, v) && peers.every((p) => holdsAt(p, v)));
  return both.length ? both : own;
}

/**
 * Adds a line the action needs (a required or forbidden code, the lines of `on` or of a limit),
 * with a code of the set clear of the negated `has` atoms where the set allows (one `prefer`
 * accepts first).
 * Where one of them still matches the code, the line misses that atom's qualifier (`miss`), so
 * that the condition the seed was built for still holds. Returns the line's number (0: none).
 */
function addActionLine(ctx: GenContext, b: Build, set: CodeRanges, prefer: (code: string) => boolean = () => true): number {
  const candidates = codesIn(set);
  const clear = candidates.filter((c) => !b.avoidCodes.some((r) => inRanges(r, c)));
  const code = clear.find(prefer) ?? clear[0] ?? candidates.find(prefer) ?? firstCode(set);
  if (code === undefined) return 0;
  const n = addLine(b.c, code);
  for (const a of b.ruledOut) if (inRanges(a.set, code)) miss(ctx, b.c, n, a);
  return n;
}

/**
 * Makes line `n` (of a code in the atom's set) miss one of the atom's qualifiers, next to its
 * threshold: units on the other side of it, a modifier of `without modifier`, a diagnosis in
 * `without dx` or outside `with dx`; with `with modifier`, the line already carries none.
 * False when the atom has no qualifier, so that every line of its set matches it.
 */
function miss(ctx: GenContext, c: Claim, n: number, a: Extract<TCond, { k: "has" }>): boolean {
  const l = c.lines[n - 1]!;
  const units = a.units ? intValues(a.units[0], a.units[1], false, 1, 9999)[0] : undefined;
  const other = a.dx ? dxOutside(ctx, a.dx) : a.noDx ? dxMembers(ctx, a.noDx, 1)[0] : undefined;
  if (units !== undefined) l.units = units;
  else if (a.noMod?.[0]) addModifier(l, a.noMod[0]);
  else if (other) pointLine(c, n, other);
  else return a.mod !== undefined;
  return true;
}

/**
 * Makes one literal true on the claim under construction (best effort: evaluation decides).
 * `near`: the literal is one of the term's own (not one that makes another term fail), to be
 * realized next to its threshold.
 */
function realize(ctx: GenContext, b: Build, lit: Literal, near = false): void {
  const a = lit.atom;
  const c = b.c;
  const cur = b.cur > 0 ? c.lines[b.cur - 1] : undefined;
  switch (a.k) {
    case "has": {
      if (!lit.pos) {
        b.avoidCodes.push(a.set);
        b.ruledOut.push(a);
        // The term's own `not 17004 units = 2`: a line of the set that just misses the
        // qualifier, so that a neighbour (units 2) or a changed threshold crosses it.
        if (near && (a.units || a.mod || a.noMod || a.dx || a.noDx)) {
          const code = codesIn(a.set).find((x) => !inRanges(b.spare, x)) ?? firstCode(a.set);
          if (code !== undefined && c.lines.length < 50 && !miss(ctx, c, addLine(c, code), a)) c.lines.pop();
        }
        return;
      }
      const code = pickCode(b, a.set);
      if (code === undefined) return;
      const n = addLine(c, code, a.units ? (intValues(a.units[0], a.units[1], true, 1, 9999)[0] ?? 1) : 1);
      const l = c.lines[n - 1]!;
      if (a.mod?.[0]) addModifier(l, a.mod[0]);
      if (a.dx) {
        const d = dxMembers(ctx, a.dx, 1, b.spareDx)[0];
        if (d) pointLine(c, n, d);
      }
      if (a.noDx) {
        const d = dxOutside(ctx, a.noDx);
        if (d) pointLine(c, n, d);
      }
      return;
    }
    case "count": {
      // Lines already on the claim count too (the current line, earlier literals): only the
      // difference is added, so that the total is exactly the value wanted. A literal of the
      // term being built takes the total nearest the threshold (`count < 3`: 2, `count != 4`:
      // 3), so that one unit more or less on its line crosses it and a changed threshold shows
      // in a neighbour (a total of 0 would leave no line to vary); a literal that only makes
      // another term fail takes the smallest total that does.
      const current = c.lines.reduce((n, l) => n + (inRanges(a.set, l.code) ? l.units : 0), 0);
      const total = [current, a.n, a.n + 1, a.n - 1, a.n + 2, a.n - 2]
        .filter((t) => Number.isInteger(t) && t >= current && t <= 9999)
        .sort((x, y) => (near ? Math.abs(x - a.n) - Math.abs(y - a.n) || x - y : x - y))
        .find((t) => compare(t, a.op, a.n) === lit.pos);
      if (total === undefined || total === current) {
        // Nothing to add; a count that must stay at 0 keeps the set's codes off other lines.
        if (current === 0 && compare(0, a.op, a.n) === lit.pos) b.avoidCodes.push(a.set);
        return;
      }
      const v = total - current;
      const code = pickCode(b, a.set);
      if (code === undefined) return;
      const second = b.spread && v >= 2 ? pickCode(b, a.set, code) : undefined;
      if (second !== undefined) {
        addLine(c, code, 1);
        addLine(c, second, v - 1);
      } else addLine(c, code, v);
      return;
    }
    case "dx": {
      if (a.scope === "line" && b.cur > 0) {
        const d = lit.pos ? dxMembers(ctx, a.set, 1, b.spareDx)[0] : dxOutside(ctx, a.set);
        if (d) pointLine(c, b.cur, d);
        return;
      }
      if (lit.pos) {
        const d = dxMembers(ctx, a.set, 1, b.spareDx)[0];
        if (d) dxPointer(c, d);
      }
      return;
    }
    case "mod":
      if (cur && lit.pos && a.set[0]) addModifier(cur, a.set[0]);
      return;
    case "units": {
      const v = numberFor(b, lit, (op, n, want) => intValues(op, n, want, 1, 9999))[0];
      if (cur && v !== undefined) cur.units = v;
      return;
    }
    case "age": {
      const v = numberFor(b, lit, (op, n, want) => intValues(op, n, want, 0, 120))[0];
      const bd = v === undefined ? undefined : birthDateFor(dayNumber(c.serviceDate!)!, v);
      if (bd) c.patient = { ...(c.patient ?? {}), birthDate: bd };
      return;
    }
    case "sex": {
      const v = lit.pos ? a.values[0] : ["F", "M", "U"].find((s) => !a.values.includes(s));
      if (v) c.patient = { ...(c.patient ?? {}), sex: v as "F" | "M" | "U" };
      return;
    }
    case "pos": {
      const v = lit.pos ? a.values[0] : ["11", "22", "19"].find((s) => !a.values.includes(s));
      if (v) c.placeOfService = v;
      return;
    }
    case "payer":
      return;
    case "dos": {
      const days = numberFor(b, lit, (op, n, want) => intValues(op, n, want, 0, 200000));
      if (days[0] !== undefined) c.serviceDate = formatDay(days[0]);
      return;
    }
    case "fact": {
      if (!cur) return;
      const vals = numberFor(b, lit, (op, n, want) => (a.name === "lesionCount" ? intValues(op, n, want, 1, 9999) : decimalValues(op, n, want)));
      if (vals[0] !== undefined) setFact(cur, a.name, vals[0]);
      return;
    }
    case "site": {
      if (!cur) return;
      const v = lit.pos ? a.values[0] : SITES.find((s) => !a.values.includes(s));
      if (v) setFact(cur, "site", v);
      return;
    }
    case "true":
    case "and":
    case "or":
    case "not":
      return;
    default: {
      const never: never = a;
      return never;
    }
  }
}

/** Seed claims for one rule version: each way its condition holds, with the action's variants. */
function ruleSeeds(ctx: GenContext, r: TRule, layer: string): Claim[] {
  const out: Claim[] = [];
  const day = dayIn(r);
  const subject = r.subject ?? r.triggers;
  let spread = false;
  let exclusive = false;
  const terms = dnf(r.when, true);
  /**
   * A claim that makes `term` (and, for a select table, one term of a case) hold. `exclusive`:
   * the other ways the condition could hold are made to fail too (one literal of each), and for
   * a select table the cases in `earlier` as well, so that this term alone decides: a change to
   * it then shows.
   */
  const build = (term: Literal[], selectCase?: { when: TCond; code: string }, code?: string, caseTerm?: Literal[], earlier: TCond[] = []): Build => {
    const b: Build = { spread, c: newClaim(day, layer, ctx), cur: 0, avoidCodes: [], ruledOut: [], spare: r.action.k === "require-codes" ? r.action.set : [], lits: [] };
    if (r.action.k === "require-dx") b.spareDx = r.action.set;
    const lits: Literal[] = [...term, ...(selectCase ? (caseTerm ?? dnf(selectCase.when, true)[0] ?? []) : [])];
    const own = lits.length;
    b.lits = lits;
    if (exclusive) {
      const others = [
        ...terms.filter((t) => t !== term),
        ...(selectCase ? dnf(selectCase.when, true).filter((t) => t !== caseTerm) : []),
        ...earlier.flatMap((w) => dnf(w, true)),
      ];
      for (const o of others.slice(0, 32)) {
        const f = falsifyOne(o, lits);
        if (f) lits.push(f);
      }
    }
    // Negated code atoms first: they rule codes out before the current line and the other
    // literals pick theirs (`17000-17004 and not 17000` takes 17004). Counts last: they add
    // only the units the other literals' lines do not already give.
    const avoids = (lit: Literal) => lit.atom.k === "has" && !lit.pos;
    lits.forEach((lit, i) => {
      if (avoids(lit)) realize(ctx, b, lit, i < own);
    });
    if (r.scope === "line") {
      const sc = code ?? pickCode(b, subject);
      if (sc !== undefined) b.cur = addLine(b.c, sc);
    }
    for (const lit of lits) if (lit.atom.k !== "count" && !avoids(lit)) realize(ctx, b, lit);
    lits.forEach((lit, i) => {
      if (lit.atom.k === "count") realize(ctx, b, lit, i < own);
    });
    return b;
  };
  // Each term as it comes, alone (exclusive), and with its counts spread over two codes.
  const runs: [Literal[], boolean, boolean][] = [];
  for (const term of terms.length ? terms : [[]]) {
    runs.push([term, false, false], [term, false, true]);
    if (term.some((l) => l.atom.k === "count" && l.pos)) runs.push([term, true, false]);
  }
  for (const [term, spreadIt, alone] of runs) {
    spread = spreadIt;
    exclusive = alone;
    const a = r.action;
    // Codes outside the term's own code atoms (`has`, `count`), for the lines the action adds.
    const matched = term.flatMap((l) => (l.pos && (l.atom.k === "has" || l.atom.k === "count") ? [l.atom.set] : []));
    const unmatched = (code: string) => !matched.some((s) => inRanges(s, code));
    switch (a.k) {
      case "select": {
        const subjectCodes = codesIn(subject);
        a.cases.forEach((k, i) => {
          const other = subjectCodes.find((c) => c !== k.code);
          const earlier = a.cases.slice(0, i).map((e) => e.when);
          // On a line of another code, the later cases fail too: where this case stops holding
          // (a changed threshold), no case then gives a code, instead of a later case giving
          // the same one and hiding the change.
          const others = [...earlier, ...a.cases.slice(i + 1).map((e) => e.when)];
          for (const caseTerm of dnf(k.when, true).slice(0, 4)) {
            for (const code of [k.code, other].filter((x): x is string => x !== undefined && inRanges(subject, x))) out.push(build(term, k, code, caseTerm, code === k.code ? earlier : others).c);
          }
        });
        break;
      }
      case "require-codes": {
        out.push(build(term).c);
        const b = build(term);
        addActionLine(ctx, b, a.set);
        out.push(b.c);
        break;
      }
      case "forbid-codes": {
        out.push(build(term).c);
        const b = build(term);
        // A forbidden line that the condition's code atoms match is a subject line, which the
        // rule does not flag: a forbidden code outside their sets makes the seed fire.
        addActionLine(ctx, b, a.set, unmatched);
        out.push(b.c);
        break;
      }
      case "require-modifier":
      case "forbid-modifier": {
        for (const withMod of [false, true]) {
          const b = build(term);
          let targets = b.cur > 0 ? [b.cur] : [];
          if (a.on) {
            // A line of `on` outside the term's code atoms, so that it adds nothing to a count.
            const have = b.c.lines.map((l, i) => (inRanges(a.on!, l.code) ? i + 1 : 0)).filter((n) => n > 0);
            const n = have.length ? 0 : addActionLine(ctx, b, a.on, unmatched);
            targets = have.length ? have : n > 0 ? [n] : [];
          } else if (targets.length === 0) targets = b.c.lines.map((_, i) => i + 1);
          // A modifier of the set that no negated `with modifier` atom on the line's code asks
          // for: that one would make the condition fail.
          const modFor = (l: ClaimLine) => a.set.find((m) => !b.ruledOut.some((x) => x.mod?.includes(m) && inRanges(x.set, l.code))) ?? a.set[0];
          if (withMod)
            for (const t of targets) {
              const m = modFor(b.c.lines[t - 1]!);
              if (m) addModifier(b.c.lines[t - 1]!, m);
            }
          out.push(b.c);
        }
        break;
      }
      case "require-dx": {
        for (const inSet of [false, true]) {
          const b = build(term);
          const d = inSet ? dxMembers(ctx, a.set, 1)[0] : dxOutside(ctx, a.set);
          if (d) {
            const targets = b.cur > 0 ? [b.cur] : b.c.lines.map((_, i) => i + 1);
            for (const t of targets) pointLine(b.c, t, d);
            if (targets.length === 0) dxPointer(b.c, d);
          }
          out.push(b.c);
        }
        break;
      }
      case "limit": {
        for (const u of [a.max, a.max + 1]) {
          const b = build(term);
          const lines = b.c.lines.map((l, i) => (inRanges(a.set, l.code) ? i + 1 : 0)).filter((n) => n > 0);
          const target = lines[0] ?? addActionLine(ctx, b, a.set);
          if (target > 0 && u >= 1 && u <= 9999) b.c.lines[target - 1]!.units = u;
          out.push(b.c);
        }
        break;
      }
      case "deny":
      case "flag":
        out.push(build(term).c);
        break;
      default: {
        const never: never = a;
        return never;
      }
    }
  }
  return out.map((c) => finishClaim(c, ctx));
}

// ---------------------------------------------------------------------------- neighbours

/** The seed with a line of each add-on code that lists one of its codes as primary (or undefined: none). */
function withAddons(ctx: GenContext, seed: Claim): Claim | undefined {
  if (!ctx.addonsOf) return undefined;
  const c = cloneClaim(seed);
  const have = new Set(c.lines.map((l) => l.code));
  let added = false;
  for (const l of seed.lines) {
    for (const addon of (ctx.addonsOf.get(l.code) ?? []).slice(0, 2)) {
      if (have.has(addon)) continue;
      have.add(addon);
      const n = addLine(c, addon);
      if (l.dxPointers) c.lines[n - 1]!.dxPointers = l.dxPointers.slice();
      added = true;
    }
  }
  return added ? finishClaim(c, ctx) : undefined;
}

/** Each seed changed in one place, to each value of the pools. */
function neighbours(ctx: GenContext, seed: Claim, p: Pools, layers: string[]): Claim[] {
  const out: Claim[] = [];
  const vary = (f: (c: Claim) => boolean | void): void => {
    const c = cloneClaim(seed);
    if (f(c) === false) return;
    out.push(finishClaim(c, ctx));
  };
  seed.lines.forEach((l, i) => {
    for (const u of p.units) if (u !== l.units) vary((c) => void (c.lines[i]!.units = u));
    for (const code of p.codes) if (code !== l.code) vary((c) => void (c.lines[i]!.code = code));
    for (const m of p.modifiers) {
      if ((l.modifiers ?? []).includes(m)) vary((c) => void (c.lines[i]!.modifiers = c.lines[i]!.modifiers!.filter((x) => x !== m)));
      else vary((c) => addModifier(c.lines[i]!, m));
    }
    for (const d of p.dx) {
      vary((c) => {
        const ptr = dxPointer(c, d);
        if (ptr === undefined) return false;
        c.lines[i]!.dxPointers = [ptr];
      });
    }
    for (const f of p.facts) for (const v of f.values) vary((c) => setFact(c.lines[i]!, f.name, v));
    for (const s of p.sites) vary((c) => setFact(c.lines[i]!, "site", s));
    if (l.facts) vary((c) => void delete c.lines[i]!.facts);
    if (seed.lines.length > 1) vary((c) => void c.lines.splice(i, 1));
  });
  // A `has` with units holds when any line of its set has them, so a line that another literal
  // added can hide a threshold: every line of the set at once, at each value near it.
  for (const u of p.unitSets) {
    const lines = seed.lines.flatMap((l, i) => (inRanges(u.set, l.code) ? [i] : []));
    if (lines.length < 2) continue;
    for (const v of u.values) vary((c) => void lines.forEach((i) => (c.lines[i]!.units = v)));
  }
  for (const code of p.codes.slice(0, 24)) vary((c) => void addLine(c, code));
  for (const d of p.dx) vary((c) => void dxPointer(c, d));
  for (const day of p.days) vary((c) => void (c.serviceDate = formatDay(day)));
  for (const age of p.ages) vary((c) => {
    const bd = birthDateFor(dayNumber(c.serviceDate!)!, age);
    if (!bd) return false;
    c.patient = { ...(c.patient ?? {}), birthDate: bd };
  });
  for (const s of p.sexes) vary((c) => void (c.patient = { ...(c.patient ?? {}), sex: s as "F" | "M" | "U" }));
  if (seed.patient) vary((c) => void delete c.patient);
  for (const pos of p.pos) vary((c) => void (c.placeOfService = pos));
  if (seed.placeOfService) vary((c) => void delete c.placeOfService);
  for (const layer of layers) vary((c) => {
    if (layer === ctx.defaultLayer) delete c.payer;
    else c.payer = layer;
  });
  return out;
}

/** Random claims from the pools. */
function randomClaims(ctx: GenContext, p: Pools, layers: string[], n: number): Claim[] {
  const out: Claim[] = [];
  const rng = ctx.rng;
  if (p.codes.length === 0) return out;
  for (let k = 0; k < n; k++) {
    const c = newClaim(pick(rng, p.days), pick(rng, layers), ctx);
    const nLines = 1 + Math.floor(rng() * 3);
    for (let i = 0; i < nLines; i++) {
      const idx = addLine(c, pick(rng, p.codes), rng() < 0.7 ? 1 : pick(rng, p.units));
      const l = c.lines[idx - 1]!;
      if (p.modifiers.length && rng() < 0.4) addModifier(l, pick(rng, p.modifiers));
      if (p.dx.length && rng() < 0.8) pointLine(c, idx, pick(rng, p.dx));
      for (const f of p.facts) if (rng() < 0.5) setFact(l, f.name, pick(rng, f.values));
      if (p.sites.length && rng() < 0.5) setFact(l, "site", pick(rng, p.sites));
    }
    if (p.ages.length && rng() < 0.6) {
      const bd = birthDateFor(dayNumber(c.serviceDate!)!, pick(rng, p.ages));
      if (bd) c.patient = { birthDate: bd };
    }
    if (p.sexes.length && rng() < 0.6) c.patient = { ...(c.patient ?? {}), sex: pick(rng, p.sexes) as "F" | "M" | "U" };
    if (p.pos.length && rng() < 0.6) c.placeOfService = pick(rng, p.pos);
    out.push(finishClaim(c, ctx));
  }
  return out;
}

// ---------------------------------------------------------------------------- targets

const EM_LOW = "99202";
const EM_HIGH = "99499";

function isEm(code: string): boolean {
  return code.length === 5 && code >= EM_LOW && code <= EM_HIGH && /^\d+$/.test(code);
}

function ptpClaims(ctx: GenContext, t: Extract<Target, { kind: "ptp" }>): Claim[] {
  const out: Claim[] = [];
  const variants: [string[], string[]][] = [
    [[], []],
    [[], ["59"]],
    [["59"], []],
    [[], ["XS"]],
    [["RT"], ["RT"]],
    [["RT"], ["LT"]],
    [["25"], []],
    [[], ["25"]],
    [["57"], []],
  ];
  const days = [...new Set([DEFAULT_DAY, ...t.days])];
  for (const layer of t.layers) {
    for (const day of days) {
      for (const [ma, mb] of variants) {
        if ((ma.includes("25") || ma.includes("57")) && !isEm(t.a)) continue;
        if (mb.includes("25") && !isEm(t.b)) continue;
        const c = newClaim(day, layer, ctx);
        const la = addLine(c, t.a);
        const lb = addLine(c, t.b);
        for (const m of ma) addModifier(c.lines[la - 1]!, m);
        for (const m of mb) addModifier(c.lines[lb - 1]!, m);
        out.push(finishClaim(c, ctx));
      }
    }
  }
  return out;
}

function mueClaims(ctx: GenContext, t: Extract<Target, { kind: "mue" }>): Claim[] {
  const out: Claim[] = [];
  const units = new Set<number>([1]);
  for (const l of t.limits) for (const u of [l - 1, l, l + 1]) if (u >= 1 && u <= 9999) units.add(u);
  // An add-on is billed with its primary, so that only the MUE decides.
  const primary = (ctx.primariesOf?.get(t.code) ?? []).find((p) => p !== "CCCCC");
  for (const layer of t.layers) {
    for (const u of units) {
      const one = newClaim(DEFAULT_DAY, layer, ctx);
      addLine(one, t.code, u);
      out.push(finishClaim(one, ctx));
      if (primary !== undefined) {
        const withPrimary = newClaim(DEFAULT_DAY, layer, ctx);
        addLine(withPrimary, primary);
        addLine(withPrimary, t.code, u);
        out.push(finishClaim(withPrimary, ctx));
      }
      if (u >= 2) {
        const two = newClaim(DEFAULT_DAY, layer, ctx);
        addLine(two, t.code, Math.ceil(u / 2));
        addLine(two, t.code, Math.floor(u / 2));
        out.push(finishClaim(two, ctx));
      }
    }
  }
  return out;
}

function aocClaims(ctx: GenContext, t: Extract<Target, { kind: "aoc" }>): Claim[] {
  const out: Claim[] = [];
  const days = [...new Set([DEFAULT_DAY, ...t.days])];
  for (const layer of t.layers) {
    for (const day of days) {
      const alone = newClaim(day, layer, ctx);
      addLine(alone, t.addon);
      out.push(finishClaim(alone, ctx));
      for (const p of t.primaries.slice(0, 12)) {
        if (p === "CCCCC") continue;
        const c = newClaim(day, layer, ctx);
        addLine(c, p);
        addLine(c, t.addon);
        out.push(finishClaim(c, ctx));
      }
    }
  }
  return out;
}

function dxClaims(ctx: GenContext, t: Extract<Target, { kind: "dx" }>): Claim[] {
  const out: Claim[] = [];
  for (const layer of t.layers) {
    for (const d of t.dx) {
      const c = newClaim(DEFAULT_DAY, layer, ctx);
      const n = addLine(c, "99213");
      pointLine(c, n, displayDx(d));
      out.push(finishClaim(c, ctx));
    }
  }
  return out;
}

/** Options of {@link claimsFor}. */
export interface GenerateOptions {
  /** Random claims per rule target (default 150). */
  random?: number;
  /** Cap on claims per target, seeds and neighbours included (default 3000). */
  maxPerTarget?: number;
}

/** A claim's content without its id: generated claims that differ only in id are the same claim. */
export function claimKey(c: Claim): string {
  const { id: _id, ...rest } = c;
  void _id;
  return JSON.stringify(rest);
}

/** The claims aimed at one target, deduplicated. */
export function claimsFor(ctx: GenContext, t: Target, opts: GenerateOptions = {}): Claim[] {
  let claims: Claim[];
  // Claims kept before the others when the cap drops some: the seeds, then their neighbours
  // moved to a value that changed (those of the seeds the rule fires on first).
  let first: Claim[] = [];
  let live: Claim[] = [];
  let focused: Claim[] = [];
  switch (t.kind) {
    case "rule": {
      const pools = rulePools(ctx, t.versions);
      const plain = t.versions.flatMap((r) => t.layers.flatMap((layer) => ruleSeeds(ctx, r, layer)));
      // Bare claims: a trigger code alone on each date of interest, with no patient and no place
      // of service, so that windows and the notes about missing fields are checked too.
      for (const r of t.versions) {
        const trig = r.subject ?? r.triggers;
        const codes = codesIn(trig).slice(0, 3);
        for (const code of codes.length ? codes : ["99213"]) {
          for (const day of pools.days) {
            for (const layer of t.layers) {
              const c = newClaim(day, layer, ctx);
              addLine(c, code);
              plain.push(finishClaim(c, ctx));
            }
          }
        }
      }
      const seeds = [...plain, ...plain.map((c) => withAddons(ctx, c)).filter((c): c is Claim => c !== undefined)];
      const focus = focusPools(ctx, t.versions);
      if (focus) {
        first = seeds;
        for (const s of seeds) (ctx.fires?.(s, t.id) ? live : focused).push(...neighbours(ctx, s, focus, t.layers));
      }
      const near = seeds.flatMap((s) => neighbours(ctx, s, pools, t.layers));
      claims = [...seeds, ...near, ...randomClaims(ctx, pools, t.layers, opts.random ?? 150)];
      break;
    }
    case "ptp":
      claims = ptpClaims(ctx, t);
      break;
    case "mue":
      claims = mueClaims(ctx, t);
      break;
    case "aoc":
      claims = aocClaims(ctx, t);
      break;
    case "dx":
      claims = dxClaims(ctx, t);
      break;
    default: {
      const never: never = t;
      return never;
    }
  }
  const seen = new Set<string>();
  const unique = (xs: Claim[]): Claim[] => {
    const out: Claim[] = [];
    for (const c of xs) {
      const k = claimKey(c);
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(c);
    }
    return out;
  };
  const max = opts.maxPerTarget ?? 3000;
  const shuffled = (xs: Claim[]): Claim[] => {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = Math.floor(ctx.rng() * (i + 1));
      [xs[i], xs[j]] = [xs[j]!, xs[i]!];
    }
    return xs;
  };
  if (first.length === 0) {
    const out = unique(claims);
    if (out.length <= max) return out;
    // Keep the seeds (first) and a deterministic sample of the rest.
    const keep = out.slice(0, Math.min(200, max));
    return [...keep, ...shuffled(out.slice(keep.length)).slice(0, max - keep.length)];
  }
  // The seeds first, then the neighbours that cross a changed value from a seed the rule fires
  // on, then (up to half of what room is left) those from the other seeds, then a deterministic
  // sample of the rest.
  const seeds = unique(first);
  const onBoundary = unique(live);
  const cross = unique(focused);
  const rest = unique(claims);
  if (seeds.length + onBoundary.length + cross.length + rest.length <= max) return [...seeds, ...onBoundary, ...cross, ...rest];
  const keep = [...seeds.slice(0, Math.min(200, max))];
  keep.push(...shuffled(onBoundary).slice(0, max - keep.length));
  const near = shuffled([...seeds.slice(Math.min(200, max)), ...cross]);
  const n = Math.min(near.length, Math.ceil((max - keep.length) / 2));
  return [...keep, ...near.slice(0, n), ...shuffled([...near.slice(n), ...rest])].slice(0, max);
}

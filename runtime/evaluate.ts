/**
 * Evaluation of one checked claim against a loaded table: the semantics of docs/semantics.md.
 *
 * Order of work per claim: pick the layer; check the diagnoses against ICD-10-CM; group lines by
 * date of service; per group, run the candidate rules, then PTP, MUE and add-on edits; then let
 * add-ons fall with their denied primaries; sort and deduplicate.
 *
 * Hot path: no JSON or regex work, no scans of all rules (candidates come from the layer's
 * indexes), lookups in Maps built by `loadTable`. Line indexes are 0-based inside this file and
 * become 1-based only when a finding is built.
 *
 * How it stays cheap (docs/performance.md, items 2–3 and 8–12): the table's rules are compiled
 * once into closures over interned code, dx, modifier and site sets (`FastTable`); when a claim
 * starts, one pass over its lines turns the diagnoses each line points to and the modifiers it
 * carries into bit masks (`lineDx`, `lineMod`, the PTP classes); a group's distinct codes live
 * in scratch typed arrays, so a claim allocates only its findings and its result; line rules
 * are fused with their action and filtered before they are called (facts, a required modifier,
 * the candidate marks) by tests that cannot change the answer.
 */
import type { Claim, ClaimLine, ClaimResult, Finding, FindingCategory, FindingSeverity, LineFacts } from "./types.ts";
import type { CodeRanges, DxSet, Op, TCond, TRule } from "./table.ts";
import type { LoadedAoc, LoadedLayer, LoadedTable, AocRow, PtpRow } from "./load.ts";
import { codeIdOfSlot, ptpHasColumn1, ptpMayHave, ptpPairIndex, rulesInRanges } from "./load.ts";
import { codeSlot, hasAnyModifier, inDxSet, inRanges, normalizeDx, startingWith } from "./codes.ts";
import { ageOn, dayNumber } from "./dates.ts";
import {
  EM_MODIFIERS,
  aocFix,
  aocMessage,
  aocPrimaryDeniedMessage,
  buildRuleFix,
  icdFix,
  icdMessage,
  isAnatomicModifier,
  isEmCode,
  isPtpModifier,
  makeFinding,
  missingFieldMessage,
  mueFix,
  mueMessage,
  ptpFix,
  ptpMessage,
  ptpSameSiteMessage,
  sortFindings,
  unknownPayerMessage,
  verdictOf,
} from "./findings.ts";
import type { FindingOrigin, GroupLine } from "./findings.ts";

/** Rule id of the note that the claim's payer has no layer. */
export const UNKNOWN_PAYER_RULE = "dermrules.payer.unknown";
/** Rule id of a claim diagnosis that is an ICD-10-CM header (not billable). */
export const ICD_HEADER_RULE = "dermrules.icd10.header";
/** Rule id of a claim diagnosis that is not an ICD-10-CM code. */
export const ICD_UNKNOWN_RULE = "dermrules.icd10.unknown";
/** Source of the runtime's own notes. */
export const RUNTIME_SOURCE = "dermrules runtime";

/** The evaluation context of one claim; `group`, `day` and `cur` change as evaluation moves. */
interface Ctx {
  lt: LoadedTable;
  layer: LoadedLayer;
  claim: Claim;
  lines: ClaimLine[];
  payer: string;
  /** The patient's birth date as a day number (null: none), worked out on first use (`birthDayOf`). */
  birthDay: number | null | undefined;
  /** The current date-of-service group: 0-based line indexes in claim order. */
  group: number[];
  day: number;
  /**
   * The group's distinct codes (the first `nCodes` entries of these scratch arrays, in order of
   * first appearance): the code, its interned id (-1: in no edit or index), whether it is an E/M
   * code, and its first line; `nextLine` chains each code's lines in claim order (-1 ends), and
   * `lineCode` gives a line's code index. Nothing here is allocated per claim.
   */
  nCodes: number;
  codes: string[];
  codeSlots: Int32Array;
  codeIdx: Int32Array;
  codeEm: Uint8Array;
  firstLine: Int32Array;
  lastLine: Int32Array;
  nextLine: Int32Array;
  lineCode: Int32Array;
  /** The compiled rules of the table and the layer's per-code facts (see FastTable). */
  fast: FastTable;
  fastLayer: FastLayer;
  /** Per claim line: membership of its code in each interned code set (FastTable.sets). */
  member: Uint8Array[];
  /** Per group distinct code (parallel to `codes`; filled only when the layer has rules): its per-code facts. */
  codeInfo: SlotInfo[];
  /**
   * Per claim line, `dxWords` words: the interned dx sets (FastTable.dxSets) that some diagnosis
   * the line points to is in, as bits (a line without pointers points to every diagnosis); and
   * the same over all the claim's diagnoses in `claimDx`. "Does line l point to a dx of set d"
   * is then one bit test.
   */
  lineDx: Int32Array;
  claimDx: Int32Array;
  dxWords: number;
  /**
   * Per claim line, `modWords` words: the interned modifier sets (FastTable.modSets) that the
   * line carries a modifier of, as bits; "does line l carry a modifier of set m" is one bit test.
   */
  lineMod: Int32Array;
  modWords: number;
  /** The line whose site id `lineSiteId` last worked out (-1: none yet in this claim), and that id. */
  siteLine: number;
  siteId: number;
  /** Per claim diagnosis: its normalized form's facts (billable, header, memberships). */
  dxInfo: DxInfo[];
  /**
   * How many of `dxInfo` are this claim's: a scratch array reused from claim to claim (filled
   * by index), like `member`, so a claim allocates none of it.
   */
  nDx: number;
  /** The current line (line scope, select cases), or -1. */
  cur: number;
  /**
   * Subject lines collected while evaluating a claim-scope condition (may repeat): the first
   * `subjectLen` entries count. A counter, not `length =`, since truncating an array is a slow
   * runtime call in V8.
   */
  subject: number[];
  subjectLen: number;
  /** Per-line PTP modifier classes (MOD_* bits), filled with `lineMod` at the start of a claim (see `fillLineMod`). */
  modFlags: Uint8Array;
  /** Per line: its one distinct anatomic PTP modifier, "*" for two or more, "" for none. */
  modAnatomic: string[];
  findings: Finding[];
  /**
   * Add-on lines whose listed primaries are on the claim, the candidates for the fall-through
   * (`runAddonFallThrough`): the first `nWatch` entries. Watch w is add-on line `watchLine[w]` of
   * the add-on `watchAoc[w]`, its primaries' lines `watchPrim[watchStart[w] .. watchStart[w + 1])`.
   * Scratch arrays, so a claim whose add-ons stand (nearly every claim) allocates nothing here.
   */
  nWatch: number;
  /** Scratch for `runAoc`: the indexes of the group's codes that are primaries of the add-on at hand. */
  aocPresent: Int32Array;
  watchAoc: AocInfo[];
  watchLine: Int32Array;
  watchStart: Int32Array;
  watchPrim: Int32Array;
  watchFallen: Uint8Array;
}

/** An add-on code of an add-on table as a layer evaluates it: worked out on first use (see `aocInfo`). */
interface AocInfo {
  /** Whether the layer disables the edit (by its id, `cms.aoc.17003`, which `error` carries). */
  disabled: boolean;
  /** Per row of the add-on, its primary's code slot (-1: compared by text, as codes outside the procedure shape are). */
  primarySlot: Int32Array;
  /** The origin of an error finding of this add-on (the fall-through's, and type 1's). */
  error: FindingOrigin;
}

function includesStr(list: readonly string[], s: string): boolean {
  for (let i = 0; i < list.length; i++) if (list[i] === s) return true;
  return false;
}

/** The patient's birth day (null: none), parsed on first use. */
function birthDayOf(x: Ctx): number | null {
  if (x.birthDay === undefined) x.birthDay = dayNumber(x.claim.patient!.birthDate!);
  return x.birthDay;
}

/** Whether line `l` points to a dx of interned dx set `d` (a line without pointers relates to every dx). */
function pointsTo(x: Ctx, l: number, d: number): boolean {
  return (x.lineDx[l * x.dxWords + (d >>> 5)] & (1 << (d & 31))) !== 0;
}

/** Whether any claim diagnosis is in interned dx set `d`. */
function claimHasDx(x: Ctx, d: number): boolean {
  return (x.claimDx[d >>> 5] & (1 << (d & 31))) !== 0;
}

/** Fills `lineDx` and `claimDx` for the claim's lines (see Ctx). */
function fillLineDx(x: Ctx): void {
  const w = x.dxWords;
  const n = x.lines.length;
  if (x.lineDx.length < n * w) x.lineDx = new Int32Array(2 * n * w);
  if (x.claimDx.length < w) x.claimDx = new Int32Array(w);
  const lineDx = x.lineDx;
  const claimDx = x.claimDx;
  for (let k = 0; k < w; k++) {
    let all = 0;
    for (let i = 0; i < x.nDx; i++) all |= x.dxInfo[i].bits[k];
    claimDx[k] = all;
    for (let l = 0; l < n; l++) {
      const ptrs = x.lines[l].dxPointers;
      if (ptrs === undefined) lineDx[l * w + k] = all;
      else {
        let v = 0;
        for (let i = 0; i < ptrs.length; i++) v |= x.dxInfo[ptrs[i] - 1].bits[k];
        lineDx[l * w + k] = v;
      }
    }
  }
}

/**
 * A compiled condition: true when it holds. With `collect`, the lines matched by `has`/`count`
 * atoms that hold are pushed to `x.subject`; an `or` keeps the lines of the branches that hold
 * (and evaluates them all), `not` never collects.
 */
type CondFn = (x: Ctx, collect: boolean) => boolean;

/** A rule compiled against the table's interned sets. */
interface FastRule {
  when: CondFn;
  line: boolean;
  /** Interned code set of the action (require/forbid codes, limit), or -1. */
  actionSet: number;
  /** Interned `on` set of require/forbid modifier, or -1. */
  onSet: number;
  /** Interned dx set of require-dx, or -1. */
  actionDx: number;
  /** Compiled `select` cases, or null. */
  cases: CondFn[] | null;
  /** Interned set of the lines a line-scope rule runs on (`subject ?? triggers`), or -1. */
  subjectSet: number;
  /** A line-scope rule's condition and action on one line, fused (see `compileLineCheck`); null for claim scope. */
  check: ((x: Ctx, l: number) => void) | null;
  /** A line-scope rule that can fire only on a line with documentation facts (see `needsFacts`). */
  factsOnly: boolean;
  /** A modifier set the line must carry one of for the rule's condition to hold (see `requiredMod`), or -1. */
  reqMod: number;
  /**
   * A line rule whose triggers are its subject (what the compiler writes): a line of its subject
   * makes it a candidate, so the line loop need not ask the candidate marks.
   */
  markFree: boolean;
  /** Whether the candidate pass must see the rule: claim scope, a missing-field note, or not `markFree`. */
  inCandidatePass: boolean;
}

/** Per code (by codeSlot) and layer: what evaluation needs to know about a line of that code. */
interface SlotInfo {
  /**
   * Rules the code makes candidates (its exact index entry and the ranges holding it) that the
   * candidate pass must see (`FastRule.inCandidatePass`); the others are found by `lineRules`.
   */
  cands: Int32Array;
  /** Line-scope rules of the layer whose subject holds the code: evaluated on each such line. */
  lineRules: Int32Array;
  /** The same without the rules that need documentation facts (`FastRule.factsOnly`): for lines without facts. */
  lineRulesNoFacts: Int32Array;
  /** Membership of the code in each interned code set. */
  member: Uint8Array;
}

/** A layer's per-code facts, filled as codes are met. */
interface FastLayer {
  /** By code id. */
  byId: (SlotInfo | undefined)[];
  /** By code slot, for codes the table does not mention. */
  bySlot: Map<number, SlotInfo>;
  /** The layer's line-scope rules (candidates for lineRules). */
  lineScope: number[];
  /** Whether the layer has any rule at all. */
  hasRules: boolean;
  /** By the layer's add-on table and add-on code id: that add-on as the layer evaluates it (see `aocInfo`). */
  aoc: (AocInfo | undefined)[][];
}

/**
 * The table's rules compiled once, on first use: conditions as closures, every code set and dx
 * set they name interned to a small number, so that "is this line's code in the set" is one
 * array read in a per-code membership vector computed the first time the code is met (codes
 * repeat across claims; the vectors are cached), and "is this diagnosis in the set" likewise.
 */
interface FastTable {
  rules: FastRule[];
  sets: CodeRanges[];
  setIds: Map<string, number>;
  dxSets: DxSet[];
  dxIds: Map<string, number>;
  memberBySlot: (Uint8Array | undefined)[];
  /** By code id: 1 for an E/M code, 0 for another (see `emOf`). */
  emById: Uint8Array;
  /** By diagnosis as the claim writes it (`L57.0`, `l570`): its facts. */
  dxMember: Map<string, DxInfo>;
  layers: Map<LoadedLayer, FastLayer>;
  /** 32 dx sets a word: the word count of `DxInfo.bits` and `Ctx.lineDx`. */
  dxWords: number;
  /** The sites the rules name (lower case) → a small id; and sites as claims write them → that id (-1: named by no rule). */
  siteIds: Map<string, number>;
  siteByText: Map<string, number>;
  /** Interned modifier sets (of `modifier` atoms and `has … with/without modifier`), by their sorted text. */
  modSets: (readonly string[])[];
  modIds: Map<string, number>;
  /** 32 modifier sets a word: the word count of `Ctx.lineMod`. */
  modWords: number;
  /**
   * The set bits of every two-character modifier of upper-case letters and digits, `modWords`
   * words each, by `(c0 - 48) * 43 + (c1 - 48)` (as MOD_CLASS); other strings are looked up in
   * `modSets` directly.
   */
  modBits: Int32Array;
  /** The last payer met, its layer and that layer's facts (claims of one payer come in runs). */
  lastPayer: string | null;
  lastLayer: LoadedLayer | null;
  lastFastLayer: FastLayer | null;
}

/**
 * The caches keyed by what claims write (diagnoses, sites, codes the table does not mention) are
 * emptied past this size: a practice bills a few hundred of each, hostile input could send more.
 */
const SPELLING_CACHE_MAX = 50_000;

const FAST = new WeakMap<LoadedTable, FastTable>();
let lastTable: LoadedTable | null = null;
let lastFast: FastTable | null = null;

function fastTable(lt: LoadedTable): FastTable {
  if (lt === lastTable) return lastFast as FastTable;
  let ft = FAST.get(lt);
  if (ft === undefined) {
    ft = buildFast(lt);
    FAST.set(lt, ft);
  }
  lastTable = lt;
  lastFast = ft;
  return ft;
}

/** The number of `value` (under `key`) in an interned list, adding it on first sight. */
function intern<T>(ids: Map<string, number>, list: T[], key: string, value: T): number {
  let id = ids.get(key);
  if (id === undefined) {
    id = list.length;
    list.push(value);
    ids.set(key, id);
  }
  return id;
}

function setId(ft: FastTable, set: CodeRanges): number {
  return intern(ft.setIds, ft.sets, JSON.stringify(set), set);
}

function dxId(ft: FastTable, set: DxSet): number {
  return intern(ft.dxIds, ft.dxSets, JSON.stringify(set), set);
}

function modId(ft: FastTable, set: readonly string[]): number {
  return intern(ft.modIds, ft.modSets, [...set].sort().join(" "), set);
}

/** Whether line `l` carries a modifier of interned modifier set `m` (see Ctx.lineMod). */
function lineHasMod(x: Ctx, l: number, m: number): boolean {
  return (x.lineMod[l * x.modWords + (m >>> 5)] & (1 << (m & 31))) !== 0;
}

/**
 * One pass over the lines' modifiers: with `sets`, fills `lineMod` (the rules' modifier sets);
 * always fills the PTP classes `modFlags` and `modAnatomic` (see `ptpBypass`).
 */
function fillLineMod(x: Ctx, sets: boolean): void {
  const ft = x.fast;
  const w = sets ? ft.modWords : 0;
  const n = x.lines.length;
  if (x.lineMod.length < n * w) x.lineMod = new Int32Array(2 * n * w);
  const lineMod = x.lineMod;
  const table = ft.modBits;
  for (let l = 0; l < n; l++) {
    const base = l * w;
    for (let k = 0; k < w; k++) lineMod[base + k] = 0;
    const mods = x.lines[l].modifiers;
    let flags = 0;
    let anat = "";
    if (mods !== undefined) {
      for (let i = 0; i < mods.length; i++) {
        const m = mods[i];
        const a = m.charCodeAt(0) - 48;
        const b = m.charCodeAt(1) - 48;
        let c: number;
        if (m.length === 2 && a >= 0 && a < 43 && b >= 0 && b < 43) {
          const idx = a * 43 + b;
          for (let k = 0; k < w; k++) lineMod[base + k] |= table[idx * w + k];
          c = MOD_CLASS[idx];
        } else {
          for (let k = 0; k < w * 32 && k < ft.modSets.length; k++) if (ft.modSets[k].includes(m)) lineMod[base + (k >>> 5)] |= 1 << (k & 31);
          c = modClassOf(m);
        }
        if (c === MOD_NONE) continue;
        if (c !== MOD_ANATOMIC) flags |= c;
        else if (anat === "") anat = m;
        else if (anat !== m) anat = "*";
      }
    }
    x.modFlags[l] = flags;
    x.modAnatomic[l] = anat;
  }
}

/**
 * A modifier set of which the current line must carry one for the condition to hold: a
 * `modifier` atom, or the first one among the arguments of an `and`; -1 when there is none.
 * Lets the line-rule loop pass over most lines with one bit test (three pack rules run on every
 * procedure line and need 59, GA or GY).
 */
function requiredMod(c: TCond, ft: FastTable): number {
  if (c.k === "mod") return modId(ft, c.set);
  if (c.k === "and") {
    for (const arg of c.args) {
      const m = requiredMod(arg, ft);
      if (m >= 0) return m;
    }
  }
  return -1;
}

function buildFast(lt: LoadedTable): FastTable {
  const ft: FastTable = {
    rules: [],
    sets: [],
    setIds: new Map(),
    dxSets: [],
    dxIds: new Map(),
    memberBySlot: [],
    emById: emByCodeId(lt),
    dxWords: 0,
    siteIds: new Map(),
    siteByText: new Map(),
    modSets: [],
    modIds: new Map(),
    modWords: 0,
    modBits: new Int32Array(0),
    lastPayer: null,
    lastLayer: null,
    lastFastLayer: null,
    dxMember: new Map(),
    layers: new Map(),
  };
  for (const rule of lt.rules) {
    const a = rule.action;
    const line = rule.scope === "line";
    const fr: FastRule = {
      when: compileCond(rule.when, ft),
      line,
      actionSet: a.k === "require-codes" || a.k === "forbid-codes" || a.k === "limit" ? setId(ft, a.set) : -1,
      onSet: (a.k === "require-modifier" || a.k === "forbid-modifier") && a.on !== undefined ? setId(ft, a.on) : -1,
      actionDx: a.k === "require-dx" ? dxId(ft, a.set) : -1,
      cases: a.k === "select" ? a.cases.map((c) => compileCond(c.when, ft)) : null,
      subjectSet: line ? setId(ft, rule.subject ?? rule.triggers) : -1,
      check: null,
      factsOnly: line && (needsFacts(rule.when) || (a.k === "select" && a.cases.every((c) => needsFacts(c.when)))),
      reqMod: line ? requiredMod(rule.when, ft) : -1,
      markFree: line && setId(ft, rule.subject ?? rule.triggers) === setId(ft, rule.triggers),
      inCandidatePass: true,
    };
    const info = lt.ruleInfo[ft.rules.length];
    fr.inCandidatePass = !fr.markFree || info.needsBirthDate || info.needsSex || info.needsPos;
    if (line) fr.check = compileLineCheck(rule, fr, ft);
    ft.rules.push(fr);
  }
  for (const layer of lt.layers.values()) {
    const members = lt.table.layers[layer.name]?.rules ?? [];
    ft.layers.set(layer, {
      byId: new Array(lt.codeIds.size).fill(undefined),
      bySlot: new Map(),
      lineScope: members.filter((r) => lt.rules[r]?.scope === "line"),
      hasRules: layer.always.length > 0 || layer.hasByCode || layer.ranges.points.length > 0,
      aoc: [],
    });
  }
  ft.modWords = Math.ceil(ft.modSets.length / 32);
  ft.modBits = new Int32Array(43 * 43 * ft.modWords);
  for (let a = 0; a < 43; a++) {
    for (let b = 0; b < 43; b++) {
      const m = String.fromCharCode(a + 48, b + 48);
      const base = (a * 43 + b) * ft.modWords;
      for (let k = 0; k < ft.modSets.length; k++) if (ft.modSets[k].includes(m)) ft.modBits[base + (k >>> 5)] |= 1 << (k & 31);
    }
  }
  ft.dxWords = Math.ceil(ft.dxSets.length / 32);
  return ft;
}

function fastLayer(ft: FastTable, layer: LoadedLayer): FastLayer {
  let fl = ft.layers.get(layer);
  if (fl === undefined) {
    fl = {
      byId: [],
      bySlot: new Map(),
      lineScope: [],
      hasRules: layer.always.length > 0 || layer.hasByCode || layer.ranges.points.length > 0,
      aoc: [],
    };
    ft.layers.set(layer, fl);
  }
  return fl;
}

/** The membership vector of a code in the interned code sets. */
function memberOf(ft: FastTable, slot: number, code: string): Uint8Array {
  let m = slot >= 0 ? ft.memberBySlot[slot] : undefined;
  if (m === undefined) {
    m = new Uint8Array(ft.sets.length);
    for (let i = 0; i < ft.sets.length; i++) if (inRanges(ft.sets[i], code)) m[i] = 1;
    if (slot >= 0) ft.memberBySlot[slot] = m;
  }
  return m;
}

/** What evaluation needs of a claim diagnosis, computed once per distinct spelling. */
interface DxInfo {
  /** Upper case, no dot. */
  norm: string;
  billable: boolean;
  header: boolean;
  /** Membership in each interned dx set. */
  member: Uint8Array;
  /** The same as bits, 32 sets a word. */
  bits: Int32Array;
}

/** The facts of a diagnosis as the claim writes it (cached: a claim's dx repeat across claims). */
function dxInfoOf(lt: LoadedTable, ft: FastTable, raw: string): DxInfo {
  let info = ft.dxMember.get(raw);
  if (info === undefined) {
    const norm = normalizeDx(raw);
    const member = new Uint8Array(ft.dxSets.length);
    for (let i = 0; i < ft.dxSets.length; i++) if (inDxSet(ft.dxSets[i], norm)) member[i] = 1;
    const bits = new Int32Array(Math.ceil(ft.dxSets.length / 32));
    for (let i = 0; i < member.length; i++) if (member[i] !== 0) bits[i >>> 5] |= 1 << (i & 31);
    info = { norm, billable: lt.billable.has(norm), header: lt.headers.has(norm), member, bits };
    if (ft.dxMember.size >= SPELLING_CACHE_MAX) ft.dxMember.clear();
    ft.dxMember.set(raw, info);
  }
  return info;
}

/**
 * A code's per-layer facts, cached: by code id (a dense array) for codes the table mentions, by
 * slot (a Map) for others; a code without the procedure shape is not cached.
 */
function slotInfo(x: Ctx, code: string, slot: number, id: number): SlotInfo {
  const fl = x.fastLayer;
  let info = id >= 0 ? fl.byId[id] : slot >= 0 ? fl.bySlot.get(slot) : undefined;
  if (info !== undefined) return info;
  const layer = x.layer;
  const ft = x.fast;
  const member = memberOf(ft, slot, code);
  const cands: number[] = [];
  const add = (r: number) => {
    if (ft.rules[r].inCandidatePass && !cands.includes(r)) cands.push(r);
  };
  if (id >= 0) {
    const exact = layer.byCodeId[id];
    if (exact !== undefined) for (const r of exact) add(r);
  }
  if (layer.ranges.points.length > 0) for (const r of rulesInRanges(layer.ranges, code)) add(r);
  const lineRules: number[] = [];
  for (const r of fl.lineScope) if (member[ft.rules[r].subjectSet] !== 0) lineRules.push(r);
  const noFacts = lineRules.filter((r) => !ft.rules[r].factsOnly);
  info = { cands: Int32Array.from(cands), lineRules: Int32Array.from(lineRules), lineRulesNoFacts: Int32Array.from(noFacts), member };
  if (id >= 0) fl.byId[id] = info;
  else if (slot >= 0) {
    if (fl.bySlot.size >= SPELLING_CACHE_MAX) fl.bySlot.clear();
    fl.bySlot.set(slot, info);
  }
  return info;
}

/**
 * Compiles a condition to a closure with the semantics of docs/semantics.md "Conditions": set
 * membership by interned set number, comparisons specialised by operator.
 */
function compileCond(c: TCond, ft: FastTable): CondFn {
  switch (c.k) {
    case "true":
      return () => true;
    case "and": {
      const args = c.args.map((a) => compileCond(a, ft));
      return (x, collect) => {
        for (let i = 0; i < args.length; i++) if (!args[i](x, collect)) return false;
        return true;
      };
    }
    case "or": {
      const args = c.args.map((a) => compileCond(a, ft));
      return (x, collect) => {
        let any = false;
        for (let i = 0; i < args.length; i++) {
          const mark = x.subjectLen;
          if (args[i](x, collect)) {
            if (!collect) return true;
            any = true;
          } else x.subjectLen = mark;
        }
        return any;
      };
    }
    case "not": {
      const arg = compileCond(c.arg, ft);
      return (x) => !arg(x, false);
    }
    case "has": {
      const sid = setId(ft, c.set);
      const unitsOp = c.units === undefined ? -1 : OP_CODES.indexOf(c.units[0]);
      const unitsN = c.units === undefined ? 0 : c.units[1];
      const mod = c.mod === undefined ? -1 : modId(ft, c.mod);
      const noMod = c.noMod === undefined ? -1 : modId(ft, c.noMod);
      const dx = c.dx === undefined ? -1 : dxId(ft, c.dx);
      const noDx = c.noDx === undefined ? -1 : dxId(ft, c.noDx);
      return (x, collect) => {
        const g = x.group;
        const member = x.member;
        let found = false;
        for (let i = 0; i < g.length; i++) {
          const l = g[i];
          if (member[l][sid] === 0) continue;
          const line = x.lines[l];
          if (unitsOp >= 0 && !compareOp(unitsOp, line.units, unitsN)) continue;
          if (mod >= 0 && !lineHasMod(x, l, mod)) continue;
          if (noMod >= 0 && lineHasMod(x, l, noMod)) continue;
          if (dx >= 0 && !pointsTo(x, l, dx)) continue;
          if (noDx >= 0 && pointsTo(x, l, noDx)) continue;
          if (!collect) return true;
          found = true;
          x.subject[x.subjectLen++] = l;
        }
        return found;
      };
    }
    case "count": {
      const sid = setId(ft, c.set);
      const op = OP_CODES.indexOf(c.op);
      const n = c.n;
      return (x, collect) => {
        const g = x.group;
        const member = x.member;
        let total = 0;
        for (let i = 0; i < g.length; i++) if (member[g[i]][sid] !== 0) total += x.lines[g[i]].units;
        const holds = compareOp(op, total, n);
        if (holds && collect) {
          for (let i = 0; i < g.length; i++) if (member[g[i]][sid] !== 0) x.subject[x.subjectLen++] = g[i];
        }
        return holds;
      };
    }
    case "dx": {
      const d = dxId(ft, c.set);
      if (c.scope === "line") return (x) => x.cur >= 0 && pointsTo(x, x.cur, d);
      return (x) => claimHasDx(x, d);
    }
    case "mod": {
      const m = modId(ft, c.set);
      return (x) => x.cur >= 0 && lineHasMod(x, x.cur, m);
    }
    case "units": {
      const op = OP_CODES.indexOf(c.op);
      const n = c.n;
      return (x) => x.cur >= 0 && compareOp(op, x.lines[x.cur].units, n);
    }
    case "age": {
      const op = OP_CODES.indexOf(c.op);
      const n = c.n;
      return (x) => {
        const birth = birthDayOf(x);
        return birth !== null && compareOp(op, ageOn(birth, x.day), n);
      };
    }
    case "sex": {
      const values = c.values;
      return (x) => {
        const sex = x.claim.patient?.sex;
        return sex !== undefined && includesStr(values, sex);
      };
    }
    case "pos": {
      const values = c.values;
      return (x) => {
        const pos = x.claim.placeOfService;
        return pos !== undefined && includesStr(values, pos);
      };
    }
    case "payer": {
      const values = c.values;
      return (x) => includesStr(values, x.payer);
    }
    case "dos": {
      const op = OP_CODES.indexOf(c.op);
      const day = c.day;
      return (x) => compareOp(op, x.day, day);
    }
    case "fact": {
      const op = OP_CODES.indexOf(c.op);
      const n = c.n;
      // A reader per fact name: a property read by a constant name, not `facts[name]`.
      const read = c.name === "lesionCount" ? readLesionCount : c.name === "excisedDiameterCm" ? readExcisedDiameter : readRepairLength;
      return (x) => {
        if (x.cur < 0) return false;
        const f = x.lines[x.cur].facts;
        if (f === undefined) return false;
        const v = read(f);
        return v !== undefined && compareOp(op, v, n);
      };
    }
    case "site": {
      const ids = Int32Array.from(c.values, (v) => siteVocabId(ft, v));
      return (x) => {
        if (x.cur < 0) return false;
        const site = lineSiteId(x, x.cur);
        if (site < 0) return false;
        for (let i = 0; i < ids.length; i++) if (ids[i] === site) return true;
        return false;
      };
    }
    default: {
      const never: never = c;
      return never;
    }
  }
}

const OP_CODES: readonly Op[] = [">", ">=", "<", "<=", "=", "!="];

/**
 * `a op b` for the index of `op` in OP_CODES: every comparison of a compiled atom (units, counts,
 * ages, dates, facts), its op a constant of the closure, so the branch is predictable.
 */
function compareOp(op: number, a: number, b: number): boolean {
  switch (op) {
    case 0:
      return a > b;
    case 1:
      return a >= b;
    case 2:
      return a < b;
    case 3:
      return a <= b;
    case 4:
      return a === b;
    default:
      return a !== b;
  }
}

function readLesionCount(f: LineFacts): number | undefined {
  return f.lesionCount;
}
function readExcisedDiameter(f: LineFacts): number | undefined {
  return f.excisedDiameterCm;
}
function readRepairLength(f: LineFacts): number | undefined {
  return f.repairLengthCm;
}

/** The id of a site the rules name (lower case), interning it. */
function siteVocabId(ft: FastTable, site: string): number {
  let id = ft.siteIds.get(site);
  if (id === undefined) {
    id = ft.siteIds.size;
    ft.siteIds.set(site, id);
  }
  return id;
}

/**
 * The site id of line `l`'s `facts.site` (lower-cased; -1: absent or named by no rule),
 * remembered for the line being evaluated: a select table tests the site in case after case.
 */
function lineSiteId(x: Ctx, l: number): number {
  if (x.siteLine === l) return x.siteId;
  const raw = x.lines[l].facts?.site;
  let id = -1;
  if (raw !== undefined) {
    const ft = x.fast;
    const known = ft.siteByText.get(raw);
    if (known !== undefined) id = known;
    else {
      id = ft.siteIds.get(raw.toLowerCase()) ?? -1;
      if (ft.siteByText.size >= SPELLING_CACHE_MAX) ft.siteByText.clear();
      ft.siteByText.set(raw, id);
    }
  }
  x.siteLine = l;
  x.siteId = id;
  return id;
}

/** 0-based lines → sorted 1-based line numbers, without repeats (insertion sort: lists are short). */
function toLineNumbers(lines: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const v = lines[i] + 1;
    let j = out.length - 1;
    while (j >= 0 && out[j] > v) j--;
    if (j >= 0 && out[j] === v) continue;
    out.splice(j + 1, 0, v);
  }
  return out;
}

/** The group's lines whose code is in interned set `sid`. */
function groupLinesIn(x: Ctx, sid: number): number[] {
  const out: number[] = [];
  const g = x.group;
  for (let i = 0; i < g.length; i++) if (x.member[g[i]][sid] !== 0) out.push(g[i]);
  return out;
}

function fixLines(x: Ctx): GroupLine[] {
  return x.group.map((l) => ({ index: l + 1, code: x.lines[l].code }));
}

/** Pushes a rule's finding, with its fix (explicit or the action's default). */
function emitRule(x: Ctx, rule: TRule, lines0: readonly number[], related0?: readonly number[], selected?: string): void {
  const lines = toLineNumbers(lines0);
  const related = related0 === undefined ? undefined : toLineNumbers(related0);
  const fix = buildRuleFix(rule.fix, rule.action, lines, fixLines(x), selected);
  x.findings.push(makeFinding(rule, lines, related, fix));
}

/** Runs a rule's action on its subject lines (0-based, sorted, distinct). */
function applyAction(x: Ctx, rule: TRule, fr: FastRule, subject: number[]): void {
  const a = rule.action;
  switch (a.k) {
    case "require-codes": {
      const g = x.group;
      for (let i = 0; i < g.length; i++) if (x.member[g[i]][fr.actionSet] !== 0) return;
      emitRule(x, rule, subject);
      return;
    }
    case "require-modifier": {
      const targets = fr.onSet >= 0 ? groupLinesIn(x, fr.onSet) : subject;
      for (const t of targets) if (!hasAnyModifier(x.lines[t].modifiers, a.set)) emitRule(x, rule, [t]);
      return;
    }
    case "require-dx": {
      if (subject.length === 0) {
        // No code atom chose lines: the requirement is on the claim's diagnoses.
        if (claimHasDx(x, fr.actionDx)) return;
        emitRule(x, rule, subject);
        return;
      }
      for (const s of subject) if (!pointsTo(x, s, fr.actionDx)) emitRule(x, rule, [s]);
      return;
    }
    case "forbid-codes": {
      const g = x.group;
      for (let i = 0; i < g.length; i++) {
        const l = g[i];
        if (x.member[l][fr.actionSet] !== 0 && !subject.includes(l)) emitRule(x, rule, [l], subject);
      }
      return;
    }
    case "forbid-modifier": {
      const targets = fr.onSet >= 0 ? groupLinesIn(x, fr.onSet) : subject;
      for (const t of targets) if (hasAnyModifier(x.lines[t].modifiers, a.set)) emitRule(x, rule, [t]);
      return;
    }
    case "limit": {
      const ls = groupLinesIn(x, fr.actionSet);
      if (a.per === "line") {
        for (const l of ls) if (x.lines[l].units > a.max) emitRule(x, rule, [l]);
        return;
      }
      let total = 0;
      for (const l of ls) total += x.lines[l].units;
      if (total > a.max) emitRule(x, rule, ls);
      return;
    }
    case "deny":
    case "flag":
      emitRule(x, rule, subject);
      return;
    case "select": {
      const targets = rule.scope === "line" ? [x.cur] : subject;
      const saved = x.cur;
      const cases = fr.cases as CondFn[];
      for (const t of targets) {
        if (t < 0) continue;
        x.cur = t;
        for (let k = 0; k < cases.length; k++) {
          if (cases[k](x, false)) {
            const code = a.cases[k].code;
            if (code !== x.lines[t].code) emitRule(x, rule, [t], undefined, code);
            break;
          }
        }
      }
      x.cur = saved;
      return;
    }
    default: {
      const never: never = a;
      return never;
    }
  }
}

function missingNote(x: Ctx, rule: TRule, field: string): void {
  x.findings.push(
    makeFinding({ id: rule.id, category: rule.category, severity: "info", message: "", source: rule.source }, [], undefined, undefined, missingFieldMessage(rule.id, field)),
  );
}

/**
 * The rules that can fire in the group, into `x.lt.scratch.cands`; returns how many: for each
 * distinct code, the rules its index entry and the ranges holding it name (cached per code in
 * SlotInfo.cands), and `always`. Duplicates are skipped with the epoch marks, so no set is
 * allocated; `mark[r] === epoch` afterwards says "r is a candidate of this group".
 */
function candidates(x: Ctx): number {
  const lt = x.lt;
  const s = lt.scratch;
  s.epoch = (s.epoch + 1) >>> 0;
  if (s.epoch === 0) {
    // Wrapped after 2^32 groups: reset so stale marks cannot collide.
    s.mark.fill(0);
    s.epoch = 1;
  }
  const mark = s.mark;
  const epoch = s.epoch;
  const out = s.cands;
  let n = 0;
  const infos = x.codeInfo;
  for (let i = 0; i < x.nCodes; i++) {
    const list = infos[i].cands;
    for (let k = 0; k < list.length; k++) {
      const r = list[k];
      if (mark[r] !== epoch) {
        mark[r] = epoch;
        out[n++] = r;
      }
    }
  }
  const always = x.layer.always;
  for (let k = 0; k < always.length; k++) {
    const r = always[k];
    if (mark[r] !== epoch) {
      mark[r] = epoch;
      out[n++] = r;
    }
  }
  return n;
}

/** The group's rules (called only for a layer that has any): claim scope once, line scope per line. */
function runRules(x: Ctx): void {
  const lt = x.lt;
  const count = candidates(x);
  const cands = lt.scratch.cands;
  const claim = x.claim;
  const day = x.day;
  const fast = x.fast.rules;
  // Claim-scope rules once per group; the missing-field notes of every candidate in its window.
  for (let ci = 0; ci < count; ci++) {
    const r = cands[ci];
    const info = lt.ruleInfo[r];
    if (day < info.from || day > info.until) continue;
    const rule = lt.rules[r];
    if (info.needsBirthDate && birthDayOf(x) === null) missingNote(x, rule, "patient.birthDate");
    if (info.needsSex && claim.patient?.sex === undefined) missingNote(x, rule, "patient.sex");
    if (info.needsPos && claim.placeOfService === undefined) missingNote(x, rule, "placeOfService");
    const fr = fast[r];
    if (fr.line) continue;
    x.cur = -1;
    x.subjectLen = 0;
    if (fr.when(x, true)) {
      const subject: number[] = [];
      for (let i = 0; i < x.subjectLen; i++) if (!subject.includes(x.subject[i])) subject.push(x.subject[i]);
      subject.sort((a, b) => a - b);
      applyAction(x, rule, fr, subject);
    }
  }
  // Line-scope rules: on each line whose code is in the rule's subject, when the rule is a
  // candidate of the group and in its window (the per-code list saves testing every rule).
  const mark = lt.scratch.mark;
  const epoch = lt.scratch.epoch;
  const g = x.group;
  for (let i = 0; i < g.length; i++) {
    const l = g[i];
    const code = x.codeInfo[x.lineCode[l]];
    const list = x.lines[l].facts === undefined ? code.lineRulesNoFacts : code.lineRules;
    for (let k = 0; k < list.length; k++) {
      const r = list[k];
      const fr = fast[r];
      if (fr.reqMod >= 0 && !lineHasMod(x, l, fr.reqMod)) continue;
      if (!fr.markFree && mark[r] !== epoch) continue;
      const info = lt.ruleInfo[r];
      if (day < info.from || day > info.until) continue;
      (fr.check as (x: Ctx, l: number) => void)(x, l);
    }
  }
  x.cur = -1;
}

/**
 * Whether a condition can hold only on a line that carries documentation facts: every `fact`
 * and `site` atom reads the current line's `facts` and is false without them. (`and`: any
 * argument; `or`: every argument; `not`: never.)
 */
function needsFacts(c: TCond): boolean {
  switch (c.k) {
    case "fact":
    case "site":
      return true;
    case "and":
      return c.args.some(needsFacts);
    case "or":
      return c.args.length > 0 && c.args.every(needsFacts);
    default:
      return false;
  }
}

/**
 * A line-scope rule on line `l` (its condition, then its action on that line), as one closure:
 * the action is specialised, so the common cases allocate nothing unless a finding is made.
 * A rule that can only fire on a line with documentation facts (its condition, or every
 * `select` case, needs them: `FastRule.factsOnly`) is not even listed for lines without facts
 * (`SlotInfo.lineRulesNoFacts`): most claims, and all 837P input, carry none.
 */
function compileLineCheck(rule: TRule, fr: FastRule, ft: FastTable): (x: Ctx, l: number) => void {
  const a = rule.action;
  const when = fr.when;
  const generic = (x: Ctx, l: number): void => {
    x.cur = l;
    x.subjectLen = 0;
    if (when(x, false)) applyAction(x, rule, fr, [l]);
  };
  let check: (x: Ctx, l: number) => void;
  switch (a.k) {
    case "require-dx": {
      const d = fr.actionDx;
      check = (x, l) => {
        x.cur = l;
        x.subjectLen = 0;
        if (when(x, false) && !pointsTo(x, l, d)) emitRule(x, rule, [l]);
      };
      break;
    }
    case "deny":
    case "flag":
      check = (x, l) => {
        x.cur = l;
        x.subjectLen = 0;
        if (when(x, false)) emitRule(x, rule, [l]);
      };
      break;
    case "select": {
      const cases = fr.cases as CondFn[];
      const codes = a.cases.map((c) => c.code);
      const bySite = selectCasesBySite(a.cases.map((c) => c.when), ft);
      check = (x, l) => {
        x.cur = l;
        x.subjectLen = 0;
        if (!when(x, false)) return;
        const list = bySite === null ? null : bySite.get(lineSiteId(x, l)) ?? (bySite.get(-1) as Int32Array);
        const n = list === null ? cases.length : list.length;
        for (let i = 0; i < n; i++) {
          const k = list === null ? i : list[i];
          if (cases[k](x, false)) {
            if (codes[k] !== x.lines[l].code) emitRule(x, rule, [l], undefined, codes[k]);
            break;
          }
        }
      };
      break;
    }
    default:
      check = generic;
  }
  return check;
}

/** The site ids of a `site` conjunct of a case (the case itself, or an argument of its top `and`), or null. */
function caseSites(c: TCond, ft: FastTable): number[] | null {
  if (c.k === "site") return c.values.map((v) => siteVocabId(ft, v));
  if (c.k === "and") {
    for (const arg of c.args) if (arg.k === "site") return arg.values.map((v) => siteVocabId(ft, v));
  }
  return null;
}

/**
 * A select table's cases indexed by the line's site: for each site id the cases name, the
 * indexes (in order) of the cases that can hold on a line of that site; under -1 (no site, or a
 * site no case names) the cases without a site conjunct. A case whose `site` conjunct excludes
 * the line's site is false, so skipping it changes nothing: a line of the pack's 18-case
 * excision tables tests its own site group's 6 cases. Null when no case has a site conjunct.
 */
function selectCasesBySite(whens: TCond[], ft: FastTable): Map<number, Int32Array> | null {
  const sites = whens.map((w) => caseSites(w, ft));
  if (sites.every((s) => s === null)) return null;
  const ids = new Set<number>();
  for (const s of sites) if (s !== null) for (const id of s) ids.add(id);
  const index = new Map<number, Int32Array>();
  for (const id of [-1, ...ids]) {
    const list: number[] = [];
    for (let k = 0; k < sites.length; k++) {
      const s = sites[k];
      if (s === null || (id >= 0 && s.includes(id))) list.push(k);
    }
    index.set(id, Int32Array.from(list));
  }
  return index;
}

/** Whether a table-edit id is disabled in the layer (exact id or `prefix.*`). */
function isDisabled(layer: LoadedLayer, id: string): boolean {
  if (layer.disabledIds.size > 0 && layer.disabledIds.has(id)) return true;
  const p = layer.disabledPrefixes;
  for (let i = 0; i < p.length; i++) if (id.startsWith(p[i])) return true;
  return false;
}

/** The strictest indicator among the rows that apply on `day` (0 over 1 over 9), or -1. */
function ptpIndicator(rows: PtpRow[], day: number): number {
  let best = -1;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if ((r[0] === null || r[0] <= day) && (r[1] === null || day <= r[1])) {
      if (best === -1 || r[2] < best) best = r[2];
    }
  }
  return best;
}

const BYPASS_NONE = 0;
const BYPASS = 1;
const BYPASS_SAME_SITE = 2;

/** The line carries 24, 25 or 57. */
const MOD_EM = 1;
/** The line carries an NCCI PTP modifier that is not anatomic (59, XS, 25, …). */
const MOD_DISTINCT = 2;

/** A modifier not associated with PTP edits. */
const MOD_NONE = 0;
/** An anatomic PTP modifier (RT, F1, …). */
const MOD_ANATOMIC = 4;
/**
 * PTP class of every two-character modifier of upper-case letters and digits, by
 * `(c0 - 48) * 43 + (c1 - 48)`: MOD_NONE, MOD_ANATOMIC, or MOD_DISTINCT (| MOD_EM). Saves two
 * string-set lookups per modifier; other strings fall back to the sets.
 */
const MOD_CLASS = (() => {
  const t = new Uint8Array(43 * 43);
  for (let a = 48; a <= 90; a++) {
    for (let b = 48; b <= 90; b++) {
      const m = String.fromCharCode(a, b);
      t[(a - 48) * 43 + (b - 48)] = modClassOf(m);
    }
  }
  return t;
})();

function modClassOf(m: string): number {
  if (!isPtpModifier(m)) return MOD_NONE;
  if (isAnatomicModifier(m)) return MOD_ANATOMIC;
  return includesStr(EM_MODIFIERS, m) ? MOD_DISTINCT | MOD_EM : MOD_DISTINCT;
}

/**
 * Whether a modifier shows the column-1 and column-2 lines distinct (indicator 1). For an E/M
 * pair only 24/25/57 on the E/M line count. Otherwise any NCCI PTP modifier on either line; when
 * the only one is the same anatomic modifier on both lines, BYPASS_SAME_SITE.
 */
function ptpBypass(x: Ctx, l1: number, l2: number, em1: boolean, em2: boolean): number {
  const f1 = x.modFlags[l1];
  const f2 = x.modFlags[l2];
  if (em1 || em2) return (em1 && (f1 & MOD_EM) !== 0) || (em2 && (f2 & MOD_EM) !== 0) ? BYPASS : BYPASS_NONE;
  if (((f1 | f2) & MOD_DISTINCT) !== 0) return BYPASS;
  const a1 = x.modAnatomic[l1];
  const a2 = x.modAnatomic[l2];
  if (a1 === "" && a2 === "") return BYPASS_NONE;
  return a1 === a2 && a1 !== "*" ? BYPASS_SAME_SITE : BYPASS;
}

function ptpOrigin(layer: LoadedLayer, prefix: string, source: string, a: string, b: string): FindingOrigin | null {
  const id = `${prefix}.${a}.${b}`;
  return isDisabled(layer, id) ? null : { id, category: "ptp", severity: "error", message: "", source };
}

function runPtp(x: Ctx): void {
  const layer = x.layer;
  const n = x.nCodes;
  if (n < 2) return;
  const codes = x.codes;
  const ids = x.codeIdx;
  const firstLine = x.firstLine;
  const nextLine = x.nextLine;
  for (let ti = 0; ti < layer.ptp.length; ti++) {
    const t = layer.ptp[ti];
    for (let i = 0; i < n; i++) {
      const ia = ids[i];
      if (ia < 0 || !ptpHasColumn1(t, ia)) continue;
      for (let j = 0; j < n; j++) {
        const ib = ids[j];
        if (j === i || ib < 0 || !ptpMayHave(t, ia, ib)) continue;
        const pair = ptpPairIndex(t, ia, ib);
        if (pair < 0) continue;
        const fixed = t.fixedInd[pair];
        const ind = fixed >= 0 ? fixed : ptpIndicator(t.rows[pair], x.day);
        if (ind !== 0 && ind !== 1) continue;
        const a = codes[i];
        const b = codes[j];
        const em1 = x.codeEm[i] !== 0;
        const em2 = x.codeEm[j] !== 0;
        if (ind === 0) {
          const origin = ptpOrigin(layer, t.meta.idPrefix, t.meta.source, a, b);
          if (origin === null) continue;
          const related = lineNumbersOfCode(x, i);
          const message = ptpMessage(a, b, 0, em1 || em2);
          for (let l2 = firstLine[j]; l2 >= 0; l2 = nextLine[l2]) x.findings.push(makeFinding(origin, [l2 + 1], related, ptpFix(0, l2 + 1, null), message));
          continue;
        }
        for (let l2 = firstLine[j]; l2 >= 0; l2 = nextLine[l2]) {
          // Allocated only when needed: on clean claims most indicator-1 pairs are bypassed.
          let denied: number[] | null = null;
          let sameSite: number[] | null = null;
          for (let l1 = firstLine[i]; l1 >= 0; l1 = nextLine[l1]) {
            const r = ptpBypass(x, l1, l2, em1, em2);
            if (r === BYPASS_NONE) (denied ??= []).push(l1 + 1);
            else if (r === BYPASS_SAME_SITE) (sameSite ??= []).push(l1 + 1);
          }
          if (denied === null && sameSite === null) continue;
          const origin = ptpOrigin(layer, t.meta.idPrefix, t.meta.source, a, b);
          if (origin === null) break;
          if (denied !== null) {
            const emLines = em1 ? denied : em2 ? [l2 + 1] : null;
            x.findings.push(makeFinding(origin, [l2 + 1], denied, ptpFix(1, l2 + 1, emLines), ptpMessage(a, b, 1, em1 || em2)));
          } else if (sameSite !== null) {
            const mod = x.modAnatomic[l2];
            x.findings.push(makeFinding({ ...origin, severity: "warning" }, [l2 + 1], sameSite, undefined, ptpSameSiteMessage(a, b, mod)));
          }
        }
      }
    }
  }
}

function runMue(x: Ctx): void {
  const layer = x.layer;
  const firstLine = x.firstLine;
  const nextLine = x.nextLine;
  for (let ti = 0; ti < layer.mue.length; ti++) {
    const t = layer.mue[ti];
    for (let i = 0; i < x.nCodes; i++) {
      const cid = x.codeIdx[i];
      if (cid < 0) continue;
      const max = t.limit[cid];
      if (max < 0) continue;
      const mai = t.mai[cid] as 1 | 2 | 3;
      let total = 0;
      let over = false;
      for (let l = firstLine[i]; l >= 0; l = nextLine[l]) {
        const u = x.lines[l].units;
        total += u;
        if (u > max) over = true;
      }
      if (mai === 1 ? !over : total <= max) continue;
      const code = x.codes[i];
      const id = `${t.meta.idPrefix}.${code}`;
      if (isDisabled(layer, id)) continue;
      const origin: FindingOrigin = { id, category: "mue", severity: "error", message: "", source: t.meta.source };
      if (mai === 1) {
        for (let l = firstLine[i]; l >= 0; l = nextLine[l]) {
          const u = x.lines[l].units;
          if (u > max) x.findings.push(makeFinding(origin, [l + 1], undefined, mueFix([l + 1], max), mueMessage(code, u, max, 1)));
        }
      } else {
        const lines = lineNumbersOfCode(x, i);
        x.findings.push(makeFinding(origin, lines, undefined, mueFix(lines, max), mueMessage(code, total, max, mai)));
      }
    }
  }
}

/** Add-on edit strictness: type 1 over type 3 over type 2 (0 = no row applies). */
function stricterAocType(cur: number, t: number): number {
  if (cur === 0) return t;
  if (cur === 1 || t === 1) return 1;
  if (cur === 3 || t === 3) return 3;
  return 2;
}

function aocRowApplies(r: AocRow, day: number): boolean {
  return (r[3] === null || r[3] <= day) && (r[4] === null || day <= r[4]);
}

/** Whether the row's primary is a listed primary that still counts on `day`. */
function aocPrimaryCounts(r: AocRow, day: number): boolean {
  return r[1] !== "CCCCC" && (r[2] === null || day <= r[2]);
}

/** An add-on table's add-on code (by id) as the current layer evaluates it, cached per layer (see AocInfo). */
function aocInfo(x: Ctx, ti: number, t: LoadedAoc, cid: number, rows: AocRow[], addon: string): AocInfo {
  const byTable = x.fastLayer.aoc;
  const byId = (byTable[ti] ??= []);
  let info = byId[cid];
  if (info === undefined) {
    const id = `${t.meta.idPrefix}.${addon}`;
    info = {
      disabled: isDisabled(x.layer, id),
      primarySlot: Int32Array.from(rows, (r) => codeSlot(r[1])),
      error: { id, category: "addon", severity: "error", message: "", source: t.meta.source },
    };
    byId[cid] = info;
  }
  return info;
}

/** The index of the group's code with slot `slot` (text `code` when the slot is -1), or -1. */
function codeIndexBySlot(x: Ctx, slot: number, code: string): number {
  for (let j = 0; j < x.nCodes; j++) if (slot >= 0 ? x.codeSlots[j] === slot : x.codes[j] === code) return j;
  return -1;
}

/** Appends a fall-through watch for add-on line `l` (see Ctx.nWatch); its primaries' lines are appended next with `watchPrimary`. */
function watchAddon(x: Ctx, info: AocInfo, l: number): void {
  const w = x.nWatch;
  if (w + 1 >= x.watchLine.length) {
    const line = new Int32Array(2 * (w + 1));
    line.set(x.watchLine);
    x.watchLine = line;
    const start = new Int32Array(2 * (w + 1) + 1);
    start.set(x.watchStart);
    x.watchStart = start;
    x.watchFallen = new Uint8Array(2 * (w + 1));
  }
  x.watchAoc[w] = info;
  x.watchLine[w] = l;
  x.watchStart[w + 1] = x.watchStart[w];
  x.nWatch = w + 1;
}

/** Adds line `l` to the primaries of the last watch, once. */
function watchPrimary(x: Ctx, l: number): void {
  const w = x.nWatch - 1;
  const from = x.watchStart[w];
  const end = x.watchStart[w + 1];
  for (let k = from; k < end; k++) if (x.watchPrim[k] === l) return;
  if (end >= x.watchPrim.length) {
    const prim = new Int32Array(2 * end);
    prim.set(x.watchPrim);
    x.watchPrim = prim;
  }
  x.watchPrim[end] = l;
  x.watchStart[w + 1] = end + 1;
}

function runAoc(x: Ctx): void {
  const layer = x.layer;
  const day = x.day;
  for (let ti = 0; ti < layer.aoc.length; ti++) {
    const t = layer.aoc[ti];
    for (let i = 0; i < x.nCodes; i++) {
      const cid = x.codeIdx[i];
      if (cid < 0) continue;
      const rows = t.rows[cid];
      if (rows === undefined) continue;
      const addon = x.codes[i];
      const info = aocInfo(x, ti, t, cid, rows, addon);
      if (info.disabled) continue;
      let type = 0;
      // The group's codes that are primaries of this add-on: their indexes, once each.
      const present = x.aocPresent;
      let nPresent = 0;
      for (let k = 0; k < rows.length; k++) {
        const r = rows[k];
        if (!aocRowApplies(r, day)) continue;
        type = stricterAocType(type, r[0]);
        if (!aocPrimaryCounts(r, day)) continue;
        const j = codeIndexBySlot(x, info.primarySlot[k], r[1]);
        if (j < 0 || j === i) continue;
        let seen = false;
        for (let q = 0; q < nPresent; q++) if (present[q] === j) seen = true;
        if (!seen) present[nPresent++] = j;
      }
      if (type === 0) continue;
      if (nPresent > 0) {
        for (let l = x.firstLine[i]; l >= 0; l = x.nextLine[l]) {
          watchAddon(x, info, l);
          for (let q = 0; q < nPresent; q++) for (let p = x.firstLine[present[q]]; p >= 0; p = x.nextLine[p]) watchPrimary(x, p);
        }
        continue;
      }
      if (type === 2) continue;
      const primaries: string[] = [];
      for (const r of rows) if (aocRowApplies(r, day) && aocPrimaryCounts(r, day) && !primaries.includes(r[1])) primaries.push(r[1]);
      primaries.sort();
      const origin: FindingOrigin = type === 1 ? info.error : { ...info.error, severity: "warning" };
      const message = aocMessage(addon, type as 1 | 3, primaries);
      for (let l = x.firstLine[i]; l >= 0; l = x.nextLine[l]) x.findings.push(makeFinding(origin, [l + 1], undefined, aocFix(l + 1, primaries), message));
    }
  }
}

/**
 * An add-on is payable only with a payable primary: an add-on line all of whose listed
 * primaries on the claim sit on lines with an error finding gets an error too. Repeats until
 * nothing changes, since a fallen add-on can be another add-on's primary.
 */
function runAddonFallThrough(x: Ctx): void {
  const n = x.nWatch;
  if (n === 0) return;
  let anyError = false;
  for (const f of x.findings) if (f.severity === "error" && f.lines.length > 0) anyError = true;
  if (!anyError) return;
  const errorLine = ERROR_LINE.fill(0);
  for (const f of x.findings) if (f.severity === "error") for (const l of f.lines) errorLine[l - 1] = 1;
  const fallen = x.watchFallen.fill(0, 0, n);
  const start = x.watchStart;
  const prim = x.watchPrim;
  let changed = true;
  while (changed) {
    changed = false;
    for (let w = 0; w < n; w++) {
      if (fallen[w] !== 0) continue;
      let all = true;
      for (let k = start[w]; k < start[w + 1]; k++) if (!errorLine[prim[k]]) all = false;
      if (!all) continue;
      fallen[w] = 1;
      changed = true;
      const line = x.watchLine[w];
      errorLine[line] = 1;
      const denied: string[] = [];
      const primaryLines: number[] = [];
      for (let k = start[w]; k < start[w + 1]; k++) {
        primaryLines.push(prim[k]);
        const code = x.lines[prim[k]].code;
        if (!denied.includes(code)) denied.push(code);
      }
      denied.sort();
      const addon = x.lines[line].code;
      x.findings.push(makeFinding(x.watchAoc[w].error, [line + 1], toLineNumbers(primaryLines), undefined, aocPrimaryDeniedMessage(addon, denied)));
    }
  }
}

/** Scratch: which lines carry an error finding (claims have at most 50 lines). */
const ERROR_LINE = new Uint8Array(64);

/** Up to `max` billable codes that start with `prefix` (the billable list is sorted). */
export function billableUnder(lt: LoadedTable, prefix: string, max: number): string[] {
  return startingWith(lt.billableSorted, prefix, max);
}

function runIcd(x: Ctx): void {
  const lt = x.lt;
  if (lt.billable.size === 0) return; // the table carries no ICD-10-CM list
  for (let k = 0; k < x.nDx; k++) {
    const info = x.dxInfo[k];
    const d = info.norm;
    if (info.billable) continue;
    const header = info.header;
    const lines: number[] = [];
    for (let l = 0; l < x.lines.length; l++) {
      const ptrs = x.lines[l].dxPointers;
      if (ptrs === undefined || ptrs.includes(k + 1)) lines.push(l + 1);
    }
    const suggestions = header ? billableUnder(lt, d, 3) : [];
    const origin: FindingOrigin = {
      id: header ? ICD_HEADER_RULE : ICD_UNKNOWN_RULE,
      category: "code",
      severity: "error",
      message: "",
      source: `ICD-10-CM ${lt.icdVersion}`,
    };
    x.findings.push(makeFinding(origin, lines, undefined, icdFix(lines, suggestions), icdMessage(x.claim.diagnoses[k], header ? "header" : "unknown", suggestions)));
  }
}

/** A runtime note (payer, batch). */
export function runtimeNote(id: string, category: FindingCategory, severity: FindingSeverity, message: string): Finding {
  return makeFinding({ id, category, severity, message, source: RUNTIME_SOURCE }, []);
}

/** IDENTITY[n] = [0, 1, …, n-1]: the group of a claim whose lines share one date (read-only). */
const IDENTITY: number[][] = Array.from({ length: 51 }, (_, n) => Array.from({ length: n }, (_, i) => i));

/**
 * The one evaluation context, reused for every claim: evaluation is synchronous and never
 * re-entered. Arrays are replaced, not truncated (`length = 0` is a slow runtime call in V8).
 */
const X: Ctx = {
  lt: null as unknown as LoadedTable,
  layer: null as unknown as LoadedLayer,
  claim: null as unknown as Claim,
  lines: [],
  payer: "",
  birthDay: null,
  group: [],
  day: 0,
  nCodes: 0,
  codes: [],
  codeSlots: new Int32Array(64),
  codeIdx: new Int32Array(64),
  codeEm: new Uint8Array(64),
  firstLine: new Int32Array(64),
  lastLine: new Int32Array(64),
  nextLine: new Int32Array(64),
  lineCode: new Int32Array(64),
  fast: null as unknown as FastTable,
  fastLayer: null as unknown as FastLayer,
  member: [],
  codeInfo: [],
  lineDx: new Int32Array(64),
  claimDx: new Int32Array(4),
  dxWords: 0,
  lineMod: new Int32Array(64),
  modWords: 0,
  siteLine: -1,
  siteId: -1,
  dxInfo: [],
  nDx: 0,
  cur: -1,
  subject: [],
  subjectLen: 0,
  modFlags: new Uint8Array(64),
  modAnatomic: [],
  findings: [],
  nWatch: 0,
  aocPresent: new Int32Array(64),
  watchAoc: [],
  watchLine: new Int32Array(64),
  watchStart: new Int32Array(65),
  watchPrim: new Int32Array(256),
  watchFallen: new Uint8Array(64),
};

/** Grows the per-line scratch arrays for a claim of `n` lines (the claim schema allows 50). */
function ensureCapacity(x: Ctx, n: number): void {
  if (n <= x.nextLine.length) return;
  const cap = 2 * n;
  x.codeSlots = new Int32Array(cap);
  x.codeIdx = new Int32Array(cap);
  x.codeEm = new Uint8Array(cap);
  x.firstLine = new Int32Array(cap);
  x.lastLine = new Int32Array(cap);
  x.nextLine = new Int32Array(cap);
  x.lineCode = new Int32Array(cap);
  x.modFlags = new Uint8Array(cap);
  x.aocPresent = new Int32Array(cap);
}

/** Evaluates one date-of-service group: rules, then PTP, MUE and add-on edits. */
function runGroup(x: Ctx, group: number[], dayOfService: number): void {
  const lines = x.lines;
  const codes = x.codes;
  const codeSlots = x.codeSlots;
  const firstLine = x.firstLine;
  const lastLine = x.lastLine;
  const nextLine = x.nextLine;
  const lineCode = x.lineCode;
  let nCodes = 0;
  for (let i = 0; i < group.length; i++) {
    const l = group[i];
    const code = lines[l].code;
    const slot = codeSlot(code);
    let j = 0;
    // Codes of the procedure shape compare by slot (one number); others by text.
    while (j < nCodes && (codeSlots[j] !== slot || (slot < 0 && codes[j] !== code))) j++;
    nextLine[l] = -1;
    lineCode[l] = j;
    if (j === nCodes) {
      codes[j] = code;
      codeSlots[j] = slot;
      firstLine[j] = l;
      nCodes++;
    } else nextLine[lastLine[j]] = l;
    lastLine[j] = l;
  }
  const slotIds = x.lt.slotIds;
  const withRules = x.fastLayer.hasRules;
  for (let j = 0; j < nCodes; j++) {
    const slot = codeSlots[j];
    const id = slot < 0 ? -1 : codeIdOfSlot(slotIds, slot);
    x.codeIdx[j] = id;
    if (withRules) {
      const info = slotInfo(x, codes[j], slot, id);
      x.codeInfo[j] = info;
      for (let l = firstLine[j]; l >= 0; l = nextLine[l]) x.member[l] = info.member;
    }
    x.codeEm[j] = emOf(x.fast, codes[j], id);
  }
  x.nCodes = nCodes;
  x.group = group;
  x.day = dayOfService;
  if (withRules) runRules(x);
  runPtp(x);
  runMue(x);
  runAoc(x);
}

/** 1 when a code is an E/M code, else 0: by code id from `emById`, worked out for codes the table does not mention. */
function emOf(ft: FastTable, code: string, id: number): number {
  return id < 0 ? (isEmCode(code) ? 1 : 0) : ft.emById[id];
}

/** By code id: 1 for an E/M code (99202–99499), else 0. */
function emByCodeId(lt: LoadedTable): Uint8Array {
  const em = new Uint8Array(lt.codeIds.size);
  for (const [code, id] of lt.codeIds) if (isEmCode(code)) em[id] = 1;
  return em;
}

/** The lines of the group's code `j` as sorted 1-based line numbers. */
function lineNumbersOfCode(x: Ctx, j: number): number[] {
  const out: number[] = [];
  for (let l = x.firstLine[j]; l >= 0; l = x.nextLine[l]) out.push(l + 1);
  return out;
}

/**
 * Evaluates a claim that passed the input checks (`checkClaimInto` returned null): every line
 * has a real date of service, every dx pointer is in range.
 */
export function evaluateChecked(lt: LoadedTable, claim: Claim): ClaimResult {
  const findings: Finding[] = [];
  const x = X;
  const fast = fastTable(lt);
  const payer = claim.payer ?? lt.defaultLayer;
  // Claims of one payer come in runs: the last payer's layer is kept.
  let layer: LoadedLayer | undefined;
  if (payer === fast.lastPayer) layer = fast.lastLayer as LoadedLayer;
  else {
    layer = lt.layers.get(payer);
    if (layer !== undefined) {
      fast.lastPayer = payer;
      fast.lastLayer = layer;
      fast.lastFastLayer = fastLayer(fast, layer);
    }
  }
  if (layer === undefined) {
    layer = lt.layers.get(lt.defaultLayer) as LoadedLayer;
    findings.push(runtimeNote(UNKNOWN_PAYER_RULE, "coverage", "info", unknownPayerMessage(payer, layer.name)));
    x.fastLayer = fastLayer(fast, layer);
  } else x.fastLayer = fast.lastFastLayer as FastLayer;
  const diagnoses = claim.diagnoses;
  for (let i = 0; i < diagnoses.length; i++) {
    const info = dxInfoOf(lt, fast, diagnoses[i]);
    x.dxInfo[i] = info;
  }
  x.nDx = diagnoses.length;
  const birth = claim.patient?.birthDate;
  const lines = claim.lines;
  const n = lines.length;
  ensureCapacity(x, n);
  x.lt = lt;
  x.layer = layer;
  x.fast = fast;
  x.claim = claim;
  x.lines = lines;
  x.payer = payer;
  // Parsed only if a rule reads it (most claims meet no age condition).
  x.birthDay = birth === undefined ? null : undefined;
  x.cur = -1;
  x.subjectLen = 0;
  x.siteLine = -1;
  x.findings = findings;
  x.nWatch = 0;
  x.dxWords = fast.dxWords;
  x.modWords = fast.modWords;
  const withRules = x.fastLayer.hasRules;
  if (withRules && x.dxWords > 0) fillLineDx(x);
  if ((withRules && x.modWords > 0) || layer.ptp.length > 0) fillLineMod(x, withRules);
  runIcd(x);

  const claimDay = claim.serviceDate === undefined ? 0 : (dayNumber(claim.serviceDate) as number);
  let oneDate = true;
  for (let i = 0; i < n; i++) {
    const d = lines[i].serviceDate;
    if (d !== undefined && dayNumber(d) !== claimDay) oneDate = false;
  }
  // A claim without its own date has dated lines only: group them (claimDay 0 is a placeholder).
  if (oneDate && claim.serviceDate !== undefined) runGroup(x, n < IDENTITY.length ? IDENTITY[n] : Array.from({ length: n }, (_, i) => i), claimDay);
  else {
    // Group lines by date of service, in order of first appearance.
    const days: number[] = [];
    const groups: number[][] = [];
    for (let i = 0; i < n; i++) {
      const own = lines[i].serviceDate;
      const d = own === undefined ? claimDay : (dayNumber(own) as number);
      const k = days.indexOf(d);
      if (k < 0) {
        days.push(d);
        groups.push([i]);
      } else groups[k].push(i);
    }
    for (let k = 0; k < groups.length; k++) runGroup(x, groups[k], days[k]);
  }
  runAddonFallThrough(x);
  // Drop references to the claim so the shared context does not keep it alive.
  x.claim = null as unknown as Claim;
  x.lines = [];
  x.group = [];
  x.findings = [];
  sortFindings(findings);
  return { claimId: claim.id, verdict: verdictOf(findings), findings, layer: layer.name };
}

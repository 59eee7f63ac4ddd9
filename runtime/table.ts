/**
 * The decision table: the JSON artifact the compiler emits and the runtime evaluates.
 * Its JSON Schema is runtime/schema/table.schema.json; `loadTable` checks it.
 *
 * Conventions:
 * - Dates are day numbers: whole days since 1970-01-01 (UTC). `null` = open bound.
 * - A code set is a sorted list of disjoint inclusive ranges `[lo, hi]` of 5-character
 *   procedure codes, compared as strings (all codes have 5 characters, so string order
 *   is range order within one shape: `11600`…`11606`, `G0127`…`G0130`).
 * - A dx set holds normalized ICD-10-CM codes (upper case, no dot): exact codes and
 *   prefixes (`C44.*` → prefix `C44`). A dx matches when it equals a code or starts with a prefix.
 * - Modifier sets are sorted lists of 2-character modifiers.
 */
import type { FindingCategory, FindingSeverity } from "./types.ts";
import type { PackedPtp } from "./ptp-pack.ts";

/**
 * The format the compiler writes. 2: PTP pairs packed (`PtpTable.packed`, runtime/ptp-pack.ts);
 * 1: PTP pairs expanded (`PtpTable.pairs`). `loadTable` reads both (SUPPORTED_FORMAT_VERSIONS).
 */
export const FORMAT_VERSION = 2;

/** The format versions `loadTable` reads. */
export const SUPPORTED_FORMAT_VERSIONS: readonly number[] = [1, 2];

export type CodeRanges = [string, string][];

export interface DxSet {
  codes: string[];
  prefixes: string[];
}

export type Op = ">" | ">=" | "<" | "<=" | "=" | "!=";

/**
 * A compiled condition. Evaluated in a context: the claim's date-of-service group (the lines
 * sharing one date of service) and, in line-scope rules, the current line.
 */
export type TCond =
  | { k: "true" }
  | { k: "and"; args: TCond[] }
  | { k: "or"; args: TCond[] }
  | { k: "not"; arg: TCond }
  /**
   * Some line of the group has a code in `set` and satisfies every given qualifier:
   * `units` (line units op n), `mod`/`noMod` (carries some / none of these modifiers),
   * `dx`/`noDx` (points to some / none of these diagnoses).
   */
  | {
      k: "has";
      set: CodeRanges;
      units?: [Op, number];
      mod?: string[];
      noMod?: string[];
      dx?: DxSet;
      noDx?: DxSet;
    }
  /** Total units of the group's lines whose code is in `set`, compared with n. */
  | { k: "count"; set: CodeRanges; op: Op; n: number }
  /** scope "claim": any claim diagnosis in set; "line": any diagnosis the current line points to. */
  | { k: "dx"; scope: "claim" | "line"; set: DxSet }
  /** The current line carries a modifier of the set. */
  | { k: "mod"; set: string[] }
  /** The current line's units. */
  | { k: "units"; op: Op; n: number }
  /** Patient age in whole years on the date of service (needs patient.birthDate). */
  | { k: "age"; op: Op; n: number }
  /** Patient sex in values (needs patient.sex). */
  | { k: "sex"; values: string[] }
  /** Place of service in values (needs placeOfService). */
  | { k: "pos"; values: string[] }
  /** The claim's payer (default "cms") in values. */
  | { k: "payer"; values: string[] }
  /** Date of service (day number) compared with day. */
  | { k: "dos"; op: Op; day: number }
  /** A numeric fact of the current line compared with n (false when the line lacks the fact). */
  | { k: "fact"; name: "lesionCount" | "excisedDiameterCm" | "repairLengthCm"; op: Op; n: number }
  /** The current line's site (lower case) is one of values (false when absent). */
  | { k: "site"; values: string[] };

export type TAction =
  | { k: "require-codes"; set: CodeRanges }
  | { k: "require-modifier"; set: string[]; on?: CodeRanges }
  | { k: "require-dx"; set: DxSet }
  | { k: "forbid-codes"; set: CodeRanges }
  | { k: "forbid-modifier"; set: string[]; on?: CodeRanges }
  | { k: "limit"; set: CodeRanges; max: number; per: "day" | "line" }
  | { k: "deny" }
  | { k: "flag" }
  /** A code-selection table: first case whose condition holds on the line gives the right code. */
  | { k: "select"; cases: { when: TCond; code: string }[] };

export type TFix =
  | { op: "replace"; from: CodeRanges; codes: string[] }
  | { op: "remove"; codes?: CodeRanges }
  | { op: "add-code"; codes: string[] }
  | { op: "add-modifier"; modifier: string; to?: CodeRanges }
  | { op: "set-units"; units: number }
  | { op: "text"; text: string };

export interface TRule {
  /** Stable, package-qualified id. */
  id: string;
  /** Where it was written: "rules/cms/integumentary.rules:12:1". */
  origin: string;
  /** The ruleset layer that defined it. */
  layer: string;
  severity: FindingSeverity;
  category: FindingCategory;
  message: string;
  source: string;
  /** Inclusive window of dates of service, day numbers; null = open. */
  effective: [number | null, number | null];
  scope: "claim" | "line";
  /** Line scope and select tables: the codes whose lines the rule is evaluated on. */
  subject?: CodeRanges;
  when: TCond;
  action: TAction;
  fix?: TFix;
  /**
   * INVARIANT: the rule can fire only if the group holds a line whose code is in `triggers`
   * (the subject, or the positive code atoms every branch of `when` needs). Empty = the rule
   * has no code trigger and is listed in the layer's `always`.
   */
  triggers: CodeRanges;
  /** Claim fields the rule reads (e.g. "patient.birthDate"), for the missing-field note. */
  needs: string[];
}

/**
 * A PTP table. In the file, its pairs are either `packed` (what the compiler writes, format 2)
 * or `pairs` (the expanded form, format 1 and hand-written tables). In memory `pairs` is always
 * readable: for a packed table it is a non-enumerable property expanded on first use
 * (runtime/ptp-pack.ts `attachExpandedPairs`), so JSON and the content hash see `packed` only.
 */
export interface PtpTable {
  /** Rule id prefix, e.g. "cms.ptp" (ids are `cms.ptp.<column1>.<column2>`). */
  idPrefix: string;
  layer: string;
  source: string;
  version: string;
  file: string;
  /** Rows grouped by column 1, then column 2: [effectiveDay|null, deletionDay|null, modifierIndicator]. */
  pairs: Record<string, Record<string, [number | null, number | null, 0 | 1 | 9][]>>;
  /** The same pairs, packed (format 2). */
  packed?: PackedPtp;
}

/** MUE limits: code → [units, MAI]. No dates: applies to every date of service. */
export interface MueTable {
  idPrefix: string;
  layer: string;
  source: string;
  version: string;
  file: string;
  limits: Record<string, [number, 1 | 2 | 3]>;
}

/**
 * Add-on rows grouped by add-on code:
 * [editType, primary ("CCCCC" = none listed), primaryDeletionDay|null, editEffectiveDay|null, editDeletionDay|null].
 */
export interface AocTable {
  idPrefix: string;
  layer: string;
  source: string;
  version: string;
  file: string;
  addons: Record<string, [1 | 2 | 3, string, number | null, number | null, number | null][]>;
}

export interface LayerIndex {
  /** Code → indexes into `DecisionTable.rules` of rules one of whose trigger ranges is exactly that code. */
  byCode: Record<string, number[]>;
  /** Trigger ranges wider than one code: [lo, hi, ruleIndex], sorted by lo. */
  byRange: [string, string, number][];
  /** Rules with no code trigger: evaluated for every claim. */
  always: number[];
}

export interface Layer {
  name: string;
  extends: string | null;
  /** Indexes into `DecisionTable.rules`, after overrides and disables, in id order. */
  rules: number[];
  index: LayerIndex;
  /** Indexes into `DecisionTable.edits.*` that apply in this layer (own and inherited). */
  ptp: number[];
  mue: number[];
  aoc: number[];
  /** Ids or `prefix.*` patterns of table edits disabled in this layer. */
  disabled: string[];
}

export interface SourceFileInfo {
  path: string;
  sha256: string;
  kind: "rules" | "ptp" | "mue" | "aoc" | "icd10";
  version?: string;
}

export interface DecisionTable {
  /** 2 as written by this compiler; 1 (expanded PTP pairs) is still read. */
  formatVersion: 1 | 2;
  /** sha256 (hex) of the canonical JSON of the table with `contentHash` set to "". */
  contentHash: string;
  generator: string;
  provenance: { sources: SourceFileInfo[] };
  defaultLayer: string;
  layers: Record<string, Layer>;
  rules: TRule[];
  edits: { ptp: PtpTable[]; mue: MueTable[]; aoc: AocTable[] };
  /** ICD-10-CM code list: space-separated normalized codes, sorted. */
  icd10: { version: string; billable: string; headers: string };
}

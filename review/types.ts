/**
 * The shapes of a semantic policy diff (`dermrules diff`): what changed in the rules, the
 * layers and the CMS tables, and which claims get a different answer. `--json` prints a
 * `DiffReport` as is; the text and Markdown renderers read nothing else.
 */
import type { Program } from "../compiler/index.ts";
import type { DecisionTable } from "../runtime/table.ts";
import type { Claim, Finding, Verdict } from "../runtime/types.ts";

/** One side of a diff: a compiled table, and the program when it was compiled from rule files. */
export interface Side {
  /** How the side is named in the report (`rules/`, `main:rules/`, `old.json`). */
  label: string;
  table: DecisionTable;
  program?: Program;
}

/** The rule fields a change is reported on. */
export type RuleField = "id" | "scope" | "subject" | "condition" | "action" | "severity" | "category" | "message" | "source" | "effective" | "fix";

/** One changed field of a modified rule, as text a reviewer reads. */
export interface FieldChange {
  field: RuleField;
  before: string;
  after: string;
  /** What changed inside, when the text alone does not show it (a set that gained codes, …). */
  notes?: string[];
}

/** A rule definition (by layer and id) that was added, removed or modified. */
export interface RuleChange {
  change: "added" | "removed" | "modified";
  id: string;
  /** The layer that defines this version (an override's layer, for an override). */
  layer: string;
  /** True when the definition overrides a rule of the same id in a base layer. */
  override: boolean;
  before?: { origin: string; text: string };
  after?: { origin: string; text: string };
  /** Modified rules: the fields that changed, in a fixed order. */
  fields: FieldChange[];
}

/** A rule that only moved (another file or line) or was reformatted: not a change. */
export interface RuleMove {
  id: string;
  layer: string;
  from: string;
  to: string;
}

/** A change to a layer that is not a rule definition: extends, disables, tables in force. */
export interface LayerChange {
  layer: string;
  change: "added" | "removed" | "modified";
  /** Sentences: "`cms.x` is now disabled here", "extends `cms` instead of `base`", … */
  details: string[];
  /** Rule ids now in force / no longer in force here although their definition did not change. */
  enabledRules: string[];
  disabledRules: string[];
  /** Table-edit ids or patterns newly disabled / no longer disabled. */
  disabledEditsAdded: string[];
  disabledEditsRemoved: string[];
}

/** A named set whose definition changed (only when both sides were compiled from rule files). */
export interface SetChange {
  name: string;
  kind: "codes" | "dx" | "modifiers";
  change: "added" | "removed" | "modified";
  /** Members (ranges, codes, patterns, modifiers) only before / only after. */
  removed: string[];
  added: string[];
}

/** One row-level change of a CMS table. */
export interface RowChange {
  /** The finding id the row produces (`cms.ptp.11102.11104`, `cms.mue.17003`, `cms.aoc.17003`). */
  id: string;
  before?: string;
  after?: string;
}

/** A PTP, MUE or add-on table compared by its id prefix. */
export interface TableChange {
  kind: "ptp" | "mue" | "aoc";
  idPrefix: string;
  layer: string;
  change: "added" | "removed" | "modified";
  version: { before?: string; after?: string };
  source: { before?: string; after?: string };
  /** Keys are PTP pairs, MUE codes, add-on codes. */
  counts: { before: number; after: number; added: number; deleted: number; changed: number };
  /** Sentences: "adds 37 pairs touching 11102-11107", "changes 2 MUE values (11102 1 → 2)". */
  summary: string[];
  /** The first rows of each kind (all when `truncated` is false). */
  rows: { added: RowChange[]; deleted: RowChange[]; changed: RowChange[] };
  truncated: boolean;
}

/** The ICD-10-CM list the table carries. */
export interface IcdChange {
  version: { before: string; after: string };
  billableAdded: number;
  billableRemoved: number;
  headersAdded: number;
  headersRemoved: number;
  /** A few of each, for the reader. */
  samples: { billableAdded: string[]; billableRemoved: string[] };
}

/** How a rule's findings differ on one claim. */
export type BehaviourKind = "now-fires" | "no-longer-fires" | "changes";

/** One claim and its results on both sides, limited to one rule's findings. */
export interface Witness {
  kind: BehaviourKind;
  /** The claim (shrunk, for generated claims; as given, for corpus claims). */
  claim: Claim;
  /** Where it came from: "generated", or "corpus line 17". */
  from: string;
  before: { verdict: Verdict; findings: Finding[] };
  after: { verdict: Verdict; findings: Finding[] };
}

/** The behaviour changes of one rule (or table edit), over every claim tried. */
export interface RuleBehaviour {
  rule: string;
  /** True when the rule itself changed (in the rule or table diff); false for a consequence. */
  changedItself: boolean;
  /** Claims on which this rule's findings differ, by kind; generated and corpus counted apart. */
  generated: Record<BehaviourKind, number>;
  corpus: Record<BehaviourKind, number>;
  /**
   * Of those claims, how many changed verdict because of this rule: it now fires at the new
   * verdict's level, or no longer fires at the old one's (review/behaviour.ts `contributes`).
   */
  verdictChanged: { generated: number; corpus: number };
  /** One short witness per kind seen (generated first, else corpus). */
  witnesses: Witness[];
}

/** Counts over one population of claims (generated or corpus). */
export interface ClaimCounts {
  claims: number;
  /** Records that were not valid claims (skipped; the corpus only). */
  invalid: number;
  findingsChanged: number;
  verdictChanged: number;
  /** Verdict transitions, "clean → deny": count. */
  transitions: Record<string, number>;
}

/** Behaviour: claims whose results differ, grouped by rule. */
export interface BehaviourReport {
  /** True when any claim (generated or corpus) got a different result. */
  changed: boolean;
  /** Why no search was needed, when the two tables evaluate every claim alike by construction. */
  equivalent?: string;
  generated: ClaimCounts;
  corpus?: ClaimCounts;
  byRule: RuleBehaviour[];
  /** What the generator aimed at (rules, PTP pairs, MUE codes, add-ons), and what it left out. */
  targets: { rules: number; ptpPairs: number; mueCodes: number; addons: number; diagnoses: number; sampled: string[] };
}

/** The whole diff. */
export interface DiffReport {
  base: { label: string; contentHash: string; rules: number; layers: string[] };
  head: { label: string; contentHash: string; rules: number; layers: string[] };
  rules: RuleChange[];
  moved: RuleMove[];
  layers: LayerChange[];
  sets: SetChange[];
  tables: TableChange[];
  icd10?: IcdChange;
  defaultLayer?: { before: string; after: string };
  behaviour: BehaviourReport;
}

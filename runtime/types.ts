/**
 * Claims in, results out: the public shapes of brief.md "Contracts". Their JSON Schemas
 * are runtime/schema/claim.schema.json and runtime/schema/result.schema.json.
 */

/** Documentation facts a line may carry for code-selection rules. */
export interface LineFacts {
  lesionCount?: number;
  site?: string;
  excisedDiameterCm?: number;
  repairLengthCm?: number;
}

export interface ClaimLine {
  /** CPT / HCPCS code, 5 characters. */
  code: string;
  /** Up to 4 two-character modifiers. */
  modifiers?: string[];
  /** Integer 1–9999. */
  units: number;
  /** 1–4 pointers into `diagnoses` (1-based). Absent: the line relates to every diagnosis. */
  dxPointers?: number[];
  charge?: number;
  /** Overrides the claim's date of service. */
  serviceDate?: string;
  facts?: LineFacts;
}

export interface Claim {
  id: string;
  /** Ruleset layer to apply; default "cms". */
  payer?: string;
  serviceDate?: string;
  placeOfService?: string;
  provider?: { npi?: string; name?: string };
  patient?: { sex?: "M" | "F" | "U"; birthDate?: string };
  /** 1–12 ICD-10-CM codes, with or without the dot. */
  diagnoses: string[];
  /** 1–50 lines. */
  lines: ClaimLine[];
}

export type FindingSeverity = "error" | "warning" | "info";

export type FindingCategory =
  | "ptp"
  | "mue"
  | "addon"
  | "medical-necessity"
  | "modifier"
  | "code-selection"
  | "coverage"
  | "code"
  | "policy";

export interface Fix {
  /** "text": a suggestion in words only (the rule's `fix "…"`, ICD header hints); additive. */
  op: "replace" | "remove" | "add-modifier" | "set-units" | "add-code" | "text";
  lines?: number[];
  codes?: string[];
  modifier?: string;
  units?: number;
  text?: string;
}

export interface Finding {
  /** Stable, package-qualified rule id, e.g. `cms.aoc.17003`. */
  rule: string;
  category: FindingCategory;
  severity: FindingSeverity;
  /** 1-based indexes into the claim's lines that the finding is about (empty: the whole claim). */
  lines: number[];
  /** Other lines involved (e.g. the PTP column-1 lines). */
  related?: number[];
  message: string;
  source: string;
  fix?: Fix;
}

export type Verdict = "deny" | "review" | "clean";

/** One input record's error: where (JSON pointer), a stable code, and what would be valid. */
export interface InputError {
  pointer: string;
  code: string;
  message: string;
}

export interface ClaimResult {
  claimId: string;
  verdict: Verdict;
  findings: Finding[];
  /** The ruleset layer that was applied. */
  layer?: string;
}

export interface InvalidResult {
  claimId: string | null;
  /** 1-based input line number (NDJSON), when the record came from a stream. */
  line?: number;
  verdict: "invalid";
  findings: [];
  errors: InputError[];
}

export type EvalResult = ClaimResult | InvalidResult;

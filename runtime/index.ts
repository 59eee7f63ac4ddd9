/**
 * dermrules runtime: the whole public API. Load a compiled decision table once, then evaluate
 * claims against it. Pure, synchronous, dependency-free (Node and browser).
 *
 *     const loaded = loadTable(tableJsonText);
 *     if (!loaded.ok) throw new Error(loaded.errors[0].message);
 *     const result = evaluate(loaded.table, claim);   // { claimId, verdict, findings, layer }
 */
import type { Claim, EvalResult, Finding, InvalidResult, InputError } from "./types.ts";
import type { LoadedTable } from "./load.ts";
import { evaluateChecked, runtimeNote } from "./evaluate.ts";
import { certainlyMatchesSchema, checkClaimInto, checkPointersAndDates, claimIdOf, isPlainObject } from "./validate.ts";
import { duplicateIdMessage, sortFindings, verdictOf } from "./findings.ts";
import { capErrors, invalidUtf8Error, normalizeClaim } from "./input.ts";

export { loadTable } from "./load.ts";
export type { LoadedTable, LoadTableOptions, LoadTableResult, TableError } from "./load.ts";
export { createEngine } from "./engine.ts";
export type { Engine, EngineSnapshot, SwapResult } from "./engine.ts";
export { sha256Hex } from "./integrity.ts";
export { FORMAT_VERSION } from "./table.ts";
export type * from "./types.ts";
export type * from "./table.ts";
export {
  compareFindings,
  verdictOf,
  normalizeDx,
  isEmCode,
  NCCI_PTP_MODIFIERS,
  ANATOMIC_MODIFIERS,
  EM_MODIFIERS,
} from "./findings.ts";
export { ICD_HEADER_RULE, ICD_UNKNOWN_RULE, UNKNOWN_PAYER_RULE } from "./evaluate.ts";
export { dayNumber, formatDay, ageOn } from "./dates.ts";

/** Rule id of the warning on a claim whose id an earlier record of the batch already used. */
export const DUPLICATE_ID_RULE = "dermrules.batch.duplicate-id";

function invalid(claimId: string | null, errors: InputError[], line?: number): InvalidResult {
  return line === undefined
    ? { claimId, verdict: "invalid", findings: [], errors }
    : { claimId, line, verdict: "invalid", findings: [], errors };
}

/**
 * Evaluates one claim (a parsed JSON value). An input that is not a valid claim gives an
 * `InvalidResult` whose errors name JSON pointers and say what would be valid; it never throws
 * on user input.
 */
export function evaluate(table: LoadedTable, claim: unknown): EvalResult {
  // The common case, a valid claim already in normal form, in one pass over it.
  if (isPlainObject(claim) && certainlyMatchesSchema(claim, true)) {
    const errors = checkPointersAndDates(claim as unknown as Claim);
    if (errors !== null) return invalid(claimIdOf(claim), capErrors(errors));
    return evaluateChecked(table, claim as unknown as Claim);
  }
  // Codes, modifiers and diagnoses trimmed and upper-cased (a copy; see runtime/input.ts).
  const normal = normalizeClaim(claim);
  const errors = checkClaimInto(normal, claim);
  if (errors !== null) return invalid(claimIdOf(claim), capErrors(errors));
  return evaluateChecked(table, normal as Claim);
}

/** Same as `evaluate` (the name style.md uses). */
export const evaluateClaim = evaluate;

/**
 * Evaluates one NDJSON record (its text). `lineNumber` (1-based) is copied to an invalid
 * result so output stays one-to-one with input. Text that is not JSON, or JSON that is not an
 * object, is an invalid record.
 */
export function evaluateJsonText(table: LoadedTable, text: string, lineNumber?: number): EvalResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const reason = (err as Error).message.replace(/`/g, "'");
    return invalid(null, [{ pointer: "", code: "DR5001", message: `the record is not valid JSON (${reason}): expected one claim object per line` }], lineNumber);
  }
  const utf8 = invalidUtf8Error(text, data);
  if (utf8 !== null) return invalid(claimIdOf(data), capErrors([utf8, ...(checkClaimInto(normalizeClaim(data), data) ?? [])]), lineNumber);
  const result = evaluate(table, data);
  if (result.verdict === "invalid" && lineNumber !== undefined) return invalid(result.claimId, result.errors, lineNumber);
  return result;
}

/**
 * Evaluates records in order, remembering claim ids: a claim whose id an earlier record used is
 * still evaluated, with a warning (`dermrules.batch.duplicate-id`). For streams (one record at
 * a time) use `createBatchEvaluator`.
 */
export function evaluateBatch(table: LoadedTable, claims: readonly unknown[]): EvalResult[] {
  const next = createBatchEvaluator(table);
  return claims.map((c) => next(c));
}

/**
 * A stateful evaluator for a stream of records: call it per record (a parsed value, or NDJSON
 * text with its line number); it warns on claim ids seen earlier in the stream.
 */
export function createBatchEvaluator(table: LoadedTable): (record: unknown, textLineNumber?: number) => EvalResult {
  const seen = new Set<string>();
  return (record, textLineNumber) => {
    const result =
      textLineNumber !== undefined && typeof record === "string"
        ? evaluateJsonText(table, record, textLineNumber)
        : evaluate(table, record);
    if (result.verdict === "invalid") return result;
    if (seen.has(result.claimId)) return withDuplicateIdWarning(result);
    seen.add(result.claimId);
    return result;
  };
}

/**
 * The result with the batch's duplicate-id warning added: for a record whose claim id an earlier
 * record of the same batch used. Invalid records are returned as they are (they have no claim).
 */
export function withDuplicateIdWarning(result: EvalResult): EvalResult {
  if (result.verdict === "invalid") return result;
  const findings: Finding[] = [...result.findings, runtimeNote(DUPLICATE_ID_RULE, "policy", "warning", duplicateIdMessage(result.claimId))];
  sortFindings(findings);
  return { ...result, verdict: verdictOf(findings), findings };
}

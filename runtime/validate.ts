/**
 * Claim input checks: the generated schema validator, then what a schema cannot say (dx
 * pointers within the diagnoses, a date of service on every line, real calendar dates).
 * Every problem becomes an `InputError` whose message says what would be valid.
 *
 * Codes (DR5xxx, claim input; stable, never reused):
 * DR5001 not JSON · DR5002 not a JSON object · DR5003 missing field · DR5004 wrong type ·
 * DR5005 out of range / wrong count · DR5006 malformed value · DR5007 value not allowed ·
 * DR5008 dx pointer past the diagnoses · DR5009 no date of service · DR5010 not a calendar date ·
 * DR5099 other schema error.
 */
import validateClaimSchema from "./generated/validate-claim.js";
import type { ValidatorError } from "./generated/validate-claim.js";
import type { Claim, InputError } from "./types.ts";
import { dayNumber } from "./dates.ts";

/** What a field's valid values are, by JSON pointer with array indexes as `*`. */
const EXPECTED: Record<string, string> = {
  "": "a claim object with `id`, `diagnoses` and `lines`",
  "/id": "a non-blank string",
  "/payer": "a ruleset name (string)",
  "/serviceDate": "a date `YYYY-MM-DD`",
  "/placeOfService": "a two-digit place of service such as `11`",
  "/provider": "an object with `npi` and `name`",
  "/provider/npi": "a 10-digit NPI",
  "/provider/name": "a string",
  "/patient": "an object with `sex` and `birthDate`",
  "/patient/sex": "`M`, `F` or `U`",
  "/patient/birthDate": "a date `YYYY-MM-DD`",
  "/diagnoses": "a list of 1 to 12 ICD-10-CM codes",
  "/diagnoses/*": "an ICD-10-CM code such as `L57.0` or `C44311`",
  "/lines": "a list of 1 to 50 lines",
  "/lines/*": "a line object with `code` and `units`",
  "/lines/*/code": "a 5-character CPT/HCPCS code: `NNNNN`, `NNNNA` (A, M, U, F or T last) or `ANNNN`",
  "/lines/*/modifiers": "a list of at most 4 modifiers",
  "/lines/*/modifiers/*": "a two-character modifier such as `25` or `XS`",
  "/lines/*/units": "a whole number from 1 to 9999",
  "/lines/*/dxPointers": "a list of 1 to 4 diagnosis pointers",
  "/lines/*/dxPointers/*": "a whole number from 1 to 12",
  "/lines/*/charge": "a number of 0 or more",
  "/lines/*/serviceDate": "a date `YYYY-MM-DD`",
  "/lines/*/facts": "an object of documentation facts",
  "/lines/*/facts/lesionCount": "a whole number of 1 or more",
  "/lines/*/facts/site": "a site word such as `nose`",
  "/lines/*/facts/excisedDiameterCm": "a number greater than 0",
  "/lines/*/facts/repairLengthCm": "a number greater than 0",
};

const KEYWORD_CODE: Record<string, string> = {
  required: "DR5003",
  type: "DR5004",
  minimum: "DR5005",
  maximum: "DR5005",
  exclusiveMinimum: "DR5005",
  exclusiveMaximum: "DR5005",
  minItems: "DR5005",
  maxItems: "DR5005",
  pattern: "DR5006",
  enum: "DR5007",
};

function unescapePointer(seg: string): string {
  return seg.replace(/~1/g, "/").replace(/~0/g, "~");
}

/** `/lines/0/dxPointers/1` → "line 1 dxPointers[2]"; readable, 1-based like the claim's own numbering. */
export function describePointer(pointer: string): string {
  if (pointer === "") return "the claim";
  const segs = pointer.split("/").slice(1).map(unescapePointer);
  const parts: string[] = [];
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i];
    const prev = segs[i - 1];
    if (/^[0-9]+$/.test(s) && prev !== undefined) {
      const n = Number(s) + 1;
      if (prev === "lines") parts[parts.length - 1] = `line ${n}`;
      else if (prev === "diagnoses") parts[parts.length - 1] = `diagnosis ${n}`;
      else parts[parts.length - 1] = `${parts[parts.length - 1]}[${n}]`;
    } else parts.push(s);
  }
  return parts.join(" ");
}

function genericPointer(pointer: string): string {
  return pointer.replace(/\/[0-9]+(?=\/|$)/g, "/*");
}

function valueAt(data: unknown, pointer: string): unknown {
  let cur: unknown = data;
  if (pointer === "") return cur;
  for (const raw of pointer.split("/").slice(1)) {
    const seg = unescapePointer(raw);
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

/** A short rendering of a user value for a message. Never throws (a deeply nested value would overflow `JSON.stringify`). */
function show(v: unknown): string {
  let s: string;
  if (typeof v === "string") s = v;
  // JSON would print `1e999` (parsed as Infinity) as `null`.
  else if (typeof v === "number") s = String(v);
  else {
    try {
      s = JSON.stringify(v) ?? String(v);
    } catch {
      s = Array.isArray(v) ? "[…]" : v !== null && typeof v === "object" ? "{…}" : typeof v;
    }
  }
  if (s.length > 40) s = `${s.slice(0, 37)}...`;
  return `\`${s.replace(/`/g, "'")}\``;
}

function expectedAt(pointer: string): string {
  return EXPECTED[genericPointer(pointer)] ?? "a value the claim schema allows";
}

/** One ajv error as an InputError; `data` is the record as the sender wrote it (before normalisation). */
function toInputError(e: ValidatorError, data: unknown): InputError {
  if (e.keyword === "required") {
    const prop = String(e.params.missingProperty);
    const pointer = `${e.instancePath}/${prop.replace(/~/g, "~0").replace(/\//g, "~1")}`;
    const where = e.instancePath === "" ? "the claim" : describePointer(e.instancePath);
    return { pointer, code: "DR5003", message: `${where} has no \`${prop}\`: expected ${expectedAt(pointer)}` };
  }
  const pointer = e.instancePath;
  const code = KEYWORD_CODE[e.keyword] ?? "DR5099";
  const value = valueAt(data, pointer);
  const what = describePointer(pointer);
  let problem: string;
  switch (e.keyword) {
    case "type":
      problem = `${show(value)} is not ${e.params.type === "integer" ? "a whole number" : `a${/^[aeiou]/.test(String(e.params.type)) ? "n" : ""} ${String(e.params.type)}`}`;
      break;
    case "minItems":
    case "maxItems":
      problem = `has ${Array.isArray(value) ? value.length : "?"} items`;
      break;
    case "pattern":
      problem = `${show(value)} is malformed`;
      break;
    case "enum":
      problem = `${show(value)} is not allowed`;
      break;
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      problem = `${show(value)} is out of range`;
      break;
    default:
      problem = `${show(value)} fails the \`${e.keyword}\` check`;
  }
  return { pointer, code, message: `${what} ${problem}: expected ${expectedAt(pointer)}` };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Checks a claim: schema first (every error at once), then pointers and dates.
 * Never throws on user input.
 */
export function checkClaim(data: unknown): { ok: true; claim: Claim } | { ok: false; errors: InputError[] } {
  const errors = checkClaimInto(data);
  return errors === null ? { ok: true, claim: data as Claim } : { ok: false, errors };
}

/**
 * The allocation-free form of `checkClaim` for the hot path: the errors, or null for a valid
 * claim. `original` is the record before normalisation (runtime/input.ts): messages quote the
 * values as the sender wrote them.
 */
export function checkClaimInto(data: unknown, original: unknown = data): InputError[] | null {
  if (!isPlainObject(data)) {
    return [{ pointer: "", code: "DR5002", message: `the record is ${show(data)}, not a claim: expected ${EXPECTED[""]}` }];
  }
  if (!validateClaimSchema(data)) {
    const errors: InputError[] = [];
    const seen = new Set<string>();
    for (const e of validateClaimSchema.errors ?? []) {
      const ie = toInputError(e, original);
      const key = `${ie.pointer}\u0000${ie.code}`;
      if (!seen.has(key)) {
        seen.add(key);
        errors.push(ie);
      }
    }
    return errors;
  }
  const claim = data;
  let errors: InputError[] | null = null;
  const fail = (e: InputError) => {
    (errors ??= []).push(e);
  };
  const nDx = claim.diagnoses.length;
  let claimDay: number | null = null;
  if (claim.serviceDate !== undefined) {
    claimDay = dayNumber(claim.serviceDate);
    if (claimDay === null) fail(notADate("/serviceDate", claim.serviceDate));
  }
  const birth = claim.patient?.birthDate;
  if (birth !== undefined && dayNumber(birth) === null) fail(notADate("/patient/birthDate", birth));
  const lines = claim.lines;
  let undated: number[] | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const ptrs = line.dxPointers;
    if (ptrs !== undefined) {
      for (let j = 0; j < ptrs.length; j++) {
        if (ptrs[j] > nDx) {
          fail({
            pointer: `/lines/${i}/dxPointers/${j}`,
            code: "DR5008",
            message: `line ${i + 1} dx pointer ${ptrs[j]} points past the ${nDx} diagnos${nDx === 1 ? "is" : "es"}: expected a number from 1 to ${nDx}`,
          });
        }
      }
    }
    if (line.serviceDate !== undefined) {
      if (dayNumber(line.serviceDate) === null) fail(notADate(`/lines/${i}/serviceDate`, line.serviceDate));
    } else if (claim.serviceDate === undefined) {
      (undated ??= []).push(i + 1);
    }
  }
  if (undated !== null) {
    const u: number[] = undated;
    const which =
      u.length === lines.length
        ? "no line has a date of service"
        : `line${u.length > 1 ? "s" : ""} ${u.join(", ")} ha${u.length > 1 ? "ve" : "s"} no date of service`;
    fail({
      pointer: "/serviceDate",
      code: "DR5009",
      message: `${which}: expected a claim \`serviceDate\` or a \`serviceDate\` on every line (\`YYYY-MM-DD\`)`,
    });
  }
  return errors;
}

function notADate(pointer: string, text: string): InputError {
  return {
    pointer,
    code: "DR5010",
    message: `${describePointer(pointer)} ${show(text)} is not a calendar date: expected a real date \`YYYY-MM-DD\``,
  };
}

/** The claim id of a record when it has a string one, for invalid-record results. */
export function claimIdOf(data: unknown): string | null {
  return isPlainObject(data) && typeof data.id === "string" ? data.id : null;
}

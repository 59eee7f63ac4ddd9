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

/** A JSON object: not null, not an array. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
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
  // The common, valid claim is accepted by a hand-written check of the same schema; anything it
  // does not accept goes to the generated validator, which decides and names the errors.
  if (!certainlyMatchesSchema(data) && !validateClaimSchema(data)) {
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
  // Matched the schema (by the hand-written check or the generated one).
  return checkPointersAndDates(data as unknown as Claim);
}

/**
 * The checks past the schema, on a claim that matches it: dx pointers in range, real calendar
 * dates, a date of service for every line. The errors, or null.
 */
export function checkPointersAndDates(claim: Claim): InputError[] | null {
  // A local list, not a closure: a closure made per claim costs more than the checks.
  let errors: InputError[] | null = null;
  const nDx = claim.diagnoses.length;
  let claimDay: number | null = null;
  if (claim.serviceDate !== undefined) {
    claimDay = dayNumber(claim.serviceDate);
    if (claimDay === null) (errors ??= []).push(notADate("/serviceDate", claim.serviceDate));
  }
  const birth = claim.patient?.birthDate;
  if (birth !== undefined && dayNumber(birth) === null) (errors ??= []).push(notADate("/patient/birthDate", birth));
  const lines = claim.lines;
  let undated: number[] | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const ptrs = line.dxPointers;
    if (ptrs !== undefined) {
      for (let j = 0; j < ptrs.length; j++) {
        if (ptrs[j] > nDx) {
          (errors ??= []).push({
            pointer: `/lines/${i}/dxPointers/${j}`,
            code: "DR5008",
            message: `line ${i + 1} dx pointer ${ptrs[j]} points past the ${nDx} diagnos${nDx === 1 ? "is" : "es"}: expected a number from 1 to ${nDx}`,
          });
        }
      }
    }
    if (line.serviceDate !== undefined) {
      if (dayNumber(line.serviceDate) === null) (errors ??= []).push(notADate(`/lines/${i}/serviceDate`, line.serviceDate));
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
    (errors ??= []).push({
      pointer: "/serviceDate",
      code: "DR5009",
      message: `${which}: expected a claim \`serviceDate\` or a \`serviceDate\` on every line (\`YYYY-MM-DD\`)`,
    });
  }
  return errors;
}

// ------------------------------------------------------------------------------ fast accept

const isInt = (v: unknown, lo: number, hi: number): boolean =>
  typeof v === "number" && Number.isInteger(v) && v >= lo && v <= hi;

const digitAt = (s: string, i: number) => {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
};
const upperAt = (s: string, i: number) => {
  const c = s.charCodeAt(i);
  return c >= 65 && c <= 90;
};
const alnumAt = (s: string, i: number) => {
  const c = s.charCodeAt(i);
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
};

/** `^[0-9]{4}-[0-9]{2}-[0-9]{2}$` */
function isDateShape(v: unknown): boolean {
  if (typeof v !== "string" || v.length !== 10 || v.charCodeAt(4) !== 45 || v.charCodeAt(7) !== 45) return false;
  return digitAt(v, 0) && digitAt(v, 1) && digitAt(v, 2) && digitAt(v, 3) && digitAt(v, 5) && digitAt(v, 6) && digitAt(v, 8) && digitAt(v, 9);
}

/** `^([0-9]{4}[0-9AMUFT]|[A-Z][0-9]{4})$` */
function isCodeShape(v: unknown): boolean {
  if (typeof v !== "string" || v.length !== 5 || !digitAt(v, 1) || !digitAt(v, 2) || !digitAt(v, 3)) return false;
  if (digitAt(v, 0)) {
    const c = v.charCodeAt(4);
    return (c >= 48 && c <= 57) || c === 65 || c === 77 || c === 85 || c === 70 || c === 84;
  }
  return upperAt(v, 0) && digitAt(v, 4);
}

/** `^[A-Za-z][0-9][0-9A-Za-z](\.?[0-9A-Za-z]{1,4})?$` */
function isDxShape(v: unknown): boolean {
  if (typeof v !== "string" || v.length < 3 || v.length > 8) return false;
  const c0 = v.charCodeAt(0);
  if (!((c0 >= 65 && c0 <= 90) || (c0 >= 97 && c0 <= 122)) || !digitAt(v, 1) || !alnumAt(v, 2)) return false;
  let i = 3;
  if (i < v.length && v.charCodeAt(i) === 46) i++;
  const rest = v.length - i;
  // Without a dot the tail is 0–4 characters; with one, 1–4.
  if (rest > 4 || (i === 4 && rest === 0)) return false;
  for (; i < v.length; i++) if (!alnumAt(v, i)) return false;
  return true;
}

function hasLowerCase(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 97 && c <= 122) return true;
  }
  return false;
}

/** `^[0-9A-Z]{2}$` */
function isModifierShape(v: unknown): boolean {
  return typeof v === "string" && v.length === 2 && (digitAt(v, 0) || upperAt(v, 0)) && (digitAt(v, 1) || upperAt(v, 1));
}

/** `^[0-9]{n}$` */
function isDigits(v: unknown, n: number): boolean {
  if (typeof v !== "string" || v.length !== n) return false;
  for (let i = 0; i < n; i++) if (!digitAt(v, i)) return false;
  return true;
}

const NOT_BLANK = /\S/u;

/**
 * Whether a record matches runtime/schema/claim.schema.json, decided by hand for the shapes
 * valid claims have. INVARIANT: true only when the generated validator would accept it too (a
 * false says nothing: the generated validator then decides). Saves the validator's regular
 * expressions on every code, modifier, diagnosis and date of a clean claim. With `normalToo`,
 * true also says the claim is already in its normal form (runtime/input.ts `normalizeClaim`
 * would return it unchanged): codes and modifiers of the schema's shapes are upper case
 * already, so only the diagnoses need a look.
 */
export function certainlyMatchesSchema(c: Record<string, unknown>, normalToo = false): boolean {
  if (typeof c.id !== "string" || !NOT_BLANK.test(c.id)) return false;
  if (c.payer !== undefined && typeof c.payer !== "string") return false;
  if (c.serviceDate !== undefined && !isDateShape(c.serviceDate)) return false;
  if (c.placeOfService !== undefined && !isDigits(c.placeOfService, 2)) return false;
  const prov = c.provider;
  if (prov !== undefined) {
    if (!isPlainObject(prov)) return false;
    if (prov.npi !== undefined && !isDigits(prov.npi, 10)) return false;
    if (prov.name !== undefined && typeof prov.name !== "string") return false;
  }
  const pat = c.patient;
  if (pat !== undefined) {
    if (!isPlainObject(pat)) return false;
    if (pat.sex !== undefined && pat.sex !== "M" && pat.sex !== "F" && pat.sex !== "U") return false;
    if (pat.birthDate !== undefined && !isDateShape(pat.birthDate)) return false;
  }
  const dx = c.diagnoses;
  if (!Array.isArray(dx) || dx.length < 1 || dx.length > 12) return false;
  for (let i = 0; i < dx.length; i++) if (!isDxShape(dx[i]) || (normalToo && hasLowerCase(dx[i] as string))) return false;
  const lines = c.lines;
  if (!Array.isArray(lines) || lines.length < 1 || lines.length > 50) return false;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (!isPlainObject(l) || !isCodeShape(l.code) || !isInt(l.units, 1, 9999)) return false;
    const mods = l.modifiers;
    if (mods !== undefined) {
      if (!Array.isArray(mods) || mods.length > 4) return false;
      for (let k = 0; k < mods.length; k++) if (!isModifierShape(mods[k])) return false;
    }
    const ptrs = l.dxPointers;
    if (ptrs !== undefined) {
      if (!Array.isArray(ptrs) || ptrs.length < 1 || ptrs.length > 4) return false;
      for (let k = 0; k < ptrs.length; k++) if (!isInt(ptrs[k], 1, 12)) return false;
    }
    if (l.charge !== undefined && !(typeof l.charge === "number" && Number.isFinite(l.charge) && l.charge >= 0)) return false;
    if (l.serviceDate !== undefined && !isDateShape(l.serviceDate)) return false;
    const f = l.facts;
    if (f !== undefined) {
      if (!isPlainObject(f)) return false;
      if (f.lesionCount !== undefined && !isInt(f.lesionCount, 1, Infinity)) return false;
      if (f.site !== undefined && typeof f.site !== "string") return false;
      if (f.excisedDiameterCm !== undefined && !(typeof f.excisedDiameterCm === "number" && Number.isFinite(f.excisedDiameterCm) && f.excisedDiameterCm > 0)) return false;
      if (f.repairLengthCm !== undefined && !(typeof f.repairLengthCm === "number" && Number.isFinite(f.repairLengthCm) && f.repairLengthCm > 0)) return false;
    }
  }
  return true;
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

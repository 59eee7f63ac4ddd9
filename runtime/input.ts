/**
 * Claim input hygiene around the schema check: the normalisation the coding standards allow,
 * the detection of text that was not valid UTF-8, and the cap on errors per record.
 *
 * Normalisation (decided in docs/hardening.md). CPT/HCPCS codes, modifiers and ICD-10-CM
 * codes are case-insensitive identifiers in every payer system: CMS publishes them in upper
 * case, and X12 and paper claims carry no meaning in case or in padding. So a line's `code`,
 * its `modifiers` and the claim's `diagnoses` are trimmed (leading and trailing white space)
 * and upper-cased before the schema check. Nothing else is rewritten: white space inside a
 * code (`170 00`), look-alike characters (full-width digits), a missing or extra character
 * stay errors, because a guess there could bill the wrong service. The caller's object is
 * never changed: a normalised claim is a copy.
 *
 * Codes: DR5011 text that was not valid UTF-8 · DR5012 more errors than are listed.
 */
import type { InputError } from "./types.ts";
import { describePointer, isPlainObject } from "./validate.ts";

/** At most this many errors are listed per record; the rest are counted in a DR5012 entry. */
export const MAX_RECORD_ERRORS = 20;

/** Whether a code or modifier is already trimmed upper-case ASCII letters and digits (dots allowed for dx). */
function isNormal(s: string, dots: boolean): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (dots && c === 46))) return false;
  }
  return s.length > 0;
}

function normal(s: unknown, dots: boolean): unknown {
  if (typeof s !== "string" || isNormal(s, dots)) return s;
  return s.trim().toUpperCase();
}

/** Normalises a string list; the same array when nothing changes. */
function normalList(list: unknown, dots: boolean): unknown {
  if (!Array.isArray(list)) return list;
  let out: unknown[] | null = null;
  for (let i = 0; i < list.length; i++) {
    const v = normal(list[i], dots);
    if (v !== list[i]) (out ??= list.slice())[i] = v;
  }
  return out ?? list;
}

/**
 * The claim with its codes, modifiers and diagnoses trimmed and upper-cased (see the module
 * comment). Returns the input itself when nothing changes (the common case, allocation-free),
 * else a copy: the caller's object is never modified. Anything that is not claim-shaped comes
 * back unchanged for the schema to reject.
 */
export function normalizeClaim(data: unknown): unknown {
  if (!isPlainObject(data)) return data;
  const dx = normalList(data.diagnoses, true);
  const lines = data.lines;
  let newLines: unknown[] | null = null;
  if (Array.isArray(lines)) {
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      if (!isPlainObject(line)) continue;
      const code = normal(line.code, false);
      const mods = normalList(line.modifiers, false);
      if (code !== line.code || mods !== line.modifiers) {
        const copy: Record<string, unknown> = { ...line };
        if (code !== line.code) copy.code = code;
        if (mods !== line.modifiers) copy.modifiers = mods;
        (newLines ??= lines.slice())[i] = copy;
      }
    }
  }
  if (dx === data.diagnoses && newLines === null) return data;
  const copy: Record<string, unknown> = { ...data };
  if (dx !== data.diagnoses) copy.diagnoses = dx;
  if (newLines !== null) copy.lines = newLines;
  return copy;
}

function escapePointer(seg: string): string {
  return seg.replace(/~/g, "~0").replace(/\//g, "~1");
}

/**
 * The JSON pointer of the first string (value or key) holding U+FFFD, the character a UTF-8
 * decoder puts where the bytes were not valid UTF-8, or null. Iterative, so a deeply nested
 * record cannot overflow the stack.
 */
export function findReplacementCharacter(value: unknown): string | null {
  const stack: [unknown, string][] = [[value, ""]];
  while (stack.length > 0) {
    const [v, pointer] = stack.pop()!;
    if (typeof v === "string") {
      if (v.includes("\uFFFD")) return pointer;
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${pointer}/${i}`]);
    } else if (v !== null && typeof v === "object") {
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) {
        const k = keys[i]!;
        const p = `${pointer}/${escapePointer(k)}`;
        if (k.includes("\uFFFD")) return p;
        stack.push([(v as Record<string, unknown>)[k], p]);
      }
    }
  }
  return null;
}

/**
 * DR5011 for a record whose text holds U+FFFD: the bytes there were not valid UTF-8 (or the
 * sender wrote the replacement character itself, which no claim field can mean). `parsed` is
 * the record as parsed from `text`. Null when the text is clean.
 */
export function invalidUtf8Error(text: string, parsed: unknown): InputError | null {
  // The scan of the raw text is the cheap test; only a hit pays for the walk that finds the field.
  if (!text.includes("\uFFFD")) return null;
  const pointer = findReplacementCharacter(parsed) ?? "";
  return {
    pointer,
    code: "DR5011",
    message: `${describePointer(pointer)} holds bytes that are not valid UTF-8 (decoded as U+FFFD): expected UTF-8 text; re-export the claim as UTF-8`,
  };
}

/** Caps a record's errors at {@link MAX_RECORD_ERRORS}, counting the rest in one DR5012 entry. */
export function capErrors(errors: InputError[]): InputError[] {
  if (errors.length <= MAX_RECORD_ERRORS) return errors;
  const rest = errors.length - MAX_RECORD_ERRORS;
  return [
    ...errors.slice(0, MAX_RECORD_ERRORS),
    { pointer: "", code: "DR5012", message: `and ${rest} more error${rest === 1 ? "" : "s"} in this record: fix the ones above first` },
  ];
}

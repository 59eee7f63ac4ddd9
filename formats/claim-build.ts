/**
 * Helpers every importer uses to build claim JSON the same way, so that one claim written as
 * X12 837P, FHIR R4 or CSV imports to the same object (same key order, same dates, same
 * diagnosis spelling).
 */
import type { Claim, ClaimLine } from "../runtime/types.ts";

/** A claim line being built: every field may still be missing (the runtime reports it). */
export type LineDraft = Partial<ClaimLine>;

/** A claim being built. */
export interface ClaimDraft {
  id?: string;
  payer?: string;
  serviceDate?: string;
  placeOfService?: string;
  provider?: { npi?: string; name?: string };
  patient?: { sex?: "M" | "F" | "U"; birthDate?: string };
  diagnoses: string[];
  lines: LineDraft[];
}

/**
 * ICD-10-CM as a coder writes it: upper case, with the dot after the category (X12 sends
 * codes without the dot: `L570` → `L57.0`, `C44311` → `C44.311`).
 */
export function dotIcd10(code: string): string {
  const bare = code.trim().toUpperCase().replace(/\./g, "");
  return bare.length > 3 ? `${bare.slice(0, 3)}.${bare.slice(3)}` : bare;
}

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1) return false;
  const days = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1]!;
  return d <= days;
}

/** `CCYYMMDD` → `CCYY-MM-DD`, or undefined when it is not a calendar date. */
export function fromCompactDate(s: string): string | undefined {
  if (!/^\d{8}$/.test(s)) return undefined;
  const iso = `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
  return isCalendarDate(iso) ? iso : undefined;
}

/**
 * A money amount as exports write it (`150`, `102.50`, `$1,234.00`) → number, or undefined
 * when it is not one. Rounded to cents so `0.1 + 0.2` style noise never reaches a report.
 */
export function parseAmount(s: string): number | undefined {
  const t = s.trim().replace(/^\$/, "").replace(/,(?=\d{3}(\D|$))/g, "");
  if (!/^-?(\d+(\.\d*)?|\.\d+)$/.test(t)) return undefined;
  return Math.round(Number(t) * 100) / 100;
}

/** A decimal quantity (`3`, `1.5`) → number, or undefined. */
export function parseDecimal(s: string): number | undefined {
  const t = s.trim();
  if (!/^-?(\d+(\.\d*)?|\.\d+)$/.test(t)) return undefined;
  return Number(t);
}

/**
 * Finishes a draft into claim JSON with a fixed key order. The claim's date of service is
 * the earliest line date (or `fallbackDate` when some line has none); a line keeps its own
 * `serviceDate` only when it differs from the claim's. Empty optional parts are left out.
 */
export function finishClaim(d: ClaimDraft, fallbackDate?: string): Claim {
  let earliest: string | undefined;
  let undated = false;
  for (const l of d.lines) {
    if (l.serviceDate === undefined) undated = true;
    else if (earliest === undefined || l.serviceDate < earliest) earliest = l.serviceDate;
  }
  const claimDate = d.serviceDate ?? (undated ? (fallbackDate ?? earliest) : (earliest ?? fallbackDate));
  const out: Record<string, unknown> = {};
  if (d.id !== undefined) out.id = d.id;
  if (d.payer !== undefined) out.payer = d.payer;
  if (claimDate !== undefined) out.serviceDate = claimDate;
  if (d.placeOfService !== undefined) out.placeOfService = d.placeOfService;
  if (d.provider && (d.provider.npi !== undefined || d.provider.name !== undefined)) {
    const p: { npi?: string; name?: string } = {};
    if (d.provider.npi !== undefined) p.npi = d.provider.npi;
    if (d.provider.name !== undefined) p.name = d.provider.name;
    out.provider = p;
  }
  if (d.patient && (d.patient.sex !== undefined || d.patient.birthDate !== undefined)) {
    const p: { sex?: "M" | "F" | "U"; birthDate?: string } = {};
    if (d.patient.sex !== undefined) p.sex = d.patient.sex;
    if (d.patient.birthDate !== undefined) p.birthDate = d.patient.birthDate;
    out.patient = p;
  }
  out.diagnoses = d.diagnoses;
  out.lines = d.lines.map((l) => finishLine(l, claimDate));
  return out as unknown as Claim;
}

function finishLine(l: LineDraft, claimDate: string | undefined): ClaimLine {
  const out: Record<string, unknown> = {};
  if (l.code !== undefined) out.code = l.code;
  if (l.modifiers !== undefined && l.modifiers.length > 0) out.modifiers = l.modifiers;
  if (l.units !== undefined) out.units = l.units;
  if (l.dxPointers !== undefined && l.dxPointers.length > 0) out.dxPointers = l.dxPointers;
  if (l.charge !== undefined) out.charge = l.charge;
  if (l.serviceDate !== undefined && l.serviceDate !== claimDate) out.serviceDate = l.serviceDate;
  if (l.facts !== undefined && Object.keys(l.facts).length > 0) out.facts = l.facts;
  return out as unknown as ClaimLine;
}

/** The procedure-code shape of the claim schema (CPT NNNNN, NNNNA/M/U/F/T; HCPCS ANNNN). */
export const PROCEDURE_CODE = /^([0-9]{4}[0-9AMUFT]|[A-Z][0-9]{4})$/;

/** The ICD-10-CM shape of the claim schema (with or without the dot). */
export const ICD10_SHAPE = /^[A-Za-z][0-9][0-9A-Za-z](\.?[0-9A-Za-z]{1,4})?$/;

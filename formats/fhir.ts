/**
 * FHIR R4 `Claim` → claim JSON. Reads one resource, a `Bundle` (its `Claim` entries, with the
 * other entries to resolve references), or NDJSON (one resource per line, as bulk export
 * writes it). Typed with @medplum/fhirtypes, but every field is read defensively: the input is
 * user data, and a wrong type becomes a positioned error, never an exception.
 *
 * Mapping: `identifier[0].value` (else `id`) → id; `insurer` (else the focal coverage's
 * payor) → payer through the payer map; `provider` → provider (NPI from an identifier of
 * system `http://hl7.org/fhir/sid/us-npi`); `patient` → patient (gender, birthDate);
 * `diagnosis[]` by `sequence` → diagnoses, and `item[].diagnosisSequence` → pointers;
 * `item[]` → lines (`productOrService`, `modifier`, `quantity` (default 1), `net` (else
 * `unitPrice` × quantity × factor) → charge, `servicedDate` / `servicedPeriod.start`);
 * the first item's `locationCodeableConcept` → place of service.
 *
 * Codes: DR5201–DR5219 (see docs/formats.md).
 */
import type {
  Bundle,
  Claim as FhirClaim,
  ClaimDiagnosis,
  ClaimItem,
  CodeableConcept,
  Coverage,
  Identifier,
  Organization,
  Patient,
  Practitioner,
  Reference,
} from "@medplum/fhirtypes";
import { dotIcd10, finishClaim, type ClaimDraft, type LineDraft } from "./claim-build.ts";
import { DEFAULT_PAYER_MAP, resolvePayer, type PayerMap } from "./payer-map.ts";
import { PointerMap, positionedError, type ImportEvent, type PositionedInputError, type SourcePosition } from "./types.ts";

/** Options of the FHIR importer. */
export interface FhirOptions {
  payerMap?: PayerMap;
}

const NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi";
const PROCEDURE_SYSTEMS = [
  "http://www.ama-assn.org/go/cpt",
  "urn:oid:2.16.840.1.113883.6.12",
  "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets",
  "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets",
  "urn:oid:2.16.840.1.113883.6.285",
];

/** A resource we may need to resolve a reference to, kept small (NDJSON may hold many). */
type Known = { resourceType: string; id?: string } & Record<string, unknown>;

/** Resolves references: contained resources first, then the bundle or the stream so far. */
interface Resolver {
  get(ref: string): Known | undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
}

function arr<T = unknown>(v: unknown): T[] {
  return Array.isArray(v) ? (v as T[]) : [];
}

function firstCode(cc: CodeableConcept | undefined, prefer: readonly string[] = []): { code: string; system?: string } | undefined {
  const codings = arr<Record<string, unknown>>(isObject(cc) ? cc.coding : undefined).filter(isObject);
  for (const system of prefer) {
    const hit = codings.find((c) => c.system === system && str(c.code) !== undefined);
    if (hit) return { code: str(hit.code)!, system };
  }
  const any = codings.find((c) => str(c.code) !== undefined);
  if (!any) return undefined;
  const system = str(any.system);
  return system !== undefined ? { code: str(any.code)!, system } : { code: str(any.code)! };
}

function date10(v: unknown): string | undefined {
  const s = str(v);
  return s === undefined ? undefined : s.slice(0, 10);
}

function npiOf(ids: unknown): string | undefined {
  const list = Array.isArray(ids) ? ids : isObject(ids) ? [ids] : [];
  for (const id of list as Identifier[]) if (isObject(id) && id.system === NPI_SYSTEM && str(id.value)) return str(id.value);
  return undefined;
}

function humanName(names: unknown): string | undefined {
  for (const n of arr<Record<string, unknown>>(names)) {
    if (!isObject(n)) continue;
    if (str(n.text)) return str(n.text);
    const parts = [...arr<string>(n.given).filter((g) => typeof g === "string"), ...(typeof n.family === "string" ? [n.family] : [])];
    if (parts.length > 0) return parts.join(" ");
  }
  return undefined;
}

/**
 * Converts one FHIR `Claim` resource. `base` names it in positions (`Claim`, or
 * `Bundle.entry[3].resource`); `line` is its NDJSON line.
 */
export function convertFhirClaim(res: FhirClaim, resolver: Resolver, options: FhirOptions, base = "Claim", line?: number): { record: ImportEvent; warnings: ImportEvent[] } {
  const payerMap = options.payerMap ?? DEFAULT_PAYER_MAP;
  const where = new PointerMap();
  const errors: PositionedInputError[] = [];
  const warnings: ImportEvent[] = [];
  const at = (path: string): SourcePosition => (line !== undefined ? { element: `${base}${path}`, line } : { element: `${base}${path}` });
  const fail = (pointer: string, code: string, message: string, path: string): void => {
    errors.push(positionedError(pointer, code, message, at(path)));
  };
  const draft: ClaimDraft = { diagnoses: [], lines: [] };
  where.set("", at(""));

  const identifier = arr<Identifier>(res.identifier).find((i) => isObject(i) && str(i.value) !== undefined);
  const id = str(identifier?.value) ?? str(res.id);
  if (id !== undefined) draft.id = id;
  else fail("/id", "DR5206", "the Claim has neither `identifier[].value` nor `id`: the claim id comes from one of them", "");
  where.set("/id", at(identifier ? ".identifier[0].value" : ".id"));

  const contained = new Map<string, Known>();
  for (const c of arr(res.contained)) if (isObject(c) && typeof c.id === "string") contained.set(`#${c.id}`, c as Known);
  const resolve = (ref: Reference | undefined): Known | undefined => {
    const r = isObject(ref) ? str(ref.reference) : undefined;
    if (r === undefined) return undefined;
    return contained.get(r) ?? resolver.get(r);
  };
  const warnUnresolved = (what: string, ref: Reference | undefined, path: string): void => {
    const r = isObject(ref) ? str(ref.reference) : undefined;
    if (r === undefined) return;
    warnings.push({
      kind: "diagnostic",
      diagnostic: {
        code: "DR5208",
        severity: "warning",
        message: `the ${what} reference \`${r}\` is neither contained nor in this file: the claim has no ${what} details from it`,
        ...at(path),
        claimId: draft.id ?? null,
      },
    });
  };

  const type = firstCode(res.type);
  if (type && type.code !== "professional") {
    warnings.push({
      kind: "diagnostic",
      diagnostic: { code: "DR5207", severity: "warning", message: `claim type \`${type.code}\` is not \`professional\`: read as a professional claim`, ...at(".type"), claimId: draft.id ?? null },
    });
  }

  // Payer: the insurer, else the focal coverage's first payor.
  let insurer: Reference | undefined = isObject(res.insurer) ? res.insurer : undefined;
  if (!insurer) {
    const ins = arr<Record<string, unknown>>(res.insurance).filter(isObject);
    const focal = ins.find((i) => i.focal === true) ?? ins[0];
    const coverage = focal ? (resolve(focal.coverage as Reference) as Coverage | undefined) : undefined;
    const payor = coverage ? arr<Reference>(coverage.payor)[0] : undefined;
    if (isObject(payor)) insurer = payor;
  }
  if (insurer) {
    const org = resolve(insurer) as Organization | undefined;
    const payerId = str(isObject(insurer.identifier) ? insurer.identifier.value : undefined) ?? str(arr<Identifier>(org?.identifier)[0]?.value);
    const payerName = str(insurer.display) ?? str(org?.name);
    const payer = resolvePayer(payerMap, { ...(payerId ? { payerId } : {}), ...(payerName ? { payerName } : {}) });
    if (payer !== undefined) draft.payer = payer;
  }

  // Provider.
  const providerRef = isObject(res.provider) ? res.provider : undefined;
  if (providerRef) {
    const p = resolve(providerRef) as (Practitioner | Organization) | undefined;
    const npi = npiOf(providerRef.identifier) ?? npiOf(p?.identifier);
    const name = str(providerRef.display) ?? (p?.resourceType === "Practitioner" ? humanName(p.name) : str((p as Organization | undefined)?.name));
    if (npi !== undefined || name !== undefined) draft.provider = { ...(npi !== undefined ? { npi } : {}), ...(name !== undefined ? { name } : {}) };
    if (!p && providerRef.reference !== undefined && npi === undefined && name === undefined) warnUnresolved("provider", providerRef, ".provider");
    where.set("/provider", at(".provider"));
  }

  // Patient.
  const patientRef = isObject(res.patient) ? res.patient : undefined;
  const patient = resolve(patientRef) as Patient | undefined;
  if (patient) {
    const sex = patient.gender === "male" ? "M" : patient.gender === "female" ? "F" : patient.gender !== undefined ? "U" : undefined;
    const birthDate = date10(patient.birthDate);
    if (sex !== undefined || birthDate !== undefined) draft.patient = { ...(sex ? { sex } : {}), ...(birthDate ? { birthDate } : {}) };
    where.set("/patient", at(".patient"));
  } else if (patientRef) warnUnresolved("patient", patientRef, ".patient");

  // Diagnoses, ordered by sequence; pointers go through sequence → position.
  const diagnoses = arr<ClaimDiagnosis>(res.diagnosis)
    .map((d, i) => ({ d, i }))
    .filter(({ d }) => isObject(d));
  diagnoses.sort((a, b) => (typeof a.d.sequence === "number" ? a.d.sequence : a.i + 1) - (typeof b.d.sequence === "number" ? b.d.sequence : b.i + 1));
  const seqToPointer = new Map<number, number>();
  for (const { d, i } of diagnoses) {
    const path = `.diagnosis[${i}]`;
    const coding = firstCode(d.diagnosisCodeableConcept, ["http://hl7.org/fhir/sid/icd-10-cm", "http://hl7.org/fhir/sid/icd-10"]);
    if (!coding) {
      fail(
        "/diagnoses",
        "DR5203",
        isObject(d.diagnosisReference)
          ? "a diagnosis given as `diagnosisReference` (a Condition): write the ICD-10-CM code in `diagnosisCodeableConcept`"
          : "a diagnosis without a code in `diagnosisCodeableConcept`",
        path,
      );
      continue;
    }
    if (coding.system !== undefined && /icd-9/i.test(coding.system)) {
      fail("/diagnoses", "DR5203", `diagnosis \`${coding.code}\` is ICD-9-CM (\`${coding.system}\`): claims since 2015-10-01 use ICD-10-CM`, `${path}.diagnosisCodeableConcept`);
      continue;
    }
    const k = draft.diagnoses.length;
    draft.diagnoses.push(dotIcd10(coding.code));
    where.set(`/diagnoses/${k}`, at(`${path}.diagnosisCodeableConcept`));
    if (typeof d.sequence === "number") {
      if (seqToPointer.has(d.sequence)) fail("/diagnoses", "DR5205", `two diagnoses have \`sequence\` ${d.sequence}`, `${path}.sequence`);
      else seqToPointer.set(d.sequence, k + 1);
    } else seqToPointer.set(i + 1, k + 1);
  }
  where.set("/diagnoses", at(".diagnosis"));

  // Items → lines.
  const items = arr<ClaimItem>(res.item);
  let pos: string | undefined;
  items.forEach((item, i) => {
    const path = `.item[${i}]`;
    const p = `/lines/${draft.lines.length}`;
    const line: LineDraft = {};
    draft.lines.push(line);
    where.set(p, at(path));
    if (!isObject(item)) {
      fail(p, "DR5204", "an item that is not an object", path);
      return;
    }
    const proc = firstCode(item.productOrService, PROCEDURE_SYSTEMS);
    if (proc) line.code = proc.code;
    else fail(`${p}/code`, "DR5204", "an item without a code in `productOrService`", `${path}.productOrService`);
    where.set(`${p}/code`, at(`${path}.productOrService`));
    const mods = arr<CodeableConcept>(item.modifier)
      .map((m) => firstCode(m)?.code)
      .filter((m): m is string => m !== undefined);
    if (mods.length > 0) line.modifiers = mods;
    arr(item.modifier).forEach((_, j) => where.set(`${p}/modifiers/${j}`, at(`${path}.modifier[${j}]`)));
    const qty = isObject(item.quantity) ? item.quantity.value : undefined;
    line.units = qty === undefined ? 1 : (qty as number);
    where.set(`${p}/units`, at(`${path}.quantity.value`));
    const pointers: number[] = [];
    arr<unknown>(item.diagnosisSequence).forEach((s, j) => {
      const ptr = typeof s === "number" ? seqToPointer.get(s) : undefined;
      where.set(`${p}/dxPointers/${j}`, at(`${path}.diagnosisSequence[${j}]`));
      if (ptr === undefined) fail(`${p}/dxPointers/${j}`, "DR5205", `\`diagnosisSequence\` ${JSON.stringify(s)} names no diagnosis of this claim`, `${path}.diagnosisSequence[${j}]`);
      else pointers.push(ptr);
    });
    if (pointers.length > 0) line.dxPointers = pointers;
    const net = isObject(item.net) ? item.net.value : undefined;
    const unit = isObject(item.unitPrice) ? item.unitPrice.value : undefined;
    if (typeof net === "number") line.charge = Math.round(net * 100) / 100;
    else if (typeof unit === "number" && typeof line.units === "number") line.charge = Math.round(unit * line.units * (typeof item.factor === "number" ? item.factor : 1) * 100) / 100;
    else if (net !== undefined || unit !== undefined) fail(`${p}/charge`, "DR5209", "`net` / `unitPrice` must be Money with a numeric `value`", `${path}.net`);
    where.set(`${p}/charge`, at(`${path}.net`));
    const served = date10(item.servicedDate) ?? date10(isObject(item.servicedPeriod) ? item.servicedPeriod.start : undefined);
    if (served !== undefined) line.serviceDate = served;
    where.set(`${p}/serviceDate`, at(item.servicedDate !== undefined ? `${path}.servicedDate` : `${path}.servicedPeriod.start`));
    const loc = firstCode(item.locationCodeableConcept)?.code;
    if (loc !== undefined && pos === undefined) {
      pos = loc;
      where.set("/placeOfService", at(`${path}.locationCodeableConcept`));
    } else if (loc !== undefined && loc !== pos) {
      warnings.push({
        kind: "diagnostic",
        diagnostic: { code: "DR5210", severity: "warning", message: `item place of service \`${loc}\` differs from the first item's \`${pos}\`: the claim carries one, the first`, ...at(`${path}.locationCodeableConcept`), claimId: draft.id ?? null },
      });
    }
  });
  if (pos !== undefined) draft.placeOfService = pos;
  where.set("/lines", at(".item"));
  where.set("/serviceDate", at(".billablePeriod"));

  const claim = finishClaim(draft, date10(isObject(res.billablePeriod) ? res.billablePeriod.start : undefined));
  const record: ImportEvent = {
    kind: "record",
    claim,
    claimId: draft.id ?? null,
    ...(line !== undefined ? { line } : {}),
    errors,
    positions: where,
  };
  return { record, warnings };
}

/** Resources worth remembering from a stream so later claims can reference them. */
const REMEMBERED = new Set(["Patient", "Practitioner", "Organization", "Coverage", "PractitionerRole"]);

/** Keeps just what the mapping reads, so a long NDJSON stream of patients stays small. */
function compact(r: Known): Known {
  switch (r.resourceType) {
    case "Patient":
      return { resourceType: r.resourceType, gender: r.gender, birthDate: r.birthDate };
    case "Practitioner":
    case "Organization":
      return { resourceType: r.resourceType, name: r.name, identifier: r.identifier };
    default:
      return r;
  }
}

/**
 * Processes one parsed JSON value: a Claim yields a record; a Bundle yields one record per
 * Claim entry; other resources are remembered for references (`remember`) or ignored.
 */
function processResource(value: unknown, options: FhirOptions, resolver: Resolver, remember: (r: Known) => void, out: ImportEvent[], line?: number): void {
  const at = (element: string): SourcePosition => (line !== undefined ? { element, line } : { element });
  if (!isObject(value) || typeof value.resourceType !== "string") {
    out.push({
      kind: "record",
      claim: undefined,
      claimId: null,
      ...(line !== undefined ? { line } : {}),
      errors: [positionedError("", "DR5202", "not a FHIR resource (no `resourceType`): expected a `Claim` or a `Bundle` of them", at("$"))],
    });
    return;
  }
  if (value.resourceType === "Claim") {
    const { record, warnings } = convertFhirClaim(value as unknown as FhirClaim, resolver, options, "Claim", line);
    out.push(...warnings, record);
    return;
  }
  if (value.resourceType === "Bundle") {
    const bundle = value as unknown as Bundle;
    const byRef = new Map<string, Known>();
    const entries = arr<Record<string, unknown>>(bundle.entry);
    for (const e of entries) {
      if (!isObject(e) || !isObject(e.resource)) continue;
      const r = e.resource as Known;
      if (typeof e.fullUrl === "string") byRef.set(e.fullUrl, r);
      if (typeof r.id === "string") byRef.set(`${r.resourceType}/${r.id}`, r);
    }
    const inner: Resolver = { get: (ref) => byRef.get(ref) ?? resolver.get(ref) };
    entries.forEach((e, i) => {
      if (isObject(e) && isObject(e.resource) && e.resource.resourceType === "Claim") {
        const { record, warnings } = convertFhirClaim(e.resource as unknown as FhirClaim, inner, options, `Bundle.entry[${i}].resource`, line);
        out.push(...warnings, record);
      }
    });
    return;
  }
  // NDJSON: other resources may be referenced by later claims. A document must be a Claim or a Bundle.
  if (line !== undefined) {
    if (REMEMBERED.has(value.resourceType)) remember(value as Known);
    return;
  }
  {
    out.push({
      kind: "diagnostic",
      diagnostic: { code: "DR5202", severity: "error", message: `a \`${value.resourceType}\` resource: expected a \`Claim\` or a \`Bundle\` of them`, ...at(value.resourceType) },
    });
  }
}

/** A resolver over resources seen earlier in a stream. */
function streamResolver(): { resolver: Resolver; remember: (r: Known) => void } {
  const seen = new Map<string, Known>();
  return {
    resolver: { get: (ref) => seen.get(ref) },
    remember: (r) => {
      if (typeof r.id === "string") seen.set(`${r.resourceType}/${r.id}`, compact(r));
    },
  };
}

function parseError(text: string, line?: number): ImportEvent {
  let reason: string;
  try {
    JSON.parse(text);
    reason = "";
  } catch (err) {
    reason = (err as Error).message.replace(/`/g, "'");
  }
  return {
    kind: "record",
    claim: undefined,
    claimId: null,
    ...(line !== undefined ? { line } : {}),
    errors: [positionedError("", "DR5201", `not valid JSON (${reason}): expected a FHIR \`Claim\` or \`Bundle\``, line !== undefined ? { line } : undefined)],
  };
}

/** Imports FHIR text held in memory: one JSON document (resource or Bundle), or NDJSON. */
export function importFhirText(text: string, options: FhirOptions = {}): ImportEvent[] {
  const out: ImportEvent[] = [];
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const { resolver, remember } = streamResolver();
  let doc: unknown;
  let isDoc = true;
  try {
    doc = JSON.parse(body);
  } catch {
    isDoc = false;
  }
  if (isDoc) {
    processResource(doc, options, resolver, remember, out);
    return out;
  }
  const lines = body.split("\n");
  const first = lines.findIndex((l) => l.trim() !== "");
  let ndjson = false;
  if (first >= 0) {
    try {
      JSON.parse(lines[first]!);
      ndjson = true;
    } catch {
      ndjson = false;
    }
  }
  if (!ndjson) {
    out.push(parseError(body));
    return out;
  }
  lines.forEach((l, i) => {
    const t = l.replace(/\r$/, "");
    if (t.trim() === "") return;
    let v: unknown;
    try {
      v = JSON.parse(t);
    } catch {
      out.push(parseError(t, i + 1));
      return;
    }
    processResource(v, options, resolver, remember, out, i + 1);
  });
  return out;
}

/**
 * Imports a FHIR stream. When its first non-blank line is a JSON value on its own, it is
 * NDJSON and is read line by line (flat memory); otherwise it is one JSON document (a
 * resource or a Bundle), which is read whole.
 */
export async function* importFhir(lines: AsyncIterable<string>, options: FhirOptions = {}): AsyncGenerator<ImportEvent> {
  const { resolver, remember } = streamResolver();
  let mode: "unknown" | "ndjson" | "document" = "unknown";
  let doc: string[] = [];
  let lineNo = 0;
  const out: ImportEvent[] = [];
  for await (const raw of lines) {
    lineNo++;
    const text = lineNo === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    if (mode === "document") {
      doc.push(text);
      continue;
    }
    if (text.trim() === "") {
      if (mode === "unknown") doc.push(text);
      continue;
    }
    let value: unknown;
    let ok = true;
    try {
      value = JSON.parse(text);
    } catch {
      ok = false;
    }
    if (mode === "unknown") {
      if (!ok) {
        mode = "document";
        doc.push(text);
        continue;
      }
      mode = "ndjson";
      doc = [];
    }
    if (!ok) out.push(parseError(text, lineNo));
    else processResource(value, options, resolver, remember, out, lineNo);
    yield* out;
    out.length = 0;
  }
  if (mode === "document") {
    const text = doc.join("\n");
    doc = [];
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      yield parseError(text);
      return;
    }
    processResource(value, options, resolver, remember, out);
    yield* out;
  }
}

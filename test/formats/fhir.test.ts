/**
 * The FHIR R4 Claim importer: a resource, a Bundle (references resolved through its entries),
 * NDJSON (references to resources on earlier lines), and positioned errors. Fixtures are typed
 * with @medplum/fhirtypes, so they are valid R4 shapes.
 */
import type { Bundle, Claim as FhirClaim, Patient, Practitioner } from "@medplum/fhirtypes";
import { describe, expect, it } from "vitest";
import { importFhir, importFhirText } from "../../formats/fhir.ts";
import type { ImportedRecord, ImportEvent } from "../../formats/types.ts";

const records = (evs: ImportEvent[]): ImportedRecord[] => evs.filter((e): e is ImportedRecord => e.kind === "record");
const diagnostics = (evs: ImportEvent[]) => evs.flatMap((e) => (e.kind === "diagnostic" ? [e.diagnostic] : []));

const CPT = "http://www.ama-assn.org/go/cpt";
const ICD = "http://hl7.org/fhir/sid/icd-10-cm";

function fhirClaim(over: Partial<FhirClaim> = {}): FhirClaim {
  return {
    resourceType: "Claim",
    id: "res-1",
    identifier: [{ system: "urn:example", value: "F-1" }],
    status: "active",
    type: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/claim-type", code: "professional" }] },
    use: "claim",
    patient: { reference: "Patient/p1" },
    created: "2026-10-16",
    insurer: { display: "Medicare" },
    provider: { reference: "Practitioner/dr1" },
    priority: { coding: [{ code: "normal" }] },
    insurance: [{ sequence: 1, focal: true, coverage: { display: "cov" } }],
    diagnosis: [
      { sequence: 2, diagnosisCodeableConcept: { coding: [{ system: ICD, code: "D48.5" }] } },
      { sequence: 1, diagnosisCodeableConcept: { coding: [{ system: ICD, code: "L570" }] } },
    ],
    item: [
      {
        sequence: 1,
        productOrService: { coding: [{ system: "http://example.org/local", code: "X1" }, { system: CPT, code: "17000" }] },
        diagnosisSequence: [1],
        servicedPeriod: { start: "2026-10-15T09:00:00Z", end: "2026-10-15T10:00:00Z" },
        unitPrice: { value: 60, currency: "USD" },
        quantity: { value: 2 },
        factor: 1,
      },
      {
        sequence: 2,
        productOrService: { coding: [{ system: CPT, code: "11102" }] },
        modifier: [{ coding: [{ system: CPT, code: "59" }] }, { coding: [{ system: CPT, code: "XS" }] }],
        diagnosisSequence: [2, 1],
        servicedDate: "2026-10-16",
        net: { value: 150.5, currency: "USD" },
      },
    ],
    ...over,
  };
}

const PATIENT: Patient = { resourceType: "Patient", id: "p1", gender: "male", birthDate: "1960-02-29" };
const DOCTOR: Practitioner = {
  resourceType: "Practitioner",
  id: "dr1",
  identifier: [{ system: "http://hl7.org/fhir/sid/us-npi", value: "1234567893" }],
  name: [{ given: ["Alex"], family: "Sample" }],
};

describe("a Bundle", () => {
  it("resolves the patient and provider through the entries and maps every field", () => {
    const bundle: Bundle = {
      resourceType: "Bundle",
      type: "collection",
      entry: [{ fullUrl: "urn:uuid:1", resource: fhirClaim() }, { resource: PATIENT }, { resource: DOCTOR }],
    };
    const evs = importFhirText(JSON.stringify(bundle));
    expect(diagnostics(evs)).toEqual([]);
    expect(records(evs).map((r) => r.claim)).toEqual([
      {
        id: "F-1",
        payer: "Medicare",
        serviceDate: "2026-10-15",
        provider: { npi: "1234567893", name: "Alex Sample" },
        patient: { sex: "M", birthDate: "1960-02-29" },
        diagnoses: ["L57.0", "D48.5"], // ordered by sequence, dots restored
        lines: [
          { code: "17000", units: 2, dxPointers: [1], charge: 120 }, // unitPrice × quantity × factor; the CPT coding wins
          { code: "11102", modifiers: ["59", "XS"], units: 1, dxPointers: [2, 1], charge: 150.5, serviceDate: "2026-10-16" },
        ],
      },
    ]);
  });

  it("names its positions by entry: an unknown diagnosisSequence is an error at its path", () => {
    const bad = fhirClaim();
    bad.item![1]!.diagnosisSequence = [9];
    const evs = importFhirText(JSON.stringify({ resourceType: "Bundle", type: "collection", entry: [{ resource: PATIENT }, { resource: bad }] }));
    const [rec] = records(evs);
    expect(rec!.errors).toEqual([
      expect.objectContaining({ pointer: "/lines/1/dxPointers/0", code: "DR5205", element: "Bundle.entry[1].resource.item[1].diagnosisSequence[0]" }),
    ]);
  });
});

describe("NDJSON", () => {
  it("resolves references to resources on earlier lines and gives each claim its line number", () => {
    const text = [JSON.stringify(PATIENT), JSON.stringify(DOCTOR), "", JSON.stringify(fhirClaim()), "{not json", JSON.stringify(fhirClaim({ identifier: [{ value: "F-2" }] }))].join("\n");
    const recs = records(importFhirText(text));
    expect(recs.map((r) => [r.claimId, r.line, r.errors.map((e) => e.code)])).toEqual([
      ["F-1", 4, []],
      [null, 5, ["DR5201"]],
      ["F-2", 6, []],
    ]);
    expect((recs[0]!.claim as { patient: unknown }).patient).toEqual({ sex: "M", birthDate: "1960-02-29" });
  });

  it("streams line by line and agrees with the in-memory import", async () => {
    const lines = [JSON.stringify(PATIENT), JSON.stringify(fhirClaim()), JSON.stringify(fhirClaim({ identifier: [{ value: "F-2" }], patient: { reference: "Patient/nobody" } }))];
    async function* gen(): AsyncGenerator<string> {
      yield* lines;
    }
    const streamed: ImportEvent[] = [];
    for await (const e of importFhir(gen())) streamed.push(e);
    const strip = (evs: ImportEvent[]) => evs.map((e) => (e.kind === "record" ? { ...e, positions: undefined } : e));
    expect(strip(streamed)).toEqual(strip(importFhirText(lines.join("\n"))));
    // Practitioner/dr1 is on no line (both claims); Patient/nobody neither (the second).
    expect(diagnostics(streamed).map((d) => [d.code, d.line, d.element])).toEqual([
      ["DR5208", 2, "Claim.provider"],
      ["DR5208", 3, "Claim.provider"],
      ["DR5208", 3, "Claim.patient"],
    ]);
  });

  it("reads a pretty-printed document from a stream whole", async () => {
    const text = JSON.stringify({ ...fhirClaim(), contained: [{ ...PATIENT, id: "pp" }], patient: { reference: "#pp" } }, null, 2);
    async function* gen(): AsyncGenerator<string> {
      yield* text.split("\n");
    }
    const out: ImportEvent[] = [];
    for await (const e of importFhir(gen())) out.push(e);
    expect(records(out).map((r) => (r.claim as { patient: unknown }).patient)).toEqual([{ sex: "M", birthDate: "1960-02-29" }]);
  });
});

describe("what makes a FHIR claim invalid", () => {
  it.each([
    ["an ICD-9 diagnosis", { diagnosis: [{ sequence: 1, diagnosisCodeableConcept: { coding: [{ system: "http://hl7.org/fhir/sid/icd-9-cm", code: "702.0" }] } }] }, "DR5203", "/diagnoses", "Claim.diagnosis[0].diagnosisCodeableConcept"],
    ["a diagnosis by reference", { diagnosis: [{ sequence: 1, diagnosisReference: { reference: "Condition/1" } }] }, "DR5203", "/diagnoses", "Claim.diagnosis[0]"],
    ["an item without a code", { item: [{ sequence: 1, productOrService: { text: "something" } }] }, "DR5204", "/lines/0/code", "Claim.item[0].productOrService"],
    ["no identifier and no id", { identifier: undefined, id: undefined }, "DR5206", "/id", "Claim"],
  ] as [string, Partial<FhirClaim>, string, string, string][])("%s", (_, over, code, pointer, element) => {
    const [rec] = records(importFhirText(JSON.stringify({ ...fhirClaim(), ...over, contained: [PATIENT] })));
    const e = rec!.errors.find((x) => x.code === code);
    expect(e).toMatchObject({ pointer, element });
  });

  it("reports a document that is not a Claim or a Bundle, and text that is not JSON", () => {
    expect(diagnostics(importFhirText(JSON.stringify(PATIENT)))).toEqual([expect.objectContaining({ code: "DR5202", severity: "error" })]);
    expect(records(importFhirText("{\n  broken")).map((r) => r.errors[0]!.code)).toEqual(["DR5201"]);
    expect(records(importFhirText("[1, 2]")).map((r) => r.errors[0]!.code)).toEqual(["DR5202"]);
  });

  it("maps the payer through the payer map, by insurer id or display", () => {
    const map = { claimFilingIndicator: {}, payers: { medicare: "cms", "12345": "acme" } };
    const a = records(importFhirText(JSON.stringify(fhirClaim()), { payerMap: map }))[0]!.claim as { payer: string };
    expect(a.payer).toBe("cms");
    const b = records(importFhirText(JSON.stringify(fhirClaim({ insurer: { identifier: { value: "12345" }, display: "Medicare" } })), { payerMap: map }))[0]!.claim as { payer: string };
    expect(b.payer).toBe("acme");
  });
});

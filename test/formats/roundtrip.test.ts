/**
 * Round-trip properties (fast-check): a claim written as X12 837P by the test helper imports
 * back to the same claim, whatever the delimiters and however the text is cut into chunks;
 * the same for the CSV layout. Claims are drawn in the canonical form the importers give
 * (dotted ICD-10-CM, the claim's date = its earliest line date, empty parts left out).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { importCsvText } from "../../formats/csv.ts";
import { importX12, importX12Text } from "../../formats/x12-837p.ts";
import type { ImportedRecord, ImportEvent } from "../../formats/types.ts";
import type { Claim, ClaimLine } from "../../runtime/types.ts";
import { writeCsv } from "./support/csv-writer.ts";
import { writeX12 } from "./support/x12-writer.ts";

const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 200);

const records = (evs: ImportEvent[]): ImportedRecord[] => evs.filter((e): e is ImportedRecord => e.kind === "record");

const CODES = ["99213", "99214", "11102", "11103", "11104", "11642", "12052", "17000", "17003", "17004", "17110", "G0127", "0591T"];
const MODIFIERS = ["25", "59", "XS", "XE", "RT", "LT", "GA", "GY", "76", "E1"];
const DX = ["L57.0", "D48.5", "L82.1", "C44.311", "B07.9", "C43.59", "Z85.828", "L72.3", "D22.5", "C44.41"];
const PAYERS = ["cms", "ACME HEALTH", "Example Commercial Plan"];

const day0 = Date.UTC(2024, 0, 1) / 86_400_000;
const iso = (d: number): string => new Date(d * 86_400_000).toISOString().slice(0, 10);

const cents = fc.integer({ min: 0, max: 500_000 }).map((c) => c / 100);

/** Canonical claims. `facts`: whether lines may carry documentation facts (CSV has columns for them, 837P has none). */
function arbClaim(facts: boolean): fc.Arbitrary<Claim> {
  return fc
    .record({
      id: fc.stringMatching(/^[A-Z0-9][A-Z0-9-]{0,19}$/),
      payer: fc.option(fc.constantFrom(...PAYERS), { nil: undefined }),
      day: fc.integer({ min: 0, max: 1000 }),
      placeOfService: fc.constantFrom("11", "22", "24"),
      provider: fc.option(
        fc
          .record({ npi: fc.option(fc.stringMatching(/^[0-9]{10}$/), { nil: undefined }), name: fc.option(fc.constantFrom("DR A", "EXAMPLE GROUP", "Jane Roe MD"), { nil: undefined }) })
          .filter((p) => p.npi !== undefined || p.name !== undefined),
        { nil: undefined },
      ),
      patient: fc.option(
        fc
          .record({ sex: fc.option(fc.constantFrom("F" as const, "M" as const, "U" as const), { nil: undefined }), birth: fc.option(fc.integer({ min: -20000, max: -3000 }), { nil: undefined }) })
          .filter((p) => p.sex !== undefined || p.birth !== undefined),
        { nil: undefined },
      ),
      diagnoses: fc.uniqueArray(fc.constantFrom(...DX), { minLength: 1, maxLength: 12 }),
      lines: fc.array(
        fc.record({
          code: fc.constantFrom(...CODES),
          modifiers: fc.uniqueArray(fc.constantFrom(...MODIFIERS), { maxLength: 4 }),
          units: fc.integer({ min: 1, max: 99 }),
          pointers: fc.uniqueArray(fc.integer({ min: 1, max: 12 }), { maxLength: 4 }),
          charge: fc.option(cents, { nil: undefined }),
          later: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
          site: fc.option(fc.constantFrom("nose", "cheek", "back"), { nil: undefined }),
          cm: fc.option(fc.integer({ min: 1, max: 60 }).map((n) => n / 10), { nil: undefined }),
        }),
        { minLength: 1, maxLength: 8 },
      ),
    })
    .map((r) => {
      const lines: ClaimLine[] = r.lines.map((l, i) => {
        // Keys in the contract's order: code, modifiers, units, dxPointers, charge, serviceDate, facts.
        const line = { code: l.code } as ClaimLine;
        if (l.modifiers.length > 0) line.modifiers = l.modifiers;
        line.units = l.units;
        const ptrs = l.pointers.filter((p) => p <= r.diagnoses.length);
        if (ptrs.length > 0) line.dxPointers = ptrs;
        if (l.charge !== undefined) line.charge = l.charge;
        // The first line is on the claim's date, so the claim's date is the earliest.
        if (i > 0 && l.later !== undefined) line.serviceDate = iso(day0 + r.day + l.later);
        if (facts && (l.site !== undefined || l.cm !== undefined)) {
          line.facts = { ...(l.site !== undefined ? { site: l.site } : {}), ...(l.cm !== undefined ? { excisedDiameterCm: l.cm } : {}) };
        }
        return line;
      });
      const claim: Claim = { id: r.id, diagnoses: r.diagnoses, lines };
      const out: Record<string, unknown> = { id: r.id };
      if (r.payer !== undefined) out.payer = r.payer;
      out.serviceDate = iso(day0 + r.day);
      out.placeOfService = r.placeOfService;
      if (r.provider) out.provider = { ...(r.provider.npi !== undefined ? { npi: r.provider.npi } : {}), ...(r.provider.name !== undefined ? { name: r.provider.name } : {}) };
      if (r.patient) out.patient = { ...(r.patient.sex !== undefined ? { sex: r.patient.sex } : {}), ...(r.patient.birth !== undefined ? { birthDate: iso(day0 + r.patient.birth) } : {}) };
      out.diagnoses = claim.diagnoses;
      out.lines = claim.lines;
      return out as unknown as Claim;
    });
}

const DELIMS = fc.constantFrom(
  { element: "*", component: ":", segment: "~", newline: true },
  { element: "*", component: ":", segment: "~", newline: false },
  { element: "|", component: ">", segment: "'", newline: false },
  { element: "^", component: "\\", segment: "\n", newline: false },
);

async function* chunked(text: string, cuts: number[]): AsyncGenerator<string> {
  let at = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    const to = Math.min(text.length, c);
    if (to > at) {
      yield text.slice(at, to);
      at = to;
    }
  }
  yield text.slice(at);
}

describe("claim → 837P → claim", () => {
  it("is the identity (the importer reports nothing)", () => {
    fc.assert(
      fc.property(fc.array(arbClaim(false), { minLength: 1, maxLength: 5 }), DELIMS, (claims, delims) => {
        const evs = importX12Text(writeX12(claims, { ...delims, claimsPerTransaction: 2 }));
        expect(evs.filter((e) => e.kind === "diagnostic")).toEqual([]);
        const recs = records(evs);
        expect(recs.map((r) => r.errors)).toEqual(claims.map(() => []));
        expect(recs.map((r) => r.claim)).toEqual(claims);
        // Same key order as the claim JSON contract shows (a stable NDJSON output).
        expect(recs.map((r) => JSON.stringify(r.claim))).toEqual(claims.map((c) => JSON.stringify(c)));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("gives the same events however the stream is cut", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbClaim(false), { minLength: 1, maxLength: 4 }), DELIMS, fc.array(fc.nat({ max: 4000 }), { maxLength: 12 }), async (claims, delims, cuts) => {
        const text = writeX12(claims, delims);
        const whole = importX12Text(text).map((e) => (e.kind === "record" ? { ...e, positions: undefined } : e));
        const streamed: unknown[] = [];
        for await (const e of importX12(chunked(text, cuts))) streamed.push(e.kind === "record" ? { ...e, positions: undefined } : e);
        expect(streamed).toEqual(whole);
      }),
      { numRuns: Math.max(20, Math.floor(NUM_RUNS / 2)) },
    );
  });
});

describe("claim → CSV → claim", () => {
  it("is the identity, documentation facts included", () => {
    fc.assert(
      fc.property(fc.array(arbClaim(true), { minLength: 1, maxLength: 5 }), (drawn) => {
        // Consecutive rows with one id are one claim: keep neighbouring ids distinct.
        const claims = drawn.map((c, i) => ({ ...c, id: `${c.id}-${i}` }));
        const evs = importCsvText(writeCsv(claims));
        expect(evs.filter((e) => e.kind === "diagnostic")).toEqual([]);
        const recs = records(evs);
        expect(recs.map((r) => r.errors)).toEqual(claims.map(() => []));
        expect(recs.map((r) => r.claim)).toEqual(claims);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

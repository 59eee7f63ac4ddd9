/** Claim input checks: schema errors, semantic errors, JSON text records, all with pointers. */
import { describe, expect, it } from "vitest";
import { evaluate, evaluateJsonText } from "../../runtime/index.ts";
import type { InvalidResult } from "../../runtime/index.ts";
import { claim, loaded } from "../support/tables.ts";

const table = loaded();

function errorsOf(input: unknown): InvalidResult["errors"] {
  const r = evaluate(table, input);
  if (r.verdict !== "invalid") throw new Error(`expected invalid, got ${JSON.stringify(r)}`);
  expect(r.findings).toEqual([]);
  return r.errors;
}

describe("claim validation", () => {
  it("accepts a full claim with extra fields anywhere", () => {
    const r = evaluate(table, {
      ...claim([{ code: "17000", units: 1, modifiers: ["25"], dxPointers: [1], charge: 120, serviceDate: "2024-05-15", facts: { lesionCount: 1, site: "nose", excisedDiameterCm: 0.4, repairLengthCm: 1, extra: 1 }, note: "x" }]),
      payer: "cms",
      placeOfService: "11",
      provider: { npi: "1234567893", name: "Dr A", taxonomy: "207N00000X" },
      patient: { sex: "F", birthDate: "1951-04-02", mrn: "7" },
      submitter: "ehr",
    });
    expect(r).toEqual({ claimId: "C1", verdict: "clean", findings: [], layer: "cms" });
  });

  it("units 0 → /lines/0/units, DR5005, says the valid range", () => {
    const [e, ...rest] = errorsOf(claim([{ code: "17000", units: 0 }]));
    expect(rest).toEqual([]);
    expect(e).toEqual({ pointer: "/lines/0/units", code: "DR5005", message: "line 1 units `0` is out of range: expected a whole number from 1 to 9999" });
  });

  it("fractional and string units are type errors", () => {
    expect(errorsOf(claim([{ code: "17000", units: 1.5 }]))[0]).toMatchObject({ pointer: "/lines/0/units", code: "DR5004" });
    expect(errorsOf(claim([{ code: "17000", units: "1" }]))[0].message).toBe("line 1 units `1` is not a whole number: expected a whole number from 1 to 9999");
  });

  it("malformed code `1700` → /lines/0/code, DR5006", () => {
    const errors = errorsOf(claim([{ code: "17000", units: 1 }, { code: "1700", units: 1 }]));
    expect(errors).toHaveLength(1);
    expect(errors[0].pointer).toBe("/lines/1/code");
    expect(errors[0].code).toBe("DR5006");
    expect(errors[0].message).toMatch(/^line 2 code `1700` is malformed: expected a 5-character CPT\/HCPCS code/);
  });

  it("accepts CPT category II/III and HCPCS shapes; lower case is upper-cased, a space inside rejected", () => {
    expect(evaluate(table, claim([{ code: "0591T", units: 1 }, { code: "G0127", units: 1 }, { code: "3008F", units: 1 }])).verdict).toBe("clean");
    // Normalised (runtime/input.ts, docs/hardening.md): case and padding carry no meaning in a code.
    expect(evaluate(table, claim([{ code: "g0127", units: 1 }])).verdict).toBe("clean");
    expect(errorsOf(claim([{ code: "g01 27", units: 1 }]))[0].pointer).toBe("/lines/0/code");
  });

  it("dangling dx pointer → /lines/0/dxPointers/0, DR5008, names the valid range", () => {
    const errors = errorsOf(claim([{ code: "17000", units: 1, dxPointers: [1, 3] }], { diagnoses: ["L57.0", "L82.1"] }));
    expect(errors).toEqual([
      { pointer: "/lines/0/dxPointers/1", code: "DR5008", message: "line 1 dx pointer 3 points past the 2 diagnoses: expected a number from 1 to 2" },
    ]);
  });

  it("no date of service → /serviceDate, DR5009", () => {
    const c = claim([{ code: "17000", units: 1 }, { code: "17003", units: 1, serviceDate: "2024-05-15" }]);
    delete c.serviceDate;
    expect(errorsOf(c)).toEqual([
      { pointer: "/serviceDate", code: "DR5009", message: "line 1 has no date of service: expected a claim `serviceDate` or a `serviceDate` on every line (`YYYY-MM-DD`)" },
    ]);
    const none = claim([{ code: "17000", units: 1 }]);
    delete none.serviceDate;
    expect(errorsOf(none)[0].message).toMatch(/^no line has a date of service: /);
    // All lines dated: valid without a claim date.
    const ok = claim([{ code: "17000", units: 1, serviceDate: "2024-05-15" }]);
    delete ok.serviceDate;
    expect(evaluate(table, ok).verdict).toBe("clean");
  });

  it("a date that is not on the calendar → DR5010 at its pointer", () => {
    expect(errorsOf(claim([{ code: "17000", units: 1 }], { serviceDate: "2026-02-30" }))).toEqual([
      { pointer: "/serviceDate", code: "DR5010", message: "serviceDate `2026-02-30` is not a calendar date: expected a real date `YYYY-MM-DD`" },
    ]);
    expect(errorsOf(claim([{ code: "17000", units: 1, serviceDate: "2024-13-01" }]))[0].pointer).toBe("/lines/0/serviceDate");
    expect(errorsOf(claim([{ code: "17000", units: 1 }], { patient: { birthDate: "1951-02-29" } }))[0].pointer).toBe("/patient/birthDate");
    expect(errorsOf(claim([{ code: "17000", units: 1 }], { serviceDate: "15/05/2024" }))[0]).toMatchObject({ pointer: "/serviceDate", code: "DR5006" });
  });

  it("missing required fields point at the field", () => {
    expect(errorsOf({ diagnoses: ["L57.0"], lines: [{ code: "17000", units: 1 }], serviceDate: "2024-05-15" })[0]).toEqual({
      pointer: "/id",
      code: "DR5003",
      message: "the claim has no `id`: expected a non-blank string",
    });
    expect(errorsOf(claim([{ code: "17000" }]))[0]).toMatchObject({ pointer: "/lines/0/units", code: "DR5003" });
  });

  it("reports every schema error at once, and keeps the claim id", () => {
    const r = evaluate(table, claim([{ code: "1700", units: 0, modifiers: ["25", "59", "XS", "XU", "LT"] }], { placeOfService: "1", diagnoses: ["not-a-dx"] }));
    expect(r.verdict).toBe("invalid");
    const inv = r as InvalidResult;
    expect(inv.claimId).toBe("C1");
    expect(inv.errors.map((e) => e.pointer).sort()).toEqual(["/diagnoses/0", "/lines/0/code", "/lines/0/modifiers", "/lines/0/units", "/placeOfService"]);
  });

  it("counts: 0 or 51 lines, 13 diagnoses, 5 pointers", () => {
    expect(errorsOf(claim([]))[0]).toMatchObject({ pointer: "/lines", code: "DR5005" });
    expect(errorsOf(claim(Array.from({ length: 51 }, () => ({ code: "17000", units: 1 }))))[0].message).toBe("lines has 51 items: expected a list of 1 to 50 lines");
    expect(errorsOf(claim([{ code: "17000", units: 1 }], { diagnoses: Array(13).fill("L57.0") }))[0].pointer).toBe("/diagnoses");
    expect(errorsOf(claim([{ code: "17000", units: 1, dxPointers: [1, 1, 1, 1, 1] }]))[0].pointer).toBe("/lines/0/dxPointers");
  });

  it("a record that is not an object is invalid with claimId null", () => {
    for (const v of [null, 3, "x", [1], true]) {
      const r = evaluate(table, v);
      expect(r).toMatchObject({ claimId: null, verdict: "invalid", findings: [] });
      expect((r as InvalidResult).errors[0]).toMatchObject({ pointer: "", code: "DR5002" });
    }
  });
});

describe("evaluateJsonText", () => {
  it("bad JSON → invalid record with the line number and pointer ''", () => {
    const r = evaluateJsonText(table, '{"id": "X", ', 7);
    expect(r).toMatchObject({ claimId: null, line: 7, verdict: "invalid", findings: [] });
    const e = (r as InvalidResult).errors;
    expect(e).toHaveLength(1);
    expect(e[0].pointer).toBe("");
    expect(e[0].code).toBe("DR5001");
    expect(e[0].message).toMatch(/^the record is not valid JSON \(.*\): expected one claim object per line$/);
  });

  it("valid JSON but invalid claim keeps the id and the line number", () => {
    const r = evaluateJsonText(table, JSON.stringify(claim([{ code: "17000", units: 0 }], { id: "X" })), 2);
    expect(r).toMatchObject({ claimId: "X", line: 2, verdict: "invalid" });
    expect((r as InvalidResult).errors[0].pointer).toBe("/lines/0/units");
  });

  it("JSON that is not an object is invalid", () => {
    expect(evaluateJsonText(table, "[1,2]", 1)).toMatchObject({ claimId: null, line: 1, verdict: "invalid" });
  });

  it("a valid record evaluates like evaluate()", () => {
    const c = claim([{ code: "17000", units: 1 }]);
    expect(evaluateJsonText(table, JSON.stringify(c), 1)).toEqual(evaluate(table, c));
  });
});

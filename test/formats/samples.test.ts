/**
 * The sample files of ../shared/data/samples (copied byte for byte to test/fixtures/samples):
 * the synthetic 837P and its FHIR twin import to the same claim, the HL7 spec example maps as
 * documented, and the broken imsweb file gives positioned diagnostics instead of an exception.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createRecordEvaluator, importFhirText, importX12Text, type ImportedRecord, type ImportEvent } from "../../formats/index.ts";
import { loadTable, type LoadedTable } from "../../runtime/index.ts";
import { REPO_ROOT, runCli, tempDir } from "../support/cli.ts";

const SAMPLES = path.join(REPO_ROOT, "test/fixtures/samples");
const read = (rel: string): string => fs.readFileSync(path.join(SAMPLES, rel), "utf8");
const records = (evs: ImportEvent[]): ImportedRecord[] => evs.filter((e): e is ImportedRecord => e.kind === "record");
const diagnostics = (evs: ImportEvent[]) => evs.flatMap((e) => (e.kind === "diagnostic" ? [e.diagnostic] : []));

let table: LoadedTable;
beforeAll(async () => {
  const out = path.join(tempDir(), "table.json");
  const r = await runCli(["compile", "rules", "-o", out]);
  expect(r.code).toBe(0);
  const loaded = loadTable(fs.readFileSync(out, "utf8"));
  if (!loaded.ok) throw new Error(loaded.errors[0]!.message);
  table = loaded.table;
}, 120_000);

describe("the sample copies", () => {
  it("are byte for byte the files SAMPLES.md lists", () => {
    const listed = [...read("SAMPLES.md").matchAll(/^([0-9a-f]{64})  (\S+)$/gm)];
    expect(listed).toHaveLength(4);
    for (const [, sha, rel] of listed) {
      expect(crypto.createHash("sha256").update(fs.readFileSync(path.join(SAMPLES, rel!))).digest("hex"), rel).toBe(sha);
    }
  });
});

describe("derm-synthetic-837p.edi", () => {
  const evs = importX12Text(read("x12/derm-synthetic-837p.edi"));

  it("imports two clean records and no diagnostic", () => {
    expect(diagnostics(evs)).toEqual([]);
    expect(records(evs).map((r) => [r.claimId, r.errors.length])).toEqual([
      ["DERM-0001", 0],
      ["DERM-0002", 0],
    ]);
  });

  it("maps DERM-0001 as SAMPLES.md describes it", () => {
    const c = records(evs)[0]!.claim as any;
    expect(c).toMatchObject({
      id: "DERM-0001",
      payer: "cms", // SBR09 MB through the default payer map
      serviceDate: "2026-10-15",
      placeOfService: "11",
      provider: { npi: "1234567893", name: "EXAMPLE DERMATOLOGY GROUP" }, // 2010AA: no 2310B in the file
      patient: { sex: "F", birthDate: "1951-04-02" },
      diagnoses: ["D48.5", "L57.0", "L82.1"], // ABK/ABF, dots restored
    });
    expect(c.lines.map((l: any) => [l.code, l.modifiers ?? [], l.units, l.dxPointers, l.charge])).toEqual([
      ["99214", ["25"], 1, [1, 2, 3], 180],
      ["11102", [], 1, [1], 150],
      ["11103", [], 1, [1], 80],
      ["17000", [], 1, [2], 120],
      ["17003", [], 3, [2], 102],
    ]);
    // Total 632.00 as CLM02 says.
    expect(c.lines.reduce((s: number, l: any) => s + l.charge, 0)).toBe(632);
  });

  it("maps DERM-0002: the patient loop 2000C and a commercial payer kept by name", () => {
    const c = records(evs)[1]!.claim as any;
    expect(c.patient).toEqual({ sex: "M", birthDate: "1980-07-15" });
    expect(c.payer).toBe("EXAMPLE COMMERCIAL PLAN");
    expect(c.diagnoses).toEqual(["C44.311"]);
    expect(c.lines.map((l: any) => l.code)).toEqual(["11642", "12052"]);
    expect(c.serviceDate).toBe("2026-10-16");
  });

  it("finds what SAMPLES.md says: the 11102/17000 PTP edit on line 4, and 25 clears the E/M pairs", () => {
    const evaluateRecord = createRecordEvaluator(table);
    const [r1, r2] = records(evs).map(evaluateRecord);
    expect(r1!.verdict).toBe("deny");
    const ptp = r1!.findings.find((f) => f.rule === "cms.ptp.11102.17000");
    expect(ptp).toMatchObject({ category: "ptp", severity: "error", lines: [4], related: [2] });
    expect(r1!.findings.filter((f) => f.rule.startsWith("cms.ptp.") && f.rule.endsWith(".99214"))).toEqual([]);
    expect(r2!.verdict).not.toBe("invalid");
  });
});

describe("derm-synthetic-claim.fhir.json, the FHIR twin", () => {
  it("imports to the same claim as DERM-0001 of the 837P (the FHIR file names no NPI)", () => {
    const [fromX12] = records(importX12Text(read("x12/derm-synthetic-837p.edi")));
    const fevs = importFhirText(read("fhir/derm-synthetic-claim.fhir.json"));
    expect(diagnostics(fevs)).toEqual([]);
    const [fromFhir] = records(fevs);
    const { provider: px, ...x12 } = fromX12!.claim as any;
    const { provider: pf, ...fhir } = fromFhir!.claim as any;
    expect(fhir).toEqual(x12);
    expect(JSON.stringify(fhir)).toBe(JSON.stringify(x12)); // same key order too
    expect(pf.name.toUpperCase()).toBe(px.name);
    expect(pf.npi).toBeUndefined();
  });

  it("gives the same findings as the 837P claim", () => {
    const evaluate = (ev: ImportedRecord) => createRecordEvaluator(table)(ev);
    const a = evaluate(records(importX12Text(read("x12/derm-synthetic-837p.edi")))[0]!);
    const b = evaluate(records(importFhirText(read("fhir/derm-synthetic-claim.fhir.json")))[0]!);
    expect(b).toEqual(a);
  });
});

describe("claim-example-cms1500-medical.json, the HL7 spec example", () => {
  const evs = importFhirText(read("fhir/claim-example-cms1500-medical.json"));

  it("maps diagnosis sequences to pointers, item POS to the claim, net to the charge, and a missing quantity to 1", () => {
    const [rec] = records(evs);
    expect(rec!.errors).toEqual([]);
    expect(rec!.claim).toEqual({
      id: "MED-00050",
      payer: "Humana Inc.",
      serviceDate: "2015-10-13",
      placeOfService: "24",
      patient: { sex: "F", birthDate: "1954-06-11" },
      diagnoses: ["M96.1", "G89.4", "M53.88", "M47.816"],
      lines: [{ code: "62264", units: 1, dxPointers: [2, 4], charge: 12500 }],
    });
  });

  it("warns that the claim is institutional and that Organization/1 is not in the file", () => {
    const d = diagnostics(evs);
    expect(d.map((x) => [x.code, x.severity, x.element])).toEqual([
      ["DR5207", "warning", "Claim.type"],
      ["DR5208", "warning", "Claim.provider"],
    ]);
  });
});

describe("imsweb-x12_valid.txt, the broken file", () => {
  const text = read("x12/imsweb-x12_valid.txt");

  it("never throws and still yields one record per CLM", () => {
    const evs = importX12Text(text);
    expect(records(evs).map((r) => r.claimId)).toEqual(["A37YH556", "A37YH667"]);
  });

  it("reports the ICD-9 qualifiers and the split composites of HI with segment, element, line and column", () => {
    const [first] = records(importX12Text(text));
    expect(first!.errors.map((e) => [e.code, e.segment, e.element, e.line, e.column])).toEqual([
      ["DR5121", 23, "HI01", 23, 4], // BK and 8901 in separate elements
      ["DR5122", 23, "HI01", 23, 4], // BK is ICD-9
      ["DR5121", 23, "HI03", 23, 12],
      ["DR5122", 23, "HI03", 23, 12],
      ["DR5122", 23, "HI05", 23, 21], // BF:5559
    ]);
    for (const e of first!.errors) {
      expect(e.pointer).toBe("/diagnoses");
      expect(e.message).toMatch(/\(at segment 23 `HI`, `HI0\d`, line 23, column \d+\)$/);
    }
  });

  it("reports the SE01 count (25 said, 34 counted), the repeated HL id and the broken HL parent", () => {
    const d = diagnostics(importX12Text(text));
    expect(d.find((x) => x.code === "DR5133")).toMatchObject({ severity: "error", segment: 36, segmentId: "SE", element: "SE01", line: 36 });
    expect(d.find((x) => x.code === "DR5133")!.message).toMatch(/`25`.*34/);
    expect(d.find((x) => x.code === "DR5113")).toMatchObject({ severity: "warning", segment: 27, element: "HL01" });
    expect(d.find((x) => x.code === "DR5114")).toMatchObject({ severity: "error", segment: 27, element: "HL02" });
    expect(d.find((x) => x.code === "DR5104")).toMatchObject({ element: "ISA11", line: 1, column: 83 });
  });

  it("turns both claims into invalid results whose errors carry positions, the 6-digit code included", () => {
    const evaluateRecord = createRecordEvaluator(table);
    const results = records(importX12Text(text)).map(evaluateRecord);
    expect(results.map((r) => r.verdict)).toEqual(["invalid", "invalid"]);
    const second = results[1]!;
    if (second.verdict !== "invalid") throw new Error("expected invalid");
    expect(second.line).toBe(31);
    // The runtime's own check of SV101-2, mapped back to the segment.
    expect(second.errors.find((e) => e.pointer === "/lines/0/code")).toMatchObject({ code: "DR5006", segment: 34, element: "SV101-2", line: 34, column: 8 });
    // The claim under the broken HL loop says so.
    expect(second.errors.find((e) => e.code === "DR5114")).toMatchObject({ pointer: "", segment: 27 });
    // Dangling pointers are a consequence of the ICD-9 codes, not reported again.
    expect(second.errors.filter((e) => e.code === "DR5008")).toEqual([]);
  });
});

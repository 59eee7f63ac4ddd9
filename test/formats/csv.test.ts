/**
 * The CSV importer: the documented header and its aliases, quoted fields, claims grouped by
 * consecutive `claim_id`, and problems positioned by line, column and column name.
 */
import { describe, expect, it } from "vitest";
import { CSV_COLUMNS, importCsv, importCsvText } from "../../formats/csv.ts";
import type { ImportedRecord, ImportEvent } from "../../formats/types.ts";
import type { Claim } from "../../runtime/types.ts";

const records = (evs: ImportEvent[]): ImportedRecord[] => evs.filter((e): e is ImportedRecord => e.kind === "record");
const diagnostics = (evs: ImportEvent[]) => evs.flatMap((e) => (e.kind === "diagnostic" ? [e.diagnostic] : []));

describe("the documented header", () => {
  it("reads one claim from several rows, with every column", () => {
    const text = [
      CSV_COLUMNS.join(","),
      "C-1,cms,,2026-10-15,11,1234567893,Example Derm,F,1951-04-02,L57.0;D48.5,,99213,25,1,1,110,,,,",
      "C-1,cms,,2026-10-15,11,1234567893,Example Derm,F,1951-04-02,L57.0;D48.5,2026-10-16,11642,,1,2,410.5,Nose,2.5,,",
      'C-2,,MB,10/16/2026,11,,,,,C44.311,,17000,,1,A,"$1,200.00",,,1,',
    ].join("\n");
    const evs = importCsvText(text);
    expect(diagnostics(evs)).toEqual([]);
    expect(records(evs).map((r) => r.claim)).toEqual([
      {
        id: "C-1",
        payer: "cms",
        serviceDate: "2026-10-15",
        placeOfService: "11",
        provider: { npi: "1234567893", name: "Example Derm" },
        patient: { sex: "F", birthDate: "1951-04-02" },
        diagnoses: ["L57.0", "D48.5"],
        lines: [
          { code: "99213", modifiers: ["25"], units: 1, dxPointers: [1], charge: 110 },
          { code: "11642", units: 1, dxPointers: [2], charge: 410.5, serviceDate: "2026-10-16", facts: { site: "nose", excisedDiameterCm: 2.5 } },
        ],
      },
      // MB → cms through the payer map; MM/DD/YYYY; a CMS-1500 letter pointer; a quoted amount with `$` and a thousands comma.
      {
        id: "C-2",
        payer: "cms",
        serviceDate: "2026-10-16",
        placeOfService: "11",
        diagnoses: ["C44.311"],
        lines: [{ code: "17000", units: 1, dxPointers: [1], charge: 1200, facts: { lesionCount: 1 } }],
      },
    ]);
  });

  it("accepts aliases, dx1…dx12, mod1…mod4, letters as pointers, quoted fields with commas and line breaks", () => {
    const text = 'Claim Number,DOS,CPT,Mod 1,Mod2,Qty,Diagnosis Pointer,DX1,dx2,Amount,Notes\n' + 'A-1,20261015,17003,59,XS,4,AB,L570,D485,"1,360.00","two\nlines, and a ""quote"""\n';
    const evs = importCsvText(text);
    expect(diagnostics(evs)).toEqual([expect.objectContaining({ code: "DR5302", severity: "warning", message: expect.stringContaining("`Notes`") })]);
    expect(records(evs)[0]!.claim).toEqual({
      id: "A-1",
      serviceDate: "2026-10-15",
      diagnoses: ["L57.0", "D48.5"],
      lines: [{ code: "17003", modifiers: ["59", "XS"], units: 4, dxPointers: [1, 2], charge: 1360 }],
    });
  });

  it("takes the separator from the header (tab or semicolon)", () => {
    const tsv = "claim_id\tcode\tunits\tdiagnoses\tservice_date\nT-1\t17000\t1\tL57.0\t2026-10-15\n";
    const semi = "claim_id;code;units;diagnoses;service_date\nT-1;17000;1;L57.0;2026-10-15\n";
    for (const text of [tsv, semi]) {
      expect(records(importCsvText(text)).map((r) => r.claim)).toEqual([{ id: "T-1", serviceDate: "2026-10-15", diagnoses: ["L57.0"], lines: [{ code: "17000", units: 1 }] }]);
    }
  });
});

describe("problems", () => {
  it("stops with a file-level error when the header lacks claim_id or code", () => {
    const evs = importCsvText("id,procedure_description\n1,x\n");
    expect(records(evs)).toEqual([]);
    expect(diagnostics(evs)).toEqual([
      expect.objectContaining({ code: "DR5302", severity: "warning" }),
      expect.objectContaining({ code: "DR5301", severity: "error", line: 1, message: expect.stringContaining("`claim_id` and `code`") }),
    ]);
  });

  it("makes a claim whose rows disagree on a claim-level column invalid, at the row and column", () => {
    const text = "claim_id,service_date,code,units\nX,2026-10-15,17000,1\nX,2026-10-16,17003,2\nY,2026-10-15,17000,1\n";
    const recs = records(importCsvText(text));
    expect(recs.map((r) => r.claimId)).toEqual(["X", "Y"]);
    expect(recs[0]!.errors).toEqual([expect.objectContaining({ code: "DR5304", line: 3, column: 3, element: "service_date" })]);
    expect(recs[1]!.errors).toEqual([]);
  });

  it("gives a row without claim_id its own invalid record", () => {
    const recs = records(importCsvText("claim_id,code\n,17000\nZ,17000\n"));
    expect(recs.map((r) => [r.claimId, r.line, r.errors.map((e) => e.code)])).toEqual([
      [null, 2, ["DR5303"]],
      ["Z", 3, []],
    ]);
  });

  it("reports a quoted field that never closes", () => {
    const evs = importCsvText('claim_id,code,units\nQ,"17000,1\n');
    expect(diagnostics(evs).map((d) => d.code)).toEqual(["DR5305"]);
  });

  it("leaves unparseable values for the runtime, with their cell recorded for the error position", () => {
    const [rec] = records(importCsvText("claim_id,code,units,diagnoses,service_date\nU,17000,two,L57.0,2026-10-15\n"));
    expect((rec!.claim as Claim).lines[0]!.units).toBe("two");
    expect(rec!.positions!.locate("/lines/0/units")).toEqual({ line: 2, column: 9, element: "units" });
  });

  it("streams: the same records from a line stream", async () => {
    const text = "claim_id,code,units\nS,17000,1\nS,17003,2\nT,17110,1\n";
    async function* lines(): AsyncGenerator<string> {
      yield* text.split("\n").slice(0, -1);
    }
    const out: ImportEvent[] = [];
    for await (const e of importCsv(lines())) out.push(e);
    const strip = (evs: ImportEvent[]) => evs.map((e) => (e.kind === "record" ? { ...e, positions: undefined } : e));
    expect(strip(out)).toEqual(strip(importCsvText(text)));
    expect(records(out).map((r) => (r.claim as Claim).lines.length)).toEqual([2, 1]);
  });
});

/**
 * Format sniffing (what `--format` defaults to) and the payer map file.
 */
import { describe, expect, it } from "vitest";
import { parseFormatName, sniffFormat } from "../../formats/sniff.ts";
import { DEFAULT_PAYER_MAP, parsePayerMap, resolvePayer } from "../../formats/payer-map.ts";

describe("sniffFormat", () => {
  it.each([
    ["ISA*00*          *00*", "x.txt", "837"],
    ["\ufeff\n  ISA|00|", undefined, "837"],
    ['{"resourceType":"Claim","id":"1"}', "claim.json", "fhir"],
    ['{\n  "resourceType" : "Bundle"', undefined, "fhir"],
    ['{"id":"CLM-1","diagnoses":["L57.0"]}', "c.json", "json"],
    ['{"id": broken', "b.ndjson", "json"],
    ["claim_id,code,units\nA,17000,1", undefined, "csv"],
    ["Claim Number;CPT;Qty", "export.txt", "csv"],
    ["anything", "claims.csv", "csv"],
    ["anything", "claims.edi", "837"],
    ["anything", "claims.dat", "json"],
    ["", "-", "json"],
  ])("%j (%s) → %s", (head, name, want) => {
    expect(sniffFormat(head, name)).toBe(want);
  });

  it("parses --format names", () => {
    expect(["837", "837P", "x12", "fhir", "CSV", "json", "ndjson", "xml"].map(parseFormatName)).toEqual(["837", "837", "837", "fhir", "csv", "json", "json", undefined]);
  });
});

describe("the payer map", () => {
  it("maps Medicare MB and MA to cms by default and keeps other payers by name, else id", () => {
    expect(resolvePayer(DEFAULT_PAYER_MAP, { filingIndicator: "MB" })).toBe("cms");
    expect(resolvePayer(DEFAULT_PAYER_MAP, { filingIndicator: "ma", payerName: "MEDICARE A" })).toBe("cms");
    expect(resolvePayer(DEFAULT_PAYER_MAP, { filingIndicator: "CI", payerName: "ACME", payerId: "77" })).toBe("ACME");
    expect(resolvePayer(DEFAULT_PAYER_MAP, { filingIndicator: "CI", payerId: "77" })).toBe("77");
    expect(resolvePayer(DEFAULT_PAYER_MAP, {})).toBeUndefined();
  });

  it("lays a file over the defaults; payer id wins over name, name over filing indicator", () => {
    const parsed = parsePayerMap(JSON.stringify({ claimFilingIndicator: { ci: "commercial" }, payers: { "Acme Health": "acme", "77": "acme-77" } }));
    if (!parsed.ok) throw new Error("expected a map");
    const map = parsed.map;
    expect(resolvePayer(map, { filingIndicator: "MB" })).toBe("cms");
    expect(resolvePayer(map, { filingIndicator: "CI", payerName: "ACME HEALTH", payerId: "77" })).toBe("acme-77");
    expect(resolvePayer(map, { filingIndicator: "CI", payerName: "acme health" })).toBe("acme");
    expect(resolvePayer(map, { filingIndicator: "CI", payerName: "Other" })).toBe("commercial");
  });

  it("reports a broken file with DR54xx codes instead of throwing", () => {
    const bad = [
      ["{", "DR5401"],
      ["[]", "DR5402"],
      ['{"payer": {}}', "DR5402"],
      ['{"payers": {"x": 1}}', "DR5402"],
      ['{"payers": []}', "DR5402"],
    ];
    for (const [text, code] of bad) {
      const r = parsePayerMap(text!);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors[0]!.code).toBe(code);
    }
  });
});

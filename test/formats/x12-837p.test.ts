/**
 * The X12 837P importer: delimiters from the fixed ISA positions, streaming segmentation,
 * the loops (2000A/B/C, 2300, 2310B, 2320, 2400), and positioned diagnostics for structural
 * faults, where one broken claim never hides the others.
 */
import { describe, expect, it } from "vitest";
import { importX12, importX12Text, X12Tokenizer, type TokenEvent } from "../../formats/x12-837p.ts";
import type { ImportedRecord, ImportEvent } from "../../formats/types.ts";
import type { Claim } from "../../runtime/types.ts";
import { writeX12 } from "./support/x12-writer.ts";

const records = (evs: ImportEvent[]): ImportedRecord[] => evs.filter((e): e is ImportedRecord => e.kind === "record");
const diagnostics = (evs: ImportEvent[]) => evs.flatMap((e) => (e.kind === "diagnostic" ? [e.diagnostic] : []));

const CLAIM: Claim = {
  id: "C-1",
  payer: "cms",
  serviceDate: "2026-10-15",
  placeOfService: "11",
  provider: { npi: "1234567893", name: "DR A" },
  patient: { sex: "F", birthDate: "1951-04-02" },
  diagnoses: ["L57.0", "D48.5"],
  lines: [
    { code: "17000", units: 1, dxPointers: [1], charge: 120 },
    { code: "17003", modifiers: ["59", "XS"], units: 4, dxPointers: [1, 2], charge: 136 },
  ],
};

const claim = (id: string, extra: Partial<Claim> = {}): Claim => ({ ...CLAIM, id, ...extra });

/** Replaces the n-th (0-based) segment starting with `prefix`. */
function edit(text: string, prefix: string, replacement: string, n = 0): string {
  const segs = text.split("~\n");
  let seen = -1;
  const i = segs.findIndex((s) => s.startsWith(prefix) && ++seen === n);
  if (i < 0) throw new Error(`no segment ${prefix}`);
  segs[i] = replacement;
  return segs.join("~\n");
}

function tokens(text: string, chunk = Infinity): TokenEvent[] {
  const t = new X12Tokenizer();
  const out: TokenEvent[] = [];
  for (let i = 0; i < text.length; i += chunk) t.push(text.slice(i, i + chunk), out);
  t.end(out);
  return out;
}

describe("the tokenizer", () => {
  it("reads the delimiters from ISA positions 3, 82, 104 and 105, whatever they are", () => {
    const text = writeX12([CLAIM], { element: "|", component: ">", segment: "'", newline: false });
    const segs = tokens(text).flatMap((t) => (t.kind === "segment" ? [t.segment] : []));
    expect(segs[0]!.delimiters).toEqual({ element: "|", component: ">", repetition: "^", segment: "'" });
    const sv1 = segs.find((s) => s.id === "SV1")!;
    expect(sv1.elements[1]).toBe("HC>17000");
    expect(records(importX12Text(text))[0]!.claim).toEqual(CLAIM);
  });

  it("reads a newline segment terminator and CR LF line ends", () => {
    const nl = writeX12([CLAIM], { segment: "\n", newline: false });
    expect(records(importX12Text(nl))[0]!.claim).toEqual(CLAIM);
    const crlf = writeX12([CLAIM]).replace(/\n/g, "\r\n");
    expect(records(importX12Text(crlf))[0]!.claim).toEqual(CLAIM);
  });

  it("numbers segments from the ISA and knows their line and column", () => {
    const text = writeX12([CLAIM]);
    const segs = tokens(text).flatMap((t) => (t.kind === "segment" ? [t.segment] : []));
    expect(segs.map((s) => s.index)).toEqual(segs.map((_, i) => i + 1));
    expect(segs.every((s, i) => s.line === i + 1 && s.column === 1)).toBe(true);
    const oneLine = writeX12([CLAIM], { newline: false });
    const flat = tokens(oneLine).flatMap((t) => (t.kind === "segment" ? [t.segment] : []));
    expect(flat[1]!.column).toBe(107); // GS right after the 106-character ISA
  });

  it("gives the same segments however the text is cut into chunks", () => {
    const text = writeX12([CLAIM, claim("C-2")], { newline: false });
    const whole = JSON.stringify(tokens(text));
    for (const size of [1, 2, 3, 7, 64, 105, 106, 107, 500]) expect(JSON.stringify(tokens(text, size)), `chunk ${size}`).toBe(whole);
  });

  it("re-reads delimiters at each interchange", () => {
    const a = writeX12([claim("A-1")]);
    const b = writeX12([claim("B-1")], { element: "|", component: ">", segment: "'" });
    const evs = importX12Text(a + b);
    expect(records(evs).map((r) => r.claimId)).toEqual(["A-1", "B-1"]);
    expect(diagnostics(evs)).toEqual([]);
  });

  it("reports text before the ISA and a last segment without terminator, and goes on", () => {
    const text = "garbage\n" + writeX12([CLAIM]).replace(/~\n$/, "");
    const evs = importX12Text(text);
    expect(diagnostics(evs).map((d) => [d.code, d.line])).toEqual([
      ["DR5101", 1],
      ["DR5102", expect.any(Number)],
    ]);
    expect(records(evs)[0]!.claim).toEqual(CLAIM);
  });

  it("falls back to ISA16 when the ISA is not fixed width, with an error", () => {
    const text = writeX12([CLAIM]).replace("*DERMRULESTEST  *", "*DERMRULESTEST*");
    const evs = importX12Text(text);
    expect(diagnostics(evs).map((d) => d.code)).toEqual(["DR5103"]);
    expect(records(evs)[0]!.claim).toEqual(CLAIM);
  });
});

describe("the loops", () => {
  it("reads several claims per transaction and several transactions per file", () => {
    const claims = Array.from({ length: 7 }, (_, i) => claim(`C-${i}`));
    const text = writeX12(claims, { claimsPerTransaction: 3 });
    expect(text.match(/^ST\*/gm)).toHaveLength(3);
    const evs = importX12Text(text);
    expect(diagnostics(evs)).toEqual([]);
    expect(records(evs).map((r) => r.claim)).toEqual(claims);
  });

  it("takes the patient from 2000C when there is one, and the subscriber's DMG otherwise", () => {
    const text = writeX12([CLAIM]).replace(
      "HL*2*1*22*0~\n",
      "HL*2*1*22*1~\n",
    ).replace("CLM*C-1", "HL*3*2*23*0~\nPAT*19~\nNM1*QC*1*ROE*SAM~\nDMG*D8*19800715*M~\nCLM*C-1");
    const [rec] = records(importX12Text(text));
    expect((rec!.claim as Claim).patient).toEqual({ sex: "M", birthDate: "1980-07-15" });
  });

  it("prefers the 2310B rendering provider and falls back to the 2010AA billing provider", () => {
    const billing = { npi: "1999999992", name: "BILLING GROUP" };
    const withRendering = records(importX12Text(writeX12([CLAIM], { billingProvider: billing })))[0]!.claim as Claim;
    expect(withRendering.provider).toEqual(CLAIM.provider);
    const { provider: _, ...noProvider } = CLAIM;
    const fallback = records(importX12Text(writeX12([noProvider as Claim], { billingProvider: billing })))[0]!.claim as Claim;
    expect(fallback.provider).toEqual(billing);
  });

  it("ignores the NM1s of 2320/2330 other-payer loops and of 2420 line loops", () => {
    let text = writeX12([CLAIM]);
    text = text.replace("LX*1~", "SBR*S*18*******CI~\nNM1*IL*1*OTHER*SUB~\nNM1*PR*2*OTHER PAYER*****PI*123~\nNM1*82*1*WRONG*PROVIDER****XX*1111111116~\nLX*1~");
    text = text.replace("LX*2~", "NM1*82*1*LINE*RENDERING****XX*2222222228~\nLX*2~");
    const [rec] = records(importX12Text(text));
    expect(rec!.errors).toEqual([]);
    expect(rec!.claim).toEqual(CLAIM);
  });

  it("maps the payer: MB/MA to cms by default, a payer map entry by payer id or name, else the payer's name", () => {
    const commercial = writeX12([claim("C-9", { payer: "ACME HEALTH" })]);
    expect((records(importX12Text(commercial))[0]!.claim as Claim).payer).toBe("ACME HEALTH");
    const mapped = importX12Text(commercial, { payerMap: { claimFilingIndicator: { MB: "cms" }, payers: { "99999": "acme-health" } } });
    expect((records(mapped)[0]!.claim as Claim).payer).toBe("acme-health");
    const ma = writeX12([CLAIM]).replace("*******MB~", "*******MA~");
    expect((records(importX12Text(ma))[0]!.claim as Claim).payer).toBe("cms");
  });

  it("takes the first day of an RD8 range and keeps a line date that differs from the claim's", () => {
    let text = writeX12([CLAIM]);
    text = edit(text, "DTP*472", "DTP*472*RD8*20261015-20261017", 0);
    text = edit(text, "DTP*472", "DTP*472*D8*20261020", 1);
    const c = records(importX12Text(text))[0]!.claim as Claim;
    expect(c.serviceDate).toBe("2026-10-15");
    expect(c.lines[0]!.serviceDate).toBeUndefined();
    expect(c.lines[1]!.serviceDate).toBe("2026-10-20");
  });

  it("warns when CLM02 differs from the sum of the line charges", () => {
    const text = writeX12([CLAIM]).replace("CLM*C-1*256*", "CLM*C-1*999*");
    const d = diagnostics(importX12Text(text));
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ code: "DR5131", severity: "warning", element: "CLM02", claimId: "C-1" });
  });
});

describe("faults", () => {
  const three = (): string => writeX12([claim("OK-1"), claim("BAD"), claim("OK-2")]);

  it.each([
    ["an ICD-9 qualifier", (t: string) => edit(t, "HI", "HI*BK:8901", 1), "DR5122", "/diagnoses"],
    ["a code without qualifier in HI", (t: string) => edit(t, "HI", "HI*L570", 1), "DR5121", "/diagnoses"],
    ["SV101 that is not a composite", (t: string) => edit(t, "SV1", "SV1*17000*120*UN*1***1", 2), "DR5126", "/lines/0/code"],
    ["a non-numeric SV104", (t: string) => edit(t, "SV1", "SV1*HC:17000*120*UN*one***1", 2), "DR5127", "/lines/0/units"],
    ["a bad diagnosis pointer", (t: string) => edit(t, "SV1", "SV1*HC:17000*120*UN*1***A", 2), "DR5128", "/lines/0/dxPointers/0"],
    ["a bad DTP*472 date", (t: string) => edit(t, "DTP*472", "DTP*472*D8*2026101", 2), "DR5129", "/lines/0/serviceDate"],
    ["LX without SV1", (t: string) => edit(t, "SV1", "NTE*ADD*NOTE", 2), "DR5130", "/lines/0"],
    ["an empty CLM01", (t: string) => edit(t, "CLM", "CLM**256***11:B:1*Y*A*Y*Y", 1), "DR5116", "/id"],
    ["CLM05 that is not a composite", (t: string) => edit(t, "CLM", "CLM*BAD*256***11*Y*A*Y*Y", 1), "DR5119", "/placeOfService"],
    ["a malformed segment id", (t: string) => edit(t, "LX", "lx*1", 2), "DR5105", ""],
  ])("%s makes only that claim invalid, with a positioned error", (_, mutate, code, pointer) => {
    const evs = importX12Text(mutate(three()));
    const recs = records(evs);
    expect(recs.map((r) => r.claimId === null || r.claimId === "BAD" ? "broken" : r.claimId)).toEqual(["OK-1", "broken", "OK-2"]);
    expect(recs[0]!.errors).toEqual([]);
    expect(recs[2]!.errors).toEqual([]);
    expect(recs[0]!.claim).toEqual(claim("OK-1"));
    expect(recs[2]!.claim).toEqual(claim("OK-2"));
    const e = recs[1]!.errors.find((x) => x.code === code);
    expect(e, JSON.stringify(recs[1]!.errors)).toBeDefined();
    expect(e!.pointer).toBe(pointer);
    expect(e!.segment).toBeGreaterThan(0);
    expect(e!.line).toBeGreaterThan(0);
    expect(e!.column).toBeGreaterThan(0);
    expect(e!.message).toMatch(/\(at segment \d+/);
  });

  it("reports an unknown segment as a warning and skips it", () => {
    const evs = importX12Text(three().replace("LX*1~", "ZZZ*1~\nLX*1~"));
    expect(diagnostics(evs).map((d) => [d.code, d.severity, d.segmentId])).toEqual([
      ["DR5109", "warning", "ZZZ"],
      ["DR5133", "error", "SE"], // the extra segment is counted: SE01 is now one short
    ]);
    expect(records(evs).every((r) => r.errors.length === 0)).toBe(true);
  });

  it("makes the claims under an unknown HL level or a missing HL parent invalid, and no others", () => {
    const bad = three().replace("HL*3*1*22*0", "HL*3*9*22*0");
    const recs = records(importX12Text(bad));
    expect(recs.map((r) => r.errors.map((e) => e.code))).toEqual([[], ["DR5114"], []]);
    const level = records(importX12Text(three().replace("HL*3*1*22*0", "HL*3*1*21*0")));
    expect(level[1]!.errors.map((e) => e.code)).toContain("DR5115");
  });

  it("checks SE01, SE02, GE01, GE02, IEA01 and IEA02", () => {
    let text = writeX12([CLAIM]);
    text = text.replace(/SE\*(\d+)\*0001/, (_, n) => `SE*${Number(n) + 1}*0002`).replace("GE*1*1", "GE*2*7").replace("IEA*1*000000001", "IEA*3*000000009");
    const d = diagnostics(importX12Text(text));
    expect(d.map((x) => [x.code, x.element])).toEqual([
      ["DR5133", "SE01"],
      ["DR5134", "SE02"],
      ["DR5133", "GE01"],
      ["DR5134", "GE02"],
      ["DR5133", "IEA01"],
      ["DR5134", "IEA02"],
    ]);
    expect(records(importX12Text(text))[0]!.errors).toEqual([]);
  });

  it("marks the last claim of a truncated file invalid and keeps the ones before it", () => {
    const text = three();
    const cut = text.slice(0, text.lastIndexOf("LX*2"));
    const evs = importX12Text(cut);
    const recs = records(evs);
    expect(recs.map((r) => [r.claimId, r.errors.map((e) => e.code)])).toEqual([
      ["OK-1", []],
      ["BAD", []],
      ["OK-2", ["DR5132"]],
    ]);
    expect(diagnostics(evs).map((d) => d.code)).toEqual(["DR5132", "DR5135", "DR5135"]);
  });

  it("skips a transaction set that is not an 837, with an error", () => {
    const text = writeX12([CLAIM]).replace("ST*837*", "ST*835*");
    const evs = importX12Text(text);
    expect(records(evs)).toEqual([]);
    expect(diagnostics(evs)[0]).toMatchObject({ code: "DR5108", element: "ST01" });
  });

  it("never throws on arbitrary text", () => {
    for (const text of ["", "ISA", "ISA*", "~~~", "ISA*00*".padEnd(200, "*"), "\u0000\u0001ISA", writeX12([CLAIM]).slice(0, 150)]) {
      expect(() => importX12Text(text)).not.toThrow();
    }
  });
});

describe("streaming", () => {
  it("yields each claim before the input ends", async () => {
    const text = writeX12([claim("S-1"), claim("S-2"), claim("S-3")]);
    const cut = text.indexOf("~", text.indexOf("HL*3")) + 1; // the first claim's loop closes with this HL
    let released: (() => void) | undefined;
    const gate = new Promise<void>((resolve) => (released = resolve));
    async function* chunks(): AsyncGenerator<string> {
      yield text.slice(0, cut);
      await gate;
      yield text.slice(cut);
    }
    const seen: string[] = [];
    for await (const ev of importX12(chunks())) {
      if (ev.kind === "record") {
        seen.push(ev.claimId!);
        if (seen.length === 1) released!();
      }
    }
    expect(seen).toEqual(["S-1", "S-2", "S-3"]);
  });
});

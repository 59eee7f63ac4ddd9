/**
 * Test helper: writes claims as X12 837P (005010X222A1) text, the inverse of the importer for
 * the fields a claim carries. Used by the round-trip property (claim → 837P → claim is the
 * identity) and by the generator of large files for the memory measurements. Streaming: call
 * `begin`, `claim` per claim, `end`, and write each returned string out.
 *
 * Layout per claim: one 2000B subscriber loop (patient = subscriber) with SBR (SBR09 `MB` for
 * payer `cms`, `CI` for a named payer, `ZZ` for none), 2010BA with DMG, 2010BB payer, then
 * 2300 CLM + HI, 2310B rendering provider (the claim's provider), and one 2400 loop per line
 * (LX, SV1, DTP*472).
 */
import type { Claim } from "../../../runtime/types.ts";

export interface X12WriterOptions {
  /** Segment terminator (default `~`). */
  segment?: string;
  element?: string;
  component?: string;
  /** Line break after each segment (default true). */
  newline?: boolean;
  /** Claims per ST/SE transaction (default 5000, as clearinghouses limit them). */
  claimsPerTransaction?: number;
  /** Billing provider of the 2000A loop (default: none, so claims keep exactly their own provider). */
  billingProvider?: { npi?: string; name?: string };
}

function pad(s: string, n: number): string {
  return s.length >= n ? s.slice(0, n) : s + " ".repeat(n - s.length);
}

/** Writes 837P text, claim by claim. */
export class X12Writer {
  private readonly e: string;
  private readonly c: string;
  private readonly t: string;
  private readonly per: number;
  private readonly billing: { npi?: string; name?: string } | undefined;
  private inTx = 0;
  private segs = 0;
  private tx = 0;
  private hl = 0;

  constructor(opts: X12WriterOptions = {}) {
    this.e = opts.element ?? "*";
    this.c = opts.component ?? ":";
    this.t = (opts.segment ?? "~") + (opts.newline === false ? "" : "\n");
    this.per = opts.claimsPerTransaction ?? 5000;
    this.billing = opts.billingProvider;
  }

  private seg(...els: string[]): string {
    // Trailing empty elements are dropped, as X12 writers do.
    let n = els.length;
    while (n > 1 && els[n - 1] === "") n--;
    if (this.inTx > 0 || els[0] === "ST") this.segs++;
    return els.slice(0, n).join(this.e) + this.t;
  }

  /** ISA and GS. */
  begin(): string {
    const e = this.e;
    // ISA11, the repetition separator, must differ from the other delimiters.
    const rep = ["^", "{", "!"].find((x) => x !== e && x !== this.c && !this.t.startsWith(x))!;
    const isa = ["ISA", "00", pad("", 10), "00", pad("", 10), "ZZ", pad("DERMRULESTEST", 15), "ZZ", pad("RECEIVER", 15), "261016", "1200", rep, "00501", "000000001", "0", "T", this.c].join(e);
    return isa + this.t + this.seg("GS", "HC", "DERMRULESTEST", "RECEIVER", "20261016", "1200", "1", "X", "005010X222A1");
  }

  private openTx(): string {
    this.tx++;
    this.segs = 0;
    this.hl = 0;
    let out = this.seg("ST", "837", String(this.tx).padStart(4, "0"), "005010X222A1");
    this.inTx = 1;
    out += this.seg("BHT", "0019", "00", `T${this.tx}`, "20261016", "1200", "CH");
    out += this.seg("NM1", "41", "2", "DERMRULES TEST", "", "", "", "", "46", "SUB0001");
    out += this.seg("PER", "IC", "TEST DESK", "TE", "5555550100");
    out += this.seg("NM1", "40", "2", "RECEIVER", "", "", "", "", "46", "RCV0001");
    out += this.seg("HL", String(++this.hl), "", "20", "1");
    const b = this.billing;
    out += this.seg("NM1", "85", "2", b?.name ?? "", "", "", "", "", b?.npi ? "XX" : "", b?.npi ?? "");
    return out;
  }

  private closeTx(): string {
    const count = this.segs + 1;
    const out = this.seg("SE", String(count), String(this.tx).padStart(4, "0"));
    this.inTx = 0;
    return out;
  }

  /** One claim (opens and closes transactions as needed). */
  claim(c: Claim): string {
    let out = "";
    if (this.inTx >= this.per + 1) out += this.closeTx();
    if (this.inTx === 0) out += this.openTx();
    this.inTx++;
    const e = this.c;
    const payer = c.payer;
    out += this.seg("HL", String(++this.hl), "1", "22", "0");
    out += this.seg("SBR", "P", "18", "", "", "", "", "", "", payer === undefined ? "ZZ" : payer === "cms" ? "MB" : "CI");
    out += this.seg("NM1", "IL", "1", "DOE", "PAT", "", "", "", "MI", "M000000");
    if (c.patient) out += this.seg("DMG", "D8", c.patient.birthDate ? c.patient.birthDate.replace(/-/g, "") : "", c.patient.sex ?? "");
    if (payer !== undefined && payer !== "cms") out += this.seg("NM1", "PR", "2", payer, "", "", "", "", "PI", "99999");
    else if (payer === "cms") out += this.seg("NM1", "PR", "2", "MEDICARE PART B", "", "", "", "", "PI", "00000");
    const total = c.lines.reduce((s, l) => s + (l.charge ?? 0), 0);
    out += this.seg("CLM", c.id, String(Math.round(total * 100) / 100), "", "", [c.placeOfService ?? "11", "B", "1"].join(e), "Y", "A", "Y", "Y");
    out += this.seg("HI", ...c.diagnoses.map((d, i) => `${i === 0 ? "ABK" : "ABF"}${e}${d.replace(/\./g, "")}`));
    if (c.provider) out += this.seg("NM1", "82", "2", c.provider.name ?? "", "", "", "", "", c.provider.npi ? "XX" : "", c.provider.npi ?? "");
    c.lines.forEach((l, i) => {
      out += this.seg("LX", String(i + 1));
      out += this.seg(
        "SV1",
        ["HC", l.code, ...(l.modifiers ?? [])].join(e),
        l.charge === undefined ? "" : String(l.charge),
        "UN",
        String(l.units),
        "",
        "",
        (l.dxPointers ?? []).join(e),
      );
      const date = l.serviceDate ?? c.serviceDate;
      if (date !== undefined) out += this.seg("DTP", "472", "D8", date.replace(/-/g, ""));
    });
    return out;
  }

  /** SE (if open), GE, IEA. */
  end(): string {
    let out = "";
    if (this.inTx > 0) out += this.closeTx();
    out += this.seg("GE", String(this.tx), "1");
    out += this.seg("IEA", "1", "000000001");
    return out;
  }
}

/** All claims as one 837P text. */
export function writeX12(claims: readonly Claim[], opts: X12WriterOptions = {}): string {
  const w = new X12Writer(opts);
  return w.begin() + claims.map((c) => w.claim(c)).join("") + w.end();
}

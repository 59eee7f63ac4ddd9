/**
 * X12 837P (005010X222A1) → claim JSON, streaming.
 *
 * Two stages, both push-driven so memory stays flat however long the file is:
 * - `X12Tokenizer` cuts text chunks into segments. Delimiters come from the fixed positions of
 *   the 106-character `ISA` (element separator at 3, repetition at 82, component at 104,
 *   segment terminator at 105), read again at every interchange. Each segment keeps its
 *   ordinal in the file (ISA = 1), line and column, for diagnostics.
 * - `X12ClaimAssembler` walks the loops (2000A billing provider, 2000B subscriber with
 *   2010BA/2010BB, 2000C patient, 2300 claim, 2310B rendering provider, 2320/2330 other
 *   payers, 2400 service line) and yields one record per `CLM`, as soon as the claim's loop
 *   closes. Only the open hierarchy (one billing provider, subscriber, patient) and the open
 *   claim are held.
 *
 * A problem inside a claim (ICD-9 qualifier, malformed composite, SV1 without LX, a claim in a
 * broken HL loop) goes into that claim's record as a positioned error; envelope problems
 * (SE01/GE01/IEA01 counts, control numbers, missing trailers) are file-level diagnostics. So
 * one broken claim never hides the others. Values are converted mechanically (CCYYMMDD →
 * CCYY-MM-DD, `L570` → `L57.0`); what they must look like is the runtime's check, and its
 * errors are mapped back to the segment through the record's `positions`.
 *
 * Codes: DR5101–DR5139 (see docs/formats.md).
 */
import { dotIcd10, finishClaim, parseAmount, parseDecimal, type ClaimDraft, type LineDraft } from "./claim-build.ts";
import { DEFAULT_PAYER_MAP, resolvePayer, type PayerMap } from "./payer-map.ts";
import {
  PointerMap,
  detach,
  positionedError,
  positionOnly,
  type ImportDiagnostic,
  type ImportEvent,
  type PositionedInputError,
  type SourcePosition,
} from "./types.ts";

/** The four delimiters of an interchange. `repetition` is null when ISA11 holds a letter or digit (pre-5010 `U`). */
export interface X12Delimiters {
  element: string;
  component: string;
  repetition: string | null;
  segment: string;
}

/** One segment. `elements[0]` is the segment id; `elements[n]` is element n (`SV1`'s `elements[1]` is SV101). */
export interface X12Segment {
  id: string;
  elements: string[];
  /** Ordinal in the file, 1-based (the first ISA is 1). */
  index: number;
  line: number;
  column: number;
  /** The segment's text without its terminator (element columns are worked out from it on demand). */
  raw: string;
  delimiters: X12Delimiters;
}

/** What the tokenizer emits. */
export type TokenEvent = { kind: "segment"; segment: X12Segment } | { kind: "diagnostic"; diagnostic: ImportDiagnostic };

/** 0-based offsets of the 16 element separators of a fixed-width ISA. */
const ISA_SEPARATORS = [3, 6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103];
const ISA_LENGTH = 106;

/**
 * Cuts a stream of text chunks into X12 segments. Push chunks with `push`, then call `end`.
 * Whitespace between segments (line breaks after `~`) is skipped.
 */
export class X12Tokenizer {
  private buf = "";
  private pos = 0;
  /** Line and column of `buf[pos]`. */
  private line = 1;
  private col = 1;
  private delims: X12Delimiters | null = null;
  private count = 0;
  private junkAt: SourcePosition | null = null;

  /** Adds a chunk and emits every segment it completes. */
  push(chunk: string, out: TokenEvent[]): void {
    this.buf = this.pos > 0 ? this.buf.slice(this.pos) + chunk : this.buf + chunk;
    this.pos = 0;
    this.drain(out, false);
  }

  /** Emits what is left (a final segment without a terminator gets a warning). */
  end(out: TokenEvent[]): void {
    this.drain(out, true);
    this.buf = "";
    this.pos = 0;
  }

  private drain(out: TokenEvent[], final: boolean): void {
    for (;;) {
      this.skipWhitespace();
      const { buf, pos } = this;
      if (pos >= buf.length) return;
      if (this.delims === null) {
        if (buf.startsWith("ISA", pos)) {
          if (buf.length - pos < ISA_LENGTH && !final) return;
          this.flushJunk(out);
          this.readIsa(out);
          continue;
        }
        if (!final && buf.length - pos < 3) return;
        // Text where an interchange should start: report it once per stretch, skip to the next ISA.
        if (this.junkAt === null) this.junkAt = { line: this.line, column: this.col };
        const next = buf.indexOf("ISA", pos + 1);
        if (next < 0) {
          const keep = final ? buf.length : Math.max(pos, buf.length - 2);
          this.advance(keep);
          if (final) this.flushJunk(out);
          return;
        }
        this.advance(next);
        continue;
      }
      const term = buf.indexOf(this.delims.segment, pos);
      if (term < 0) {
        if (!final) return;
        const raw = buf.slice(pos).replace(/\s+$/, "");
        const seg = this.makeSegment(raw);
        out.push({ kind: "segment", segment: seg });
        out.push({
          kind: "diagnostic",
          diagnostic: diag("DR5102", "warning", `the last segment \`${seg.id}\` has no segment terminator \`${printable(this.delims.segment)}\`: the file may be truncated`, segPos(seg)),
        });
        this.advance(buf.length);
        return;
      }
      let raw = buf.slice(pos, term);
      if (this.delims.segment === "\n" && raw.endsWith("\r")) raw = raw.slice(0, -1);
      const seg = this.makeSegment(raw);
      out.push({ kind: "segment", segment: seg });
      this.advance(term + 1);
      if (seg.id === "IEA") this.delims = null;
    }
  }

  private flushJunk(out: TokenEvent[]): void {
    if (this.junkAt === null) return;
    out.push({
      kind: "diagnostic",
      diagnostic: diag("DR5101", "error", "text that is not part of an interchange: an X12 file starts each interchange with `ISA`", this.junkAt),
    });
    this.junkAt = null;
  }

  private readIsa(out: TokenEvent[]): void {
    const { buf, pos } = this;
    const at: SourcePosition = { segment: this.count + 1, segmentId: "ISA", line: this.line, column: this.col };
    const e = buf[pos + 3] ?? "*";
    const fixed = buf.length - pos >= ISA_LENGTH && !/[A-Za-z0-9 ]/.test(e) && ISA_SEPARATORS.every((i) => buf[pos + i] === e);
    let end: number;
    let component: string;
    let segment: string;
    let repetition: string | null;
    if (fixed) {
      repetition = buf[pos + 82]!;
      component = buf[pos + 104]!;
      segment = buf[pos + 105]!;
      end = pos + 105;
    } else {
      // Not fixed width: find ISA16 by counting separators; the character after it ends the segment.
      let i = pos + 3;
      let seen = 0;
      while (i < buf.length && seen < 16) {
        if (buf[i] === e) seen++;
        i++;
      }
      component = buf[i] ?? ":";
      segment = buf[i + 1] ?? "~";
      end = Math.min(i + 1, buf.length);
      const fields = buf.slice(pos, end).split(e);
      repetition = fields[11]?.length === 1 ? fields[11] : null;
      out.push({
        kind: "diagnostic",
        diagnostic: diag(
          "DR5103",
          "error",
          `\`ISA\` is not 106 characters with fixed-width fields: delimiters were taken from ISA16 (\`${printable(component)}\`) and the character after it (\`${printable(segment)}\`)`,
          at,
        ),
      });
    }
    if (repetition !== null && /[A-Za-z0-9]/.test(repetition)) {
      const version = buf.slice(pos, end).split(e)[12] ?? "";
      if (version >= "00501") {
        out.push({
          kind: "diagnostic",
          diagnostic: diag("DR5104", "warning", `ISA11 \`${repetition}\` is not a repetition separator (005010 puts one there, such as \`^\`)`, { ...at, element: "ISA11", column: this.col + 82 }),
        });
      }
      repetition = null;
    }
    const set = [e, component, segment];
    if (new Set(set).size !== set.length || (repetition !== null && set.includes(repetition))) {
      out.push({
        kind: "diagnostic",
        diagnostic: diag("DR5103", "error", `the ISA delimiters are not distinct (element \`${printable(e)}\`, component \`${printable(component)}\`, segment \`${printable(segment)}\`)`, at),
      });
    }
    this.delims = { element: e, component, repetition, segment };
    const raw = buf.slice(pos, end);
    out.push({ kind: "segment", segment: this.makeSegment(raw) });
    this.advance(Math.min(end + 1, buf.length));
  }

  private makeSegment(raw: string): X12Segment {
    const d = this.delims as X12Delimiters;
    const elements = raw.split(d.element);
    return { id: elements[0] ?? "", elements, index: ++this.count, line: this.line, column: this.col, raw, delimiters: d };
  }

  private skipWhitespace(): void {
    const { buf } = this;
    let i = this.pos;
    while (i < buf.length) {
      const c = buf.charCodeAt(i);
      // A segment terminator that is itself whitespace (newline) must not be skipped as padding twice: harmless, an empty segment is nothing.
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
    if (i !== this.pos) this.advance(i);
  }

  /** Moves `pos` to `to`, keeping line and column (a plain loop: indexOf would rescan long single-line files). */
  private advance(to: number): void {
    const { buf } = this;
    let line = this.line;
    let col = this.col;
    for (let i = this.pos; i < to; i++) {
      if (buf.charCodeAt(i) === 10) {
        line++;
        col = 1;
      } else col++;
    }
    this.line = line;
    this.col = col;
    this.pos = to;
  }
}

function printable(c: string): string {
  return c === "\n" ? "\\n" : c === "\r" ? "\\r" : c === "\t" ? "\\t" : c;
}

function diag(code: string, severity: "error" | "warning", message: string, at: SourcePosition, extra: Partial<ImportDiagnostic> = {}): ImportDiagnostic {
  return { code, severity, message, ...positionOnly(at), ...extra };
}

/** The position of a whole segment. */
export function segPos(seg: X12Segment): SourcePosition {
  return { segment: seg.index, segmentId: seg.id, line: seg.line, column: seg.column };
}

/**
 * The position of element `n` (and component `c`, 1-based) of a segment, e.g. `SV101-2`.
 * Columns are worked out from the raw text only here, when a diagnostic needs them.
 */
export function elementPos(seg: X12Segment, n: number, c?: number): SourcePosition {
  const d = seg.delimiters;
  let offset = 0;
  for (let i = 0; i < n && i < seg.elements.length; i++) offset += seg.elements[i]!.length + 1;
  if (c !== undefined && c > 1 && n < seg.elements.length) {
    const comps = seg.elements[n]!.split(d.component);
    for (let j = 0; j < c - 1 && j < comps.length; j++) offset += comps[j]!.length + 1;
  }
  let line = seg.line;
  let column = seg.column;
  for (let i = 0; i < offset && i < seg.raw.length; i++) {
    if (seg.raw.charCodeAt(i) === 10) {
      line++;
      column = 1;
    } else column++;
  }
  const ref = `${seg.id}${String(n).padStart(2, "0")}${c !== undefined ? `-${c}` : ""}`;
  return { segment: seg.index, segmentId: seg.id, element: ref, line, column };
}

/** A lazy element position: worked out by `elementPos` only when an error needs it. */
class X12Ref {
  constructor(
    readonly seg: X12Segment,
    readonly n: number,
    readonly c?: number,
  ) {}
}

function resolveRef(v: SourcePosition | X12Ref): SourcePosition {
  return v instanceof X12Ref ? elementPos(v.seg, v.n, v.c) : v;
}

/** Where a claim's values came from: whole segments, or elements resolved on demand. */
type Where = PointerMap<X12Ref>;

/** Options of the 837P importer. */
export interface X12Options {
  /** Payer → layer mapping (default: Medicare MB/MA → cms). */
  payerMap?: PayerMap;
}

/** Segment ids of 005010X222A1 (and the envelope): anything else is reported and skipped. */
const KNOWN_SEGMENTS = new Set([
  "ISA", "IEA", "GS", "GE", "ST", "SE", "TA1", "BHT", "REF", "NM1", "N2", "N3", "N4", "PER", "HL", "PRV", "CUR", "SBR",
  "PAT", "DMG", "CLM", "DTP", "PWK", "CN1", "AMT", "K3", "NTE", "CR1", "CR2", "CRC", "HI", "HCP", "CAS", "OI", "MOA",
  "LX", "SV1", "SV5", "CR3", "QTY", "MEA", "PS1", "LIN", "CTP", "SVD", "LQ", "FRM", "MIA",
]);

const DIAGNOSIS_QUALIFIERS = new Set(["ABK", "ABF", "BK", "BF"]);

/** One node of the HL hierarchy (2000A/B/C) with what the claims under it inherit. */
interface HlNode {
  id: string;
  level: string;
  seg: X12Segment;
  parent: HlNode | null;
  /** 2000A: the billing provider (2010AA) and its NM1. */
  provider?: { npi?: string; name?: string };
  providerAt?: X12Segment;
  /** 2000B: SBR09 and the payer (2010BB). */
  filingIndicator?: string;
  payerId?: string;
  payerName?: string;
  /** 2000B subscriber (2010BA) or 2000C patient (2010CA) demographics, with where they came from. */
  demo?: { sex?: string; birthDate?: string; seg: X12Segment };
  /** Structural errors of this loop, inherited by every claim under it. */
  errors: { code: string; message: string; at: SourcePosition }[];
}

interface ClaimState {
  seg: X12Segment;
  node: HlNode | null;
  draft: ClaimDraft;
  errors: PositionedInputError[];
  where: Where;
  rendering?: { npi?: string; name?: string };
  /** A DTP*472 at claim level: the date for lines without their own. */
  claimDate?: string;
  totalCharge?: number;
  /** After the first LX: segments belong to the 2400 loop. */
  inLines: boolean;
  /** After an SBR inside the claim: 2320/2330 other-payer loops (their NM1s are not ours). */
  otherPayer: boolean;
  line: { seg: X12Segment; index: number; sv1: boolean } | null;
}

interface Envelope {
  seg: X12Segment;
  control: string;
  children: number;
}

interface Transaction {
  seg: X12Segment;
  control: string;
  count: number;
  skip: boolean;
}

/**
 * Walks 837P segments and yields claim records and diagnostics. Push segments with `segment`,
 * then call `end`.
 */
export class X12ClaimAssembler {
  private readonly payerMap: PayerMap;
  private isa: Envelope | null = null;
  private gs: Envelope | null = null;
  private st: Transaction | null = null;
  /** The open HL path, root first. */
  private path: HlNode[] = [];
  private lastHl = 0;
  private entity: string | null = null;
  private claim: ClaimState | null = null;

  constructor(options: X12Options = {}) {
    this.payerMap = options.payerMap ?? DEFAULT_PAYER_MAP;
  }

  /** Reports a file-level diagnostic (or a warning about the open claim). */
  private report(out: ImportEvent[], code: string, severity: "error" | "warning", message: string, at: SourcePosition, claimId?: string | null): void {
    out.push({ kind: "diagnostic", diagnostic: diag(code, severity, message, at, claimId !== undefined ? { claimId } : {}) });
  }

  /** Processes one segment. */
  segment(seg: X12Segment, out: ImportEvent[]): void {
    if (!/^[A-Z][A-Z0-9]{1,2}$/.test(seg.id)) {
      if (this.st) this.st.count++;
      const err = `malformed segment id \`${seg.id.slice(0, 12)}\`: a segment starts with a 2–3 character id such as \`SV1\``;
      if (this.claim) this.claimError("", "DR5105", err, segPos(seg));
      else this.report(out, "DR5105", "error", err, segPos(seg));
      return;
    }
    switch (seg.id) {
      case "ISA":
        this.closeInterchange(seg, out, true);
        this.isa = { seg, control: el(seg, 13), children: 0 };
        return;
      case "GS":
        if (!this.isa) this.report(out, "DR5106", "error", "`GS` outside an interchange (no `ISA` before it)", segPos(seg));
        if (this.gs) this.closeGroup(seg, out, true);
        if (el(seg, 1) !== "HC") this.report(out, "DR5107", "warning", `GS01 \`${el(seg, 1)}\` is not \`HC\` (health care claim)`, elementPos(seg, 1));
        if (!el(seg, 8).startsWith("005010X222")) this.report(out, "DR5107", "warning", `GS08 \`${el(seg, 8)}\` is not the 837P version \`005010X222A1\`: read as 837P`, elementPos(seg, 8));
        this.gs = { seg, control: el(seg, 6), children: 0 };
        return;
      case "ST": {
        if (this.st) this.closeTransaction(seg, out, true);
        if (!this.gs) this.report(out, "DR5106", "error", "`ST` outside a functional group (no `GS` before it)", segPos(seg));
        const skip = el(seg, 1) !== "837";
        if (skip) this.report(out, "DR5108", "error", `transaction set \`${el(seg, 1)}\` is not an 837: its segments are skipped`, elementPos(seg, 1));
        this.st = { seg, control: el(seg, 2), count: 1, skip };
        this.path = [];
        this.lastHl = 0;
        this.entity = null;
        return;
      }
      case "SE":
        if (!this.st) {
          this.report(out, "DR5106", "error", "`SE` without an open transaction (no `ST` before it)", segPos(seg));
          return;
        }
        this.st.count++;
        this.closeTransaction(seg, out, false);
        return;
      case "GE":
        if (this.st) this.closeTransaction(seg, out, true);
        if (!this.gs) {
          this.report(out, "DR5106", "error", "`GE` without an open functional group (no `GS` before it)", segPos(seg));
          return;
        }
        this.closeGroup(seg, out, false);
        return;
      case "IEA":
        if (this.st) this.closeTransaction(seg, out, true);
        if (this.gs) this.closeGroup(seg, out, true);
        if (!this.isa) {
          this.report(out, "DR5106", "error", "`IEA` without an open interchange (no `ISA` before it)", segPos(seg));
          return;
        }
        this.closeInterchange(seg, out, false);
        return;
      default:
        break;
    }
    if (!this.st) {
      this.report(out, "DR5106", "error", `segment \`${seg.id}\` outside a transaction (between \`SE\` and \`ST\`): skipped`, segPos(seg));
      return;
    }
    this.st.count++;
    if (this.st.skip) return;
    if (!KNOWN_SEGMENTS.has(seg.id)) {
      this.report(out, "DR5109", "warning", `unknown segment \`${seg.id}\` (not part of 837P 005010X222A1): skipped`, segPos(seg), this.claim?.draft.id ?? undefined);
      return;
    }
    this.body(seg, out);
  }

  /** Closes whatever is open at the end of the input. */
  end(out: ImportEvent[]): void {
    if (this.st) this.closeTransaction(null, out, true);
    if (this.gs) this.closeGroup(null, out, true);
    if (this.isa) this.closeInterchange(null, out, true);
  }

  /** Segments inside an 837 transaction. */
  private body(seg: X12Segment, out: ImportEvent[]): void {
    const c = this.claim;
    switch (seg.id) {
      case "HL":
        this.finishClaim(out);
        this.openHl(seg, out);
        return;
      case "NM1":
        this.nm1(seg);
        return;
      case "DMG":
        this.dmg(seg);
        return;
      case "SBR": {
        if (c) {
          c.otherPayer = true; // 2320: another payer's subscriber; its 2330 NM1s are not this claim's
          return;
        }
        const node = this.current();
        if (node?.level !== "22") {
          this.structural(seg, out, "DR5111", "`SBR` outside a subscriber loop (HL level 22)");
          return;
        }
        node.filingIndicator = el(seg, 9) || undefined;
        return;
      }
      case "CLM":
        this.finishClaim(out);
        this.openClaim(seg);
        return;
      case "HI":
        if (!c) {
          this.structural(seg, out, "DR5112", "`HI` outside a claim (no `CLM` before it)");
          return;
        }
        this.hi(seg, c);
        return;
      case "LX": {
        if (!c) {
          this.structural(seg, out, "DR5112", "`LX` outside a claim (no `CLM` before it)");
          return;
        }
        this.closeLine(c);
        c.inLines = true;
        c.otherPayer = false;
        c.line = { seg, index: c.draft.lines.length, sv1: false };
        c.draft.lines.push({});
        this.entity = null;
        return;
      }
      case "SV1":
        if (!c) {
          this.structural(seg, out, "DR5112", "`SV1` outside a claim (no `CLM` before it)");
          return;
        }
        this.sv1(seg, c);
        return;
      case "DTP":
        if (c && el(seg, 1) === "472") this.dtp472(seg, c);
        return;
      default:
        return; // a known 837P segment this importer does not need (N3, REF, PRV, NTE, …)
    }
  }

  /** A structural fault: into the open claim when there is one, else a file-level error. */
  private structural(seg: X12Segment, out: ImportEvent[], code: string, message: string): void {
    if (this.claim) this.claimError("", code, message, segPos(seg));
    else out.push({ kind: "diagnostic", diagnostic: diag(code, "error", message, segPos(seg)) });
  }

  private current(): HlNode | null {
    return this.path[this.path.length - 1] ?? null;
  }

  private openHl(seg: X12Segment, out: ImportEvent[]): void {
    const id = el(seg, 1);
    const parentId = el(seg, 2);
    const level = el(seg, 3);
    // HL01 starts at 1 and grows by one per HL (TR3), so a repeat is caught without keeping every id.
    const n = Number(id);
    if (!/^\d+$/.test(id)) this.report(out, "DR5113", "warning", `HL01 \`${id}\` is not a number`, elementPos(seg, 1));
    else if (n !== this.lastHl + 1) {
      this.report(
        out,
        "DR5113",
        "warning",
        n <= this.lastHl ? `HL01 \`${id}\` repeats an earlier id (expected \`${this.lastHl + 1}\`)` : `HL01 \`${id}\` skips ahead (expected \`${this.lastHl + 1}\`)`,
        elementPos(seg, 1),
      );
    }
    if (/^\d+$/.test(id)) this.lastHl = Math.max(this.lastHl, n);
    const node: HlNode = { id, level, seg, parent: null, errors: [] };
    const wantParent = level === "22" ? "20" : level === "23" ? "22" : null;
    if (level === "20") {
      if (parentId !== "") this.fault(node, out, "DR5114", `a billing provider loop (HL level 20) has no parent, but HL02 is \`${parentId}\``, elementPos(seg, 2));
      this.path = [node];
    } else if (wantParent !== null) {
      const i = findLast(this.path, (p) => p.id === parentId);
      const parent = i >= 0 ? this.path[i]! : null;
      if (parent === null) {
        this.fault(node, out, "DR5114", `HL02 parent \`${parentId}\` is not an open loop: a level ${level} loop must sit under a level ${wantParent} loop`, elementPos(seg, 2));
        // Keep the nearest loop of the right level so the claims still get a provider and payer.
        const j = findLast(this.path, (p) => p.level === wantParent);
        node.parent = j >= 0 ? this.path[j]! : null;
        this.path = j >= 0 ? [...this.path.slice(0, j + 1), node] : [node];
      } else {
        if (parent.level !== wantParent) this.fault(node, out, "DR5114", `HL02 parent \`${parentId}\` is level ${parent.level}, but a level ${level} loop must sit under level ${wantParent}`, elementPos(seg, 2));
        node.parent = parent;
        this.path = [...this.path.slice(0, i + 1), node];
      }
    } else {
      this.fault(node, out, "DR5115", `unknown hierarchical level \`${level}\` in HL03: 837P uses 20 (billing provider), 22 (subscriber) and 23 (patient)`, elementPos(seg, 3));
      this.path = [...this.path, node];
    }
    this.entity = null;
  }

  /** A structural fault of an HL loop: reported once, and inherited by every claim under the loop. */
  private fault(node: HlNode, out: ImportEvent[], code: string, message: string, at: SourcePosition): void {
    node.errors.push({ code, message, at });
    this.report(out, code, "error", message, at);
  }

  /** The provider an NM1 names: NPI when NM108 is `XX`, the name (first and last for a person). */
  private party(seg: X12Segment): { npi?: string; name?: string } {
    const name = el(seg, 2) === "1" ? [el(seg, 4), el(seg, 3)].filter((s) => s !== "").join(" ") : el(seg, 3);
    const p: { npi?: string; name?: string } = {};
    if (el(seg, 8) === "XX" && el(seg, 9) !== "") p.npi = detach(el(seg, 9));
    if (name !== "") p.name = detach(name);
    return p;
  }

  private nm1(seg: X12Segment): void {
    const entity = el(seg, 1);
    this.entity = entity;
    const c = this.claim;
    if (c) {
      // 2310B rendering provider; 2420x (after LX) and 2330x (after a 2320 SBR) are not the claim's.
      if (entity === "82" && !c.inLines && !c.otherPayer) {
        c.rendering = this.party(seg);
        // The rendering provider replaces the billing provider's positions too.
        c.where.override("/provider", segPos(seg));
        c.where.override("/provider/npi", new X12Ref(seg, 9));
      }
      return;
    }
    const node = this.current();
    if (!node) return; // 1000A submitter / 1000B receiver
    if (node.level === "20" && entity === "85") {
      node.provider = this.party(seg);
      node.providerAt = seg;
    }
    else if (node.level === "22" && entity === "PR") {
      node.payerName = el(seg, 3) !== "" ? detach(el(seg, 3)) : undefined;
      node.payerId = el(seg, 9) !== "" ? detach(el(seg, 9)) : undefined;
    }
  }

  private dmg(seg: X12Segment): void {
    const node = this.current();
    if (this.claim || !node) return;
    if ((node.level === "22" && this.entity === "IL") || (node.level === "23" && this.entity === "QC")) {
      const raw = el(seg, 2);
      node.demo = {
        seg,
        ...(raw !== "" ? { birthDate: /^\d{8}$/.test(raw) ? `${raw.slice(0, 4)}-${raw.slice(4, 6)}-${raw.slice(6, 8)}` : raw } : {}),
        ...(el(seg, 3) !== "" ? { sex: el(seg, 3) } : {}),
      };
    }
  }

  private openClaim(seg: X12Segment): void {
    const where: Where = new PointerMap<X12Ref>(resolveRef);
    where.set("", segPos(seg));
    const errors: PositionedInputError[] = [];
    const id = detach(el(seg, 1).trim());
    const draft: ClaimDraft = { diagnoses: [], lines: [] };
    if (id !== "") draft.id = id;
    else errors.push(positionedError("/id", "DR5116", "CLM01 (the claim id) is empty", elementPos(seg, 1)));
    where.set("/id", new X12Ref(seg, 1));
    where.set("/diagnoses", segPos(seg));
    where.set("/lines", segPos(seg));
    where.set("/serviceDate", segPos(seg));

    // The hierarchy the claim sits in: patient (23) → subscriber (22) → billing provider (20).
    const node = this.current();
    let subscriber: HlNode | null = null;
    let billing: HlNode | null = null;
    let patient: HlNode | null = null;
    for (let n: HlNode | null = node; n; n = n.parent) {
      if (n.level === "23" && !patient) patient = n;
      if (n.level === "22" && !subscriber) subscriber = n;
      if (n.level === "20" && !billing) billing = n;
      for (const e of n.errors) {
        errors.push(positionedError("", e.code, `the claim sits in a broken hierarchical loop: ${e.message}`, e.at));
      }
    }
    if (!node || (node.level !== "22" && node.level !== "23")) {
      errors.push(positionedError("", "DR5117", "`CLM` is not inside a subscriber (HL 22) or patient (HL 23) loop", segPos(seg)));
    }
    if (subscriber) {
      const payer = resolvePayer(this.payerMap, {
        ...(subscriber.filingIndicator !== undefined ? { filingIndicator: subscriber.filingIndicator } : {}),
        ...(subscriber.payerId !== undefined ? { payerId: subscriber.payerId } : {}),
        ...(subscriber.payerName !== undefined ? { payerName: subscriber.payerName } : {}),
      });
      if (payer !== undefined) draft.payer = payer;
    }
    // The patient is the 2000C patient when there is one, else the subscriber (SBR02 = 18).
    const who = patient ?? (node?.level === "22" ? subscriber : null);
    if (who?.demo) {
      const d = who.demo;
      draft.patient = {};
      if (d.sex !== undefined) draft.patient.sex = d.sex as "M" | "F" | "U";
      if (d.birthDate !== undefined) draft.patient.birthDate = d.birthDate;
      where.set("/patient", segPos(d.seg));
      where.set("/patient/sex", new X12Ref(d.seg, 3));
      where.set("/patient/birthDate", new X12Ref(d.seg, 2));
    }
    if (billing?.provider) {
      draft.provider = { ...billing.provider };
      if (billing.providerAt) {
        where.set("/provider", segPos(billing.providerAt));
        where.set("/provider/npi", new X12Ref(billing.providerAt, 9));
      }
    }

    const total = el(seg, 2);
    let totalCharge: number | undefined;
    if (total !== "") {
      totalCharge = parseAmount(total);
      if (totalCharge === undefined) errors.push(positionedError("", "DR5118", `CLM02 \`${total}\` is not an amount`, elementPos(seg, 2)));
    }
    const clm05 = el(seg, 5);
    if (clm05 !== "") {
      const comps = clm05.split(seg.delimiters.component);
      if (comps.length < 2) {
        errors.push(positionedError("/placeOfService", "DR5119", `CLM05 \`${clm05}\` is not a composite: write place of service, \`B\` and the frequency code as \`11${seg.delimiters.component}B${seg.delimiters.component}1\``, elementPos(seg, 5)));
      }
      if (comps[0] !== "") draft.placeOfService = comps[0];
      where.set("/placeOfService", new X12Ref(seg, 5, 1));
    }
    this.claim = {
      seg,
      node,
      draft,
      errors,
      where,
      ...(totalCharge !== undefined ? { totalCharge } : {}),
      inLines: false,
      otherPayer: false,
      line: null,
    };
    this.entity = null;
  }

  private claimError(pointer: string, code: string, message: string, at: SourcePosition | X12Ref): void {
    this.claim?.errors.push(positionedError(pointer, code, message, resolveRef(at)));
  }

  private hi(seg: X12Segment, c: ClaimState): void {
    const comp = seg.delimiters.component;
    const first = (seg.elements[1] ?? "").split(comp);
    // Only diagnosis HI segments: anesthesia (BP/BO) and condition (BG) HIs are not ours.
    const firstQual = first.length > 1 ? first[0]! : DIAGNOSIS_QUALIFIERS.has(first[0]!) ? first[0]! : "";
    if (first.length > 1 && !DIAGNOSIS_QUALIFIERS.has(firstQual)) return;
    if (c.inLines) {
      this.claimError("/diagnoses", "DR5120", "diagnosis `HI` after the first service line: diagnoses belong to the claim loop 2300, before the first `LX`", segPos(seg));
    }
    for (let n = 1; n < seg.elements.length; n++) {
      const value = seg.elements[n]!;
      if (value === "") continue;
      let parts = value.split(comp);
      const at = new X12Ref(seg, n);
      const label = `HI${pad2(n)}`;
      if (parts.length < 2) {
        const next = seg.elements[n + 1] ?? "";
        if (DIAGNOSIS_QUALIFIERS.has(value) && next !== "" && !next.includes(comp) && !DIAGNOSIS_QUALIFIERS.has(next)) {
          // Qualifier and code in two elements (`HI*BK*8901`): say so once, then read the pair.
          this.claimError("/diagnoses", "DR5121", `HI${pad2(n)} \`${value}\` and HI${pad2(n + 1)} \`${next}\` are a qualifier and a code in separate elements: write one composite \`${value}${comp}${next}\``, at);
          parts = [value, next];
          n++;
        } else {
          const msg = DIAGNOSIS_QUALIFIERS.has(value)
            ? `HI${pad2(n)} \`${value}\` is a qualifier without a code: qualifier and code go in one composite, such as \`${value}${comp}L570\``
            : `HI${pad2(n)} \`${value}\` has no qualifier: write it as a composite, such as \`ABF${comp}${value}\``;
          this.claimError("/diagnoses", "DR5121", msg, at);
          continue;
        }
      }
      const [qual, code] = parts as [string, string];
      if (qual === "BK" || qual === "BF") {
        this.claimError("/diagnoses", "DR5122", `${label} qualifier \`${qual}\` marks an ICD-9-CM code (\`${code}\`): claims since 2015-10-01 use ICD-10-CM (\`AB${qual[1]}\`)`, at);
        continue;
      }
      if (qual !== "ABK" && qual !== "ABF") {
        this.claimError("/diagnoses", "DR5121", `${label} qualifier \`${qual}\` is not a diagnosis qualifier (\`ABK\` principal, \`ABF\` other)`, at);
        continue;
      }
      if (code === "") {
        this.claimError("/diagnoses", "DR5121", `${label} has the qualifier \`${qual}\` but no code`, at);
        continue;
      }
      if (qual === "ABK" && c.draft.diagnoses.length > 0) {
        this.claimError("/diagnoses", "DR5123", `${label} \`ABK\` (principal diagnosis) must come first, before the \`ABF\` codes`, at);
      }
      const k = c.draft.diagnoses.length;
      c.draft.diagnoses.push(dotIcd10(code));
      c.where.set(`/diagnoses/${k}`, new X12Ref(seg, n, 2));
    }
  }

  private sv1(seg: X12Segment, c: ClaimState): void {
    if (c.line === null) {
      this.claimError("/lines", "DR5124", "`SV1` without an `LX` before it: each service line starts with `LX`", segPos(seg));
      c.line = { seg, index: c.draft.lines.length, sv1: false };
      c.draft.lines.push({});
      c.inLines = true;
    }
    const line = c.line;
    const i = line.index;
    const p = `/lines/${i}`;
    if (line.sv1) {
      this.claimError(p, "DR5125", "a second `SV1` in one service line: each `LX` holds one `SV1`", segPos(seg));
      return;
    }
    line.sv1 = true;
    const draft = c.draft.lines[i] as LineDraft;
    const comp = seg.delimiters.component;
    c.where.set(p, segPos(seg));
    const proc = (seg.elements[1] ?? "").split(comp);
    if (proc.length < 2) {
      this.claimError(`${p}/code`, "DR5126", `SV101 \`${proc[0] ?? ""}\` is not a composite: write \`HC${comp}<code>\` with up to 4 modifiers after it`, elementPos(seg, 1));
    } else {
      if (proc[0] !== "HC") this.claimError(`${p}/code`, "DR5126", `SV101-1 qualifier \`${proc[0]}\` is not \`HC\` (CPT/HCPCS)`, elementPos(seg, 1, 1));
      draft.code = proc[1]!;
      c.where.set(`${p}/code`, new X12Ref(seg, 1, 2));
      const mods = proc.slice(2, 6).filter((m) => m !== "");
      if (mods.length > 0) draft.modifiers = mods;
      for (let j = 0; j < 4; j++) c.where.set(`${p}/modifiers/${j}`, new X12Ref(seg, 1, 3 + j));
      if (proc.length > 7) this.claimError(`${p}/code`, "DR5126", `SV101 has ${proc.length} components: at most 7 (qualifier, code, 4 modifiers, description)`, elementPos(seg, 1));
    }
    const charge = el(seg, 2);
    c.where.set(`${p}/charge`, new X12Ref(seg, 2));
    if (charge !== "") {
      const v = parseAmount(charge);
      if (v === undefined) this.claimError(`${p}/charge`, "DR5127", `SV102 \`${charge}\` is not an amount`, elementPos(seg, 2));
      else draft.charge = v;
    }
    const units = el(seg, 4);
    c.where.set(`${p}/units`, new X12Ref(seg, 4));
    if (units !== "") {
      const v = parseDecimal(units);
      if (v === undefined) this.claimError(`${p}/units`, "DR5127", `SV104 \`${units}\` is not a number`, elementPos(seg, 4));
      else draft.units = v;
    }
    const pointers = el(seg, 7);
    if (pointers !== "") {
      const parts = pointers.split(comp);
      const list: number[] = [];
      parts.forEach((s, j) => {
        c.where.set(`${p}/dxPointers/${j}`, new X12Ref(seg, 7, j + 1));
        if (!/^\d{1,2}$/.test(s)) this.claimError(`${p}/dxPointers/${j}`, "DR5128", `SV107-${j + 1} \`${s}\` is not a diagnosis pointer (1–12)`, elementPos(seg, 7, j + 1));
        else list.push(Number(s));
      });
      if (list.length > 0) draft.dxPointers = list;
    }
    c.where.set(`${p}/dxPointers`, new X12Ref(seg, 7));
  }

  private dtp472(seg: X12Segment, c: ClaimState): void {
    const format = el(seg, 2);
    const value = el(seg, 3);
    let date: string | undefined;
    if (format === "D8" && /^\d{8}$/.test(value)) date = iso(value);
    else if (format === "RD8" && /^\d{8}-\d{8}$/.test(value)) date = iso(value.slice(0, 8)); // a range: its first day
    const at = new X12Ref(seg, 3);
    if (!c.inLines || c.line === null) {
      if (date !== undefined) c.claimDate = date;
      return;
    }
    const p = `/lines/${c.line.index}/serviceDate`;
    c.where.set(p, at);
    if (date === undefined) {
      this.claimError(p, "DR5129", `DTP*472 date \`${value}\` is not \`D8\` CCYYMMDD or \`RD8\` CCYYMMDD-CCYYMMDD (format \`${format}\`)`, at);
      return;
    }
    (c.draft.lines[c.line.index] as LineDraft).serviceDate = date;
  }

  private closeLine(c: ClaimState): void {
    if (c.line && !c.line.sv1) {
      this.claimError(`/lines/${c.line.index}`, "DR5130", "service line without `SV1`: each `LX` needs an `SV1` with the procedure", segPos(c.line.seg));
    }
    c.line = null;
  }

  private finishClaim(out: ImportEvent[]): void {
    const c = this.claim;
    if (!c) return;
    this.closeLine(c);
    this.claim = null;
    // 2310B rendering provider when the claim names one, else the 2010AA billing provider.
    if (c.rendering && (c.rendering.npi !== undefined || c.rendering.name !== undefined)) c.draft.provider = c.rendering;
    const claim = finishClaim(c.draft, c.claimDate);
    if (c.totalCharge !== undefined && c.errors.length === 0) {
      const sum = c.draft.lines.reduce((s, l) => s + (l.charge ?? 0), 0);
      if (Math.abs(sum - c.totalCharge) > 0.005) {
        out.push({
          kind: "diagnostic",
          diagnostic: diag("DR5131", "warning", `CLM02 total \`${c.totalCharge}\` differs from the sum of the line charges (\`${Math.round(sum * 100) / 100}\`)`, elementPos(c.seg, 2), { claimId: c.draft.id ?? null }),
        });
      }
    }
    const where = c.where;
    out.push({
      kind: "record",
      claim,
      claimId: c.draft.id ?? null,
      line: c.seg.line,
      errors: c.errors,
      positions: where,
    });
  }

  private closeTransaction(seg: X12Segment | null, out: ImportEvent[], missing: boolean): void {
    const st = this.st;
    if (!st) return;
    if (missing) {
      const message = `the transaction \`${st.control}\` (ST at segment ${st.seg.index}) has no \`SE\`: the file may be truncated or a trailer is missing`;
      if (this.claim) this.claimError("", "DR5132", message, segPos(st.seg));
      this.finishClaim(out);
      out.push({ kind: "diagnostic", diagnostic: diag("DR5132", "error", message, seg ? segPos(seg) : segPos(st.seg)) });
    } else if (seg) {
      this.finishClaim(out);
      const said = el(seg, 1);
      if (said !== String(st.count)) {
        out.push({
          kind: "diagnostic",
          diagnostic: diag("DR5133", "error", `SE01 says \`${said}\` segments but the transaction has ${st.count} (\`ST\` through \`SE\`)`, elementPos(seg, 1)),
        });
      }
      if (el(seg, 2) !== st.control) {
        out.push({ kind: "diagnostic", diagnostic: diag("DR5134", "error", `SE02 \`${el(seg, 2)}\` does not match ST02 \`${st.control}\``, elementPos(seg, 2)) });
      }
    }
    if (this.gs) this.gs.children++;
    this.st = null;
    this.path = [];
  }

  private closeGroup(seg: X12Segment | null, out: ImportEvent[], missing: boolean): void {
    const gs = this.gs;
    if (!gs) return;
    if (missing) {
      out.push({ kind: "diagnostic", diagnostic: diag("DR5135", "error", `the functional group \`${gs.control}\` (GS at segment ${gs.seg.index}) has no \`GE\``, seg ? segPos(seg) : segPos(gs.seg)) });
    } else if (seg) {
      if (el(seg, 1) !== String(gs.children)) {
        out.push({ kind: "diagnostic", diagnostic: diag("DR5133", "error", `GE01 says \`${el(seg, 1)}\` transactions but the group has ${gs.children}`, elementPos(seg, 1)) });
      }
      if (el(seg, 2) !== gs.control) {
        out.push({ kind: "diagnostic", diagnostic: diag("DR5134", "error", `GE02 \`${el(seg, 2)}\` does not match GS06 \`${gs.control}\``, elementPos(seg, 2)) });
      }
    }
    if (this.isa) this.isa.children++;
    this.gs = null;
  }

  private closeInterchange(seg: X12Segment | null, out: ImportEvent[], missing: boolean): void {
    const isa = this.isa;
    if (!isa) return;
    if (missing) {
      if (this.st) this.closeTransaction(seg, out, true);
      if (this.gs) this.closeGroup(seg, out, true);
      out.push({ kind: "diagnostic", diagnostic: diag("DR5135", "error", `the interchange \`${isa.control}\` (ISA at segment ${isa.seg.index}) has no \`IEA\``, seg ? segPos(seg) : segPos(isa.seg)) });
    } else if (seg) {
      if (el(seg, 1) !== String(isa.children)) {
        out.push({ kind: "diagnostic", diagnostic: diag("DR5133", "error", `IEA01 says \`${el(seg, 1)}\` functional groups but the interchange has ${isa.children}`, elementPos(seg, 1)) });
      }
      if (el(seg, 2) !== isa.control) {
        out.push({ kind: "diagnostic", diagnostic: diag("DR5134", "error", `IEA02 \`${el(seg, 2)}\` does not match ISA13 \`${isa.control}\``, elementPos(seg, 2)) });
      }
    }
    this.isa = null;
  }
}

function el(seg: X12Segment, n: number): string {
  return seg.elements[n] ?? "";
}

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}

function iso(d8: string): string {
  return `${d8.slice(0, 4)}-${d8.slice(4, 6)}-${d8.slice(6, 8)}`;
}

function findLast<T>(xs: readonly T[], f: (x: T) => boolean): number {
  for (let i = xs.length - 1; i >= 0; i--) if (f(xs[i]!)) return i;
  return -1;
}

/** Runs tokenizer events through the assembler. */
function feed(tokens: TokenEvent[], asm: X12ClaimAssembler, out: ImportEvent[]): void {
  for (const t of tokens) {
    if (t.kind === "segment") asm.segment(t.segment, out);
    else out.push(t);
  }
  tokens.length = 0;
}

/**
 * Imports 837P text already in memory (tests, small files). Same events as `importX12`.
 */
export function importX12Text(text: string, options: X12Options = {}): ImportEvent[] {
  const tok = new X12Tokenizer();
  const asm = new X12ClaimAssembler(options);
  const tokens: TokenEvent[] = [];
  const out: ImportEvent[] = [];
  tok.push(text, tokens);
  feed(tokens, asm, out);
  tok.end(tokens);
  feed(tokens, asm, out);
  asm.end(out);
  return out;
}

/**
 * Imports an 837P stream of text chunks, yielding each claim record as soon as its loop
 * closes. Memory holds one chunk and one claim, whatever the file's size.
 */
export async function* importX12(chunks: AsyncIterable<string>, options: X12Options = {}): AsyncGenerator<ImportEvent> {
  const tok = new X12Tokenizer();
  const asm = new X12ClaimAssembler(options);
  const tokens: TokenEvent[] = [];
  const out: ImportEvent[] = [];
  for await (const chunk of chunks) {
    tok.push(chunk, tokens);
    feed(tokens, asm, out);
    for (const e of out) yield e;
    out.length = 0;
  }
  tok.end(tokens);
  feed(tokens, asm, out);
  asm.end(out);
  yield* out;
}

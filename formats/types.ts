/**
 * The shapes every importer shares: where a thing sits in the source file, what went wrong
 * there, and the records an importer yields (one per input claim, in input order).
 *
 * Importers never throw on user input. A problem that belongs to one claim makes that claim's
 * record carry errors (the CLI turns it into that record's `invalid` result); a problem of the
 * file itself (an X12 envelope count, an unreadable header) is a separate diagnostic event, so
 * one broken claim never hides the others.
 */

/** The input formats the importers read; `json` is the core's claim JSON / NDJSON. */
export type InputFormat = "837" | "fhir" | "csv" | "json";

/** All input formats, in the order `--format` lists them. */
export const INPUT_FORMATS: readonly InputFormat[] = ["837", "fhir", "csv", "json"];

/** A place in the source file. Every field is optional: each format fills what it knows. */
export interface SourcePosition {
  /** 1-based line of the input file. */
  line?: number;
  /** 1-based column (UTF-16 units) on that line. */
  column?: number;
  /** X12: the segment's ordinal in the file (the first `ISA` is segment 1). */
  segment?: number;
  /** X12: the segment id (`SV1`). */
  segmentId?: string;
  /**
   * Which part: an X12 element reference (`SV101-2`), a FHIR path
   * (`Claim.item[0].quantity.value`), or a CSV column name.
   */
  element?: string;
}

export type ImportSeverity = "error" | "warning";

/**
 * One importer diagnostic. Codes: DR51xx X12 837P, DR52xx FHIR, DR53xx CSV, DR54xx input
 * selection and payer map. Messages are lower-case, one line, no final period, user text in
 * backticks; the position is in the fields and, rendered, at the end of the message.
 */
export interface ImportDiagnostic extends SourcePosition {
  code: string;
  severity: ImportSeverity;
  message: string;
  /** JSON pointer into the claim this problem is about (`""` = the whole claim); absent for file-level problems. */
  pointer?: string;
  /** The claim the problem belongs to, when known. */
  claimId?: string | null;
}

/**
 * An error inside an `invalid` result: the runtime's `InputError` (pointer, code, message)
 * plus the position in the source file. The extra fields are additive (brief: "extra fields
 * are welcome").
 */
export interface PositionedInputError extends SourcePosition {
  pointer: string;
  code: string;
  message: string;
}

/** Finds the source position of a claim JSON pointer (longest known prefix), if the importer recorded one. */
export interface PositionLookup {
  locate(pointer: string): SourcePosition | undefined;
}

/** One input claim as imported. */
export interface ImportedRecord {
  kind: "record";
  /**
   * The claim object the importer built (claim JSON shape; not yet validated: the runtime
   * checks it). For `json` input it is the parsed record; `undefined` when the text was not
   * JSON at all (`text` then holds it, so the runtime reports it as it always has).
   */
  claim: unknown;
  /** The raw record text (json format only). */
  text?: string;
  claimId: string | null;
  /** 1-based input line where the record starts. */
  line?: number;
  /** Import errors: when any, the record is invalid whatever the claim looks like. */
  errors: PositionedInputError[];
  /** Maps the runtime's JSON pointers back to the source (positions of invalid results). */
  positions?: PositionLookup;
}

/** A file-level diagnostic, or a warning about one claim that does not make it invalid. */
export interface DiagnosticEvent {
  kind: "diagnostic";
  diagnostic: ImportDiagnostic;
}

/** What an importer yields, in input order. */
export type ImportEvent = ImportedRecord | DiagnosticEvent;

/** Renders a position as `segment 23 \`HI\`, line 23, column 4` (empty when nothing is known). */
export function describePosition(p: SourcePosition): string {
  const parts: string[] = [];
  if (p.segment !== undefined) parts.push(`segment ${p.segment}${p.segmentId ? ` \`${p.segmentId}\`` : ""}`);
  if (p.element !== undefined) parts.push(`\`${p.element}\``);
  if (p.line !== undefined) parts.push(`line ${p.line}`);
  if (p.column !== undefined) parts.push(`column ${p.column}`);
  return parts.join(", ");
}

/** Copies only the position fields (no undefined keys, so JSON output stays tidy). */
export function positionOnly(p: SourcePosition): SourcePosition {
  const out: SourcePosition = {};
  if (p.segment !== undefined) out.segment = p.segment;
  if (p.segmentId !== undefined) out.segmentId = p.segmentId;
  if (p.element !== undefined) out.element = p.element;
  if (p.line !== undefined) out.line = p.line;
  if (p.column !== undefined) out.column = p.column;
  return out;
}

/**
 * Builds a positioned error: the message gets the rendered position appended
 * (`… at segment 23 \`HI\`, line 23, column 4`) so the human output shows it too.
 */
export function positionedError(pointer: string, code: string, message: string, at: SourcePosition | undefined): PositionedInputError {
  const where = at ? describePosition(at) : "";
  return { pointer, code, message: where ? `${message} (at ${where})` : message, ...(at ? positionOnly(at) : {}) };
}

/**
 * A pointer → position table with longest-prefix lookup, filled while a claim is imported.
 * Values may be lazy (`L`, e.g. an X12 segment and element number): `resolve` turns one into a
 * position only when an error needs it, so the common case (a valid claim) computes no columns.
 */
export class PointerMap<L = never> implements PositionLookup {
  private readonly map = new Map<string, SourcePosition | L>();
  private readonly resolve: ((v: SourcePosition | L) => SourcePosition) | undefined;

  constructor(resolve?: (v: SourcePosition | L) => SourcePosition) {
    this.resolve = resolve;
  }

  /** Records where the value at `pointer` came from (the first record wins). */
  set(pointer: string, at: SourcePosition | L): void {
    if (!this.map.has(pointer)) this.map.set(pointer, at);
  }

  /** Records where the value at `pointer` came from, replacing an earlier record. */
  override(pointer: string, at: SourcePosition | L): void {
    this.map.set(pointer, at);
  }

  /** The position of `pointer`, or of its longest recorded prefix. */
  locate(pointer: string): SourcePosition | undefined {
    let p = pointer;
    for (;;) {
      const hit = this.map.get(p);
      if (hit !== undefined) return this.resolve ? this.resolve(hit) : (hit as SourcePosition);
      if (p === "") return undefined;
      const cut = p.lastIndexOf("/");
      p = cut <= 0 ? "" : p.slice(0, cut);
    }
  }
}

/**
 * A copy of a string that shares no memory with the text it was cut from. V8 keeps a long
 * substring as a slice of its parent, so an id kept for the whole run (the batch's duplicate
 * check, the report's top lists) would otherwise keep a whole 64 KiB input chunk alive.
 */
export function detach(s: string): string {
  return (" " + s).slice(1);
}

/** Renders an importer diagnostic in the one-line form (`file: segment 23 \`HI\`, line 23, column 4: error DR5122: …`). */
export function renderImportDiagnostic(d: ImportDiagnostic, file?: string): string {
  const where = describePosition(d);
  const head = [file, where].filter((s) => s !== undefined && s !== "").join(": ");
  return `${head ? `${head}: ` : ""}${d.severity} ${d.code}: ${d.message}${d.claimId ? ` (claim \`${d.claimId}\`)` : ""}`;
}

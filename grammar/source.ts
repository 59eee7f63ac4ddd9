/**
 * Source text, spans and the one diagnostic shape shared by every phase.
 *
 * Nodes store half-open UTF-16 offsets; line and column are worked out only when a
 * diagnostic is rendered (esbuild's rule). Chevrotain's inclusive `endOffset` is converted
 * once, in grammar/.
 */

/** A half-open range `[start, end)` of UTF-16 offsets in one file. */
export interface Span {
  readonly file: string;
  readonly start: number;
  readonly end: number;
}

export type Severity = "error" | "warning" | "info";

/** A problem found in rule text (or a data file it references), in any phase. */
export interface Diagnostic {
  /** Stable code: DR1xxx syntax, DR2xxx names/codes/dates, DR3xxx analysis, DR4xxx table load, DR5xxx claim input. */
  readonly code: string;
  readonly severity: Severity;
  /** Lower-case, one line, no final period, user text in backticks. */
  readonly message: string;
  readonly span: Span;
  /** The fix, e.g. "did you mean `MALIGNANT_SKIN`?". */
  readonly hint?: string;
  readonly related?: readonly { readonly span: Span; readonly message: string }[];
  /** A claim (brief "Claims") that shows the problem, for analysis diagnostics. */
  readonly witness?: unknown;
}

/** A file's text with a lazily built line index. */
export class SourceFile {
  private lineStarts: number[] | undefined;
  constructor(
    readonly path: string,
    readonly text: string,
  ) {}

  /** 1-based line and column (in UTF-16 units) of an offset. */
  position(offset: number): { line: number; column: number } {
    const starts = this.starts();
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo]! + 1 };
  }

  /** The text of a 1-based line, without its line break. */
  lineText(line: number): string {
    const starts = this.starts();
    const start = starts[line - 1];
    if (start === undefined) return "";
    const next = starts[line];
    let end = next === undefined ? this.text.length : next;
    while (end > start && (this.text[end - 1] === "\n" || this.text[end - 1] === "\r")) end--;
    return this.text.slice(start, end);
  }

  private starts(): number[] {
    if (!this.lineStarts) {
      const starts = [0];
      const t = this.text;
      for (let i = 0; i < t.length; i++) {
        const c = t.charCodeAt(i);
        if (c === 10) starts.push(i + 1);
        else if (c === 13 && t.charCodeAt(i + 1) !== 10) starts.push(i + 1);
      }
      this.lineStarts = starts;
    }
    return this.lineStarts;
  }
}

/**
 * A progress line on stderr for long runs, a small reporter of our own. On a terminal the line
 * is redrawn in place (`\r` + erase line) a few times a second; elsewhere (CI logs, files) a
 * plain line is written now and then, so the log stays readable.
 *
 * Modes: `never` prints nothing; `always` prints from the start and a final line; `auto` stays
 * quiet for short runs (nothing until the run has lasted `quietMs`), then behaves like
 * `always`.
 */

export type ProgressMode = "auto" | "always" | "never";

/** What the reporter shows. */
export interface ProgressStats {
  records: number;
  denied: number;
  invalid: number;
  /** Bytes of input read so far. */
  bytes: number;
}

export interface ProgressOptions {
  mode: ProgressMode;
  /** Whether stderr is a terminal (redraw in place) or not (plain lines). */
  tty: boolean;
  write: (text: string) => void;
  /** Input size in bytes, when known (gives a percentage). */
  totalBytes?: number;
  /** Clock in milliseconds (tests inject one). */
  now?: () => number;
  /** Redraw interval on a terminal (default 200 ms). */
  ttyIntervalMs?: number;
  /** Interval of plain lines (default 5 s). */
  plainIntervalMs?: number;
  /** `auto`: how long a run must last before progress shows (default 1 s on a terminal, 5 s otherwise). */
  quietMs?: number;
}

const INT = new Intl.NumberFormat("en-US");

function mb(bytes: number): string {
  return (bytes / 1_048_576).toFixed(1);
}

/** The progress reporter. Call `tick` per record (cheap), `done` at the end. */
export class Progress {
  private readonly o: Required<Omit<ProgressOptions, "totalBytes">> & { totalBytes?: number };
  private readonly start: number;
  private last = -Infinity;
  private shown = false;
  private calls = 0;
  private width = 0;

  constructor(options: ProgressOptions) {
    const now = options.now ?? (() => Date.now());
    this.o = {
      mode: options.mode,
      tty: options.tty,
      write: options.write,
      now,
      ttyIntervalMs: options.ttyIntervalMs ?? 200,
      plainIntervalMs: options.plainIntervalMs ?? 5000,
      quietMs: options.quietMs ?? (options.tty ? 1000 : 5000),
      ...(options.totalBytes !== undefined ? { totalBytes: options.totalBytes } : {}),
    };
    this.start = now();
  }

  /** The progress text for the current figures. */
  line(s: ProgressStats, elapsedMs: number): string {
    const secs = Math.max(elapsedMs / 1000, 1e-3);
    const rate = s.records / secs;
    const parts = [
      `audit: ${INT.format(s.records)} claims`,
      `${INT.format(s.denied)} denied, ${INT.format(s.invalid)} invalid`,
      `${INT.format(Math.round(rate))} claims/s`,
    ];
    const total = this.o.totalBytes;
    if (total !== undefined && total > 0) {
      const share = Math.min(1, s.bytes / total);
      parts.push(`${mb(s.bytes)} of ${mb(total)} MB (${Math.floor(share * 100)}%)`);
      if (share > 0.02 && share < 1) {
        const left = (elapsedMs / share - elapsedMs) / 1000;
        parts.push(`about ${left < 90 ? `${Math.ceil(left)} s` : `${Math.ceil(left / 60)} min`} left`);
      }
    } else if (s.bytes > 0) parts.push(`${mb(s.bytes)} MB read`);
    return parts.join(" · ");
  }

  /** Called per record; looks at the clock only every 64 calls. */
  tick(s: ProgressStats): void {
    if (this.o.mode === "never") return;
    if ((++this.calls & 63) !== 1 && this.calls !== 1) return;
    const now = this.o.now();
    const elapsed = now - this.start;
    if (this.o.mode === "auto" && elapsed < this.o.quietMs) return;
    const every = this.o.tty ? this.o.ttyIntervalMs : this.o.plainIntervalMs;
    if (now - this.last < every) return;
    this.last = now;
    this.draw(this.line(s, elapsed));
  }

  /** The final line (always for `always`; for `auto` only when progress was shown). */
  done(s: ProgressStats, suffix = ""): void {
    if (this.o.mode === "never") return;
    if (this.o.mode === "auto" && !this.shown) return;
    const elapsed = this.o.now() - this.start;
    const secs = elapsed / 1000;
    const text = `audit: ${INT.format(s.records)} claims in ${secs.toFixed(1)} s (${INT.format(Math.round(s.records / Math.max(secs, 1e-3)))} claims/s), ${INT.format(s.denied)} denied, ${INT.format(s.invalid)} invalid${suffix}`;
    if (this.o.tty) this.o.write(`\r\x1b[2K${text}\n`);
    else this.o.write(`${text}\n`);
    this.shown = true;
  }

  private draw(text: string): void {
    this.shown = true;
    if (this.o.tty) {
      this.o.write(`\r\x1b[2K${text}`);
      this.width = text.length;
    } else this.o.write(`${text}\n`);
  }

  /** Whether anything was printed. */
  get printed(): boolean {
    return this.shown || this.width > 0;
  }
}

/**
 * Stopping a long stream cleanly: SIGINT (Ctrl-C) and a broken pipe on standard output.
 *
 * - SIGINT: the record being evaluated is finished and written, reading stops, and the command
 *   prints a summary on stderr and exits 130 (128 + SIGINT, the shell convention). A second
 *   SIGINT exits at once, for a stream that hangs on its input.
 * - A broken pipe (`dermrules eval … | head -1`): the reader has gone, so reading stops and
 *   the process ends quietly: no stack trace, no message, no hang.
 *
 * The process-wide handlers are installed only while a stream runs (`watchProcessStops`), so a
 * Ctrl-C during `compile` keeps its default meaning. Tests drive a {@link StopWatch} by hand.
 */

/** Why a stream stopped early. */
export type StopReason = "interrupt" | "broken-pipe";

/** The exit code of a command stopped by SIGINT (128 + signal 2). */
export const INTERRUPTED_EXIT_CODE = 130;

/** Watches for a reason to stop a stream. */
export interface StopWatch {
  /** Why the stream should stop, or null to go on. */
  readonly reason: StopReason | null;
  /** Resolves (never rejects) with the reason when one arrives. */
  readonly stopped: Promise<StopReason>;
  /** Removes the handlers it installed. */
  release(): void;
}

/** A StopWatch that can be stopped by calling `stop` (tests; and the base of the process one). */
export interface ManualStopWatch extends StopWatch {
  stop(reason: StopReason): void;
}

/** A StopWatch stopped by hand; the first reason wins. */
export function manualStopWatch(onRelease: () => void = () => {}): ManualStopWatch {
  let reason: StopReason | null = null;
  let resolve!: (r: StopReason) => void;
  const stopped = new Promise<StopReason>((r) => (resolve = r));
  return {
    get reason() {
      return reason;
    },
    stopped,
    stop(r) {
      if (reason !== null) return;
      reason = r;
      resolve(r);
    },
    release: onRelease,
  };
}

/** A StopWatch that never stops (an Io without signals). */
export const NEVER_STOPS: StopWatch = {
  reason: null,
  stopped: new Promise<StopReason>(() => {}),
  release() {},
};

/** Whether an error is a closed pipe on write. */
export function isBrokenPipe(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === "EPIPE" || code === "ERR_STREAM_DESTROYED" || code === "ERR_STREAM_WRITE_AFTER_END";
}

/**
 * Installs SIGINT handling for the duration of a stream (see the module comment). `onStop`
 * runs once when a stop arrives, so the caller can release a blocked input (destroy stdin).
 * `brokenPipe` reports a stdout that has already gone (checked when the watch starts).
 */
export function watchProcessStops(opts: { onStop?: (reason: StopReason) => void; brokenPipe?: () => boolean } = {}): ManualStopWatch {
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts++;
    if (interrupts > 1) {
      process.stderr.write("dermrules: interrupted again: exiting now\n");
      process.exit(INTERRUPTED_EXIT_CODE);
    }
    watch.stop("interrupt");
  };
  const watch = manualStopWatch(() => {
    process.removeListener("SIGINT", onSigint);
  });
  const stop = watch.stop;
  watch.stop = (reason) => {
    if (watch.reason !== null) return;
    stop(reason);
    opts.onStop?.(reason);
  };
  process.on("SIGINT", onSigint);
  if (opts.brokenPipe?.()) watch.stop("broken-pipe");
  return watch;
}

/**
 * The items of `source` until the watch stops, checked before each item is handed out. A
 * stop while the input is idle (a terminal, a quiet pipe) is the input's to end: the process
 * Io destroys stdin on a stop, and the read error that may follow is swallowed here. No race
 * per item: a `Promise.race` per record costs microseconds and, against a promise that never
 * settles, keeps a reaction alive per record. `counter.items` counts the items handed out.
 */
export async function* untilStopped<T>(source: AsyncIterable<T>, watch: StopWatch, counter: { items: number } = { items: 0 }): AsyncGenerator<T> {
  try {
    for await (const item of source) {
      if (watch.reason !== null) return;
      counter.items++;
      yield item;
    }
  } catch (err) {
    if (watch.reason === null) throw err;
  }
}

/**
 * What a stopped stream ends with: after SIGINT, the summary on stderr and exit code 130;
 * after a broken pipe, nothing (null: the command returns its usual code, quietly).
 * `progress` says how far the input was read, e.g. "input read up to line 1234".
 */
export function stopOutcome(watch: StopWatch, command: string, progress: string, stderr: (text: string) => void): number | null {
  switch (watch.reason) {
    case null:
    case "broken-pipe":
      return null;
    case "interrupt":
      stderr(`dermrules ${command}: interrupted: ${progress}; the result of every record up to there was written, the rest of the input was not evaluated\n`);
      return INTERRUPTED_EXIT_CODE;
    default: {
      const never: never = watch.reason;
      throw new Error(`unexpected stop reason ${String(never)}`);
    }
  }
}

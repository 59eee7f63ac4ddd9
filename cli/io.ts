/**
 * The world a command sees, injected so that tests run commands in-process.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { linesOf } from "../formats/index.ts";
import { isBrokenPipe, watchProcessStops, type ManualStopWatch, type StopWatch } from "./signals.ts";

export interface Io {
  readonly cwd: string;
  stdout(text: string): void;
  /**
   * Output already encoded as UTF-8 (`--workers` chunks), written in order after what `stdout`
   * took before it. Absent: `writeBytes` decodes it and calls `stdout`.
   */
  stdoutBytes?(bytes: Uint8Array): void;
  stderr(text: string): void;
  /** Reads a file relative to cwd; throws the Node error on failure (callers turn it into exit 2). */
  readFile(file: string): Buffer;
  writeFile(file: string, data: string): void;
  /** Standard input as a stream of lines (for `-`). */
  stdinLines(): AsyncIterable<string>;
  /** Lines of a file, streamed. */
  fileLines(file: string): AsyncIterable<string>;
  readonly isTTY: boolean;
  /** Writes buffered stdout, waiting for the stream to drain (call it now and then in long loops). */
  flush(): Promise<void>;
  /**
   * Starts watching for a reason to stop a long stream (SIGINT, a broken stdout pipe); the
   * caller releases it when the stream ends. Absent: streams never stop early.
   */
  watchStops?(): StopWatch;
}

/** Exit codes (brief "Contracts"): 0 clean, 1 findings / compile errors, 2 usage or unreadable input. */
export const ExitCode = { Ok: 0, Findings: 1, Usage: 2 } as const;

const encoder = new TextEncoder();

/**
 * `text` as UTF-8 in a buffer of its own (never a slice of Node's shared pool, so it can be
 * transferred to another thread). `TextEncoder.encodeInto` copies a string of ASCII characters
 * at memory speed, about ten times faster than `Buffer.from(text)`; text with other characters
 * takes the general path.
 */
export function encodeUtf8(text: string): Uint8Array {
  const buf = Buffer.allocUnsafeSlow(text.length);
  if (encoder.encodeInto(text, buf).read === text.length) return buf;
  const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(text, "utf8"));
  encoder.encodeInto(text, bytes);
  return bytes;
}

/** Writes UTF-8 output through `io`: as bytes where it takes them, else decoded to text. */
export function writeBytes(io: Io, bytes: Uint8Array): void {
  if (io.stdoutBytes !== undefined) io.stdoutBytes(bytes);
  else io.stdout(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8"));
}

/** A readable stream as text chunks (the line splitting is formats/index.ts `linesOf`). */
function textChunks(stream: NodeJS.ReadableStream): AsyncIterable<string> {
  stream.setEncoding?.("utf8");
  return stream as AsyncIterable<string>;
}

/**
 * The real process's Io. Output is buffered and written in large chunks, honouring backpressure.
 * A broken stdout pipe (the reader went away) is not an error: output is dropped from then on,
 * a waiting flush returns, and a running stream is told to stop (cli/signals.ts).
 */
export function processIo(): Io {
  // Text is gathered in `out` and encoded (`encodeUtf8`) when a flush or some bytes come;
  // `ready` holds the encoded output in order until the flush writes it.
  let out = "";
  let ready: Uint8Array[] = [];
  let broken = false;
  let wakeFlush: (() => void) | null = null;
  let watch: ManualStopWatch | null = null;
  process.stdout.on("error", (err) => {
    if (!isBrokenPipe(err)) throw err;
    broken = true;
    out = "";
    ready = [];
    wakeFlush?.();
    watch?.stop("broken-pipe");
  });
  const encodeOut = (): void => {
    if (out.length === 0) return;
    ready.push(encodeUtf8(out));
    out = "";
  };
  const flush = async (): Promise<void> => {
    encodeOut();
    if (ready.length === 0 || broken) {
      ready = [];
      return;
    }
    const chunks = ready;
    ready = [];
    let full = false;
    for (const chunk of chunks) full = !process.stdout.write(chunk);
    if (full) {
      await new Promise<void>((resolve) => {
        wakeFlush = resolve;
        process.stdout.once("drain", () => resolve());
      });
      wakeFlush = null;
    }
  };
  return {
    cwd: process.cwd(),
    stdout(text) {
      if (!broken) out += text;
    },
    stdoutBytes(bytes) {
      if (broken) return;
      encodeOut();
      ready.push(bytes);
    },
    stderr(text) {
      process.stderr.write(text);
    },
    readFile: (file) => fs.readFileSync(path.resolve(process.cwd(), file)),
    writeFile: (file, data) => fs.writeFileSync(path.resolve(process.cwd(), file), data),
    stdinLines: () => linesOf(textChunks(process.stdin)),
    fileLines: (file) => linesOf(textChunks(fs.createReadStream(path.resolve(process.cwd(), file)))),
    isTTY: Boolean(process.stdout.isTTY),
    flush,
    watchStops() {
      const w = watchProcessStops({
        // A stop while the input is idle must not leave stdin holding the process open.
        onStop: () => process.stdin.destroy(),
        brokenPipe: () => broken,
      });
      watch = w;
      const release = w.release;
      w.release = () => {
        release();
        if (watch === w) watch = null;
      };
      return w;
    },
  };
}

/** Runs `dermrules` commands in-process with an injected Io (vitest inline-fixture style). */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../cli/main.ts";
import type { Io } from "../../cli/io.ts";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs one command line with cwd = `cwd` (default: the repository root). */
export async function runCli(argv: string[], opts: { cwd?: string; stdin?: string } = {}): Promise<CliRun> {
  const cwd = opts.cwd ?? REPO_ROOT;
  let stdout = "";
  let stderr = "";
  async function* lines(text: string): AsyncIterable<string> {
    const parts = text.split(/\r?\n/);
    if (parts[parts.length - 1] === "") parts.pop();
    yield* parts;
  }
  const io: Io = {
    cwd,
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    readFile: (f) => fs.readFileSync(path.resolve(cwd, f)),
    writeFile: (f, d) => fs.writeFileSync(path.resolve(cwd, f), d),
    stdinLines: () => lines(opts.stdin ?? ""),
    fileLines: (f) => lines(fs.readFileSync(path.resolve(cwd, f), "utf8")),
    isTTY: false,
    flush: async () => {},
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

export const REPO_ROOT = path.resolve(import.meta.dirname, "../..");

/** A fresh temporary folder, removed by the caller's afterAll (or left to the OS). */
export function tempDir(prefix = "dermrules-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Parses NDJSON output into objects. */
export function ndjson(text: string): Record<string, unknown>[] {
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

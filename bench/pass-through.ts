/**
 * The NDJSON pass-through the end-to-end figure is compared with: the same line reader and the
 * same buffered stdout as `dermrules eval`, but each record is only parsed and re-serialised.
 * Run through bench/child.mjs: `node bench/child.mjs --script bench/pass-through.ts file.ndjson`.
 */
import { processIo } from "../cli/io.ts";

export async function main(args: string[]): Promise<number> {
  const io = processIo();
  let n = 0;
  for await (const line of io.fileLines(args[0]!)) {
    if (line.trim() === "") continue;
    io.stdout(JSON.stringify(JSON.parse(line)) + "\n");
    if ((++n & 1023) === 0) await io.flush();
  }
  await io.flush();
  return 0;
}

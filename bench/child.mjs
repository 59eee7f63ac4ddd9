// Runs the dermrules CLI (or, with `--script file`, another module) in this process and writes
// its resource usage as JSON to fd 3 when it ends: CPU seconds and peak RSS. The bench spawns
// this so that compile time and memory are those of a real `dermrules` process.
import * as fs from "node:fs";
import { register } from "tsx/esm/api";

register();
const args = process.argv.slice(2);
let code = 0;
if (args[0] === "--script") {
  const mod = await import(new URL(args[1], `file://${process.cwd()}/`).href);
  code = (await mod.main(args.slice(2))) ?? 0;
} else {
  const { main } = await import("../cli/main.ts");
  code = await main(args, undefined);
}
const report = () => {
  const u = process.resourceUsage();
  try {
    fs.writeSync(3, JSON.stringify({ cpuSec: (u.userCPUTime + u.systemCPUTime) / 1e6, maxRssMb: u.maxRSS / 1024 }));
  } catch {
    // fd 3 is not open: run by hand.
  }
};
process.once("beforeExit", report);
process.exitCode = code;

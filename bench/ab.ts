/**
 * A/B of two versions of runtime/ on workload (a): `npx tsx bench/ab.ts <A> <B> [pre|validate]`,
 * where A and B are git revisions, or `.` for the working tree. Each version's runtime/ is copied
 * into bench/.work/ab/<label>/ (under a `"type": "module"` package, so tsx loads it as ES modules,
 * as the CLI does: a copy outside one is compiled to CommonJS, where every call into another
 * module goes through an export getter, and the figures are wrong), then timed in a fresh
 * process per run, the two alternating, three runs each (AB_RUNS=n for more): the median of 7 passes over the 50,000
 * claims after 2 warm-ups, by CPU time. Prints the runs, the medians and B / A. Two identical
 * runtimes have measured up to 3.5% apart on the 2-core machine: read smaller ratios as noise.
 *
 * The table is bench/.work/derm.json (`npm run bench` writes it; it must load in both versions).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { execFileSync, spawnSync } from "node:child_process";
import { ROOT, WORK, fmtNum, median, rate } from "./util.ts";
import { dermClaims } from "./claims.ts";

const TABLE = path.join(WORK, "derm.json");

async function child(dir: string, mode: string): Promise<void> {
  const idx = await import(path.join(dir, "index.ts"));
  const ev = await import(path.join(dir, "evaluate.ts"));
  const loaded = idx.loadTable(fs.readFileSync(TABLE, "utf8"));
  if (!loaded.ok) throw new Error(`table: ${loaded.errors[0].message}`);
  const lt = loaded.table;
  const claims = dermClaims(50_000, 20260601);
  let sink = 0;
  const run =
    mode === "validate"
      ? () => {
          for (const c of claims) sink += idx.evaluate(lt, c).findings.length;
        }
      : () => {
          for (const c of claims) sink += ev.evaluateChecked(lt, c).findings.length;
        };
  const r = rate(run, claims.length);
  process.stdout.write(`${Math.round(r.cpu)} ${sink % 7}\n`);
}

/** Copies runtime/ of a revision (or of the working tree, `.`) into bench/.work/ab/<label>. */
function checkout(rev: string, label: string): string {
  const dir = path.join(WORK, "ab", label);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  if (rev === ".") fs.cpSync(path.join(ROOT, "runtime"), dir, { recursive: true });
  else {
    const tar = execFileSync("git", ["archive", rev, "runtime"], { cwd: ROOT, maxBuffer: 1 << 28 });
    execFileSync("tar", ["-x", "--strip-components=1", "-C", dir], { input: tar });
  }
  return dir;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === "--child") return child(args[1]!, args[2]!);
  const [a, b, mode = "pre"] = args;
  if (a === undefined || b === undefined || (mode !== "pre" && mode !== "validate")) {
    process.stderr.write("usage: npx tsx bench/ab.ts <revA|.> <revB|.> [pre|validate]\n");
    process.exitCode = 2;
    return;
  }
  if (!fs.existsSync(TABLE)) throw new Error(`${TABLE} is missing: run \`npm run bench\` (or \`npx dermrules compile rules -o ${path.relative(ROOT, TABLE)}\`)`);
  const dirs = [checkout(a, "A"), checkout(b, "B")];
  const rates: number[][] = [[], []];
  const runs = Number(process.env.AB_RUNS ?? 3);
  for (let i = 0; i < runs; i++) {
    for (let k = 0; k < 2; k++) {
      const s = spawnSync(process.execPath, ["--import", "tsx", import.meta.filename, "--child", dirs[k]!, mode], { cwd: ROOT, encoding: "utf8" });
      if (s.status !== 0) throw new Error(`run of ${k === 0 ? a : b} failed: ${s.stderr}`);
      rates[k]!.push(Number(s.stdout.split(" ")[0]));
    }
  }
  const [ma, mb] = [median(rates[0]!), median(rates[1]!)];
  console.log(`A ${a}: ${rates[0]!.map((r) => fmtNum(r)).join(", ")} claims/s, median ${fmtNum(ma)}`);
  console.log(`B ${b}: ${rates[1]!.map((r) => fmtNum(r)).join(", ")} claims/s, median ${fmtNum(mb)}`);
  console.log(`B / A ${fmtNum(mb / ma, 3)} (${mode === "validate" ? "validate + evaluate" : "pre-validated"}, CPU time)`);
}

await main();

/**
 * Results do not depend on how the rules are laid out or how a claim is ordered: the same
 * random program, with its rules spread over other files and the members of its sets shuffled,
 * compiles to a table that gives the same results on random claims; shuffling a claim's lines
 * gives the same findings up to line renumbering.
 *
 * Runs: FC_NUM_RUNS (default 30). A failure prints its seed and path.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluate, loadTable } from "../../runtime/index.ts";
import type { Claim, ClaimResult, Finding } from "../../runtime/types.ts";
import { layeredClaim, layeredProgram } from "../arbitraries/analysis.ts";
import { compile } from "../compiler/helpers.ts";

const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 30);

/** Splits a rule file into its top-level items (a new item starts at column 0). */
function items(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    if (/^(when|select|ptp|mue|aoc|codes|dx|modifiers|override|disable|test|ruleset) /.test(line) || out.length === 0) out.push(line);
    else out[out.length - 1] += `\n${line}`;
  }
  return out;
}

/** `codes X = a, b, c` with its members in another order. */
function shuffleSet(item: string, order: number[]): string {
  const m = /^((?:codes|dx|modifiers) \S+ = )(.*)$/s.exec(item);
  if (!m) return item;
  const members = m[2]!.split(",").map((x) => x.trim());
  const shuffled = members.map((_, i) => members[order[i % order.length]! % members.length]!);
  // A permutation: fall back to the original when the order repeats a member.
  return new Set(shuffled).size === members.length ? `${m[1]}${shuffled.join(", ")}` : item;
}

function tableOf(files: Record<string, string>, data: Record<string, string>) {
  const r = compile(files, data);
  expect(r.diagnostics.filter((d) => d.severity === "error").map((d) => d.message)).toEqual([]);
  const loaded = loadTable(r.table!);
  if (!loaded.ok) throw new Error("table does not load");
  return loaded.table;
}

function renumbered(fs: readonly Finding[], map: (n: number) => number): string[] {
  return fs.map((f) => JSON.stringify({ ...f, lines: f.lines.map(map).sort((a, b) => a - b), ...(f.related && { related: f.related.map(map).sort((a, b) => a - b) }), ...(f.fix?.lines && { fix: { ...f.fix, lines: f.fix.lines.map(map).sort((a, b) => a - b) } }) })).sort();
}

describe("permutation invariance", () => {
  it("rule files and set members in any order give the same results", () => {
    let compared = 0;
    fc.assert(
      fc.property(
        layeredProgram,
        fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(layeredClaim, { minLength: 6, maxLength: 6 }),
        (p, order, nfiles, claims) => {
          const base = tableOf(p.files, p.data);
          // The cms file's items spread over `nfiles` files (in an order the seed picks), set
          // members shuffled; files are named so that their sorted order differs from the original.
          const cmsItems = items(p.files["cms.rules"]!).map((it) => shuffleSet(it, order));
          const files: Record<string, string> = { "acme.rules": p.files["acme.rules"]! };
          cmsItems.forEach((it, i) => {
            const f = `z${(order[i % order.length]! + i) % nfiles}-cms.rules`;
            files[f] = `${files[f] ?? ""}${it}\n`;
          });
          const moved = tableOf(files, p.data);
          for (const c of claims) {
            const a = evaluate(base, c) as ClaimResult;
            const b = evaluate(moved, c) as ClaimResult;
            expect(b, JSON.stringify({ files, claim: c })).toEqual(a);
            compared++;
          }
        },
      ),
      { numRuns: NUM_RUNS },
    );
    expect(compared).toBeGreaterThan(0);
  });

  it("claim lines in any order give the same findings, up to renumbering", () => {
    fc.assert(
      fc.property(layeredProgram, layeredClaim, fc.array(fc.nat(), { minLength: 5, maxLength: 5 }), (p, c, keys) => {
        const table = tableOf(p.files, p.data);
        // A permutation of the lines: sort their indexes by the random keys.
        const perm = c.lines.map((_, i) => i).sort((x, y) => (keys[x % keys.length]! - keys[y % keys.length]!) || x - y);
        const shuffled: Claim = { ...c, lines: perm.map((i) => c.lines[i]!) };
        const a = evaluate(table, c) as ClaimResult;
        const b = evaluate(table, shuffled) as ClaimResult;
        // Line n of the shuffled claim is line perm[n-1]+1 of the original.
        expect(renumbered(b.findings, (n) => perm[n - 1]! + 1), JSON.stringify({ perm, claim: c })).toEqual(renumbered(a.findings, (n) => n));
        expect(b.verdict).toBe(a.verdict);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

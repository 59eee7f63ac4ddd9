/**
 * Properties of the diff on random rule sets (the differential test's arbitraries):
 * - a rule set against itself reformatted and with its items shuffled (a pure move) reports no
 *   rule change and no behaviour change, by construction;
 * - a rule set against a mutated copy (a threshold, a severity, a date, a disable, a PTP row):
 *   every witness is a real difference, and whenever some random claim gets a different
 *   result, the diff reports a behaviour change too (the search does not miss it), and the
 *   rule whose findings differ on that claim is among the rules it reports.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileSources } from "../../compiler/index.ts";
import { formatRules } from "../../grammar/index.ts";
import { evaluate, loadTable } from "../../runtime/index.ts";
import type { ClaimResult } from "../../runtime/types.ts";
import { diffSides, ruleDifferences, type Side } from "../../review/index.ts";
import { claim, program, type GeneratedProgram } from "../compiler/arbitraries.ts";
import { expectWitnessesReal } from "./helpers.ts";

const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 40);
/** Time for a run of NUM_RUNS programs (each diff compiles two tables and evaluates some thousand claims). */
const TIMEOUT = 30_000 + NUM_RUNS * 5_000;

function sideOf(g: { files: Record<string, string>; data: Record<string, string> }, label: string): Side | undefined {
  const r = compileSources(
    Object.entries(g.files).map(([path, text]) => ({ path, text })),
    { readFile: (p) => (g.data[p] === undefined ? undefined : Buffer.from(g.data[p]!)) },
  );
  if (!r.table) return undefined;
  return { label, table: r.table, program: r.program };
}

/** The top-level items of a generated file (each starts at column 0), shuffled by `order`. */
function shuffleItems(text: string, order: number[]): string {
  const lines = text.split("\n");
  const items: string[][] = [];
  const head: string[] = [];
  for (const l of lines) {
    if (l === "") continue;
    if (l.startsWith("ruleset ")) head.push(l);
    else if ((/^\s/.test(l) || l.startsWith("}")) && items.length > 0) items[items.length - 1]!.push(l);
    else items.push([l]);
  }
  const keyed = items.map((it, i) => ({ it, k: order[i % Math.max(order.length, 1)] ?? i }));
  keyed.sort((a, b) => a.k - b.k);
  return [...head, ...keyed.map((x) => x.it.join("\n"))].join("\n\n") + "\n";
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant("number" as const), at: fc.nat(), delta: fc.constantFrom(-1, 1, 2) }),
  fc.record({ kind: fc.constant("severity" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("effective" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("disable" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("ptp" as const), at: fc.nat(), to: fc.constantFrom(0, 1, 9) }),
  fc.record({ kind: fc.constant("mue" as const), at: fc.nat(), delta: fc.constantFrom(-1, 1) }),
);

/** Applies one textual mutation somewhere; undefined when there was nothing to mutate. */
function mutate(g: GeneratedProgram, m: fc.Arbitrary<unknown> extends never ? never : { kind: string; at: number; delta?: number; to?: number }): GeneratedProgram | undefined {
  const files = { ...g.files };
  const data = { ...g.data };
  const nth = (text: string, re: RegExp, f: (m: RegExpExecArray) => string): string | undefined => {
    const all = [...text.matchAll(re)];
    if (all.length === 0) return undefined;
    const hit = all[m.at % all.length]!;
    return text.slice(0, hit.index) + f(hit as RegExpExecArray) + text.slice(hit.index! + hit[0].length);
  };
  let out: string | undefined;
  switch (m.kind) {
    case "number":
      out = nth(files["cms.rules"]!, /\b(count|units|age|lesionCount) (>=|<=|!=|>|<|=) (\d+)/g, (x) => `${x[1]} ${x[2]} ${Math.max(0, Number(x[3]) + (m.delta ?? 1))}`);
      if (out) files["cms.rules"] = out;
      break;
    case "severity":
      out = nth(files["cms.rules"]!, /severity (error|warning|info)/g, (x) => `severity ${x[1] === "error" ? "warning" : "error"}`);
      if (out) files["cms.rules"] = out;
      break;
    case "effective":
      out = nth(files["cms.rules"]!, /(\n  id gen\.r\d+)/g, (x) => `${x[1]}\n  effective 2024-03-01`);
      if (out && /effective[^\n]*\n(?:[^\n]*\n)*?\s*effective/.test(out)) out = undefined;
      if (out) files["cms.rules"] = out;
      break;
    case "disable": {
      const acme = files["acme.rules"]!;
      const ids = [...files["cms.rules"]!.matchAll(/id (gen\.r\d+)/g)].map((x) => x[1]!);
      const id = ids[m.at % Math.max(ids.length, 1)];
      if (id === undefined) return undefined;
      files["acme.rules"] = acme.includes(`disable ${id}\n`) ? acme.replace(`disable ${id}\n`, "") : `${acme}disable ${id}\n`;
      out = files["acme.rules"];
      break;
    }
    case "ptp":
      if (!data["ptp.tsv"]) return undefined;
      out = nth(data["ptp.tsv"], /\t([019])\tgenerated/g, () => `\t${m.to}\tgenerated`);
      if (out) data["ptp.tsv"] = out;
      break;
    case "mue":
      if (!data["mue.tsv"]) return undefined;
      out = nth(data["mue.tsv"], /\n(\d{5})\t(\d+)\t/g, (x) => `\n${x[1]}\t${Math.max(1, Number(x[2]) + (m.delta ?? 1))}\t`);
      if (out) data["mue.tsv"] = out;
      break;
    default:
      return undefined;
  }
  return out === undefined ? undefined : { ...g, files, data };
}

describe("diff properties on random rule sets", () => {
  it("a reformatted and shuffled copy reports no change and no behaviour change", async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(program, fc.array(fc.nat(), { maxLength: 12 }), async (g, order) => {
        const base = sideOf(g, "base");
        if (!base) return;
        const files: Record<string, string> = {};
        for (const [p, t] of Object.entries(g.files)) {
          const shuffled = shuffleItems(t, order);
          files[p] = formatRules(shuffled, p).text ?? shuffled;
        }
        const head = sideOf({ files, data: g.data }, "head");
        expect(head, Object.values(files).join("\n----\n")).toBeDefined();
        const r = await diffSides(base, head!, { random: 20, maxPerTarget: 300 });
        expect(r.rules).toEqual([]);
        expect(r.layers).toEqual([]);
        expect(r.tables).toEqual([]);
        expect(r.behaviour.changed).toBe(false);
        expect(r.behaviour.equivalent).toBeDefined();
        runs++;
      }),
      { numRuns: NUM_RUNS },
    );
    expect(runs).toBeGreaterThan(NUM_RUNS / 2);
  }, TIMEOUT);

  it("a mutated copy: witnesses are real, and a difference a random claim shows is found", async () => {
    let compared = 0;
    let differing = 0;
    let rulesSeen = 0;
    let rulesFound = 0;
    await fc.assert(
      fc.asyncProperty(program, mutation, fc.array(claim, { minLength: 10, maxLength: 25 }), async (g, m, claims) => {
        const base = sideOf(g, "base");
        const g2 = mutate(g, m);
        if (!base || !g2) return;
        const head = sideOf(g2, "head");
        if (!head) return;
        const r = await diffSides(base, head, { random: 40, maxPerTarget: 800 });
        expectWitnessesReal(r, base, head);
        const A = loadTable(base.table);
        const B = loadTable(head.table);
        if (!A.ok || !B.ok) throw new Error("tables do not load");
        const reported = new Set(r.behaviour.byRule.map((x) => x.rule));
        let differs = false;
        for (const c of claims) {
          const a = evaluate(A.table, c) as ClaimResult;
          const b = evaluate(B.table, c) as ClaimResult;
          compared++;
          const diff = ruleDifferences(a, b);
          if (diff.size === 0) continue;
          differs = true;
          for (const rule of diff.keys()) {
            rulesSeen++;
            if (reported.has(rule)) rulesFound++;
          }
        }
        if (differs) {
          differing++;
          expect(r.behaviour.changed, `${m.kind}: ${JSON.stringify(g2.files)}`).toBe(true);
        }
      }),
      { numRuns: NUM_RUNS },
    );
    // The per-rule catch rate is measured, not asserted claim by claim: the search aims at the
    // changed rules, and the random claims of this test are an independent check on it.
    console.log(`diff property: ${compared} random claims, ${differing} mutated programs showed a difference; rules seen differing on random claims: ${rulesSeen}, reported by the diff: ${rulesFound}`);
    expect(differing).toBeGreaterThan(0);
    expect(rulesFound).toBeGreaterThanOrEqual(rulesSeen * 0.9);
  }, TIMEOUT);
});

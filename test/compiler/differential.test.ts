/**
 * The differential property (zod's compile-differential test, OPA's topdown-vs-wasm): on
 * random rule sets × random claims, the runtime on the compiled table gives exactly the
 * findings of the naive reference interpreter on the AST. Counters prove the rules fire.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { interpret } from "../../compiler/index.ts";
import { evaluate, loadTable } from "../../runtime/index.ts";
import { program, claim, ACTIONS, type ActionKind } from "./arbitraries.ts";
import { compile, summary } from "./helpers.ts";

const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 200);

describe("compiled table vs reference interpreter", () => {
  it("agree on random rule sets and claims", () => {
    const fired = new Map<ActionKind | "ptp" | "mue" | "addon" | "note" | "code", number>();
    let claims = 0;
    let claimsWithRuleFindings = 0;
    fc.assert(
      fc.property(program, fc.array(claim, { minLength: 1, maxLength: 6 }), (gen, cs) => {
        const r = compile(gen.files, gen.data);
        const errors = r.diagnostics.filter((d) => d.severity === "error");
        expect(summary(errors), `${gen.files["cms.rules"]}\n----\n${gen.files["acme.rules"]}`).toEqual([]);
        const loaded = loadTable(r.table!);
        if (!loaded.ok) throw new Error(`table does not load: ${JSON.stringify(loaded.errors)}`);
        for (const c of cs) {
          const fast = evaluate(loaded.table, c);
          if (fast.verdict === "invalid") throw new Error(`generated an invalid claim: ${JSON.stringify(fast.errors)}`);
          const slow = interpret(r.program, c);
          expect(slow).toEqual(fast);
          // The CLI compares the two as JSON text: key order must agree too.
          expect(JSON.stringify(slow)).toBe(JSON.stringify(fast));
          claims++;
          let ruleFinding = false;
          for (const f of fast.findings) {
            const kind = gen.kinds[f.rule];
            const key = f.severity === "info" && f.lines.length === 0 && f.message.includes("which the claim lacks") ? "note" : kind ?? (f.category as "ptp" | "mue" | "addon" | "code");
            fired.set(key, (fired.get(key) ?? 0) + 1);
            if (kind) ruleFinding = true;
          }
          if (ruleFinding) claimsWithRuleFindings++;
        }
      }),
      { numRuns: NUM_RUNS },
    );
    // The property only means something if rules fire: every action kind, select tables,
    // the three NCCI tables and the missing-field notes, and rules on a good share of claims.
    const report = Object.fromEntries([...fired].sort());
    console.log(`differential: ${claims} claims, ${claimsWithRuleFindings} with rule findings`, report);
    for (const k of [...ACTIONS, "select", "ptp", "mue", "addon", "note", "code"] as const) {
      expect(fired.get(k) ?? 0, `findings of ${k}`).toBeGreaterThan(0);
    }
    expect(claimsWithRuleFindings / claims).toBeGreaterThan(0.25);
  });
});

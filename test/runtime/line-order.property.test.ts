/**
 * Property: evaluation does not depend on line order. Random small tables × random claims;
 * shuffling the claim's lines (fc.shuffledSubarray at full length) gives the same findings once
 * line numbers are mapped back. Results also match runtime/schema/result.schema.json.
 */
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluate } from "../../runtime/index.ts";
import type { ClaimResult } from "../../runtime/index.ts";
import { claimArb, denseClaimArb, denseTableArb, renumber, shuffled, tableArb } from "./arbitraries.ts";

const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 300);

describe("line order", () => {
  it("NCCI edits on a dense table do not depend on the order of the claim's lines", () => {
    fc.assert(
      fc.property(denseTableArb, shuffled(denseClaimArb), (table, [claim, perm]) => {
        const a = evaluate(table, claim) as ClaimResult;
        const b = evaluate(table, { ...claim, lines: perm.map((i) => claim.lines[i]) }) as ClaimResult;
        expect(b.verdict).toBe(a.verdict);
        expect(renumber(b.findings, perm)).toEqual(a.findings);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("findings do not depend on the order of the claim's lines", () => {
    let withFindings = 0;
    let runs = 0;
    fc.assert(
      fc.property(
        tableArb,
        shuffled(claimArb),
        (table, [claim, perm]) => {
          const a = evaluate(table, claim) as ClaimResult;
          const b = evaluate(table, { ...claim, lines: perm.map((i) => claim.lines[i]) }) as ClaimResult;
          expect(a.verdict).not.toBe("invalid");
          runs++;
          if (a.findings.length > 0) withFindings++;
          expect(b.verdict).toBe(a.verdict);
          expect(renumber(b.findings, perm)).toEqual(a.findings);
        },
      ),
      { numRuns: NUM_RUNS },
    );
    // The property is not vacuous: most random claims get findings.
    expect(withFindings / runs).toBeGreaterThan(0.5);
  });
});

describe("result shape", () => {
  const validate = new Ajv({ strict: false }).compile(JSON.parse(readFileSync("runtime/schema/result.schema.json", "utf8")));
  it("every result matches result.schema.json, valid or invalid", () => {
    fc.assert(
      fc.property(tableArb, claimArb, fc.boolean(), (table, claim, breakIt) => {
        const input = breakIt ? { ...claim, lines: [{ ...claim.lines[0], units: 0 }] } : claim;
        const r = evaluate(table, input);
        expect(r.verdict === "invalid").toBe(breakIt);
        if (!validate(r)) throw new Error(JSON.stringify(validate.errors));
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

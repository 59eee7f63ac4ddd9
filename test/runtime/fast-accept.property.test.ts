/**
 * The claim validator's hand-written fast accept (runtime/validate.ts `certainlyMatchesSchema`)
 * must never accept what the generated schema validator rejects: on valid claims and on claims
 * with one field replaced by a tricky value, "fast says yes" implies "ajv says yes". It must
 * also accept the ordinary valid claims, or it would save nothing.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import validateClaimSchema from "../../runtime/generated/validate-claim.js";
import { certainlyMatchesSchema } from "../../runtime/validate.ts";
import { normalizeClaim } from "../../runtime/input.ts";
import { dermClaims } from "../../bench/claims.ts";

const TRICKY: unknown[] = [
  "", " ", "\t", "x", "1700", "17000 ", " 17000", "1700A", "1700a", "17000X", "A000", "a0000", "G012", "G01271",
  "2024-1-01", "2024-01-011", "2024/01/01", "２０２４-01-01", "L57.", "L57.01234", "l57.0", "L5", "LL7", "C44.311X", "C44..1",
  "C4431", "C4", "25", "2", "25X", "x5", "XS", "xs", "11", "1", "123", "1234567893", "123456789", "M", "F", "U", "m",
  0, 1, -1, 1.5, 12, 13, 9999, 10000, 1e999, -1e999, Number.NaN, null, true, [], {}, [1], ["25"], ["L57.0"], { a: 1 },
];

const PATHS: (string | number)[][] = [
  ["id"], ["payer"], ["serviceDate"], ["placeOfService"], ["provider"], ["provider", "npi"], ["provider", "name"], ["patient"],
  ["patient", "sex"], ["patient", "birthDate"], ["diagnoses"], ["diagnoses", 0], ["diagnoses", 1], ["lines"], ["lines", 0],
  ["lines", 0, "code"], ["lines", 0, "units"], ["lines", 0, "modifiers"], ["lines", 0, "modifiers", 0], ["lines", 0, "dxPointers"],
  ["lines", 0, "dxPointers", 0], ["lines", 0, "charge"], ["lines", 0, "serviceDate"], ["lines", 0, "facts"],
  ["lines", 0, "facts", "lesionCount"], ["lines", 0, "facts", "site"], ["lines", 0, "facts", "excisedDiameterCm"],
  ["lines", 0, "facts", "repairLengthCm"], ["lines", 1, "code"], ["lines", 1, "units"],
];

function setAt(root: unknown, path: (string | number)[], value: unknown): void {
  let cur = root as Record<string | number, unknown>;
  for (let i = 0; i < path.length - 1; i++) {
    let next = cur[path[i]!];
    if (next === null || typeof next !== "object") next = cur[path[i]!] = typeof path[i + 1] === "number" ? [] : {};
    cur = next as Record<string | number, unknown>;
  }
  cur[path[path.length - 1]!] = value;
}

const claims = dermClaims(300, 99);

describe("fast accept of claims", () => {
  it("accepts the ordinary valid claims", () => {
    for (const c of claims) {
      expect(validateClaimSchema(c)).toBe(true);
      expect(certainlyMatchesSchema(c as unknown as Record<string, unknown>)).toBe(true);
    }
  });

  it("never accepts what the generated validator rejects", () => {
    let rejected = 0;
    fc.assert(
      fc.property(fc.nat(claims.length - 1), fc.constantFrom(...PATHS), fc.constantFrom(...TRICKY), fc.boolean(), (ci, path, value, withFacts) => {
        const c = structuredClone(claims[ci]!) as unknown as Record<string, unknown>;
        if (withFacts) setAt(c, ["lines", 0, "facts"], { lesionCount: 3, site: "nose", excisedDiameterCm: 1.2, repairLengthCm: 2 });
        setAt(c, path, value);
        const fast = certainlyMatchesSchema(c);
        const ajv = validateClaimSchema(c);
        if (!ajv) rejected++;
        if (fast) expect(ajv).toBe(true);
      }),
      { numRuns: 5000 },
    );
    // The mutations do reach invalid claims (the property is not vacuous).
    expect(rejected).toBeGreaterThan(500);
  });

  it("with normalToo, accepts only claims that are valid and already in normal form", () => {
    // `evaluate` then skips normalizeClaim: that is sound only if normalizing changes nothing.
    let changed = 0;
    fc.assert(
      fc.property(fc.nat(claims.length - 1), fc.constantFrom(...PATHS), fc.constantFrom(...TRICKY), (ci, path, value) => {
        const c = structuredClone(claims[ci]!) as unknown as Record<string, unknown>;
        setAt(c, path, value);
        const normal = normalizeClaim(c);
        if (normal !== c) changed++;
        if (certainlyMatchesSchema(c, true)) {
          expect(normal).toBe(c);
          expect(validateClaimSchema(c)).toBe(true);
        }
      }),
      { numRuns: 5000 },
    );
    expect(changed).toBeGreaterThan(50);
    for (const c of claims) expect(certainlyMatchesSchema(c as unknown as Record<string, unknown>, true)).toBe(true);
    const lower = structuredClone(claims[0]!) as unknown as { diagnoses: string[] };
    lower.diagnoses[0] = lower.diagnoses[0]!.toLowerCase();
    expect(certainlyMatchesSchema(lower as unknown as Record<string, unknown>, true)).toBe(false);
    expect(certainlyMatchesSchema(lower as unknown as Record<string, unknown>)).toBe(true);
  });
});

/**
 * The analysis arbitraries at a fixed seed (fast-check's NoRegression idea): a change to the
 * generators shows up as a snapshot diff to review, and every generated program compiles.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compile } from "../compiler/helpers.ts";
import { analysisClaim, analysisProgram } from "./analysis.ts";

describe("analysis arbitraries", () => {
  it("are stable at seed 42", () => {
    expect(fc.sample(analysisProgram, { seed: 42, numRuns: 3 })).toMatchSnapshot();
    expect(fc.sample(analysisClaim, { seed: 42, numRuns: 3 })).toMatchSnapshot();
  });

  it("generate programs that compile without errors", () => {
    for (const p of fc.sample(analysisProgram, { seed: 7, numRuns: 60 })) {
      const r = compile(p.files, p.data);
      expect(r.diagnostics.filter((d) => d.severity === "error").map((d) => d.message), p.files["p.rules"]).toEqual([]);
    }
  });
});

/**
 * Issue 4, found by the conflict-completeness property (seed -460396652): a rule whose condition
 * holds on a group with no lines (`11102 count < 1`) was never found in conflict, because the
 * solver's witness W had no line of its own — and a claim has at least one. Every model now has
 * a line; the conflict's W has one in its own view.
 */
import { describe, expect, it } from "vitest";
import { brief, check, expectEvidenceHolds, withCode } from "../compiler/analyze/helpers.ts";

describe("regression: a witness claim has a line even when the rule needs none", () => {
  it("finds the conflict of a requirement whose condition needs no line", () => {
    const r = check(
      "select for 17111, 11102 {\n  case 11104 without dx L82.1 -> 11102\n}\n  id p.r0\nwhen 11102 count < 1 and not 11102 with modifier 25 require 17111\n  id p.r1\n",
      {},
      ["dead", "unsatisfiable", "conflict"],
    );
    expect(brief(withCode(r.diagnostics, "DR3001"))).toContain("DR3001 error [p.r1 p.r0]");
    expectEvidenceHolds(r);
  });
});

/**
 * Issue 4, found by the same property (seed -2040723822): `fix replace 17111 with 17111`
 * removes the lines of 17111 and adds one; the view of the claim after the fix hid the added
 * line too, so its MUE of 0 went unseen. The added line is now kept in that view.
 */
describe("regression: the line a replace fix adds stays in view", () => {
  it("finds the MUE that denies the replacement", () => {
    const r = check("when line 11102 forbid modifier 25\n  id p.r0\n  fix replace 17111 with 17111\nmue \"mue.tsv\"\n", { "mue.tsv": "code\tmue\tmai\trationale\n17111\t0\t1\tgen\n" }, [
      "dead",
      "unsatisfiable",
      "conflict",
    ]);
    expect(brief(withCode(r.diagnostics, "DR3001"))).toEqual(["DR3001 error [p.r0 cms.mue.17111]"]);
    expectEvidenceHolds(r);
  });
});

/**
 * Issue 4, found by the same property (seed -1395107022): a count in the denial (MUE 11102, 1
 * per day, over the rule's line and the added one) was checked before the rule's own line was
 * in the model, and the search gave up. Lines a deferred formula brings are now tried first.
 */
describe("regression: a count in the denial waits for the lines the rule brings", () => {
  it("finds the MUE that the added line trips together with the rule's line", () => {
    const r = check("when line 11102 deny\n  id p.r1\n  fix replace 99213 with 11102\nmue \"mue.tsv\"\n", { "mue.tsv": "code\tmue\tmai\trationale\n11102\t1\t2\tgen\n" }, [
      "dead",
      "unsatisfiable",
      "conflict",
    ]);
    expect(brief(withCode(r.diagnostics, "DR3001"))).toEqual(["DR3001 error [p.r1 cms.mue.11102]"]);
    expectEvidenceHolds(r);
  });
});

/**
 * Issue 4, found by the same property (seed -1009586388): `17004 count = 1` with a line of
 * 17004 already there kept the search adding more 17004 lines (each one a dead end) until its
 * budget ran out. A count `= n` that its forced lines already meet gets no more lines.
 */
describe("regression: no lines are added to a count that they cannot help", () => {
  it("decides the rule, and finds the conflict", () => {
    const r = check(
      "when 17004 count = 1 and not 11102 count <= 0 and not 11102 with modifier 25 require modifier 25\n  id p.r0\n  fix replace 11102 with 17000\nmue \"mue.tsv\"\n",
      { "mue.tsv": "code\tmue\tmai\trationale\n17000\t0\t1\tgen\n" },
      ["dead", "unsatisfiable", "conflict"],
    );
    expect(r.stats.undecided).toBe(0);
    expect(brief(withCode(r.diagnostics, "DR3001"))).toEqual(["DR3001 error [p.r0 cms.mue.17000]"]);
  });
});

/** DR3020 rules no test exercises, DR3021 expectations that name nothing. */
import { describe, expect, it } from "vitest";
import { brief, check, withCode } from "./helpers.ts";

const ONLY = ["coverage"];

describe("coverage", () => {
  it("DR3020: a rule no test block exercises; `expect no` counts as exercising", () => {
    const r = check(
      'when 17000 flag\n  id t.tested\nwhen 17003 flag\n  id t.quiet\nwhen 17004 flag\n  id t.untested\ntest "x" {\n  claim dos 2024-05-15 dx L57.0\n  line 17000 dx 1\n  expect warning t.tested\n  expect no t.quiet\n}\n',
      {},
      ONLY,
    );
    expect(brief(withCode(r.diagnostics, "DR3020"))).toEqual(["DR3020 warning [t.untested]"]);
  });

  it("DR3021: an expectation that names no rule or edit of any layer; a layer boundary is fine", () => {
    const r = check(
      {
        "cms.rules": 'when 17000 flag\n  id t.a\ntest "x" {\n  claim dos 2024-05-15 dx L57.0\n  line 17000 dx 1\n  expect no t.typo\n  expect no acme.*\n  expect no dermrules.icd10.*\n}\n',
        "acme.rules": "ruleset acme extends cms\nwhen 17003 deny\n  id acme.b\n",
      },
      {},
      ONLY,
    );
    expect(withCode(r.diagnostics, "DR3021").map((d) => d.message)).toEqual(["test `x` expects no finding of `t.typo`, which names no rule or table edit"]);
  });

});

/**
 * Stages `rulesets` and `layering`: bases, cycles, duplicate ids, overrides, disables,
 * inherited tables.
 */
import { describe, expect, it } from "vitest";
import { codesOf, compile, summary } from "./helpers.ts";

const BASE = `when 17000 flag
  id cms.policy.a
  message "base a"
when line 17003 require dx in L57.0
  id cms.policy.b
when 11102 flag
  id cms.policy.c
`;

function layerIds(r: ReturnType<typeof compile>, layer: string): string[] {
  return r.table!.layers[layer]!.rules.map((i) => r.table!.rules[i]!.id);
}

describe("rulesets", () => {
  it("files without `ruleset` belong to cms, which always exists and is the default layer", () => {
    const r = compile({ "a.rules": "when 17000 flag\n" });
    expect(Object.keys(r.table!.layers)).toEqual(["cms"]);
    expect(r.table!.defaultLayer).toBe("cms");
    const empty = compile({ "b.rules": "ruleset acme\nwhen 17000 flag\n" });
    expect(Object.keys(empty.table!.layers).sort()).toEqual(["acme", "cms"]);
    expect(empty.table!.layers.cms!.rules).toEqual([]);
  });

  it("`extends` must name a known ruleset", () => {
    const r = compile("ruleset acme-health extends cmss\nwhen 17000 flag\n");
    expect(summary(r.diagnostics)).toEqual(["DR2010 error: unknown ruleset `cmss`"]);
    expect(r.diagnostics[0]!.hint).toBe("did you mean `cms`?");
  });

  it("cycles are an error naming the whole cycle", () => {
    const r = compile({ "a.rules": "ruleset aa extends bb\n", "b.rules": "ruleset bb extends cc\n", "c.rules": "ruleset cc extends aa\n", "d.rules": "ruleset dd extends aa\n" });
    expect(summary(r.diagnostics)).toEqual(["DR2011 error: rulesets extend each other in a cycle: `aa` → `bb` → `cc` → `aa`"]);
    expect(r.program.layers.has("aa")).toBe(false);
    expect(r.program.layers.has("dd")).toBe(false);
  });

  it("files of one ruleset must agree on its base", () => {
    const r = compile({ "a.rules": "ruleset x1 extends cms\n", "b.rules": "ruleset other\n", "c.rules": "ruleset x1 extends other\n" });
    expect(codesOf(r.diagnostics)).toEqual(["DR2012"]);
  });
});

describe("rule ids in layers", () => {
  it("an id used twice in one layer is an error pointing at the first", () => {
    const r = compile("when 17000 flag\n  id cms.policy.same\nwhen 17003 flag\n  id cms.policy.same\n");
    expect(summary(r.diagnostics)).toEqual(["DR2050 error: rule id `cms.policy.same` is used twice in ruleset `cms`"]);
    expect(r.diagnostics[0]!.related![0]!.message).toBe("`cms.policy.same` is first used here");
  });

  it("two rules with the same meaning and no id collide on their derived id", () => {
    const r = compile("when 17000 flag\nwhen  17000\n  flag\n  message \"other text\"\n");
    expect(codesOf(r.diagnostics)).toEqual(["DR2050"]);
    expect(r.diagnostics[0]!.hint).toBe("the two rules mean the same: remove one, or give each an `id`");
  });

  it("a layer rule may not reuse a base rule's id without `override`", () => {
    const r = compile({ "cms.rules": BASE, "acme.rules": "ruleset acme extends cms\nwhen 17004 flag\n  id cms.policy.a\n" });
    expect(summary(r.diagnostics)).toEqual(["DR2051 error: rule `cms.policy.a` is already defined in ruleset `cms`"]);
    expect(r.diagnostics[0]!.hint).toBe("write `override cms.policy.a` to replace it (defined at cms.rules:1:1)");
  });

  it("the same id in two sibling layers is fine", () => {
    const r = compile({ "a.rules": "ruleset aa extends cms\nwhen 17000 flag\n  id x.one\n", "b.rules": "ruleset bb extends cms\nwhen 17003 flag\n  id x.one\n" });
    expect(r.diagnostics).toEqual([]);
    expect(r.table!.rules.map((x) => `${x.id}@${x.layer}`)).toEqual(["x.one@aa", "x.one@bb"]);
  });
});

describe("inheritance, overrides and disables", () => {
  const ACME = `ruleset acme extends cms
override cms.policy.a
  severity error
  message "acme pays 17000 only with prior authorization"
override cms.policy.b
  when line 17003 require dx in L57.0, L82.1
disable cms.policy.c
when 99213 flag
  id acme.policy.em
`;

  it("a layer inherits the base's rules and adds its own, ordered by id", () => {
    const r = compile({ "cms.rules": BASE, "acme.rules": "ruleset acme extends cms\nwhen 99213 flag\n  id acme.policy.em\n" });
    expect(layerIds(r, "cms")).toEqual(["cms.policy.a", "cms.policy.b", "cms.policy.c"]);
    expect(layerIds(r, "acme")).toEqual(["acme.policy.em", "cms.policy.a", "cms.policy.b", "cms.policy.c"]);
    // Inherited rules are shared, not copied.
    expect(r.table!.rules).toHaveLength(4);
    expect(r.table!.layers.acme!.rules.slice(1)).toEqual(r.table!.layers.cms!.rules);
  });

  it("override with metadata amends; with a body replaces and keeps the id; disable removes", () => {
    const r = compile({ "cms.rules": BASE, "acme.rules": ACME });
    expect(r.diagnostics).toEqual([]);
    const t = r.table!;
    expect(layerIds(r, "acme")).toEqual(["acme.policy.em", "cms.policy.a", "cms.policy.b"]);
    const acme = t.layers.acme!.rules.map((i) => t.rules[i]!);
    const a = acme.find((x) => x.id === "cms.policy.a")!;
    const baseA = t.rules[t.layers.cms!.rules[0]!]!;
    expect(baseA).toMatchObject({ layer: "cms", severity: "warning", message: "base a", origin: "cms.rules:1:1" });
    expect(a).toMatchObject({ layer: "acme", severity: "error", message: "acme pays 17000 only with prior authorization", origin: "acme.rules:2:1" });
    expect(a.when).toEqual(baseA.when);
    const b = acme.find((x) => x.id === "cms.policy.b")!;
    expect(b.action).toEqual({ k: "require-dx", set: { codes: ["L570", "L821"], prefixes: [] } });
    expect(b.layer).toBe("acme");
    // The program keeps where the base rule was.
    const pb = r.program.layers.get("acme")!.rules.find((x) => x.id === "cms.policy.b")!;
    expect(pb.baseOrigin).toBe("cms.rules:4:1");
    // The base layer is untouched.
    expect(layerIds(r, "cms")).toEqual(["cms.policy.a", "cms.policy.b", "cms.policy.c"]);
  });

  it("a layer of a layer sees the middle layer's overrides and disables", () => {
    const r = compile({ "cms.rules": BASE, "acme.rules": ACME, "kids.rules": "ruleset acme-kids extends acme\noverride cms.policy.a\n  severity info\n" });
    expect(r.diagnostics).toEqual([]);
    const kids = r.table!.layers["acme-kids"]!.rules.map((i) => r.table!.rules[i]!);
    expect(kids.map((x) => x.id)).toEqual(["acme.policy.em", "cms.policy.a", "cms.policy.b"]);
    expect(kids[1]).toMatchObject({ severity: "info", message: "acme pays 17000 only with prior authorization" });
  });

  it("override of an unknown id is an error with did-you-mean; of a table edit, a tailored error", () => {
    const r = compile({
      "cms.rules": BASE + 'ptp "ptp-good.tsv"\n',
      "acme.rules": "ruleset acme extends cms\noverride cms.policy.aa\n  severity info\noverride cms.ptp.17004.17003\n  severity info\n",
    });
    expect(summary(r.diagnostics)).toEqual([
      "DR2052 error: `override` names no rule of `cms`: `cms.policy.aa`",
      "DR2056 error: `cms.ptp.17004.17003` is a table edit: table edits cannot be overridden",
    ]);
    expect(r.diagnostics[0]!.hint).toMatch(/^did you mean `cms\.policy\.a`/);
  });

  it("disable of an unknown id is a warning; patterns reach rules and table edits", () => {
    const r = compile({
      "cms.rules": BASE + 'ptp "ptp-good.tsv"\nmue "mue-good.tsv"\n',
      "acme.rules": "ruleset acme extends cms\ndisable cms.policy.*\ndisable cms.ptp.11104.*\ndisable cms.mue.17003\ndisable cms.nothing.*\n",
    });
    expect(summary(r.diagnostics.filter((d) => d.code !== "DR4022"))).toEqual([
      "DR2053 warning: `disable` matches no rule or table edit of ruleset `acme`: `cms.nothing.*`",
    ]);
    expect(r.table!.layers.acme!.rules).toEqual([]);
    expect(r.table!.layers.acme!.disabled).toEqual(["cms.mue.17003", "cms.ptp.11104.*"]);
    expect(r.table!.layers.cms!.disabled).toEqual([]);
  });

  it("layers inherit their base's tables and disabled edits, and add their own", () => {
    const r = compile({
      "cms.rules": 'ptp "ptp-good.tsv"\ndisable cms.ptp.17000.99213\n',
      "acme.rules": 'ruleset acme extends cms\nmue "mue-good.tsv"\n',
      "kids.rules": 'ruleset kids extends acme\naoc "aoc-good.tsv"\n  only 17000-17004\n',
    });
    const t = r.table!;
    expect(t.edits.ptp.map((x) => x.idPrefix)).toEqual(["cms.ptp"]);
    expect(t.edits.mue.map((x) => x.idPrefix)).toEqual(["acme.mue"]);
    expect(t.edits.aoc.map((x) => x.idPrefix)).toEqual(["kids.aoc"]);
    expect([t.layers.cms!.ptp, t.layers.cms!.mue, t.layers.cms!.aoc]).toEqual([[0], [], []]);
    expect([t.layers.kids!.ptp, t.layers.kids!.mue, t.layers.kids!.aoc]).toEqual([[0], [0], [0]]);
    expect(t.layers.kids!.disabled).toEqual(["cms.ptp.17000.99213"]);
    // `only` keeps the add-ons that touch the set (as add-on or primary).
    expect(Object.keys(t.edits.aoc[0]!.addons)).toEqual(["17003"]);
  });

  it("two tables of one kind need different id prefixes", () => {
    const r = compile('ptp "ptp-good.tsv"\nptp "ptp-good.tsv.gz"\nptp "ptp-crlf.tsv"\n  id cms.ptp-extra\n');
    expect(summary(r.diagnostics)).toEqual(["DR2055 error: two PTP tables of ruleset `cms` produce the ids `cms.ptp.*`"]);
  });
});

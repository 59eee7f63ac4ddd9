/** Compiled rules on hand-built tables: every action, every condition kind, scopes, windows, layers. */
import { describe, expect, it } from "vitest";
import { createBatchEvaluator, evaluate, evaluateBatch } from "../../runtime/index.ts";
import type { ClaimResult, EvalResult, Finding } from "../../runtime/index.ts";
import type { TCond, TRule } from "../../runtime/table.ts";
import { TRUE, and, claim, day, has, loaded, not, or, rule, set } from "../support/tables.ts";

function ok(r: EvalResult): ClaimResult {
  if (r.verdict === "invalid") throw new Error(JSON.stringify(r.errors));
  return r;
}

function run(rules: TRule[], lines: Record<string, unknown>[], extra: Record<string, unknown> = {}): Finding[] {
  return ok(evaluate(loaded({ rules }), claim(lines, extra))).findings;
}

/** The lines of each finding of rule `id`. */
function linesOf(findings: Finding[], id: string): number[][] {
  return findings.filter((f) => f.rule === id).map((f) => f.lines);
}

/** Whether a condition fires a claim-scope `flag` on this claim. */
function fires(when: TCond, lines: Record<string, unknown>[], extra: Record<string, unknown> = {}, scope: "claim" | "line" = "claim", subject?: string): boolean {
  const r = rule({ id: "t.c", when, action: { k: "flag" }, severity: "warning", scope, ...(subject ? { subject: set(subject) } : {}), triggers: [] });
  return run([r], lines, extra).some((f) => f.rule === "t.c" && f.severity === "warning");
}

describe("actions", () => {
  it("require-codes: one finding on the subject lines when no line has the set, default fix add-code", () => {
    const r = rule({ id: "t.req", when: { k: "count", set: set("17003"), op: ">", n: 14 }, action: { k: "require-codes", set: set("17004") }, message: "use 17004" });
    const f = run([r], [{ code: "17000", units: 1 }, { code: "17003", units: 10 }, { code: "17003", units: 5 }]);
    expect(f).toEqual([
      { rule: "t.req", category: "policy", severity: "error", lines: [2, 3], message: "use 17004", source: "test source", fix: { op: "add-code", lines: [2, 3], codes: ["17004"] } },
    ]);
    expect(run([r], [{ code: "17003", units: 15 }, { code: "17004", units: 1 }])).toEqual([]);
    expect(run([r], [{ code: "17003", units: 14 }])).toEqual([]);
  });

  it("require-codes over a wide set has no default fix", () => {
    const r = rule({ id: "t.req", when: has("17003"), action: { k: "require-codes", set: set("17000", "17004", "17110", "17111") } });
    expect(run([r], [{ code: "17003", units: 1 }])[0].fix).toBeUndefined();
  });

  it("require-modifier: each target line without one; `on` picks targets; default fix add-modifier", () => {
    const r = rule({ id: "t.mod", when: and(has("99213"), has("11102")), action: { k: "require-modifier", set: ["25", "57"], on: set("99202-99215") } });
    const f = run([r], [{ code: "99213", units: 1 }, { code: "11102", units: 1 }, { code: "99214", units: 1, modifiers: ["25"] }]);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ rule: "t.mod", lines: [1], fix: { op: "add-modifier", lines: [1], modifier: "25" } });
    const subjectOnly = rule({ id: "t.mod2", when: has("11102"), action: { k: "require-modifier", set: ["59"] } });
    expect(linesOf(run([subjectOnly], [{ code: "11102", units: 1 }, { code: "11102", units: 1, modifiers: ["59"] }, { code: "17000", units: 1 }]), "t.mod2")).toEqual([[1]]);
  });

  it("require-dx: each subject line pointing to no dx of the set; without code atoms, the claim's dx", () => {
    const mal = { codes: [], prefixes: ["C44", "D03"] };
    const r = rule({ id: "t.dx", when: has("11600-11646"), action: { k: "require-dx", set: mal } });
    const extra = { diagnoses: ["L57.0", "C44.311"] };
    expect(linesOf(run([r], [{ code: "11600", units: 1, dxPointers: [1] }, { code: "11601", units: 1, dxPointers: [2] }, { code: "11602", units: 1 }], extra), "t.dx")).toEqual([[1]]);
    const claimLevel = rule({ id: "t.dx2", when: { k: "age", op: ">=", n: 0 }, action: { k: "require-dx", set: mal }, needs: ["patient.birthDate"] });
    const p = { patient: { birthDate: "1950-01-01" } };
    expect(linesOf(run([claimLevel], [{ code: "17000", units: 1 }], p), "t.dx2")).toEqual([[]]);
    expect(run([claimLevel], [{ code: "17000", units: 1 }], { ...p, ...extra })).toEqual([]);
  });

  it("forbid-codes: each non-subject line of the set, related = subject lines, default fix remove", () => {
    const r = rule({ id: "t.forbid", when: has("17004"), action: { k: "forbid-codes", set: set("17000-17004") } });
    const f = run([r], [{ code: "17004", units: 1 }, { code: "17000", units: 1 }, { code: "17003", units: 3 }, { code: "11102", units: 1 }]);
    expect(f.map((x) => [x.lines, x.related, x.fix])).toEqual([
      [[2], [1], { op: "remove", lines: [2] }],
      [[3], [1], { op: "remove", lines: [3] }],
    ]);
  });

  it("forbid-modifier: each target line carrying one, no default fix", () => {
    const r = rule({ id: "t.fm", when: has("11102"), action: { k: "forbid-modifier", set: ["GA", "GZ"] } });
    const f = run([r], [{ code: "11102", units: 1, modifiers: ["GZ"] }, { code: "11102", units: 1 }]);
    expect(f.map((x) => x.lines)).toEqual([[1]]);
    expect(f[0].fix).toBeUndefined();
    const on = rule({ id: "t.fm2", when: has("11102"), action: { k: "forbid-modifier", set: ["59"], on: set("17000") } });
    expect(linesOf(run([on], [{ code: "11102", units: 1, modifiers: ["59"] }, { code: "17000", units: 1, modifiers: ["59"] }]), "t.fm2")).toEqual([[2]]);
  });

  it("limit per day: one finding with all lines of the set when the total exceeds max", () => {
    const r = rule({ id: "t.lim", when: has("11102"), action: { k: "limit", set: set("11102"), max: 1, per: "day" } });
    expect(run([r], [{ code: "11102", units: 1 }, { code: "11102", units: 1 }])).toMatchObject([{ lines: [1, 2] }]);
    expect(run([r], [{ code: "11102", units: 1 }, { code: "11102", units: 1 }])[0].fix).toBeUndefined();
    expect(run([r], [{ code: "11102", units: 3 }])[0].fix).toEqual({ op: "set-units", lines: [1], units: 1 });
    expect(run([r], [{ code: "11102", units: 1 }])).toEqual([]);
  });

  it("limit per line: each line over max, fix set-units", () => {
    const r = rule({ id: "t.lim", when: has("11102"), action: { k: "limit", set: set("11102"), max: 1, per: "line" } });
    const f = run([r], [{ code: "11102", units: 2 }, { code: "11102", units: 1 }, { code: "11102", units: 4 }]);
    expect(f.map((x) => [x.lines, x.fix?.units])).toEqual([[[1], 1], [[3], 1]]);
  });

  it("deny and flag: one finding on the subject lines", () => {
    const d = rule({ id: "t.deny", when: has("11200"), action: { k: "deny" }, category: "coverage" });
    const g = rule({ id: "t.flag", when: has("11200"), action: { k: "flag" }, severity: "warning" });
    const r = ok(evaluate(loaded({ rules: [d, g] }), claim([{ code: "11200", units: 1 }, { code: "17000", units: 1 }, { code: "11200", units: 1 }])));
    expect(r.findings.map((f) => [f.rule, f.severity, f.lines])).toEqual([
      ["t.deny", "error", [1, 3]],
      ["t.flag", "warning", [1, 3]],
    ]);
    expect(r.verdict).toBe("deny");
  });

  it("select: first case that holds gives the code; a different code gets a replace fix", () => {
    const cases = [
      { when: { k: "fact", name: "excisedDiameterCm", op: "<=", n: 0.5 } as TCond, code: "11600" },
      { when: { k: "fact", name: "excisedDiameterCm", op: "<=", n: 1.0 } as TCond, code: "11601" },
      { when: { k: "fact", name: "excisedDiameterCm", op: "<=", n: 2.0 } as TCond, code: "11602" },
    ];
    const r = rule({ id: "t.sel", scope: "line", subject: set("11600-11606"), action: { k: "select", cases }, category: "code-selection" });
    const f = run([r], [
      { code: "11600", units: 1, facts: { excisedDiameterCm: 0.8 } },
      { code: "11601", units: 1, facts: { excisedDiameterCm: 0.8 } },
      { code: "11602", units: 1 },
      { code: "11601", units: 1, facts: { excisedDiameterCm: 3 } },
    ]);
    expect(f).toEqual([
      { rule: "t.sel", category: "code-selection", severity: "error", lines: [1], message: "test rule message", source: "test source", fix: { op: "replace", lines: [1], codes: ["11601"] } },
    ]);
  });

  it("a line rule whose triggers differ from its subject (a hand-written table) runs only when a trigger code is billed", () => {
    // The compiler writes triggers = subject for line rules; the runtime skips the candidate
    // marks only then, and must honour narrower triggers otherwise.
    const r = rule({ id: "t.line", scope: "line", subject: set("99213"), triggers: set("17000"), action: { k: "flag" }, severity: "warning" });
    expect(linesOf(run([r], [{ code: "99213", units: 1 }, { code: "11102", units: 1 }]), "t.line")).toEqual([]);
    expect(linesOf(run([r], [{ code: "99213", units: 1 }, { code: "17000", units: 1 }]), "t.line")).toEqual([[1]]);
  });

  it("select with site conjuncts: the first case that holds in written order, whatever the line's site", () => {
    // The runtime indexes these cases by site; the answer must stay "first case in order".
    const small = { k: "fact", name: "excisedDiameterCm", op: "<=", n: 1.0 } as TCond;
    const site = (...values: string[]) => ({ k: "site", values }) as TCond;
    const cases = [
      { when: and(small, site("back", "arm")), code: "11601" },
      { when: and(small, site("nose")), code: "11641" },
      { when: { k: "fact", name: "lesionCount", op: ">=", n: 2 } as TCond, code: "11606" },
      { when: and(site("back"), { k: "fact", name: "excisedDiameterCm", op: ">", n: 1.0 } as TCond), code: "11602" },
      { when: site("nose", "hand"), code: "11642" },
    ];
    const r = rule({ id: "t.sel", scope: "line", subject: set("11600-11646"), action: { k: "select", cases }, category: "code-selection" });
    const chosen = (facts: Record<string, unknown>): string | null => {
      const f = run([r], [{ code: "11600", units: 1, facts }]);
      return f.length === 0 ? "11600" : (f[0].fix?.codes?.[0] ?? null);
    };
    expect(chosen({ site: "back", excisedDiameterCm: 0.8 })).toBe("11601");
    expect(chosen({ site: "BACK", excisedDiameterCm: 0.8 })).toBe("11601");
    expect(chosen({ site: "Nose", excisedDiameterCm: 0.8 })).toBe("11641");
    // A site-less case comes before a later case of the line's site.
    expect(chosen({ site: "back", excisedDiameterCm: 2, lesionCount: 3 })).toBe("11606");
    expect(chosen({ site: "back", excisedDiameterCm: 2 })).toBe("11602");
    expect(chosen({ site: "nose", excisedDiameterCm: 2 })).toBe("11642");
    expect(chosen({ site: "hand", excisedDiameterCm: 0.8 })).toBe("11642");
    // A site no case names, and no site at all: only the site-less case can hold.
    expect(chosen({ site: "knee", excisedDiameterCm: 0.8, lesionCount: 2 })).toBe("11606");
    expect(chosen({ site: "knee", excisedDiameterCm: 0.8 })).toBe("11600");
    expect(chosen({ excisedDiameterCm: 0.8, lesionCount: 5 })).toBe("11606");
    expect(chosen({ excisedDiameterCm: 0.8 })).toBe("11600");
  });
});

describe("explicit fixes override the default", () => {
  const base = { when: has("17003"), action: { k: "deny" } as const };
  const lines = [{ code: "17000", units: 1 }, { code: "17003", units: 3 }, { code: "17003", units: 2 }];
  it("replace: lines whose code is in `from`", () => {
    const r = rule({ ...base, id: "t.f", fix: { op: "replace", from: set("17000", "17003"), codes: ["17004"] } });
    expect(run([r], lines)[0].fix).toEqual({ op: "replace", lines: [1, 2, 3], codes: ["17004"] });
  });
  it("remove: lines of the given codes, else the finding's lines", () => {
    expect(run([rule({ ...base, id: "t.f", fix: { op: "remove", codes: set("17000") } })], lines)[0].fix).toEqual({ op: "remove", lines: [1] });
    expect(run([rule({ ...base, id: "t.f", fix: { op: "remove" } })], lines)[0].fix).toEqual({ op: "remove", lines: [2, 3] });
  });
  it("add-modifier: lines of `to`, else the finding's lines", () => {
    expect(run([rule({ ...base, id: "t.f", fix: { op: "add-modifier", modifier: "59", to: set("17000") } })], lines)[0].fix).toEqual({ op: "add-modifier", lines: [1], modifier: "59" });
    expect(run([rule({ ...base, id: "t.f", fix: { op: "add-modifier", modifier: "59" } })], lines)[0].fix).toEqual({ op: "add-modifier", lines: [2, 3], modifier: "59" });
  });
  it("set-units, add-code, text", () => {
    expect(run([rule({ ...base, id: "t.f", fix: { op: "set-units", units: 13 } })], lines)[0].fix).toEqual({ op: "set-units", lines: [2, 3], units: 13 });
    expect(run([rule({ ...base, id: "t.f", fix: { op: "add-code", codes: ["17000"] } })], lines)[0].fix).toEqual({ op: "add-code", lines: [2, 3], codes: ["17000"] });
    expect(run([rule({ ...base, id: "t.f", fix: { op: "text", text: "see the LCD" } })], lines)[0].fix).toEqual({ op: "text", text: "see the LCD" });
  });
});

describe("conditions", () => {
  const L = (code: string, more: Record<string, unknown> = {}) => ({ code, units: 1, ...more });
  it("true, and, or, not", () => {
    expect(fires(TRUE, [L("17000")])).toBe(true);
    expect(fires(and(has("17000"), has("17003")), [L("17000")])).toBe(false);
    expect(fires(and(has("17000"), has("17003")), [L("17000"), L("17003")])).toBe(true);
    expect(fires(or(has("11102"), has("17003")), [L("17000"), L("17003")])).toBe(true);
    expect(fires(not(has("17003")), [L("17000")])).toBe(true);
    expect(fires(not(has("17003")), [L("17003")])).toBe(false);
  });

  it("has with units, mod, noMod, dx, noDx qualifiers", () => {
    expect(fires(has("11102", { units: [">", 1] }), [L("11102")])).toBe(false);
    expect(fires(has("11102", { units: [">", 1] }), [L("11102", { units: 2 })])).toBe(true);
    expect(fires(has("99213", { mod: ["25"] }), [L("99213")])).toBe(false);
    expect(fires(has("99213", { mod: ["25"] }), [L("99213", { modifiers: ["25"] })])).toBe(true);
    expect(fires(has("99213", { noMod: ["25"] }), [L("99213", { modifiers: ["25"] })])).toBe(false);
    expect(fires(has("99213", { noMod: ["25"] }), [L("99213", { modifiers: ["GT"] })])).toBe(true);
    const dx = { codes: ["L570"], prefixes: [] };
    const two = { diagnoses: ["L57.0", "L82.1"] };
    expect(fires(has("17000", { dx }), [L("17000", { dxPointers: [2] })], two)).toBe(false);
    expect(fires(has("17000", { dx }), [L("17000", { dxPointers: [2, 1] })], two)).toBe(true);
    expect(fires(has("17000", { dx }), [L("17000")], two)).toBe(true); // no pointers: every dx
    expect(fires(has("17000", { noDx: dx }), [L("17000", { dxPointers: [2] })], two)).toBe(true);
  });

  it("count sums units over the set; ranges match", () => {
    const c: TCond = { k: "count", set: set("17000-17004"), op: ">=", n: 5 };
    expect(fires(c, [L("17000"), L("17003", { units: 3 })])).toBe(false);
    expect(fires(c, [L("17000"), L("17003", { units: 4 })])).toBe(true);
    expect(fires({ k: "count", set: set("17003"), op: "=", n: 0 }, [L("17000")])).toBe(true);
    expect(fires({ k: "count", set: set("17003"), op: "!=", n: 0 }, [L("17000")])).toBe(false);
    expect(fires({ k: "count", set: set("17003"), op: "<", n: 2 }, [L("17003")])).toBe(true);
    expect(fires({ k: "count", set: set("17003"), op: "<=", n: 0 }, [L("17003")])).toBe(false);
  });

  it("dx in claim scope reads the claim's diagnoses; prefixes match", () => {
    const c: TCond = { k: "dx", scope: "claim", set: { codes: [], prefixes: ["C44"] } };
    expect(fires(c, [L("17000")], { diagnoses: ["L57.0"] })).toBe(false);
    expect(fires(c, [L("17000")], { diagnoses: ["L57.0", "c44.311"] })).toBe(true);
  });

  it("line atoms: dx (pointed), mod, units, fact, site", () => {
    const lineDx: TCond = { k: "dx", scope: "line", set: { codes: ["C44311"], prefixes: [] } };
    const two = { diagnoses: ["L57.0", "C44.311"] };
    expect(fires(lineDx, [L("11600", { dxPointers: [1] })], two, "line", "11600")).toBe(false);
    expect(fires(lineDx, [L("11600", { dxPointers: [2] })], two, "line", "11600")).toBe(true);
    expect(fires({ k: "mod", set: ["59"] }, [L("11102", { modifiers: ["59"] })], {}, "line", "11102")).toBe(true);
    expect(fires({ k: "mod", set: ["59"] }, [L("11102"), L("17000", { modifiers: ["59"] })], {}, "line", "11102")).toBe(false);
    expect(fires({ k: "units", op: ">", n: 1 }, [L("11102", { units: 2 })], {}, "line", "11102")).toBe(true);
    expect(fires({ k: "fact", name: "lesionCount", op: ">=", n: 15 }, [L("17004", { facts: { lesionCount: 15 } })], {}, "line", "17004")).toBe(true);
    expect(fires({ k: "fact", name: "lesionCount", op: ">=", n: 15 }, [L("17004")], {}, "line", "17004")).toBe(false);
    expect(fires({ k: "site", values: ["nose", "lip"] }, [L("11640", { facts: { site: "Nose" } })], {}, "line", "11640")).toBe(true);
    expect(fires({ k: "site", values: ["nose", "lip"] }, [L("11640", { facts: { site: "trunk" } })], {}, "line", "11640")).toBe(false);
    // Line atoms have no current line in claim scope.
    expect(fires({ k: "units", op: ">", n: 0 }, [L("11102")])).toBe(false);
  });

  it("claim facts: age, sex, pos, payer, dos", () => {
    const p = { patient: { sex: "F", birthDate: "1959-05-16" }, placeOfService: "11" };
    expect(fires({ k: "age", op: ">=", n: 65 }, [L("17000")], p)).toBe(false); // 64 on 2024-05-15
    expect(fires({ k: "age", op: ">=", n: 65 }, [L("17000")], { ...p, serviceDate: "2024-05-16" })).toBe(true);
    expect(fires({ k: "sex", values: ["F"] }, [L("17000")], p)).toBe(true);
    expect(fires({ k: "sex", values: ["M"] }, [L("17000")], p)).toBe(false);
    expect(fires({ k: "pos", values: ["11", "22"] }, [L("17000")], p)).toBe(true);
    expect(fires({ k: "pos", values: ["22"] }, [L("17000")], p)).toBe(false);
    expect(fires({ k: "payer", values: ["cms"] }, [L("17000")])).toBe(true);
    expect(fires({ k: "payer", values: ["acme"] }, [L("17000")])).toBe(false);
    expect(fires({ k: "dos", op: ">=", day: day("2024-05-15") }, [L("17000")])).toBe(true);
    expect(fires({ k: "dos", op: ">", day: day("2024-05-15") }, [L("17000")])).toBe(false);
  });
});

describe("subject lines", () => {
  it("come from has/count atoms that hold, outside not; an or keeps the branches that hold", () => {
    const r = rule({ id: "t.s", when: and(or(has("11102"), has("11104"), has("17000")), not(has("99213")), has("11300")), action: { k: "flag" }, severity: "warning" });
    const f = run([r], [{ code: "11102", units: 1 }, { code: "11104", units: 1 }, { code: "11105", units: 1 }, { code: "11300", units: 1 }]);
    expect(f.map((x) => x.lines)).toEqual([[1, 2, 4]]);
  });

  it("a branch that fails gives back its lines", () => {
    const r = rule({ id: "t.s", when: or(and(has("11102"), has("99999")), has("11300")), action: { k: "flag" }, severity: "warning", triggers: set("11102", "11300") });
    expect(run([r], [{ code: "11102", units: 1 }, { code: "11300", units: 1 }]).map((x) => x.lines)).toEqual([[2]]);
  });

  it("a claim-scope rule fires once per date of service; a line-scope rule once per line", () => {
    const claimRule = rule({ id: "t.c", when: has("17000"), action: { k: "flag" }, severity: "warning" });
    const lineRule = rule({ id: "t.l", scope: "line", subject: set("17000"), when: TRUE, action: { k: "deny" } });
    const lines = [
      { code: "17000", units: 1 },
      { code: "17000", units: 1 },
      { code: "17000", units: 1, serviceDate: "2024-05-16" },
    ];
    const f = run([claimRule, lineRule], lines);
    expect(linesOf(f, "t.c")).toEqual([[1, 2], [3]]);
    expect(linesOf(f, "t.l")).toEqual([[1], [2], [3]]);
  });
});

describe("dates of service", () => {
  it("groups lines by date: counts are per date", () => {
    const r = rule({ id: "t.n", when: { k: "count", set: set("17003"), op: ">", n: 14 }, action: { k: "require-codes", set: set("17004") } });
    const lines = [{ code: "17003", units: 10 }, { code: "17003", units: 10, serviceDate: "2024-05-16" }];
    expect(run([r], lines)).toEqual([]);
    expect(run([r], [{ code: "17003", units: 10 }, { code: "17003", units: 10 }])).toHaveLength(1);
  });

  it("effective windows are inclusive and skip rules outside them", () => {
    const r = rule({ id: "t.w", when: has("17000"), action: { k: "deny" }, effective: [day("2024-05-15"), day("2024-06-30")] });
    const at = (d: string) => run([r], [{ code: "17000", units: 1 }], { serviceDate: d }).length;
    expect([at("2024-05-14"), at("2024-05-15"), at("2024-06-30"), at("2024-07-01")]).toEqual([0, 1, 1, 0]);
    const open = rule({ id: "t.o", when: has("17000"), action: { k: "deny" }, effective: [null, day("2020-01-01")] });
    expect(run([open], [{ code: "17000", units: 1 }], { serviceDate: "2019-12-31" })).toHaveLength(1);
  });

  it("a per-line date puts that line in its own window", () => {
    const r = rule({ id: "t.w", when: has("17000"), action: { k: "deny" }, effective: [day("2024-06-01"), null] });
    expect(run([r], [{ code: "17000", units: 1 }, { code: "17000", units: 1, serviceDate: "2024-06-01" }]).map((f) => f.lines)).toEqual([[2]]);
  });
});

describe("missing fields", () => {
  const ageRule = rule({ id: "t.age", when: and(has("17110"), { k: "age", op: "<", n: 12 }), action: { k: "flag" }, severity: "warning", category: "coverage", needs: ["patient.birthDate"] });
  const posRule = rule({ id: "t.pos", when: and(has("17110"), not({ k: "pos", values: ["11"] })), action: { k: "deny" }, needs: ["placeOfService"] });
  const sexRule = rule({ id: "t.sex", when: and(has("11102"), { k: "sex", values: ["F"] }), action: { k: "deny" }, needs: ["patient.sex"] });

  it("an atom on a missing field is false, with one info note per (rule, field)", () => {
    const f = run([ageRule, posRule, sexRule], [{ code: "17110", units: 1 }, { code: "17110", units: 1, serviceDate: "2024-05-16" }]);
    // age < 12 is false → no flag; not(pos 11) is true → deny. sexRule is no candidate (no 11102): no note.
    expect(f.map((x) => [x.rule, x.severity, x.lines])).toEqual([
      ["t.age", "info", []],
      ["t.pos", "info", []],
      ["t.pos", "error", [1]],
      ["t.pos", "error", [2]],
    ]);
    expect(f[0]).toEqual({
      rule: "t.age",
      category: "coverage",
      severity: "info",
      lines: [],
      message: "rule `t.age` reads `patient.birthDate`, which the claim lacks: its condition on it was taken as false",
      source: "test source",
    });
  });

  it("no note when the field is present, or the rule is outside its window", () => {
    expect(run([ageRule], [{ code: "17110", units: 1 }], { patient: { birthDate: "2015-01-01" } }).map((x) => x.severity)).toEqual(["warning"]);
    const late = rule({ ...ageRule, id: "t.late", effective: [day("2030-01-01"), null] });
    expect(run([late], [{ code: "17110", units: 1 }])).toEqual([]);
  });
});

describe("payer layers", () => {
  const base = rule({ id: "cms.r", when: has("17000"), action: { k: "deny" } });
  const acme = rule({ id: "acme.r", layer: "acme", when: has("17000"), action: { k: "flag" }, severity: "warning" });
  const t = loaded({ rules: [base, acme], layers: { acme: { rules: ["acme.r"] } } });
  const c = (payer?: string) => ok(evaluate(t, claim([{ code: "17000", units: 1 }], payer ? { payer } : {})));

  it("the claim's payer picks the layer; the default layer otherwise", () => {
    expect(c().layer).toBe("cms");
    expect(c().findings.map((f) => f.rule)).toEqual(["cms.r"]);
    expect(c("acme")).toMatchObject({ layer: "acme", verdict: "review" });
    expect(c("acme").findings.map((f) => f.rule)).toEqual(["acme.r"]);
  });

  it("an unknown payer gets the default layer and an info note", () => {
    const r = c("globex");
    expect(r.layer).toBe("cms");
    expect(r.findings[0]).toEqual({
      rule: "dermrules.payer.unknown",
      category: "coverage",
      severity: "info",
      lines: [],
      message: "payer `globex` has no ruleset: the `cms` rules were applied",
      source: "dermrules runtime",
    });
    expect(r.findings.map((f) => f.rule)).toEqual(["dermrules.payer.unknown", "cms.r"]);
  });
});

describe("candidates come from the indexes", () => {
  it("a rule indexed under codes the group lacks is not evaluated (its triggers are its contract)", () => {
    // A deliberately wrong trigger: the rule would fire on 17000 but is indexed under 11102 only.
    const r = rule({ id: "t.idx", when: TRUE, action: { k: "deny" }, triggers: set("11102") });
    expect(run([r], [{ code: "17000", units: 1 }])).toEqual([]);
    expect(run([r], [{ code: "11102", units: 1 }])).toHaveLength(1);
  });

  it("range triggers find rules through the range index, including nested ranges", () => {
    const wide = rule({ id: "t.wide", when: has("11000-11999"), action: { k: "flag" }, severity: "warning" });
    const narrow = rule({ id: "t.narrow", when: has("11600-11646"), action: { k: "deny" } });
    const t = loaded({ rules: [wide, narrow] });
    const ids = (code: string) => ok(evaluate(t, claim([{ code, units: 1 }]))).findings.map((f) => f.rule);
    expect(ids("11000")).toEqual(["t.wide"]);
    expect(ids("11600")).toEqual(["t.narrow", "t.wide"]);
    expect(ids("11620")).toEqual(["t.narrow", "t.wide"]);
    expect(ids("11646")).toEqual(["t.narrow", "t.wide"]);
    expect(ids("11647")).toEqual(["t.wide"]);
    expect(ids("11999")).toEqual(["t.wide"]);
    expect(ids("12000")).toEqual([]);
  });
});

describe("batches", () => {
  it("evaluates duplicate ids each, with a warning on the repeats", () => {
    const t = loaded();
    const c = claim([{ code: "17000", units: 1 }]);
    const out = evaluateBatch(t, [c, c, { ...c, id: "C2" }, 5]);
    expect(out.map((r) => r.verdict)).toEqual(["clean", "review", "clean", "invalid"]);
    expect((out[1] as ClaimResult).findings).toEqual([
      { rule: "dermrules.batch.duplicate-id", category: "policy", severity: "warning", lines: [], message: "claim id `C1` appears more than once in this batch", source: "dermrules runtime" },
    ]);
  });
});

describe("stream evaluator", () => {
  it("takes NDJSON text with line numbers and parsed records alike", () => {
    const next = createBatchEvaluator(loaded());
    const c = claim([{ code: "17000", units: 1 }]);
    expect(next(JSON.stringify(c), 1)).toMatchObject({ claimId: "C1", verdict: "clean" });
    expect(next("{oops", 2)).toMatchObject({ claimId: null, line: 2, verdict: "invalid" });
    expect(next(c)).toMatchObject({ claimId: "C1", verdict: "review" });
  });
});

describe("line scope with claim-wide actions", () => {
  it("forbid-codes from each current line; require-codes checks the whole group", () => {
    const f = rule({ id: "t.lf", scope: "line", subject: set("17004"), action: { k: "forbid-codes", set: set("17000", "17003") } });
    const found = run([f], [{ code: "17004", units: 1 }, { code: "17000", units: 1 }, { code: "17004", units: 1 }]);
    expect(found.map((x) => [x.lines, x.related])).toEqual([
      [[2], [1]],
      [[2], [3]],
    ]);
    const r = rule({ id: "t.lr", scope: "line", subject: set("17003"), action: { k: "require-codes", set: set("17000") } });
    expect(run([r], [{ code: "17003", units: 1 }, { code: "17003", units: 1 }]).map((x) => x.lines)).toEqual([[1], [2]]);
    expect(run([r], [{ code: "17003", units: 1 }, { code: "17000", units: 1 }])).toEqual([]);
  });
});

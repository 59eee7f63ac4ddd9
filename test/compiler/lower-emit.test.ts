/**
 * Stages `lower`, `index` and `emit`: the TRule shapes, defaults, ids, triggers, the layer
 * indexes, provenance, the content hash, serialization, and loading by the runtime.
 */
import { describe, expect, it } from "vitest";
import { canonicalJson, contentHash, serializeTable } from "../../compiler/index.ts";
import { codeAtRank, codeRank, normalizeRanges, rangeSize } from "../../compiler/codes.ts";
import { loadTable } from "../../runtime/index.ts";
import { dayNumber } from "../../runtime/dates.ts";
import type { TRule } from "../../runtime/table.ts";
import { gzipSync } from "node:zlib";
import { compile, fixture } from "./helpers.ts";

function rule(text: string): TRule {
  const r = compile(text);
  expect(r.diagnostics).toEqual([]);
  expect(r.table!.rules).toHaveLength(1);
  return r.table!.rules[0]!;
}

describe("code sets", () => {
  it("rank and unrank follow string order of valid codes", () => {
    for (const c of ["00000", "0000A", "0001U", "11609", "1160A", "1160U", "11610", "99999", "9999U", "A0000", "G0127", "Z9999"]) {
      expect(codeAtRank(codeRank(c))).toBe(c);
    }
    expect(codeAtRank(codeRank("11609") + 1)).toBe("1160A");
    expect(codeAtRank(codeRank("9999U") + 1)).toBe("A0000");
    expect(rangeSize("11600", "11606")).toBe(7);
    expect(rangeSize("11600", "11610")).toBe(16); // 11600-11609, 1160A/F/M/T/U, 11610
  });

  it("become sorted disjoint ranges; overlapping and adjacent ones merge", () => {
    expect(normalizeRanges([["11620", "11626"], ["11600", "11605"], ["11606", "11606"], ["11603", "11604"], ["17000", "17000"]])).toEqual([
      ["11600", "11606"],
      ["11620", "11626"],
      ["17000", "17000"],
    ]);
    // 11609 and 11610 are not adjacent: 1160A…1160U lie between them.
    expect(normalizeRanges([["11609", "11609"], ["11610", "11610"]])).toHaveLength(2);
    expect(normalizeRanges([["G0129", "G0129"], ["G0130", "G0130"]])).toEqual([["G0129", "G0130"]]);
  });

  it("set names expand through other sets", () => {
    const r = rule("codes MAL = 11600-11606, 11620-11626\ncodes MOHS = 17311-17315\ncodes BOTH = MAL, MOHS, 11601\nwhen BOTH flag\n  id t.x\n");
    expect(r.when).toEqual({ k: "has", set: [["11600", "11606"], ["11620", "11626"], ["17311", "17315"]] });
  });

  it("dx sets: normalized codes and prefixes, covered entries dropped, ranges expanded from the list", () => {
    const t = rule("dx SKIN = C44.*, C44.311, C43*, L57.0-L57.1\nwhen line 17000 require dx in SKIN\n").action;
    expect(t).toEqual({ k: "require-dx", set: { codes: ["L570", "L571"], prefixes: ["C43", "C44"] } });
  });
});

describe("rules", () => {
  it("the brief's one-liner, with all defaults", () => {
    const r = rule("when 17003 count>14 require 17004\n");
    expect(r).toEqual({
      id: r.id,
      origin: "test.rules:1:1",
      layer: "cms",
      severity: "error",
      category: "policy",
      message: "`17004` is required when `17003 count > 14` holds",
      source: "",
      effective: [null, null],
      scope: "claim",
      when: { k: "count", set: [["17003", "17003"]], op: ">", n: 14 },
      action: { k: "require-codes", set: [["17004", "17004"]] },
      triggers: [["17003", "17003"]],
      needs: [],
    });
    expect(r.id).toMatch(/^cms\.rule\.[0-9a-f]{10}$/);
  });

  it("metadata: id, severity, category, message, source, effective, fix", () => {
    const r = rule(`when 17003 count>14 require 17004
  id example.destruction.over-14
  severity warning
  category code-selection
  message "15 or more premalignant lesions are reported with 17004 alone"
  source "CPT code set convention for 17000-17004"
  effective 2026-01-01 until 2026-12-31
  fix replace 17000, 17003 with 17004
`);
    expect(r).toMatchObject({
      id: "example.destruction.over-14",
      severity: "warning",
      category: "code-selection",
      message: "15 or more premalignant lesions are reported with 17004 alone",
      source: "CPT code set convention for 17000-17004",
      effective: [dayNumber("2026-01-01"), dayNumber("2026-12-31")],
      fix: { op: "replace", from: [["17000", "17000"], ["17003", "17003"]], codes: ["17004"] },
    });
    expect(rule("when 17000 flag\n  effective until 2026-12-31\n").effective).toEqual([null, dayNumber("2026-12-31")]);
  });

  it("default severities and categories follow the action", () => {
    const cases: [string, string, string][] = [
      ["when 17000 flag", "warning", "policy"],
      ["when 17000 deny", "error", "policy"],
      ["when line 17000 require dx in L57.0", "error", "medical-necessity"],
      ["when line 99213 require modifier 25", "error", "modifier"],
      ["when line 99213 forbid modifier GA", "error", "modifier"],
      ["when 17004 forbid 17000", "error", "policy"],
      ["select for 11600 {\n case excisedDiameterCm <= 0.5 -> 11600\n}", "error", "code-selection"],
    ];
    for (const [text, severity, category] of cases) expect(rule(`${text}\n`), text).toMatchObject({ severity, category });
  });

  it("default messages say what is asked", () => {
    const msg = (t: string) => rule(`${t}\n`).message;
    expect(msg("when line 99202-99215 and 17000 require modifier 25")).toBe("modifier `25` is required on `99202-99215` lines when `17000` holds");
    expect(msg("when 17004 forbid 17000, 17003")).toBe("`17000, 17003` may not be reported when `17004` holds");
    expect(msg("when line 11600-11646 require dx in C44.*, C43.*")).toBe("`11600-11646` needs a diagnosis in `C44.*, C43.*`");
    expect(msg("when 11102 limit 11102 to 1 per line")).toBe("`11102` is limited to 1 unit per line when `11102` holds");
    expect(msg("when 17110 and age < 12 flag")).toBe("review: `17110 and age < 12` holds");
    expect(msg("when 17000 require 17003, 17004")).toBe("one of `17003, 17004` is required when `17000` holds");
  });

  it("line scope: subject, `true` without a condition, line atoms, facts", () => {
    const r = rule("when line 11600-11606 and site in Nose, lip and excisedDiameterCm <= 0.5 and lesionCount in 1, 2 and modifier RT and units > 1 flag\n");
    expect(r.scope).toBe("line");
    expect(r.subject).toEqual([["11600", "11606"]]);
    expect(r.triggers).toEqual([["11600", "11606"]]);
    expect(r.when).toEqual({
      k: "and",
      args: [
        { k: "site", values: ["nose", "lip"] },
        { k: "fact", name: "excisedDiameterCm", op: "<=", n: 0.5 },
        { k: "or", args: [{ k: "fact", name: "lesionCount", op: "=", n: 1 }, { k: "fact", name: "lesionCount", op: "=", n: 2 }] },
        { k: "mod", set: ["RT"] },
        { k: "units", op: ">", n: 1 },
      ],
    });
    expect(rule("when line 17000 flag\n").when).toEqual({ k: "true" });
  });

  it("code atoms with qualifiers and claim facts", () => {
    const r = rule(
      "when (99213 with modifier 25 or 99213 without modifier 25) and 17000 units > 1 and 17000 with dx L57.0 and 17000 without dx C44.* and sex in M, F and pos 11 and payer acme and dos >= 2026-01-01 and claim dx in L57.0 and not age >= 65 deny\n",
    );
    const w = r.when as { k: "and"; args: unknown[] };
    expect(w.args).toEqual([
      { k: "or", args: [{ k: "has", set: [["99213", "99213"]], mod: ["25"] }, { k: "has", set: [["99213", "99213"]], noMod: ["25"] }] },
      { k: "has", set: [["17000", "17000"]], units: [">", 1] },
      { k: "has", set: [["17000", "17000"]], dx: { codes: ["L570"], prefixes: [] } },
      { k: "has", set: [["17000", "17000"]], noDx: { codes: [], prefixes: ["C44"] } },
      { k: "sex", values: ["M", "F"] },
      { k: "pos", values: ["11"] },
      { k: "payer", values: ["acme"] },
      { k: "dos", op: ">=", day: dayNumber("2026-01-01") },
      { k: "dx", scope: "claim", set: { codes: ["L570"], prefixes: [] } },
      { k: "not", arg: { k: "age", op: ">=", n: 65 } },
    ]);
    expect(r.needs).toEqual(["patient.birthDate", "patient.sex", "placeOfService"]);
    // The smallest trigger among the `and`'s arguments: 99213 (1 code; first of the ties).
    expect(r.triggers).toEqual([["99213", "99213"]]);
  });

  it("fixes of every kind", () => {
    const fix = (t: string) => rule(`when 17000 flag\n  fix ${t}\n`).fix;
    expect(fix("remove")).toEqual({ op: "remove" });
    expect(fix("remove 17000-17004")).toEqual({ op: "remove", codes: [["17000", "17004"]] });
    expect(fix("add 17003, 17000")).toEqual({ op: "add-code", codes: ["17003", "17000"] });
    expect(fix("add modifier 25 to 99213")).toEqual({ op: "add-modifier", modifier: "25", to: [["99213", "99213"]] });
    expect(fix("set units 13")).toEqual({ op: "set-units", units: 13 });
    expect(fix('"call the payer"')).toEqual({ op: "text", text: "call the payer" });
  });

  it("select tables", () => {
    const r = rule("select for 17000-17004 {\n  case lesionCount >= 15 -> 17004\n  case dx in L57.0 -> 17000\n}\n  id t.sel\n");
    expect(r).toMatchObject({
      id: "t.sel",
      scope: "line",
      subject: [["17000", "17004"]],
      triggers: [["17000", "17004"]],
      when: { k: "true" },
      action: {
        k: "select",
        cases: [
          { when: { k: "fact", name: "lesionCount", op: ">=", n: 15 }, code: "17004" },
          { when: { k: "dx", scope: "line", set: { codes: ["L570"], prefixes: [] } }, code: "17000" },
        ],
      },
    });
  });
});

describe("triggers", () => {
  const trig = (cond: string) => rule(`when ${cond} flag\n`).triggers;
  it("has → its set; count → its set only when false at 0 units", () => {
    expect(trig("11102-11107")).toEqual([["11102", "11107"]]);
    expect(trig("17003 count > 14")).toEqual([["17003", "17003"]]);
    expect(trig("17003 count >= 1")).toEqual([["17003", "17003"]]);
    expect(trig("17003 count < 2")).toEqual([]);
    expect(trig("17003 count >= 0")).toEqual([]);
    expect(trig("17003 count != 3")).toEqual([]);
  });
  it("and → the smallest non-empty trigger; or → the union when every branch has one; not → none", () => {
    expect(trig("11102-11107 and 17000 and age > 3")).toEqual([["17000", "17000"]]);
    expect(trig("age > 3 and 17003 count < 2 and 11102-11104")).toEqual([["11102", "11104"]]);
    expect(trig("17000 or 11102-11104")).toEqual([["11102", "11104"], ["17000", "17000"]]);
    expect(trig("17000 or age > 3")).toEqual([]);
    expect(trig("not 17000")).toEqual([]);
    expect(trig("age > 3")).toEqual([]);
    expect(trig("(17000 or 17003) and 11102-11107")).toEqual([["17000", "17000"], ["17003", "17003"]]);
  });
});

describe("derived ids", () => {
  const idOf = (files: Record<string, string>, layer = "cms") => {
    const r = compile(files);
    expect(r.diagnostics).toEqual([]);
    return r.table!.rules.find((x) => x.layer === layer)!.id;
  };
  it("do not change when the rule is moved, reformatted or re-worded in metadata", () => {
    const a = idOf({ "a.rules": "when 17003 count>14 require 17004\n" });
    expect(idOf({ "a.rules": "# a comment\n\n\nwhen   17003\n    count >   14\n  require 17004\n  message \"x\"\n  severity warning\n" })).toBe(a);
    expect(idOf({ "z/other.rules": "when 17000 flag\n  id other.one\n\nwhen 17003 count > 14 require 17004\n" })).toBe(a);
  });
  it("change with the meaning and carry the layer name", () => {
    const a = idOf({ "a.rules": "when 17003 count>14 require 17004\n" });
    expect(idOf({ "a.rules": "when 17003 count>13 require 17004\n" })).not.toBe(a);
    expect(idOf({ "a.rules": "when line 17003 require 17004\n" })).not.toBe(a);
    const acme = idOf({ "a.rules": "ruleset acme\nwhen 17003 count>14 require 17004\n" }, "acme");
    expect(acme.slice("acme.".length)).toBe(a.slice("cms.".length));
  });
});

describe("index, provenance, hash, serialization", () => {
  const TEXT = `codes ALL = 10004-19499
when 17000 flag
  id t.a
when line 11102-11107 flag
  id t.b
when age > 80 flag
  id t.c
when 17003 or 17004 flag
  id t.d
ptp "ptp-good.tsv"
  version "v1"
mue "mue-good.tsv.gz"
`;

  it("byCode for single-code triggers, byRange for wider ones (sorted by lo), always for none", () => {
    const r = compile(TEXT, { "mue-good.tsv.gz": gzipSync(fixture("mue-good.tsv")) });
    const t = r.table!;
    expect(t.rules.map((x) => x.id)).toEqual(["t.a", "t.b", "t.c", "t.d"]);
    expect(t.layers.cms!.rules).toEqual([0, 1, 2, 3]);
    expect(t.layers.cms!.index).toEqual({
      byCode: { "17000": [0] },
      byRange: [["11102", "11107", 1], ["17003", "17004", 3]],
      always: [2],
    });
    expect(t.edits.ptp[0]).toMatchObject({ idPrefix: "cms.ptp", layer: "cms", version: "v1", file: "ptp-good.tsv", source: "CMS NCCI PTP edits v1 (ptp-good.tsv)" });
    expect(t.edits.ptp[0]!.pairs["11104"]).toEqual({ "11102": [[null, dayNumber("2018-12-31"), 1], [dayNumber("2019-01-01"), null, 0]] });
    expect(t.edits.mue[0]!.source).toBe("CMS NCCI MUE (mue-good.tsv.gz)");
    expect(t.provenance.sources.map((s) => `${s.kind} ${s.path} ${s.version ?? "-"}`)).toEqual([
      "icd10 data/icd10cm-order.tsv.gz FY2026",
      "mue mue-good.tsv.gz -",
      "ptp ptp-good.tsv v1",
      "rules test.rules -",
    ]);
    for (const s of t.provenance.sources) expect(s.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(t.icd10.version).toBe("FY2026");
    expect(t.icd10.billable.split(" ")).toHaveLength(74_719);
    expect(t.icd10.headers.split(" ")).toHaveLength(23_467);
    expect(t.icd10.billable.startsWith("A000 A001 A009 ")).toBe(true);
  });

  it("the table loads in the runtime", () => {
    const r = compile(TEXT.replace('mue "mue-good.tsv.gz"\n', ""));
    const loaded = loadTable(JSON.parse(serializeTable(r.table!)));
    expect(loaded.ok ? "ok" : loaded.errors).toBe("ok");
  });

  it("the content hash is stable, covers everything, and changes when a rule changes", () => {
    const a = compile(TEXT.replace('mue "mue-good.tsv.gz"\n', "")).table!;
    const b = compile(`# reformatted\n${TEXT.replace('mue "mue-good.tsv.gz"\n', "").replace(/\n  /g, "\n      ")}`).table!;
    expect(a.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(contentHash(a)).toBe(a.contentHash);
    // Reformatting changes the rule file's bytes (provenance) but nothing else.
    expect({ ...b, provenance: a.provenance, contentHash: "", rules: b.rules.map((x) => ({ ...x, origin: "" })) }).toEqual({
      ...a,
      contentHash: "",
      rules: a.rules.map((x) => ({ ...x, origin: "" })),
    });
    const c = compile(TEXT.replace('mue "mue-good.tsv.gz"\n', "").replace("when age > 80", "when age > 81")).table!;
    expect(c.contentHash).not.toBe(a.contentHash);
    const again = compile(TEXT.replace('mue "mue-good.tsv.gz"\n', "")).table!;
    expect(again.contentHash).toBe(a.contentHash);
  });

  it("canonical JSON sorts keys by code unit, integer-like keys included", () => {
    expect(canonicalJson({ b: 1, a: [{ z: 1, y: 2 }], "11102": 1, "0001U": 2, G0127: 3 })).toBe('{"0001U":2,"11102":1,"G0127":3,"a":[{"y":2,"z":1}],"b":1}');
  });

  it("serializes with two spaces, sorted keys, flat arrays on one line, a final newline", () => {
    const t = compile("when 17000 flag\n  id t.a\n").table!;
    const text = serializeTable(t);
    expect(text.endsWith("}\n")).toBe(true);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(t)));
    expect(text).toContain('\n  "contentHash": ');
    expect(text).toContain('"triggers": [["17000", "17000"]]');
    const keys = Object.keys(JSON.parse(text));
    expect(text.indexOf('"contentHash"')).toBeLessThan(text.indexOf('"defaultLayer"'));
    expect(keys.sort()).toEqual(["contentHash", "defaultLayer", "edits", "formatVersion", "generator", "icd10", "layers", "provenance", "rules"]);
    expect(contentHash(JSON.parse(text))).toBe(t.contentHash);
  });

  it("no table when there is an error; a warning does not stop it", () => {
    expect(compile("when 1700 flag\n").table).toBeUndefined();
    const w = compile("when line 17000 require dx in C44.3\n");
    expect(w.diagnostics.map((d) => d.severity)).toEqual(["warning"]);
    expect(w.table).toBeDefined();
  });
});

/** loadTable: accepted shapes, and errors with JSON pointers for everything it rejects. */
import { describe, expect, it } from "vitest";
import { loadTable } from "../../runtime/index.ts";
import { ptpRows } from "../../runtime/load.ts";
import { has, makeTable, rule, set } from "../support/tables.ts";

function errors(input: unknown) {
  const r = loadTable(input);
  if (r.ok) throw new Error("expected load errors");
  return r.errors;
}

describe("loadTable", () => {
  it("loads a parsed table and its JSON text alike", () => {
    const t = makeTable({ rules: [rule({ when: has("17003"), action: { k: "deny" } })], ptp: { "11102": { "11100": [[null, null, 1]] } } });
    const a = loadTable(t);
    const b = loadTable(JSON.stringify(t));
    expect(a.ok && b.ok).toBe(true);
    if (a.ok && b.ok) {
      expect(a.table.defaultLayer).toBe("cms");
      expect([...a.table.layers.keys()]).toEqual(["cms"]);
      const ptp = a.table.layers.get("cms")!.ptp[0];
      expect(ptpRows(a.table, ptp, "11102", "11100")).toEqual([[null, null, 1]]);
      expect(ptpRows(a.table, ptp, "11100", "11102")).toBeUndefined();
      expect(ptpRows(a.table, ptp, "99999", "11102")).toBeUndefined();
      expect(b.table.rules).toEqual(a.table.rules);
    }
  });

  it("rejects an unknown formatVersion with a clear message", () => {
    expect(errors({ ...makeTable(), formatVersion: 7 })).toEqual([
      { pointer: "/formatVersion", code: "DR4502", message: "table formatVersion 7 is not supported by this runtime (supports 1 and 2)" },
    ]);
  });

  it("rejects text that is not JSON", () => {
    const [e] = errors("{not json");
    expect(e.code).toBe("DR4501");
    expect(e.pointer).toBe("");
    expect(e.message).toMatch(/^table is not valid JSON: /);
  });

  it("rejects a non-object", () => {
    expect(errors([1])[0]).toMatchObject({ code: "DR4503", pointer: "" });
  });

  it("reports a schema mismatch with its pointer", () => {
    const t = makeTable({ rules: [rule({ when: has("17003"), action: { k: "deny" } })] }) as any;
    t.rules[0].severity = "fatal";
    expect(errors(t)[0]).toMatchObject({ pointer: "/rules/0/severity", code: "DR4503" });
    const u = makeTable() as any;
    delete u.layers.cms.index;
    expect(errors(u)[0]).toMatchObject({ pointer: "/layers/cms/index", code: "DR4503", message: "table field `index` is missing at `/layers/cms`" });
  });

  it("checks conditions deeply (a bad node inside `and`)", () => {
    const t = makeTable({ rules: [rule({ when: { k: "and", args: [has("17003"), { k: "count", set: set("17003"), op: "~", n: 1 } as any] }, action: { k: "deny" } })] });
    expect(errors(t)[0].pointer).toBe("/rules/0/when/args/1/op");
    const u = makeTable({ rules: [rule({ when: { k: "bogus" } as any, action: { k: "deny" } })] });
    expect(errors(u)[0].pointer).toBe("/rules/0/when");
  });

  it("checks bulk edit rows in code, with pointers", () => {
    expect(errors(makeTable({ ptp: { "11102": { "11100": [[null, null, 2 as any]] } } }))[0]).toMatchObject({
      pointer: "/edits/ptp/0/pairs/11102/11100",
      code: "DR4504",
    });
    expect(errors(makeTable({ mue: { "17000": [1, 4 as any] } }))[0].pointer).toBe("/edits/mue/0/limits/17000");
    expect(errors(makeTable({ aoc: { "17003": [[1, "17000", null, null] as any] } }))[0].pointer).toBe("/edits/aoc/0/addons/17003");
  });

  it("checks cross references: rule indexes, edit indexes, layers", () => {
    const t = makeTable() as any;
    t.layers.cms.rules = [3];
    expect(errors(t)[0]).toMatchObject({ pointer: "/layers/cms/rules/0", code: "DR4504" });
    const u = makeTable() as any;
    u.defaultLayer = "acme";
    expect(errors(u)[0]).toMatchObject({ pointer: "/defaultLayer", code: "DR4504" });
    const w = makeTable() as any;
    w.layers.cms.index.byCode["1700"] = [];
    expect(errors(w)[0]).toMatchObject({ pointer: "/layers/cms/index/byCode/1700", code: "DR4504" });
    const v = makeTable({ layers: { acme: { extends: "nope" } } });
    expect(errors(v)[0]).toMatchObject({ pointer: "/layers/acme/extends" });
  });

  it("validates a large table quickly (bulk maps are checked shallowly by the schema)", () => {
    const pairs: Record<string, Record<string, [number | null, number | null, 0 | 1 | 9][]>> = {};
    for (let a = 10000; a < 10600; a++) {
      const inner: Record<string, [number | null, number | null, 0 | 1 | 9][]> = {};
      for (let b = 11000; b < 11500; b++) inner[String(b)] = [[null, 20000, 1]];
      pairs[String(a)] = inner;
    }
    const text = JSON.stringify(makeTable({ ptp: pairs }));
    expect(text.length).toBeGreaterThan(5_000_000);
    const t0 = performance.now();
    const r = loadTable(text);
    const ms = performance.now() - t0;
    expect(r.ok).toBe(true);
    expect(ms).toBeLessThan(3000); // 300k rows: parse + checks + Maps; typically a few hundred ms
  });
});

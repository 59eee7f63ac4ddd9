/** The shared finding builders (runtime/findings.ts) and date helpers (runtime/dates.ts). */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  ANATOMIC_MODIFIERS,
  EM_MODIFIERS,
  NCCI_PTP_MODIFIERS,
  aocMessage,
  aocPrimaryDeniedMessage,
  buildRuleFix,
  compareFindings,
  icdMessage,
  isEmCode,
  missingFieldMessage,
  mueMessage,
  normalizeDx,
  ptpMessage,
  ptpSameSiteMessage,
  sortFindings,
  unknownPayerMessage,
  verdictOf,
} from "../../runtime/findings.ts";
import { ageOn, dayNumber, formatDay } from "../../runtime/dates.ts";
import type { Finding } from "../../runtime/types.ts";
import { set } from "../support/tables.ts";

const f = (rule: string, lines: number[], severity: Finding["severity"] = "error", message = "m"): Finding => ({ rule, category: "policy", severity, lines, message, source: "s" });

describe("constants", () => {
  it("hold the NCCI modifier lists of the brief", () => {
    expect(EM_MODIFIERS).toEqual(["24", "25", "57"]);
    expect(ANATOMIC_MODIFIERS).toHaveLength(31);
    for (const m of ["59", "XE", "XS", "XP", "XU", "24", "25", "27", "57", "58", "78", "79", "91", "E1", "E4", "FA", "F9", "TA", "T9", "LT", "RT", "LC", "LD", "LM", "RC", "RI"]) {
      expect(NCCI_PTP_MODIFIERS).toContain(m);
    }
    expect(NCCI_PTP_MODIFIERS).not.toContain("GT");
    expect(new Set(NCCI_PTP_MODIFIERS).size).toBe(NCCI_PTP_MODIFIERS.length);
  });

  it("isEmCode covers 99202-99499", () => {
    expect(["99202", "99213", "99499"].map(isEmCode)).toEqual([true, true, true]);
    expect(["99201", "99500", "11102", "9921F"].map(isEmCode)).toEqual([false, false, false, false]);
  });

  it("normalizeDx upper-cases and drops the dot", () => {
    expect(normalizeDx("c44.311")).toBe("C44311");
    expect(normalizeDx("L57.0")).toBe("L570");
    expect(normalizeDx("C4A")).toBe("C4A");
  });
});

describe("dates", () => {
  it("dayNumber: days since 1970-01-01, null for non-dates", () => {
    expect(dayNumber("1970-01-01")).toBe(0);
    expect(dayNumber("2026-10-15")).toBe(Date.UTC(2026, 9, 15) / 86400000);
    expect(dayNumber("1969-12-31")).toBe(-1);
    expect(dayNumber("2024-02-29")).toBe(Date.UTC(2024, 1, 29) / 86400000);
    for (const bad of ["2026-02-29", "1900-02-29", "2026-04-31", "2026-00-10", "2026-1-01", "2026/01/01", "20260101", "abcd-ef-gh", ""]) {
      expect(dayNumber(bad), bad).toBeNull();
    }
    expect(dayNumber("2000-02-29")).not.toBeNull();
  });

  it("formatDay inverts dayNumber", () => {
    for (const d of ["0001-01-01", "1951-04-02", "2000-02-29", "2026-12-31", "9999-12-31"]) expect(formatDay(dayNumber(d)!)).toBe(d);
  });

  it("ageOn: whole years; the birthday counts from its own date", () => {
    const b = dayNumber("1951-04-02")!;
    expect(ageOn(b, dayNumber("2026-04-01")!)).toBe(74);
    expect(ageOn(b, dayNumber("2026-04-02")!)).toBe(75);
    const leap = dayNumber("2000-02-29")!;
    expect(ageOn(leap, dayNumber("2001-02-28")!)).toBe(0);
    expect(ageOn(leap, dayNumber("2001-03-01")!)).toBe(1);
    expect(ageOn(leap, dayNumber("2004-02-29")!)).toBe(4);
  });
});

describe("messages", () => {
  it("are lower case, one line, no final period, user text in backticks", () => {
    const all = [
      ptpMessage("11102", "11100", 0, false),
      ptpMessage("11102", "11100", 1, false),
      ptpMessage("99213", "11102", 1, true),
      ptpSameSiteMessage("11102", "11300", "RT"),
      mueMessage("17004", 2, 1, 1),
      mueMessage("17004", 2, 1, 2),
      mueMessage("17004", 2, 1, 3),
      aocMessage("17003", 1, ["17000"]),
      aocMessage("17003", 3, []),
      aocPrimaryDeniedMessage("17003", ["17000", "17110"]),
      icdMessage("C44.31", "header", ["C44311"]),
      icdMessage("X", "unknown", []),
      missingFieldMessage("cms.r", "placeOfService"),
      unknownPayerMessage("globex", "cms"),
    ];
    for (const m of all) {
      expect(m[0]).toBe(m[0].toLowerCase());
      expect(m).not.toMatch(/\n|\.$/);
    }
    expect(aocPrimaryDeniedMessage("17003", ["17000", "17110"])).toBe("add-on code `17003` is not payable: its primaries `17000` and `17110` are denied on this claim");
  });

  it("long primary lists are cut with a count", () => {
    const ps = Array.from({ length: 8 }, (_, i) => String(11040 + i));
    expect(aocMessage("11045", 1, ps)).toBe("add-on code `11045` needs a primary procedure on the same date of service: `11040`, `11041`, `11042`, `11043`, `11044` and 3 more");
  });
});

describe("buildRuleFix", () => {
  const group = [{ index: 1, code: "17000" }, { index: 2, code: "17003" }, { index: 4, code: "11102" }];
  it("defaults per action", () => {
    expect(buildRuleFix(undefined, { k: "require-codes", set: set("17000", "17004") }, [2], group)).toEqual({ op: "add-code", lines: [2], codes: ["17000", "17004"] });
    expect(buildRuleFix(undefined, { k: "require-codes", set: set("17000-17004") }, [2], group)).toBeUndefined();
    expect(buildRuleFix(undefined, { k: "require-codes", set: set("1", "2", "3", "4") }, [2], group)).toBeUndefined();
    expect(buildRuleFix(undefined, { k: "require-modifier", set: ["25", "57"] }, [1], group)).toEqual({ op: "add-modifier", lines: [1], modifier: "25" });
    expect(buildRuleFix(undefined, { k: "forbid-codes", set: set("17000") }, [1], group)).toEqual({ op: "remove", lines: [1] });
    expect(buildRuleFix(undefined, { k: "limit", set: set("17000"), max: 2, per: "day" }, [1], group)).toEqual({ op: "set-units", lines: [1], units: 2 });
    expect(buildRuleFix(undefined, { k: "limit", set: set("17000"), max: 2, per: "day" }, [1, 2], group)).toBeUndefined();
    expect(buildRuleFix(undefined, { k: "select", cases: [] }, [4], group, "11601")).toEqual({ op: "replace", lines: [4], codes: ["11601"] });
    for (const k of ["deny", "flag"] as const) expect(buildRuleFix(undefined, { k }, [1], group)).toBeUndefined();
  });

  it("explicit fixes pick their lines from the group", () => {
    expect(buildRuleFix({ op: "replace", from: set("17000", "17003"), codes: ["17004"] }, { k: "deny" }, [2], group)).toEqual({ op: "replace", lines: [1, 2], codes: ["17004"] });
    expect(buildRuleFix({ op: "replace", from: set("99213"), codes: ["17004"] }, { k: "deny" }, [2], group)).toEqual({ op: "replace", lines: [2], codes: ["17004"] });
    expect(buildRuleFix({ op: "remove", codes: set("11102") }, { k: "deny" }, [2], group)).toEqual({ op: "remove", lines: [4] });
    expect(buildRuleFix({ op: "add-modifier", modifier: "59", to: set("11102") }, { k: "deny" }, [2], group)).toEqual({ op: "add-modifier", lines: [4], modifier: "59" });
    expect(buildRuleFix({ op: "text", text: "t" }, { k: "forbid-codes", set: [] }, [2], group)).toEqual({ op: "text", text: "t" });
  });
});

describe("order and verdict", () => {
  it("compareFindings: claim-wide first, then first line, rule id, lines, message", () => {
    const list = [f("b", [2]), f("a", [2, 3]), f("a", [2]), f("z", []), f("a", [1, 5]), f("a", [2], "error", "a")];
    list.sort(compareFindings);
    expect(list.map((x) => `${x.rule}:${x.lines.join(",")}:${x.message}`)).toEqual(["z::m", "a:1,5:m", "a:2:a", "a:2:m", "a:2,3:m", "b:2:m"]);
  });

  it("sortFindings drops identical findings only", () => {
    const out = sortFindings([f("a", [1]), f("a", [1]), f("a", [1], "warning"), f("a", [1])]);
    expect(out).toHaveLength(2);
  });

  it("sortFindings gives the built-in sort's order, deduplicated, whatever the input order and length", () => {
    // Up to 40 findings: claims' short lists take the insertion sort, longer ones Array.prototype.sort.
    const finding = fc.record({
      rule: fc.constantFrom("a", "b", "c"),
      lines: fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 2 }),
      severity: fc.constantFrom<Finding["severity"]>("error", "warning"),
      message: fc.constantFrom("m", "n"),
      fix: fc.option(fc.constantFrom(1, 2), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(finding, { maxLength: 40 }), fc.integer(), (spec, seed) => {
        const make = () =>
          spec.map((x): Finding => ({ ...f(x.rule, x.lines, x.severity, x.message), ...(x.fix === undefined ? {} : { fix: { op: "set-units", lines: [1], units: x.fix } }) }));
        const expected = make().sort(compareFindings);
        const dedup: Finding[] = [];
        for (const x of expected) if (dedup.length === 0 || JSON.stringify(dedup[dedup.length - 1]) !== JSON.stringify(x)) dedup.push(x);
        // The same findings in another order (a seeded shuffle) sort to the same list.
        const shuffled = make();
        let r = seed;
        for (let i = shuffled.length - 1; i > 0; i--) {
          r = (Math.imul(r, 1103515245) + 12345) | 0;
          const j = (r >>> 8) % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
        }
        expect(sortFindings(make())).toEqual(dedup);
        expect(sortFindings(shuffled)).toEqual(dedup);
      }),
      { numRuns: 300 },
    );
  });

  it("verdictOf: deny on any error, review on any warning, else clean", () => {
    expect(verdictOf([])).toBe("clean");
    expect(verdictOf([f("a", [], "info")])).toBe("clean");
    expect(verdictOf([f("a", [], "info"), f("b", [], "warning")])).toBe("review");
    expect(verdictOf([f("b", [], "warning"), f("a", [], "error")])).toBe("deny");
  });
});

/**
 * The AST each construct of docs/language.md produces, compared without spans.
 */
import { describe, expect, it } from "vitest";
import { parseRules, withoutSpans } from "../../grammar/index.ts";
import { codes, date, ident, num, onlyItem, parseClean, set, str, word } from "./helpers.ts";

/** The condition of a one-rule file `when <cond> deny`. */
function cond(text: string) {
  const item = onlyItem(`when ${text} deny`);
  if (item.kind !== "rule") throw new Error(`not a rule: ${item.kind}`);
  return item.condition;
}

/** The action of a one-rule file `when 17000 <action>`. */
function action(text: string) {
  const item = onlyItem(`when 17000 ${text}`);
  if (item.kind !== "rule") throw new Error(`not a rule: ${item.kind}`);
  return item.action;
}

/** The metadata of a one-rule file `when 17000 deny <meta>`. */
function meta(text: string) {
  const item = onlyItem(`when 17000 deny ${text}`);
  if (item.kind !== "rule") throw new Error(`not a rule: ${item.kind}`);
  return item.meta;
}

describe("the brief's one-liner", () => {
  it("is a claim-scope rule: a count qualifier and a require action", () => {
    expect(onlyItem("when 17003 count>14 require 17004")).toEqual({
      kind: "rule",
      scope: "claim",
      condition: { ...codes("17003"), qualifier: { kind: "count", op: ">", value: num("14") } },
      action: { kind: "require-codes", codes: set("17004") },
      meta: [],
    });
  });

  it("lexes `count>14` the same as `count > 14`", () => {
    expect(onlyItem("when 17003 count>14 require 17004")).toEqual(
      onlyItem("when 17003 count > 14 require 17004"),
    );
  });

  it("takes metadata on the following lines", () => {
    const item = onlyItem(
      [
        "when 17003 count>14 require 17004",
        "  id example.destruction.over-14",
        "  severity error",
        '  message "15 or more \\"premalignant\\" lesions"',
        '  source "CPT \\\\ convention"',
        "  effective 2026-01-01 until 2026-12-31",
        "  fix replace 17000, 17003 with 17004",
      ].join("\n"),
    );
    expect(item.kind === "rule" && item.meta).toEqual([
      { kind: "id", id: ident("example.destruction.over-14") },
      { kind: "severity", severity: ident("error") },
      { kind: "message", message: str('15 or more "premalignant" lesions') },
      { kind: "source", source: str("CPT \\ convention") },
      { kind: "effective", from: date("2026-01-01"), until: date("2026-12-31") },
      { kind: "fix", fix: { kind: "replace", from: set("17000", "17003"), to: set("17004") } },
    ]);
  });

  it("parses the brief's other one-liners", () => {
    expect(onlyItem("when 17004 forbid 17000, 17003")).toMatchObject({
      condition: codes("17004"),
      action: { kind: "forbid-codes", codes: set("17000", "17003") },
    });
    expect(onlyItem("when 11102 units>1 limit 11102 to 1 per line")).toMatchObject({
      condition: { ...codes("11102"), qualifier: { kind: "units", op: ">", value: num("1") } },
      action: { kind: "limit", codes: set("11102"), max: num("1"), per: "line" },
    });
  });
});

describe("sets", () => {
  it("declares codes, dx and modifiers sets with ranges and patterns", () => {
    const ast = parseClean(
      [
        "codes MALIGNANT_EXCISION = 11600-11606, 11620-11626",
        "dx MALIGNANT_SKIN = C43.*, D03*, L57.0",
        "modifiers DISTINCT = 59, XE",
      ].join("\n"),
    );
    expect(withoutSpans(ast.items)).toEqual([
      {
        kind: "set-decl",
        setKind: "codes",
        name: word("MALIGNANT_EXCISION"),
        value: set(["11600", "11606"], ["11620", "11626"]),
      },
      { kind: "set-decl", setKind: "dx", name: word("MALIGNANT_SKIN"), value: set("C43.*", "D03*", "L57.0") },
      { kind: "set-decl", setKind: "modifiers", name: word("DISTINCT"), value: set("59", "XE") },
    ]);
  });
});

describe("conditions", () => {
  it("code atoms with each qualifier", () => {
    expect(cond("11600-11646, MOHS")).toEqual(codes(["11600", "11646"], "MOHS"));
    expect(cond("17003 count >= 2")).toEqual({
      ...codes("17003"),
      qualifier: { kind: "count", op: ">=", value: num("2") },
    });
    expect(cond("99213 with modifier 25")).toEqual({
      ...codes("99213"),
      qualifier: { kind: "with-modifier", negated: false, modifiers: set("25") },
    });
    expect(cond("99213 without modifier 25, 57")).toEqual({
      ...codes("99213"),
      qualifier: { kind: "with-modifier", negated: true, modifiers: set("25", "57") },
    });
    expect(cond("11600-11646 with dx MALIGNANT_SKIN")).toEqual({
      ...codes(["11600", "11646"]),
      qualifier: { kind: "with-dx", negated: false, dx: set("MALIGNANT_SKIN") },
    });
    expect(cond("11600 without dx C44.*")).toEqual({
      ...codes("11600"),
      qualifier: { kind: "with-dx", negated: true, dx: set("C44.*") },
    });
  });

  it("dx atoms, with and without `in`, and `claim dx`", () => {
    expect(cond("dx in L57.0")).toEqual({ kind: "dx", scope: "default", dx: set("L57.0") });
    expect(cond("dx L57.0, L57.1")).toEqual({ kind: "dx", scope: "default", dx: set("L57.0", "L57.1") });
    expect(cond("claim dx in C44.*")).toEqual({ kind: "dx", scope: "claim", dx: set("C44.*") });
    expect(cond("claim dx C44.*")).toEqual({ kind: "dx", scope: "claim", dx: set("C44.*") });
  });

  it("line atoms: modifier and units", () => {
    expect(cond("modifier 59, XS")).toEqual({ kind: "modifier", modifiers: set("59", "XS") });
    expect(cond("units > 1")).toEqual({ kind: "units", op: ">", value: num("1") });
  });

  it("claim facts: age, sex, pos, payer, dos", () => {
    expect(cond("age >= 65")).toEqual({ kind: "age", op: ">=", value: num("65") });
    expect(cond("age<12")).toEqual({ kind: "age", op: "<", value: num("12") });
    expect(cond("sex F")).toEqual({ kind: "sex", values: [word("F")] });
    expect(cond("sex in M, F")).toEqual({ kind: "sex", values: [word("M"), word("F")] });
    expect(cond("sex = U")).toEqual({ kind: "sex", values: [word("U")] });
    expect(cond("pos 11")).toEqual({ kind: "pos", values: [word("11")] });
    expect(cond("pos in 11, 22")).toEqual({ kind: "pos", values: [word("11"), word("22")] });
    expect(cond("payer acme-health")).toEqual({ kind: "payer", values: [ident("acme-health")] });
    expect(cond("payer in cms, acme-health")).toEqual({ kind: "payer", values: [ident("cms"), ident("acme-health")] });
    expect(cond("dos >= 2026-01-01")).toEqual({ kind: "dos", op: ">=", date: date("2026-01-01") });
    expect(cond("dos != 2026-01-01")).toEqual({ kind: "dos", op: "!=", date: date("2026-01-01") });
  });

  it("documentation facts: comparisons and `in` lists", () => {
    expect(cond("excisedDiameterCm <= 0.5")).toEqual({
      kind: "fact",
      name: ident("excisedDiameterCm"),
      op: "<=",
      values: [num("0.5")],
    });
    expect(cond("site in nose, lip")).toEqual({
      kind: "fact",
      name: ident("site"),
      op: "in",
      values: [ident("nose"), ident("lip")],
    });
    expect(cond("site = nose")).toEqual({ kind: "fact", name: ident("site"), op: "=", values: [ident("nose")] });
    // A value that is not a number stays a word; the compiler judges it.
    expect(cond("site = T1")).toEqual({ kind: "fact", name: ident("site"), op: "=", values: [word("T1")] });
  });

  it("`not` binds tightest, then `and`, then `or`", () => {
    expect(cond("17000 or not 17003 and 17004")).toEqual({
      kind: "or",
      args: [codes("17000"), { kind: "and", args: [{ kind: "not", arg: codes("17003") }, codes("17004")] }],
    });
    expect(cond("17000 and 17001 and 17002 or 17003 or 17004")).toEqual({
      kind: "or",
      args: [{ kind: "and", args: [codes("17000"), codes("17001"), codes("17002")] }, codes("17003"), codes("17004")],
    });
  });

  it("parentheses are kept as `paren` nodes", () => {
    expect(cond("not (17000 or 17003) and age > 1")).toEqual({
      kind: "and",
      args: [
        { kind: "not", arg: { kind: "paren", inner: { kind: "or", args: [codes("17000"), codes("17003")] } } },
        { kind: "age", op: ">", value: num("1") },
      ],
    });
    expect(cond("not not 17000")).toEqual({ kind: "not", arg: { kind: "not", arg: codes("17000") } });
  });
});

describe("rule scope", () => {
  it("`when line S` without a condition", () => {
    expect(onlyItem("when line 99202-99215 require modifier 25")).toEqual({
      kind: "rule",
      scope: "line",
      subject: set(["99202", "99215"]),
      action: { kind: "require-modifier", modifiers: set("25") },
      meta: [],
    });
  });

  it("`when line S and COND` and `when line S COND` mean the same", () => {
    const expected = {
      kind: "rule",
      scope: "line",
      subject: set(["11600", "11646"]),
      condition: { kind: "not", arg: { kind: "dx", scope: "default", dx: set("MALIGNANT_SKIN") } },
      action: { kind: "flag" },
      meta: [],
    };
    expect(onlyItem("when line 11600-11646 and not dx in MALIGNANT_SKIN flag")).toEqual(expected);
    expect(onlyItem("when line 11600-11646 not dx in MALIGNANT_SKIN flag")).toEqual(expected);
  });
});

describe("actions", () => {
  it("each form", () => {
    expect(action("require 17000, 17003")).toEqual({ kind: "require-codes", codes: set("17000", "17003") });
    expect(action("require modifier 25 on 99202-99215")).toEqual({
      kind: "require-modifier",
      modifiers: set("25"),
      on: set(["99202", "99215"]),
    });
    expect(action("require dx in MALIGNANT_SKIN")).toEqual({ kind: "require-dx", dx: set("MALIGNANT_SKIN") });
    expect(action("require dx L57.0")).toEqual({ kind: "require-dx", dx: set("L57.0") });
    expect(action("forbid 17000, 17003")).toEqual({ kind: "forbid-codes", codes: set("17000", "17003") });
    expect(action("forbid modifier GA")).toEqual({ kind: "forbid-modifier", modifiers: set("GA") });
    expect(action("forbid modifier GA, GZ on 17000")).toEqual({
      kind: "forbid-modifier",
      modifiers: set("GA", "GZ"),
      on: set("17000"),
    });
    expect(action("limit 11102 to 1")).toEqual({ kind: "limit", codes: set("11102"), max: num("1"), per: "day" });
    expect(action("limit 11102 to 1 per day")).toEqual({ kind: "limit", codes: set("11102"), max: num("1"), per: "day" });
    expect(action("limit 11102 to 1 per line")).toEqual({ kind: "limit", codes: set("11102"), max: num("1"), per: "line" });
    expect(action("deny")).toEqual({ kind: "deny" });
    expect(action("flag")).toEqual({ kind: "flag" });
  });
});

describe("metadata", () => {
  it("each line", () => {
    expect(meta("id cms.policy.biopsy-one-primary")).toEqual([{ kind: "id", id: ident("cms.policy.biopsy-one-primary") }]);
    expect(meta("severity warning")).toEqual([{ kind: "severity", severity: ident("warning") }]);
    expect(meta("category medical-necessity")).toEqual([{ kind: "category", category: ident("medical-necessity") }]);
    // A keyword is accepted where a name is expected.
    expect(meta("category ptp")).toEqual([{ kind: "category", category: ident("ptp") }]);
    expect(meta('message "what the coder reads"')).toEqual([{ kind: "message", message: str("what the coder reads") }]);
    expect(meta('source "NCCI manual ch. III"')).toEqual([{ kind: "source", source: str("NCCI manual ch. III") }]);
    expect(meta("effective 2026-10-01")).toEqual([{ kind: "effective", from: date("2026-10-01") }]);
    expect(meta("until 2026-12-31")).toEqual([{ kind: "effective", until: date("2026-12-31") }]);
    expect(meta("effective until 2026-12-31")).toEqual([{ kind: "effective", until: date("2026-12-31") }]);
    expect(meta('version "v1"')).toEqual([{ kind: "version", version: str("v1") }]);
    expect(meta("only 10004-19499, 99202")).toEqual([{ kind: "only", codes: set(["10004", "19499"], "99202") }]);
  });

  it("each fix", () => {
    const fix = (text: string) => (meta(`fix ${text}`)[0] as { fix: unknown }).fix;
    expect(fix("replace 17000, 17003 with 17004")).toEqual({ kind: "replace", from: set("17000", "17003"), to: set("17004") });
    expect(fix("remove")).toEqual({ kind: "remove" });
    expect(fix("remove 17000")).toEqual({ kind: "remove", codes: set("17000") });
    expect(fix("add 17000")).toEqual({ kind: "add-code", codes: set("17000") });
    expect(fix("add modifier 25")).toEqual({ kind: "add-modifier", modifier: word("25") });
    expect(fix("add modifier 25 to 99213")).toEqual({ kind: "add-modifier", modifier: word("25"), to: set("99213") });
    expect(fix("set units 13")).toEqual({ kind: "set-units", units: num("13") });
    expect(fix('"call the payer"')).toEqual({ kind: "text", text: str("call the payer") });
  });
});

describe("layering", () => {
  it("ruleset, disable, override with metadata only and with a body", () => {
    const ast = parseClean(
      [
        "ruleset acme-health extends cms",
        "disable cms.ptp.11102.*",
        "override cms.policy.skin-tag-cosmetic",
        "  severity warning",
        "override cms.policy.wart-destruction",
        "  when 17110 and age < 12 flag",
        '  message "prior authorization"',
      ].join("\n"),
    );
    expect(withoutSpans(ast.ruleset)).toEqual({ kind: "ruleset", name: ident("acme-health"), extends: ident("cms") });
    expect(withoutSpans(ast.items)).toEqual([
      { kind: "disable", target: ident("cms.ptp.11102.*") },
      {
        kind: "override",
        target: ident("cms.policy.skin-tag-cosmetic"),
        meta: [{ kind: "severity", severity: ident("warning") }],
      },
      {
        kind: "override",
        target: ident("cms.policy.wart-destruction"),
        // The metadata after the body belongs to the override (rule.meta stays empty).
        rule: {
          kind: "rule",
          scope: "claim",
          condition: { kind: "and", args: [codes("17110"), { kind: "age", op: "<", value: num("12") }] },
          action: { kind: "flag" },
          meta: [],
        },
        meta: [{ kind: "message", message: str("prior authorization") }],
      },
    ]);
  });

  it("a ruleset without `extends`", () => {
    expect(withoutSpans(parseClean("ruleset cms").ruleset)).toEqual({ kind: "ruleset", name: ident("cms") });
  });
});

describe("tables", () => {
  it("table references with metadata on the same or following lines", () => {
    const ast = parseClean(
      [
        'ptp "../data/ptp.tsv.gz"',
        '  version "v301r0"',
        "  only 10004-19499",
        '  source "CMS"',
        '  id cms.ptp severity warning mue "mue.tsv" aoc "aoc.tsv"',
      ].join("\n"),
    );
    expect(withoutSpans(ast.items)).toEqual([
      {
        kind: "table-ref",
        table: "ptp",
        path: str("../data/ptp.tsv.gz"),
        meta: [
          { kind: "version", version: str("v301r0") },
          { kind: "only", codes: set(["10004", "19499"]) },
          { kind: "source", source: str("CMS") },
          { kind: "id", id: ident("cms.ptp") },
          { kind: "severity", severity: ident("warning") },
        ],
      },
      { kind: "table-ref", table: "mue", path: str("mue.tsv"), meta: [] },
      { kind: "table-ref", table: "aoc", path: str("aoc.tsv"), meta: [] },
    ]);
  });

  it("a code-selection table", () => {
    expect(
      onlyItem(
        [
          "select for 11600-11606 {",
          "  case excisedDiameterCm <= 0.5 -> 11600",
          "  case site in nose, lip and lesionCount >= 2 -> 11601",
          "}",
          "  id cms.select.x",
        ].join("\n"),
      ),
    ).toEqual({
      kind: "select",
      subject: set(["11600", "11606"]),
      cases: [
        {
          kind: "case",
          condition: { kind: "fact", name: ident("excisedDiameterCm"), op: "<=", values: [num("0.5")] },
          code: word("11600"),
        },
        {
          kind: "case",
          condition: {
            kind: "and",
            args: [
              { kind: "fact", name: ident("site"), op: "in", values: [ident("nose"), ident("lip")] },
              { kind: "fact", name: ident("lesionCount"), op: ">=", values: [num("2")] },
            ],
          },
          code: word("11601"),
        },
      ],
      meta: [{ kind: "id", id: ident("cms.select.x") }],
    });
  });

  it("an empty select table", () => {
    expect(onlyItem("select for 11600 { }")).toEqual({ kind: "select", subject: set("11600"), cases: [], meta: [] });
  });
});

describe("test blocks", () => {
  it("claim and line attributes in any order, and each expectation", () => {
    expect(
      onlyItem(
        [
          'test "17003 needs 17000" {',
          '  claim pos 11 born 1951-04-02 sex F dx L57.0, C44.311 payer acme-health id "CLM-1" dos 2024-05-15',
          "  line 17003 facts lesionCount 5, site nose charge 120.00 dos 2024-05-16 dx 1, 2 modifiers 59, XS units 3",
          "  line 17000 modifier 25",
          "  expect error cms.aoc.17003 lines 1, 2",
          "  expect cms.aoc.17000",
          "  expect no cms.ptp.*",
          "  expect verdict deny",
          "}",
        ].join("\n"),
      ),
    ).toEqual({
      kind: "test",
      name: str("17003 needs 17000"),
      claim: {
        kind: "test-claim",
        id: str("CLM-1"),
        serviceDate: date("2024-05-15"),
        payer: ident("acme-health"),
        diagnoses: [word("L57.0"), word("C44.311")],
        sex: word("F"),
        birthDate: date("1951-04-02"),
        placeOfService: word("11"),
      },
      lines: [
        {
          kind: "test-line",
          code: word("17003"),
          units: num("3"),
          modifiers: [word("59"), word("XS")],
          dxPointers: [num("1"), num("2")],
          serviceDate: date("2024-05-16"),
          charge: num("120.00"),
          facts: [
            { name: ident("lesionCount"), value: num("5") },
            { name: ident("site"), value: ident("nose") },
          ],
        },
        { kind: "test-line", code: word("17000"), modifiers: [word("25")], dxPointers: [], facts: [] },
      ],
      expectations: [
        { kind: "expect-finding", severity: ident("error"), rule: ident("cms.aoc.17003"), lines: [num("1"), num("2")] },
        { kind: "expect-finding", rule: ident("cms.aoc.17000") },
        { kind: "expect-no", rule: ident("cms.ptp.*") },
        { kind: "expect-verdict", verdict: ident("deny") },
      ],
    });
  });

  it("claim ids may be words or names; a test may lack a claim", () => {
    const item = onlyItem('test "t" { claim id CLM1 line 17000 }');
    expect(item.kind === "test" && item.claim?.id).toEqual(word("CLM1"));
    const named = onlyItem('test "t" { claim id clm-1 }');
    expect(named.kind === "test" && named.claim?.id).toEqual(ident("clm-1"));
    expect(onlyItem('test "empty" { }')).toEqual({ kind: "test", name: str("empty"), lines: [], expectations: [] });
  });
});

describe("numbers", () => {
  it("keeps the text as written and the value", () => {
    const item = onlyItem("when line 17000 excisedDiameterCm > 1.10 deny");
    expect(item.kind === "rule" && item.condition).toEqual({
      kind: "fact",
      name: ident("excisedDiameterCm"),
      op: ">",
      values: [{ kind: "number", value: 1.1, text: "1.10" }],
    });
  });
});

describe("comments", () => {
  it("are returned apart from the AST, with their spans", () => {
    const text = "# head\nwhen 17000 deny # tail\n";
    const { ast, comments, diagnostics } = parseRules(text, "c.rules");
    expect(diagnostics).toEqual([]);
    expect(ast.items).toHaveLength(1);
    expect(comments).toEqual([
      { text: "# head", span: { file: "c.rules", start: 0, end: 6 } },
      { text: "# tail", span: { file: "c.rules", start: 23, end: 29 } },
    ]);
  });
});

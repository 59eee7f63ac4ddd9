/**
 * Properties of parseRules over arbitrary input: it never throws and never hits an internal
 * error (DR1999), its diagnostics and spans are well formed, it does not depend on what was
 * parsed before, and random valid rules parse cleanly.
 * FC_NUM_RUNS=<n> raises the number of runs.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseRules, withoutSpans, type ParseResult } from "../../grammar/index.ts";
import { docExamples, numRuns, spanProblems } from "./helpers.ts";

const FILE = "prop.rules";

/** Everything that must hold for any input; returns the result for further checks. */
function checkInvariants(text: string): ParseResult {
  let result: ParseResult | undefined;
  expect(() => {
    result = parseRules(text, FILE);
  }).not.toThrow();
  const { ast, diagnostics } = result!;
  expect(diagnostics.filter((d) => d.code === "DR1999")).toEqual([]);
  for (const d of diagnostics) {
    expect(d.code).toMatch(/^DR10(0[1-9]|10)$/);
    expect(d.severity).toBe("error");
    expect(d.message).not.toMatch(/[\r\n]/);
    expect(d.message).toMatch(/^[a-z`]/);
    expect(d.span.file).toBe(FILE);
    expect(0 <= d.span.start && d.span.start <= d.span.end && d.span.end <= text.length).toBe(true);
  }
  const starts = diagnostics.map((d) => d.span.start);
  expect(starts).toEqual([...starts].sort((a, b) => a - b));
  expect(spanProblems(ast, text, FILE)).toEqual([]);
  return result!;
}

// ---------------------------------------------------------------- arbitraries

/** Raw UTF-16 code units, lone surrogates included. */
const codeUnits = fc
  .array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 200 })
  .map((units) => String.fromCharCode(...units));

/** Fragments of the language, so random sequences get deep into the parser. */
const FRAGMENTS = [
  ...("when line and or not claim dx codes modifiers modifier with without count units age sex pos payer dos in " +
    "require forbid limit to per deny flag id severity category message source effective until fix replace remove " +
    "add set ruleset extends override disable ptp mue aoc version only select for case test expect no verdict lines " +
    "born facts charge on day").split(" "),
  "17000", "17003", "11600-11606", "C44.*", "D03*", "0.5", "14", "MALIGNANT_SKIN", "2026-01-01", "cms.aoc.17003",
  "site", "nose", "excisedDiameterCm", '"text"', '"open', '"esc\\"', ">", ">=", "<", "<=", "=", "!=", "-", ",",
  "(", ")", "{", "}", "->", "#c\n", "\n", "é", "@", "*",
];
const tokenSoup = fc
  .array(fc.constantFrom(...FRAGMENTS), { maxLength: 80 })
  .chain((parts) => fc.array(fc.constantFrom(" ", "", "\n", "\t"), { minLength: parts.length, maxLength: parts.length }).map((seps) => parts.map((p, i) => p + seps[i]).join("")));

const examples = docExamples().map((e) => e.text);
const allExamples = examples.join("\n");

type Mutation = { at: number; op: "insert" | "delete" | "replace"; char: string };
const mutation = fc.record({
  at: fc.nat(),
  op: fc.constantFrom("insert", "delete", "replace") as fc.Arbitrary<Mutation["op"]>,
  char: fc.oneof(fc.constantFrom(..."()-,{}>=<!\"\\#\n *.aZ09é"), fc.string({ unit: "binary", minLength: 1, maxLength: 1 })),
});

/** A doc example (or all of them) with a few random edits. */
const mutatedExample = fc
  .tuple(fc.constantFrom(...examples, allExamples), fc.array(mutation, { minLength: 1, maxLength: 6 }))
  .map(([text, mutations]) => {
    let out = text;
    for (const { at, op, char } of mutations) {
      const i = out.length === 0 ? 0 : at % (out.length + (op === "insert" ? 1 : 0));
      if (op === "insert") out = out.slice(0, i) + char + out.slice(i);
      else if (op === "delete") out = out.slice(0, i) + out.slice(i + 1);
      else out = out.slice(0, i) + char + out.slice(i + 1);
    }
    return out;
  });

/** Random valid rules, built from the grammar of docs/language.md. */
const code = fc.integer({ min: 10004, max: 99499 }).map(String);
const setText = fc
  .array(fc.oneof(code, fc.tuple(code, code).map(([a, b]) => `${a}-${b}`), fc.constantFrom("MOHS_CODES", "C44.*", "L57.0")), {
    minLength: 1,
    maxLength: 3,
  })
  .map((items) => items.join(", "));
const op = fc.constantFrom(">", ">=", "<", "<=", "=", "!=");
const atomText = fc.oneof(
  setText,
  fc.tuple(setText, op, fc.nat(99)).map(([s, o, n]) => `${s} count ${o} ${n}`),
  fc.tuple(setText, fc.constantFrom("with", "without"), setText).map(([s, w, m]) => `${s} ${w} modifier ${m}`),
  setText.map((s) => `dx in ${s}`),
  setText.map((s) => `claim dx ${s}`),
  fc.tuple(op, fc.nat(120)).map(([o, n]) => `age ${o} ${n}`),
  fc.constantFrom("sex F", "sex in M, F", "pos in 11, 22", "payer acme-health", "dos >= 2026-01-01"),
  fc.constantFrom("site in nose, lip", "excisedDiameterCm <= 0.5", "lesionCount >= 15", "units > 1", "modifier 59, XS"),
);
const condText: fc.Arbitrary<string> = fc.letrec<{ cond: string }>((tie) => ({
  cond: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    atomText,
    tie("cond").map((c) => `not ${c}`),
    tie("cond").map((c) => `(${c})`),
    fc.tuple(tie("cond"), fc.constantFrom("and", "or"), tie("cond")).map(([a, o, b]) => `${a} ${o} ${b}`),
  ),
})).cond;
const actionText = fc.oneof(
  setText.map((s) => `require ${s}`),
  setText.map((s) => `require modifier 25 on ${s}`),
  setText.map((s) => `require dx in ${s}`),
  setText.map((s) => `forbid ${s}`),
  fc.tuple(setText, fc.nat(20), fc.constantFrom("", " per line", " per day")).map(([s, n, p]) => `limit ${s} to ${n}${p}`),
  fc.constantFrom("deny", "flag", "forbid modifier GA"),
);
const metaText = fc.constantFrom(
  "id cms.rule.x-1",
  "severity warning",
  "category medical-necessity",
  'message "check the \\"dx\\""',
  'source "NCCI ch. III"',
  "effective 2026-01-01 until 2026-12-31",
  "until 2026-12-31",
  "fix replace 17000 with 17004",
  "fix add modifier 25 to 99213",
  "fix set units 13",
  "fix remove",
);
const ruleText = fc
  .tuple(fc.boolean(), condText, actionText, fc.array(metaText, { maxLength: 3 }))
  .map(([line, cond, action, metas]) =>
    [line ? `when line 17000 and ${cond} ${action}` : `when ${cond} ${action}`, ...metas.map((m) => `  ${m}`)].join("\n"),
  );

// ---------------------------------------------------------------- properties

describe("parseRules on arbitrary input", () => {
  it("never throws, on any string of code points", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 300 }), (t) => void checkInvariants(t)), {
      numRuns: numRuns(300),
    });
  });

  it("never throws, on printable ASCII", () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (t) => void checkInvariants(t)), { numRuns: numRuns(300) });
  });

  it("never throws, on raw UTF-16 code units (lone surrogates included)", () => {
    fc.assert(fc.property(codeUnits, (t) => void checkInvariants(t)), { numRuns: numRuns(200) });
  });

  it("never throws, on random sequences of the language's own tokens", () => {
    fc.assert(fc.property(tokenSoup, (t) => void checkInvariants(t)), { numRuns: numRuns(1000) });
  });

  it("never throws, on doc examples with random edits", () => {
    fc.assert(fc.property(mutatedExample, (t) => void checkInvariants(t)), { numRuns: numRuns(1000) });
  });

  it("gives the same result whatever was parsed before (the singletons keep no state)", () => {
    fc.assert(
      fc.property(mutatedExample, tokenSoup, (text, before) => {
        const first = parseRules(text, FILE);
        parseRules(before, FILE);
        expect(parseRules(text, FILE)).toEqual(first);
      }),
      { numRuns: numRuns(200) },
    );
  });
});

describe("parseRules on random valid rules", () => {
  it("parses them cleanly, one item per rule, with well-formed spans", () => {
    fc.assert(
      fc.property(fc.array(ruleText, { minLength: 1, maxLength: 5 }), (rules) => {
        const text = rules.join("\n");
        const { ast, diagnostics } = checkInvariants(text);
        expect(diagnostics).toEqual([]);
        expect(ast.items).toHaveLength(rules.length);
      }),
      { numRuns: numRuns(300) },
    );
  });

  it("ignores layout: one line per rule or extra blank lines and comments give the same AST", () => {
    fc.assert(
      fc.property(ruleText, (rule) => {
        const flat = rule.replace(/\n\s*/g, " ");
        const airy = rule.replace(/\n/g, " # note\n\n\t");
        const expected = withoutSpans(parseRules(rule, FILE).ast);
        expect(withoutSpans(parseRules(flat, FILE).ast)).toEqual(expected);
        expect(withoutSpans(parseRules(airy, FILE).ast)).toEqual(expected);
      }),
      { numRuns: numRuns(200) },
    );
  });
});

/**
 * fast-check arbitraries for whole rule-file ASTs (every node kind of grammar/ast.ts), for the
 * printer's round-trip properties. Conditions are recursive (`fc.letrec` with `maxDepth`).
 *
 * The generated trees are the ones the parser can produce: and/or lists of two or more that do
 * not directly nest, `not` over an atom, a `not` or parentheses, numbers as written
 * (`value = Number(text)`), names in the slots that take names, and so on. One tree the
 * language cannot write is left out on purpose: a bare `override ID` (no body, no metadata)
 * right before a `when` rule, which reads back as the override's body (see print.test.ts, "what the language cannot write").
 */
import fc from "fast-check";
import type * as A from "../../grammar/ast.ts";
import type { Span } from "../../grammar/source.ts";
import { keywordTokens } from "../../grammar/tokens.ts";

export const FILE = "generated.rules";
const SPAN: Span = { file: FILE, start: 0, end: 0 };

const KEYWORDS: ReadonlySet<string> = new Set(keywordTokens.map((t) => t.PATTERN as string));

// ---------------------------------------------------------------- leaves

const NUMBER = /^[0-9]+(?:\.[0-9]+)?$/;

/** Realistic words (codes, patterns, modifiers, set names) and random ones of the token's shape. */
const wordText = fc.oneof(
  fc.constantFrom("17000", "17003", "11600", "G0127", "0591T", "C44.*", "D03*", "L57.0", "C44311", "59", "XS", "25"),
  fc.constantFrom("MALIGNANT_SKIN", "EM_OFFICE", "DISTINCT_X", "F", "M", "11", "22"),
  fc.stringMatching(/^[A-Z0-9][A-Za-z0-9_.]{0,7}\*?$/),
);
export const word: fc.Arbitrary<A.Word> = wordText.map((text) => ({ kind: "word", text, span: SPAN }));
/** A word that is not a number (a fact value that is numeric parses as a number). */
const nonNumericWord = word.filter((w) => !NUMBER.test(w.text));

/** Identifiers that are not keywords (slots that take only `Ident`). */
const identText = fc
  .oneof(
    fc.constantFrom("cms.aoc.17003", "cms.policy.biopsy-one-primary", "cms.ptp.11102.*", "acme-health", "nose", "site"),
    fc.stringMatching(/^[a-z][A-Za-z0-9_]{0,5}(?:-[A-Za-z0-9_]{1,3}){0,2}(?:\.[A-Za-z0-9_]{1,4}(?:-[A-Za-z0-9_]{1,3})?){0,3}(?:\.\*)?$/),
  )
  .filter((t) => !KEYWORDS.has(t));
export const ident: fc.Arbitrary<A.Ident> = identText.map((text) => ({ kind: "ident", text, span: SPAN }));
/** A name where the grammar also takes a keyword (`id`, `severity`, `ruleset` names …). */
const anyIdent: fc.Arbitrary<A.Ident> = fc.oneof(
  { weight: 9, arbitrary: ident },
  { weight: 1, arbitrary: fc.constantFrom("error", "warning", "ptp", "mue", "day").map((text) => ({ kind: "ident" as const, text, span: SPAN })) },
);

export const num: fc.Arbitrary<A.NumberLit> = fc
  .oneof(fc.nat(9999).map(String), fc.tuple(fc.nat(99), fc.stringMatching(/^[0-9]{1,2}$/)).map(([a, b]) => `${a}.${b}`), fc.constant("007"))
  .map((text) => ({ kind: "number", value: Number(text), text, span: SPAN }));

const digits = (n: number) => fc.stringMatching(new RegExp(`^[0-9]{${n}}$`));
export const date: fc.Arbitrary<A.DateLit> = fc
  .tuple(digits(4), digits(2), digits(2))
  .map(([y, m, d]) => ({ kind: "date", text: `${y}-${m}-${d}`, span: SPAN }));

/** String values: anything on one line, quotes, backslashes, `#` and non-ASCII included. */
export const str: fc.Arbitrary<A.StringLit> = fc
  .array(fc.oneof(fc.constantFrom('"', "\\", "#", "é", "—", " ", "\t", "{", "}"), fc.string({ maxLength: 3 })), { maxLength: 6 })
  .map((parts) => parts.join("").replace(/[\r\n]/g, " "))
  .map((value) => ({ kind: "string", value, span: SPAN }));

const cmpOp = fc.constantFrom<A.CmpOp>(">", ">=", "<", "<=", "=", "!=");

// ---------------------------------------------------------------- sets

const setItem: fc.Arbitrary<A.SetItem> = fc.oneof(
  word.map((w) => ({ kind: "set-ref" as const, word: w, span: SPAN })),
  fc.tuple(word, word).map(([from, to]) => ({ kind: "set-range" as const, from, to, span: SPAN })),
);
export const set: fc.Arbitrary<A.SetExpr> = fc
  .array(setItem, { minLength: 1, maxLength: 4 })
  .map((items) => ({ kind: "set", items, span: SPAN }));

// ---------------------------------------------------------------- conditions

const qualifier: fc.Arbitrary<A.CodesQualifier> = fc.oneof(
  fc.tuple(cmpOp, num).map(([op, value]) => ({ kind: "count" as const, op, value, span: SPAN })),
  fc.tuple(cmpOp, num).map(([op, value]) => ({ kind: "units" as const, op, value, span: SPAN })),
  fc.tuple(fc.boolean(), set).map(([negated, modifiers]) => ({ kind: "with-modifier" as const, negated, modifiers, span: SPAN })),
  fc.tuple(fc.boolean(), set).map(([negated, dx]) => ({ kind: "with-dx" as const, negated, dx, span: SPAN })),
);

const factValue: fc.Arbitrary<A.NumberLit | A.Word | A.Ident> = fc.oneof(num, nonNumericWord, ident);

/** Every atom kind (not and/or/not/paren). */
export const atom: fc.Arbitrary<A.Cond> = fc.oneof(
  fc.tuple(set, fc.option(qualifier, { nil: undefined })).map(([codes, q]) =>
    q === undefined ? { kind: "codes" as const, codes, span: SPAN } : { kind: "codes" as const, codes, qualifier: q, span: SPAN },
  ),
  fc.tuple(fc.constantFrom<"default" | "claim">("default", "claim"), set).map(([scope, dx]) => ({ kind: "dx" as const, scope, dx, span: SPAN })),
  set.map((modifiers) => ({ kind: "modifier" as const, modifiers, span: SPAN })),
  fc.tuple(cmpOp, num).map(([op, value]) => ({ kind: "units" as const, op, value, span: SPAN })),
  fc.tuple(cmpOp, num).map(([op, value]) => ({ kind: "age" as const, op, value, span: SPAN })),
  fc.array(word, { minLength: 1, maxLength: 3 }).map((values) => ({ kind: "sex" as const, values, span: SPAN })),
  fc.array(word, { minLength: 1, maxLength: 3 }).map((values) => ({ kind: "pos" as const, values, span: SPAN })),
  fc.array(anyIdent, { minLength: 1, maxLength: 3 }).map((values) => ({ kind: "payer" as const, values, span: SPAN })),
  fc.tuple(cmpOp, date).map(([op, d]) => ({ kind: "dos" as const, op, date: d, span: SPAN })),
  fc.tuple(ident, cmpOp, factValue).map(([name, op, v]) => ({ kind: "fact" as const, name, op, values: [v], span: SPAN })),
  fc.tuple(ident, fc.array(factValue, { minLength: 1, maxLength: 3 })).map(([name, values]) => ({
    kind: "fact" as const,
    name,
    op: "in" as const,
    values,
    span: SPAN,
  })),
);

/** Conditions of every shape the parser builds, nested up to `maxDepth`. */
export const cond: fc.Arbitrary<A.Cond> = fc.letrec<{
  cond: A.Cond;
  notArg: A.Cond;
  andArg: A.Cond;
  orArg: A.Cond;
  not: A.Cond;
  paren: A.Cond;
  and: A.Cond;
  or: A.Cond;
}>((tie) => ({
  cond: fc.oneof({ maxDepth: 4, depthSize: "small", withCrossShrink: true }, atom, tie("not"), tie("paren"), tie("and"), tie("or")),
  // The parser gives `not` an atom, a `not` or parentheses; `and` no direct and/or; `or` no direct or.
  notArg: fc.oneof({ maxDepth: 4, depthSize: "small", withCrossShrink: true }, atom, tie("not"), tie("paren")),
  andArg: fc.oneof({ maxDepth: 4, depthSize: "small", withCrossShrink: true }, atom, tie("not"), tie("paren")),
  orArg: fc.oneof({ maxDepth: 4, depthSize: "small", withCrossShrink: true }, atom, tie("not"), tie("paren"), tie("and")),
  not: tie("notArg").map((arg) => ({ kind: "not" as const, arg, span: SPAN })),
  paren: tie("cond").map((inner) => ({ kind: "paren" as const, inner, span: SPAN })),
  and: fc.array(tie("andArg"), { minLength: 2, maxLength: 3 }).map((args) => ({ kind: "and" as const, args, span: SPAN })),
  or: fc.array(tie("orArg"), { minLength: 2, maxLength: 3 }).map((args) => ({ kind: "or" as const, args, span: SPAN })),
})).cond;

// ---------------------------------------------------------------- actions, fixes, metadata

export const action: fc.Arbitrary<A.Action> = fc.oneof(
  set.map((codes) => ({ kind: "require-codes" as const, codes, span: SPAN })),
  fc.tuple(set, fc.option(set, { nil: undefined })).map(([modifiers, on]) =>
    on ? { kind: "require-modifier" as const, modifiers, on, span: SPAN } : { kind: "require-modifier" as const, modifiers, span: SPAN },
  ),
  set.map((dx) => ({ kind: "require-dx" as const, dx, span: SPAN })),
  set.map((codes) => ({ kind: "forbid-codes" as const, codes, span: SPAN })),
  fc.tuple(set, fc.option(set, { nil: undefined })).map(([modifiers, on]) =>
    on ? { kind: "forbid-modifier" as const, modifiers, on, span: SPAN } : { kind: "forbid-modifier" as const, modifiers, span: SPAN },
  ),
  fc.tuple(set, num, fc.constantFrom<"day" | "line">("day", "line")).map(([codes, max, per]) => ({ kind: "limit" as const, codes, max, per, span: SPAN })),
  fc.constant({ kind: "deny" as const, span: SPAN }),
  fc.constant({ kind: "flag" as const, span: SPAN }),
);

const fix: fc.Arbitrary<A.FixSpec> = fc.oneof(
  fc.tuple(set, set).map(([from, to]) => ({ kind: "replace" as const, from, to, span: SPAN })),
  fc.option(set, { nil: undefined }).map((codes) => (codes ? { kind: "remove" as const, codes, span: SPAN } : { kind: "remove" as const, span: SPAN })),
  set.map((codes) => ({ kind: "add-code" as const, codes, span: SPAN })),
  fc.tuple(word, fc.option(set, { nil: undefined })).map(([modifier, to]) =>
    to ? { kind: "add-modifier" as const, modifier, to, span: SPAN } : { kind: "add-modifier" as const, modifier, span: SPAN },
  ),
  num.map((units) => ({ kind: "set-units" as const, units, span: SPAN })),
  str.map((text) => ({ kind: "text" as const, text, span: SPAN })),
);

export const meta: fc.Arbitrary<A.Meta> = fc.oneof(
  anyIdent.map((id) => ({ kind: "id" as const, id, span: SPAN })),
  anyIdent.map((severity) => ({ kind: "severity" as const, severity, span: SPAN })),
  anyIdent.map((category) => ({ kind: "category" as const, category, span: SPAN })),
  str.map((message) => ({ kind: "message" as const, message, span: SPAN })),
  str.map((source) => ({ kind: "source" as const, source, span: SPAN })),
  fc.tuple(fc.option(date, { nil: undefined }), fc.option(date, { nil: undefined })).map(([from, until]) => ({
    kind: "effective" as const,
    ...(from && { from }),
    ...(until && { until }),
    span: SPAN,
  })),
  fix.map((f) => ({ kind: "fix" as const, fix: f, span: SPAN })),
  str.map((version) => ({ kind: "version" as const, version, span: SPAN })),
  set.map((codes) => ({ kind: "only" as const, codes, span: SPAN })),
);
const metas = fc.array(meta, { maxLength: 4 });

// ---------------------------------------------------------------- items

const ruleBody = (withMeta: boolean): fc.Arbitrary<A.Rule> =>
  fc
    .tuple(fc.boolean(), set, fc.option(cond, { nil: undefined }), cond, action, withMeta ? metas : fc.constant([]))
    .map(([line, subject, lineCond, claimCond, act, meta]) =>
      line
        ? { kind: "rule" as const, scope: "line" as const, subject, ...(lineCond && { condition: lineCond }), action: act, meta, span: SPAN }
        : { kind: "rule" as const, scope: "claim" as const, condition: claimCond, action: act, meta, span: SPAN },
    );

const setDecl: fc.Arbitrary<A.SetDecl> = fc
  .tuple(fc.constantFrom<A.SetDecl["setKind"]>("codes", "dx", "modifiers"), word, fc.array(setItem, { minLength: 1, maxLength: 40 }))
  .map(([setKind, name, items]) => ({ kind: "set-decl", setKind, name, value: { kind: "set", items, span: SPAN }, span: SPAN }));

const override: fc.Arbitrary<A.OverrideDecl> = fc
  .tuple(anyIdent, fc.option(ruleBody(false), { nil: undefined }), metas)
  .map(([target, rule, meta]) => ({ kind: "override", target, ...(rule && { rule }), meta, span: SPAN }));

const tableRef: fc.Arbitrary<A.TableRef> = fc
  .tuple(fc.constantFrom<A.TableRef["table"]>("ptp", "mue", "aoc"), str, metas)
  .map(([table, path, meta]) => ({ kind: "table-ref", table, path, meta, span: SPAN }));

const select: fc.Arbitrary<A.SelectTable> = fc
  .tuple(set, fc.array(fc.tuple(cond, word), { maxLength: 4 }), metas)
  .map(([subject, cases, meta]) => ({
    kind: "select",
    subject,
    cases: cases.map(([condition, code]) => ({ kind: "case" as const, condition, code, span: SPAN })),
    meta,
    span: SPAN,
  }));

const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

const testClaim: fc.Arbitrary<A.TestClaim> = fc
  .record({
    id: opt(fc.oneof(word, ident, str)),
    serviceDate: opt(date),
    payer: opt(anyIdent),
    diagnoses: fc.array(word, { maxLength: 3 }),
    sex: opt(word),
    birthDate: opt(date),
    placeOfService: opt(word),
  })
  .map((r) => {
    const out: Record<string, unknown> = { kind: "test-claim" };
    for (const [k, v] of Object.entries(r)) if (v !== undefined) out[k] = v;
    out["span"] = SPAN;
    return out as unknown as A.TestClaim;
  });

const testLine: fc.Arbitrary<A.TestLine> = fc
  .record({
    code: word,
    units: opt(num),
    modifiers: fc.array(word, { maxLength: 3 }),
    dxPointers: fc.array(num, { maxLength: 3 }),
    serviceDate: opt(date),
    charge: opt(num),
    facts: fc.array(fc.record({ name: ident, value: factValue }), { maxLength: 3 }),
  })
  .map((r) => {
    const out: Record<string, unknown> = { kind: "test-line" };
    for (const [k, v] of Object.entries(r)) if (v !== undefined) out[k] = v;
    out["span"] = SPAN;
    return out as unknown as A.TestLine;
  });

const expectation: fc.Arbitrary<A.Expectation> = fc.oneof(
  fc.tuple(opt(ident), ident, opt(fc.array(num, { minLength: 1, maxLength: 3 }))).map(([severity, rule, lines]) => ({
    kind: "expect-finding" as const,
    ...(severity && { severity }),
    rule,
    ...(lines && { lines }),
    span: SPAN,
  })),
  anyIdent.map((rule) => ({ kind: "expect-no" as const, rule, span: SPAN })),
  anyIdent.map((verdict) => ({ kind: "expect-verdict" as const, verdict, span: SPAN })),
);

const testBlock: fc.Arbitrary<A.TestBlock> = fc
  .tuple(str, opt(testClaim), fc.array(testLine, { maxLength: 3 }), fc.array(expectation, { maxLength: 3 }))
  .map(([name, claim, lines, expectations]) => ({ kind: "test", name, ...(claim && { claim }), lines, expectations, span: SPAN }));

export const item: fc.Arbitrary<A.Item> = fc.oneof(
  setDecl,
  ruleBody(true),
  override,
  anyIdent.map((target) => ({ kind: "disable" as const, target, span: SPAN })),
  tableRef,
  select,
  testBlock,
);

/** A bare `override ID` right before a `when` rule cannot be written (see the header). */
function writable(items: readonly A.Item[]): boolean {
  return items.every((it, i) => {
    const next = items[i + 1];
    return !(it.kind === "override" && it.rule === undefined && it.meta.length === 0 && next?.kind === "rule");
  });
}

/** A whole file: an optional `ruleset` line and up to six items. */
export const ruleFile: fc.Arbitrary<A.RuleFile> = fc
  .tuple(
    opt(fc.tuple(anyIdent, opt(anyIdent)).map(([name, base]) => ({ kind: "ruleset" as const, name, ...(base && { extends: base }), span: SPAN }))),
    fc.array(item, { maxLength: 6 }).filter(writable),
  )
  .map(([ruleset, items]) => ({ kind: "file", path: FILE, ...(ruleset && { ruleset }), items, span: SPAN }));

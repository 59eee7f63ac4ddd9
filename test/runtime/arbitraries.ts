/**
 * Arbitraries for runtime property tests: small random decision tables (rules of every
 * condition and action kind, PTP/MUE/AOC edits), claims drawn from the codes they mention, and
 * a dense NCCI table where edits interact on most claims.
 */
import fc from "fast-check";
import { loadTable } from "../../runtime/index.ts";
import type { Finding } from "../../runtime/index.ts";
import { compareFindings } from "../../runtime/findings.ts";
import type { CodeRanges, Op, TAction, TCond, TFix, TRule } from "../../runtime/table.ts";
import { day, makeTable, rule } from "../support/tables.ts";

const CODES = ["11102", "11104", "11300", "17000", "17003", "17004", "99213", "11600", "11601"];
const MODS = ["25", "59", "XS", "RT", "LT", "GT", "57"];
const DX = ["L57.0", "C44.311", "C44.31", "L82.1", "Z99.9"];
const DATES = ["2024-05-15", "2024-05-16"];
const OPS: Op[] = [">", ">=", "<", "<=", "=", "!="];

const code = fc.constantFrom(...CODES);
const codeSet: fc.Arbitrary<CodeRanges> = fc.oneof(
  fc.uniqueArray(code, { minLength: 1, maxLength: 3 }).map((cs) => cs.sort().map((c) => [c, c] as [string, string])),
  fc.constant<CodeRanges>([["11100", "11699"]]),
  fc.constant<CodeRanges>([["17000", "17004"]]),
);
const mods = fc.uniqueArray(fc.constantFrom(...MODS), { minLength: 1, maxLength: 2 }).map((m) => m.sort());
const dxSet = fc.record({ codes: fc.subarray(["L570", "C44311", "L821"]), prefixes: fc.subarray(["C44", "L8"]) });
const op = fc.constantFrom(...OPS);

const { cond } = fc.letrec<{ cond: TCond }>((tie) => ({
  cond: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.record({ k: fc.constant("has" as const), set: codeSet, units: fc.option(fc.tuple(op, fc.integer({ min: 0, max: 3 })), { nil: undefined }), mod: fc.option(mods, { nil: undefined }), noMod: fc.option(mods, { nil: undefined }), dx: fc.option(dxSet, { nil: undefined }), noDx: fc.option(dxSet, { nil: undefined }) }, { requiredKeys: ["k", "set"] }),
    fc.record({ k: fc.constant("count" as const), set: codeSet, op, n: fc.integer({ min: 0, max: 4 }) }),
    fc.record({ k: fc.constant("dx" as const), scope: fc.constantFrom("claim" as const, "line" as const), set: dxSet }),
    fc.record({ k: fc.constant("mod" as const), set: mods }),
    fc.record({ k: fc.constant("units" as const), op, n: fc.integer({ min: 0, max: 3 }) }),
    fc.record({ k: fc.constant("age" as const), op, n: fc.integer({ min: 0, max: 90 }) }),
    fc.record({ k: fc.constant("sex" as const), values: fc.subarray(["M", "F", "U"]) }),
    fc.record({ k: fc.constant("pos" as const), values: fc.subarray(["11", "22"]) }),
    fc.record({ k: fc.constant("payer" as const), values: fc.subarray(["cms", "acme"]) }),
    fc.record({ k: fc.constant("dos" as const), op, day: fc.constantFrom(...DATES.map(day)) }),
    fc.record({ k: fc.constant("fact" as const), name: fc.constantFrom("lesionCount" as const, "excisedDiameterCm" as const, "repairLengthCm" as const), op, n: fc.integer({ min: 0, max: 3 }) }),
    fc.record({ k: fc.constant("site" as const), values: fc.subarray(["nose", "trunk"]) }),
    fc.constant<TCond>({ k: "true" }),
    fc.record({ k: fc.constant("and" as const), args: fc.array(tie("cond"), { minLength: 1, maxLength: 3 }) }),
    fc.record({ k: fc.constant("or" as const), args: fc.array(tie("cond"), { minLength: 1, maxLength: 3 }) }),
    fc.record({ k: fc.constant("not" as const), arg: tie("cond") }),
  ),
}));
const boundedCond = cond.filter((c) => JSON.stringify(c).length < 1500);

const action: fc.Arbitrary<TAction> = fc.oneof(
  fc.record({ k: fc.constant("require-codes" as const), set: codeSet }),
  fc.record({ k: fc.constant("require-modifier" as const), set: mods, on: fc.option(codeSet, { nil: undefined }) }, { requiredKeys: ["k", "set"] }),
  fc.record({ k: fc.constant("require-dx" as const), set: dxSet }),
  fc.record({ k: fc.constant("forbid-codes" as const), set: codeSet }),
  fc.record({ k: fc.constant("forbid-modifier" as const), set: mods, on: fc.option(codeSet, { nil: undefined }) }, { requiredKeys: ["k", "set"] }),
  fc.record({ k: fc.constant("limit" as const), set: codeSet, max: fc.integer({ min: 0, max: 3 }), per: fc.constantFrom("day" as const, "line" as const) }),
  fc.constant<TAction>({ k: "deny" }),
  fc.constant<TAction>({ k: "flag" }),
  fc.record({ k: fc.constant("select" as const), cases: fc.array(fc.record({ when: boundedCond, code }), { minLength: 1, maxLength: 3 }) }),
);
const fix: fc.Arbitrary<TFix | undefined> = fc.option(
  fc.oneof(
    fc.record({ op: fc.constant("replace" as const), from: codeSet, codes: fc.array(code, { minLength: 1, maxLength: 2 }) }),
    fc.record({ op: fc.constant("remove" as const), codes: fc.option(codeSet, { nil: undefined }) }, { requiredKeys: ["op"] }),
    fc.record({ op: fc.constant("add-modifier" as const), modifier: fc.constantFrom(...MODS), to: fc.option(codeSet, { nil: undefined }) }, { requiredKeys: ["op", "modifier"] }),
    fc.record({ op: fc.constant("set-units" as const), units: fc.integer({ min: 1, max: 3 }) }),
  ),
  { nil: undefined },
);
const ruleArb: fc.Arbitrary<TRule> = fc
  .record({
    scope: fc.constantFrom("claim" as const, "line" as const),
    subject: codeSet,
    when: boundedCond,
    action,
    fix,
    severity: fc.constantFrom("error" as const, "warning" as const, "info" as const),
    effective: fc.constantFrom<[number | null, number | null]>([null, null], [day(DATES[1]), null], [null, day(DATES[0])]),
  })
  .map((r, ) => r)
  .chain((r) =>
    fc.nat().map((n) =>
      rule({
        id: `p.rule.${n % 1000}`,
        scope: r.scope,
        ...(r.scope === "line" || r.action.k === "select" ? { subject: r.subject } : {}),
        when: r.when,
        action: r.action,
        fix: r.fix,
        severity: r.severity,
        effective: r.effective,
        needs: ["patient.birthDate", "patient.sex", "placeOfService"],
      }),
    ),
  );

const ptpRows = fc.array(fc.tuple(fc.constantFrom(null, day("2024-05-16")), fc.constantFrom(null, day("2024-05-15")), fc.constantFrom(0 as const, 1 as const, 9 as const)), { minLength: 1, maxLength: 2 });
export const tableArb = fc.record({
  rules: fc.array(ruleArb, { maxLength: 5 }),
  ptp: fc.array(fc.tuple(code, code, ptpRows), { maxLength: 30 }),
  mue: fc.array(fc.tuple(code, fc.integer({ min: 0, max: 3 }), fc.constantFrom(1 as const, 2 as const, 3 as const)), { maxLength: 4 }),
  aoc: fc.array(fc.tuple(code, fc.constantFrom(1 as const, 2 as const, 3 as const), fc.constantFrom("CCCCC", ...CODES), fc.constantFrom(null, day("2024-05-15"))), { maxLength: 5 }),
}).map((t) => {
  const rules = t.rules.map((r, i) => ({ ...r, id: `p.rule.${i}` }));
  const ptp: Record<string, Record<string, [number | null, number | null, 0 | 1 | 9][]>> = {};
  for (const [a, b, rows] of t.ptp) if (a !== b) ((ptp[a] ??= {})[b] ??= []).push(...rows);
  const mue: Record<string, [number, 1 | 2 | 3]> = {};
  for (const [c, n, mai] of t.mue) mue[c] = [n, mai];
  const aoc: Record<string, [1 | 2 | 3, string, number | null, number | null, number | null][]> = {};
  for (const [c, type, primary, del] of t.aoc) (aoc[c] ??= []).push([type, primary, del, null, null]);
  const r = loadTable(makeTable({ rules, ptp, mue, aoc, icd: { billable: ["L570", "C44311", "L821"], headers: ["C4431", "C44"] } }));
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.table;
});

const lineArb = fc.record(
  {
    code,
    units: fc.integer({ min: 1, max: 3 }),
    modifiers: fc.uniqueArray(fc.constantFrom(...MODS), { maxLength: 2 }),
    dxPointers: fc.uniqueArray(fc.integer({ min: 1, max: 2 }), { minLength: 1, maxLength: 2 }),
    serviceDate: fc.constantFrom(...DATES),
    facts: fc.record({ lesionCount: fc.integer({ min: 1, max: 3 }), site: fc.constantFrom("nose", "trunk", "Nose"), excisedDiameterCm: fc.constantFrom(0.5, 1, 2.5) }, { requiredKeys: [] }),
  },
  { requiredKeys: ["code", "units"] },
);
export const claimArb = fc.record(
  {
    id: fc.constant("P1"),
    serviceDate: fc.constant(DATES[0]),
    diagnoses: fc.array(fc.constantFrom(...DX), { minLength: 2, maxLength: 3 }),
    lines: fc.array(lineArb, { minLength: 1, maxLength: 8 }),
    patient: fc.record({ sex: fc.constantFrom("M", "F"), birthDate: fc.constantFrom("1950-01-01", "2020-05-16") }, { requiredKeys: [] }),
    placeOfService: fc.constantFrom("11", "22"),
    payer: fc.constantFrom("cms", "acme"),
  },
  { requiredKeys: ["id", "serviceDate", "diagnoses", "lines"] },
);

export function renumber(findings: Finding[], perm: number[]): Finding[] {
  // perm[i] = original 0-based index of shuffled line i.
  const map = (ls: number[]) => ls.map((l) => perm[l - 1] + 1).sort((a, b) => a - b);
  return findings
    .map((f) => {
      const g: Finding = { ...f, lines: map(f.lines) };
      if (f.related) g.related = map(f.related);
      if (f.fix) g.fix = { ...f.fix, ...(f.fix.lines ? { lines: map(f.fix.lines) } : {}) };
      return g;
    })
    .sort(compareFindings);
}

/** Shuffled claims: the claim and a permutation of its line indexes. */
export function shuffled<C extends { lines: unknown[] }>(claims: fc.Arbitrary<C>): fc.Arbitrary<[C, number[]]> {
  return claims.chain((c) => fc.tuple(fc.constant(c), fc.shuffledSubarray([...c.lines.keys()], { minLength: c.lines.length, maxLength: c.lines.length })));
}

// A dense NCCI table over four codes (every ordered pair has a row), so PTP, MUE and add-on
// interactions, E/M pairs included, come up on most claims.
const DENSE = ["99213", "11102", "11300", "17000"];
export const denseTableArb = fc
  .record({
    ind: fc.array(fc.constantFrom(0 as const, 1 as const, 1 as const, 9 as const), { minLength: 12, maxLength: 12 }),
    mue: fc.array(fc.tuple(fc.integer({ min: 1, max: 3 }), fc.constantFrom(1 as const, 2 as const, 3 as const)), { minLength: 4, maxLength: 4 }),
    aoc: fc.array(fc.constantFrom(0, 1, 3), { minLength: 4, maxLength: 4 }),
  })
  .map((t) => {
    const ptp: Record<string, Record<string, [null, null, 0 | 1 | 9][]>> = {};
    let k = 0;
    for (const a of DENSE) for (const b of DENSE) if (a !== b) (ptp[a] ??= {})[b] = [[null, null, t.ind[k++]]];
    const mue = Object.fromEntries(DENSE.map((c, i) => [c, t.mue[i]]));
    const aoc: Record<string, [1 | 2 | 3, string, null, null, null][]> = {};
    DENSE.forEach((c, i) => {
      const type = t.aoc[i];
      if (type !== 0) aoc[c] = [[type as 1 | 3, DENSE[(i + 1) % 4], null, null, null]];
    });
    const r = loadTable(makeTable({ ptp, mue, aoc }));
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    return r.table;
  });
export const denseClaimArb = fc.record({
  id: fc.constant("D1"),
  serviceDate: fc.constant(DATES[0]),
  diagnoses: fc.constant(["L57.0"]),
  lines: fc.array(
    fc.record({ code: fc.constantFrom(...DENSE), units: fc.integer({ min: 1, max: 3 }), modifiers: fc.uniqueArray(fc.constantFrom("25", "59", "RT", "LT", "GT"), { maxLength: 2 }) }),
    { minLength: 2, maxLength: 8 },
  ),
});


/**
 * fast-check arbitraries for the analysis properties: small rule sets over a few dermatology
 * codes, written so that the things `check` looks for happen often — a rule requiring a code
 * that another forbids, fixes that add or replace codes, select tables whose cases overlap,
 * contradictory counts, PTP rows with indicator 0 — and claims drawn from the same codes,
 * diagnoses and modifiers, so that the rules fire.
 *
 * The compiler's generators (random layered programs with overrides and disables) live in
 * test/compiler/arbitraries.ts and are re-exported here for the properties that use both.
 */
import fc from "fast-check";
import type { Claim, ClaimLine } from "../../runtime/types.ts";

export { program as layeredProgram, claim as layeredClaim, type GeneratedProgram } from "../compiler/arbitraries.ts";

export const CODES = ["11102", "11104", "17000", "17003", "17004", "17110", "17111", "99213"] as const;
const DX = ["L57.0", "B07.8", "L82.1", "D48.5"] as const;
const MODS = ["25", "59", "XS", "GA"] as const;
const DATES = ["2024-03-01", "2025-06-01"] as const;

const code = fc.constantFrom(...CODES);
const codeList = fc.uniqueArray(code, { minLength: 1, maxLength: 2 }).map((xs) => xs.join(", "));
const dx = fc.constantFrom(...DX);
const mod = fc.constantFrom(...MODS);
const op = fc.constantFrom(">", ">=", "<", "<=", "=", "!=");
const small = fc.integer({ min: 0, max: 4 });

/** A claim-scope atom. */
const claimAtom: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: codeList },
  { weight: 2, arbitrary: fc.tuple(codeList, op, small).map(([s, o, n]) => `${s} count ${o} ${n}`) },
  { weight: 1, arbitrary: fc.tuple(codeList, op, small).map(([s, o, n]) => `${s} units ${o} ${n}`) },
  { weight: 1, arbitrary: fc.tuple(codeList, fc.constantFrom("with", "without"), mod).map(([s, w, m]) => `${s} ${w} modifier ${m}`) },
  { weight: 1, arbitrary: fc.tuple(codeList, fc.constantFrom("with", "without"), dx).map(([s, w, d]) => `${s} ${w} dx ${d}`) },
  { weight: 1, arbitrary: dx.map((d) => `dx in ${d}`) },
  { weight: 1, arbitrary: fc.tuple(op, fc.constantFrom(...DATES)).map(([o, d]) => `dos ${o} ${d}`) },
);

/** A line-scope atom (about the current line) or a claim atom. */
const lineAtom: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: claimAtom },
  { weight: 1, arbitrary: mod.map((m) => `modifier ${m}`) },
  { weight: 1, arbitrary: fc.tuple(op, small).map(([o, n]) => `units ${o} ${n}`) },
  { weight: 1, arbitrary: fc.tuple(op, fc.integer({ min: 1, max: 16 })).map(([o, n]) => `lesionCount ${o} ${n}`) },
  { weight: 1, arbitrary: dx.map((d) => `dx in ${d}`) },
);

function conj(atom: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.array(fc.tuple(fc.boolean(), atom), { minLength: 1, maxLength: 3 }).map((xs) => xs.map(([neg, a], i) => (neg && i > 0 ? `not ${a}` : a)).join(" and "));
}

const action: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: code.map((c) => `require ${c}`) },
  { weight: 3, arbitrary: codeList.map((s) => `forbid ${s}`) },
  { weight: 1, arbitrary: mod.map((m) => `require modifier ${m}`) },
  { weight: 1, arbitrary: mod.map((m) => `forbid modifier ${m}`) },
  { weight: 1, arbitrary: fc.tuple(code, fc.integer({ min: 1, max: 3 }), fc.constantFrom("", " per line")).map(([c, n, per]) => `limit ${c} to ${n}${per}`) },
  { weight: 2, arbitrary: fc.constant("deny") },
  { weight: 1, arbitrary: fc.constant("flag") },
);

const fix = fc.option(
  fc.oneof(code.map((c) => `fix add ${c}`), fc.tuple(code, code).map(([a, b]) => `fix replace ${a} with ${b}`), mod.map((m) => `fix add modifier ${m}`)),
  { nil: undefined, freq: 3 },
);

const meta = fc.record({
  severity: fc.option(fc.constantFrom("warning", "error"), { nil: undefined, freq: 3 }),
  effective: fc.option(fc.constantFrom("effective 2025-01-01", "effective until 2024-12-31"), { nil: undefined, freq: 4 }),
  fix,
});

const rule: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(conj(claimAtom), action).map(([c, a]) => `when ${c} ${a}`) },
  { weight: 3, arbitrary: fc.tuple(codeList, fc.option(conj(lineAtom), { nil: undefined }), action).map(([s, c, a]) => `when line ${s}${c ? ` and ${c}` : ""} ${a}`) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(codeList, fc.array(fc.tuple(conj(lineAtom), code), { minLength: 1, maxLength: 3 }))
      .map(([s, cases]) => `select for ${s} {\n${cases.map(([c, k]) => `  case ${c} -> ${k}\n`).join("")}}`),
  },
);

const date8 = fc.constantFrom("", "", "20250101");
const ptpRow = fc.tuple(code, code, date8, fc.constantFrom("*", "*", "20241231"), fc.constantFrom(0, 0, 1, 9));
const mueRow = fc.tuple(code, fc.integer({ min: 0, max: 3 }), fc.constantFrom(1, 2, 3));

/** A generated rule set: files, data files, and the rules' ids. */
export interface AnalysisProgram {
  files: Record<string, string>;
  data: Record<string, string>;
  ids: string[];
}

/**
 * A rule that asks for a code, a modifier or a replacement, and one that forbids it under a
 * condition that may or may not overlap: the raw material of conflicts.
 */
const pair: fc.Arbitrary<[string, string]> = fc.oneof(
  fc.tuple(code, conj(claimAtom), conj(claimAtom)).map(([c, x, y]) => [`when ${x} require ${c}`, `when ${y} forbid ${c}`] as [string, string]),
  fc.tuple(code, code, conj(claimAtom), conj(claimAtom)).map(([a, c, x, y]) => [`when line ${a} and ${x} deny\n  fix add ${c}`, `when ${y} forbid ${c}`] as [string, string]),
  fc.tuple(code, mod, conj(lineAtom), conj(lineAtom)).map(([a, m, x, y]) => [`when line ${a} and ${x} require modifier ${m}`, `when line ${a} and ${y} forbid modifier ${m}`] as [string, string]),
  fc.tuple(code, code, conj(lineAtom), conj(lineAtom)).map(([a, b, x, y]) => [`select for ${a} {\n  case ${x} -> ${b}\n}`, `when line ${b} and ${y} deny`] as [string, string]),
);

export const analysisProgram: fc.Arbitrary<AnalysisProgram> = fc
  .record({
    rules: fc.array(fc.tuple(rule, meta), { minLength: 1, maxLength: 5 }),
    pairs: fc.array(pair, { maxLength: 2 }),
    ptp: fc.array(ptpRow, { maxLength: 6 }),
    mue: fc.uniqueArray(mueRow, { selector: (r) => r[0], maxLength: 3 }),
    aoc: fc.boolean(),
  })
  .map((g) => {
    let text = "";
    const ids: string[] = [];
    const bodies: [string, { severity: string | undefined; effective: string | undefined; fix: string | undefined }][] = [
      ...g.rules,
      ...g.pairs.flat().map((b) => [b, { severity: undefined, effective: undefined, fix: undefined }] as [string, { severity: undefined; effective: undefined; fix: undefined }]),
    ];
    bodies.forEach(([body, m], i) => {
      const id = `p.r${i}`;
      ids.push(id);
      const lines = [body, `  id ${id}`];
      if (m.severity) lines.push(`  severity ${m.severity}`);
      if (m.effective) lines.push(`  ${m.effective}`);
      // A fix that adds a modifier or a code makes sense on any action; keep it.
      if (m.fix) lines.push(`  ${m.fix}`);
      text += `${lines.join("\n")}\n`;
    });
    const data: Record<string, string> = {};
    const rows = g.ptp.filter(([a, b]) => a !== b);
    if (rows.length > 0) {
      text += 'ptp "ptp.tsv"\n';
      data["ptp.tsv"] = ["column1\tcolumn2\tprior1996\teffective\tdeletion\tmodifier\trationale", ...rows.map(([a, b, e, d, m]) => `${a}\t${b}\t\t${e}\t${d}\t${m}\tgen`)].join("\n") + "\n";
    }
    if (g.mue.length > 0) {
      text += 'mue "mue.tsv"\n';
      data["mue.tsv"] = ["code\tmue\tmai\trationale", ...g.mue.map(([c, n, m]) => `${c}\t${n}\t${m}\tgen`)].join("\n") + "\n";
    }
    if (g.aoc) {
      text += 'aoc "aoc.tsv"\n';
      data["aoc.tsv"] =
        "AOC_Edit_Type\tAdd-On_Code\tAOC_DelDT\tPrimary_Code\tPrimary_Code_DelDT\tAOC_Edit_EffDT\tAOC_Edit_DelDT\tSpecial_Instruction_Notes\n1\t17003\t\t17000\t\t2019001\t\t\n";
    }
    return { files: { "p.rules": text }, data, ids };
  });

const lineArb = fc.record({
  code: fc.oneof({ weight: 4, arbitrary: code }, { weight: 1, arbitrary: fc.constantFrom("11300", "17250") }),
  units: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 2 }) }, { weight: 1, arbitrary: fc.integer({ min: 3, max: 6 }) }),
  modifiers: fc.option(fc.uniqueArray(mod, { minLength: 1, maxLength: 2 }), { nil: undefined, freq: 2 }),
  dxPointers: fc.option(fc.uniqueArray(fc.integer({ min: 1, max: 2 }), { minLength: 1, maxLength: 2 }), { nil: undefined, freq: 4 }),
  lesionCount: fc.option(fc.integer({ min: 1, max: 16 }), { nil: undefined, freq: 2 }),
});

/** A valid claim with one date of service, over the codes of `analysisProgram`. */
export const analysisClaim: fc.Arbitrary<Claim> = fc
  .record({
    serviceDate: fc.constantFrom(...DATES, "2026-01-15"),
    diagnoses: fc.uniqueArray(dx, { minLength: 1, maxLength: 2 }),
    lines: fc.array(lineArb, { minLength: 1, maxLength: 4 }),
  })
  .map((c) => {
    const out: Claim = { id: "PROP", serviceDate: c.serviceDate, diagnoses: c.diagnoses, lines: [] };
    for (const l of c.lines) {
      const line: ClaimLine = { code: l.code, units: l.units };
      if (l.modifiers) line.modifiers = l.modifiers;
      const ptrs = l.dxPointers?.filter((p) => p <= c.diagnoses.length);
      if (ptrs && ptrs.length > 0) line.dxPointers = ptrs;
      if (l.lesionCount !== undefined) line.facts = { lesionCount: l.lesionCount };
      out.lines.push(line);
    }
    return out;
  });

/**
 * fast-check arbitraries for the differential test: random rule files (every condition and
 * action kind, metadata, fixes, select tables, a payer layer with overrides and disables, small
 * PTP/MUE/AOC tables) and random claims drawn from the same small code universe, so that rules
 * actually fire.
 */
import fc from "fast-check";
import type { Claim, ClaimLine } from "../../runtime/types.ts";

export const CODES = ["11102", "11103", "11104", "11105", "11106", "11107", "17000", "17003", "17004", "99212", "99213", "99214"];
/** Codes drawn more often, so that table rows and claim lines meet. */
const HOT = ["11102", "11104", "17000", "17003", "99213"];
const someCode = fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...HOT) }, { weight: 1, arbitrary: fc.constantFrom(...CODES) });
const CODE_ITEMS = [...CODES, "11102-11104", "11105-11107", "17000-17004", "99212-99214", "BIOPSY", "DESTRUCTION", "EM_VISIT"];
/** Claim diagnoses: billable codes, with and without the dot, and one header (`C44.31`). */
const CLAIM_DX = ["L57.0", "L82.1", "C44.311", "C44311", "D48.5", "C44.31", "B07.8"];
const DX_ITEMS = ["L57.0", "L82.1", "C44.*", "D48.5", "C44.31", "AK_DX", "SKIN_CA", "L82.0-L82.1", "D48*", "B07.8"];
const MODS = ["25", "59", "XS", "RT", "LT", "GA"];
const MOD_ITEMS = [...MODS, "DISTINCT"];
const DATES = ["2024-01-15", "2024-06-01", "2026-03-01"];

/** The named sets every generated program declares. */
export const SETS = `codes BIOPSY = 11102-11107
codes DESTRUCTION = 17000, 17003, 17004
codes EM_VISIT = 99212-99214
dx AK_DX = L57.0
dx SKIN_CA = C44.*, D48.5
modifiers DISTINCT = 59, XS
`;

const list = (items: string[]) => fc.uniqueArray(fc.constantFrom(...items), { minLength: 1, maxLength: 3 }).map((xs) => xs.join(", "));
const codeSet = list(CODE_ITEMS);
const dxSet = list(DX_ITEMS);
const modSet = list(MOD_ITEMS);
const op = fc.constantFrom(">", ">=", "<", "<=", "=", "!=");
const small = fc.integer({ min: 0, max: 5 });

const codesAtom = fc.oneof(
  codeSet,
  fc.tuple(codeSet, op, small).map(([s, o, n]) => `${s} count ${o} ${n}`),
  fc.tuple(codeSet, op, small).map(([s, o, n]) => `${s} units ${o} ${n}`),
  fc.tuple(codeSet, fc.constantFrom("with", "without"), modSet).map(([s, w, m]) => `${s} ${w} modifier ${m}`),
  fc.tuple(codeSet, fc.constantFrom("with", "without"), dxSet).map(([s, w, d]) => `${s} ${w} dx ${d}`),
);

const claimAtom = fc.oneof(
  { weight: 6, arbitrary: codesAtom },
  { weight: 1, arbitrary: dxSet.map((d) => `dx in ${d}`) },
  { weight: 1, arbitrary: dxSet.map((d) => `claim dx in ${d}`) },
  { weight: 1, arbitrary: fc.tuple(op, fc.constantFrom(10, 40, 65, 80)).map(([o, n]) => `age ${o} ${n}`) },
  { weight: 1, arbitrary: fc.constantFrom("sex F", "sex in M, U", "pos 11", "pos in 11, 22", "payer acme", "payer in cms, globex") },
  { weight: 1, arbitrary: fc.tuple(op, fc.constantFrom(...DATES)).map(([o, d]) => `dos ${o} ${d}`) },
);

const lineAtom = fc.oneof(
  { weight: 3, arbitrary: claimAtom },
  { weight: 1, arbitrary: modSet.map((m) => `modifier ${m}`) },
  { weight: 1, arbitrary: fc.tuple(op, small).map(([o, n]) => `units ${o} ${n}`) },
  { weight: 1, arbitrary: fc.constantFrom("site in nose, back", "site = scalp", "site in Nose") },
  { weight: 1, arbitrary: fc.tuple(op, small).map(([o, n]) => `lesionCount ${o} ${n}`) },
  { weight: 1, arbitrary: fc.tuple(op, fc.constantFrom("0.5", "1.0", "2.0")).map(([o, n]) => `excisedDiameterCm ${o} ${n}`) },
  { weight: 1, arbitrary: fc.constantFrom("repairLengthCm > 2.5", "lesionCount in 1, 2") },
);

/** A condition over atoms: and, or, not, parentheses, nested a few levels. */
function condition(atom: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const { cond } = fc.letrec<{ cond: string }>((tie) => ({
    cond: fc.oneof(
      { maxDepth: 3, depthSize: "small" },
      atom,
      fc.array(tie("cond"), { minLength: 2, maxLength: 3 }).map((xs) => xs.join(" and ")),
      fc.array(tie("cond"), { minLength: 2, maxLength: 3 }).map((xs) => xs.join(" or ")),
      tie("cond").map((c) => `not ${c}`),
      tie("cond").map((c) => `(${c})`),
    ),
  }));
  return cond;
}

export const ACTIONS = ["require-codes", "require-modifier", "require-dx", "forbid-codes", "forbid-modifier", "limit", "deny", "flag"] as const;
export type ActionKind = (typeof ACTIONS)[number] | "select";

const action: fc.Arbitrary<[ActionKind, string]> = fc.oneof(
  codeSet.map((s) => ["require-codes", `require ${s}`] as [ActionKind, string]),
  fc.tuple(modSet, fc.option(codeSet, { nil: undefined })).map(([m, on]) => ["require-modifier", `require modifier ${m}${on ? ` on ${on}` : ""}`] as [ActionKind, string]),
  dxSet.map((d) => ["require-dx", `require dx in ${d}`] as [ActionKind, string]),
  codeSet.map((s) => ["forbid-codes", `forbid ${s}`] as [ActionKind, string]),
  fc.tuple(modSet, fc.option(codeSet, { nil: undefined })).map(([m, on]) => ["forbid-modifier", `forbid modifier ${m}${on ? ` on ${on}` : ""}`] as [ActionKind, string]),
  fc.tuple(codeSet, fc.integer({ min: 0, max: 4 }), fc.constantFrom("", " per day", " per line")).map(([s, n, per]) => ["limit", `limit ${s} to ${n}${per}`] as [ActionKind, string]),
  fc.constant(["deny", "deny"] as [ActionKind, string]),
  fc.constant(["flag", "flag"] as [ActionKind, string]),
);

const meta = fc.record({
  severity: fc.option(fc.constantFrom("error", "warning", "info"), { nil: undefined }),
  effective: fc.option(fc.constantFrom("effective 2024-03-01", "effective until 2025-12-31", "effective 2024-01-15 until 2024-06-01"), { nil: undefined }),
  fix: fc.option(
    fc.constantFrom("fix remove", "fix remove 17000-17004", "fix add 17000", "fix replace 17000, 17003 with 17004", "fix add modifier 25", "fix add modifier 59 to BIOPSY", "fix set units 1", 'fix "check the chart"'),
    { nil: undefined },
  ),
  message: fc.option(fc.constant('message "generated"'), { nil: undefined }),
});

/** One rule's text and its action kind, given its id. */
const ruleBody: fc.Arbitrary<{ kind: ActionKind; body: string }> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(condition(claimAtom), action).map(([c, [kind, a]]) => ({ kind, body: `when ${c} ${a}` })) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(codeSet, fc.option(condition(lineAtom), { nil: undefined }), action)
      .map(([s, c, [kind, a]]) => ({ kind, body: `when line ${s}${c ? ` and ${c}` : ""} ${a}` })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(codeSet, fc.array(fc.tuple(condition(lineAtom), fc.constantFrom(...CODES)), { minLength: 1, maxLength: 3 }))
      .map(([s, cases]) => ({ kind: "select" as ActionKind, body: `select for ${s} {\n${cases.map(([c, code]) => `  case ${c} -> ${code}\n`).join("")}}` })),
  },
);

interface MetaChoice {
  severity: string | undefined;
  effective: string | undefined;
  fix: string | undefined;
  message: string | undefined;
}

function withMeta(body: string, id: string, m: MetaChoice): string {
  const lines = [body, `  id ${id}`];
  if (m.severity) lines.push(`  severity ${m.severity}`);
  if (m.effective) lines.push(`  ${m.effective}`);
  if (m.fix) lines.push(`  ${m.fix}`);
  if (m.message) lines.push(`  ${m.message}`);
  return `${lines.join("\n")}\n`;
}

const date8 = fc.constantFrom("20240101", "20240401", "20250101", "20260101");
const julian = fc.constantFrom("2024001", "2024100", "2025001", "2026060");

const ptpRows = fc.array(
  // Mostly open rows (like the shipped file), some with dates around the claims' dates.
  fc.tuple(someCode, someCode, fc.oneof({ weight: 2, arbitrary: fc.constant("") }, { weight: 1, arbitrary: date8 }), fc.oneof({ weight: 2, arbitrary: fc.constant("*") }, { weight: 1, arbitrary: date8 }), fc.constantFrom(0, 1, 1, 9)),
  { maxLength: 24 },
);
const mueRows = fc.uniqueArray(fc.tuple(someCode, fc.integer({ min: 1, max: 4 }), fc.constantFrom(1, 2, 3)), { selector: (r) => r[0], maxLength: 6 });
const aocRows = fc.array(
  fc.tuple(fc.constantFrom(1, 1, 2, 3), fc.constantFrom("11103", "11105", "11107", "17003"), fc.constantFrom(...CODES, "CCCCC"), fc.option(julian, { nil: "" }), fc.option(julian, { nil: "" }), fc.option(julian, { nil: "" })),
  { maxLength: 8 },
);

/** A generated program: rule files, data files, and what each generated rule does. */
export interface GeneratedProgram {
  files: Record<string, string>;
  data: Record<string, string>;
  /** Rule id → action kind (ids of both layers). */
  kinds: Record<string, ActionKind>;
}

export const program: fc.Arbitrary<GeneratedProgram> = fc
  .record({
    cms: fc.array(fc.tuple(ruleBody, meta), { minLength: 1, maxLength: 6 }),
    acme: fc.array(fc.tuple(ruleBody, meta), { maxLength: 3 }),
    overrides: fc.array(fc.tuple(fc.nat(), fc.oneof(fc.constant("  severity info\n"), fc.constant('  message "acme says so"\n  severity warning\n'), ruleBody.filter((b) => b.kind !== "select").map((b) => `  ${b.body}\n`))), { maxLength: 2 }),
    disables: fc.subarray(["gen.r0", "gen.r*", "cms.ptp.17004.*", "cms.mue.17003", "cms.aoc.*", "cms.ptp.11104.11102"]),
    ptp: ptpRows,
    mue: mueRows,
    aoc: aocRows,
    withTables: fc.boolean(),
  })
  .map((g) => {
    const kinds: Record<string, ActionKind> = {};
    let cms = SETS;
    g.cms.forEach(([b, m], i) => {
      kinds[`gen.r${i}`] = b.kind;
      cms += withMeta(b.body, `gen.r${i}`, m);
    });
    const data: Record<string, string> = {};
    if (g.withTables) {
      cms += 'ptp "ptp.tsv"\nmue "mue.tsv"\naoc "aoc.tsv"\n';
      data["ptp.tsv"] = ["column1\tcolumn2\tprior1996\teffective\tdeletion\tmodifier\trationale", ...g.ptp.map((r) => `${r[0]}\t${r[1]}\t\t${r[2]}\t${r[3]}\t${r[4]}\tgenerated`)].join("\n") + "\n";
      data["mue.tsv"] = ["code\tmue\tmai\trationale", ...g.mue.map((r) => `${r[0]}\t${r[1]}\t${r[2]}\tgenerated`)].join("\n") + "\n";
      data["aoc.tsv"] = [
        "AOC_Edit_Type\tAdd-On_Code\tAOC_DelDT\tPrimary_Code\tPrimary_Code_DelDT\tAOC_Edit_EffDT\tAOC_Edit_DelDT\tSpecial_Instruction_Notes",
        ...g.aoc.map((r) => `${r[0]}\t${r[1]}\t\t${r[2]}\t${r[3]}\t${r[4]}\t${r[5]}\t`),
      ].join("\n") + "\n";
    }
    let acme = "ruleset acme extends cms\n";
    g.acme.forEach(([b, m], i) => {
      kinds[`acme.r${i}`] = b.kind;
      acme += withMeta(b.body, `acme.r${i}`, m);
    });
    const seen = new Set<number>();
    for (const [n, text] of g.overrides) {
      const i = n % g.cms.length;
      if (seen.has(i)) continue;
      seen.add(i);
      acme += `override gen.r${i}\n${text}`;
    }
    for (const d of g.disables) {
      if (!g.withTables && !d.startsWith("gen.")) continue;
      acme += `disable ${d === "gen.r*" ? "gen.*" : d}\n`;
    }
    return { files: { "cms.rules": cms, "acme.rules": acme }, data, kinds };
  });

const lineArb = fc.record({
  code: someCode,
  units: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 3 }) }, { weight: 1, arbitrary: fc.integer({ min: 4, max: 16 }) }),
  modifiers: fc.option(fc.uniqueArray(fc.constantFrom(...MODS), { minLength: 1, maxLength: 2 }), { nil: undefined, freq: 2 }),
  dxPointers: fc.option(fc.uniqueArray(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 2 }), { nil: undefined }),
  serviceDate: fc.option(fc.constantFrom(...DATES), { nil: undefined, freq: 4 }),
  facts: fc.option(
    fc.record(
      { site: fc.constantFrom("nose", "back", "scalp", "NOSE"), lesionCount: fc.integer({ min: 1, max: 20 }), excisedDiameterCm: fc.constantFrom(0.4, 1.0, 1.5, 2.2), repairLengthCm: fc.constantFrom(1.5, 3) },
      { requiredKeys: [] },
    ),
    { nil: undefined },
  ),
});

/** A valid claim over the universe. */
export const claim: fc.Arbitrary<Claim> = fc
  .record({
    payer: fc.option(fc.constantFrom("cms", "acme", "globex"), { nil: undefined }),
    serviceDate: fc.constantFrom(...DATES),
    placeOfService: fc.option(fc.constantFrom("11", "22"), { nil: undefined }),
    patient: fc.option(
      fc.record({ sex: fc.constantFrom("M" as const, "F" as const, "U" as const), birthDate: fc.constantFrom("1950-05-01", "2015-02-28", "1990-12-31") }, { requiredKeys: [] }),
      { nil: undefined },
    ),
    diagnoses: fc.uniqueArray(fc.constantFrom(...CLAIM_DX), { minLength: 1, maxLength: 3, selector: (d) => d.replace(".", "") }),
    lines: fc.array(lineArb, { minLength: 1, maxLength: 5 }),
  })
  .map((c) => {
    const out: Claim = { id: "GEN-1", serviceDate: c.serviceDate, diagnoses: c.diagnoses, lines: [] };
    if (c.payer !== undefined) out.payer = c.payer;
    if (c.placeOfService !== undefined) out.placeOfService = c.placeOfService;
    if (c.patient !== undefined) out.patient = c.patient;
    for (const l of c.lines) {
      const line: ClaimLine = { code: l.code, units: l.units };
      if (l.modifiers) line.modifiers = l.modifiers;
      const ptrs = l.dxPointers?.filter((p) => p <= c.diagnoses.length);
      if (ptrs && ptrs.length > 0) line.dxPointers = ptrs;
      if (l.serviceDate) line.serviceDate = l.serviceDate;
      if (l.facts) line.facts = l.facts;
      out.lines.push(line);
    }
    return out;
  });

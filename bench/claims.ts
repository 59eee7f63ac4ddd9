/**
 * Seeded claim generators for the benchmark workloads. Everything here is deterministic: the
 * same seed gives the same claims, byte for byte.
 *
 * - Workload (a): dermatology encounters (E/M, destruction, biopsy, excision, repair, Mohs,
 *   shave, warts, skin tags) built from coherent blocks, with a few coding mistakes injected
 *   (a missing primary, a missing 25, units over the MUE, a wrong or header diagnosis, a
 *   bundled pair), so that 20–40% of the claims get a finding.
 * - Workload (b): claims of codes drawn from the whole PTP/MUE/add-on universe, half of them
 *   built around a real PTP pair so that the pair hash is hit.
 * - Workload (c): claims over the synthetic PTP tables' codes (`syntheticPtpTsv`).
 */
import * as fs from "node:fs";
import * as zlib from "node:zlib";
import type { Claim, ClaimLine, LineFacts } from "../runtime/types.ts";
import { seededRandom } from "../review/generate.ts";

/** mulberry32, seeded (uniform in [0, 1)): the generator `dermrules diff` uses. */
export const rng: (seed: number) => () => number = seededRandom;

type Rand = () => number;
const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

/** A block of lines that belong together, with the diagnoses they point to (by text). */
interface Block {
  /** `facts`: the documentation an EHR export would carry, consistent with the code (used when a claim is built with facts). */
  lines: { code: string; units?: number; modifiers?: string[]; dx: string[]; facts?: LineFacts }[];
}

/**
 * Facts consistent with each excision, repair and Mohs code the blocks use (site group and size
 * per the code-selection pack), so a claim with facts stays correctly coded.
 */
const CODE_FACTS: Record<string, LineFacts> = {
  "11602": { site: "back", excisedDiameterCm: 1.6 },
  "11603": { site: "back", excisedDiameterCm: 2.5 },
  "11622": { site: "hand", excisedDiameterCm: 1.6 },
  "11642": { site: "nose", excisedDiameterCm: 1.6 },
  "11401": { site: "arm", excisedDiameterCm: 0.8 },
  "11402": { site: "back", excisedDiameterCm: 1.6 },
  "11421": { site: "scalp", excisedDiameterCm: 0.8 },
  "12032": { site: "back", repairLengthCm: 4.0 },
  "17311": { site: "nose" },
  "17312": { site: "nose" },
  "17004": { lesionCount: 18 },
  "17110": { lesionCount: 3 },
};

const EM = ["99212", "99213", "99214", "99215"];
const OTHER_DX = ["L30.9", "L70.0", "L40.0", "L21.9", "L20.9"];

/** Coherent, clean-by-construction encounter blocks (the coding a careful coder would send). */
const BLOCKS: ((r: Rand) => Block)[] = [
  // Actinic keratoses: 17000 + 17003 × (n − 1), n ≤ 14.
  (r) => {
    const n = int(r, 1, 14);
    const lines: Block["lines"] = [{ code: "17000", dx: ["L57.0"], facts: { lesionCount: n } }];
    if (n > 1) lines.push({ code: "17003", units: n - 1, dx: ["L57.0"], facts: { lesionCount: n } });
    return { lines };
  },
  // 15 or more actinic keratoses: 17004 alone.
  () => ({ lines: [{ code: "17004", dx: ["L57.0"] }] }),
  // Tangential biopsies.
  (r) => {
    const n = int(r, 1, 4);
    const lines: Block["lines"] = [{ code: "11102", dx: ["D48.5"] }];
    if (n > 1) lines.push({ code: "11103", units: n - 1, dx: ["D48.5"] });
    return { lines };
  },
  // Punch biopsies.
  (r) => {
    const n = int(r, 1, 3);
    const lines: Block["lines"] = [{ code: "11104", dx: ["L98.9"] }];
    if (n > 1) lines.push({ code: "11105", units: n - 1, dx: ["L98.9"] });
    return { lines };
  },
  // Warts.
  () => ({ lines: [{ code: "17110", dx: ["B07.8"] }] }),
  // Malignant excision (trunk, 1.1–2.0 cm) with an intermediate repair.
  (r) => ({
    lines: [
      { code: pick(r, ["11602", "11603", "11622", "11642"]), dx: ["C44.519"] },
      ...(r() < 0.5 ? [{ code: "12032", dx: ["C44.519"] }] : []),
    ],
  }),
  // Mohs, head and neck, with additional stages.
  (r) => {
    const stages = int(r, 1, 3);
    const lines: Block["lines"] = [{ code: "17311", dx: ["C44.311"] }];
    if (stages > 1) lines.push({ code: "17312", units: stages - 1, dx: ["C44.311"] });
    return { lines };
  },
  // Shave of a suspicious lesion.
  (r) => ({ lines: [{ code: pick(r, ["11300", "11301", "11305", "11306"]), dx: ["D48.5"] }] }),
  // Benign excision of a changing nevus.
  (r) => ({ lines: [{ code: pick(r, ["11401", "11402", "11421"]), dx: ["D48.5"] }] }),
];

/** The ICD-10-CM codes the generators use: the bench checks every one is billable. */
export const DERM_DX = ["L57.0", "D48.5", "L98.9", "B07.8", "C44.519", "C44.311", ...OTHER_DX];

/** Builds one claim from blocks: an E/M (with 25 when there is a procedure), then procedure blocks. */
function buildClaim(r: Rand, id: string, targetLines: number, withFacts = false): Claim {
  const dx: string[] = [];
  const dxIndex = (d: string) => {
    let i = dx.indexOf(d);
    if (i < 0) {
      if (dx.length >= 12) return 1;
      dx.push(d);
      i = dx.length - 1;
    }
    return i + 1;
  };
  const lines: ClaimLine[] = [];
  const withEm = targetLines === 1 ? r() < 0.3 : r() < 0.6;
  let procedures = 0;
  const usedBlocks = new Set<number>();
  while (lines.length < targetLines - (withEm ? 1 : 0)) {
    let bi = Math.floor(r() * BLOCKS.length);
    // One block of a kind per claim (a second 17000 would be a coding error of its own).
    for (let k = 0; k < BLOCKS.length && usedBlocks.has(bi); k++) bi = (bi + 1) % BLOCKS.length;
    if (usedBlocks.has(bi)) break;
    usedBlocks.add(bi);
    // 17000/17003 and 17004 exclude each other, and so do the two biopsy families.
    const twin = EXCLUSIVE[bi];
    if (twin !== undefined) usedBlocks.add(twin);
    const block = BLOCKS[bi]!(r);
    for (const l of block.lines) {
      if (lines.length >= targetLines - (withEm ? 1 : 0)) break;
      const line: ClaimLine = { code: l.code, units: l.units ?? 1, dxPointers: l.dx.map(dxIndex), charge: 50 + int(r, 0, 400) };
      const facts = withFacts ? (l.facts ?? CODE_FACTS[l.code]) : undefined;
      if (facts !== undefined) line.facts = { ...facts };
      // A second procedure family on the same date is a different lesion: XS says so.
      if (procedures > 0) line.modifiers = ["XS"];
      if (l.modifiers) line.modifiers = [...(line.modifiers ?? []), ...l.modifiers];
      lines.push(line);
    }
    procedures++;
  }
  if (withEm) {
    const em: ClaimLine = { code: pick(r, EM), units: 1, dxPointers: [dxIndex(pick(r, OTHER_DX))], charge: 120 };
    if (lines.length > 0) em.modifiers = ["25"];
    lines.unshift(em);
  }
  if (lines.length === 0) lines.push({ code: pick(r, EM), units: 1, dxPointers: [dxIndex(pick(r, OTHER_DX))] });
  const claim: Claim = {
    id,
    payer: "cms",
    serviceDate: "2024-06-1" + int(r, 0, 9),
    placeOfService: "11",
    provider: { npi: "1234567893", name: "Example Dermatology" },
    patient: { sex: r() < 0.5 ? "F" : "M", birthDate: `19${int(r, 30, 89)}-0${int(r, 1, 9)}-1${int(r, 0, 9)}` },
    diagnoses: dx,
    lines,
  };
  return claim;
}

/** Block index → the block it excludes. */
const EXCLUSIVE: Record<number, number> = { 0: 1, 1: 0, 2: 3, 3: 2 };

/** Coding mistakes a scrubber exists for; each leaves the claim valid input. */
const MISTAKES: ((r: Rand, c: Claim) => void)[] = [
  // The E/M lost its modifier 25.
  (_r, c) => {
    const em = c.lines.find((l) => EM.includes(l.code));
    if (em) delete em.modifiers;
    else c.lines.push({ code: "99213", units: 1, dxPointers: [1] });
  },
  // An add-on without its primary.
  (_r, c) => {
    c.lines = c.lines.filter((l) => l.code !== "17000" && l.code !== "11102");
    c.lines.push({ code: "17003", units: 2, dxPointers: [addDx(c, "L57.0")] });
  },
  // Units over the MUE.
  (r, c) => c.lines.push({ code: pick(r, ["11102", "17004", "11104"]), units: int(r, 2, 4), dxPointers: [addDx(c, "D48.5")] }),
  // A header instead of a billable diagnosis.
  (_r, c) => {
    c.diagnoses[0] = "C44.31";
  },
  // A bundled pair (17004 with 17000).
  (_r, c) => c.lines.push({ code: "17004", units: 1, dxPointers: [addDx(c, "L57.0")] }, { code: "17000", units: 1, dxPointers: [addDx(c, "L57.0")] }),
  // Premalignant destruction for a seborrheic keratosis.
  (_r, c) => c.lines.push({ code: "17000", units: 1, dxPointers: [addDx(c, "L82.1")] }),
];

function addDx(c: Claim, d: string): number {
  let i = c.diagnoses.indexOf(d);
  if (i < 0) {
    if (c.diagnoses.length >= 12) return 1;
    c.diagnoses.push(d);
    i = c.diagnoses.length - 1;
  }
  return i + 1;
}

/**
 * Workload (a): `n` dermatology claims of 1–10 lines (uniform), `mistakeRate` of them with one
 * injected coding mistake; `factsRate` of them carry documentation facts on their lines (lesion
 * counts, sites, sizes, as an EHR export would; 837P input carries none). Lines stay ≤ 10: a mistake that would add lines past 10 replaces the
 * last ones.
 */
export function dermClaims(n: number, seed: number, mistakeRate = 0.3, factsRate = 0): Claim[] {
  const r = rng(seed);
  // A stream of its own, so that the claims without facts are the same whatever `factsRate` is.
  const rf = rng(seed ^ 0x5f3759df);
  const out: Claim[] = [];
  for (let i = 0; i < n; i++) {
    const target = int(r, 1, 10);
    const c = buildClaim(r, `A-${i + 1}`, target, rf() < factsRate);
    if (r() < mistakeRate) {
      pick(r, MISTAKES)(r, c);
      if (c.lines.length > 10) c.lines.splice(0, c.lines.length - 10);
      fixPointers(c);
    }
    out.push(c);
  }
  return out;
}

/** Claims with exactly `lines` lines (the p99 figure is for 10-line claims). */
export function dermClaimsOfLength(n: number, seed: number, lines: number, mistakeRate = 0.3): Claim[] {
  const r = rng(seed);
  const out: Claim[] = [];
  for (let i = 0; i < n; i++) {
    const c = buildClaim(r, `L${lines}-${i + 1}`, lines);
    if (r() < mistakeRate) pick(r, MISTAKES)(r, c);
    // Pad with E/M-free minor lines or trim to the exact length.
    while (c.lines.length < lines) c.lines.push({ code: pick(r, ["11300", "11301", "11305"]), units: 1, modifiers: ["XS"], dxPointers: [addDx(c, "D48.5")] });
    if (c.lines.length > lines) c.lines.splice(0, c.lines.length - lines);
    fixPointers(c);
    out.push(c);
  }
  return out;
}

/** Keeps every dx pointer valid after lines were removed or diagnoses replaced. */
function fixPointers(c: Claim): void {
  for (const l of c.lines) if (l.dxPointers) l.dxPointers = l.dxPointers.map((p) => (p > c.diagnoses.length ? 1 : p));
}

/**
 * Workload (b)/(c): claims over a code universe. `pairs` are (column 1, column 2) pairs of the
 * table: half the claims are built around one, so the PTP path is exercised; the other lines
 * are codes drawn from `codes`. `dx` is a small list of billable codes.
 */
export function universeClaims(n: number, seed: number, codes: readonly string[], pairs: readonly [string, string][], dx: readonly string[], serviceDate = "2024-06-14"): Claim[] {
  const r = rng(seed);
  const out: Claim[] = [];
  for (let i = 0; i < n; i++) {
    const target = int(r, 1, 10);
    const lines: ClaimLine[] = [];
    if (target >= 2 && r() < 0.5 && pairs.length > 0) {
      const [a, b] = pick(r, pairs);
      lines.push({ code: a, units: 1, dxPointers: [1] });
      lines.push({ code: b, units: 1, dxPointers: [1], ...(r() < 0.5 ? { modifiers: [pick(r, ["59", "XS", "25", "RT"])] } : {}) });
    }
    while (lines.length < target) lines.push({ code: pick(r, codes), units: r() < 0.9 ? 1 : int(r, 2, 6), dxPointers: [1] });
    out.push({ id: `U-${i + 1}`, payer: "cms", serviceDate, placeOfService: "11", patient: { sex: "F", birthDate: "1950-01-01" }, diagnoses: [pick(r, dx)], lines });
  }
  return out;
}

/**
 * Workload (b)'s claims: `n` claims over every code of the CMS PTP file `file` (gzipped TSV), half
 * built around one of a seeded sample of 20,000 of its live pairs. Returns the claims and the
 * file's code count.
 */
export function fullPtpClaims(file: string, n: number, seed: number): { claims: Claim[]; codes: number } {
  const tsv = zlib.gunzipSync(fs.readFileSync(file)).toString("utf8");
  const codes = new Set<string>();
  const pairs: [string, string][] = [];
  const r = rng(seed);
  let live = 0;
  for (let i = tsv.indexOf("\n") + 1; i < tsv.length; ) {
    const nl = tsv.indexOf("\n", i);
    const line = tsv.slice(i, nl < 0 ? tsv.length : nl);
    i = nl < 0 ? tsv.length : nl + 1;
    const f = line.split("\t");
    if (f.length < 6) continue;
    codes.add(f[0]!);
    codes.add(f[1]!);
    if (f[4] === "*") {
      live++;
      if (pairs.length < 20000) pairs.push([f[0]!, f[1]!]);
      else if (r() < 20000 / live) pairs[Math.floor(r() * 20000)] = [f[0]!, f[1]!];
    }
  }
  return { claims: universeClaims(n, seed + 1, [...codes].sort(), pairs, DERM_DX), codes: codes.size };
}

/**
 * A synthetic PTP table in the CMS TSV layout: `rows` rows over `nCodes` codes (5-digit, from
 * 20000), pairs spread so every code has about the same number of partners; indicators 0/1/9
 * in CMS proportions, a tenth of the rows deleted in 2020. Returns the TSV and the pairs.
 */
export function syntheticPtpTsv(rows: number, seed: number): { tsv: string; codes: string[]; pairs: [string, string][] } {
  const r = rng(seed);
  const nCodes = Math.max(50, Math.min(70000, Math.ceil(Math.sqrt(rows) * 8)));
  const codes: string[] = [];
  for (let i = 0; i < nCodes; i++) codes.push(String(20000 + i));
  const parts: string[] = ["column1\tcolumn2\tprior1996\teffective\tdeletion\tmodifier\trationale\n"];
  const seen = new Set<number>();
  const pairs: [string, string][] = [];
  let chunk = "";
  while (pairs.length < rows) {
    const a = Math.floor(r() * nCodes);
    const b = Math.floor(r() * nCodes);
    if (a === b) continue;
    const key = a * nCodes + b;
    if (seen.has(key)) continue;
    seen.add(key);
    const u = r();
    const ind = u < 0.29 ? 0 : u < 0.96 ? 1 : 9;
    const del = r() < 0.1 ? "20201231" : "*";
    pairs.push([codes[a]!, codes[b]!]);
    chunk += `${codes[a]}\t${codes[b]}\t\t\t${del}\t${ind}\tsynthetic\n`;
    if (chunk.length > 1 << 16) {
      parts.push(chunk);
      chunk = "";
    }
  }
  parts.push(chunk);
  return { tsv: parts.join(""), codes, pairs };
}

/**
 * Test helper and script: deterministic synthetic dermatology claims for scale runs and the
 * report demo. The scenarios are the common coding patterns of ../shared/design/domain.md
 * (AK destruction with and without a primary, biopsies, malignant excision with documented
 * size, benign destruction, E/M with or without 25), so real findings fire on the shipped
 * rules; a small share is deliberately broken (an invalid code, a header ICD-10-CM code).
 * Codes are real CPT numbers and FY2026 ICD-10-CM codes; names and NPIs are placeholders.
 *
 *     npx tsx test/formats/support/generate.ts --claims 100000 --format 837 -o /tmp/claims.837
 *     (formats: 837, ndjson, csv; default ndjson to stdout)
 */
import * as fs from "node:fs";
import type { Claim, ClaimLine } from "../../../runtime/types.ts";
import { X12Writer } from "./x12-writer.ts";
import { CsvWriter } from "./csv-writer.ts";
import { rng as prng } from "../../support/rng.ts";

const PROVIDERS = [
  { npi: "1234567893", name: "EXAMPLE DERMATOLOGY GROUP" },
  { npi: "1000000004", name: "DR ALEX SAMPLE" },
  { npi: "1000000012", name: "DR JORDAN PLACEHOLDER" },
  { npi: "1000000020", name: "DR CASEY EXAMPLE" },
  { npi: "1000000038", name: "DR RILEY TESTCASE" },
];

const PAYERS: { payer: string; weight: number }[] = [
  { payer: "cms", weight: 0.7 },
  { payer: "EXAMPLE COMMERCIAL PLAN", weight: 0.2 },
  { payer: "EXAMPLE MEDICARE ADVANTAGE", weight: 0.1 },
];

/** Days since 1970 → YYYY-MM-DD. */
function day(n: number): string {
  return new Date(n * 86_400_000).toISOString().slice(0, 10);
}

const Q3_2026 = Date.UTC(2026, 6, 1) / 86_400_000;

/**
 * The i-th synthetic claim of a run (pure: the same i and seed give the same claim, so a
 * generator can stream millions without holding them).
 */
export function syntheticClaim(i: number, seed = 42): Claim {
  const rnd = prng(seed * 1_000_003 + i);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const r = rnd();
  let acc = 0;
  let payer = PAYERS[0]!.payer;
  for (const p of PAYERS) {
    acc += p.weight;
    if (r < acc) {
      payer = p.payer;
      break;
    }
  }
  const provider = PROVIDERS[Math.floor(rnd() * rnd() * PROVIDERS.length)]!; // skewed: the group bills most
  const date = day(Q3_2026 + Math.floor(rnd() * 92));
  const birth = day(Q3_2026 - Math.floor((35 + rnd() * 55) * 365.25));
  const sex = rnd() < 0.5 ? "F" : "M";
  const em = (twentyFive: boolean): ClaimLine => ({ code: pick(["99212", "99213", "99214"]), ...(twentyFive ? { modifiers: ["25"] } : {}), units: 1, dxPointers: [1], charge: pick([95, 130, 180]) });
  let diagnoses: string[];
  let lines: ClaimLine[];
  const s = rnd();
  if (s < 0.3) {
    // Actinic keratoses: 17000 + 17003 × (n − 1), or 17004 for 15+; sometimes an E/M.
    const n = 1 + Math.floor(rnd() * 18);
    diagnoses = ["L57.0"];
    lines = n >= 15 ? [{ code: "17004", units: 1, dxPointers: [1], charge: 310 }] : [{ code: "17000", units: 1, dxPointers: [1], charge: 120 }];
    if (n > 1 && n < 15) lines.push({ code: "17003", units: n - 1, dxPointers: [1], charge: 34 * (n - 1) });
    if (rnd() < 0.05) lines = [{ code: "17003", units: 2, dxPointers: [1], charge: 68 }]; // add-on without its primary
    if (rnd() < 0.35) lines.unshift(em(rnd() < 0.7));
  } else if (s < 0.55) {
    // Biopsies: one primary, add-ons for further lesions.
    diagnoses = [pick(["D48.5", "L82.1", "D22.5", "D23.9"])];
    const punch = rnd() < 0.4;
    lines = [{ code: punch ? "11104" : "11102", units: 1, dxPointers: [1], charge: punch ? 170 : 150 }];
    if (rnd() < 0.5) lines.push({ code: punch ? "11105" : "11103", units: 1 + Math.floor(rnd() * 2), dxPointers: [1], charge: 80 });
    if (rnd() < 0.1) lines.push({ code: "11102", units: 1, dxPointers: [1], charge: 150 }); // tangential with punch: PTP
    if (rnd() < 0.25) {
      diagnoses.push("L57.0");
      lines.push({ code: "17000", units: 1, dxPointers: [2], charge: 120, ...(rnd() < 0.5 ? { modifiers: ["59"] } : {}) });
    }
  } else if (s < 0.75) {
    // Malignant excision on the face by excised diameter, with a repair.
    diagnoses = [pick(["C44.311", "C44.319", "C44.41", "C43.59"])];
    const cm = Math.round((0.4 + rnd() * 3.2) * 10) / 10;
    const right = cm <= 0.5 ? "11640" : cm <= 1 ? "11641" : cm <= 2 ? "11642" : cm <= 3 ? "11643" : "11644";
    const code = rnd() < 0.15 ? pick(["11641", "11642", "11643"]) : right;
    lines = [{ code, units: 1, dxPointers: [1], charge: 420 + Math.round(cm * 60), facts: { site: pick(["nose", "cheek", "ear", "lip", "forehead"]), excisedDiameterCm: cm } }];
    if (rnd() < 0.5) lines.push({ code: pick(["12051", "12052", "13131"]), units: 1, dxPointers: [1], charge: 350 });
    if (rnd() < 0.08) diagnoses = ["C44.31"]; // a header code: not billable
  } else if (s < 0.9) {
    // Benign destruction and visits.
    diagnoses = [pick(["B07.8", "B07.9", "L82.0", "L82.1"])];
    lines = [{ code: "17110", units: 1, dxPointers: [1], charge: 140 }];
    if (rnd() < 0.3) lines.unshift(em(rnd() < 0.5));
  } else {
    diagnoses = [pick(["L72.3", "L82.1", "Z85.828", "L98.9"])];
    lines = [em(false)];
  }
  if (rnd() < 0.004) lines[0] = { ...lines[0]!, code: "1700" }; // a malformed code: an invalid record
  return {
    id: `SYN-${String(i + 1).padStart(7, "0")}`,
    payer,
    serviceDate: date,
    placeOfService: "11",
    provider,
    patient: { sex, birthDate: birth },
    diagnoses,
    lines,
  };
}

/** Writes `n` synthetic claims in a format to a stream of strings (never all in memory). */
export function* syntheticText(n: number, format: "837" | "ndjson" | "csv", seed = 42): Generator<string> {
  if (format === "837") {
    const w = new X12Writer();
    let buf = w.begin();
    for (let i = 0; i < n; i++) {
      buf += w.claim(syntheticClaim(i, seed));
      if (buf.length > 1 << 16) {
        yield buf;
        buf = "";
      }
    }
    yield buf + w.end();
    return;
  }
  if (format === "csv") {
    const w = new CsvWriter();
    let buf = w.header();
    for (let i = 0; i < n; i++) {
      buf += w.claim(syntheticClaim(i, seed));
      if (buf.length > 1 << 16) {
        yield buf;
        buf = "";
      }
    }
    yield buf;
    return;
  }
  let buf = "";
  for (let i = 0; i < n; i++) {
    buf += JSON.stringify(syntheticClaim(i, seed)) + "\n";
    if (buf.length > 1 << 16) {
      yield buf;
      buf = "";
    }
  }
  yield buf;
}

// Script entry: `npx tsx test/formats/support/generate.ts --claims N --format 837|ndjson|csv [-o file]`.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop()!)) {
  const args = process.argv.slice(2);
  const opt = (name: string, fallback: string): string => {
    const i = args.indexOf(name);
    return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
  };
  const n = Number(opt("--claims", "1000"));
  const format = opt("--format", "ndjson") as "837" | "ndjson" | "csv";
  const out = opt("-o", "-");
  const fd = out === "-" ? 1 : fs.openSync(out, "w");
  for (const chunk of syntheticText(n, format, Number(opt("--seed", "42")))) fs.writeSync(fd, chunk);
  if (fd !== 1) fs.closeSync(fd);
}

/**
 * Witness claims: a solver model turned into a claim (brief "Claims"), and the evidence a check
 * attaches to a diagnostic — claims with the findings the runtime must give on them. Every
 * piece of evidence is evaluated on the compiled table before a diagnostic is reported, so a
 * reported witness is never wrong, whatever the solver did.
 */
import { ageOn, dayNumber, evaluate as runtimeEvaluate, formatDay, normalizeDx } from "../../runtime/index.ts";
import type { Claim, ClaimLine, ClaimResult, Finding } from "../../runtime/types.ts";
import { displayIcd } from "../codes.ts";
import { hidesByCode, type Model, type ModelLine, type View } from "./formula.ts";
import type { Analysis } from "./model.ts";

/** One claim of the evidence and what the runtime must say about it. */
export interface Evidence {
  /** What this claim shows, in words. */
  note: string;
  claim: Claim;
  /** Findings that must be there: rule id, and a line the finding must include (1-based). */
  expect: { rule: string; line?: number; severity?: "error" | "warning" | "info" }[];
  /** When given: every error finding must come from one of these rules. */
  onlyErrorsFrom?: string[];
  /** Rules that must give no error finding. */
  noErrorFrom?: string[];
}

/** A claim of the lines a view sees, with where each named line ended up (1-based). */
export function claimOf(m: Model, view: View, id: string): { claim: Claim; lineNo: Map<string, number> } {
  const seen = (l: ModelLine): boolean => !view.hide.includes(l.name) && !hidesByCode(view, l.name, l.code);
  const lines = m.lines.filter(seen);
  const lineNo = new Map<string, number>();
  const claim: Claim = {
    id,
    serviceDate: formatDay(m.day),
    diagnoses: m.dx.map(displayIcd),
    lines: lines.map((l, i): ClaimLine => {
      lineNo.set(l.name, i + 1);
      const out: ClaimLine = { code: l.code, units: l.units };
      if (l.mods.length > 0) out.modifiers = [...l.mods];
      if (l.dx !== "all") out.dxPointers = l.dx.map((k) => k + 1);
      const facts = Object.fromEntries(Object.entries(l.facts).filter(([, v]) => v !== undefined));
      if (Object.keys(facts).length > 0) out.facts = facts;
      return out;
    }),
  };
  if (m.payer !== undefined) claim.payer = m.payer;
  if (m.pos !== undefined) claim.placeOfService = m.pos;
  if (m.sex !== undefined || m.birthDay !== undefined) {
    claim.patient = {};
    if (m.sex !== undefined) claim.patient.sex = m.sex as "M" | "F" | "U";
    if (m.birthDay !== undefined) claim.patient.birthDate = formatDay(m.birthDay);
  }
  return { claim, lineNo };
}

/** The runtime's result for a claim on the analysed table. */
export function run(an: Analysis, claim: Claim): ClaimResult | undefined {
  const r = runtimeEvaluate(an.loaded, claim);
  return r.verdict === "invalid" ? undefined : r;
}

/** Why a piece of evidence does not hold on the runtime, or undefined when it does. */
export function checkEvidence(an: Analysis, ev: Evidence): string | undefined {
  const r = run(an, ev.claim);
  if (!r) return "the witness claim is not valid";
  return evidenceFailure(r.findings, ev);
}

/** Why findings do not meet the evidence's expectations, or undefined. */
export function evidenceFailure(findings: readonly Finding[], ev: Evidence): string | undefined {
  for (const e of ev.expect) {
    const ok = findings.some((f) => f.rule === e.rule && (e.line === undefined || f.lines.includes(e.line)) && (e.severity === undefined || f.severity === e.severity));
    if (!ok) return `no finding of \`${e.rule}\`${e.line !== undefined ? ` on line ${e.line}` : ""}`;
  }
  if (ev.onlyErrorsFrom) {
    const other = findings.find((f) => f.severity === "error" && !ev.onlyErrorsFrom!.includes(f.rule));
    if (other) return `an error of \`${other.rule}\` too`;
  }
  for (const id of ev.noErrorFrom ?? []) {
    if (findings.some((f) => f.severity === "error" && f.rule === id)) return `an error of \`${id}\``;
  }
  return undefined;
}

/** A claim in a few words, for hints: `17003 ×15 [E11.9], 17000 [L57.0] on 2026-01-15 (payer acme)`. */
export function claimText(c: Claim): string {
  const lines = c.lines.map((l) => {
    const mods = l.modifiers?.length ? `-${l.modifiers.join("-")}` : "";
    const units = l.units !== 1 ? ` ×${l.units}` : "";
    const dx = l.dxPointers ? ` [${l.dxPointers.map((p) => c.diagnoses[p - 1]).join(", ")}]` : "";
    const facts = l.facts && Object.keys(l.facts).length > 0 ? ` {${Object.entries(l.facts).map(([k, v]) => `${k} ${String(v)}`).join(", ")}}` : "";
    return `${l.code}${mods}${units}${dx}${facts}`;
  });
  const extra = [
    c.payer !== undefined ? `payer ${c.payer}` : "",
    c.patient?.sex !== undefined ? `sex ${c.patient.sex}` : "",
    c.patient?.birthDate !== undefined ? `born ${c.patient.birthDate}` : "",
    c.placeOfService !== undefined ? `pos ${c.placeOfService}` : "",
  ].filter((x) => x !== "");
  return `${lines.join(", ")} on ${c.serviceDate ?? "?"}${extra.length > 0 ? ` (${extra.join(", ")})` : ""}`;
}

/**
 * The other way round: the lines of a (valid) claim on one date of service as a model, so that
 * formulas can be evaluated on claims (the property tests do). Lines are named `L1`, `L2`, … by
 * their place in the claim.
 */
export function modelOfGroup(c: Claim, day: number): Model {
  const dayOf = (l: ClaimLine): number | null => dayNumber((l.serviceDate ?? c.serviceDate)!);
  const m: Model = {
    day,
    dx: c.diagnoses.map(normalizeDx),
    lines: c.lines.flatMap((l, i) =>
      dayOf(l) !== day
        ? []
        : [
            {
              name: `L${i + 1}`,
              code: l.code,
              units: l.units,
              mods: [...(l.modifiers ?? [])],
              dx: l.dxPointers === undefined ? ("all" as const) : l.dxPointers.map((p) => p - 1),
              facts: { ...(l.facts ?? {}) },
            },
          ],
    ),
  };
  if (c.payer !== undefined) m.payer = c.payer;
  if (c.patient?.sex !== undefined) m.sex = c.patient.sex;
  if (c.placeOfService !== undefined) m.pos = c.placeOfService;
  const birth = c.patient?.birthDate !== undefined ? dayNumber(c.patient.birthDate) : null;
  if (birth !== null) {
    m.birthDay = birth;
    m.age = ageOn(birth, day);
  }
  return m;
}

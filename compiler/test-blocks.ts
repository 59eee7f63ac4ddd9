/**
 * Test blocks (`test "…" { claim … line … expect … }`) → claims, and expectation checks;
 * shared by `dermrules test`, `check` (coverage) and the tests.
 */
import type { Expectation, TestBlock } from "../grammar/ast.ts";
import type { Claim, ClaimLine, EvalResult, Finding, LineFacts } from "../runtime/types.ts";
import { idMatches } from "./layering.ts";

/** Builds the claim a test block describes; the test's name is its id unless `id` is given. */
export function claimOfTest(block: TestBlock): Claim {
  const c = block.claim;
  const claim: Claim = {
    id: c?.id ? ("value" in c.id ? c.id.value : c.id.text) : block.name.value,
    diagnoses: c ? c.diagnoses.map((d) => d.text) : [],
    lines: block.lines.map((l) => {
      const line: ClaimLine = { code: l.code.text, units: l.units?.value ?? 1 };
      if (l.modifiers.length) line.modifiers = l.modifiers.map((m) => m.text);
      if (l.dxPointers.length) line.dxPointers = l.dxPointers.map((p) => p.value);
      if (l.serviceDate) line.serviceDate = l.serviceDate.text;
      if (l.charge) line.charge = l.charge.value;
      if (l.facts.length) {
        const facts: Record<string, string | number> = {};
        for (const f of l.facts) facts[f.name.text] = f.value.kind === "number" ? f.value.value : f.value.text;
        line.facts = facts as LineFacts;
      }
      return line;
    }),
  };
  if (c?.serviceDate) claim.serviceDate = c.serviceDate.text;
  if (c?.payer) claim.payer = c.payer.text;
  if (c?.placeOfService) claim.placeOfService = c.placeOfService.text;
  if (c?.sex || c?.birthDate) {
    claim.patient = {};
    if (c.sex) claim.patient.sex = c.sex.text as "M" | "F" | "U";
    if (c.birthDate) claim.patient.birthDate = c.birthDate.text;
  }
  return claim;
}

/** Whether a rule id matches an expectation's id (exact, or a `prefix.*` pattern). */
export { idMatches as ruleMatches } from "./layering.ts";

/** Checks one expectation; returns the failure text, or undefined when it holds. */
export function checkExpectation(e: Expectation, result: EvalResult): string | undefined {
  const findings: Finding[] = result.verdict === "invalid" ? [] : result.findings;
  switch (e.kind) {
    case "expect-verdict":
      return result.verdict === e.verdict.text ? undefined : `expected verdict ${e.verdict.text}, got ${result.verdict}${describe(result)}`;
    case "expect-no": {
      const hit = findings.find((f) => idMatches(e.rule.text, f.rule));
      return hit ? `expected no ${e.rule.text}, got ${hit.severity} ${hit.rule} on lines ${hit.lines.join(", ") || "-"}: ${hit.message}` : undefined;
    }
    case "expect-finding": {
      const want = e.lines?.map((n) => n.value).sort((a, b) => a - b);
      const ok = findings.some(
        (f) =>
          idMatches(e.rule.text, f.rule) &&
          (e.severity === undefined || f.severity === e.severity.text) &&
          (want === undefined || sameNumbers([...f.lines].sort((a, b) => a - b), want)),
      );
      if (ok) return undefined;
      const sev = e.severity ? `${e.severity.text} ` : "";
      const on = want ? ` on lines ${want.join(", ")}` : "";
      return `expected ${sev}${e.rule.text}${on}${describe(result)}`;
    }
    default: {
      const never: never = e;
      return String(never);
    }
  }
}

function sameNumbers(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function describe(result: EvalResult): string {
  if (result.verdict === "invalid") return `; the claim is invalid: ${result.errors.map((e) => `${e.pointer} ${e.message}`).join("; ")}`;
  if (result.findings.length === 0) return "; got no findings";
  return `; got ${result.findings.map((f) => `${f.severity} ${f.rule} [${f.lines.join(",") || "claim"}]`).join(", ")}`;
}

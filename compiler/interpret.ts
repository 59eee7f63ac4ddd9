/** Placeholder: the reference interpreter is written after the runtime's semantics settle. */
import type { Claim, ClaimResult } from "../runtime/types.ts";
import type { Program } from "./context.ts";

/** Evaluates a claim on the program's AST (reference interpreter). */
export function interpret(program: Program, claim: Claim): ClaimResult {
  void program;
  return { claimId: claim.id, verdict: "clean", findings: [], layer: "cms" };
}

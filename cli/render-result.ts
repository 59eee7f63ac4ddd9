/** Human-readable rendering of evaluation results (the `--json` form is the result itself). */
import type { EvalResult, Finding, Fix } from "../runtime/types.ts";

/** One block per claim: a verdict line, then one line per finding with its source and fix. */
export function renderResult(result: EvalResult): string {
  const id = result.claimId ?? "(no id)";
  if (result.verdict === "invalid") {
    const where = result.line !== undefined ? ` (input line ${result.line})` : "";
    const errs = result.errors.map((e) => `    ${e.pointer || "/"}: ${e.message} [${e.code}]`).join("\n");
    return `${id}${where}: INVALID\n${errs}\n`;
  }
  const n = result.findings.length;
  const head = `${id}: ${result.verdict.toUpperCase()}${n ? ` — ${n} finding${n === 1 ? "" : "s"}` : ""}${
    result.layer && result.layer !== "cms" ? ` (ruleset ${result.layer})` : ""
  }\n`;
  return head + result.findings.map(renderFinding).join("");
}

function renderFinding(f: Finding): string {
  const where = f.lines.length ? `line${f.lines.length > 1 ? "s" : ""} ${f.lines.join(", ")}` : "claim";
  const related = f.related?.length ? ` (with line${f.related.length > 1 ? "s" : ""} ${f.related.join(", ")})` : "";
  let text = `  ${f.severity.padEnd(7)} ${where}${related}: ${f.message}\n            rule ${f.rule} [${f.category}]`;
  if (f.source) text += ` — ${f.source}`;
  text += "\n";
  if (f.fix) text += `            fix: ${describeFix(f.fix)}\n`;
  return text;
}

function describeFix(fix: Fix): string {
  const on = fix.lines?.length ? ` on line${fix.lines.length > 1 ? "s" : ""} ${fix.lines.join(", ")}` : "";
  let text: string;
  switch (fix.op) {
    case "replace":
      text = `replace${on} with ${fix.codes?.join(", ") ?? "?"}`;
      break;
    case "remove":
      text = `remove${on}`;
      break;
    case "add-modifier":
      text = `add modifier ${fix.modifier ?? "?"}${on}`;
      break;
    case "set-units":
      text = `set units to ${fix.units ?? "?"}${on}`;
      break;
    case "add-code":
      text = `add ${fix.codes?.join(" or ") ?? "a code"}`;
      break;
    case "text":
      return fix.text ?? "";
    default: {
      const never: never = fix.op;
      text = String(never);
    }
  }
  return fix.text ? `${text} — ${fix.text}` : text;
}

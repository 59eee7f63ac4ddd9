/**
 * The analysis's diagnostics and the helpers every check uses to ask the solver and to name
 * rules and table edits in messages.
 */
import type { Diagnostic, Severity, Span } from "../../grammar/source.ts";
import { diag, tick, type DiagnosticCode } from "../diagnostics.ts";
import { and, canonicalKey, someLine, type Formula } from "./formula.ts";

const SOME_LINE: Formula = someLine();
import type { Edit, LayerModel, RuleInfo } from "./model.ts";
import { solve, type NamedLine, type SolveResult } from "./solver.ts";
import type { Evidence } from "./witness.ts";

/** A diagnostic of the analysis: the shared shape plus the rules it is about and its evidence. */
export interface AnalysisDiagnostic extends Diagnostic {
  /** Ids of the rules and table edits involved (the subject first). */
  readonly rules: readonly string[];
  /** Claims and the findings the runtime gives on them (verified before reporting). */
  readonly evidence?: readonly Evidence[];
  /** The layer the problem shows in. */
  readonly layer?: string;
}

/** Collects diagnostics; the same problem seen in two layers is reported once. */
export class Reporter {
  readonly list: AnalysisDiagnostic[] = [];
  private readonly keys = new Set<string>();

  add(
    code: DiagnosticCode,
    severity: Severity,
    span: Span,
    message: string,
    extras: { rules: string[]; hint?: string; related?: { span: Span; message: string }[]; witness?: unknown; evidence?: Evidence[]; layer?: string; key?: string },
  ): void {
    const key = extras.key ?? `${code} ${extras.rules.join(" ")} ${message}`;
    if (this.keys.has(key)) return;
    this.keys.add(key);
    const d = diag(code, severity, span, message, {
      ...(extras.hint !== undefined && { hint: extras.hint }),
      ...(extras.related && { related: extras.related }),
      ...(extras.witness !== undefined && { witness: extras.witness }),
    });
    this.list.push({
      ...d,
      rules: extras.rules,
      ...(extras.evidence && { evidence: extras.evidence }),
      ...(extras.layer !== undefined && { layer: extras.layer }),
    });
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }
}

/** Asks the solver one question in a layer, counting questions and undecided ones. */
export function ask(layer: LayerModel, f0: Formula, named: readonly NamedLine[] = [], steps?: number): SolveResult {
  const an = layer.an;
  an.questions++;
  // A claim has at least one line (the schema's `minItems`): so does every model.
  const f = and(f0, SOME_LINE);
  // The same question in another layer (an inherited rule, the same edits) has the same answer
  // unless it reads the payer; the model then only needs the layer's payer.
  const { key, payer } = canonicalKey(f);
  const full = `${payer ? layer.name : "*"} ${steps ?? ""} ${JSON.stringify(named)} ${key}`;
  const hit = an.answers.get(full);
  if (hit) {
    if (hit.status !== "sat") return hit;
    const model = { ...hit.model };
    if (layer.isDefault) delete model.payer;
    else model.payer = layer.name;
    return { status: "sat", model };
  }
  const r = solve(f, layer.solverEnv(steps), named);
  an.answers.set(full, r);
  if (r.status === "unknown") {
    layer.an.undecided++;
    layer.an.undecidedAbout.push(`${layer.an.context} (${r.reason})`);
  }
  return r;
}

/** How a message names an edit: `cms.ptp.17004.17003` (PTP `17004`/`17003`, indicator 0). */
export function describeEdit(e: Edit): string {
  switch (e.kind) {
    case "ptp": {
      const inds = [...new Set(e.rows.map((r) => r[2]))].sort().join("/");
      return `${tick(e.id)} (PTP ${tick(e.a)}/${tick(e.b)}, modifier indicator ${inds})`;
    }
    case "mue":
      return `${tick(e.id)} (MUE ${e.limit} per ${e.mai === 1 ? "line" : "day"}, MAI ${e.mai})`;
    case "aoc":
      return `${tick(e.id)} (add-on ${tick(e.addon)} needs a primary)`;
    default: {
      const never: never = e;
      return never;
    }
  }
}

/** How a message names a rule or an edit of the layer. */
export function describeId(layer: LayerModel, id: string): string {
  if (layer.ruleById.has(id)) return `rule ${tick(id)}`;
  const e = layer.editById(id);
  return e ? describeEdit(e) : tick(id);
}

/** A related note pointing at a rule or edit. */
export function relatedOf(layer: LayerModel, id: string, message: string): { span: Span; message: string }[] {
  const span = layer.spanOf(id);
  return span ? [{ span, message }] : [];
}

/** The rules of a layer that this layer's own files define (not inherited unchanged). */
export function isOwn(layer: LayerModel, r: RuleInfo): boolean {
  return r.definedIn === layer.name;
}

/** ` in ruleset `x``, for layers other than the default. */
export function inLayer(layer: LayerModel): string {
  return layer.isDefault ? "" : ` in ruleset ${tick(layer.name)}`;
}

export { tick };

/**
 * `explain`: why each finding fired, and why a rule or table edit did not, in words a coder
 * reads, worked out from the decision table alone (no rule files needed).
 *
 * This is a third, tracing evaluator of docs/semantics.md beside the runtime (fast, indexed)
 * and the reference interpreter (on the AST). Like the interpreter it is naive and shares only
 * the finding builders of runtime/findings.ts (messages, fixes, order, verdict), so the
 * findings it rebuilds are byte-identical to the runtime's; a test checks that on every example
 * claim and on random rule sets (test/review/explain*.test.ts). Every step that decides
 * something records a sentence: the facts that matched for a finding, the first condition
 * that failed for a rule that did not fire.
 */
import { checkClaimInto } from "../runtime/validate.ts";
import { capErrors, normalizeClaim } from "../runtime/input.ts";
import { inDxSet, inRanges, hasAnyModifier, normalizeDx, displayDx, startingWith } from "../runtime/codes.ts";
import { ageOn, dayNumber, formatDay } from "../runtime/dates.ts";
import {
  ANATOMIC_MODIFIERS,
  EM_MODIFIERS,
  NCCI_PTP_MODIFIERS,
  aocFix,
  aocMessage,
  aocPrimaryDeniedMessage,
  buildRuleFix,
  icdFix,
  icdMessage,
  isEmCode,
  makeFinding,
  missingFieldMessage,
  mueFix,
  mueMessage,
  ptpFix,
  ptpMessage,
  ptpSameSiteMessage,
  sortFindings,
  unknownPayerMessage,
  verdictOf,
  type FindingOrigin,
  type GroupLine,
} from "../runtime/findings.ts";
import type { AocTable, CodeRanges, DecisionTable, DxSet, Layer, MueTable, Op, PtpTable, TAction, TCond, TRule } from "../runtime/table.ts";
import type { Claim, ClaimLine, Finding, InputError, Verdict } from "../runtime/types.ts";
import { compare } from "./ops.ts";

// ============================================================================ words for values

const OP_WORDS: Record<Op, string> = { ">": "more than", ">=": "at least", "<": "less than", "<=": "at most", "=": "exactly", "!=": "other than" };

/** `C44311` → `C44.311`; a prefix `C44` → `C44.*`, `D172` → `D17.2*`, `L` → `L*` (the language's pattern forms). */
export function dxPatternText(prefix: string): string {
  if (prefix.length < 3) return `${prefix}*`;
  if (prefix.length === 3) return `${prefix}.*`;
  return `${prefix.slice(0, 3)}.${prefix.slice(3)}*`;
}

function cut(items: string[], max: number): string {
  if (items.length === 0) return "(none)";
  if (items.length <= max) return items.join(", ");
  return `${items.slice(0, max).join(", ")} and ${items.length - max} more`;
}

/** Procedure code ranges as the language writes them: `11600-11606, 17000`; `max` items shown. */
export function codeRangesText(ranges: CodeRanges, max = Infinity): string {
  return cut(
    ranges.map(([lo, hi]) => (lo === hi ? lo : `${lo}-${hi}`)),
    max,
  );
}

/** A dx set as the language writes it: `L57.0, C44.*`; `max` items shown. */
export function dxSetText(set: DxSet, max = Infinity): string {
  return cut([...set.codes.map(displayDx), ...set.prefixes.map(dxPatternText)], max);
}

/** Modifiers, comma-separated. */
export function modifiersText(mods: readonly string[], max = Infinity): string {
  return cut([...mods], max);
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function linesWord(lines: readonly number[]): string {
  return lines.length === 1 ? `line ${lines[0]}` : `lines ${lines.join(", ")}`;
}

function tick(s: string | number): string {
  return `\`${s}\``;
}

// ============================================================================ conditions as text

function needsParens(c: TCond): boolean {
  return c.k === "or" || c.k === "and";
}

/**
 * A compiled condition in the language's own notation (`17000, 17003 count >= 15 and not dx in
 * L57.0`). Sets are the resolved ranges and patterns, since the table keeps no set names;
 * `max` bounds the items shown per set.
 */
export function condText(c: TCond, max = Infinity): string {
  switch (c.k) {
    case "true":
      return "always";
    case "and":
      return c.args.map((a) => (a.k === "or" ? `(${condText(a, max)})` : condText(a, max))).join(" and ");
    case "or":
      return c.args.map((a) => (a.k === "and" ? `(${condText(a, max)})` : condText(a, max))).join(" or ");
    case "not":
      return `not ${needsParens(c.arg) ? `(${condText(c.arg, max)})` : condText(c.arg, max)}`;
    case "has": {
      let s = codeRangesText(c.set, max);
      if (c.units) s += ` units ${c.units[0]} ${c.units[1]}`;
      if (c.mod) s += ` with modifier ${modifiersText(c.mod, max)}`;
      if (c.noMod) s += ` without modifier ${modifiersText(c.noMod, max)}`;
      if (c.dx) s += ` with dx ${dxSetText(c.dx, max)}`;
      if (c.noDx) s += ` without dx ${dxSetText(c.noDx, max)}`;
      return s;
    }
    case "count":
      return `${codeRangesText(c.set, max)} count ${c.op} ${c.n}`;
    case "dx":
      return `${c.scope === "claim" ? "claim " : ""}dx in ${dxSetText(c.set, max)}`;
    case "mod":
      return `modifier ${modifiersText(c.set, max)}`;
    case "units":
      return `units ${c.op} ${c.n}`;
    case "age":
      return `age ${c.op} ${c.n}`;
    case "sex":
      return c.values.length === 1 ? `sex ${c.values[0]}` : `sex in ${c.values.join(", ")}`;
    case "pos":
      return c.values.length === 1 ? `pos ${c.values[0]}` : `pos in ${c.values.join(", ")}`;
    case "payer":
      return c.values.length === 1 ? `payer ${c.values[0]}` : `payer in ${c.values.join(", ")}`;
    case "dos":
      return `dos ${c.op} ${formatDay(c.day)}`;
    case "fact":
      return `${c.name} ${c.op} ${c.n}`;
    case "site":
      return c.values.length === 1 ? `site = ${c.values[0]}` : `site in ${cut(c.values, max)}`;
    default: {
      const never: never = c;
      return never;
    }
  }
}

/** A compiled action in the language's notation (`require dx in C44.*`, `limit 11102 to 1 per line`). */
export function actionText(a: TAction, max = Infinity): string {
  switch (a.k) {
    case "require-codes":
      return `require ${codeRangesText(a.set, max)}`;
    case "require-modifier":
      return `require modifier ${modifiersText(a.set, max)}${a.on ? ` on ${codeRangesText(a.on, max)}` : ""}`;
    case "require-dx":
      return `require dx in ${dxSetText(a.set, max)}`;
    case "forbid-codes":
      return `forbid ${codeRangesText(a.set, max)}`;
    case "forbid-modifier":
      return `forbid modifier ${modifiersText(a.set, max)}${a.on ? ` on ${codeRangesText(a.on, max)}` : ""}`;
    case "limit":
      return `limit ${codeRangesText(a.set, max)} to ${a.max} per ${a.per}`;
    case "deny":
      return "deny";
    case "flag":
      return "flag";
    case "select":
      return `select { ${a.cases.map((c) => `case ${condText(c.when, max)} -> ${c.code}`).join("; ")} }`;
    default: {
      const never: never = a;
      return never;
    }
  }
}

// ============================================================================ the trace

/** What happened to one rule or table edit on one date of service (and, in line scope, one line). */
export type TraceStatus =
  /** It produced findings. */
  | "fired"
  /** It was looked at and produced none: `failed` says which condition stopped it. */
  | "not-applied"
  /** Its effective window (or, for a table edit, every row) is not in force on the date. */
  | "not-in-force"
  /** No line carries a code it is triggered by: the runtime never looks at it. */
  | "not-candidate"
  /** It is disabled in (or not part of) the claim's layer. */
  | "disabled";

/** One step of the explanation. Lines are 1-based claim lines. */
export interface Trace {
  /** The rule or table-edit id (`cms.ptp.17004.17003`, `cms.mue.17003`, `cms.aoc.17003`). */
  rule: string;
  kind: "rule" | "ptp" | "mue" | "aoc" | "icd10" | "payer";
  status: TraceStatus;
  /** The date of service (`YYYY-MM-DD`) of the group this step looked at. */
  date?: string;
  /** The lines this step is about (the current line of a line-scope rule, the pair's lines, …). */
  lines: number[];
  /** One sentence: what the rule or edit is. */
  what: string;
  /** Why it fired (the facts that matched, in order) or why not (the first condition that failed, then context). */
  because: string[];
  /** For a step that did not fire: the first condition that failed, in words. */
  failed?: string;
  /** The citation (the rule's or table's `source`). */
  source: string;
  /** Where the rule is written (`rules/cms/x.rules:12:1`), for rules. */
  origin?: string;
  /** The findings this step produced (before the result's sort and de-duplication). */
  findings: Finding[];
}

/** The explanation of one claim. */
export interface ClaimExplanation {
  claimId: string | null;
  /** The layer applied, and the payer asked for. */
  layer: string;
  payer: string;
  verdict: Verdict | "invalid";
  /** The findings, sorted as in the runtime's result (equal to it). */
  findings: Finding[];
  /** Input errors of an invalid claim. */
  errors?: InputError[];
  /** Each date of service and its lines. */
  groups: { date: string; lines: number[] }[];
  traces: Trace[];
}

/** Options of {@link explainClaim}. */
export interface ExplainOptions {
  /**
   * Only these rules / edits, each an exact id or a `prefix.*` pattern: their traces are kept
   * whatever their status (including not-candidate and disabled), and an id the claim does not
   * touch still gets a trace that says why.
   */
  rules?: readonly string[];
}

function matchesPattern(pattern: string, id: string): boolean {
  return pattern.endsWith(".*") ? id.startsWith(pattern.slice(0, -1)) : id === pattern;
}

interface Env {
  table: DecisionTable;
  layer: Layer;
  layerName: string;
  claim: Claim;
  lines: ClaimLine[];
  dx: string[];
  payer: string;
  group: number[]; // 1-based
  day: number;
  cur: number; // 1-based, 0 = none
  findings: Finding[];
  traces: Trace[];
  watches: { origin: FindingOrigin; addon: string; line: number; primaryLines: number[]; trace: Trace }[];
  billable: Set<string>;
  headers: Set<string>;
  billableSorted: string[];
  /** The ids / patterns the caller asked about (`--rule`), for traces of edits the claim does not touch. */
  wanted: readonly string[];
}

function line(env: Env, n: number): ClaimLine {
  return env.lines[n - 1]!;
}

function sortedUnique(xs: readonly number[]): number[] {
  return [...new Set(xs)].sort((a, b) => a - b);
}

/** The claim diagnoses (display form) a line points to, with their pointer numbers. */
function pointedDx(env: Env, n: number): { k: number; dx: string }[] {
  const ptrs = line(env, n).dxPointers;
  const ks = ptrs === undefined ? env.dx.map((_, i) => i + 1) : ptrs;
  return ks.map((k) => ({ k, dx: env.dx[k - 1]! }));
}

function dxList(items: { k: number; dx: string }[]): string {
  if (items.length === 0) return "no diagnosis";
  return items.map((p) => `${tick(displayDx(p.dx))} (dx ${p.k})`).join(", ");
}

function modsOf(env: Env, n: number): string[] {
  return line(env, n).modifiers ?? [];
}

function lineLabel(env: Env, n: number): string {
  const l = line(env, n);
  return `line ${n} (${tick(l.code)}${l.units !== 1 ? ` × ${l.units}` : ""})`;
}

// ---------------------------------------------------------------------------- condition trace

/** The result of tracing a condition: whether it holds, its subject lines, and why, in words. */
interface CondResult {
  holds: boolean;
  lines: number[];
  /** Facts that made it hold (when it holds) — only those outside `not` that chose the outcome. */
  facts: string[];
  /** The first reason it failed (when it does not hold). */
  failed?: string;
}

const YES = (lines: number[], facts: string[]): CondResult => ({ holds: true, lines, facts });
const NO = (failed: string): CondResult => ({ holds: false, lines: [], facts: [], failed });

/**
 * Traces a condition. Subject lines follow the runtime: the lines of `has`/`count` atoms that
 * hold, outside `not`; for an `or`, every branch that holds (all are evaluated).
 */
function traceCond(env: Env, c: TCond): CondResult {
  switch (c.k) {
    case "true":
      return YES([], []);
    case "and": {
      const lines: number[] = [];
      const facts: string[] = [];
      for (const a of c.args) {
        const r = traceCond(env, a);
        if (!r.holds) return NO(r.failed!);
        lines.push(...r.lines);
        facts.push(...r.facts);
      }
      return YES(lines, facts);
    }
    case "or": {
      const lines: number[] = [];
      const facts: string[] = [];
      const fails: string[] = [];
      let any = false;
      for (const a of c.args) {
        const r = traceCond(env, a);
        if (r.holds) {
          any = true;
          lines.push(...r.lines);
          facts.push(...r.facts);
        } else fails.push(r.failed!);
      }
      if (any) return YES(lines, facts);
      const shown = fails.slice(0, 3).map((f, i) => `(${i + 1}) ${f}`);
      const more = fails.length > 3 ? `; and ${fails.length - 3} more alternatives fail` : "";
      return NO(`none of its ${fails.length} alternatives holds: ${shown.join("; ")}${more}`);
    }
    case "not": {
      const r = traceCond(env, c.arg);
      if (r.holds) {
        const why = r.facts.length > 0 ? `: ${r.facts.join("; ")}` : "";
        return NO(`\`${condText(c.arg, 6)}\` holds, and the rule needs it not to${why}`);
      }
      return YES([], [`not \`${condText(c.arg, 6)}\`: ${r.failed}`]);
    }
    case "has":
      return traceHas(env, c);
    case "count": {
      const inSet = env.group.filter((n) => inRanges(c.set, line(env, n).code));
      const total = inSet.reduce((s, n) => s + line(env, n).units, 0);
      const where = inSet.length > 0 ? ` (${linesWord(inSet)})` : "";
      const what = `${plural(total, "unit")} of ${codeRangesText(c.set, 6)} on ${formatDay(env.day)}${where}`;
      if (compare(total, c.op, c.n)) return YES(inSet, [`${what}: ${OP_WORDS[c.op]} ${c.n}`]);
      return NO(`${what}, not ${OP_WORDS[c.op]} ${c.n}`);
    }
    case "dx": {
      if (c.scope === "line") {
        if (env.cur === 0) return NO("no current line for `dx in`");
        const ds = pointedDx(env, env.cur);
        const hit = ds.filter((p) => inDxSet(c.set, p.dx));
        if (hit.length > 0) return YES([], [`line ${env.cur} points to ${dxList(hit)}, in ${dxSetText(c.set, 6)}`]);
        return NO(`line ${env.cur} points to ${dxList(ds)}, none in ${dxSetText(c.set, 6)}`);
      }
      const all = env.dx.map((dx, i) => ({ k: i + 1, dx }));
      const hit = all.filter((p) => inDxSet(c.set, p.dx));
      if (hit.length > 0) return YES([], [`the claim has ${dxList(hit)}, in ${dxSetText(c.set, 6)}`]);
      return NO(`the claim's diagnoses (${all.map((p) => tick(displayDx(p.dx))).join(", ")}) are none of ${dxSetText(c.set, 6)}`);
    }
    case "mod": {
      if (env.cur === 0) return NO("no current line for `modifier`");
      const mods = modsOf(env, env.cur);
      const hit = mods.filter((m) => c.set.includes(m));
      if (hit.length > 0) return YES([], [`line ${env.cur} carries modifier ${hit.map(tick).join(", ")}`]);
      const want = c.set.length === 1 ? `not ${tick(c.set[0]!)}` : `none of ${modifiersText(c.set, 8)}`;
      return NO(`line ${env.cur} carries ${mods.length ? `modifier ${mods.map(tick).join(", ")} but ${want}` : `no modifier, so ${want}`}`);
    }
    case "units": {
      if (env.cur === 0) return NO("no current line for `units`");
      const u = line(env, env.cur).units;
      if (compare(u, c.op, c.n)) return YES([], [`line ${env.cur} has ${plural(u, "unit")}: ${OP_WORDS[c.op]} ${c.n}`]);
      return NO(`line ${env.cur} has ${plural(u, "unit")}, not ${OP_WORDS[c.op]} ${c.n}`);
    }
    case "age": {
      const birth = env.claim.patient?.birthDate;
      if (birth === undefined) return NO("the claim has no patient birth date, so `age` is taken as false");
      const age = ageOn(dayNumber(birth)!, env.day);
      if (compare(age, c.op, c.n)) return YES([], [`the patient is ${age} on ${formatDay(env.day)}: ${OP_WORDS[c.op]} ${c.n}`]);
      return NO(`the patient is ${age} on ${formatDay(env.day)}, not ${OP_WORDS[c.op]} ${c.n}`);
    }
    case "sex": {
      const sex = env.claim.patient?.sex;
      if (sex === undefined) return NO("the claim has no patient sex, so `sex` is taken as false");
      if (c.values.includes(sex)) return YES([], [`the patient's sex is ${tick(sex)}`]);
      return NO(`the patient's sex is ${tick(sex)}, not ${c.values.map(tick).join(" or ")}`);
    }
    case "pos": {
      const pos = env.claim.placeOfService;
      if (pos === undefined) return NO("the claim has no place of service, so `pos` is taken as false");
      if (c.values.includes(pos)) return YES([], [`the place of service is ${tick(pos)}`]);
      return NO(`the place of service is ${tick(pos)}, not ${c.values.map(tick).join(" or ")}`);
    }
    case "payer":
      if (c.values.includes(env.payer)) return YES([], [`the payer is ${tick(env.payer)}`]);
      return NO(`the payer is ${tick(env.payer)}, not ${c.values.map(tick).join(" or ")}`);
    case "dos":
      if (compare(env.day, c.op, c.day)) return YES([], [`the date of service ${formatDay(env.day)} is ${dateOp(c.op)} ${formatDay(c.day)}`]);
      return NO(`the date of service ${formatDay(env.day)} is not ${dateOp(c.op)} ${formatDay(c.day)}`);
    case "fact": {
      if (env.cur === 0) return NO(`no current line for \`${c.name}\``);
      const v = line(env, env.cur).facts?.[c.name];
      if (v === undefined) return NO(`line ${env.cur} documents no \`${c.name}\``);
      if (compare(v, c.op, c.n)) return YES([], [`line ${env.cur} documents ${c.name} ${v}: ${OP_WORDS[c.op]} ${c.n}`]);
      return NO(`line ${env.cur} documents ${c.name} ${v}, not ${OP_WORDS[c.op]} ${c.n}`);
    }
    case "site": {
      if (env.cur === 0) return NO("no current line for `site`");
      const site = line(env, env.cur).facts?.site;
      if (site === undefined) return NO(`line ${env.cur} documents no \`site\``);
      if (c.values.includes(site.toLowerCase())) return YES([], [`line ${env.cur} documents site ${tick(site)}`]);
      return NO(`line ${env.cur} documents site ${tick(site)}, not ${cut(c.values.map(tick), 6)}`);
    }
    default: {
      const never: never = c;
      return never;
    }
  }
}

function dateOp(op: Op): string {
  return { ">": "after", ">=": "on or after", "<": "before", "<=": "on or before", "=": "on", "!=": "other than" }[op];
}

function traceHas(env: Env, c: Extract<TCond, { k: "has" }>): CondResult {
  const inSet = env.group.filter((n) => inRanges(c.set, line(env, n).code));
  const setText = codeRangesText(c.set, 6);
  if (inSet.length === 0) return NO(`no line of ${formatDay(env.day)} carries ${setText}`);
  const matched: number[] = [];
  const facts: string[] = [];
  const misses: string[] = [];
  for (const n of inSet) {
    const l = line(env, n);
    const parts: string[] = [];
    let miss: string | undefined;
    if (c.units !== undefined) {
      if (compare(l.units, c.units[0], c.units[1])) parts.push(`${plural(l.units, "unit")}`);
      else miss ??= `has ${plural(l.units, "unit")}, not ${OP_WORDS[c.units[0]]} ${c.units[1]}`;
    }
    if (c.mod !== undefined) {
      const hit = modsOf(env, n).filter((m) => c.mod!.includes(m));
      if (hit.length > 0) parts.push(`modifier ${hit.map(tick).join(", ")}`);
      else miss ??= `carries none of modifier ${modifiersText(c.mod, 8)}`;
    }
    if (c.noMod !== undefined) {
      const hit = modsOf(env, n).filter((m) => c.noMod!.includes(m));
      if (hit.length === 0) parts.push(`none of modifier ${modifiersText(c.noMod, 8)}`);
      else miss ??= `carries modifier ${hit.map(tick).join(", ")}, which the condition excludes`;
    }
    if (c.dx !== undefined) {
      const hit = pointedDx(env, n).filter((p) => inDxSet(c.dx!, p.dx));
      if (hit.length > 0) parts.push(`pointing to ${dxList(hit)}`);
      else miss ??= `points to ${dxList(pointedDx(env, n))}, none in ${dxSetText(c.dx, 6)}`;
    }
    if (c.noDx !== undefined) {
      const hit = pointedDx(env, n).filter((p) => inDxSet(c.noDx!, p.dx));
      if (hit.length === 0) parts.push(`pointing to none of ${dxSetText(c.noDx, 6)}`);
      else miss ??= `points to ${dxList(hit)}, which the condition excludes`;
    }
    if (miss === undefined) {
      matched.push(n);
      facts.push(`${lineLabel(env, n)} carries ${tick(l.code)}${parts.length ? ` with ${parts.join(", ")}` : ""}, in ${setText}`);
    } else misses.push(`${lineLabel(env, n)} ${miss}`);
  }
  if (matched.length > 0) return YES(matched, facts);
  return NO(misses.join("; "));
}

// ---------------------------------------------------------------------------- rules

function ruleWhat(rule: TRule): string {
  const scope = rule.scope === "line" && rule.action.k !== "select" ? `for each line of ${codeRangesText(rule.subject ?? rule.triggers, 6)}, ` : "";
  if (rule.action.k === "select") return `code-selection table for ${codeRangesText(rule.subject ?? [], 6)} (${plural(rule.action.cases.length, "case")})`;
  const when = rule.when.k === "true" ? "" : `when ${condText(rule.when, 6)}, `;
  return `${scope}${when}${actionText(rule.action, 6)} (${rule.severity}, ${rule.category})`;
}

function windowText(rule: TRule): string {
  const [from, until] = rule.effective;
  if (from === null && until === null) return "always in force";
  if (until === null) return `in force from ${formatDay(from!)}`;
  if (from === null) return `in force until ${formatDay(until)}`;
  return `in force ${formatDay(from)} to ${formatDay(until)}`;
}

function groupLines(env: Env): GroupLine[] {
  return env.group.map((n) => ({ index: n, code: line(env, n).code }));
}

function emitRule(env: Env, trace: Trace, rule: TRule, lines: number[], related?: number[], selected?: string): void {
  const ls = sortedUnique(lines);
  const rel = related === undefined ? undefined : sortedUnique(related);
  const f = makeFinding(rule, ls, rel, buildRuleFix(rule.fix, rule.action, ls, groupLines(env), selected));
  env.findings.push(f);
  trace.findings.push(f);
}

function groupLinesIn(env: Env, set: CodeRanges): number[] {
  return env.group.filter((n) => inRanges(set, line(env, n).code));
}

/** Runs the action on the subject lines, saying what it found; returns the words for "nothing to report". */
function traceAction(env: Env, trace: Trace, rule: TRule, subject: number[]): void {
  const a = rule.action;
  const say = (s: string) => trace.because.push(s);
  const none = (s: string) => {
    trace.failed ??= s;
    say(s);
  };
  switch (a.k) {
    case "require-codes": {
      const have = groupLinesIn(env, a.set);
      if (have.length > 0) return none(`the condition holds, but ${linesWord(have)} carr${have.length === 1 ? "ies" : "y"} ${have.map((n) => tick(line(env, n).code)).join(", ")}, which the rule requires: nothing to report`);
      say(`no line of ${formatDay(env.day)} carries ${codeRangesText(a.set, 6)}, which the rule requires`);
      emitRule(env, trace, rule, subject);
      return;
    }
    case "require-modifier": {
      const targets = a.on !== undefined ? groupLinesIn(env, a.on) : subject;
      if (targets.length === 0) return none(`no line of ${codeRangesText(a.on ?? [], 6)} to check for modifier ${modifiersText(a.set)}`);
      const ok: string[] = [];
      for (const t of targets) {
        const mods = modsOf(env, t);
        if (!hasAnyModifier(mods, a.set)) {
          say(`${lineLabel(env, t)} carries ${mods.length ? `modifier ${mods.map(tick).join(", ")} but ` : ""}none of ${modifiersText(a.set)}, which the rule requires`);
          emitRule(env, trace, rule, [t]);
        } else ok.push(`${lineLabel(env, t)} carries ${mods.filter((m) => a.set.includes(m)).map(tick).join(", ")}, as the rule requires`);
      }
      for (const s of ok) say(s);
      if (trace.findings.length === 0) trace.failed = ok.join("; ");
      return;
    }
    case "require-dx": {
      if (subject.length === 0) {
        const hit = env.dx.filter((d) => inDxSet(a.set, d));
        if (hit.length > 0) return none(`the claim has ${hit.map((d) => tick(displayDx(d))).join(", ")}, in ${dxSetText(a.set, 6)}, as the rule requires`);
        say(`no claim diagnosis is in ${dxSetText(a.set, 6)}, which the rule requires`);
        emitRule(env, trace, rule, []);
        return;
      }
      const ok: string[] = [];
      for (const s of subject) {
        const ds = pointedDx(env, s);
        const hit = ds.filter((p) => inDxSet(a.set, p.dx));
        if (hit.length === 0) {
          say(`${lineLabel(env, s)} points to ${dxList(ds)}, none in ${dxSetText(a.set, 8)}, which the rule requires`);
          emitRule(env, trace, rule, [s]);
        } else ok.push(`${lineLabel(env, s)} points to ${dxList(hit)}, in ${dxSetText(a.set, 6)}, as the rule requires`);
      }
      for (const s of ok) say(s);
      if (trace.findings.length === 0) trace.failed = ok.join("; ");
      return;
    }
    case "forbid-codes": {
      let any = false;
      for (const n of groupLinesIn(env, a.set)) {
        if (subject.includes(n)) continue;
        any = true;
        say(`${lineLabel(env, n)} carries ${tick(line(env, n).code)}, which the rule forbids${subject.length ? ` with ${linesWord(subject)}` : ""}`);
        emitRule(env, trace, rule, [n], subject);
      }
      if (!any) none(`the condition holds, but no other line carries ${codeRangesText(a.set, 6)}, which the rule forbids: nothing to report`);
      return;
    }
    case "forbid-modifier": {
      const targets = a.on !== undefined ? groupLinesIn(env, a.on) : subject;
      for (const t of targets) {
        const hit = modsOf(env, t).filter((m) => a.set.includes(m));
        if (hit.length > 0) {
          say(`${lineLabel(env, t)} carries modifier ${hit.map(tick).join(", ")}, which the rule forbids`);
          emitRule(env, trace, rule, [t]);
        }
      }
      if (trace.findings.length === 0) none(`no target line carries modifier ${modifiersText(a.set)}, which the rule forbids`);
      return;
    }
    case "limit": {
      const ls = groupLinesIn(env, a.set);
      if (a.per === "line") {
        for (const n of ls) {
          if (line(env, n).units > a.max) {
            say(`${lineLabel(env, n)} has ${plural(line(env, n).units, "unit")}, over the limit of ${a.max} per line`);
            emitRule(env, trace, rule, [n]);
          }
        }
        if (trace.findings.length === 0) none(`no line of ${codeRangesText(a.set, 6)} has more than ${plural(a.max, "unit")}`);
        return;
      }
      const total = ls.reduce((s, n) => s + line(env, n).units, 0);
      if (total > a.max) {
        say(`${codeRangesText(a.set, 6)} total ${plural(total, "unit")} on ${formatDay(env.day)} (${linesWord(ls)}), over the limit of ${a.max} per day`);
        emitRule(env, trace, rule, ls);
      } else none(`${codeRangesText(a.set, 6)} total ${plural(total, "unit")} on ${formatDay(env.day)}, within the limit of ${a.max} per day`);
      return;
    }
    case "deny":
    case "flag":
      say(`the condition holds, so the rule ${a.k === "deny" ? "denies" : "flags"} ${subject.length ? linesWord(subject) : "the claim"}`);
      emitRule(env, trace, rule, subject);
      return;
    case "select": {
      const targets = rule.scope === "line" ? [env.cur] : subject;
      const saved = env.cur;
      for (const t of targets) {
        if (t <= 0) continue;
        env.cur = t;
        let matched = false;
        for (let i = 0; i < a.cases.length; i++) {
          const c = a.cases[i]!;
          const r = traceCond(env, c.when);
          if (!r.holds) continue;
          matched = true;
          const facts = r.facts.join("; ");
          if (c.code !== line(env, t).code) {
            say(`case ${i + 1} (\`${condText(c.when, 4)}\`) holds — ${facts} — and selects ${tick(c.code)}, but line ${t} carries ${tick(line(env, t).code)}`);
            emitRule(env, trace, rule, [t], undefined, c.code);
          } else {
            none(`case ${i + 1} (\`${condText(c.when, 4)}\`) holds — ${facts} — and selects ${tick(c.code)}, the code the line carries`);
          }
          break;
        }
        if (!matched) {
          const l = line(env, t);
          const facts = l.facts ? Object.entries(l.facts).map(([k, v]) => `${k} ${v}`).join(", ") : "";
          none(`no case of the table matches ${lineLabel(env, t)}${facts ? ` (it documents ${facts})` : " (it documents no facts)"}`);
        }
      }
      env.cur = saved;
      return;
    }
    default: {
      const never: never = a;
      return never;
    }
  }
}

function newTrace(env: Env, rule: TRule, lines: number[]): Trace {
  return {
    rule: rule.id,
    kind: "rule",
    status: "not-applied",
    date: formatDay(env.day),
    lines,
    what: ruleWhat(rule),
    because: [],
    source: rule.source,
    origin: rule.origin,
    findings: [],
  };
}

function missingNotes(env: Env, rule: TRule): void {
  const claim = env.claim;
  for (const field of rule.needs) {
    const lacks =
      field === "patient.birthDate" ? claim.patient?.birthDate === undefined : field === "patient.sex" ? claim.patient?.sex === undefined : claim.placeOfService === undefined;
    if (!lacks) continue;
    const f = makeFinding({ id: rule.id, category: rule.category, severity: "info", message: "", source: rule.source }, [], undefined, undefined, missingFieldMessage(rule.id, field));
    env.findings.push(f);
    env.traces.push({
      rule: rule.id,
      kind: "rule",
      status: "fired",
      date: formatDay(env.day),
      lines: [],
      what: ruleWhat(rule),
      because: [`the rule reads \`${field}\`, which the claim lacks: its condition on it is taken as false`],
      source: rule.source,
      origin: rule.origin,
      findings: [f],
    });
  }
}

function traceRule(env: Env, rule: TRule): void {
  const date = formatDay(env.day);
  const [from, until] = rule.effective;
  const triggered = rule.triggers.length === 0 || env.group.some((n) => inRanges(rule.triggers, line(env, n).code));
  if (!triggered) {
    env.traces.push({
      ...newTrace(env, rule, []),
      status: "not-candidate",
      failed: `no line of ${date} carries ${codeRangesText(rule.triggers, 6)}, which the rule needs`,
      because: [`no line of ${date} carries ${codeRangesText(rule.triggers, 6)}, which the rule needs`],
    });
    return;
  }
  if ((from !== null && env.day < from) || (until !== null && env.day > until)) {
    const why = `the date of service ${date} is outside the rule's window (${windowText(rule)})`;
    env.traces.push({ ...newTrace(env, rule, []), status: "not-in-force", failed: why, because: [why] });
    return;
  }
  missingNotes(env, rule);
  if (rule.scope === "line") {
    const subj = rule.subject ?? rule.triggers;
    for (const n of env.group) {
      if (!inRanges(subj, line(env, n).code)) continue;
      const trace = newTrace(env, rule, [n]);
      env.cur = n;
      const r = traceCond(env, rule.when);
      const head = `line ${n} carries ${tick(line(env, n).code)}${line(env, n).units !== 1 ? ` × ${line(env, n).units}` : ""}, a code of the rule's subject ${codeRangesText(subj, 6)}`;
      trace.because.push(head);
      if (r.holds) {
        trace.because.push(...r.facts);
        traceAction(env, trace, rule, [n]);
      } else {
        trace.failed = r.failed;
        trace.because.push(`not applied: ${r.failed}`);
      }
      env.cur = 0;
      trace.status = trace.findings.length > 0 ? "fired" : "not-applied";
      env.traces.push(trace);
    }
    return;
  }
  const r = traceCond(env, rule.when);
  const subject = sortedUnique(r.lines);
  const trace = newTrace(env, rule, subject);
  if (r.holds) {
    trace.because.push(...r.facts);
    traceAction(env, trace, rule, subject);
  } else {
    trace.failed = r.failed;
    trace.because.push(`not applied: ${r.failed}`);
  }
  trace.status = trace.findings.length > 0 ? "fired" : "not-applied";
  env.traces.push(trace);
}

// ---------------------------------------------------------------------------- NCCI edits

function disabledBy(layer: Layer, id: string): string | undefined {
  return layer.disabled.find((d) => matchesPattern(d, id));
}

/** A CMS table as the reader knows it: its version, else its file. */
function tableName(t: { version: string; file: string }): string {
  return t.version || t.file;
}

const INDICATOR_WORDS: Record<number, string> = {
  0: "indicator 0: no modifier allows both",
  1: "indicator 1: allowed with an NCCI-associated modifier when the services are distinct",
  9: "indicator 9: not an edit",
};

function rowWindow(from: number | null, to: number | null): string {
  return `${from === null ? "no effective date" : `effective ${formatDay(from)}`}, ${to === null ? "not deleted" : `deleted ${formatDay(to)}`}`;
}

/** The PTP result of one column-1 line against one column-2 line under indicator 1, with words. */
function ptpTest(env: Env, l1: number, l2: number, em1: boolean, em2: boolean): { r: "deny" | "bypass" | "same-site"; why: string } {
  const m1 = modsOf(env, l1);
  const m2 = modsOf(env, l2);
  if (em1 || em2) {
    const emLine = em1 && m1.some((m) => EM_MODIFIERS.includes(m)) ? l1 : em2 && m2.some((m) => EM_MODIFIERS.includes(m)) ? l2 : 0;
    if (emLine > 0) {
      const m = modsOf(env, emLine).find((x) => EM_MODIFIERS.includes(x))!;
      return { r: "bypass", why: `the E/M line ${emLine} carries ${tick(m)}, which this PTP edit (indicator 1) accepts` };
    }
    const emLines = [em1 ? l1 : 0, em2 ? l2 : 0].filter((n) => n > 0);
    const other = [...m1, ...m2].filter((m) => NCCI_PTP_MODIFIERS.includes(m) && !EM_MODIFIERS.includes(m));
    const extra = other.length ? ` (${other.map(tick).join(", ")} do${other.length === 1 ? "es" : ""} not bypass an edit with an E/M code)` : "";
    return { r: "deny", why: `the E/M ${linesWord(emLines)} carr${emLines.length === 1 ? "ies" : "y"} none of 24, 25, 57${extra}` };
  }
  const ptp1 = m1.filter((m) => NCCI_PTP_MODIFIERS.includes(m));
  const ptp2 = m2.filter((m) => NCCI_PTP_MODIFIERS.includes(m));
  const distinct = [...ptp1.map((m) => ({ m, n: l1 })), ...ptp2.map((m) => ({ m, n: l2 }))].find((x) => !ANATOMIC_MODIFIERS.includes(x.m));
  if (distinct) return { r: "bypass", why: `line ${distinct.n} carries ${tick(distinct.m)}, which this PTP edit (indicator 1) accepts` };
  const mods = new Set([...ptp1, ...ptp2]);
  if (mods.size === 0) return { r: "deny", why: `neither line ${l1} nor line ${l2} carries an NCCI-associated modifier (59, XE, XS, XP, XU, 24, 25, 27, 57, 58, 78, 79, 91 or an anatomic modifier)` };
  if (mods.size === 1) {
    const m = [...mods][0]!;
    if (m1.includes(m) && m2.includes(m)) return { r: "same-site", why: `both lines carry only the anatomic modifier ${tick(m)}: the edit is bypassed, but the sites do not look distinct` };
  }
  return { r: "bypass", why: `the anatomic modifiers ${[...mods].map(tick).join(", ")} show different sites, which this PTP edit (indicator 1) accepts` };
}

function tracePtp(env: Env, filter: (id: string) => boolean, explicit: boolean, wantedFilter: (id: string) => boolean = filter): void {
  const codes = [...new Set(env.group.map((n) => line(env, n).code))];
  const date = formatDay(env.day);
  for (const ti of env.layer.ptp) {
    const t: PtpTable = env.table.edits.ptp[ti]!;
    for (const a of codes) {
      const row = t.pairs[a];
      if (row === undefined) continue;
      for (const b of codes) {
        if (a === b) continue;
        const rows = row[b];
        if (rows === undefined) continue;
        const id = `${t.idPrefix}.${a}.${b}`;
        if (!filter(id)) continue;
        const col1 = env.group.filter((n) => line(env, n).code === a);
        const col2 = env.group.filter((n) => line(env, n).code === b);
        const base: Trace = {
          rule: id,
          kind: "ptp",
          status: "not-applied",
          date,
          lines: sortedUnique([...col1, ...col2]),
          what: `NCCI PTP edit (${tableName(t)}): column 1 ${tick(a)}, column 2 ${tick(b)}`,
          because: [`column 1 ${tick(a)} is on ${linesWord(col1)} and column 2 ${tick(b)} on ${linesWord(col2)}, both on ${date}`],
          source: t.source,
          findings: [],
        };
        const off = disabledBy(env.layer, id);
        if (off !== undefined) {
          const why = `the edit is disabled in layer ${tick(env.layerName)} (\`disable ${off}\`)`;
          env.traces.push({ ...base, status: "disabled", failed: why, because: [...base.because, why] });
          continue;
        }
        let ind = 9;
        let inForce: (typeof rows)[number] | undefined;
        for (const r of rows) {
          if ((r[0] === null || r[0] <= env.day) && (r[1] === null || env.day <= r[1])) {
            if (inForce === undefined || r[2] < ind) (ind = r[2]), (inForce = r);
          }
        }
        if (inForce === undefined) {
          const why = `no row of the pair is in force on ${date} (${rows.map((r) => rowWindow(r[0], r[1])).join("; ")})`;
          env.traces.push({ ...base, status: "not-in-force", failed: why, because: [...base.because, why] });
          continue;
        }
        base.because.push(`the row in force on ${date} (${rowWindow(inForce[0], inForce[1])}) has modifier ${INDICATOR_WORDS[ind]}${rows.length > 1 ? ` (the strictest of ${rows.length} rows)` : ""}`);
        if (ind === 9) {
          env.traces.push({ ...base, failed: "the row in force has modifier indicator 9: no edit" });
          continue;
        }
        const em1 = isEmCode(a);
        const em2 = isEmCode(b);
        const origin: FindingOrigin = { id, category: "ptp", severity: "error", message: "", source: t.source };
        const trace: Trace = { ...base };
        for (const l2 of col2) {
          if (ind === 0) {
            const f = makeFinding(origin, [l2], col1, ptpFix(0, l2, null), ptpMessage(a, b, 0, em1 || em2));
            trace.because.push(`indicator 0: line ${l2} (${tick(b)}) is denied whatever its modifiers`);
            env.findings.push(f);
            trace.findings.push(f);
            continue;
          }
          const tests = col1.map((l1) => ({ l1, ...ptpTest(env, l1, l2, em1, em2) }));
          const denied = tests.filter((x) => x.r === "deny").map((x) => x.l1);
          const sameSite = tests.filter((x) => x.r === "same-site").map((x) => x.l1);
          for (const x of tests) trace.because.push(`${x.r === "deny" ? "denied" : x.r === "bypass" ? "not applied" : "bypassed, with a warning"}: ${x.why}`);
          if (denied.length > 0) {
            const emLines = em1 ? denied : em2 ? [l2] : null;
            const f = makeFinding(origin, [l2], denied, ptpFix(1, l2, emLines), ptpMessage(a, b, 1, em1 || em2));
            env.findings.push(f);
            trace.findings.push(f);
          } else if (sameSite.length > 0) {
            const first = modsOf(env, sameSite[0]!);
            const shared = first.find((m) => ANATOMIC_MODIFIERS.includes(m) && modsOf(env, l2).includes(m)) ?? "";
            const f = makeFinding({ ...origin, severity: "warning" }, [l2], sameSite, undefined, ptpSameSiteMessage(a, b, shared));
            env.findings.push(f);
            trace.findings.push(f);
          } else {
            trace.failed ??= tests.map((x) => x.why).join("; ");
          }
        }
        trace.status = trace.findings.length > 0 ? "fired" : "not-applied";
        env.traces.push(trace);
      }
    }
    if (explicit) explicitPtp(env, t, codes, wantedFilter);
  }
}

/** For `--rule cms.ptp.A.B` naming a pair the claim does not have: say what is missing. */
function explicitPtp(env: Env, t: PtpTable, codes: string[], filter: (id: string) => boolean): void {
  const prefix = `${t.idPrefix}.`;
  for (const p of env.wanted) {
    if (!p.startsWith(prefix) || p.endsWith(".*")) continue;
    const [a, b] = p.slice(prefix.length).split(".");
    if (a === undefined || b === undefined || !filter(p)) continue;
    if (codes.includes(a) && codes.includes(b) && t.pairs[a]?.[b] !== undefined) continue;
    const why =
      t.pairs[a]?.[b] === undefined
        ? `the PTP table (${tableName(t)}) has no row with column 1 ${tick(a)} and column 2 ${tick(b)}`
        : `the edit needs both ${tick(a)} and ${tick(b)} on ${formatDay(env.day)}; the lines of that date carry ${codes.map(tick).join(", ")}`;
    env.traces.push({ rule: p, kind: "ptp", status: "not-candidate", date: formatDay(env.day), lines: [], what: `NCCI PTP edit (${tableName(t)}): column 1 ${tick(a)}, column 2 ${tick(b)}`, because: [why], failed: why, source: t.source, findings: [] });
  }
}

const MAI_WORDS: Record<number, string> = {
  1: "MAI 1: each line is checked alone",
  2: "MAI 2: the units of the date of service are checked together, a policy limit",
  3: "MAI 3: the units of the date of service are checked together, a clinical limit that can be appealed",
};

function traceMue(env: Env, filter: (id: string) => boolean): void {
  const codes = [...new Set(env.group.map((n) => line(env, n).code))];
  const date = formatDay(env.day);
  for (const ti of env.layer.mue) {
    const t: MueTable = env.table.edits.mue[ti]!;
    for (const code of codes) {
      const lim = t.limits[code];
      if (lim === undefined) continue;
      const id = `${t.idPrefix}.${code}`;
      if (!filter(id)) continue;
      const [max, mai] = lim;
      const ls = env.group.filter((n) => line(env, n).code === code);
      const total = ls.reduce((s, n) => s + line(env, n).units, 0);
      const trace: Trace = {
        rule: id,
        kind: "mue",
        status: "not-applied",
        date,
        lines: ls,
        what: `NCCI MUE (${tableName(t)}): ${tick(code)} at most ${plural(max, "unit")} ${mai === 1 ? "per line" : "per day"} (${MAI_WORDS[mai]})`,
        because: [`${tick(code)} is billed on ${linesWord(ls)} with ${plural(total, "unit")} in all on ${date}`],
        source: t.source,
        findings: [],
      };
      const off = disabledBy(env.layer, id);
      if (off !== undefined) {
        const why = `the edit is disabled in layer ${tick(env.layerName)} (\`disable ${off}\`)`;
        env.traces.push({ ...trace, status: "disabled", failed: why, because: [...trace.because, why] });
        continue;
      }
      const origin: FindingOrigin = { id, category: "mue", severity: "error", message: "", source: t.source };
      if (mai === 1) {
        for (const n of ls) {
          const u = line(env, n).units;
          if (u > max) {
            trace.because.push(`line ${n} has ${plural(u, "unit")}, over the MUE of ${max} per line`);
            const f = makeFinding(origin, [n], undefined, mueFix([n], max), mueMessage(code, u, max, 1));
            env.findings.push(f);
            trace.findings.push(f);
          }
        }
        if (trace.findings.length === 0) trace.failed = `every line of ${tick(code)} is within the MUE of ${max} per line`;
      } else if (total > max) {
        trace.because.push(`${plural(total, "unit")} on ${date} is over the MUE of ${max} per day`);
        const f = makeFinding(origin, ls, undefined, mueFix(ls, max), mueMessage(code, total, max, mai));
        env.findings.push(f);
        trace.findings.push(f);
      } else trace.failed = `${plural(total, "unit")} on ${date} is within the MUE of ${max} per day`;
      if (trace.failed) trace.because.push(`not applied: ${trace.failed}`);
      trace.status = trace.findings.length > 0 ? "fired" : "not-applied";
      env.traces.push(trace);
    }
  }
}

const AOC_TYPE_WORDS: Record<number, string> = {
  1: "type 1: payable only with a listed primary",
  2: "type 2: no listed primaries, the contractor decides",
  3: "type 3: some primaries listed, the contractor may allow others",
};

function traceAoc(env: Env, filter: (id: string) => boolean): void {
  const codes = [...new Set(env.group.map((n) => line(env, n).code))];
  const day = env.day;
  const date = formatDay(day);
  for (const ti of env.layer.aoc) {
    const t: AocTable = env.table.edits.aoc[ti]!;
    for (const addon of codes) {
      const all = t.addons[addon];
      if (all === undefined) continue;
      const id = `${t.idPrefix}.${addon}`;
      if (!filter(id)) continue;
      const addonLines = env.group.filter((n) => line(env, n).code === addon);
      const base: Trace = {
        rule: id,
        kind: "aoc",
        status: "not-applied",
        date,
        lines: addonLines,
        what: `NCCI add-on code edit (${tableName(t)}): ${tick(addon)} is an add-on code`,
        because: [`add-on ${tick(addon)} is billed on ${linesWord(addonLines)} on ${date}`],
        source: t.source,
        findings: [],
      };
      const rows = all.filter((r) => (r[3] === null || r[3] <= day) && (r[4] === null || day <= r[4]));
      if (rows.length === 0) {
        const why = `no add-on row of ${tick(addon)} is in force on ${date}`;
        env.traces.push({ ...base, status: "not-in-force", failed: why, because: [...base.because, why] });
        continue;
      }
      const off = disabledBy(env.layer, id);
      if (off !== undefined) {
        const why = `the edit is disabled in layer ${tick(env.layerName)} (\`disable ${off}\`)`;
        env.traces.push({ ...base, status: "disabled", failed: why, because: [...base.because, why] });
        continue;
      }
      const type = rows.some((r) => r[0] === 1) ? 1 : rows.some((r) => r[0] === 3) ? 3 : 2;
      const primaries = [...new Set(rows.filter((r) => r[1] !== "CCCCC" && (r[2] === null || day <= r[2])).map((r) => r[1]))].sort();
      base.what += ` (${AOC_TYPE_WORDS[type]})`;
      base.because.push(primaries.length ? `its listed primaries in force on ${date}: ${cut(primaries.map(tick), 8)}` : "it lists no primary in force on that date");
      const primaryLines = env.group.filter((n) => line(env, n).code !== addon && primaries.includes(line(env, n).code));
      if (primaryLines.length > 0) {
        const trace: Trace = { ...base, because: [...base.because, `primary ${primaryLines.map((n) => `${tick(line(env, n).code)} is on line ${n}`).join(", ")}`] };
        trace.failed = `the primary ${primaryLines.map((n) => `${tick(line(env, n).code)} (line ${n})`).join(", ")} is on the claim`;
        const origin: FindingOrigin = { id, category: "addon", severity: "error", message: "", source: t.source };
        for (const n of addonLines) env.watches.push({ origin, addon, line: n, primaryLines, trace });
        env.traces.push(trace);
        continue;
      }
      if (type === 2) {
        env.traces.push({ ...base, failed: "a type 2 add-on has no edit", because: [...base.because, "not applied: a type 2 add-on has no edit"] });
        continue;
      }
      const trace: Trace = { ...base, status: "fired", because: [...base.because, `no line of ${date} carries ${primaries.length ? `one of them` : "a primary procedure"}`] };
      const origin: FindingOrigin = { id, category: "addon", severity: type === 1 ? "error" : "warning", message: "", source: t.source };
      const message = aocMessage(addon, type as 1 | 3, primaries);
      for (const n of addonLines) {
        const f = makeFinding(origin, [n], undefined, aocFix(n, primaries), message);
        env.findings.push(f);
        trace.findings.push(f);
      }
      env.traces.push(trace);
    }
  }
}

function traceFallThrough(env: Env): void {
  const denied = new Map<number, string>();
  for (const f of env.findings) if (f.severity === "error") for (const n of f.lines) if (!denied.has(n)) denied.set(n, f.rule);
  const fallen = new Set<number>();
  let changed = true;
  while (changed) {
    changed = false;
    env.watches.forEach((w, i) => {
      if (fallen.has(i) || !w.primaryLines.every((n) => denied.has(n))) return;
      fallen.add(i);
      changed = true;
      denied.set(w.line, w.origin.id);
      const codes = [...new Set(w.primaryLines.map((n) => line(env, n).code))].sort();
      const f = makeFinding(w.origin, [w.line], sortedUnique(w.primaryLines), undefined, aocPrimaryDeniedMessage(w.addon, codes));
      env.findings.push(f);
      w.trace.findings.push(f);
      w.trace.status = "fired";
      w.trace.failed = undefined;
      w.trace.because.push(
        `but every primary line is itself denied (${w.primaryLines.map((n) => `line ${n} by ${tick(denied.get(n)!)}`).join(", ")}), so add-on line ${w.line} falls with it`,
      );
    });
  }
  for (const w of env.watches) if (w.trace.status !== "fired" && !w.trace.because.some((b) => b.startsWith("not applied"))) w.trace.because.push(`not applied: ${w.trace.failed}`);
}

// ---------------------------------------------------------------------------- claim

function traceIcd(env: Env): void {
  if (env.billable.size === 0) return;
  env.dx.forEach((d, k) => {
    if (env.billable.has(d)) return;
    const header = env.headers.has(d);
    const lines = env.lines.map((l, i) => (l.dxPointers === undefined || l.dxPointers.includes(k + 1) ? i + 1 : 0)).filter((n) => n > 0);
    const suggestions = header ? startingWith(env.billableSorted, d, 3) : [];
    const id = header ? "dermrules.icd10.header" : "dermrules.icd10.unknown";
    const source = `ICD-10-CM ${env.table.icd10.version}`;
    const f = makeFinding({ id, category: "code", severity: "error", message: "", source }, lines, undefined, icdFix(lines, suggestions), icdMessage(env.claim.diagnoses[k]!, header ? "header" : "unknown", suggestions));
    env.findings.push(f);
    env.traces.push({
      rule: id,
      kind: "icd10",
      status: "fired",
      lines,
      what: "every claim diagnosis must be a billable ICD-10-CM code",
      because: [
        header
          ? `diagnosis ${k + 1} ${tick(env.claim.diagnoses[k]!)} is a category header in ${source}, not a billable code`
          : `diagnosis ${k + 1} ${tick(env.claim.diagnoses[k]!)} is not in the billable list of ${source}`,
        lines.length ? `${linesWord(lines)} point${lines.length === 1 ? "s" : ""} to it` : "no line points to it",
      ],
      source,
      findings: [f],
    });
  });
}

const icdMemo = new WeakMap<DecisionTable, { billable: Set<string>; headers: Set<string>; sorted: string[] }>();

/** The table's ICD-10-CM lists as sets, built once per table (they hold some 74,000 codes). */
function icdOf(table: DecisionTable): { billable: Set<string>; headers: Set<string>; sorted: string[] } {
  let hit = icdMemo.get(table);
  if (!hit) {
    const sorted = table.icd10.billable === "" ? [] : table.icd10.billable.split(" ");
    hit = { billable: new Set(sorted), headers: new Set(table.icd10.headers === "" ? [] : table.icd10.headers.split(" ")), sorted };
    icdMemo.set(table, hit);
  }
  return hit;
}

/**
 * Explains one claim (a parsed JSON value) against a decision table: the findings (equal to the
 * runtime's) and a trace per rule and table edit looked at. Never throws on user input: an
 * invalid claim gives `verdict: "invalid"` with its input errors.
 */
export function explainClaim(table: DecisionTable, claimData: unknown, opts: ExplainOptions = {}): ClaimExplanation {
  // The runtime's input path: codes, modifiers and diagnoses trimmed and upper-cased, then checked.
  const normal = normalizeClaim(claimData);
  const errors = checkClaimInto(normal, claimData);
  if (errors !== null) {
    const id = typeof (claimData as { id?: unknown } | null)?.id === "string" ? ((claimData as { id: string }).id) : null;
    return { claimId: id, layer: table.defaultLayer, payer: table.defaultLayer, verdict: "invalid", findings: [], errors: capErrors(errors), groups: [], traces: [] };
  }
  const claim = normal as Claim;
  const findings: Finding[] = [];
  const traces: Trace[] = [];
  const payer = claim.payer ?? table.defaultLayer;
  let layerName = payer;
  let layer = table.layers[payer];
  if (layer === undefined) {
    layerName = table.defaultLayer;
    layer = table.layers[layerName]!;
    const message = unknownPayerMessage(payer, layerName);
    const f = makeFinding({ id: "dermrules.payer.unknown", category: "coverage", severity: "info", message, source: "dermrules runtime" }, []);
    findings.push(f);
    traces.push({
      rule: "dermrules.payer.unknown",
      kind: "payer",
      status: "fired",
      lines: [],
      what: "the claim's payer picks the ruleset layer",
      because: [`the table has no layer named ${tick(payer)} (it has ${Object.keys(table.layers).map(tick).join(", ")}), so the default layer ${tick(layerName)} applies`],
      source: "dermrules runtime",
      findings: [f],
    });
  }
  const icd = icdOf(table);
  const env: Env = {
    table,
    layer,
    layerName,
    claim,
    lines: claim.lines,
    dx: claim.diagnoses.map(normalizeDx),
    payer,
    group: [],
    day: 0,
    cur: 0,
    findings,
    traces,
    watches: [],
    billable: icd.billable,
    headers: icd.headers,
    billableSorted: icd.sorted,
    wanted: opts.rules ?? [],
  };
  traceIcd(env);

  const wanted = opts.rules;
  const filter = (id: string): boolean => wanted === undefined || wanted.some((p) => matchesPattern(p, id));
  // Every edit is evaluated (the findings must be whole); only the traces kept are filtered.
  const all = (): boolean => true;
  const dayOf = (l: ClaimLine): number => dayNumber((l.serviceDate ?? claim.serviceDate)!)!;
  const days = [...new Set(claim.lines.map(dayOf))];
  const groups: { date: string; lines: number[] }[] = [];
  for (const day of days) {
    env.day = day;
    env.group = claim.lines.map((l, i) => (dayOf(l) === day ? i + 1 : 0)).filter((n) => n > 0);
    groups.push({ date: formatDay(day), lines: env.group.slice() });
    for (const ri of layer.rules) {
      const rule = table.rules[ri]!;
      traceRule(env, rule);
    }
    if (wanted !== undefined) explainAbsentRules(env, wanted);
    tracePtp(env, all, wanted !== undefined, filter);
    traceMue(env, all);
    traceAoc(env, all);
  }
  traceFallThrough(env);
  sortFindings(findings);
  if (wanted !== undefined) explainUntouchedEdits(env, wanted, groups);
  const kept = wanted === undefined ? traces : traces.filter((t) => filter(t.rule));
  return { claimId: claim.id, layer: layerName, payer, verdict: verdictOf(findings), findings, groups, traces: kept };
}

/** `--rule cms.mue.CODE` / `cms.aoc.CODE` naming an edit no line of the claim touches: say so. */
function explainUntouchedEdits(env: Env, wanted: readonly string[], groups: { date: string; lines: number[] }[]): void {
  const codes = [...new Set(env.lines.map((l) => l.code))];
  for (const id of wanted) {
    if (id.endsWith(".*") || env.traces.some((t) => t.rule === id)) continue;
    for (const [kind, tables] of [["mue", env.layer.mue.map((i) => env.table.edits.mue[i]!)], ["aoc", env.layer.aoc.map((i) => env.table.edits.aoc[i]!)]] as const) {
      for (const t of tables) {
        if (!id.startsWith(`${t.idPrefix}.`)) continue;
        const code = id.slice(t.idPrefix.length + 1);
        const listed = kind === "mue" ? (t as MueTable).limits[code] !== undefined : (t as AocTable).addons[code] !== undefined;
        const why = !listed
          ? `the ${kind === "mue" ? "MUE" : "add-on"} table (${tableName(t)}) has no row for ${tick(code)}`
          : `no line of the claim carries ${tick(code)} (it carries ${codes.map(tick).join(", ")})`;
        env.traces.push({
          rule: id,
          kind,
          status: "not-candidate",
          ...(groups[0] && { date: groups[0].date }),
          lines: [],
          what: kind === "mue" ? `NCCI MUE (${tableName(t)}) for ${tick(code)}` : `NCCI add-on code edit (${tableName(t)}) for ${tick(code)}`,
          because: [why],
          failed: why,
          source: t.source,
          findings: [],
        });
      }
    }
  }
}

/** `--rule ID` for a rule defined in the table but not in force in the claim's layer. */
function explainAbsentRules(env: Env, wanted: readonly string[]): void {
  const inLayer = new Set(env.layer.rules.map((i) => env.table.rules[i]!.id));
  for (const rule of env.table.rules) {
    if (inLayer.has(rule.id) || !wanted.some((p) => matchesPattern(p, rule.id))) continue;
    if (env.traces.some((t) => t.rule === rule.id && t.status === "disabled")) continue;
    const why = `the rule is defined in layer ${tick(rule.layer)} but is not in force in layer ${tick(env.layerName)}, which this claim is evaluated in (disabled there, or a layer this one does not extend)`;
    env.traces.push({ ...newTrace(env, rule, []), status: "disabled", failed: why, because: [why] });
  }
}

// ============================================================================ rendering

const STATUS_WORDS: Record<TraceStatus, string> = {
  fired: "fired",
  "not-applied": "not applied",
  "not-in-force": "not in force",
  "not-candidate": "not triggered",
  disabled: "disabled",
};

function fixText(f: Finding): string | undefined {
  const fix = f.fix;
  if (!fix) return undefined;
  const on = fix.lines?.length ? ` on ${linesWord(fix.lines)}` : "";
  switch (fix.op) {
    case "replace":
      return `replace the code${on} with ${(fix.codes ?? []).map(tick).join(", ")}`;
    case "remove":
      return `remove ${fix.lines?.length ? linesWord(fix.lines) : "the line"}`;
    case "add-modifier":
      return `add modifier ${tick(fix.modifier ?? "")}${on}${fix.text ? ` (${fix.text})` : ""}`;
    case "set-units":
      return `set the units${on} to ${fix.units}`;
    case "add-code":
      return `add ${(fix.codes ?? []).map(tick).join(" or ")}`;
    case "text":
      return fix.text;
    default: {
      const never: never = fix.op;
      return String(never);
    }
  }
}

/** Options of {@link renderExplanation}. */
export interface RenderExplainOptions {
  /** Also list the rules and edits that were looked at and did not fire (default true). */
  misses?: boolean;
  /** List rules that were not triggered too (default: only counted, unless asked for by id). */
  all?: boolean;
}

/**
 * The explanation as text for a coder: the verdict; each finding with its rule, citation, the
 * facts that matched and the fix; then what was checked and did not apply, each with the first
 * condition that failed.
 */
export function renderExplanation(x: ClaimExplanation, opts: RenderExplainOptions = {}): string {
  const out: string[] = [];
  const id = x.claimId ?? "(no id)";
  if (x.verdict === "invalid") {
    out.push(`claim ${id}: INVALID — it is not evaluated`);
    for (const e of x.errors ?? []) out.push(`  ${e.pointer || "/"}: ${e.message} [${e.code}]`);
    return out.join("\n") + "\n";
  }
  const nf = x.findings.length;
  out.push(`claim ${id}: ${x.verdict.toUpperCase()}${nf ? ` — ${plural(nf, "finding")}` : ""} (ruleset ${x.layer}${x.payer !== x.layer ? `, payer ${x.payer}` : ""})`);
  for (const g of x.groups) out.push(`  date of service ${g.date}: ${linesWord(g.lines)}`);
  const fired = x.traces.filter((t) => t.status === "fired");
  const rest = x.traces.filter((t) => t.status !== "fired");
  if (fired.length > 0) out.push("", "Why each finding fired:");
  for (const t of fired) {
    for (const f of t.findings) {
      const where = f.lines.length ? linesWord(f.lines) : "the claim";
      out.push("", `● ${f.severity} ${f.rule} — ${where}${f.related?.length ? ` (with ${linesWord(f.related)})` : ""}`);
      out.push(`  ${f.message}`);
    }
    out.push(`  rule: ${t.what}`);
    if (t.source) out.push(`  source: ${t.source}`);
    if (t.origin) out.push(`  written at ${t.origin}`);
    out.push("  because:");
    for (const b of t.because) out.push(`    - ${b}`);
    const fixes = [...new Set(t.findings.map(fixText).filter((s): s is string => s !== undefined))];
    for (const fx of fixes) out.push(`  fix: ${fx}`);
  }
  const shown = opts.all ? rest : rest.filter((t) => t.status !== "not-candidate");
  const hidden = rest.length - shown.length;
  if (opts.misses !== false && shown.length > 0) {
    out.push("", "Checked, and did not fire:");
    // One entry per rule and status: a line-scope rule checked on several lines says why on the first.
    const merged = new Map<string, { t: Trace; lines: number[]; n: number }>();
    for (const t of shown) {
      const key = `${t.rule}\u0000${t.status}\u0000${t.date ?? ""}`;
      const m = merged.get(key);
      if (m) {
        m.lines.push(...t.lines);
        m.n++;
      } else merged.set(key, { t, lines: t.lines.slice(), n: 1 });
    }
    for (const { t, lines, n } of merged.values()) {
      const ls = sortedUnique(lines);
      const where = ls.length ? ` (${linesWord(ls)})` : "";
      const also = n > 1 ? ` (likewise on ${plural(n - 1, "other line")})` : "";
      out.push(`  ○ ${t.rule}${where} — ${STATUS_WORDS[t.status]}: ${t.failed ?? t.because[t.because.length - 1] ?? ""}${also}`);
    }
  }
  if (opts.misses !== false && hidden > 0) out.push("", `(${plural(hidden, "more rule")} not triggered: no line carries ${hidden === 1 ? "its" : "their"} codes; \`--rule ID\` shows one)`);
  if (fired.length === 0 && shown.length === 0) out.push("", "No rule or table edit applies to this claim's codes.");
  return out.join("\n") + "\n";
}

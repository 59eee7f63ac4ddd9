/**
 * The reference interpreter: evaluates a claim on the resolved program's AST, the plain way.
 *
 * It exists to be obviously correct, so that the optimized path (compiled table + runtime
 * indexes) can be checked against it on random rule sets and claims. Hence: no indexes, no
 * lowered sets, no code shared with runtime/evaluate.ts. Set membership walks the set's items
 * (following set names through the program); conditions are evaluated recursively on the AST;
 * PTP, MUE and add-on edits scan the raw rows. Only the finding builders of
 * runtime/findings.ts (messages, fixes, order, verdict) and the date helpers are shared, since
 * both paths must print byte-identical findings.
 *
 * The semantics are docs/semantics.md. The input is assumed valid (the runtime rejects invalid
 * claims before evaluating them).
 */
import type { Action, CmpOp, Cond, Rule, SelectTable, SetExpr } from "../grammar/ast.ts";
import { ageOn, dayNumber } from "../runtime/dates.ts";
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
  normalizeDx,
  ptpFix,
  ptpMessage,
  ptpSameSiteMessage,
  sortFindings,
  unknownPayerMessage,
  verdictOf,
  type FindingOrigin,
  type GroupLine,
} from "../runtime/findings.ts";
import type { TAction } from "../runtime/table.ts";
import type { Claim, ClaimLine, ClaimResult, Finding } from "../runtime/types.ts";
import { icdPatternPrefix, isIcdShape, normalizeIcd, rangesSize, unionRanges } from "./codes.ts";
import type { Program, ProgramLayer, ProgramRule } from "./context.ts";
import { SetResolver } from "./sets.ts";

// Ids and source of the runtime's own findings (docs/semantics.md).
const UNKNOWN_PAYER = "dermrules.payer.unknown";
const ICD_HEADER = "dermrules.icd10.header";
const ICD_UNKNOWN = "dermrules.icd10.unknown";
const RUNTIME_SOURCE = "dermrules runtime";

/** Everything about the claim and the current group that conditions read. Lines are 1-based. */
interface Env {
  program: Program;
  layer: ProgramLayer;
  claim: Claim;
  payer: string;
  /** Normalized claim diagnoses. */
  dx: string[];
  /** The group's line numbers (1-based) and its date of service. */
  group: number[];
  day: number;
  /** The current line (line scope, select cases), or 0 for none. */
  cur: number;
  findings: Finding[];
  /** Add-on lines whose listed primaries are present: checked again at the end. */
  watches: { origin: FindingOrigin; addon: string; line: number; primaryLines: number[] }[];
}

function line(env: Env, n: number): ClaimLine {
  return env.claim.lines[n - 1]!;
}

function compare(a: number, op: CmpOp, b: number): boolean {
  if (op === ">") return a > b;
  if (op === ">=") return a >= b;
  if (op === "<") return a < b;
  if (op === "<=") return a <= b;
  if (op === "=") return a === b;
  return a !== b;
}

function sortedUnique(xs: number[]): number[] {
  return [...new Set(xs)].sort((a, b) => a - b);
}

// ------------------------------------------------------------------------------ membership

/** Whether a procedure code is in a code set, walking its items. */
function inCodes(p: Program, expr: SetExpr, code: string, seen: string[] = []): boolean {
  for (const item of expr.items) {
    if (item.kind === "set-range") {
      if (item.from.text <= code && code <= item.to.text) return true;
      continue;
    }
    const w = item.word.text;
    if (w === code) return true;
    const info = p.lookupSet(w);
    if (info && info.kind === "codes" && !seen.includes(w) && inCodes(p, info.decl.value, code, [...seen, w])) return true;
  }
  return false;
}

/** Whether a normalized diagnosis is in a dx set, walking its items. */
function inDx(p: Program, expr: SetExpr, dx: string, seen: string[] = []): boolean {
  for (const item of expr.items) {
    if (item.kind === "set-range") {
      // An ICD range holds the list's entries from `from` up to `to` and the entries under `to`.
      const from = normalizeIcd(item.from.text);
      const to = normalizeIcd(item.to.text);
      if (p.icd10.has(dx) && from <= dx && (dx <= to || dx.startsWith(to))) return true;
      continue;
    }
    const w = item.word.text;
    const info = p.lookupSet(w);
    if (info && info.kind === "dx") {
      if (!seen.includes(w) && inDx(p, info.decl.value, dx, [...seen, w])) return true;
      continue;
    }
    if (w.endsWith("*")) {
      const prefix = icdPatternPrefix(w);
      if (prefix !== undefined && dx.startsWith(prefix)) return true;
    } else if (isIcdShape(w) && normalizeIcd(w) === dx) return true;
  }
  return false;
}

/** Whether a modifier is in a modifier set, walking its items. */
function inModifiers(p: Program, expr: SetExpr, mod: string, seen: string[] = []): boolean {
  for (const item of expr.items) {
    if (item.kind === "set-range") continue;
    const w = item.word.text;
    if (w.length === 2) {
      if (w === mod) return true;
      continue;
    }
    const info = p.lookupSet(w);
    if (info && info.kind === "modifiers" && !seen.includes(w) && inModifiers(p, info.decl.value, mod, [...seen, w])) return true;
  }
  return false;
}

function carries(env: Env, n: number, expr: SetExpr): boolean {
  return (line(env, n).modifiers ?? []).some((m) => inModifiers(env.program, expr, m));
}

/** The diagnoses a line points to (all of the claim's when it has no pointers). */
function pointed(env: Env, n: number): string[] {
  const ptrs = line(env, n).dxPointers;
  return ptrs === undefined ? env.dx : ptrs.map((k) => env.dx[k - 1]!);
}

function pointsTo(env: Env, n: number, expr: SetExpr): boolean {
  return pointed(env, n).some((d) => inDx(env.program, expr, d));
}

function groupLinesIn(env: Env, expr: SetExpr): number[] {
  return env.group.filter((n) => inCodes(env.program, expr, line(env, n).code));
}

// ------------------------------------------------------------------------------ conditions

/**
 * Evaluates a condition; `lines` are the subject lines it contributes when it holds: the lines
 * of code atoms that hold, outside `not`, from every branch of an `or` that holds.
 * `lineRule`: a line-scope rule or a select case, where `dx in` reads the current line.
 */
function evalCond(env: Env, c: Cond, lineRule: boolean): { holds: boolean; lines: number[] } {
  const no = { holds: false, lines: [] as number[] };
  const yes = (lines: number[] = []) => ({ holds: true, lines });
  switch (c.kind) {
    case "and": {
      const lines: number[] = [];
      for (const a of c.args) {
        const r = evalCond(env, a, lineRule);
        if (!r.holds) return no;
        lines.push(...r.lines);
      }
      return yes(lines);
    }
    case "or": {
      const lines: number[] = [];
      let any = false;
      for (const a of c.args) {
        const r = evalCond(env, a, lineRule);
        if (r.holds) {
          any = true;
          lines.push(...r.lines);
        }
      }
      return any ? yes(lines) : no;
    }
    case "not":
      return evalCond(env, c.arg, lineRule).holds ? no : yes();
    case "paren":
      return evalCond(env, c.inner, lineRule);
    case "codes": {
      const inSet = groupLinesIn(env, c.codes);
      const q = c.qualifier;
      if (q?.kind === "count") {
        const total = inSet.reduce((s, n) => s + line(env, n).units, 0);
        return compare(total, q.op, q.value.value) ? yes(inSet) : no;
      }
      const matching = inSet.filter((n) => {
        if (!q) return true;
        switch (q.kind) {
          case "units":
            return compare(line(env, n).units, q.op, q.value.value);
          case "with-modifier":
            return carries(env, n, q.modifiers) !== q.negated;
          case "with-dx":
            return pointsTo(env, n, q.dx) !== q.negated;
          default: {
            const never: never = q;
            return never;
          }
        }
      });
      return matching.length > 0 ? yes(matching) : no;
    }
    case "dx": {
      const ofLine = c.scope === "default" && lineRule;
      if (ofLine) return env.cur > 0 && pointsTo(env, env.cur, c.dx) ? yes() : no;
      return env.dx.some((d) => inDx(env.program, c.dx, d)) ? yes() : no;
    }
    case "modifier":
      return env.cur > 0 && carries(env, env.cur, c.modifiers) ? yes() : no;
    case "units":
      return env.cur > 0 && compare(line(env, env.cur).units, c.op, c.value.value) ? yes() : no;
    case "age": {
      const birth = env.claim.patient?.birthDate;
      const day = birth === undefined ? null : dayNumber(birth);
      return day !== null && compare(ageOn(day, env.day), c.op, c.value.value) ? yes() : no;
    }
    case "sex": {
      const sex = env.claim.patient?.sex;
      return sex !== undefined && c.values.some((v) => v.text === sex) ? yes() : no;
    }
    case "pos": {
      const pos = env.claim.placeOfService;
      return pos !== undefined && c.values.some((v) => v.text === pos) ? yes() : no;
    }
    case "payer":
      return c.values.some((v) => v.text === env.payer) ? yes() : no;
    case "dos":
      return compare(env.day, c.op, dayNumber(c.date.text)!) ? yes() : no;
    case "fact": {
      if (env.cur === 0) return no;
      const facts = line(env, env.cur).facts ?? {};
      if (c.name.text === "site") {
        const site = facts.site;
        return site !== undefined && c.values.some((v) => v.text.toLowerCase() === site.toLowerCase()) ? yes() : no;
      }
      const v = facts[c.name.text as "lesionCount" | "excisedDiameterCm" | "repairLengthCm"];
      if (v === undefined) return no;
      const op: CmpOp = c.op === "in" ? "=" : c.op;
      return c.values.some((x) => x.kind === "number" && compare(v, op, x.value)) ? yes() : no;
    }
    default: {
      const never: never = c;
      return never;
    }
  }
}

// ------------------------------------------------------------------------------ candidates

/**
 * The code sets a claim-scope condition needs on some line (the compiler's `triggers`,
 * recomputed here on the AST): undefined when it needs none.
 */
function needsCodes(c: Cond, sizeOf: (exprs: SetExpr[]) => number): SetExpr[] | undefined {
  switch (c.kind) {
    case "codes":
      if (c.qualifier?.kind === "count" && compare(0, c.qualifier.op, c.qualifier.value.value)) return undefined;
      return [c.codes];
    case "paren":
      return needsCodes(c.inner, sizeOf);
    case "and": {
      let best: SetExpr[] | undefined;
      let bestSize = Infinity;
      for (const a of c.args) {
        const t = needsCodes(a, sizeOf);
        if (t === undefined) continue;
        const size = sizeOf(t);
        if (size > 0 && size < bestSize) (best = t), (bestSize = size);
      }
      return best;
    }
    case "or": {
      const all = c.args.map((a) => needsCodes(a, sizeOf));
      return all.every((t) => t !== undefined && sizeOf(t) > 0) ? all.flat() as SetExpr[] : undefined;
    }
    default:
      return undefined;
  }
}

/** Whether the rule is looked at for the group: its subject or needed codes are on a line (or it needs none). */
function isCandidate(env: Env, node: Rule | SelectTable, sizeOf: (exprs: SetExpr[]) => number): boolean {
  const subject = node.kind === "select" || node.scope === "line" ? node.subject : undefined;
  const needed = subject ? [subject] : node.kind === "rule" && node.condition ? needsCodes(node.condition, sizeOf) : undefined;
  if (needed === undefined || sizeOf(needed) === 0) return true;
  return env.group.some((n) => needed.some((e) => inCodes(env.program, e, line(env, n).code)));
}

/** The claim fields a rule reads, in the runtime's order. */
function fieldsRead(node: Rule | SelectTable): string[] {
  const kinds = new Set<string>();
  const walk = (c: Cond | undefined): void => {
    if (!c) return;
    if (c.kind === "and" || c.kind === "or") c.args.forEach(walk);
    else if (c.kind === "not") walk(c.arg);
    else if (c.kind === "paren") walk(c.inner);
    else kinds.add(c.kind);
  };
  if (node.kind === "select") node.cases.forEach((k) => walk(k.condition));
  else walk(node.condition);
  const out: string[] = [];
  if (kinds.has("age")) out.push("patient.birthDate");
  if (kinds.has("sex")) out.push("patient.sex");
  if (kinds.has("pos")) out.push("placeOfService");
  return out;
}

function lacks(claim: Claim, field: string): boolean {
  if (field === "patient.birthDate") return claim.patient?.birthDate === undefined;
  if (field === "patient.sex") return claim.patient?.sex === undefined;
  return claim.placeOfService === undefined;
}

// ------------------------------------------------------------------------------ rules

function originOf(rule: ProgramRule): FindingOrigin {
  const m = rule.meta;
  return { id: m.id, category: m.category, severity: m.severity, message: m.message, source: m.source };
}

/** The few facts of an action that the shared fix builder reads. */
function actionForFix(p: Program, a: Action | "select"): TAction {
  if (a === "select") return { k: "select", cases: [] };
  switch (a.kind) {
    case "require-codes":
      return { k: "require-codes", set: new SetResolver(p.sets, p.icd10).codes(a.codes) };
    case "require-modifier":
      return { k: "require-modifier", set: new SetResolver(p.sets, p.icd10).modifiers(a.modifiers) };
    case "limit":
      return { k: "limit", set: [], max: a.max.value, per: a.per };
    case "forbid-codes":
      return { k: "forbid-codes", set: [] };
    case "forbid-modifier":
      return { k: "forbid-modifier", set: [] };
    case "require-dx":
      return { k: "require-dx", set: { codes: [], prefixes: [] } };
    case "deny":
      return { k: "deny" };
    case "flag":
      return { k: "flag" };
    default: {
      const never: never = a;
      return never;
    }
  }
}

function emit(env: Env, rule: ProgramRule, lines: number[], related?: number[], selected?: string): void {
  const ls = sortedUnique(lines);
  const groupLines: GroupLine[] = env.group.map((n) => ({ index: n, code: line(env, n).code }));
  const action = rule.node.kind === "select" ? "select" : rule.node.action;
  const fix = buildRuleFix(rule.meta.fix, actionForFix(env.program, action), ls, groupLines, selected);
  env.findings.push(makeFinding(originOf(rule), ls, related === undefined ? undefined : sortedUnique(related), fix));
}

function runSelect(env: Env, rule: ProgramRule, sel: SelectTable, target: number): void {
  const saved = env.cur;
  env.cur = target;
  for (const c of sel.cases) {
    if (evalCond(env, c.condition, true).holds) {
      if (c.code.text !== line(env, target).code) emit(env, rule, [target], undefined, c.code.text);
      break;
    }
  }
  env.cur = saved;
}

function act(env: Env, rule: ProgramRule, r: Rule, subject: number[]): void {
  const p = env.program;
  const a = r.action;
  switch (a.kind) {
    case "require-codes":
      if (!env.group.some((n) => inCodes(p, a.codes, line(env, n).code))) emit(env, rule, subject);
      return;
    case "require-modifier":
      for (const t of a.on ? groupLinesIn(env, a.on) : subject) if (!carries(env, t, a.modifiers)) emit(env, rule, [t]);
      return;
    case "forbid-modifier":
      for (const t of a.on ? groupLinesIn(env, a.on) : subject) if (carries(env, t, a.modifiers)) emit(env, rule, [t]);
      return;
    case "require-dx":
      if (subject.length === 0) {
        if (!env.dx.some((d) => inDx(p, a.dx, d))) emit(env, rule, []);
        return;
      }
      for (const s of subject) if (!pointsTo(env, s, a.dx)) emit(env, rule, [s]);
      return;
    case "forbid-codes":
      for (const n of groupLinesIn(env, a.codes)) if (!subject.includes(n)) emit(env, rule, [n], subject);
      return;
    case "limit": {
      const ls = groupLinesIn(env, a.codes);
      if (a.per === "line") {
        for (const n of ls) if (line(env, n).units > a.max.value) emit(env, rule, [n]);
      } else if (ls.reduce((s, n) => s + line(env, n).units, 0) > a.max.value) emit(env, rule, ls);
      return;
    }
    case "deny":
    case "flag":
      emit(env, rule, subject);
      return;
    default: {
      const never: never = a;
      return never;
    }
  }
}

function runRule(env: Env, rule: ProgramRule, sizeOf: (exprs: SetExpr[]) => number): void {
  const [from, until] = rule.meta.effective;
  if ((from !== null && env.day < from) || (until !== null && env.day > until)) return;
  const node = rule.node;
  if (!isCandidate(env, node, sizeOf)) return;
  for (const field of fieldsRead(node)) {
    if (lacks(env.claim, field)) {
      const o = originOf(rule);
      env.findings.push(makeFinding({ ...o, severity: "info" }, [], undefined, undefined, missingFieldMessage(o.id, field)));
    }
  }
  if (node.kind === "select") {
    for (const n of env.group) if (inCodes(env.program, node.subject, line(env, n).code)) runSelect(env, rule, node, n);
    return;
  }
  if (node.scope === "line") {
    for (const n of env.group) {
      if (!inCodes(env.program, node.subject!, line(env, n).code)) continue;
      env.cur = n;
      const holds = node.condition === undefined || evalCond(env, node.condition, true).holds;
      if (holds) act(env, rule, node, [n]);
      env.cur = 0;
    }
    return;
  }
  const r = evalCond(env, node.condition!, false);
  if (r.holds) act(env, rule, node, sortedUnique(r.lines));
}

// ------------------------------------------------------------------------------ NCCI edits

function isDisabled(layer: ProgramLayer, id: string): boolean {
  return layer.disabled.some((d) => (d.endsWith(".*") ? id.startsWith(d.slice(0, -1)) : id === d));
}

function ptpModifiers(l: ClaimLine): string[] {
  return (l.modifiers ?? []).filter((m) => NCCI_PTP_MODIFIERS.includes(m));
}

/** "deny", "bypass" or "same-site" for one column-1 line against one column-2 line (indicator 1). */
function ptpTest(l1: ClaimLine, l2: ClaimLine, em1: boolean, em2: boolean): "deny" | "bypass" | "same-site" {
  if (em1 || em2) {
    const ok = (em1 && (l1.modifiers ?? []).some((m) => EM_MODIFIERS.includes(m))) || (em2 && (l2.modifiers ?? []).some((m) => EM_MODIFIERS.includes(m)));
    return ok ? "bypass" : "deny";
  }
  const mods = new Set([...ptpModifiers(l1), ...ptpModifiers(l2)]);
  if (mods.size === 0) return "deny";
  if ([...mods].some((m) => !ANATOMIC_MODIFIERS.includes(m))) return "bypass";
  if (mods.size === 1) {
    const m = [...mods][0]!;
    if ((l1.modifiers ?? []).includes(m) && (l2.modifiers ?? []).includes(m)) return "same-site";
  }
  return "bypass";
}

function runPtp(env: Env): void {
  const codes = new Set(env.group.map((n) => line(env, n).code));
  for (const t of env.layer.ptp) {
    // The strictest indicator per ordered pair present in the group (0 over 1 over 9).
    const strictest = new Map<string, number>();
    for (const r of t.rows) {
      if (r.column1 === r.column2 || !codes.has(r.column1) || !codes.has(r.column2)) continue;
      if ((r.effective !== null && r.effective > env.day) || (r.deletion !== null && env.day > r.deletion)) continue;
      const key = `${r.column1} ${r.column2}`;
      strictest.set(key, Math.min(strictest.get(key) ?? 9, r.modifier));
    }
    for (const [key, ind] of strictest) {
      if (ind === 9) continue;
      const [a, b] = key.split(" ") as [string, string];
      const id = `${t.idPrefix}.${a}.${b}`;
      if (isDisabled(env.layer, id)) continue;
      const em1 = isEmCode(a);
      const em2 = isEmCode(b);
      const col1 = env.group.filter((n) => line(env, n).code === a);
      const col2 = env.group.filter((n) => line(env, n).code === b);
      const origin: FindingOrigin = { id, category: "ptp", severity: "error", message: "", source: t.source };
      for (const l2 of col2) {
        if (ind === 0) {
          env.findings.push(makeFinding(origin, [l2], col1, ptpFix(0, l2, null), ptpMessage(a, b, 0, em1 || em2)));
          continue;
        }
        const denied = col1.filter((l1) => ptpTest(line(env, l1), line(env, l2), em1, em2) === "deny");
        const sameSite = col1.filter((l1) => ptpTest(line(env, l1), line(env, l2), em1, em2) === "same-site");
        if (denied.length > 0) {
          // The E/M lines of the pair get modifier 25: the column-1 lines, or the column-2 line.
          const emLines = em1 ? denied : em2 ? [l2] : null;
          env.findings.push(makeFinding(origin, [l2], denied, ptpFix(1, l2, emLines), ptpMessage(a, b, 1, em1 || em2)));
        } else if (sameSite.length > 0) {
          const first = line(env, sameSite[0]!);
          const shared = (first.modifiers ?? []).find((m) => ANATOMIC_MODIFIERS.includes(m) && (line(env, l2).modifiers ?? []).includes(m)) ?? "";
          env.findings.push(makeFinding({ ...origin, severity: "warning" }, [l2], sameSite, undefined, ptpSameSiteMessage(a, b, shared)));
        }
      }
    }
  }
}

function runMue(env: Env): void {
  const codes = [...new Set(env.group.map((n) => line(env, n).code))];
  for (const t of env.layer.mue) {
    for (const code of codes) {
      const row = t.rows.find((r) => r.code === code);
      if (!row) continue;
      const id = `${t.idPrefix}.${code}`;
      if (isDisabled(env.layer, id)) continue;
      const ls = env.group.filter((n) => line(env, n).code === code);
      const origin: FindingOrigin = { id, category: "mue", severity: "error", message: "", source: t.source };
      if (row.mai === 1) {
        for (const n of ls) {
          const u = line(env, n).units;
          if (u > row.mue) env.findings.push(makeFinding(origin, [n], undefined, mueFix([n], row.mue), mueMessage(code, u, row.mue, 1)));
        }
        continue;
      }
      const total = ls.reduce((s, n) => s + line(env, n).units, 0);
      if (total > row.mue) env.findings.push(makeFinding(origin, ls, undefined, mueFix(ls, row.mue), mueMessage(code, total, row.mue, row.mai)));
    }
  }
}

function runAoc(env: Env): void {
  const codes = [...new Set(env.group.map((n) => line(env, n).code))];
  const day = env.day;
  for (const t of env.layer.aoc) {
    for (const addon of codes) {
      const rows = t.rows.filter((r) => r.addon === addon && (r.effective === null || r.effective <= day) && (r.deletion === null || day <= r.deletion));
      if (rows.length === 0) continue;
      const type = rows.some((r) => r.type === 1) ? 1 : rows.some((r) => r.type === 3) ? 3 : 2;
      const primaries = [...new Set(rows.filter((r) => r.primary !== "CCCCC" && (r.primaryDeletion === null || day <= r.primaryDeletion)).map((r) => r.primary))].sort();
      const id = `${t.idPrefix}.${addon}`;
      if (isDisabled(env.layer, id)) continue;
      const addonLines = env.group.filter((n) => line(env, n).code === addon);
      const primaryLines = env.group.filter((n) => line(env, n).code !== addon && primaries.includes(line(env, n).code));
      if (primaryLines.length > 0) {
        const origin: FindingOrigin = { id, category: "addon", severity: "error", message: "", source: t.source };
        for (const n of addonLines) env.watches.push({ origin, addon, line: n, primaryLines });
        continue;
      }
      if (type === 2) continue;
      const origin: FindingOrigin = { id, category: "addon", severity: type === 1 ? "error" : "warning", message: "", source: t.source };
      for (const n of addonLines) env.findings.push(makeFinding(origin, [n], undefined, aocFix(n, primaries), aocMessage(addon, type, primaries)));
    }
  }
}

/** Add-ons fall with their primaries: repeat until no add-on line changes. */
function runFallThrough(env: Env): void {
  const denied = new Set<number>();
  for (const f of env.findings) if (f.severity === "error") for (const n of f.lines) denied.add(n);
  const fallen = new Set<number>();
  let changed = true;
  while (changed) {
    changed = false;
    env.watches.forEach((w, i) => {
      if (fallen.has(i) || !w.primaryLines.every((n) => denied.has(n))) return;
      fallen.add(i);
      changed = true;
      denied.add(w.line);
      const codes = [...new Set(w.primaryLines.map((n) => line(env, n).code))].sort();
      env.findings.push(makeFinding(w.origin, [w.line], sortedUnique(w.primaryLines), undefined, aocPrimaryDeniedMessage(w.addon, codes)));
    });
  }
}

// ------------------------------------------------------------------------------ claim

function runIcd(env: Env): void {
  const icd = env.program.icd10;
  if (icd.billable.size === 0) return;
  env.dx.forEach((d, k) => {
    if (icd.billable.has(d)) return;
    const header = icd.headers.has(d);
    const lines = env.claim.lines.map((l, i) => (l.dxPointers === undefined || l.dxPointers.includes(k + 1) ? i + 1 : 0)).filter((n) => n > 0);
    const suggestions = header ? icd.billableUnder(d, 3) : [];
    const origin: FindingOrigin = { id: header ? ICD_HEADER : ICD_UNKNOWN, category: "code", severity: "error", message: "", source: `ICD-10-CM ${icd.version}` };
    env.findings.push(makeFinding(origin, lines, undefined, icdFix(lines, suggestions), icdMessage(env.claim.diagnoses[k]!, header ? "header" : "unknown", suggestions)));
  });
}

/**
 * Evaluates a (valid) claim against the program, the slow and plain way. Gives the same
 * result as `evaluate(loadTable(table), claim)` on the table compiled from the same program.
 */
export function interpret(program: Program, claim: Claim): ClaimResult {
  const findings: Finding[] = [];
  const payer = claim.payer ?? program.defaultLayer;
  let layer = program.layers.get(payer);
  if (!layer) {
    layer = program.layers.get(program.defaultLayer)!;
    findings.push(
      makeFinding({ id: UNKNOWN_PAYER, category: "coverage", severity: "info", message: unknownPayerMessage(payer, layer.name), source: RUNTIME_SOURCE }, []),
    );
  }
  const env: Env = {
    program,
    layer,
    claim,
    payer,
    dx: claim.diagnoses.map(normalizeDx),
    group: [],
    day: 0,
    cur: 0,
    findings,
    watches: [],
  };
  runIcd(env);

  const resolver = new SetResolver(program.sets, program.icd10);
  const sizeOf = (exprs: SetExpr[]): number => rangesSize(unionRanges(...exprs.map((e) => resolver.codes(e))));

  const dayOf = (l: ClaimLine): number => dayNumber((l.serviceDate ?? claim.serviceDate)!)!;
  const days = [...new Set(claim.lines.map(dayOf))];
  for (const day of days) {
    env.day = day;
    env.group = claim.lines.map((l, i) => (dayOf(l) === day ? i + 1 : 0)).filter((n) => n > 0);
    for (const rule of layer.rules) runRule(env, rule, sizeOf);
    runPtp(env);
    runMue(env);
    runAoc(env);
  }
  runFallThrough(env);
  sortFindings(findings);
  return { claimId: claim.id, verdict: verdictOf(findings), findings, layer: layer.name };
}

/**
 * Behaviour changes: claims that get a different result under the head table than under the
 * base table, found from claims generated at what changed (review/generate.ts) and from a
 * corpus, grouped by the rule whose findings differ, each with a short witness claim.
 *
 * Exactness: every reported change comes from evaluating the same claim on both tables with
 * the runtime, so a witness is a real difference, never an inference. When the two tables
 * hold the same rules, layers, CMS rows and ICD-10-CM list (compared by meaning), no claim can
 * differ, and the report says so without a search.
 */
import { evaluate, loadTable, type LoadedTable } from "../runtime/index.ts";
import type { DecisionTable, TRule } from "../runtime/table.ts";
import type { Claim, ClaimResult, Finding } from "../runtime/types.ts";
import { claimKey, claimsFor, cloneClaim, DEFAULT_DAY, seededRandom, type GenContext, type Target } from "./generate.ts";
import { changedKeys } from "./table-diff.ts";
import type { BehaviourKind, BehaviourReport, ClaimCounts, IcdChange, LayerChange, RuleBehaviour, RuleChange, Side, TableChange, Witness } from "./types.ts";

/** Options of {@link searchBehaviour}. */
export interface BehaviourOptions {
  /** NDJSON lines of a claim corpus (`--claims`), evaluated on both tables. */
  corpus?: AsyncIterable<string>;
  /** Seed of the generator (default 1). */
  seed?: number;
  /** Random claims per rule target (default 150). */
  random?: number;
  /** Claims per target at most (default 3000). */
  maxPerTarget?: number;
  /** Changed rows per CMS table that get generated claims (default 200; the counts stay complete). */
  maxRowsPerTable?: number;
  /** Called now and then with progress text (long corpora). */
  progress?: (text: string) => void;
}

/** What the rule, layer and table diffs found, for aiming the search. */
export interface Changes {
  rules: RuleChange[];
  layers: LayerChange[];
  tables: TableChange[];
  icd10?: IcdChange;
  defaultLayerChanged: boolean;
}

type Counts = Record<BehaviourKind, number>;

function zero(): Counts {
  return { "now-fires": 0, "no-longer-fires": 0, changes: 0 };
}

function newCounts(): ClaimCounts {
  return { claims: 0, invalid: 0, findingsChanged: 0, verdictChanged: 0, transitions: {} };
}

interface Best {
  claim: Claim;
  from: string;
  size: number;
  generated: boolean;
  /** The claim's verdict differs too: such a witness tells more, so it is preferred. */
  verdictChanged: boolean;
  /** The highest severity of the rule's findings on either side (an error tells more than a note). */
  level: number;
}

/**
 * Whether witness `x` is a better choice than `y`: generated (it will be shrunk), then the
 * verdict changed because of the rule, then the rule's findings are more severe, then smaller.
 */
function better(x: Best, y: Best): boolean {
  if (x.generated !== y.generated) return x.generated;
  if (x.verdictChanged !== y.verdictChanged) return x.verdictChanged;
  if (x.level !== y.level) return x.level > y.level;
  return x.size < y.size;
}

interface Acc {
  rule: string;
  generated: Counts;
  corpus: Counts;
  verdictChanged: { generated: number; corpus: number };
  best: Map<BehaviourKind, Best>;
}

/** How big a claim reads: lines first, then modifiers, diagnoses and facts. */
function size(c: Claim): number {
  let n = c.lines.length * 100 + c.diagnoses.length * 10;
  for (const l of c.lines) n += (l.modifiers?.length ?? 0) * 10 + Object.keys(l.facts ?? {}).length * 5 + (l.units > 1 ? 1 : 0);
  if (c.patient) n += 5;
  if (c.placeOfService) n += 5;
  if (c.payer) n += 2;
  return n;
}

function byRule(findings: readonly Finding[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const f of findings) {
    let l = m.get(f.rule);
    if (!l) m.set(f.rule, (l = []));
    l.push(JSON.stringify(f));
  }
  return m;
}

/** The rules whose findings differ between two results, with how. */
export function ruleDifferences(a: ClaimResult, b: ClaimResult): Map<string, BehaviourKind> {
  const out = new Map<string, BehaviourKind>();
  const ma = byRule(a.findings);
  const mb = byRule(b.findings);
  for (const id of new Set([...ma.keys(), ...mb.keys()])) {
    const x = ma.get(id);
    const y = mb.get(id);
    if (!x) out.set(id, "now-fires");
    else if (!y) out.set(id, "no-longer-fires");
    else if (x.join("\n") !== y.join("\n")) out.set(id, "changes");
  }
  return out;
}

class Evaluator {
  constructor(
    readonly A: LoadedTable,
    readonly B: LoadedTable,
  ) {}

  /** Both results, or undefined when either side rejects the claim. */
  both(c: unknown): [ClaimResult, ClaimResult] | undefined {
    const a = evaluate(this.A, c);
    const b = evaluate(this.B, c);
    if (a.verdict === "invalid" || b.verdict === "invalid") return undefined;
    return [a, b];
  }
}

/**
 * Removes one part of a claim at a time while the rule's change of kind `kind` stays (and the
 * verdict change, when the claim had one).
 */
function shrink(ev: Evaluator, claim: Claim, rule: string, kind: BehaviourKind, verdictChanged: boolean, minLevel: number): Claim {
  const keeps = (c: Claim): boolean => {
    const r = ev.both(c);
    return (
      r !== undefined &&
      ruleDifferences(r[0], r[1]).get(rule) === kind &&
      (!verdictChanged || contributes(r[0], r[1], rule)) &&
      Math.max(level(r[0].findings, rule), level(r[1].findings, rule)) >= minLevel
    );
  };
  let cur = cloneClaim(claim);
  const attempts = (c: Claim): Claim[] => {
    const out: Claim[] = [];
    const edit = (f: (x: Claim) => boolean | void) => {
      const x = cloneClaim(c);
      if (f(x) !== false) out.push(x);
    };
    for (let i = 0; i < c.lines.length; i++) if (c.lines.length > 1) edit((x) => void x.lines.splice(i, 1));
    for (let k = 0; k < c.diagnoses.length; k++) {
      if (c.diagnoses.length < 2) break;
      edit((x) => {
        x.diagnoses.splice(k, 1);
        for (const l of x.lines) {
          if (!l.dxPointers) continue;
          const ptrs = l.dxPointers.filter((p) => p !== k + 1).map((p) => (p > k + 1 ? p - 1 : p));
          if (ptrs.length === 0) return false;
          l.dxPointers = ptrs;
        }
      });
    }
    c.lines.forEach((l, i) => {
      (l.modifiers ?? []).forEach((_, j) =>
        edit((x) => {
          const mods = x.lines[i]!.modifiers!;
          mods.splice(j, 1);
          if (mods.length === 0) delete x.lines[i]!.modifiers;
        }),
      );
      for (const f of Object.keys(l.facts ?? {}))
        edit((x) => {
          const facts = x.lines[i]!.facts as Record<string, unknown>;
          delete facts[f];
          if (Object.keys(facts).length === 0) delete x.lines[i]!.facts;
        });
      if (l.dxPointers && l.dxPointers.length > 1) edit((x) => void (x.lines[i]!.dxPointers = [l.dxPointers![0]!]));
      if (l.units > 1) edit((x) => void (x.lines[i]!.units = 1));
      if (l.serviceDate !== undefined && l.serviceDate === c.serviceDate) edit((x) => void delete x.lines[i]!.serviceDate);
    });
    if (c.patient?.sex !== undefined && c.patient.birthDate !== undefined) edit((x) => void delete x.patient!.sex);
    if (c.patient?.birthDate !== undefined && c.patient.sex !== undefined) edit((x) => void delete x.patient!.birthDate);
    if (c.patient) edit((x) => void delete x.patient);
    if (c.placeOfService) edit((x) => void delete x.placeOfService);
    return out;
  };
  for (let round = 0; round < 100; round++) {
    const next = attempts(cur).find(keeps);
    if (!next) break;
    cur = next;
  }
  cur.id = "W";
  return tidyClaim(cur);
}

/** The claim with its keys in the order of the claim schema's documentation (stable output). */
export function tidyClaim(c: Claim): Claim {
  const out: Record<string, unknown> = { id: c.id };
  if (c.payer !== undefined) out.payer = c.payer;
  if (c.serviceDate !== undefined) out.serviceDate = c.serviceDate;
  if (c.placeOfService !== undefined) out.placeOfService = c.placeOfService;
  if (c.provider !== undefined) out.provider = c.provider;
  if (c.patient !== undefined) out.patient = c.patient;
  out.diagnoses = c.diagnoses;
  out.lines = c.lines.map((l) => {
    const o: Record<string, unknown> = { code: l.code };
    if (l.modifiers !== undefined) o.modifiers = l.modifiers;
    o.units = l.units;
    if (l.dxPointers !== undefined) o.dxPointers = l.dxPointers;
    if (l.serviceDate !== undefined) o.serviceDate = l.serviceDate;
    if (l.charge !== undefined) o.charge = l.charge;
    if (l.facts !== undefined) o.facts = l.facts;
    return o;
  });
  for (const [k, v] of Object.entries(c)) if (!(k in out)) out[k] = v;
  return out as unknown as Claim;
}

function note(acc: Map<string, Acc>, rule: string): Acc {
  let a = acc.get(rule);
  if (!a) acc.set(rule, (a = { rule, generated: zero(), corpus: zero(), verdictChanged: { generated: 0, corpus: 0 }, best: new Map() }));
  return a;
}

const LEVEL: Record<string, number> = { info: 0, warning: 1, error: 2 };
const VERDICT_LEVEL: Record<string, number> = { clean: 0, review: 1, deny: 2 };

function level(findings: readonly Finding[], rule: string): number {
  let l = -1;
  for (const f of findings) if (f.rule === rule) l = Math.max(l, LEVEL[f.severity]!);
  return l;
}

/**
 * Whether the rule's change reaches the claim's verdict: the verdict got worse and the rule now
 * fires at the new verdict's level (and did not before), or it got better and the rule fired
 * at the old verdict's level (and no longer does). An info note, a reworded message or a rule
 * that is outweighed by another finding does not count.
 */
export function contributes(a: ClaimResult, b: ClaimResult, rule: string): boolean {
  const va = VERDICT_LEVEL[a.verdict]!;
  const vb = VERDICT_LEVEL[b.verdict]!;
  if (va === vb) return false;
  const la = level(a.findings, rule);
  const lb = level(b.findings, rule);
  return vb > va ? lb >= vb && la < vb : la >= va && lb < va;
}

function record(acc: Map<string, Acc>, counts: ClaimCounts, claim: Claim, r: [ClaimResult, ClaimResult], from: string, generated: boolean): void {
  counts.claims++;
  const [a, b] = r;
  if (JSON.stringify(a.findings) === JSON.stringify(b.findings) && a.verdict === b.verdict) return;
  counts.findingsChanged++;
  const verdictChanged = a.verdict !== b.verdict;
  if (verdictChanged) {
    counts.verdictChanged++;
    const t = `${a.verdict} → ${b.verdict}`;
    counts.transitions[t] = (counts.transitions[t] ?? 0) + 1;
  }
  for (const [rule, kind] of ruleDifferences(a, b)) {
    const x = note(acc, rule);
    (generated ? x.generated : x.corpus)[kind]++;
    const decisive = verdictChanged && contributes(a, b, rule);
    if (decisive) x.verdictChanged[generated ? "generated" : "corpus"]++;
    const cand: Best = { claim, from, size: size(claim), generated, verdictChanged: decisive, level: Math.max(level(a.findings, rule), level(b.findings, rule)) };
    const best = x.best.get(kind);
    if (!best || better(cand, best)) x.best.set(kind, cand);
  }
}

function layersOf(t: DecisionTable, pred: (layer: string) => boolean): string[] {
  return Object.keys(t.layers).filter(pred);
}

function ruleLayers(t: DecisionTable, r: TRule): string[] {
  return layersOf(t, (name) => t.layers[name]!.rules.some((i) => t.rules[i] === r));
}

function sample<T>(xs: T[], n: number): T[] {
  if (xs.length <= n) return xs;
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(xs[Math.floor((i * xs.length) / n)]!);
  return out;
}

/** Where the search aims: one target per changed rule, sampled rows per changed table, ICD codes. */
export function targetsOf(A: DecisionTable, B: DecisionTable, ch: Changes, maxRows: number): { targets: Target[]; sampled: string[] } {
  const targets: Target[] = [];
  const sampled: string[] = [];
  const find = (t: DecisionTable, layer: string, id: string) => t.rules.find((r) => r.layer === layer && r.id === id);
  const ruleTargets = new Map<string, { versions: TRule[]; layers: Set<string> }>();
  const addRule = (id: string, versions: (TRule | undefined)[], layers: string[]) => {
    let t = ruleTargets.get(id);
    if (!t) ruleTargets.set(id, (t = { versions: [], layers: new Set() }));
    for (const v of versions) if (v && !t.versions.includes(v)) t.versions.push(v);
    for (const l of layers) t.layers.add(l);
  };
  for (const c of ch.rules) {
    const a = c.before ? find(A, c.layer, c.id) : undefined;
    const b = c.after ? find(B, c.layer, c.id) : undefined;
    // A derived id that changed with the rule: the base version has the old id.
    const oldId = c.fields.find((f) => f.field === "id")?.before;
    const a2 = a ?? (oldId ? find(A, c.layer, oldId) : undefined);
    addRule(c.id, [a2, b], [...(a2 ? ruleLayers(A, a2) : []), ...(b ? ruleLayers(B, b) : [])]);
  }
  for (const l of ch.layers) {
    for (const id of [...l.enabledRules, ...l.disabledRules]) {
      // Every definition of the id on either side: the layer used one of them, and now does not.
      addRule(id, [...A.rules.filter((r) => r.id === id), ...B.rules.filter((r) => r.id === id)], [l.layer]);
    }
    for (const d of l.details) {
      const m = /^`([^`]+)` now comes from layer/.exec(d);
      if (m) addRule(m[1]!, [...A.rules.filter((r) => r.id === m[1]), ...B.rules.filter((r) => r.id === m[1])], [l.layer]);
    }
    // Disabled table edits: aim at the rows the patterns match (a sample).
    for (const pattern of [...l.disabledEditsAdded, ...l.disabledEditsRemoved]) {
      const prefix = pattern.endsWith(".*") ? pattern.slice(0, -1) : pattern;
      const match = (id: string) => (pattern.endsWith(".*") ? id.startsWith(prefix) : id === pattern);
      for (const t of [...A.edits.ptp, ...B.edits.ptp]) {
        const keys: [string, string][] = [];
        for (const a of Object.keys(t.pairs)) for (const b of Object.keys(t.pairs[a]!)) if (match(`${t.idPrefix}.${a}.${b}`)) keys.push([a, b]);
        if (keys.length > maxRows) sampled.push(`${pattern}: ${maxRows} of ${keys.length} PTP pairs`);
        for (const [a, b] of sample(keys, maxRows)) targets.push({ kind: "ptp", a, b, layers: [l.layer], days: [] });
      }
      for (const t of [...A.edits.mue, ...B.edits.mue]) for (const code of sample(Object.keys(t.limits).filter((c) => match(`${t.idPrefix}.${c}`)), maxRows)) targets.push({ kind: "mue", code, limits: [t.limits[code]![0]], layers: [l.layer] });
      for (const t of [...A.edits.aoc, ...B.edits.aoc]) for (const addon of sample(Object.keys(t.addons).filter((c) => match(`${t.idPrefix}.${c}`)), maxRows)) targets.push({ kind: "aoc", addon, primaries: t.addons[addon]!.map((r) => r[1]), layers: [l.layer], days: [] });
    }
  }
  for (const [id, t] of ruleTargets) if (t.versions.length > 0 && t.layers.size > 0) targets.push({ kind: "rule", id, versions: t.versions, layers: [...t.layers].sort() });

  for (const c of ch.tables) {
    const keys = changedKeys(A, B, c);
    const chosen = sample(keys, maxRows);
    if (chosen.length < keys.length) sampled.push(`${c.idPrefix}: ${chosen.length} of ${keys.length} changed ${c.kind === "ptp" ? "pairs" : "codes"}`);
    const layers = [
      ...new Set([
        ...layersOf(A, (n) => A.layers[n]![c.kind].some((i) => A.edits[c.kind][i]!.idPrefix === c.idPrefix)),
        ...layersOf(B, (n) => B.layers[n]![c.kind].some((i) => B.edits[c.kind][i]!.idPrefix === c.idPrefix)),
      ]),
    ];
    if (c.kind === "ptp") {
      const ta = A.edits.ptp.find((t) => t.idPrefix === c.idPrefix);
      const tb = B.edits.ptp.find((t) => t.idPrefix === c.idPrefix);
      for (const k of chosen) {
        const [a, b] = k.split(".") as [string, string];
        const rows = [...(ta?.pairs[a]?.[b] ?? []), ...(tb?.pairs[a]?.[b] ?? [])];
        const days = rows.flatMap((r) => [r[0], r[1]].filter((d): d is number => d !== null).flatMap((d) => [d - 1, d, d + 1]));
        targets.push({ kind: "ptp", a, b, layers, days });
      }
    } else if (c.kind === "mue") {
      const ta = A.edits.mue.find((t) => t.idPrefix === c.idPrefix);
      const tb = B.edits.mue.find((t) => t.idPrefix === c.idPrefix);
      for (const code of chosen) targets.push({ kind: "mue", code, limits: [ta?.limits[code]?.[0], tb?.limits[code]?.[0]].filter((x): x is number => x !== undefined), layers });
    } else {
      const ta = A.edits.aoc.find((t) => t.idPrefix === c.idPrefix);
      const tb = B.edits.aoc.find((t) => t.idPrefix === c.idPrefix);
      for (const addon of chosen) {
        const rows = [...(ta?.addons[addon] ?? []), ...(tb?.addons[addon] ?? [])];
        const days = rows.flatMap((r) => [r[2], r[3], r[4]].filter((d): d is number => d !== null).flatMap((d) => [d - 1, d, d + 1]));
        targets.push({ kind: "aoc", addon, primaries: [...new Set(rows.map((r) => r[1]))], layers, days });
      }
    }
  }
  if (ch.icd10) {
    const dx = [...ch.icd10.samples.billableAdded, ...ch.icd10.samples.billableRemoved];
    if (dx.length) targets.push({ kind: "dx", dx, layers: [B.defaultLayer] });
  }
  return { targets, sampled };
}

function emptyReport(): BehaviourReport {
  return { changed: false, generated: newCounts(), byRule: [], targets: { rules: 0, ptpPairs: 0, mueCodes: 0, addons: 0, diagnoses: 0, sampled: [] } };
}

/** Whether nothing that decides a claim's result differs. */
export function isEquivalent(ch: Changes): boolean {
  return ch.rules.length === 0 && ch.layers.length === 0 && ch.tables.length === 0 && ch.icd10 === undefined && !ch.defaultLayerChanged;
}

function loaded(t: DecisionTable, label: string): LoadedTable {
  const r = loadTable(t);
  if (!r.ok) throw new Error(`${label}: the table does not load: ${r.errors.map((e) => `${e.pointer} ${e.message}`).slice(0, 3).join("; ")}`);
  return r.table;
}

/**
 * Finds the claims whose results differ between the two sides: generated at the changes, and
 * from the corpus when given. Groups them by rule, with a shrunk witness per kind of change.
 */
export async function searchBehaviour(base: Side, head: Side, ch: Changes, opts: BehaviourOptions = {}): Promise<BehaviourReport> {
  const report = emptyReport();
  const equivalent = isEquivalent(ch);
  if (equivalent) report.equivalent = "the two sides hold the same rules, layers, CMS table rows and ICD-10-CM list (compared by meaning), so every claim gets the same result";
  if (equivalent && !opts.corpus) return report;
  const ev = new Evaluator(loaded(base.table, base.label), loaded(head.table, head.label));
  const acc = new Map<string, Acc>();

  if (!equivalent) {
    const billableText = head.table.icd10.billable || base.table.icd10.billable;
    const billable = billableText === "" ? [] : billableText.split(" ");
    const addonsOf = new Map<string, string[]>();
    const primariesOf = new Map<string, string[]>();
    const push = (m: Map<string, string[]>, k: string, v: string) => {
      const list = m.get(k) ?? [];
      if (!list.includes(v)) list.push(v);
      m.set(k, list);
    };
    for (const t of [...base.table.edits.aoc, ...head.table.edits.aoc]) {
      for (const [addon, rows] of Object.entries(t.addons)) {
        for (const r of rows) {
          push(addonsOf, r[1], addon);
          push(primariesOf, addon, r[1]);
        }
      }
    }
    const early = new Map<string, [ClaimResult, ClaimResult] | undefined>();
    const ctx: GenContext = {
      billable,
      billableSet: new Set(billable),
      defaultLayer: head.table.defaultLayer,
      rng: seededRandom(opts.seed ?? 1),
      addonsOf,
      primariesOf,
      allRules: [...base.table.rules, ...head.table.rules],
      fires: (c, rule) => {
        // The results are kept: the claim comes back in the loop below.
        const k = claimKey(c);
        let r = early.get(k);
        if (!early.has(k)) early.set(k, (r = ev.both(c)));
        return r !== undefined && r.some((x) => x.findings.some((f) => f.rule === rule));
      },
    };
    const { targets, sampled } = targetsOf(base.table, head.table, ch, opts.maxRowsPerTable ?? 200);
    report.targets = {
      rules: targets.filter((t) => t.kind === "rule").length,
      ptpPairs: targets.filter((t) => t.kind === "ptp").length,
      mueCodes: targets.filter((t) => t.kind === "mue").length,
      addons: targets.filter((t) => t.kind === "aoc").length,
      diagnoses: targets.filter((t) => t.kind === "dx").reduce((n, t) => n + (t.kind === "dx" ? t.dx.length : 0), 0),
      sampled,
    };
    const seen = new Set<string>();
    for (const t of targets) {
      for (const c of claimsFor(ctx, t, { ...(opts.random !== undefined && { random: opts.random }), ...(opts.maxPerTarget !== undefined && { maxPerTarget: opts.maxPerTarget }) })) {
        const k = claimKey(c);
        if (seen.has(k)) continue;
        seen.add(k);
        const r = early.has(k) ? early.get(k) : ev.both(c);
        early.delete(k);
        if (r === undefined) {
          report.generated.invalid++;
          continue;
        }
        record(acc, report.generated, c, r, "generated", true);
      }
    }
  }

  if (opts.corpus) {
    const counts = newCounts();
    let n = 0;
    for await (const text of opts.corpus) {
      n++;
      if (text.trim() === "") continue;
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch {
        counts.invalid++;
        continue;
      }
      const r = ev.both(data);
      if (r === undefined) {
        counts.invalid++;
        continue;
      }
      const id = (data as Claim).id;
      record(acc, counts, data as Claim, r, `corpus line ${n}${typeof id === "string" ? ` (claim \`${id}\`)` : ""}`, false);
      if (opts.progress && n % 10000 === 0) opts.progress(`${n} corpus claims`);
    }
    report.corpus = counts;
  }

  const changedIds = new Set<string>([...ch.rules.map((r) => r.id), ...ch.layers.flatMap((l) => [...l.enabledRules, ...l.disabledRules])]);
  for (const t of ch.tables) for (const k of changedKeys(base.table, head.table, t)) changedIds.add(`${t.idPrefix}.${k}`);
  const changedPatterns = ch.layers.flatMap((l) => [...l.disabledEditsAdded, ...l.disabledEditsRemoved]);

  const out: RuleBehaviour[] = [];
  for (const x of acc.values()) {
    const witnesses: Witness[] = [];
    for (const kind of ["now-fires", "no-longer-fires", "changes"] as const) {
      const best = x.best.get(kind);
      if (!best) continue;
      const claim = best.generated ? shrink(ev, best.claim, x.rule, kind, best.verdictChanged, best.level) : best.claim;
      const r = ev.both(claim)!;
      const mine = (res: ClaimResult) => res.findings.filter((f) => f.rule === x.rule);
      witnesses.push({ kind, claim, from: best.from, before: { verdict: r[0].verdict, findings: mine(r[0]) }, after: { verdict: r[1].verdict, findings: mine(r[1]) } });
    }
    out.push({
      rule: x.rule,
      changedItself: changedIds.has(x.rule) || changedPatterns.some((p) => (p.endsWith(".*") ? x.rule.startsWith(p.slice(0, -1)) : x.rule === p)),
      generated: x.generated,
      corpus: x.corpus,
      verdictChanged: x.verdictChanged,
      witnesses,
    });
  }
  out.sort((a, b) => Number(b.changedItself) - Number(a.changedItself) || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
  report.byRule = out;
  report.changed = out.length > 0;
  return report;
}

export { DEFAULT_DAY };

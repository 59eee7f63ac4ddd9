/**
 * The satisfiability search: is there a date-of-service group on which a formula holds? If so,
 * a model; if not, a proof by exhaustion; if the search is too large, "unknown".
 *
 * It is a lazy case split (DPLL(T) in miniature). Atoms are committed as literals; `forall` is
 * instantiated on every line the model has and every line it gets later; `or` and `exists` are
 * deferred. At a leaf, the theory (theory.ts) builds the simplest model of the literals; every
 * deferred formula that this model makes false is split: an `or` into its branches, an `exists`
 * into "this existing line is the witness" for each line plus "a new line is". Any model of the
 * whole formula satisfies some branch of each split, so exhausting the branches proves
 * unsatisfiability; counts that need more lines than the model has get new lines too.
 */
import { and, code, evaluate, nnf, not, substitute, type EvalEnv, type Formula, type Model } from "./formula.ts";
import { ALL_CODES, isEmpty, isSubset, single, subtract, intersect, union } from "./ranks.ts";
import { BudgetExceeded, emptyClaim, emptyLine, solveTheory, type ClaimStore, type LineStore, type TheoryEnv } from "./theory.ts";

/** A line the question names: a plain line, a line a fix adds, or a line after a fix. */
export interface NamedLine {
  name: string;
  canonical?: string;
  tie?: { to: string; codeTied: boolean; addMod?: string };
}

export type SolveResult = { status: "sat"; model: Model } | { status: "unsat" } | { status: "unknown"; reason: string };

/** What the search needs; `steps` is the budget of the whole call. */
export interface SolverEnv extends Omit<TheoryEnv, "budget"> {
  evalEnv: EvalEnv;
  /** At most this many lines in a model (the claim schema allows 50; the search stops earlier). */
  maxLines: number;
  /** At most this many lines added only to reach a count. */
  maxCountLines: number;
  steps: number;
}

interface State {
  lines: LineStore[];
  claim: ClaimStore;
  pending: Formula[];
  deferred: Formula[];
  foralls: Extract<Formula, { k: "forall" }>[];
  created: number;
  countLines: number;
}

class Unknown extends Error {}

/** Whether `f` holds on some group (with the named lines in it). */
export function solve(f: Formula, env: SolverEnv, named: readonly NamedLine[] = []): SolveResult {
  const state: State = {
    lines: named.map((n) => {
      const l = emptyLine(n.name);
      if (n.canonical !== undefined) l.canonical = n.canonical;
      if (n.tie) l.tie = { ...n.tie };
      return l;
    }),
    claim: emptyClaim(),
    pending: [nnf(f)],
    deferred: [],
    foralls: [],
    created: 0,
    countLines: 0,
  };
  const budget = { steps: env.steps };
  const tenv: TheoryEnv = { dx: env.dx, codes: env.codes, payer: env.payer, anchorDay: env.anchorDay, budget };
  try {
    const r = search(state, env, tenv);
    return r ?? { status: "unsat" };
  } catch (e) {
    if (e instanceof BudgetExceeded) return { status: "unknown", reason: "the search ran out of steps" };
    if (e instanceof Unknown) return { status: "unknown", reason: e.message };
    throw e;
  }
}

function clone(s: State): State {
  return {
    lines: s.lines.map((l) => ({
      ...l,
      codeIn: [...l.codeIn],
      codeOut: [...l.codeOut],
      units: [...l.units],
      modIn: [...l.modIn],
      modOut: [...l.modOut],
      dxIn: [...l.dxIn],
      dxOut: [...l.dxOut],
      factPos: [...l.factPos],
      factNeg: [...l.factNeg],
      siteIn: [...l.siteIn],
      siteOut: [...l.siteOut],
    })),
    claim: {
      dos: [...s.claim.dos],
      payerIn: [...s.claim.payerIn],
      payerOut: [...s.claim.payerOut],
      sexIn: [...s.claim.sexIn],
      sexOut: [...s.claim.sexOut],
      posIn: [...s.claim.posIn],
      posOut: [...s.claim.posOut],
      agePos: [...s.claim.agePos],
      ageNeg: [...s.claim.ageNeg],
      cdxIn: [...s.claim.cdxIn],
      cdxOut: [...s.claim.cdxOut],
      counts: [...s.claim.counts],
    },
    pending: [...s.pending],
    deferred: [...s.deferred],
    foralls: [...s.foralls],
    created: s.created,
    countLines: s.countLines,
  };
}

/** Returns a sat/unknown result, or undefined for unsat. Throws Unknown when a branch is undecided. */
function search(s: State, env: SolverEnv, tenv: TheoryEnv): SolveResult | undefined {
  if (--tenv.budget.steps < 0) throw new BudgetExceeded();
  if (!processPending(s)) return undefined;
  const res = solveTheory(s.lines, s.claim, tenv);
  if (!res.ok) {
    if (res.unknown) throw new Unknown("the units search ran out of steps");
    return countSplit(s, env, tenv);
  }
  const model = res.model;
  // Formulas that may add lines are split first: a `noNew` witness is chosen only among the
  // lines the rest of the question needs.
  const false_ = s.deferred.map((f) => !evaluate(f, model, env.evalEnv));
  const rank = (f: Formula): number => (f.k === "exists" && f.noNew ? 2 : f.k === "exists" && f.last ? 1 : 0);
  let i = -1;
  for (let r = 0; r <= 2 && i < 0; r++) i = s.deferred.findIndex((f, k) => false_[k] && rank(f) === r);
  if (i < 0) return { status: "sat", model };
  const f = s.deferred[i]!;
  const rest = [...s.deferred.slice(0, i), ...s.deferred.slice(i + 1)];
  return split(s, f, rest, env, tenv);
}

/** Tries each alternative; the first model wins; undecided branches make the whole undecided. */
function firstOf(alternatives: (() => SolveResult | undefined)[]): SolveResult | undefined {
  let unknown: Unknown | undefined;
  for (const alt of alternatives) {
    try {
      const r = alt();
      if (r) return r;
    } catch (e) {
      if (e instanceof Unknown) unknown = e;
      else throw e;
    }
  }
  if (unknown) throw unknown;
  return undefined;
}

function split(s: State, f: Formula, rest: Formula[], env: SolverEnv, tenv: TheoryEnv): SolveResult | undefined {
  if (f.k === "or") {
    return firstOf(
      f.args.map((arg) => () => {
        const t = clone(s);
        t.deferred = [...rest];
        t.pending.push(arg);
        return search(t, env, tenv);
      }),
    );
  }
  if (f.k === "exists") {
    const witness = (name: string): Formula => {
      const body = substitute(f.body, f.v, name);
      return f.view.hideCodes && !(f.view.keep ?? []).includes(name) ? and(not(code(name, f.view.hideCodes)), body) : body;
    };
    const alts: (() => SolveResult | undefined)[] = s.lines
      .filter((l) => !f.view.hide.includes(l.name))
      .map((l) => () => {
        const t = clone(s);
        t.deferred = [...rest];
        t.pending.push(witness(l.name));
        return search(t, env, tenv);
      });
    if (!f.noNew) alts.push(() => {
      if (s.lines.length >= env.maxLines) throw new Unknown(`a model would need more than ${env.maxLines} lines`);
      const t = clone(s);
      t.deferred = [...rest];
      const name = addLine(t);
      t.pending.push(witness(name));
      return search(t, env, tenv);
    });
    return firstOf(alts);
  }
  throw new Error(`INVARIANT: only or/exists are deferred, not ${f.k}`);
}

/**
 * The literals have no model on the lines at hand. If dropping the counts that more units can
 * meet (>, >=, =, !=) leaves a model, a model of the whole may need more lines: first those a
 * deferred formula that may add lines would bring (split it), else another line in the set of
 * one of those counts (try each; not for `noNew` counts). Otherwise the literals are unsat.
 */
function countSplit(s: State, env: SolverEnv, tenv: TheoryEnv): SolveResult | undefined {
  const lower = (c: ClaimStore["counts"][number]): boolean => c.op !== "<" && c.op !== "<=";
  const lows = s.claim.counts.filter(lower);
  if (lows.length === 0) return undefined;
  if (lows.some((k) => least(k) > coverBound(s.claim.counts, k))) return undefined;
  const relaxed = { ...s.claim, counts: s.claim.counts.filter((c) => !lower(c)) };
  const r = solveTheory(s.lines, relaxed, tenv);
  if (!r.ok) {
    if (r.unknown) throw new Unknown("the units search ran out of steps");
    return undefined;
  }
  let i = s.deferred.findIndex((f) => !(f.k === "exists" && (f.noNew || f.last)) && !evaluate(f, r.model, env.evalEnv));
  if (i < 0) i = s.deferred.findIndex((f) => f.k === "exists" && f.last && !evaluate(f, r.model, env.evalEnv));
  if (i >= 0) return split(s, s.deferred[i]!, [...s.deferred.slice(0, i), ...s.deferred.slice(i + 1)], env, tenv);
  // A count the lines at hand cannot reach whatever their units ("starved") needs a line of its
  // set: only that helps. A starved `noNew` count gets none, so the branch is dead. Without a
  // starved count, lines may still help through the counts' interplay: try each.
  const starved = lows.filter((c) => least(c) > reachable(s, c));
  if (starved.some((c) => c.noNew)) return undefined;
  // A count `= n` whose set already holds lines that bring n units gets nothing from more lines.
  const growable = (starved.length > 0 ? starved : lows).filter((c) => !c.noNew && !(c.op === "=" && forcedUnits(s, c) >= c.n));
  if (growable.length === 0) return undefined;
  if (s.countLines >= env.maxCountLines || s.lines.length >= env.maxLines) throw new Unknown("a count would need more lines than the search adds");
  return firstOf(
    growable.map((c) => () => {
      const t = clone(s);
      t.countLines++;
      const name = addLine(t);
      t.pending.push({ k: "code", l: name, set: c.set });
      return search(t, env, tenv);
    }),
  );
}

/** A line's allowed codes and its largest possible units. */
function lineRange(l: LineStore): { allowed: ReturnType<typeof intersect>; max: number } {
  let allowed = l.canonical !== undefined ? single(l.canonical) : l.codeIn.reduce(intersect, ALL_CODES);
  for (const o of l.codeOut) allowed = subtract(allowed, o);
  let max = l.canonical !== undefined ? 1 : 9999;
  for (const [op, n] of l.units) if (op === "<") max = Math.min(max, Math.ceil(n) - 1);
  else if (op === "<=" || op === "=") max = Math.min(max, Math.floor(n));
  return { allowed, max };
}

/** The most units the lines at hand can bring to a count. */
function reachable(s: State, c: ClaimStore["counts"][number]): number {
  let total = 0;
  for (const l of s.lines) {
    if (c.hide.includes(l.name)) continue;
    const { allowed, max } = lineRange(l);
    const set = c.keep?.includes(l.name) ? c.keepSet! : c.set;
    if (!isEmpty(intersect(allowed, set))) total += Math.max(0, max);
  }
  return total;
}

/** The units a count surely gets: from the lines whose code can only be in its set. */
function forcedUnits(s: State, c: ClaimStore["counts"][number]): number {
  let total = 0;
  for (const l of s.lines) {
    if (c.hide.includes(l.name)) continue;
    let allowed = l.canonical !== undefined ? single(l.canonical) : l.codeIn.reduce(intersect, ALL_CODES);
    for (const o of l.codeOut) allowed = subtract(allowed, o);
    if (isEmpty(allowed) || !isSubset(allowed, c.set)) continue;
    let min = 1;
    for (const [op, n] of l.units) if (op === ">") min = Math.max(min, Math.floor(n) + 1);
    else if (op === ">=" || op === "=") min = Math.max(min, Math.ceil(n));
    total += min;
  }
  return total;
}

type Count = ClaimStore["counts"][number];

const least = (c: Count): number => (c.op === ">" ? Math.floor(c.n) + 1 : c.op === "!=" ? 0 : Math.ceil(c.n));
const most = (c: Count): number => (c.op === "<" ? Math.ceil(c.n) - 1 : c.op === "<=" || c.op === "=" ? Math.floor(c.n) : Infinity);

/**
 * An upper bound on count `k` that no number of lines can beat: every unit `k` counts is counted
 * by some count of a cover of its set (each seeing at least the lines `k` sees), so `k` is at
 * most the sum of their bounds. The smallest such sum over covers of up to 4 counts.
 */
function coverBound(counts: readonly Count[], k: Count): number {
  const uppers = counts.filter((u) => u !== k && Number.isFinite(most(u)) && !isEmpty(intersect(u.set, k.set)) && u.hide.every((h) => k.hide.includes(h)));
  let best = Infinity;
  const go = (i: number, chosen: Count[], covered: ReturnType<typeof union>, sum: number): void => {
    if (sum >= best) return;
    if (isSubset(k.set, covered)) {
      best = sum;
      return;
    }
    if (i >= uppers.length || chosen.length >= 4) return;
    go(i + 1, [...chosen, uppers[i]!], union(covered, uppers[i]!.set), sum + most(uppers[i]!));
    go(i + 1, chosen, covered, sum);
  };
  go(0, [], [], 0);
  return best;
}

function addLine(s: State): string {
  const name = `n${++s.created}`;
  s.lines.push(emptyLine(name));
  for (const fa of s.foralls) s.pending.push(instantiate(fa, name));
  return name;
}

function instantiate(fa: Extract<Formula, { k: "forall" }>, name: string): Formula {
  const body = substitute(fa.body, fa.v, name);
  return fa.view.hideCodes && !(fa.view.keep ?? []).includes(name) ? { k: "or", args: [code(name, fa.view.hideCodes), body] } : body;
}

/** Commits the pending formulas; false on a contradiction found on the spot. */
function processPending(s: State): boolean {
  while (s.pending.length > 0) {
    const f = s.pending.pop()!;
    switch (f.k) {
      case "true":
        break;
      case "false":
        return false;
      case "and":
        for (const a of f.args) s.pending.push(a);
        break;
      case "or":
      case "exists":
        s.deferred.push(f);
        break;
      case "forall":
        s.foralls.push(f);
        for (const l of s.lines) if (!f.view.hide.includes(l.name)) s.pending.push(instantiate(f, l.name));
        break;
      case "not":
        if (!commit(s, f.arg, true)) return false;
        break;
      default:
        if (!commit(s, f, false)) return false;
    }
  }
  return true;
}

function lineOf(s: State, name: string): LineStore {
  const l = s.lines.find((x) => x.name === name);
  if (!l) throw new Error(`INVARIANT: unknown line ${name}`);
  return l;
}

function commit(s: State, f: Formula, neg: boolean): boolean {
  switch (f.k) {
    case "code": {
      const l = lineOf(s, f.l);
      (neg ? l.codeOut : l.codeIn).push(f.set);
      let allowed = l.codeIn.reduce(intersect, [[0, Number.MAX_SAFE_INTEGER]] as ReturnType<typeof intersect>);
      for (const o of l.codeOut) allowed = subtract(allowed, o);
      return !isEmpty(allowed);
    }
    case "units":
      lineOf(s, f.l).units.push([f.op, f.n]);
      return true;
    case "mod": {
      const l = lineOf(s, f.l);
      if (neg) l.modOut.push(...f.set);
      else l.modIn.push(f.set);
      return true;
    }
    case "ldx": {
      const l = lineOf(s, f.l);
      (neg ? l.dxOut : l.dxIn).push(f.set);
      return true;
    }
    case "fact": {
      const l = lineOf(s, f.l);
      (neg ? l.factNeg : l.factPos).push({ name: f.name, op: f.op, n: f.n });
      return true;
    }
    case "site": {
      const l = lineOf(s, f.l);
      if (neg) l.siteOut.push(...f.values);
      else l.siteIn.push(f.values);
      return true;
    }
    case "count":
      s.claim.counts.push({
        set: f.view.hideCodes ? subtract(f.set, f.view.hideCodes) : f.set,
        op: f.op,
        n: f.n,
        hide: [...f.view.hide],
        ...(f.view.hideCodes && f.view.keep && { keep: [...f.view.keep], keepSet: f.set }),
        ...(f.noNew && { noNew: true }),
      });
      return true;
    case "cdx":
      (neg ? s.claim.cdxOut : s.claim.cdxIn).push(f.set);
      return true;
    case "dos":
      s.claim.dos.push([f.op, f.day]);
      return true;
    case "payer":
      if (neg) s.claim.payerOut.push(...f.values);
      else s.claim.payerIn.push(f.values);
      return true;
    case "sex":
      if (neg) s.claim.sexOut.push(...f.values);
      else s.claim.sexIn.push(f.values);
      return true;
    case "pos":
      if (neg) s.claim.posOut.push(...f.values);
      else s.claim.posIn.push(f.values);
      return true;
    case "age":
      (neg ? s.claim.ageNeg : s.claim.agePos).push([f.op, f.n]);
      return true;
    default:
      throw new Error(`INVARIANT: not an atom in negation normal form: ${f.k}`);
  }
}

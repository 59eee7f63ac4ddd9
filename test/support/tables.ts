/**
 * Hand-built decision tables for runtime tests: a minimal valid table with chosen rules and
 * edits, its layer indexes derived the way the compiler derives them (exact-code triggers in
 * `byCode`, wider ranges in `byRange`, no trigger → `always`).
 */
import { dayNumber } from "../../runtime/dates.ts";
import { loadTable } from "../../runtime/index.ts";
import { computeContentHash } from "../../runtime/integrity.ts";
import type { LoadedTable } from "../../runtime/index.ts";
import type { CodeRanges, DecisionTable, Layer, TAction, TCond, TRule } from "../../runtime/table.ts";

/** Day number of a `YYYY-MM-DD` date (throws on a bad date: tests only). */
export function day(text: string): number {
  const d = dayNumber(text);
  if (d === null) throw new Error(`bad date ${text}`);
  return d;
}

/** A code set from codes and `lo-hi` ranges: `set("17000", "11600-11606")`. */
export function set(...items: string[]): CodeRanges {
  const ranges = items.map((s) => {
    const [lo, hi] = s.split("-");
    return [lo, hi ?? lo] as [string, string];
  });
  ranges.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return ranges;
}

/** `has` atom over codes. */
export function has(codes: string | string[], q: Omit<Extract<TCond, { k: "has" }>, "k" | "set"> = {}): TCond {
  return { k: "has", set: set(...(Array.isArray(codes) ? codes : [codes])), ...q };
}

export const and = (...args: TCond[]): TCond => ({ k: "and", args });
export const or = (...args: TCond[]): TCond => ({ k: "or", args });
export const not = (arg: TCond): TCond => ({ k: "not", arg });
export const TRUE: TCond = { k: "true" };

/** The code ranges a condition needs some line to carry (conservative), or null. */
function needed(c: TCond): CodeRanges | null {
  switch (c.k) {
    case "has":
      return c.set;
    case "count":
      return (c.op === ">" && c.n >= 0) || (c.op === ">=" && c.n > 0) || (c.op === "=" && c.n > 0) ? c.set : null;
    case "and": {
      for (const a of c.args) {
        const n = needed(a);
        if (n !== null) return n;
      }
      return null;
    }
    case "or": {
      const all: CodeRanges = [];
      for (const a of c.args) {
        const n = needed(a);
        if (n === null) return null;
        all.push(...n);
      }
      return all.sort((a, b) => (a[0] < b[0] ? -1 : 1));
    }
    default:
      return null;
  }
}

let counter = 0;

/** A rule with defaults: claim scope, error, category policy, open window, triggers derived. */
export function rule(r: Partial<TRule> & { action: TAction }): TRule {
  const when = r.when ?? TRUE;
  const scope = r.scope ?? "claim";
  const triggers = r.triggers ?? (scope === "line" || r.action.k === "select" ? r.subject ?? [] : needed(when) ?? []);
  return {
    id: r.id ?? `test.rule.${++counter}`,
    origin: r.origin ?? "test.rules:1:1",
    layer: r.layer ?? "cms",
    severity: r.severity ?? "error",
    category: r.category ?? "policy",
    message: r.message ?? "test rule message",
    source: r.source ?? "test source",
    effective: r.effective ?? [null, null],
    scope,
    ...(r.subject !== undefined ? { subject: r.subject } : {}),
    when,
    action: r.action,
    ...(r.fix !== undefined ? { fix: r.fix } : {}),
    triggers,
    needs: r.needs ?? [],
  };
}

export interface TableSpec {
  rules?: TRule[];
  /** Extra layers: name → { extends, rules (ids from `rules`), disabled }. */
  layers?: Record<string, { extends?: string; rules?: string[]; disabled?: string[] }>;
  /** Disabled edit ids in the cms layer. */
  disabled?: string[];
  ptp?: Record<string, Record<string, [number | null, number | null, 0 | 1 | 9][]>>;
  mue?: Record<string, [number, 1 | 2 | 3]>;
  aoc?: Record<string, [1 | 2 | 3, string, number | null, number | null, number | null][]>;
  icd?: { billable: string[]; headers: string[] };
}

function indexOf(rules: TRule[], members: number[]): Layer["index"] {
  const byCode: Record<string, number[]> = {};
  const byRange: [string, string, number][] = [];
  const always: number[] = [];
  for (const i of members) {
    const r = rules[i];
    if (r.triggers.length === 0) always.push(i);
    for (const [lo, hi] of r.triggers) {
      if (lo === hi) (byCode[lo] ??= []).push(i);
      else byRange.push([lo, hi, i]);
    }
  }
  byRange.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[2] - b[2]));
  return { byCode, byRange, always };
}

/** A minimal valid decision table. The cms layer holds every rule whose `layer` is cms. */
export function makeTable(spec: TableSpec = {}): DecisionTable {
  const rules = spec.rules ?? [];
  const edits: DecisionTable["edits"] = { ptp: [], mue: [], aoc: [] };
  const meta = (kind: string) => ({ idPrefix: `cms.${kind}`, layer: "cms", source: `test ${kind} source`, version: "v1", file: `${kind}.tsv` });
  if (spec.ptp) edits.ptp.push({ ...meta("ptp"), pairs: spec.ptp });
  if (spec.mue) edits.mue.push({ ...meta("mue"), limits: spec.mue });
  if (spec.aoc) edits.aoc.push({ ...meta("aoc"), addons: spec.aoc });
  const editIdx = (n: number) => Array.from({ length: n }, (_, i) => i);
  const cmsRules = rules.flatMap((r, i) => (r.layer === "cms" ? [i] : []));
  const layers: Record<string, Layer> = {
    cms: {
      name: "cms",
      extends: null,
      rules: cmsRules,
      index: indexOf(rules, cmsRules),
      ptp: editIdx(edits.ptp.length),
      mue: editIdx(edits.mue.length),
      aoc: editIdx(edits.aoc.length),
      disabled: spec.disabled ?? [],
    },
  };
  for (const [name, l] of Object.entries(spec.layers ?? {})) {
    const members = (l.rules ?? rules.filter((r) => r.layer === "cms" || r.layer === name).map((r) => r.id)).map((id) => rules.findIndex((r) => r.id === id));
    layers[name] = {
      name,
      extends: l.extends ?? "cms",
      rules: members,
      index: indexOf(rules, members),
      ptp: editIdx(edits.ptp.length),
      mue: editIdx(edits.mue.length),
      aoc: editIdx(edits.aoc.length),
      disabled: l.disabled ?? [],
    };
  }
  const table: DecisionTable = {
    formatVersion: 1,
    contentHash: "",
    generator: "test/support/tables.ts",
    provenance: { sources: [] },
    defaultLayer: "cms",
    layers,
    rules,
    edits,
    icd10: {
      version: "FY2026",
      billable: [...(spec.icd?.billable ?? [])].sort().join(" "),
      headers: [...(spec.icd?.headers ?? [])].sort().join(" "),
    },
  };
  // Sealed like a compiled table: loadTable refuses a table whose content hash does not match.
  table.contentHash = computeContentHash(table);
  return table;
}

/** `makeTable` then `loadTable`, failing the test on load errors. */
export function loaded(spec: TableSpec = {}): LoadedTable {
  const r = loadTable(makeTable(spec));
  if (!r.ok) throw new Error(`test table does not load: ${JSON.stringify(r.errors)}`);
  return r.table;
}

/** A claim with defaults: id C1, date 2024-05-15, one diagnosis L57.0. */
export function claim(lines: Record<string, unknown>[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: "C1", serviceDate: "2024-05-15", diagnoses: ["L57.0"], lines, ...extra };
}

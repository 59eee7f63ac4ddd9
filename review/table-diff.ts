/**
 * CMS table changes between two decision tables: PTP pairs, MUE values and add-on rows
 * added, deleted or changed, table by table (matched by id prefix), with a summary a reviewer
 * of a quarterly update reads first ("adds 37 pairs touching 11102-11107"), and the ICD-10-CM
 * list.
 */
import { codeAtRank, codeRank, isProcedureCode } from "../compiler/codes.ts";
import { formatDay } from "../runtime/dates.ts";
import type { AocTable, DecisionTable, MueTable, PtpTable } from "../runtime/table.ts";
import { canonical } from "./rule-diff.ts";
import type { IcdChange, RowChange, TableChange } from "./types.ts";

/** Rows listed per kind of change (the counts are always complete). */
export const MAX_ROWS = 200;

/** `1,204` */
export function thousands(n: number): string {
  return n.toLocaleString("en-US");
}

/**
 * Codes as consecutive runs, the way a coder reads a code family: `11102-11107, 17000`.
 * At most `max` runs are shown, then "and N more codes".
 */
export function codeRuns(codes: Iterable<string>, max = 6): string {
  const sorted = [...new Set(codes)].sort();
  const runs: [string, string][] = [];
  for (const c of sorted) {
    const last = runs[runs.length - 1];
    if (last && isProcedureCode(c) && isProcedureCode(last[1]) && codeAtRank(codeRank(last[1]) + 1) === c) last[1] = c;
    else runs.push([c, c]);
  }
  const shown = runs.slice(0, max).map(([a, b]) => (a === b ? a : `${a}-${b}`));
  if (runs.length <= max) return shown.join(", ");
  const rest = runs.slice(max).reduce((n, [a, b]) => n + (isProcedureCode(a) && isProcedureCode(b) ? codeRank(b) - codeRank(a) + 1 : 1), 0);
  return `${shown.join(", ")} and ${thousands(rest)} more code${rest === 1 ? "" : "s"}`;
}

function dayText(d: number | null, open: string): string {
  return d === null ? open : formatDay(d);
}

function ptpRowsText(rows: PtpTable["pairs"][string][string]): string {
  return rows
    .map((r) => `indicator ${r[2]}${r[0] !== null ? `, effective ${formatDay(r[0])}` : ""}${r[1] !== null ? `, deleted ${formatDay(r[1])}` : ""}`)
    .join("; ");
}

function aocRowsText(rows: AocTable["addons"][string]): string {
  return rows
    .map((r) => `type ${r[0]}, primary ${r[1]}${r[2] !== null ? ` (primary deleted ${formatDay(r[2])})` : ""}${r[3] !== null || r[4] !== null ? `, edit ${dayText(r[3], "open")} to ${dayText(r[4], "open")}` : ""}`)
    .join("; ");
}

function byPrefix<T extends { idPrefix: string }>(list: T[]): Map<string, T> {
  return new Map(list.map((t) => [t.idPrefix, t]));
}

interface Keyed {
  added: RowChange[];
  deleted: RowChange[];
  changed: RowChange[];
  addedKeys: string[];
  deletedKeys: string[];
  changedKeys: string[];
}

function compareKeyed<V>(before: Map<string, V>, after: Map<string, V>, id: (k: string) => string, text: (v: V) => string): Keyed {
  const out: Keyed = { added: [], deleted: [], changed: [], addedKeys: [], deletedKeys: [], changedKeys: [] };
  for (const [k, a] of before) {
    const b = after.get(k);
    if (b === undefined) {
      out.deletedKeys.push(k);
      if (out.deleted.length < MAX_ROWS) out.deleted.push({ id: id(k), before: text(a) });
    } else if (canonical(a) !== canonical(b)) {
      out.changedKeys.push(k);
      if (out.changed.length < MAX_ROWS) out.changed.push({ id: id(k), before: text(a), after: text(b) });
    }
  }
  for (const [k, b] of after) {
    if (before.has(k)) continue;
    out.addedKeys.push(k);
    if (out.added.length < MAX_ROWS) out.added.push({ id: id(k), after: text(b) });
  }
  for (const list of [out.added, out.deleted, out.changed]) list.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  return out;
}

function ptpMap(t: PtpTable | undefined): Map<string, PtpTable["pairs"][string][string]> {
  const m = new Map<string, PtpTable["pairs"][string][string]>();
  if (!t) return m;
  for (const a of Object.keys(t.pairs)) {
    const row = t.pairs[a]!;
    for (const b of Object.keys(row)) m.set(`${a}.${b}`, row[b]!);
  }
  return m;
}

function codesOfPairs(keys: string[]): string[] {
  return keys.flatMap((k) => k.split("."));
}

/** "indicator 1 → 0 on 10 pairs; deletion dates on 2" from changed PTP pairs. */
function ptpChangeKinds(before: Map<string, PtpTable["pairs"][string][string]>, after: Map<string, PtpTable["pairs"][string][string]>, keys: string[]): string {
  const kinds = new Map<string, number>();
  for (const k of keys) {
    const a = before.get(k)!;
    const b = after.get(k)!;
    const ia = Math.min(...a.map((r) => r[2]));
    const ib = Math.min(...b.map((r) => r[2]));
    const what = ia !== ib ? `indicator ${ia} → ${ib}` : "effective or deletion dates";
    kinds.set(what, (kinds.get(what) ?? 0) + 1);
  }
  return [...kinds].map(([w, n]) => `${w} on ${thousands(n)}`).join(", ");
}

function baseChange(kind: TableChange["kind"], a: { idPrefix: string; layer: string; version: string; source: string } | undefined, b: typeof a): TableChange {
  const t = (b ?? a)!;
  return {
    kind,
    idPrefix: t.idPrefix,
    layer: t.layer,
    change: !a ? "added" : !b ? "removed" : "modified",
    version: { ...(a && { before: a.version }), ...(b && { after: b.version }) },
    source: { ...(a && { before: a.source }), ...(b && { after: b.source }) },
    counts: { before: 0, after: 0, added: 0, deleted: 0, changed: 0 },
    summary: [],
    rows: { added: [], deleted: [], changed: [] },
    truncated: false,
  };
}

function finish(c: TableChange, k: Keyed, before: number, after: number): TableChange | undefined {
  c.counts = { before, after, added: k.addedKeys.length, deleted: k.deletedKeys.length, changed: k.changedKeys.length };
  c.rows = { added: k.added, deleted: k.deleted, changed: k.changed };
  c.truncated = k.addedKeys.length > MAX_ROWS || k.deletedKeys.length > MAX_ROWS || k.changedKeys.length > MAX_ROWS;
  const sameMeta = c.version.before === c.version.after && c.source.before === c.source.after;
  if (c.change === "modified" && sameMeta && c.counts.added + c.counts.deleted + c.counts.changed === 0) return undefined;
  if (c.change === "modified" && c.version.before !== c.version.after) c.summary.unshift(`version ${c.version.before || "(none)"} → ${c.version.after || "(none)"}`);
  else if (c.change === "modified" && c.source.before !== c.source.after) c.summary.unshift("the citation changed");
  if (c.change !== "modified") c.summary.unshift(`${c.change === "added" ? "new" : "removed"} table (${thousands(c.change === "added" ? after : before)} rows)`);
  return c;
}

function diffPtp(a: PtpTable | undefined, b: PtpTable | undefined): TableChange | undefined {
  const c = baseChange("ptp", a, b);
  const ma = ptpMap(a);
  const mb = ptpMap(b);
  const prefix = c.idPrefix;
  const k = compareKeyed(ma, mb, (key) => `${prefix}.${key}`, ptpRowsText);
  if (c.change === "modified") {
    if (k.addedKeys.length) c.summary.push(`adds ${thousands(k.addedKeys.length)} pair${k.addedKeys.length === 1 ? "" : "s"} touching ${codeRuns(codesOfPairs(k.addedKeys))}`);
    if (k.deletedKeys.length) c.summary.push(`deletes ${thousands(k.deletedKeys.length)} pair${k.deletedKeys.length === 1 ? "" : "s"} touching ${codeRuns(codesOfPairs(k.deletedKeys))}`);
    if (k.changedKeys.length) c.summary.push(`changes ${thousands(k.changedKeys.length)} pair${k.changedKeys.length === 1 ? "" : "s"} touching ${codeRuns(codesOfPairs(k.changedKeys))} (${ptpChangeKinds(ma, mb, k.changedKeys)})`);
  }
  return finish(c, k, ma.size, mb.size);
}

function diffMue(a: MueTable | undefined, b: MueTable | undefined): TableChange | undefined {
  const c = baseChange("mue", a, b);
  const ma = new Map(Object.entries(a?.limits ?? {}));
  const mb = new Map(Object.entries(b?.limits ?? {}));
  const text = (v: [number, 1 | 2 | 3]) => `${v[0]} per ${v[1] === 1 ? "line" : "day"} (MAI ${v[1]})`;
  const k = compareKeyed(ma, mb, (key) => `${c.idPrefix}.${key}`, text);
  if (c.change === "modified") {
    if (k.addedKeys.length) c.summary.push(`adds MUE values for ${thousands(k.addedKeys.length)} code${k.addedKeys.length === 1 ? "" : "s"}: ${codeRuns(k.addedKeys)}`);
    if (k.deletedKeys.length) c.summary.push(`deletes the MUE values of ${thousands(k.deletedKeys.length)} code${k.deletedKeys.length === 1 ? "" : "s"}: ${codeRuns(k.deletedKeys)}`);
    if (k.changedKeys.length) {
      const shown = k.changedKeys.slice(0, 4).map((key) => `${key} ${text(ma.get(key)!)} → ${text(mb.get(key)!)}`);
      const lower = k.changedKeys.filter((key) => mb.get(key)![0] < ma.get(key)![0]).length;
      c.summary.push(
        `changes ${thousands(k.changedKeys.length)} MUE value${k.changedKeys.length === 1 ? "" : "s"} (${thousands(lower)} lower): ${shown.join("; ")}${k.changedKeys.length > 4 ? "; …" : ""}`,
      );
    }
  }
  return finish(c, k, ma.size, mb.size);
}

function diffAoc(a: AocTable | undefined, b: AocTable | undefined): TableChange | undefined {
  const c = baseChange("aoc", a, b);
  const ma = new Map(Object.entries(a?.addons ?? {}));
  const mb = new Map(Object.entries(b?.addons ?? {}));
  const k = compareKeyed(ma, mb, (key) => `${c.idPrefix}.${key}`, aocRowsText);
  if (c.change === "modified") {
    if (k.addedKeys.length) c.summary.push(`adds ${thousands(k.addedKeys.length)} add-on code${k.addedKeys.length === 1 ? "" : "s"}: ${codeRuns(k.addedKeys)}`);
    if (k.deletedKeys.length) c.summary.push(`deletes ${thousands(k.deletedKeys.length)} add-on code${k.deletedKeys.length === 1 ? "" : "s"}: ${codeRuns(k.deletedKeys)}`);
    if (k.changedKeys.length) {
      const prim = (rows: AocTable["addons"][string]) => new Set(rows.map((r) => r[1]));
      let gained = 0;
      let lost = 0;
      for (const key of k.changedKeys) {
        const pa = prim(ma.get(key)!);
        const pb = prim(mb.get(key)!);
        gained += [...pb].filter((p) => !pa.has(p)).length;
        lost += [...pa].filter((p) => !pb.has(p)).length;
      }
      c.summary.push(
        `changes the rows of ${thousands(k.changedKeys.length)} add-on code${k.changedKeys.length === 1 ? "" : "s"} (${codeRuns(k.changedKeys)}): ${thousands(gained)} primar${gained === 1 ? "y" : "ies"} added, ${thousands(lost)} removed`,
      );
    }
  }
  return finish(c, k, ma.size, mb.size);
}

/** Every PTP, MUE and add-on table that differs, matched by id prefix. */
export function diffTables(A: DecisionTable, B: DecisionTable): TableChange[] {
  const out: TableChange[] = [];
  const pairs = <T extends { idPrefix: string }>(x: T[], y: T[]): [T | undefined, T | undefined][] => {
    const a = byPrefix(x);
    const b = byPrefix(y);
    return [...new Set([...a.keys(), ...b.keys()])].sort().map((k) => [a.get(k), b.get(k)]);
  };
  for (const [a, b] of pairs(A.edits.ptp, B.edits.ptp)) {
    const c = diffPtp(a, b);
    if (c) out.push(c);
  }
  for (const [a, b] of pairs(A.edits.mue, B.edits.mue)) {
    const c = diffMue(a, b);
    if (c) out.push(c);
  }
  for (const [a, b] of pairs(A.edits.aoc, B.edits.aoc)) {
    const c = diffAoc(a, b);
    if (c) out.push(c);
  }
  return out;
}

function words(s: string): string[] {
  return s === "" ? [] : s.split(" ");
}

/** The ICD-10-CM lists of two tables, or undefined when they are the same. */
export function diffIcd(A: DecisionTable, B: DecisionTable): IcdChange | undefined {
  if (A.icd10.version === B.icd10.version && A.icd10.billable === B.icd10.billable && A.icd10.headers === B.icd10.headers) return undefined;
  const ba = new Set(words(A.icd10.billable));
  const bb = new Set(words(B.icd10.billable));
  const ha = new Set(words(A.icd10.headers));
  const hb = new Set(words(B.icd10.headers));
  const billableAdded = [...bb].filter((c) => !ba.has(c));
  const billableRemoved = [...ba].filter((c) => !bb.has(c));
  return {
    version: { before: A.icd10.version, after: B.icd10.version },
    billableAdded: billableAdded.length,
    billableRemoved: billableRemoved.length,
    headersAdded: [...hb].filter((c) => !ha.has(c)).length,
    headersRemoved: [...ha].filter((c) => !hb.has(c)).length,
    samples: { billableAdded: billableAdded.slice(0, 10), billableRemoved: billableRemoved.slice(0, 10) },
  };
}

/** The keys (PTP `a.b`, MUE code, add-on code) of a table change, all of them (not only the listed rows). */
export function changedKeys(A: DecisionTable, B: DecisionTable, c: TableChange): string[] {
  if (c.kind === "ptp") {
    const ma = ptpMap(A.edits.ptp.find((t) => t.idPrefix === c.idPrefix));
    const mb = ptpMap(B.edits.ptp.find((t) => t.idPrefix === c.idPrefix));
    return diffKeys(ma, mb);
  }
  if (c.kind === "mue") {
    const ma = new Map(Object.entries(A.edits.mue.find((t) => t.idPrefix === c.idPrefix)?.limits ?? {}));
    const mb = new Map(Object.entries(B.edits.mue.find((t) => t.idPrefix === c.idPrefix)?.limits ?? {}));
    return diffKeys(ma, mb);
  }
  const ma = new Map(Object.entries(A.edits.aoc.find((t) => t.idPrefix === c.idPrefix)?.addons ?? {}));
  const mb = new Map(Object.entries(B.edits.aoc.find((t) => t.idPrefix === c.idPrefix)?.addons ?? {}));
  return diffKeys(ma, mb);
}

function diffKeys<V>(a: Map<string, V>, b: Map<string, V>): string[] {
  const out: string[] = [];
  for (const [k, v] of a) if (!b.has(k) || canonical(v) !== canonical(b.get(k))) out.push(k);
  for (const k of b.keys()) if (!a.has(k)) out.push(k);
  return out.sort();
}

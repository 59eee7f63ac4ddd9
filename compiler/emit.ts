/**
 * Stage `emit`: the decision table (runtime/table.ts) from the layered program, with its
 * indexes, provenance and content hash; and its serialization.
 *
 * Canonical form: object keys sorted (by UTF-16 code units, recursively), compact. The
 * content hash is the sha256 (hex) of the canonical JSON with `contentHash` set to "". The
 * file form (`serializeTable`) is the same order with two-space indentation, arrays of plain
 * values kept on one line (the PTP rows would otherwise take 5 lines each), and a final
 * newline. Note that `JSON.stringify` cannot produce this order by itself: it lists
 * integer-like keys (`"11102"`) first, so both forms are written by hand (the canonical one in
 * runtime/integrity.ts, which loadTable uses to check the hash).
 */
import type { AocTable, CodeRanges, DecisionTable, Layer, LayerIndex, MueTable, PtpTable, SourceFileInfo, TRule } from "../runtime/table.ts";
import { FORMAT_VERSION } from "../runtime/table.ts";
import { attachExpandedPairs, packPairs, type PackedPtp, type PtpRowT } from "../runtime/ptp-pack.ts";
import type { CompileContext, ProgramAoc, ProgramMue, ProgramPtp } from "./context.ts";
import { hasErrors } from "./diagnostics.ts";
import { createHash } from "node:crypto";
import { ICD10_PATH, createHashHex } from "./icd10.ts";
import { loweredOf } from "./layering.ts";
import { Chunker, canonicalJson, computeContentHash, isFlat, sortedKeys } from "../runtime/integrity.ts";

export { canonicalJson };

/** The `generator` of tables this compiler writes. */
export const GENERATOR = "dermrules-compiler 0.1.0";

/** Builds `ctx.table` from the indexed rules when the compilation has no errors. */
export function emitStage(ctx: CompileContext): void {
  if (hasErrors(ctx.diagnostics) || !ctx.program || !ctx.indexed) return;
  ctx.table = buildTable(ctx, ctx.indexed);
}

/**
 * Stage `index`: the table's rule list (each distinct lowered rule once, inherited rules
 * shared, ordered by id then layer) and each layer's rule indexes and trigger index.
 */
export function indexStage(ctx: CompileContext): void {
  const program = ctx.program;
  if (!program) return;
  const lowered = loweredOf.get(program)!;
  const unique = new Set<TRule>();
  for (const layer of program.layers.values()) for (const r of layer.rules) unique.add(lowered.get(r)!);
  const rules = [...unique].sort((a, b) => cmpStr(a.id, b.id) || cmpStr(a.layer, b.layer) || cmpStr(a.origin, b.origin));
  const ruleIndex = new Map(rules.map((r, i) => [r, i]));
  const layers = new Map<string, { rules: number[]; index: LayerIndex }>();
  for (const layer of program.layers.values()) {
    const idx = layer.rules.map((r) => ruleIndex.get(lowered.get(r)!)!);
    layers.set(layer.name, { rules: idx, index: buildIndex(idx, rules) });
  }
  ctx.indexed = { rules, layers };
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function cmpNullLow(a: number | null, b: number | null): number {
  return (a ?? -Infinity) - (b ?? -Infinity) || 0;
}

function cmpNullHigh(a: number | null, b: number | null): number {
  const x = a ?? Infinity;
  const y = b ?? Infinity;
  return x === y ? 0 : x < y ? -1 : 1;
}

/** PTP rows grouped by column 1 and column 2, duplicates dropped, sorted (row order carries no meaning). */
export function ptpPairs(t: ProgramPtp): PtpTable["pairs"] {
  // Plain objects straight away (the JSON writers order keys themselves): the full CMS table
  // has 2.5M rows, and a Map-of-Maps copied into objects doubles the memory.
  type Row = [number | null, number | null, 0 | 1 | 9];
  const pairs: PtpTable["pairs"] = {};
  // CMS files come sorted by pair: consecutive rows usually share their group.
  let lastC1 = "";
  let lastC2 = "";
  let inner: Record<string, Row[]> | undefined;
  let rows: Row[] = [];
  for (const r of t.rows) {
    if (r.column1 !== lastC1 || !inner) {
      lastC1 = r.column1;
      lastC2 = "";
      inner = pairs[r.column1] ??= {};
    }
    if (r.column2 !== lastC2) {
      lastC2 = r.column2;
      rows = inner[r.column2] ??= [];
    }
    // A pair has a handful of rows: a scan is cheaper than hashing a key per row.
    let dup = false;
    for (const x of rows) if (x[0] === r.effective && x[1] === r.deletion && x[2] === r.modifier) dup = true;
    if (!dup) rows.push([r.effective, r.deletion, r.modifier]);
  }
  for (const c1 in pairs) {
    const byC2 = pairs[c1]!;
    for (const c2 in byC2) {
      const list = byC2[c2]!;
      if (list.length > 1) list.sort((a, b) => cmpNullLow(a[0], b[0]) || cmpNullHigh(a[1], b[1]) || a[2] - b[2]);
    }
  }
  return pairs;
}

/**
 * The packed pairs of a PTP table (runtime/ptp-pack.ts): the same content as `ptpPairs` —
 * duplicates dropped, each pair's rows sorted — without building an object per pair, so the
 * full CMS table (2.5M rows) packs in one pass over its rows and a few typed arrays.
 */
export function packPtp(t: ProgramPtp): PackedPtp {
  const rows = t.rows;
  const n = rows.length;
  // Code indexes: every code, sorted (string order is the order pairs are written in).
  const codeSet = new Set<string>();
  for (let i = 0; i < n; i++) {
    codeSet.add(rows[i]!.column1);
    codeSet.add(rows[i]!.column2);
  }
  const codes = [...codeSet].sort();
  const index = new Map<string, number>();
  for (let i = 0; i < codes.length; i++) index.set(codes[i]!, i);
  const nc = codes.length;
  // Rows in pair order. CMS files come sorted by pair: then this is one pass; else sort indexes.
  const key = new Float64Array(n);
  let sorted = true;
  for (let i = 0; i < n; i++) {
    key[i] = index.get(rows[i]!.column1)! * nc + index.get(rows[i]!.column2)!;
    if (i > 0 && key[i]! < key[i - 1]!) sorted = false;
  }
  let order: Uint32Array | null = null;
  if (!sorted) {
    order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((x, y) => key[x]! - key[y]! || x - y);
  }
  const a = new Int32Array(n);
  const b = new Int32Array(n);
  const rs = new Int32Array(n);
  const setIndex = new Map<string, number>();
  const sets: PtpRowT[][] = [];
  const uses: number[] = [];
  let pairs = 0;
  let group: PtpRowT[] = [];
  const flush = (k: number) => {
    if (group.length > 1) group.sort((x, y) => cmpNullLow(x[0], y[0]) || cmpNullHigh(x[1], y[1]) || x[2] - y[2]);
    let id = "";
    for (const r of group) id += `${r[0]},${r[1]},${r[2]};`;
    let s = setIndex.get(id);
    if (s === undefined) {
      s = sets.length;
      setIndex.set(id, s);
      sets.push(group);
      uses.push(0);
    }
    uses[s]!++;
    a[pairs] = Math.floor(k / nc);
    b[pairs] = k % nc;
    rs[pairs] = s;
    pairs++;
  };
  let last = -1;
  for (let j = 0; j < n; j++) {
    const i = order === null ? j : order[j]!;
    const r = rows[i]!;
    if (key[i] !== last) {
      if (last >= 0) flush(last);
      last = key[i]!;
      group = [];
    }
    // A pair has a handful of rows: a scan is cheaper than hashing a key per row.
    let dup = false;
    for (const x of group) if (x[0] === r.effective && x[1] === r.deletion && x[2] === r.modifier) dup = true;
    if (!dup) group.push([r.effective, r.deletion, r.modifier]);
  }
  if (last >= 0) flush(last);
  // Most used row sets first, so most pairs name theirs in one character.
  const rank = sets.map((_, i) => i).sort((x, y) => uses[y]! - uses[x]! || x - y);
  const renumber = new Int32Array(sets.length);
  for (let i = 0; i < rank.length; i++) renumber[rank[i]!] = i;
  for (let i = 0; i < pairs; i++) rs[i] = renumber[rs[i]!]!;
  return packPairs(codes, rank.map((i) => sets[i]!), a, b, rs, pairs);
}

/** MUE limits by code. */
export function mueLimits(t: ProgramMue): MueTable["limits"] {
  const limits: MueTable["limits"] = {};
  for (const r of t.rows) if (!(r.code in limits)) limits[r.code] = [r.mue, r.mai];
  return limits;
}

/** Add-on rows by add-on code, duplicates dropped, sorted by primary then dates. */
export function aocAddons(t: ProgramAoc): AocTable["addons"] {
  const addons: AocTable["addons"] = {};
  const seen = new Set<string>();
  for (const r of t.rows) {
    const row: AocTable["addons"][string][number] = [r.type, r.primary, r.primaryDeletion, r.effective, r.deletion];
    const key = `${r.addon} ${row.join(" ")}`;
    if (seen.has(key)) continue;
    seen.add(key);
    (addons[r.addon] ??= []).push(row);
  }
  for (const rows of Object.values(addons)) {
    rows.sort((a, b) => cmpStr(a[1], b[1]) || cmpNullLow(a[3], b[3]) || cmpNullHigh(a[4], b[4]) || a[0] - b[0] || cmpNullHigh(a[2], b[2]));
  }
  return addons;
}

/** The layer index: single-code triggers by code, wider ranges sorted by lo, the rest always. */
export function buildIndex(ruleIndexes: number[], rules: readonly TRule[]): LayerIndex {
  const byCode: Record<string, number[]> = {};
  const byRange: [string, string, number][] = [];
  const always: number[] = [];
  for (const i of ruleIndexes) {
    const t: CodeRanges = rules[i]!.triggers;
    if (t.length === 0) {
      always.push(i);
      continue;
    }
    for (const [lo, hi] of t) {
      if (lo === hi) (byCode[lo] ??= []).push(i);
      else byRange.push([lo, hi, i]);
    }
  }
  for (const list of Object.values(byCode)) list.sort((a, b) => a - b);
  byRange.sort((a, b) => cmpStr(a[0], b[0]) || cmpStr(a[1], b[1]) || a[2] - b[2]);
  always.sort((a, b) => a - b);
  return { byCode, byRange, always };
}

function buildTable(ctx: CompileContext, indexed: NonNullable<CompileContext["indexed"]>): DecisionTable {
  const program = ctx.program!;
  const rules = indexed.rules;

  // Edit tables in layer order, each once.
  const ptp: ProgramPtp[] = [];
  const mue: ProgramMue[] = [];
  const aoc: ProgramAoc[] = [];
  for (const layer of program.layers.values()) {
    for (const t of layer.ptp) if (!ptp.includes(t)) ptp.push(t);
    for (const t of layer.mue) if (!mue.includes(t)) mue.push(t);
    for (const t of layer.aoc) if (!aoc.includes(t)) aoc.push(t);
  }
  const head = (t: ProgramPtp | ProgramMue | ProgramAoc) => ({ idPrefix: t.idPrefix, layer: t.layer, source: t.source, version: t.version, file: t.file });

  const layers: Record<string, Layer> = {};
  for (const layer of program.layers.values()) {
    const own = indexed.layers.get(layer.name)!;
    layers[layer.name] = {
      name: layer.name,
      extends: layer.extends,
      rules: own.rules,
      index: own.index,
      ptp: layer.ptp.map((t) => ptp.indexOf(t)),
      mue: layer.mue.map((t) => mue.indexOf(t)),
      aoc: layer.aoc.map((t) => aoc.indexOf(t)),
      disabled: layer.disabled,
    };
  }

  const icd = program.icd10;
  const table: DecisionTable = {
    formatVersion: FORMAT_VERSION,
    contentHash: "",
    generator: ctx.opts.generator ?? GENERATOR,
    provenance: { sources: provenance(ctx) },
    defaultLayer: program.defaultLayer,
    layers,
    rules,
    edits: {
      ptp: ptp.map((t) => {
        // Packed in the file; `pairs` stays readable in memory (explain, diff, tests).
        const table = { ...head(t), packed: packPtp(t) } as PtpTable;
        attachExpandedPairs(table);
        return table;
      }),
      mue: mue.map((t) => ({ ...head(t), limits: mueLimits(t) })),
      aoc: aoc.map((t) => ({ ...head(t), addons: aocAddons(t) })),
    },
    icd10: { version: icd.version, ...icd.tableText() },
  };
  table.contentHash = contentHash(table);
  return table;
}

function provenance(ctx: CompileContext): SourceFileInfo[] {
  const out = new Map<string, SourceFileInfo>();
  for (const input of ctx.inputs) {
    if (!out.has(`rules ${input.path}`)) out.set(`rules ${input.path}`, { path: input.path, sha256: createHashHex(input.text), kind: "rules" });
  }
  for (const t of ctx.tables) {
    const key = `${t.kind} ${t.file}`;
    if (out.has(key)) continue;
    const info: SourceFileInfo = { path: t.file, sha256: t.sha256, kind: t.kind };
    if (t.version) info.version = t.version;
    out.set(key, info);
  }
  const icd = ctx.program!.icd10;
  out.set("icd10", {
    path: icd.file?.path ?? ICD10_PATH,
    sha256: icd.file?.sha256 ?? createHashHex(`${icd.tableText().billable}\n${icd.tableText().headers}`),
    kind: "icd10",
    version: icd.version,
  });
  return [...out.values()].sort((a, b) => cmpStr(a.path, b.path) || cmpStr(a.kind, b.kind));
}

// ------------------------------------------------------------------------------ JSON forms

// The canonical writer lives in runtime/ (loadTable recomputes the content hash with it);
// the pretty file form below shares its key order.

/** sha256 (hex) of the canonical JSON of the table with `contentHash` set to "" (streamed into the hash). */
export function contentHash(table: DecisionTable): string {
  return computeContentHash(table, () => createHash("sha256"));
}

/** A flat array on one line: `[["11600", "11606"]]`, `[null, 19723, 1]`. */
function flatText(v: unknown[]): string {
  const json = JSON.stringify(v);
  // Without strings there is no comma inside a value: spacing the commas is safe and fast.
  if (!json.includes('"')) return json.replace(/,/g, ", ");
  const parts: string[] = [];
  for (const x of v) parts.push(Array.isArray(x) ? flatText(x) : x === undefined ? "null" : JSON.stringify(x));
  return `[${parts.join(", ")}]`;
}

function writePretty(v: unknown, indent: string, out: Chunker): void {
  if (v === null || typeof v !== "object") {
    out.write(v === undefined ? "null" : JSON.stringify(v));
    return;
  }
  if (Array.isArray(v)) {
    if (v.length === 0) return out.write("[]");
    if (isFlat(v)) return out.write(flatText(v));
    const inner = `${indent}  `;
    out.write("[\n");
    for (let i = 0; i < v.length; i++) {
      out.write(inner);
      writePretty(v[i], inner, out);
      out.write(i < v.length - 1 ? ",\n" : "\n");
    }
    out.write(`${indent}]`);
    return;
  }
  const o = v as Record<string, unknown>;
  const keys = sortedKeys(o);
  if (keys.length === 0) return out.write("{}");
  const inner = `${indent}  `;
  out.write("{\n");
  for (let i = 0; i < keys.length; i++) {
    out.write(`${inner}${JSON.stringify(keys[i])}: `);
    writePretty(o[keys[i]!], inner, out);
    out.write(i < keys.length - 1 ? ",\n" : "\n");
  }
  out.write(`${indent}}`);
}

/** The table file: canonical key order, two-space indentation, flat arrays on one line, final newline. */
export function serializeTable(table: DecisionTable): string {
  const parts: string[] = [];
  const out = new Chunker((c) => parts.push(c));
  writePretty(table, "", out);
  out.write("\n");
  out.end();
  return parts.join("");
}

/**
 * The loaded PTP index (runtime/load.ts): per column-1 code a Bloom filter in front of a hash
 * segment. Checked pair by pair against the table's own pairs, in the expanded and the packed
 * form, on a table with codes of many partners (blocks of many words) and of none.
 */
import { describe, expect, it } from "vitest";
import { loadTable } from "../../runtime/index.ts";
import { computeContentHash } from "../../runtime/integrity.ts";
import { ptpMayHave, ptpPairIndex, ptpRows, type LoadedTable, type PtpRow } from "../../runtime/load.ts";
import { packPairs, type PtpRowT } from "../../runtime/ptp-pack.ts";
import { makeTable } from "../support/tables.ts";
import { rng } from "../support/rng.ts";

const ROW_SETS: PtpRowT[][] = [[[null, null, 0]], [[null, null, 1]], [[null, 18627, 1]], [[null, 18000, 0], [18001, null, 9]]];

/** 400 codes: code 0 with 1,500 partners, code 1 with 300, the others a few or none as column 1. */
function pairsSpec(): { codes: string[]; pairs: Map<string, Map<string, number>> } {
  const r = rng(7);
  const codes = Array.from({ length: 2000 }, (_, i) => String(20000 + i));
  const pairs = new Map<string, Map<string, number>>();
  const add = (a: number, b: number) => {
    if (a === b) return;
    const inner = pairs.get(codes[a]!) ?? new Map<string, number>();
    pairs.set(codes[a]!, inner);
    if (!inner.has(codes[b]!)) inner.set(codes[b]!, Math.floor(r() * ROW_SETS.length));
  };
  for (let b = 0; b < 1500; b++) add(0, 1 + Math.floor(r() * 1999));
  for (let b = 0; b < 300; b++) add(1, Math.floor(r() * 2000));
  // Codes 2–399 as column 1, 0–6 partners each (some none); codes 400+ only ever column 2.
  for (let a = 2; a < 400; a++) for (let k = Math.floor(r() * 7); k > 0; k--) add(a, Math.floor(r() * 2000));
  return { codes, pairs };
}

function expandedTable(spec: ReturnType<typeof pairsSpec>) {
  const ptp: Record<string, Record<string, PtpRowT[]>> = {};
  for (const [a, inner] of spec.pairs) {
    ptp[a] = {};
    for (const [b, rs] of inner) ptp[a][b] = ROW_SETS[rs]!;
  }
  return makeTable({ ptp });
}

function packedTable(spec: ReturnType<typeof pairsSpec>) {
  const t = makeTable({ ptp: { "20000": { "20001": [[null, null, 0]] } } });
  const as: number[] = [];
  const bs: number[] = [];
  const rss: number[] = [];
  // packPairs wants pairs sorted by (column 1, column 2) as indexes into the sorted codes.
  for (let a = 0; a < spec.codes.length; a++) {
    const inner = spec.pairs.get(spec.codes[a]!);
    if (inner === undefined) continue;
    for (const b of [...inner.keys()].map((c) => spec.codes.indexOf(c)).sort((x, y) => x - y)) {
      as.push(a);
      bs.push(b);
      rss.push(inner.get(spec.codes[b]!)!);
    }
  }
  const packed = packPairs(spec.codes, ROW_SETS, as, bs, rss, as.length);
  const ptp = t.edits.ptp[0] as unknown as Record<string, unknown>;
  delete ptp.pairs;
  ptp.packed = packed;
  t.formatVersion = 2;
  t.contentHash = computeContentHash(t);
  return t;
}

/** Every (column 1, column 2) of interned codes: present pairs found, absent ones not; how many absent ones the filter passes. */
function check(lt: LoadedTable, spec: ReturnType<typeof pairsSpec>): { codes: number; absent: number; maybe: number } {
  const t = lt.layers.get("cms")!.ptp[0]!;
  // Codes in no pair are not interned (a claim line of such a code has no id and no probe).
  const codes = spec.codes.filter((c) => lt.codeIds.has(c));
  let absent = 0;
  let maybe = 0;
  for (const a of codes) {
    const ia = lt.codeIds.get(a)!;
    const inner = spec.pairs.get(a);
    for (const b of codes) {
      const ib = lt.codeIds.get(b)!;
      const rs = inner?.get(b);
      if (rs !== undefined) {
        // No false negatives, and the segment finds the pair's rows.
        if (!ptpMayHave(t, ia, ib)) throw new Error(`filter misses ${a}/${b}`);
        expect(ptpRows(lt, t, a, b)).toEqual(ROW_SETS[rs] as PtpRow[]);
      } else {
        if (ptpPairIndex(t, ia, ib) !== -1) throw new Error(`segment finds absent ${a}/${b}`);
        absent++;
        if (ptpMayHave(t, ia, ib)) maybe++;
      }
    }
  }
  return { codes: codes.length, absent, maybe };
}

function nPairsOf(spec: ReturnType<typeof pairsSpec>): number {
  return [...spec.pairs.values()].reduce((s, m) => s + m.size, 0);
}

describe("PTP index", () => {
  const spec = pairsSpec();

  it.each([
    ["expanded", expandedTable],
    ["packed", packedTable],
  ] as const)("answers every pair and no absent one, %s form", (_form, table) => {
    const r = loadTable(table(spec));
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const { codes, absent, maybe } = check(r.table, spec);
    expect(absent).toBe(codes * codes - nPairsOf(spec));
    // The filter lets few absent pairs through (about 1%; a broken filter lets most through).
    expect(maybe / absent).toBeLessThan(0.03);
  });

  it("answers nothing for a code that is never column 1", () => {
    const r = loadTable(expandedTable(spec));
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const t = r.table.layers.get("cms")!.ptp[0]!;
    const onlyColumn2 = spec.codes.slice(400).filter((c) => r.table.codeIds.has(c));
    expect(onlyColumn2.length).toBeGreaterThan(1000);
    let passed = 0;
    for (const a of onlyColumn2) for (const b of onlyColumn2) if (ptpMayHave(t, r.table.codeIds.get(a)!, r.table.codeIds.get(b)!)) passed++;
    expect(passed).toBe(0);
  });

  it("keeps row-set indexes too large for a slot word (a table of 33,000 codes and 66,000 row sets)", () => {
    // 33,000 codes take 16 bits of a slot word, which leaves 16 for the row set: the expanded
    // form gives each pair its own row set, so pairs past the 65,535th keep theirs in `rsWide`.
    const ptp: Record<string, Record<string, PtpRowT[]>> = {};
    const code = (i: number) => String(10000 + i);
    let p = 0;
    for (let a = 0; a < 330; a++) {
      const inner: Record<string, PtpRowT[]> = (ptp[code(a)] = {});
      for (let j = 0; j < 201 && p < 66000; j++) {
        const b = (a * 100 + j * 163) % 33000;
        if (b === a || inner[code(b)] !== undefined) continue;
        inner[code(b)] = [[p++, null, 1]];
      }
    }
    for (let i = 0; i < 33000; i++) ptp[code(i)] ??= {};
    const r = loadTable(makeTable({ ptp }));
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const t = r.table.layers.get("cms")!.ptp[0]!;
    expect(r.table.codeIds.size).toBe(33000);
    expect(t.rsWide.length).toBeGreaterThan(0);
    let checked = 0;
    for (const [a, inner] of Object.entries(ptp)) {
      for (const [b, rows] of Object.entries(inner)) {
        const got = ptpRows(r.table, t, a, b);
        if (got !== rows && JSON.stringify(got) !== JSON.stringify(rows)) throw new Error(`rows of ${a}/${b}: ${JSON.stringify(got)}`);
        checked++;
      }
    }
    expect(checked).toBe(66000);
  });
});

/**
 * Checks on the CMS edit tables a ruleset loads, done with maps over the rows (the derm PTP file
 * alone has 432,772): never a pairwise loop over rows.
 *
 * - DR3008: rows of one PTP pair whose date ranges overlap with different modifier indicators.
 * - DR3009: a pair edited both ways (a/b and b/a, indicator 0 or 1) on overlapping dates.
 * - DR3010: one code with MUE limits in two tables of a layer (both apply).
 * - DR3011: add-on codes whose listed primaries appear in no PTP or MUE table of the layer.
 *
 * Overlaps that exist only because the file has no effective dates (the CMS practitioner PTP
 * file in data/ lacks that column) are gaps in the CMS data, not in our rules: they are `info`,
 * summed up per table. Overlaps between dated rows, or between two tables, are warnings.
 */
import type { Span } from "../../grammar/source.ts";
import { formatDay } from "../../runtime/dates.ts";
import type { MueRow, PtpRow } from "../data.ts";
import type { LayerModel, MueSource, PtpSource } from "./model.ts";
import { tick, type Reporter } from "./report.ts";

const MAX_WARNINGS = 20;

function overlap(r1: PtpRow, r2: PtpRow): [number, number] | undefined {
  const lo = Math.max(r1.effective ?? -Infinity, r2.effective ?? -Infinity);
  const hi = Math.min(r1.deletion ?? Infinity, r2.deletion ?? Infinity);
  return lo <= hi ? [lo, hi] : undefined;
}

function dates([lo, hi]: [number, number]): string {
  const a = Number.isFinite(lo) ? formatDay(lo) : "the start";
  const b = Number.isFinite(hi) ? formatDay(hi) : "now";
  return `from ${a} until ${b}`;
}

interface Hit {
  a: string;
  b: string;
  srcs: [PtpSource, PtpSource];
  rows: [PtpRow, PtpRow];
  when: [number, number];
  dated: boolean;
}

/** DR3008 and DR3009 on the PTP tables in force in a layer. */
export function checkPtpRows(layer: LayerModel, out: Reporter): void {
  const tables = layer.ptp;
  if (tables.length === 0) return;
  const contradictions: Hit[] = [];
  const reversals: Hit[] = [];
  for (let ti = 0; ti < tables.length; ti++) {
    const t = tables[ti]!;
    for (const [a, row] of t.pairs) {
      for (const [b, rows] of row) {
        // INVARIANT: a pair that an earlier table of the layer has was handled with that table.
        if (ti > 0 && tables.slice(0, ti).some((p) => p.pairs.get(a)?.has(b))) continue;
        // Rows of this pair in this table and in the later tables of the layer.
        const here: { row: PtpRow; src: PtpSource }[] = rows.map((r) => ({ row: r, src: t }));
        for (let tj = ti + 1; tj < tables.length; tj++) {
          for (const r of tables[tj]!.pairs.get(a)?.get(b) ?? []) here.push({ row: r, src: tables[tj]! });
        }
        if (here.length > 1) {
          let hit: Hit | undefined;
          for (let i = 0; i < here.length && !hit; i++) {
            for (let j = i + 1; j < here.length && !hit; j++) {
              const x = here[i]!;
              const y = here[j]!;
              if (x.row.modifier === y.row.modifier) continue;
              const when = overlap(x.row, y.row);
              if (when) hit = { a, b, srcs: [x.src, y.src], rows: [x.row, y.row], when, dated: x.row.effective !== null && y.row.effective !== null };
            }
          }
          if (hit) contradictions.push(hit);
        }
        // Both ways: once per unordered pair.
        if (a < b) {
          let found: Hit | undefined;
          for (const u of tables) {
            const back = u.pairs.get(b)?.get(a);
            if (!back) continue;
            for (const x of here) {
              if (x.row.modifier === 9) continue;
              for (const y of back) {
                if (y.modifier === 9) continue;
                const when = overlap(x.row, y);
                if (when) {
                  found = { a, b, srcs: [x.src, u], rows: [x.row, y], when, dated: x.row.effective !== null && y.effective !== null };
                  break;
                }
              }
              if (found) break;
            }
            if (found) break;
          }
          if (found) reversals.push(found);
        }
      }
    }
  }
  reportHits(layer, out, contradictions, "DR3008");
  reportHits(layer, out, reversals, "DR3009");
}

function spanOf(src: PtpSource): Span {
  return src.ref.ref.span;
}

function reportHits(layer: LayerModel, out: Reporter, hits: Hit[], code: "DR3008" | "DR3009"): void {
  const where = (h: Hit): string => ` (lines ${[h.rows[0].line, h.rows[1].line].sort((x, y) => x - y).join(", ")}${h.srcs[0] !== h.srcs[1] ? ` of ${tick(h.srcs[0].file)} and ${tick(h.srcs[1].file)}` : ""})`;
  const id = (h: Hit, s: PtpSource, reverse = false): string => (reverse ? `${s.idPrefix}.${h.b}.${h.a}` : `${s.idPrefix}.${h.a}.${h.b}`);
  const loud = hits.filter((h) => h.dated || h.srcs[0] !== h.srcs[1]);
  loud.slice(0, MAX_WARNINGS).forEach((h) => {
    const [r1, r2] = h.rows;
    const message =
      code === "DR3008"
        ? `PTP rows of ${tick(`${h.a}/${h.b}`)} contradict each other${where(h)}: indicator ${r1.modifier} and indicator ${r2.modifier} both apply ${dates(h.when)}`
        : `${tick(`${h.a}/${h.b}`)} and ${tick(`${h.b}/${h.a}`)} are both PTP edits ${dates(h.when)}${where(h)}: with both codes on a claim, each line is denied`;
    out.add(code, "warning", spanOf(h.srcs[1]), message, {
      rules: [id(h, h.srcs[0]), id(h, h.srcs[1], code === "DR3009")],
      ...(h.srcs[0] !== h.srcs[1] && { related: [{ span: spanOf(h.srcs[0]), message: `the other table (${tick(h.srcs[0].file)})` }] }),
      hint: code === "DR3008" ? "give the older row a deletion date before the newer row's effective date" : "delete the old direction when a pair is reversed",
      layer: layer.name,
      key: `${code} ${h.a} ${h.b} ${h.srcs.map((t) => t.file).join(" ")}`,
    });
  });
  if (loud.length > MAX_WARNINGS) {
    const h = loud[MAX_WARNINGS]!;
    out.add(code, "warning", spanOf(h.srcs[1]), `and ${loud.length - MAX_WARNINGS} more PTP pairs like these`, {
      rules: loud.slice(MAX_WARNINGS).map((x) => id(x, x.srcs[0])),
      layer: layer.name,
      key: `${code} more ${loud.length}`,
    });
  }
  // Undated overlaps within one file: one info per table.
  const quiet = hits.filter((h) => !h.dated && h.srcs[0] === h.srcs[1]);
  for (const t of new Set(quiet.map((h) => h.srcs[0]))) {
    const mine = quiet.filter((h) => h.srcs[0] === t);
    const examples = mine.slice(0, 3).map((h) => `${tick(`${h.a}/${h.b}`)}${where(h)}`).join(", ");
    const what =
      code === "DR3008"
        ? `${mine.length} PTP pair${mine.length === 1 ? "" : "s"} of ${tick(t.file)} have rows with different modifier indicators that overlap because the file has no effective dates, e.g. ${examples}: the stricter indicator applies where they overlap`
        : `${mine.length} PTP pair${mine.length === 1 ? "" : "s"} of ${tick(t.file)} are edited both ways on dates that overlap because the file has no effective dates, e.g. ${examples}: on such dates both lines are denied`;
    out.add(code, "info", spanOf(t), what, {
      rules: mine.map((h) => id(h, t)),
      hint: "a gap in the CMS data (the practitioner PTP file lacks effective dates), not in the rules",
      layer: layer.name,
      key: `${code} info ${t.file} ${mine.length}`,
    });
  }
}

/** DR3010: one code with MUE limits in two tables of the layer. */
export function checkMueRows(layer: LayerModel, out: Reporter): void {
  const ts = layer.mue;
  let n = 0;
  for (let i = 0; i < ts.length; i++) {
    for (let j = i + 1; j < ts.length; j++) {
      const a = ts[i]!;
      const b = ts[j]!;
      for (const [code, y] of b.limits) {
        const x = a.limits.get(code);
        if (!x || n++ >= MAX_WARNINGS) continue;
        const describe = (v: MueRow, src: MueSource): string => `${v.mue} per ${v.mai === 1 ? "line" : "day"} (MAI ${v.mai}, line ${v.line} of ${tick(src.file)})`;
        out.add("DR3010", "warning", b.ref.ref.span, `${tick(code)} has an MUE in two tables of ruleset ${tick(layer.name)}: ${describe(x, a)} and ${describe(y, b)}, and both apply`, {
          rules: [`${a.idPrefix}.${code}`, `${b.idPrefix}.${code}`],
          related: [{ span: a.ref.ref.span, message: `the other MUE table (${tick(a.file)})` }],
          hint: x.mue === y.mue && x.mai === y.mai ? "the same limit twice: drop one row" : "keep one limit per code, or `disable` one table's edit",
          layer: layer.name,
          key: `DR3010 ${code} ${a.file} ${b.file}`,
        });
      }
    }
  }
}

/** DR3011: add-on primaries that appear in no PTP or MUE table of the layer (nor as add-ons). */
export function checkAddonPrimaries(layer: LayerModel, out: Reporter): void {
  if (layer.aoc.length === 0 || (layer.ptp.length === 0 && layer.mue.length === 0)) return;
  const known = new Set<string>();
  for (const p of layer.ptp) {
    for (const [a, row] of p.pairs) {
      known.add(a);
      for (const b of row.keys()) known.add(b);
    }
  }
  for (const m of layer.mue) for (const c of m.limits.keys()) known.add(c);
  for (const a of layer.aoc) for (const c of a.addons.keys()) known.add(c);
  for (const src of layer.aoc) {
    const partial: { addon: string; absent: string[]; line: number }[] = [];
    const total: { addon: string; line: number }[] = [];
    for (const [addon, rows] of src.addons) {
      const listed = [...new Set(rows.filter((r) => r.type !== 2 && r.primary !== "CCCCC").map((r) => r.primary))];
      const absent = listed.filter((p) => !known.has(p));
      if (absent.length === 0) continue;
      const line = rows.find((r) => absent.includes(r.primary))!.line;
      if (absent.length === listed.length) total.push({ addon, line });
      else partial.push({ addon, absent, line });
    }
    const span = src.ref.ref.span;
    if (total.length > 0) {
      out.add("DR3011", "info", span, `${total.length} add-on code${total.length === 1 ? "" : "s"} of ${tick(src.file)} list only primaries that no PTP or MUE table of ruleset ${tick(layer.name)} names, e.g. ${total.slice(0, 5).map((a) => `${tick(a.addon)} (line ${a.line})`).join(", ")}: they can be paid only with a code the other tables do not know`, {
        rules: total.map((a) => `${src.idPrefix}.${a.addon}`),
        hint: "a gap between the CMS tables (or a deleted primary): check these add-on rows against the current code set",
        layer: layer.name,
        key: `DR3011 total ${src.file} ${total.length}`,
      });
    }
    if (partial.length > 0) {
      out.add("DR3011", "info", span, `${partial.length} add-on code${partial.length === 1 ? "" : "s"} of ${tick(src.file)} list some primaries that no PTP or MUE table of ruleset ${tick(layer.name)} names, e.g. ${partial.slice(0, 5).map((p) => `${tick(p.addon)} → ${p.absent.slice(0, 3).map(tick).join(", ")} (line ${p.line})`).join("; ")}`, {
        rules: partial.map((p) => `${src.idPrefix}.${p.addon}`),
        hint: "a gap between the CMS tables, not in the rules",
        layer: layer.name,
        key: `DR3011 partial ${src.file} ${partial.length}`,
      });
    }
  }
}

/**
 * Code hygiene, on the rule text (the compiler's validation already rejects malformed codes,
 * unknown ICD-10-CM codes, headers where a code is expected and patterns that match nothing).
 *
 * - DR3012: a procedure code that none of the loaded CMS tables (PTP, MUE, add-on) names — with
 *   15,000 codes in the practitioner MUE file, that is almost always a typo or a deleted code.
 * - DR3013: a procedure code range that holds no code those tables name.
 * - DR3014: a set item that the set's other items already cover (`11600-11606, 11604`,
 *   `D22.*, D22.5`, `EXCISION, 11600`): an overlap that is rarely meant.
 * - DR3015: a test claim diagnosis that is not billable, in a test that does not expect the
 *   ICD-10-CM finding it causes.
 */
import type { SetExpr, SetItem, Word } from "../../grammar/ast.ts";
import type { Span } from "../../grammar/source.ts";
import { normalizeIcd, displayIcd } from "../codes.ts";
import type { SetKind } from "../context.ts";
import { classifyWord, SetResolver } from "../sets.ts";
import { itemSetUses } from "../walk.ts";
import type { Analysis } from "./model.ts";
import { fromRanges, isSubset, overlaps, union } from "./ranks.ts";
import { tick, type Reporter } from "./report.ts";
import { lowerBound } from "../../runtime/codes.ts";

/** Runs the hygiene checks on the whole program. */
export function checkHygiene(an: Analysis, out: Reporter): void {
  const resolver = new SetResolver(an.program.sets, an.program.icd10);
  const known = [...an.tableCodes].sort();
  for (const file of an.program.files) {
    for (const item of file.items) {
      const uses = itemSetUses(item);
      for (const use of uses) {
        if (use.kind === "codes" && known.length > 0) checkCodes(use.expr, known, out);
        checkRedundant(use.expr, use.kind, resolver, out);
      }
      if (item.kind === "select" && known.length > 0) {
        for (const c of item.cases) unknownCode(c.code, known, out);
      }
      if (item.kind === "test") checkTestDx(an, item, out);
    }
  }
}

function unknownCode(w: Word, known: readonly string[], out: Reporter): void {
  const c = classifyWord(w.text, "codes", () => false);
  if (c.k !== "code") return;
  const i = lowerBound(known, c.code);
  if (known[i] === c.code) return;
  out.add("DR3012", "warning", w.span, `procedure code ${tick(c.code)} is in none of the CMS tables this ruleset loads (PTP, MUE, add-on)`, {
    rules: [],
    hint: "check for a typo or a deleted code",
    key: `DR3012 ${w.span.file} ${w.span.start}`,
  });
}

function checkCodes(expr: SetExpr, known: readonly string[], out: Reporter): void {
  for (const item of expr.items) {
    if (item.kind === "set-ref") {
      unknownCode(item.word, known, out);
      continue;
    }
    const from = item.from.text;
    const to = item.to.text;
    if (from > to) continue;
    const i = lowerBound(known, from);
    if (i < known.length && known[i]! <= to) continue;
    out.add("DR3013", "warning", item.span, `code range ${tick(`${from}-${to}`)} holds no code that the CMS tables this ruleset loads name`, {
      rules: [],
      hint: "check the range's ends",
      key: `DR3013 ${item.span.file} ${item.span.start}`,
    });
  }
}

/** One item alone as a set expression. */
function alone(item: SetItem): SetExpr {
  return { kind: "set", items: [item], span: item.span };
}

function itemText(item: SetItem): string {
  return item.kind === "set-range" ? `${item.from.text}-${item.to.text}` : item.word.text;
}

function checkRedundant(expr: SetExpr, kind: SetKind, r: SetResolver, out: Reporter): void {
  if (expr.items.length < 2) return;
  const report = (item: SetItem, by: SetItem[]): void => {
    out.add("DR3014", "warning", item.span, `${tick(itemText(item))} is already in ${by.map((b) => tick(itemText(b))).join(", ")} of the same set`, {
      rules: [],
      related: by.map((b) => ({ span: b.span, message: `${tick(itemText(b))} covers it` })),
      hint: "remove the item, or check that the other items are the ones meant",
      key: `DR3014 ${item.span.file} ${item.span.start}`,
    });
  };
  switch (kind) {
    case "codes": {
      const sets = expr.items.map((i) => fromRanges(r.codes(alone(i))));
      expr.items.forEach((item, i) => {
        const mine = sets[i]!;
        if (mine.length === 0) return;
        // Earlier items, and later ones that this item does not itself cover (those are the
        // redundant ones then): identical items report the later one only.
        const by = expr.items.map((_, j) => j).filter((j) => j !== i && sets[j]!.length > 0 && (j < i || !isSubset(sets[j]!, mine)));
        if (by.length === 0 || !isSubset(mine, union(...by.map((j) => sets[j]!)))) return;
        const single = by.find((j) => isSubset(mine, sets[j]!));
        report(item, single !== undefined ? [expr.items[single]!] : by.filter((j) => overlaps(mine, sets[j]!)).map((j) => expr.items[j]!));
      });
      return;
    }
    case "dx": {
      const sets = expr.items.map((i) => r.dx(alone(i)));
      const covers = (a: { codes: string[]; prefixes: string[] }, b: { codes: string[]; prefixes: string[] }): boolean =>
        a.codes.length + a.prefixes.length > 0 &&
        a.codes.every((c) => b.codes.includes(c) || b.prefixes.some((p) => c.startsWith(p))) &&
        a.prefixes.every((p) => b.prefixes.some((q) => p.startsWith(q)));
      expr.items.forEach((item, i) => {
        const j = expr.items.findIndex((_, k) => k !== i && covers(sets[i]!, sets[k]!) && (k < i || !covers(sets[k]!, sets[i]!)));
        if (j >= 0) report(item, [expr.items[j]!]);
      });
      return;
    }
    case "modifiers": {
      const sets = expr.items.map((i) => r.modifiers(alone(i)));
      expr.items.forEach((item, i) => {
        const j = expr.items.findIndex((_, k) => k !== i && sets[i]!.length > 0 && sets[i]!.every((m) => sets[k]!.includes(m)) && (k < i || !sets[k]!.every((m) => sets[i]!.includes(m))));
        if (j >= 0) report(item, [expr.items[j]!]);
      });
      return;
    }
    default: {
      const never: never = kind;
      return never;
    }
  }
}

function checkTestDx(an: Analysis, test: Extract<Parameters<typeof itemSetUses>[0], { kind: "test" }>, out: Reporter): void {
  const icd = an.program.icd10;
  if (icd.billable.size === 0 || !test.claim) return;
  if (test.expectations.some((e) => e.kind !== "expect-verdict" && e.rule.text.startsWith("dermrules.icd10"))) return;
  for (const d of test.claim.diagnoses) {
    const n = normalizeIcd(d.text);
    if (icd.billable.has(n)) continue;
    const header = icd.headers.has(n);
    const span: Span = d.span;
    out.add("DR3015", "warning", span, `test ${tick(test.name.value)} uses ${tick(d.text)}, ${header ? "an ICD-10-CM header" : "not an ICD-10-CM code"}: every result of the test also gets a ${tick(header ? "dermrules.icd10.header" : "dermrules.icd10.unknown")} error`, {
      rules: [],
      hint: header ? `use a billable code, such as ${icd.billableUnder(n, 2).map((c) => tick(displayIcd(c))).join(" or ")}, or expect the finding` : "use a billable code, or expect the finding",
      key: `DR3015 ${span.file} ${span.start}`,
    });
  }
}

/**
 * What the words of a set mean in their context, and sets lowered to the table's forms:
 * code sets → sorted disjoint ranges, dx sets → {codes, prefixes}, modifier sets → sorted lists.
 *
 * A word's meaning depends on the kind of set its context expects (grammar/ast.ts leaves it
 * open): `XS` is a modifier, `MALIGNANT_SKIN` a set name, `C44.*` an ICD-10-CM pattern.
 * Lowering is robust: words that validation rejected are skipped, never thrown on.
 */
import type { SetExpr, SetItem } from "../grammar/ast.ts";
import type { CodeRanges, DxSet } from "../runtime/table.ts";
import { icdPatternPrefix, isIcdShape, isModifier, isProcedureCode, isSetName, normalizeIcd, normalizeRanges } from "./codes.ts";
import type { SetInfo, SetKind } from "./context.ts";
import type { IcdList } from "./icd10.ts";

/** The meaning of one word of a set in its context. */
export type WordClass =
  | { k: "set"; name: string }
  /** A procedure code, a normalized ICD-10-CM code or a modifier, by context. */
  | { k: "code"; code: string }
  /** An ICD-10-CM prefix pattern (dx context only), normalized. */
  | { k: "pattern"; prefix: string }
  | { k: "bad" };

/** Classifies a word of a set of the given kind. */
export function classifyWord(
  text: string,
  kind: SetKind,
  isDefined: (name: string) => boolean,
  icd?: IcdList,
): WordClass {
  switch (kind) {
    case "codes":
      if (isSetName(text)) return { k: "set", name: text };
      return isProcedureCode(text) ? { k: "code", code: text } : { k: "bad" };
    case "dx": {
      if (text.endsWith("*")) {
        const prefix = icdPatternPrefix(text);
        return prefix === undefined ? { k: "bad" } : { k: "pattern", prefix };
      }
      // FY2026's `QA0…` codes look like set names; a declared set wins, then the code list.
      if (isSetName(text) && (isDefined(text) || !isIcdShape(text) || !icd?.has(normalizeIcd(text)))) {
        return { k: "set", name: text };
      }
      return isIcdShape(text) ? { k: "code", code: normalizeIcd(text) } : { k: "bad" };
    }
    case "modifiers":
      if (isModifier(text)) return { k: "code", code: text };
      return isSetName(text) ? { k: "set", name: text } : { k: "bad" };
    default: {
      const never: never = kind;
      return never;
    }
  }
}

/** Human name of a kind of set, for messages: "code set", "dx set", "modifier set". */
export function kindName(kind: SetKind): string {
  return kind === "codes" ? "code set" : kind === "dx" ? "dx set" : "modifier set";
}

/** Sorted, deduplicated dx set with codes under a prefix and prefixes under shorter ones dropped. */
export function normalizeDxSet(codes: Iterable<string>, prefixes: Iterable<string>): DxSet {
  const ps = [...new Set(prefixes)].sort();
  const keptPrefixes: string[] = [];
  for (const p of ps) if (!keptPrefixes.some((q) => p.startsWith(q))) keptPrefixes.push(p);
  const keptCodes = [...new Set(codes)].filter((c) => !keptPrefixes.some((q) => c.startsWith(q))).sort();
  return { codes: keptCodes, prefixes: keptPrefixes };
}

/** Lowers set expressions through the program's named sets (memoized per name). */
export class SetResolver {
  private readonly codeMemo = new Map<string, CodeRanges>();
  private readonly dxMemo = new Map<string, { codes: string[]; prefixes: string[] }>();
  private readonly modMemo = new Map<string, string[]>();
  private readonly visiting = new Set<string>();

  constructor(
    readonly sets: ReadonlyMap<string, SetInfo>,
    readonly icd: IcdList | undefined,
  ) {}

  private isDefined = (name: string): boolean => this.sets.has(name);

  /** The meaning of a word in a set of `kind`. */
  classify(text: string, kind: SetKind): WordClass {
    return classifyWord(text, kind, this.isDefined, this.icd);
  }

  /** A named set's items, if it exists with that kind and is not already being expanded. */
  private named<T>(name: string, kind: SetKind, memo: Map<string, T>, expand: (expr: SetExpr) => T): T | undefined {
    const info = this.sets.get(name);
    if (!info || info.kind !== kind) return undefined;
    const hit = memo.get(name);
    if (hit !== undefined) return hit;
    // INVARIANT: a cycle was reported by the resolve stage; here it only must not recurse forever.
    if (this.visiting.has(name)) return undefined;
    this.visiting.add(name);
    const value = expand(info.decl.value);
    this.visiting.delete(name);
    memo.set(name, value);
    return value;
  }

  /** A code set as sorted disjoint merged ranges. */
  codes(expr: SetExpr): CodeRanges {
    const ranges: [string, string][] = [];
    for (const item of expr.items) ranges.push(...this.codeItem(item));
    return normalizeRanges(ranges);
  }

  private codeItem(item: SetItem): [string, string][] {
    if (item.kind === "set-range") {
      const a = item.from.text;
      const b = item.to.text;
      return isProcedureCode(a) && isProcedureCode(b) && a <= b ? [[a, b]] : [];
    }
    const c = this.classify(item.word.text, "codes");
    if (c.k === "code") return [[c.code, c.code]];
    if (c.k === "set") return (this.named(c.name, "codes", this.codeMemo, (e) => this.codes(e)) ?? []).map(([lo, hi]) => [lo, hi]);
    return [];
  }

  /** A dx set: exact codes and prefixes, normalized. */
  dx(expr: SetExpr): DxSet {
    const codes: string[] = [];
    const prefixes: string[] = [];
    for (const item of expr.items) {
      if (item.kind === "set-range") {
        if (!this.icd) continue;
        const from = normalizeIcd(item.from.text);
        const to = normalizeIcd(item.to.text);
        if (isIcdShape(item.from.text) && isIcdShape(item.to.text) && from <= to) codes.push(...this.icd.range(from, to));
        continue;
      }
      const c = this.classify(item.word.text, "dx");
      if (c.k === "code") codes.push(c.code);
      else if (c.k === "pattern") prefixes.push(c.prefix);
      else if (c.k === "set") {
        const inner = this.named(c.name, "dx", this.dxMemo, (e) => this.dx(e));
        if (inner) (codes.push(...inner.codes), prefixes.push(...inner.prefixes));
      }
    }
    return normalizeDxSet(codes, prefixes);
  }

  /** A modifier set, sorted and deduplicated. */
  modifiers(expr: SetExpr): string[] {
    const out = new Set<string>();
    for (const item of expr.items) {
      if (item.kind === "set-range") continue;
      const c = this.classify(item.word.text, "modifiers");
      if (c.k === "code") out.add(c.code);
      else if (c.k === "set") for (const m of this.named(c.name, "modifiers", this.modMemo, (e) => this.modifiers(e)) ?? []) out.add(m);
    }
    return [...out].sort();
  }

  /** The exact codes of a code set in written order (ranges are skipped; validation rejects them here). */
  exactCodes(expr: SetExpr): string[] {
    const out: string[] = [];
    const walk = (e: SetExpr): void => {
      for (const item of e.items) {
        if (item.kind === "set-range") continue;
        const c = this.classify(item.word.text, "codes");
        if (c.k === "code") {
          if (!out.includes(c.code)) out.push(c.code);
        } else if (c.k === "set") {
          const info = this.sets.get(c.name);
          if (info && info.kind === "codes" && !this.visiting.has(c.name)) {
            this.visiting.add(c.name);
            walk(info.decl.value);
            this.visiting.delete(c.name);
          }
        }
      }
    };
    walk(expr);
    return out;
  }
}

/**
 * Stage `validate`: every code by its context, every value, every metadata line.
 *
 * - procedure codes `NNNNN`, `NNNN[AMUFT]`, `ANNNN`; ranges of one shape with from ≤ to;
 * - ICD-10-CM in dx context: exact codes must be in the FY2026 list (a non-billable header is
 *   a warning: it matches only itself), patterns `C44.*` must match some entry, ranges;
 * - modifiers: two letters or digits;
 * - numbers, dates (real calendar dates, from ≤ until), severity and category values, fact
 *   names and how they are compared;
 * - line-only atoms (`modifier`, `units`, facts) in a claim-scope rule;
 * - which metadata lines an item takes, each at most once.
 */
import type { Cond, DateLit, Item, Meta, NumberLit, Rule, SelectTable, SetExpr, SetItem, Word } from "../grammar/ast.ts";
import type { Span } from "../grammar/source.ts";
import { dayNumber } from "../runtime/dates.ts";
import { codeShape, describeShape, displayIcd, icdPatternPrefix, isIcdShape, isProcedureCode, normalizeIcd } from "./codes.ts";
import type { CompileContext, SetKind } from "./context.ts";
import { error, tick, warning } from "./diagnostics.ts";
import type { IcdList } from "./icd10.ts";
import { classifyWord } from "./sets.ts";
import { didYouMean, suggest } from "./suggest.ts";
import { condAtoms, itemSetUses } from "./walk.ts";

export const SEVERITIES = ["error", "warning", "info"] as const;
export const CATEGORIES = [
  "ptp",
  "mue",
  "addon",
  "medical-necessity",
  "modifier",
  "code-selection",
  "coverage",
  "code",
  "policy",
] as const;
export const NUMERIC_FACTS = ["lesionCount", "excisedDiameterCm", "repairLengthCm"] as const;
export const FACTS = ["site", ...NUMERIC_FACTS] as const;
const SEXES = ["M", "F", "U"];

const PROCEDURE_HINT =
  "procedure codes have five characters: five digits (`17000`), four digits and A, M, U, F or T (`0591T`), or a letter and four digits (`G0127`)";
const ICD_HINT = "ICD-10-CM codes are a letter, two letters or digits and up to four more (`L57.0`, `C44.311`); patterns end in `*` (`C44.*`)";

/** Runs every check on every file. */
export function validateStage(ctx: CompileContext): void {
  const v = new Validator(ctx);
  for (const file of ctx.files) for (const item of file.items) v.item(item);
}

class Validator {
  constructor(private readonly ctx: CompileContext) {}

  private err(code: Parameters<typeof error>[0], span: Span, message: string, hint?: string): void {
    this.ctx.diagnostics.push(error(code, span, message, hint !== undefined ? { hint } : {}));
  }

  item(item: Item): void {
    for (const use of itemSetUses(item)) this.setExpr(use.expr, use.kind, use.exact === true);
    switch (item.kind) {
      case "rule":
        this.rule(item);
        this.meta(item.meta, "rule");
        break;
      case "override":
        if (item.rule) this.rule(item.rule);
        this.meta(item.meta, "override");
        break;
      case "select":
        this.select(item);
        this.meta(item.meta, "select");
        break;
      case "table-ref":
        this.meta(item.meta, "table");
        break;
      case "set-decl":
      case "disable":
      case "test":
        break;
      default: {
        const never: never = item;
        return never;
      }
    }
  }

  // -------------------------------------------------------------------------- sets

  private setExpr(expr: SetExpr, kind: SetKind, exact: boolean): void {
    for (const item of expr.items) this.setItem(item, kind, exact);
  }

  private setItem(item: SetItem, kind: SetKind, exact: boolean): void {
    const icd = this.ctx.icd;
    if (item.kind === "set-range") {
      if (exact) {
        this.err("DR2041", item.span, `a fix names exact codes, not the range ${tick(`${item.from.text}-${item.to.text}`)}`, "list the codes one by one");
        return;
      }
      switch (kind) {
        case "codes":
          return this.codeRange(item.from, item.to, item.span);
        case "dx":
          return this.icdRange(item.from, item.to, item.span, icd);
        case "modifiers":
          this.err("DR2028", item.span, `modifier sets take single modifiers, not the range ${tick(`${item.from.text}-${item.to.text}`)}`, "list the modifiers one by one");
          return;
        default: {
          const never: never = kind;
          return never;
        }
      }
    }
    const w = item.word;
    const c = classifyWord(w.text, kind, (n) => this.ctx.sets.has(n), icd);
    switch (c.k) {
      case "set": {
        // Unknown and wrong-kind names were reported by `resolve`.
        if (exact) {
          const info = this.ctx.sets.get(c.name);
          if (info?.kind === "codes" && setHasRange(info.decl.value, this.ctx)) {
            this.err("DR2041", w.span, `a fix names exact codes, but set ${tick(c.name)} holds ranges`, "list the codes one by one");
          }
        }
        return;
      }
      case "code":
        if (kind === "dx") this.icdCode(w, c.code, icd);
        return;
      case "pattern":
        if (icd && !icd.hasPrefix(c.prefix)) {
          this.ctx.diagnostics.push(
            error("DR2025", w.span, `pattern ${tick(w.text)} matches no ICD-10-CM ${icd.version} code`, {
              hint: didYouMeanPrefix(icd, c.prefix) ?? "check the category: patterns match the codes that start with what comes before `*`",
            }),
          );
        }
        return;
      case "bad":
        return this.badWord(w, kind);
      default: {
        const never: never = c;
        return never;
      }
    }
  }

  private badWord(w: Word, kind: SetKind): void {
    switch (kind) {
      case "codes": {
        const looksDx = isIcdShape(w.text) || icdPatternPrefix(w.text) !== undefined;
        this.err("DR2020", w.span, `${tick(w.text)} is not a procedure code`, looksDx ? `${tick(w.text)} looks like a diagnosis: write \`dx in ${w.text}\`` : PROCEDURE_HINT);
        return;
      }
      case "dx":
        this.err("DR2022", w.span, `${tick(w.text)} is not an ICD-10-CM code or pattern`, isProcedureCode(w.text) ? `${tick(w.text)} is a procedure code: test it outside \`dx\`` : ICD_HINT);
        return;
      case "modifiers":
        this.err("DR2027", w.span, `${tick(w.text)} is not a modifier`, "modifiers are two letters or digits, e.g. `25`, `59`, `XS`");
        return;
      default: {
        const never: never = kind;
        return never;
      }
    }
  }

  private codeRange(from: Word, to: Word, span: Span): void {
    let ok = true;
    for (const end of [from, to]) {
      if (!isProcedureCode(end.text)) {
        this.err("DR2020", end.span, `${tick(end.text)} is not a procedure code`, PROCEDURE_HINT);
        ok = false;
      }
    }
    if (!ok) return;
    const a = codeShape(from.text);
    const b = codeShape(to.text);
    const text = `${from.text}-${to.text}`;
    if (a !== b) {
      this.err("DR2021", span, `range ${tick(text)} mixes ${describeShape(a)} with ${describeShape(b)}`, "both ends of a range must have the same shape; split it into one range per shape");
    } else if (from.text > to.text) {
      this.err("DR2029", span, `range ${tick(text)} runs backwards`, `write ${tick(`${to.text}-${from.text}`)}`);
    }
  }

  private icdRange(from: Word, to: Word, span: Span, icd: IcdList | undefined): void {
    const text = `${from.text}-${to.text}`;
    for (const end of [from, to]) {
      if (!isIcdShape(end.text)) {
        this.err("DR2026", end.span, `${tick(end.text)} cannot end an ICD-10-CM range`, "both ends of a range are codes such as `L57.0`; for a pattern write `L57.*` alone");
        return;
      }
      if (icd && !icd.has(normalizeIcd(end.text))) {
        const near = icd.suggest(normalizeIcd(end.text)).map(displayIcd);
        this.ctx.diagnostics.push(error("DR2023", end.span, `unknown ICD-10-CM code ${tick(end.text)}`, withHint(didYouMean(near))));
        return;
      }
    }
    if (normalizeIcd(from.text) > normalizeIcd(to.text)) {
      this.err("DR2026", span, `range ${tick(text)} runs backwards`, `write ${tick(`${to.text}-${from.text}`)}`);
    }
  }

  private icdCode(w: Word, code: string, icd: IcdList | undefined): void {
    if (!icd) return;
    if (icd.billable.has(code)) return;
    if (icd.headers.has(code)) {
      const under = icd.billableUnder(code, 3).map(displayIcd);
      this.ctx.diagnostics.push(
        warning("DR2024", w.span, `${tick(w.text)} is an ICD-10-CM category header, not a billable code: it matches only claims that carry the header itself`, {
          hint: `write ${tick(`${w.text}*`)} to match the codes under it${under.length ? ` (${under.map(tick).join(", ")}, …)` : ""}`,
        }),
      );
      return;
    }
    const near = icd.suggest(code).map(displayIcd);
    this.ctx.diagnostics.push(error("DR2023", w.span, `unknown ICD-10-CM code ${tick(w.text)}`, withHint(didYouMean(near) ?? `it is not in the ICD-10-CM ${icd.version} list`)));
  }

  // -------------------------------------------------------------------------- rules

  private rule(rule: Rule): void {
    const atoms = condAtoms(rule.condition);
    for (const atom of atoms) this.atom(atom);
    if (rule.scope === "claim") {
      for (const atom of atoms) {
        if (atom.kind === "modifier" || atom.kind === "units" || atom.kind === "fact") this.lineOnly(atom, rule);
      }
    }
    const a = rule.action;
    if (a.kind === "limit") this.wholeNumber(a.max, "a limit");
  }

  private select(sel: SelectTable): void {
    for (const c of sel.cases) {
      for (const atom of condAtoms(c.condition)) this.atom(atom);
      if (!isProcedureCode(c.code.text)) this.err("DR2020", c.code.span, `${tick(c.code.text)} is not a procedure code`, PROCEDURE_HINT);
    }
  }

  /** DR2035, with the rewrite spelled out when the condition starts with a code atom. */
  private lineOnly(atom: Cond, rule: Rule): void {
    const what = atom.kind === "modifier" ? "`modifier`" : atom.kind === "units" ? "`units`" : atom.kind === "fact" ? `fact ${tick((atom as { name: { text: string } }).name.text)}` : "this condition";
    const first = condAtoms(rule.condition).find((a) => a.kind === "codes" && a.qualifier === undefined);
    const src = this.ctx.sources.get(rule.span.file);
    const codesText = first && src ? src.text.slice(first.span.start, first.span.end) : "<codes>";
    this.err(
      "DR2035",
      atom.span,
      `${what} reads one claim line, but this rule looks at the whole claim`,
      `write \`when line ${codesText} and …\` so that the condition is checked on each ${codesText === "<codes>" ? "line of the codes" : `${codesText} line`}`,
    );
  }

  private atom(atom: Cond): void {
    switch (atom.kind) {
      case "codes":
        if (atom.qualifier?.kind === "count" || atom.qualifier?.kind === "units") this.wholeNumber(atom.qualifier.value, atom.qualifier.kind === "count" ? "a count" : "units");
        return;
      case "units":
        this.wholeNumber(atom.value, "units");
        return;
      case "age":
        this.wholeNumber(atom.value, "an age");
        return;
      case "sex":
        for (const w of atom.values) {
          if (!SEXES.includes(w.text)) this.err("DR2037", w.span, `${tick(w.text)} is not a sex value`, "write `M`, `F` or `U`");
        }
        return;
      case "pos":
        for (const w of atom.values) {
          if (!/^[0-9]{2}$/.test(w.text)) this.err("DR2037", w.span, `${tick(w.text)} is not a place-of-service code`, "places of service are two digits, e.g. `11` (office), `22` (outpatient hospital)");
        }
        return;
      case "dos":
        this.date(atom.date);
        return;
      case "fact":
        this.fact(atom);
        return;
      case "dx":
      case "modifier":
      case "payer":
        return;
      case "and":
      case "or":
      case "not":
      case "paren":
        return; // condAtoms never yields these
      default: {
        const never: never = atom;
        return never;
      }
    }
  }

  private fact(atom: Extract<Cond, { kind: "fact" }>): void {
    const name = atom.name.text;
    if (!(FACTS as readonly string[]).includes(name)) {
      const near = suggest(name, FACTS);
      this.err("DR2034", atom.name.span, `unknown fact ${tick(name)}`, didYouMean(near) ?? `the facts are ${FACTS.map(tick).join(", ")}`);
      return;
    }
    if (name === "site") {
      if (atom.op !== "in" && atom.op !== "=") {
        this.err("DR2038", atom.span, `\`site\` is a word: compare it with \`in\` or \`=\`, not ${tick(atom.op)}`, "write `site in nose, lip` (or `not site in …`)");
        return;
      }
      for (const v of atom.values) {
        if (v.kind === "number") this.err("DR2038", v.span, `${tick(v.text)} is not a site`, "sites are words such as `nose`, `back`, `scalp`");
      }
      return;
    }
    for (const v of atom.values) {
      if (v.kind !== "number") {
        this.err("DR2038", v.span, `${tick(name)} is a number, not ${tick(v.text)}`);
        continue;
      }
      if (v.value < 0) this.err("DR2036", v.span, `${tick(name)} cannot be negative`);
      else if (name === "lesionCount" && !Number.isInteger(v.value)) this.err("DR2036", v.span, `\`lesionCount\` is a whole number, not ${tick(v.text)}`);
    }
  }

  private wholeNumber(n: NumberLit, what: string): void {
    if (!Number.isInteger(n.value) || n.value < 0) this.err("DR2036", n.span, `${what} must be a whole number of 0 or more, not ${tick(n.text)}`);
  }

  private date(d: DateLit): number | null {
    const day = dayNumber(d.text);
    if (day === null) this.err("DR2030", d.span, `${tick(d.text)} is not a calendar date`, "dates are `YYYY-MM-DD` and must exist (no 2026-02-30)");
    return day;
  }

  // -------------------------------------------------------------------------- metadata

  private meta(meta: readonly Meta[], owner: "rule" | "override" | "select" | "table"): void {
    const allowed: Record<typeof owner, Meta["kind"][]> = {
      rule: ["id", "severity", "category", "message", "source", "effective", "fix"],
      select: ["id", "severity", "category", "message", "source", "effective", "fix"],
      override: ["severity", "category", "message", "source", "effective", "fix"],
      table: ["id", "source", "version", "only"],
    };
    const seen = new Map<string, Meta>();
    for (const m of meta) {
      if (owner === "override" && m.kind === "id") {
        this.ctx.diagnostics.push(
          error("DR2054", m.span, "an `override` keeps the id of the rule it overrides", { hint: "to give a rule a new id, `disable` the old one and write a new rule" }),
        );
        continue;
      }
      if (!allowed[owner].includes(m.kind)) {
        const ownerText = owner === "table" ? "a table reference" : owner === "select" ? "a select table" : owner === "override" ? "an override" : "a rule";
        this.err("DR2039", m.span, `${tick(m.kind)} does not apply to ${ownerText}`, `${ownerText} takes ${allowed[owner].map(tick).join(", ")}`);
        continue;
      }
      const prev = seen.get(m.kind);
      if (prev) {
        this.ctx.diagnostics.push(
          error("DR2040", m.span, `${tick(m.kind)} is given twice`, { related: [{ span: prev.span, message: `first ${tick(m.kind)} here` }], hint: "keep one of them" }),
        );
        continue;
      }
      seen.set(m.kind, m);
      this.metaValue(m);
    }
  }

  private metaValue(m: Meta): void {
    switch (m.kind) {
      case "severity":
        if (!(SEVERITIES as readonly string[]).includes(m.severity.text)) {
          this.err("DR2032", m.severity.span, `unknown severity ${tick(m.severity.text)}`, didYouMean(suggest(m.severity.text, SEVERITIES)) ?? `severities are ${SEVERITIES.map(tick).join(", ")}`);
        }
        return;
      case "category":
        if (!(CATEGORIES as readonly string[]).includes(m.category.text)) {
          this.err("DR2033", m.category.span, `unknown category ${tick(m.category.text)}`, didYouMean(suggest(m.category.text, CATEGORIES)) ?? `categories are ${CATEGORIES.map(tick).join(", ")}`);
        }
        return;
      case "effective": {
        const from = m.from ? this.date(m.from) : null;
        const until = m.until ? this.date(m.until) : null;
        if (from !== null && until !== null && from > until) {
          this.err("DR2031", m.span, `the effective window ends (${m.until!.text}) before it starts (${m.from!.text})`, "`effective FROM until UNTIL` needs FROM on or before UNTIL");
        }
        return;
      }
      case "fix": {
        const f = m.fix;
        if (f.kind === "set-units" && (!Number.isInteger(f.units.value) || f.units.value < 1)) {
          this.err("DR2036", f.units.span, `units must be a whole number of 1 or more, not ${tick(f.units.text)}`, "to drop the line, write `fix remove`");
        }
        if (f.kind === "add-modifier" && !/^[0-9A-Z]{2}$/.test(f.modifier.text)) {
          this.err("DR2027", f.modifier.span, `${tick(f.modifier.text)} is not a modifier`, "modifiers are two letters or digits, e.g. `25`, `59`, `XS`");
        }
        return;
      }
      case "id":
      case "message":
      case "source":
      case "version":
      case "only":
        return;
      default: {
        const never: never = m;
        return never;
      }
    }
  }
}

function withHint(hint: string | undefined): { hint?: string } {
  return hint === undefined ? {} : { hint };
}

/** Whether a code set (following named sets) holds a range. */
function setHasRange(expr: SetExpr, ctx: CompileContext, seen = new Set<string>()): boolean {
  for (const item of expr.items) {
    if (item.kind === "set-range") return true;
    const name = item.word.text;
    const info = ctx.sets.get(name);
    if (info && info.kind === "codes" && !seen.has(name)) {
      seen.add(name);
      if (setHasRange(info.decl.value, ctx, seen)) return true;
    }
  }
  return false;
}

/** A did-you-mean for a pattern prefix that matches nothing: the nearest category. */
function didYouMeanPrefix(icd: IcdList, prefix: string): string | undefined {
  if (prefix.length < 3) return undefined;
  const cats = [...new Set(icd.all.map((c) => c.slice(0, 3)))];
  // Same chapter letter first: `U99` is nearer to `U09` than to `A99` for a coder.
  const sameLetter = cats.filter((c) => c[0] === prefix[0]);
  let near = suggest(prefix.slice(0, 3), sameLetter, { max: 2, maxDistance: 1 });
  if (near.length === 0) near = suggest(prefix.slice(0, 3), cats, { max: 2, maxDistance: 1 });
  return near.length ? didYouMean(near.map((c) => `${c}${prefix.length > 3 ? `.${prefix.slice(3)}` : "."}*`)) : undefined;
}

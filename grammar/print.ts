/**
 * The printer: an AST (and, optionally, the comments and text it was parsed from) → the one
 * canonical layout of the rule language. `dermrules fmt` (grammar/format.ts) is built on it.
 *
 * The layout, construct by construct:
 * - a rule head (`when … ACTION`) on one line when it fits in {@link LINE_WIDTH} columns;
 *   a longer one is broken by {@link layoutRuleHead} (action on its own line, the condition
 *   broken before its `and`s / `or`s); its metadata lines below it, indented two spaces, in
 *   the fixed order of {@link META_ORDER} (a stable sort: repeated lines keep their order, so
 *   the compiler's "first one wins" still picks the same line);
 * - `override ID` on its own line, a replacing `when …` body and the metadata indented below;
 * - `codes NAME = …` on one line when it fits in {@link LINE_WIDTH} columns; otherwise
 *   `codes NAME =` and the items filled into indented lines; one item per line when comments
 *   sit among the items, so that each comment stays beside its item;
 * - select cases (one line each, however long: a decision table reads by rows) and test-block
 *   lines indented two spaces, `}` on its own line; a test block
 *   prints `claim`, then the `line`s, then the `expect`s, each with its attributes in one order;
 * - one space around operators and after commas, `dx in`, `claim dx in`, `effective … until …`,
 *   `sex F` / `sex in M, F`, `limit S to N` (`per line` only when it is per line);
 * - one blank line between items. Between two one-line declarations (`ruleset`, sets,
 *   `disable`) a blank line is kept only where the source had one, so groups of sets stay
 *   grouped; no blank lines inside an item;
 * - comments stay where they were: a comment on a line of its own goes before the line of
 *   output that follows it in the source (or, when it sits inside a multi-line rule head,
 *   before that head), at that line's indentation; a comment after code stays at the end of
 *   that code's output line. Blank lines around comments between items are kept (at most one).
 *
 * The printer never looks at spans for anything but comment placement and blank lines, so
 * `printRules(ast)` of a built AST needs no text.
 */
import type * as A from "./ast.ts";

/** Output lines are kept within this many columns where the language allows a break. */
export const LINE_WIDTH = 100;

/** A `#` comment with its place (the shape `parseRules` returns). */
export interface PrintComment {
  readonly text: string;
  readonly span: { readonly start: number; readonly end: number };
}

/** What the printer may use besides the AST. */
export interface PrintOptions {
  /** The comments of the file; they need `text`. */
  readonly comments?: readonly PrintComment[];
  /** The text the AST was parsed from: blank lines and comment positions are read from it. */
  readonly text?: string;
}

/** The order metadata lines are printed in (docs/language.md lists them so). */
export const META_ORDER: readonly A.Meta["kind"][] = [
  "id",
  "version",
  "severity",
  "category",
  "message",
  "source",
  "effective",
  "only",
  "fix",
];

/** Metadata in canonical order (a stable sort; the input is not changed). */
export function sortMeta(meta: readonly A.Meta[]): A.Meta[] {
  return meta
    .map((m, i) => ({ m, i }))
    .sort((a, b) => META_ORDER.indexOf(a.m.kind) - META_ORDER.indexOf(b.m.kind) || a.i - b.i)
    .map(({ m }) => m);
}

// ---------------------------------------------------------------- leaves and pieces

/** A string literal: quotes around the value, `"` and `\` escaped. */
export function printString(s: A.StringLit): string {
  return `"${s.value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

function printSetItem(item: A.SetItem): string {
  switch (item.kind) {
    case "set-ref":
      return item.word.text;
    case "set-range":
      return `${item.from.text}-${item.to.text}`;
    default: {
      const never: never = item;
      return never;
    }
  }
}

/** `11600-11606, MOHS, 17000` */
export function printSet(set: A.SetExpr): string {
  return set.items.map(printSetItem).join(", ");
}

function list(values: readonly { readonly text: string }[]): string {
  return values.map((v) => v.text).join(", ");
}

/** `x` for one value, `in x, y` for several (sex, pos, payer). */
function oneOrIn(values: readonly { readonly text: string }[]): string {
  return values.length === 1 ? values[0]!.text : `in ${list(values)}`;
}

// ---------------------------------------------------------------- conditions

/** A condition as an argument of `and` / `or` / `not`, in parentheses where the grammar needs them. */
function printOperand(c: A.Cond, parent: "and" | "or" | "not"): string {
  return needsParens(c, parent) ? `(${printCond(c)})` : printCond(c);
}

/**
 * The parser builds flat and/or lists and gives `not` only an atom, a `not` or parentheses;
 * an AST built by hand may nest differently, and parentheses keep its meaning in print.
 */
function needsParens(c: A.Cond, parent: "and" | "or" | "not"): boolean {
  return (parent !== "or" && (c.kind === "and" || c.kind === "or")) || (parent === "or" && c.kind === "or");
}

/** A condition in canonical form: `17003 count > 14 and not dx in L57.0`. */
export function printCond(c: A.Cond): string {
  switch (c.kind) {
    case "and":
      return c.args.map((a) => printOperand(a, "and")).join(" and ");
    case "or":
      return c.args.map((a) => printOperand(a, "or")).join(" or ");
    case "not":
      return `not ${printOperand(c.arg, "not")}`;
    case "paren":
      return `(${printCond(c.inner)})`;
    case "codes": {
      const base = printSet(c.codes);
      const q = c.qualifier;
      if (q === undefined) return base;
      switch (q.kind) {
        case "count":
        case "units":
          return `${base} ${q.kind} ${q.op} ${q.value.text}`;
        case "with-modifier":
          return `${base} ${q.negated ? "without" : "with"} modifier ${printSet(q.modifiers)}`;
        case "with-dx":
          return `${base} ${q.negated ? "without" : "with"} dx ${printSet(q.dx)}`;
        default: {
          const never: never = q;
          return never;
        }
      }
    }
    case "dx":
      return `${c.scope === "claim" ? "claim " : ""}dx in ${printSet(c.dx)}`;
    case "modifier":
      return `modifier ${printSet(c.modifiers)}`;
    case "units":
    case "age":
      return `${c.kind} ${c.op} ${c.value.text}`;
    case "sex":
    case "pos":
    case "payer":
      return `${c.kind} ${oneOrIn(c.values)}`;
    case "dos":
      return `dos ${c.op} ${c.date.text}`;
    case "fact":
      return `${c.name.text} ${c.op} ${list(c.values)}`;
    default: {
      const never: never = c;
      return never;
    }
  }
}

// ---------------------------------------------------------------- actions, fixes, metadata

/** `require 17000`, `forbid modifier GA on 17110`, `limit 11102 to 1 per line`, `deny` … */
export function printAction(a: A.Action): string {
  switch (a.kind) {
    case "require-codes":
      return `require ${printSet(a.codes)}`;
    case "require-modifier":
      return `require modifier ${printSet(a.modifiers)}${a.on ? ` on ${printSet(a.on)}` : ""}`;
    case "require-dx":
      return `require dx in ${printSet(a.dx)}`;
    case "forbid-codes":
      return `forbid ${printSet(a.codes)}`;
    case "forbid-modifier":
      return `forbid modifier ${printSet(a.modifiers)}${a.on ? ` on ${printSet(a.on)}` : ""}`;
    case "limit":
      return `limit ${printSet(a.codes)} to ${a.max.text}${a.per === "line" ? " per line" : ""}`;
    case "deny":
    case "flag":
      return a.kind;
    default: {
      const never: never = a;
      return never;
    }
  }
}

function printFix(f: A.FixSpec): string {
  switch (f.kind) {
    case "replace":
      return `replace ${printSet(f.from)} with ${printSet(f.to)}`;
    case "remove":
      return f.codes ? `remove ${printSet(f.codes)}` : "remove";
    case "add-code":
      return `add ${printSet(f.codes)}`;
    case "add-modifier":
      return `add modifier ${f.modifier.text}${f.to ? ` to ${printSet(f.to)}` : ""}`;
    case "set-units":
      return `set units ${f.units.text}`;
    case "text":
      return printString(f.text);
    default: {
      const never: never = f;
      return never;
    }
  }
}

/** One metadata line, without indentation: `id cms.aoc.17003`, `effective 2026-01-01 until 2026-12-31` … */
export function printMeta(m: A.Meta): string {
  switch (m.kind) {
    case "id":
      return `id ${m.id.text}`;
    case "severity":
      return `severity ${m.severity.text}`;
    case "category":
      return `category ${m.category.text}`;
    case "message":
      return `message ${printString(m.message)}`;
    case "source":
      return `source ${printString(m.source)}`;
    case "effective": {
      // `effective until D` rather than a bare `until D`: printed under an `effective D` line,
      // a bare `until` would be read as that line's end date.
      const from = m.from ? ` ${m.from.text}` : "";
      const until = m.until ? ` until ${m.until.text}` : "";
      return `effective${from}${until}`;
    }
    case "fix":
      return `fix ${printFix(m.fix)}`;
    case "version":
      return `version ${printString(m.version)}`;
    case "only":
      return `only ${printSet(m.codes)}`;
    default: {
      const never: never = m;
      return never;
    }
  }
}

/** `when [line S and] COND ACTION` on one line (metadata not included). */
export function printRuleHead(r: A.Rule): string {
  const parts = ["when"];
  if (r.scope === "line") {
    parts.push("line", printSet(r.subject ?? { kind: "set", items: [], span: r.span }));
    if (r.condition) parts.push("and", printCond(r.condition));
  } else if (r.condition) {
    parts.push(printCond(r.condition));
  }
  parts.push(printAction(r.action));
  return parts.join(" ");
}

// ---------------------------------------------------------------- long rule heads

/**
 * A small Wadler-style document for the one construct that is laid out by width: a rule
 * head that does not fit on one line. A `line` is a space when its group fits on the line,
 * a line break (at the current nesting) when it does not.
 */
type Doc = string | readonly Doc[] | { readonly line: true } | { readonly group: Doc } | { readonly nest: number; readonly doc: Doc };

const LINE: Doc = { line: true };
const group = (doc: Doc): Doc => ({ group: doc });
const nest = (n: number, doc: Doc): Doc => ({ nest: n, doc });

function isDocList(doc: Doc): doc is readonly Doc[] {
  return Array.isArray(doc);
}

function joinDocs(parts: readonly Doc[], separator: Doc): Doc[] {
  return parts.flatMap((p, i) => (i === 0 ? [p] : [separator, p]));
}

/** A condition as a document: and/or lists break before their operators, parentheses nest by four. */
function condDoc(c: A.Cond): Doc {
  const operand = (arg: A.Cond, parent: "and" | "or" | "not"): Doc =>
    needsParens(arg, parent) ? ["(", nest(4, condDoc(arg)), ")"] : condDoc(arg);
  switch (c.kind) {
    case "and":
      return group(joinDocs(c.args.map((a) => operand(a, "and")), [LINE, "and "]));
    case "or":
      return group(joinDocs(c.args.map((a) => operand(a, "or")), [LINE, "or "]));
    case "not":
      return ["not ", operand(c.arg, "not")];
    case "paren":
      return ["(", nest(4, condDoc(c.inner)), ")"];
    default:
      return printCond(c);
  }
}

type Mode = "flat" | "break";
interface Command {
  readonly indent: number;
  readonly mode: Mode;
  readonly doc: Doc;
}

/** Whether the commands fit in `width` columns up to their first line break (Wadler's `fits`). */
function fits(width: number, next: Command, rest: readonly Command[]): boolean {
  const stack: Command[] = [next];
  let restIndex = rest.length - 1;
  let left = width;
  for (;;) {
    let cmd = stack.pop();
    if (cmd === undefined) {
      if (restIndex < 0) return true;
      cmd = rest[restIndex--]!;
    }
    const { indent, mode, doc } = cmd;
    if (typeof doc === "string") {
      left -= doc.length;
      if (left < 0) return false;
    } else if (isDocList(doc)) {
      for (let i = doc.length - 1; i >= 0; i--) stack.push({ indent, mode, doc: doc[i]! });
    } else if ("line" in doc) {
      if (mode === "break") return true;
      left -= 1;
      if (left < 0) return false;
    } else if ("group" in doc) {
      stack.push({ indent, mode, doc: doc.group });
    } else {
      stack.push({ indent: indent + doc.nest, mode, doc: doc.doc });
    }
  }
}

/** Renders a document whose first line starts at column `indent` (continuation lines carry their indentation). */
function renderDoc(doc: Doc, indent: number, width: number): string {
  const stack: Command[] = [{ indent, mode: "break", doc }];
  let out = "";
  let column = indent;
  for (;;) {
    const cmd = stack.pop();
    if (cmd === undefined) return out;
    const { indent: ind, mode, doc: d } = cmd;
    if (typeof d === "string") {
      out += d;
      column += d.length;
    } else if (isDocList(d)) {
      for (let i = d.length - 1; i >= 0; i--) stack.push({ indent: ind, mode, doc: d[i]! });
    } else if ("line" in d) {
      if (mode === "flat") {
        out += " ";
        column += 1;
      } else {
        out += `\n${" ".repeat(ind)}`;
        column = ind;
      }
    } else if ("group" in d) {
      const flat: Command = { indent: ind, mode: "flat", doc: d.group };
      stack.push(mode === "flat" || fits(width - column, flat, stack) ? flat : { indent: ind, mode: "break", doc: d.group });
    } else {
      stack.push({ indent: ind + d.nest, mode, doc: d.doc });
    }
  }
}

/**
 * A rule head laid out for a line that starts at column `indent`: on one line when it fits in
 * {@link LINE_WIDTH}; otherwise the action goes on a line of its own (two spaces in, like the
 * metadata), a line-scope rule's `and CONDITION` starts a line four spaces in, and a condition
 * that still does not fit breaks before each `and` / `or` of its list, parenthesised lists
 * four spaces further in, the `)` ending their last line.
 */
export function layoutRuleHead(r: A.Rule, indent = 0): string {
  const flat = printRuleHead(r);
  if (indent + flat.length <= LINE_WIDTH) return flat;
  const action = nest(2, [LINE, printAction(r.action)]);
  let doc: Doc;
  if (r.scope === "line") {
    const subject = printSet(r.subject ?? { kind: "set", items: [], span: r.span });
    const condition = r.condition ? nest(4, [LINE, "and ", condDoc(r.condition)]) : [];
    doc = group([`when line ${subject}`, condition, action]);
  } else {
    doc = group(["when ", r.condition ? nest(4, condDoc(r.condition)) : [], action]);
  }
  return renderDoc(doc, indent, LINE_WIDTH);
}

// ---------------------------------------------------------------- test blocks

function printClaim(c: A.TestClaim): string {
  const parts = ["claim"];
  if (c.id) parts.push("id", c.id.kind === "string" ? printString(c.id) : c.id.text);
  if (c.serviceDate) parts.push("dos", c.serviceDate.text);
  if (c.payer) parts.push("payer", c.payer.text);
  if (c.diagnoses.length > 0) parts.push("dx", list(c.diagnoses));
  if (c.sex) parts.push("sex", c.sex.text);
  if (c.birthDate) parts.push("born", c.birthDate.text);
  if (c.placeOfService) parts.push("pos", c.placeOfService.text);
  return parts.join(" ");
}

function printTestLine(l: A.TestLine): string {
  const parts = ["line", l.code.text];
  if (l.units) parts.push("units", l.units.text);
  if (l.modifiers.length > 0) parts.push("modifiers", list(l.modifiers));
  if (l.dxPointers.length > 0) parts.push("dx", list(l.dxPointers));
  if (l.serviceDate) parts.push("dos", l.serviceDate.text);
  if (l.charge) parts.push("charge", l.charge.text);
  if (l.facts.length > 0) parts.push("facts", l.facts.map((f) => `${f.name.text} ${f.value.text}`).join(", "));
  return parts.join(" ");
}

function printExpectation(e: A.Expectation): string {
  switch (e.kind) {
    case "expect-finding": {
      const severity = e.severity ? ` ${e.severity.text}` : "";
      const lines = e.lines ? ` lines ${list(e.lines)}` : "";
      return `expect${severity} ${e.rule.text}${lines}`;
    }
    case "expect-no":
      return `expect no ${e.rule.text}`;
    case "expect-verdict":
      return `expect verdict ${e.verdict.text}`;
    default: {
      const never: never = e;
      return never;
    }
  }
}

// ---------------------------------------------------------------- output lines

/**
 * One line of output. `start`/`end` is the stretch of source text the line was printed from
 * (NaN when there is no source): comments are attached to lines by it.
 */
interface Unit {
  readonly indent: number;
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** Indentation of comments placed before this line (a closing `}` takes its block's). */
  readonly commentIndent: number;
  leading: PrintComment[];
  trailing: PrintComment[];
}

type TopItem = A.RulesetDecl | A.Item;

/** Items printed on one line, between which the source's blank lines are kept. */
function isOneLineKind(item: TopItem): boolean {
  return item.kind === "ruleset" || item.kind === "set-decl" || item.kind === "disable";
}

/** Builds the output lines of items; knows the source text, if any, to find braces and comments. */
class LineBuilder {
  constructor(
    private readonly text: string | undefined,
    private readonly comments: readonly PrintComment[],
  ) {}

  private unit(indent: number, text: string, start: number, end: number, commentIndent = indent): Unit {
    return { indent, text, start, end, commentIndent, leading: [], trailing: [] };
  }

  /** Offset of the punctuation `ch` at or after `from`, past whitespace and comments (NaN if absent). */
  private punct(from: number, ch: string): number {
    const t = this.text;
    if (t === undefined) return NaN;
    let i = from;
    while (i < t.length) {
      const c = t[i]!;
      if (c === ch) return i;
      if (c === "#") {
        while (i < t.length && t[i] !== "\n" && t[i] !== "\r") i++;
      } else if (/[ \t\r\n\f\v\uFEFF]/.test(c)) {
        i++;
      } else {
        return NaN;
      }
    }
    return NaN;
  }

  private metaUnits(meta: readonly A.Meta[]): Unit[] {
    return sortMeta(meta).map((m) => this.unit(2, printMeta(m), m.span.start, m.span.end));
  }

  units(item: TopItem): Unit[] {
    switch (item.kind) {
      case "ruleset": {
        const text = `ruleset ${item.name.text}${item.extends ? ` extends ${item.extends.text}` : ""}`;
        return [this.unit(0, text, item.span.start, item.span.end)];
      }
      case "set-decl":
        return this.setDeclUnits(item);
      case "rule":
        return [this.unit(0, layoutRuleHead(item, 0), item.span.start, item.action.span.end), ...this.metaUnits(item.meta)];
      case "override": {
        const head = this.unit(0, `override ${item.target.text}`, item.span.start, item.target.span.end);
        const body = item.rule
          ? [this.unit(2, layoutRuleHead(item.rule, 2), item.rule.span.start, item.rule.action.span.end)]
          : [];
        return [head, ...body, ...this.metaUnits(item.meta)];
      }
      case "disable":
        return [this.unit(0, `disable ${item.target.text}`, item.span.start, item.span.end)];
      case "table-ref":
        return [
          this.unit(0, `${item.table} ${printString(item.path)}`, item.span.start, item.path.span.end),
          ...this.metaUnits(item.meta),
        ];
      case "select": {
        const open = this.punct(item.subject.span.end, "{");
        const lastCase = item.cases[item.cases.length - 1];
        const close = this.punct(lastCase ? lastCase.span.end : open + 1, "}");
        return [
          this.unit(0, `select for ${printSet(item.subject)} {`, item.span.start, open + 1),
          ...item.cases.map((c) =>
            this.unit(2, `case ${printCond(c.condition)} -> ${c.code.text}`, c.span.start, c.span.end),
          ),
          this.unit(0, "}", close, close + 1, 2),
          ...this.metaUnits(item.meta),
        ];
      }
      case "test": {
        const open = this.punct(item.name.span.end, "{");
        const close = item.span.end - 1;
        const body: Unit[] = [];
        if (item.claim) body.push(this.unit(2, printClaim(item.claim), item.claim.span.start, item.claim.span.end));
        for (const l of item.lines) body.push(this.unit(2, printTestLine(l), l.span.start, l.span.end));
        for (const e of item.expectations) body.push(this.unit(2, printExpectation(e), e.span.start, e.span.end));
        return [
          this.unit(0, `test ${printString(item.name)} {`, item.span.start, open + 1),
          ...body,
          this.unit(0, "}", this.text === undefined ? NaN : close, close + 1, 2),
        ];
      }
      default: {
        const never: never = item;
        return never;
      }
    }
  }

  /**
   * Whether, printed one item per line, some comment of the declaration would sit among its
   * lines (and so needs that layout to stay beside its item). Comments that would go above
   * the declaration (own-line ones before `=`) or end its last line (a single comment after
   * the last item's code) do not count. The question has the same answer on the printed
   * text, which keeps the layout stable.
   */
  private commentsAmongItems(d: A.SetDecl, eq: number): boolean {
    const text = this.text;
    if (text === undefined) return false;
    const lastItem = d.value.items[d.value.items.length - 1]!;
    let onLastItem = 0;
    for (const c of this.comments) {
      if (c.span.start <= d.span.start || c.span.start >= d.span.end) continue;
      const before = codeBefore(text, c.span.start);
      if (before === undefined) {
        if (c.span.start > eq) return true;
      } else if (before >= lastItem.span.start) {
        if (++onLastItem > 1) return true;
      } else {
        return true;
      }
    }
    return false;
  }

  /** `codes NAME = …`: one line, filled lines, or one item per line (see the file header). */
  private setDeclUnits(d: A.SetDecl): Unit[] {
    const head = `${d.setKind} ${d.name.text} =`;
    const items = d.value.items;
    const eq = this.punct(d.name.span.end, "=");
    const commented = this.commentsAmongItems(d, eq);
    const oneLine = `${head} ${printSet(d.value)}`;
    if (!commented && oneLine.length <= LINE_WIDTH) return [this.unit(0, oneLine, d.span.start, d.span.end)];

    const out = [this.unit(0, head, d.span.start, eq + 1)];
    const last = items.length - 1;
    if (commented) {
      items.forEach((item, i) => {
        out.push(this.unit(2, printSetItem(item) + (i < last ? "," : ""), item.span.start, item.span.end));
      });
      return out;
    }
    // Fill: as many items per line as fit, each line but the last ending in a comma.
    let line: A.SetItem[] = [];
    let width = 2;
    const flush = (): void => {
      if (line.length === 0) return;
      const isLast = line[line.length - 1] === items[last];
      const text = line.map(printSetItem).join(", ") + (isLast ? "" : ",");
      out.push(this.unit(2, text, line[0]!.span.start, line[line.length - 1]!.span.end));
      line = [];
      width = 2;
    };
    for (const item of items) {
      const piece = printSetItem(item);
      const added = (line.length === 0 ? 0 : 1) + piece.length + 1; // a space before, a comma after
      if (line.length > 0 && width + added > LINE_WIDTH) flush();
      width += (line.length === 0 ? 0 : 1) + piece.length + 1;
      line.push(item);
    }
    flush();
    return out;
  }
}

// ---------------------------------------------------------------- comments and blank lines

const SPACE = /[ \t\f\v\uFEFF]/;

/** The comment's text without trailing whitespace (which the formatter drops). */
function commentText(c: PrintComment): string {
  return c.text.replace(/[ \t\f\v\uFEFF]+$/, "");
}

/** Whether the source has an empty line between the last code or comment before `offset` and `offset`. */
function blankLineBefore(text: string | undefined, offset: number): boolean {
  if (text === undefined || !Number.isFinite(offset)) return false;
  let newlines = 0;
  for (let i = offset - 1; i >= 0; i--) {
    const c = text[i]!;
    if (c === "\n") newlines++;
    else if (c === "\r") {
      if (text[i + 1] !== "\n") newlines++;
    } else if (!SPACE.test(c)) return newlines >= 2;
  }
  return false;
}

/**
 * Where a comment's line has code before the comment: the offset of that code's last
 * character; undefined for a comment on a line of its own.
 */
function codeBefore(text: string, offset: number): number | undefined {
  for (let i = offset - 1; i >= 0; i--) {
    const c = text[i]!;
    if (c === "\n" || c === "\r") return undefined;
    if (!SPACE.test(c)) return i;
  }
  return undefined;
}

/**
 * Attaches every comment to an output line (see the file header); comments after the last
 * line come back as the file's tail. `units` are all lines of the file, in output order.
 */
function attachComments(units: readonly Unit[], comments: readonly PrintComment[], text: string): PrintComment[] {
  // INVARIANT: lines printed from a clean parse cover disjoint stretches of the source, so
  // sorting by start puts them in source order.
  const bySource = units.filter((u) => Number.isFinite(u.start)).sort((a, b) => a.start - b.start);
  const tail: PrintComment[] = [];
  const sorted = [...comments].sort((a, b) => a.span.start - b.span.start);
  for (const c of sorted) {
    const at = c.span.start;
    const before = codeBefore(text, at);
    if (before !== undefined) {
      // After code: the line printed from that code (the last one that starts at or before it).
      const unit = lastStartingAtOrBefore(bySource, before);
      if (unit) {
        unit.trailing.push(c);
        continue;
      }
    }
    const inside = bySource.find((u) => u.start < at && at < u.end);
    const next = inside ?? bySource.find((u) => u.start > at);
    if (next) next.leading.push(c);
    else tail.push(c);
  }
  // A line ends in one comment: the others on it go above it, in source order.
  for (const u of units) {
    if (u.trailing.length > 1) {
      u.leading = [...u.leading, ...u.trailing.slice(0, -1)].sort((a, b) => a.span.start - b.span.start);
      u.trailing = u.trailing.slice(-1);
    }
  }
  return tail;
}

function lastStartingAtOrBefore(units: readonly Unit[], offset: number): Unit | undefined {
  let found: Unit | undefined;
  for (const u of units) {
    if (u.start <= offset) found = u;
    else break;
  }
  return found;
}

// ---------------------------------------------------------------- the file

/**
 * Prints a rule file in the canonical layout. With `comments` and `text` (what `parseRules`
 * returned and was given), comments are kept in place and blank lines between one-line
 * declarations are kept; without them every item is separated by one blank line.
 * The result is empty for an empty file, and ends with one newline otherwise.
 */
export function printRules(ast: A.RuleFile, options: PrintOptions = {}): string {
  const text = options.text;
  const comments = text === undefined ? [] : (options.comments ?? []);
  const builder = new LineBuilder(text, comments);
  const items: TopItem[] = ast.ruleset ? [ast.ruleset, ...ast.items] : [...ast.items];
  const perItem = items.map((item) => builder.units(item));
  const tail = text === undefined ? [] : attachComments(perItem.flat(), comments, text);

  const out: string[] = [];
  const blank = (): void => {
    if (out.length > 0 && out[out.length - 1] !== "") out.push("");
  };
  const emitComment = (c: PrintComment, indent: number): void => void out.push(" ".repeat(indent) + commentText(c));

  perItem.forEach((units, index) => {
    const first = units[0]!;
    // Own-line comments above the item (not ones moved up from inside its head).
    const above = first.leading.filter((c) => c.span.start < first.start);
    const regionStart = above[0]?.span.start ?? first.start;
    if (index > 0) {
      const keepSourceBlank = isOneLineKind(items[index - 1]!) && isOneLineKind(items[index]!);
      if (!keepSourceBlank || text === undefined || blankLineBefore(text, regionStart)) blank();
    }
    // Blank lines among the comments above an item are kept; none inside an item.
    above.forEach((c, k) => {
      if (k > 0 && blankLineBefore(text, c.span.start)) blank();
      emitComment(c, first.commentIndent);
    });
    if (above.length > 0 && blankLineBefore(text, first.start)) blank();
    for (const u of units) {
      for (const c of u.leading) if (!above.includes(c)) emitComment(c, u.commentIndent);
      const trailing = u.trailing[0];
      out.push(" ".repeat(u.indent) + u.text + (trailing ? ` ${commentText(trailing)}` : ""));
    }
  });
  for (const c of tail) {
    if (blankLineBefore(text, c.span.start)) blank();
    emitComment(c, 0);
  }
  return out.length === 0 ? "" : `${out.join("\n")}\n`;
}

/** One item in the canonical layout, without comments (for hovers, diffs and messages). */
export function printItem(item: A.Item | A.RulesetDecl): string {
  return new LineBuilder(undefined, [])
    .units(item)
    .map((u) => " ".repeat(u.indent) + u.text)
    .join("\n");
}

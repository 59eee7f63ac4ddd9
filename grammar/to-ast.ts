/**
 * CST → AST (grammar/ast.ts): the one place where the grammar gets meaning.
 *
 * - Spans are half-open `[start, end)` offsets; Chevrotain's inclusive ends are never used
 *   (the lexer tracks only start offsets, and a token ends at `startOffset + image.length`).
 * - With error recovery the CST can be partial: children missing, or tokens inserted by
 *   the parser (`isInsertedInRecovery`, no offsets). Every converter returns `undefined`
 *   for an incomplete node, and the enclosing item is then left out of the AST. The
 *   parser has already reported the error, so nothing is lost silently, and a half-built
 *   rule can never change meaning (dropping one `not` would invert a condition).
 * - Diagnostics found here: DR1004 (a word where a number belongs), DR1006 (`ruleset` not
 *   first, or twice), DR1007 (unknown string escape), DR1008 (a test attribute given twice).
 */
import type { IToken } from "chevrotain";
import type * as A from "./ast.ts";
import type * as C from "./cst.generated.d.ts";
import type { Diagnostic, Span } from "./source.ts";

/** Numbers as written in rule files: digits with an optional decimal part. */
const NUMBER = /^[0-9]+(?:\.[0-9]+)?$/;

function one<T>(xs: readonly T[] | undefined): T | undefined {
  return xs?.[0];
}

/** A token the parser really consumed (not one it invented while recovering). */
function real(token: IToken | undefined): token is IToken {
  return token !== undefined && token.isInsertedInRecovery !== true && Number.isFinite(token.startOffset);
}

function all<T>(xs: readonly (T | undefined)[]): T[] | undefined {
  for (const x of xs) if (x === undefined) return undefined;
  return xs as T[];
}

type CmpToken = A.CmpOp;
const CMP_OPS: ReadonlySet<string> = new Set([">", ">=", "<", "<=", "=", "!="]);

/** Converts one file's CST; diagnostics are appended to `diagnostics`. */
export class CstToAst {
  constructor(
    private readonly file: string,
    private readonly textLength: number,
    readonly diagnostics: Diagnostic[],
  ) {}

  // ---------------------------------------------------------------- spans and leaves

  private span(start: number, end: number): Span {
    return { file: this.file, start, end };
  }

  private tokenSpan(token: IToken): Span {
    return this.span(token.startOffset, token.startOffset + token.image.length);
  }

  /** From `start` to the furthest end among `parts` (or the start token's end). */
  private cover(start: IToken, parts: readonly ({ readonly span: Span } | undefined)[]): Span {
    let end = start.startOffset + start.image.length;
    for (const part of parts) if (part !== undefined && part.span.end > end) end = part.span.end;
    return this.span(start.startOffset, end);
  }

  private error(code: string, message: string, span: Span): void {
    this.diagnostics.push({ code, severity: "error", message, span });
  }

  private word(token: IToken | undefined): A.Word | undefined {
    if (!real(token)) return undefined;
    return { kind: "word", text: token.image, span: this.tokenSpan(token) };
  }

  private identToken(token: IToken | undefined): A.Ident | undefined {
    if (!real(token)) return undefined;
    return { kind: "ident", text: token.image, span: this.tokenSpan(token) };
  }

  private anyIdent(node: C.AnyIdentCstNode | undefined): A.Ident | undefined {
    if (node === undefined) return undefined;
    return this.identToken(one(node.children.Ident) ?? one(node.children.Keyword));
  }

  private date(token: IToken | undefined): A.DateLit | undefined {
    if (!real(token)) return undefined;
    return { kind: "date", text: token.image, span: this.tokenSpan(token) };
  }

  /** A number from a word; DR1004 when the word is not one. */
  private numberToken(token: IToken | undefined): A.NumberLit | undefined {
    if (!real(token)) return undefined;
    if (!NUMBER.test(token.image)) {
      this.error("DR1004", `expected a number but found \`${token.image}\``, this.tokenSpan(token));
      return undefined;
    }
    return { kind: "number", value: Number(token.image), text: token.image, span: this.tokenSpan(token) };
  }

  private number(node: C.NumberCstNode | undefined): A.NumberLit | undefined {
    return node === undefined ? undefined : this.numberToken(one(node.children.Word));
  }

  /** A string's value: the quotes removed, `\"` and `\\` unescaped (DR1007 for others). */
  private string(token: IToken | undefined): A.StringLit | undefined {
    if (!real(token)) return undefined;
    const image = token.image;
    // An unterminated string (reported by index.ts as DR1003) has no closing quote.
    const closed = image.length >= 2 && image.endsWith('"') && !isEscapedAt(image, image.length - 1);
    const body = image.slice(1, closed ? -1 : undefined);
    let value = "";
    for (let i = 0; i < body.length; i++) {
      const c = body[i]!;
      if (c !== "\\") {
        value += c;
        continue;
      }
      const next = body[i + 1];
      if (next === '"' || next === "\\") {
        value += next;
        i++;
      } else if (next !== undefined) {
        const at = token.startOffset + 1 + i;
        this.error(
          "DR1007",
          `unknown escape \`\\${next}\` in a string; only \`\\"\` and \`\\\\\` are escapes`,
          this.span(at, at + 2),
        );
        value += next;
        i++;
      }
    }
    return { kind: "string", value, span: this.tokenSpan(token) };
  }

  private cmpOp(token: IToken | undefined): CmpToken | undefined {
    if (!real(token) || !CMP_OPS.has(token.image)) return undefined;
    return token.image as CmpToken;
  }

  private words(node: C.WordListCstNode | undefined): A.Word[] | undefined {
    if (node === undefined) return undefined;
    const tokens = node.children.Word ?? [];
    if (tokens.length === 0 || tokens.length !== (node.children.Comma?.length ?? 0) + 1) return undefined;
    return all(tokens.map((t) => this.word(t)));
  }

  private numbers(node: C.WordListCstNode | undefined): A.NumberLit[] | undefined {
    if (node === undefined) return undefined;
    const tokens = node.children.Word ?? [];
    if (tokens.length === 0 || tokens.length !== (node.children.Comma?.length ?? 0) + 1) return undefined;
    // Convert every token first, so each bad number gets its own DR1004.
    return all(tokens.map((t) => this.numberToken(t)));
  }

  // ---------------------------------------------------------------- sets

  private setExpr(node: C.SetExprCstNode | undefined): A.SetExpr | undefined {
    if (node === undefined) return undefined;
    const itemNodes = node.children.setItem ?? [];
    if (itemNodes.length === 0 || itemNodes.length !== (node.children.Comma?.length ?? 0) + 1) {
      return undefined;
    }
    const items = all(itemNodes.map((n) => this.setItem(n)));
    if (items === undefined) return undefined;
    const first = items[0]!;
    const last = items[items.length - 1]!;
    return { kind: "set", items, span: this.span(first.span.start, last.span.end) };
  }

  private setItem(node: C.SetItemCstNode): A.SetItem | undefined {
    const from = this.word(one(node.children.from));
    if (from === undefined) return undefined;
    if (node.children.Minus === undefined) return { kind: "set-ref", word: from, span: from.span };
    const to = this.word(one(node.children.to));
    if (to === undefined) return undefined;
    return { kind: "set-range", from, to, span: this.span(from.span.start, to.span.end) };
  }

  // ---------------------------------------------------------------- conditions

  private orCond(node: C.OrCondCstNode | undefined): A.Cond | undefined {
    if (node === undefined) return undefined;
    const parts = node.children.andCond ?? [];
    if (parts.length === 0 || parts.length !== (node.children.Or?.length ?? 0) + 1) return undefined;
    const args = all(parts.map((p) => this.andCond(p)));
    if (args === undefined) return undefined;
    if (args.length === 1) return args[0];
    return { kind: "or", args, span: this.span(args[0]!.span.start, args[args.length - 1]!.span.end) };
  }

  private andCond(node: C.AndCondCstNode): A.Cond | undefined {
    const parts = node.children.notCond ?? [];
    if (parts.length === 0 || parts.length !== (node.children.And?.length ?? 0) + 1) return undefined;
    const args = all(parts.map((p) => this.notCond(p)));
    if (args === undefined) return undefined;
    if (args.length === 1) return args[0];
    return { kind: "and", args, span: this.span(args[0]!.span.start, args[args.length - 1]!.span.end) };
  }

  private notCond(node: C.NotCondCstNode | undefined): A.Cond | undefined {
    if (node === undefined) return undefined;
    const not = one(node.children.Not);
    if (not !== undefined) {
      // INVARIANT: the parser bounds `not` nesting at 64 levels, so this recursion is shallow.
      const arg = this.notCond(one(node.children.notCond));
      if (!real(not) || arg === undefined) return undefined;
      return { kind: "not", arg, span: this.span(not.startOffset, arg.span.end) };
    }
    const atom = one(node.children.atom);
    return atom === undefined ? undefined : this.atom(atom);
  }

  private atom(node: C.AtomCstNode): A.Cond | undefined {
    const c = node.children;
    const lparen = one(c.LParen);
    if (lparen !== undefined) {
      const inner = this.orCond(one(c.orCond));
      const rparen = one(c.RParen);
      if (!real(lparen) || !real(rparen) || inner === undefined) return undefined;
      return { kind: "paren", inner, span: this.span(lparen.startOffset, rparen.startOffset + 1) };
    }
    if (c.codesAtom) return this.codesAtom(c.codesAtom[0]!);
    if (c.dxAtom) {
      const n = c.dxAtom[0]!.children;
      return this.dxCond("default", one(n.Dx), one(n.setExpr));
    }
    if (c.claimDxAtom) {
      const n = c.claimDxAtom[0]!.children;
      return this.dxCond("claim", one(n.Claim), one(n.setExpr));
    }
    if (c.modifierAtom) {
      const n = c.modifierAtom[0]!.children;
      const kw = one(n.Modifier);
      const modifiers = this.setExpr(one(n.setExpr));
      if (!real(kw) || modifiers === undefined) return undefined;
      return { kind: "modifier", modifiers, span: this.cover(kw, [modifiers]) };
    }
    if (c.unitsAtom) {
      const n = c.unitsAtom[0]!.children;
      return this.comparison("units", one(n.Units), one(n.CmpOp), one(n.number));
    }
    if (c.ageAtom) {
      const n = c.ageAtom[0]!.children;
      return this.comparison("age", one(n.Age), one(n.CmpOp), one(n.number));
    }
    if (c.sexAtom) {
      const n = c.sexAtom[0]!.children;
      return this.wordValues("sex", one(n.Sex), n.inOrEq, one(n.wordList));
    }
    if (c.posAtom) {
      const n = c.posAtom[0]!.children;
      return this.wordValues("pos", one(n.Pos), n.inOrEq, one(n.wordList));
    }
    if (c.payerAtom) return this.payerAtom(c.payerAtom[0]!);
    if (c.dosAtom) {
      const n = c.dosAtom[0]!.children;
      const kw = one(n.Dos);
      const op = this.cmpOp(one(n.CmpOp));
      const date = this.date(one(n.DateLiteral));
      if (!real(kw) || op === undefined || date === undefined) return undefined;
      return { kind: "dos", op, date, span: this.cover(kw, [date]) };
    }
    if (c.factAtom) return this.factAtom(c.factAtom[0]!);
    return undefined;
  }

  private codesAtom(node: C.CodesAtomCstNode): A.CodesCond | undefined {
    const codes = this.setExpr(one(node.children.codes));
    if (codes === undefined) return undefined;
    const qualifierNode = one(node.children.codesQualifier);
    if (qualifierNode === undefined) return { kind: "codes", codes, span: codes.span };
    const qualifier = this.codesQualifier(qualifierNode);
    if (qualifier === undefined) return undefined;
    return { kind: "codes", codes, qualifier, span: this.span(codes.span.start, qualifier.span.end) };
  }

  private codesQualifier(node: C.CodesQualifierCstNode): A.CodesQualifier | undefined {
    const c = node.children;
    const counting = one(c.Count) ?? one(c.Units);
    if (counting !== undefined) {
      const op = this.cmpOp(one(c.CmpOp));
      const value = this.number(one(c.number));
      if (!real(counting) || op === undefined || value === undefined) return undefined;
      const kind = c.Count !== undefined ? "count" : "units";
      return { kind, op, value, span: this.cover(counting, [value]) };
    }
    const withKw = one(c.With) ?? one(c.Without);
    if (!real(withKw)) return undefined;
    const negated = c.Without !== undefined;
    if (c.Modifier !== undefined) {
      const modifiers = this.setExpr(one(c.modifiers));
      if (modifiers === undefined) return undefined;
      return { kind: "with-modifier", negated, modifiers, span: this.cover(withKw, [modifiers]) };
    }
    if (c.Dx !== undefined) {
      const dx = this.setExpr(one(c.dx));
      if (dx === undefined) return undefined;
      return { kind: "with-dx", negated, dx, span: this.cover(withKw, [dx]) };
    }
    return undefined;
  }

  private dxCond(
    scope: A.DxCond["scope"],
    kw: IToken | undefined,
    setNode: C.SetExprCstNode | undefined,
  ): A.DxCond | undefined {
    const dx = this.setExpr(setNode);
    if (!real(kw) || dx === undefined) return undefined;
    return { kind: "dx", scope, dx, span: this.cover(kw, [dx]) };
  }

  private comparison(
    kind: "units" | "age",
    kw: IToken | undefined,
    opToken: IToken | undefined,
    numberNode: C.NumberCstNode | undefined,
  ): A.UnitsCond | A.AgeCond | undefined {
    const op = this.cmpOp(opToken);
    const value = this.number(numberNode);
    if (!real(kw) || op === undefined || value === undefined) return undefined;
    return { kind, op, value, span: this.cover(kw, [value]) };
  }

  private inOrEqOk(nodes: readonly C.InOrEqCstNode[] | undefined): boolean {
    const node = one(nodes);
    if (node === undefined) return true;
    return real(one(node.children.In) ?? one(node.children.Eq));
  }

  private wordValues(
    kind: "sex" | "pos",
    kw: IToken | undefined,
    inOrEq: readonly C.InOrEqCstNode[] | undefined,
    list: C.WordListCstNode | undefined,
  ): A.SexCond | A.PosCond | undefined {
    const values = this.words(list);
    if (!real(kw) || !this.inOrEqOk(inOrEq) || values === undefined) return undefined;
    return { kind, values, span: this.cover(kw, values) };
  }

  private payerAtom(node: C.PayerAtomCstNode): A.PayerCond | undefined {
    const c = node.children;
    const kw = one(c.Payer);
    const names = c.anyIdent ?? [];
    if (!real(kw) || !this.inOrEqOk(c.inOrEq)) return undefined;
    if (names.length === 0 || names.length !== (c.Comma?.length ?? 0) + 1) return undefined;
    const values = all(names.map((n) => this.anyIdent(n)));
    if (values === undefined) return undefined;
    return { kind: "payer", values, span: this.cover(kw, values) };
  }

  private factAtom(node: C.FactAtomCstNode): A.FactCond | undefined {
    const c = node.children;
    const name = this.identToken(one(c.name));
    if (name === undefined) return undefined;
    const valueNodes = c.factValue ?? [];
    let op: A.FactCond["op"] | undefined;
    if (c.In !== undefined) {
      if (!real(one(c.In))) return undefined;
      op = "in";
      if (valueNodes.length === 0 || valueNodes.length !== (c.Comma?.length ?? 0) + 1) return undefined;
    } else {
      op = this.cmpOp(one(c.CmpOp));
      if (valueNodes.length !== 1) return undefined;
    }
    const values = all(valueNodes.map((v) => this.factValue(v)));
    if (op === undefined || values === undefined) return undefined;
    return { kind: "fact", name, op, values, span: this.span(name.span.start, values[values.length - 1]!.span.end) };
  }

  /** A fact's value: a number if the word is numeric, else the word or the name as written. */
  private factValue(node: C.FactValueCstNode | undefined): A.NumberLit | A.Word | A.Ident | undefined {
    if (node === undefined) return undefined;
    const token = one(node.children.Word);
    if (token !== undefined) {
      if (!real(token)) return undefined;
      return NUMBER.test(token.image) ? this.numberToken(token) : this.word(token);
    }
    return this.anyIdent(one(node.children.anyIdent));
  }

  // ---------------------------------------------------------------- actions

  private action(node: C.ActionCstNode | undefined): A.Action | undefined {
    if (node === undefined) return undefined;
    const c = node.children;
    if (c.requireAction) return this.requireAction(c.requireAction[0]!);
    if (c.forbidAction) return this.forbidAction(c.forbidAction[0]!);
    if (c.limitAction) return this.limitAction(c.limitAction[0]!);
    const deny = one(c.Deny);
    if (deny !== undefined) return real(deny) ? { kind: "deny", span: this.tokenSpan(deny) } : undefined;
    const flag = one(c.Flag);
    if (flag !== undefined) return real(flag) ? { kind: "flag", span: this.tokenSpan(flag) } : undefined;
    return undefined;
  }

  private modifierTarget(node: C.ModifierTargetCstNode): { modifiers: A.SetExpr; on?: A.SetExpr } | undefined {
    const modifiers = this.setExpr(one(node.children.modifiers));
    if (!real(one(node.children.Modifier)) || modifiers === undefined) return undefined;
    if (node.children.On === undefined) return { modifiers };
    const on = this.setExpr(one(node.children.on));
    if (!real(one(node.children.On)) || on === undefined) return undefined;
    return { modifiers, on };
  }

  private requireAction(node: C.RequireActionCstNode): A.Action | undefined {
    const c = node.children;
    const kw = one(c.Require);
    if (!real(kw)) return undefined;
    const target = one(c.modifierTarget);
    if (target !== undefined) {
      const t = this.modifierTarget(target);
      if (t === undefined) return undefined;
      const span = this.cover(kw, [t.modifiers, t.on]);
      return t.on === undefined
        ? { kind: "require-modifier", modifiers: t.modifiers, span }
        : { kind: "require-modifier", modifiers: t.modifiers, on: t.on, span };
    }
    if (c.Dx !== undefined) {
      const dx = this.setExpr(one(c.dx));
      if (!real(one(c.Dx)) || dx === undefined) return undefined;
      return { kind: "require-dx", dx, span: this.cover(kw, [dx]) };
    }
    const codes = this.setExpr(one(c.codes));
    if (codes === undefined) return undefined;
    return { kind: "require-codes", codes, span: this.cover(kw, [codes]) };
  }

  private forbidAction(node: C.ForbidActionCstNode): A.Action | undefined {
    const c = node.children;
    const kw = one(c.Forbid);
    if (!real(kw)) return undefined;
    const target = one(c.modifierTarget);
    if (target !== undefined) {
      const t = this.modifierTarget(target);
      if (t === undefined) return undefined;
      const span = this.cover(kw, [t.modifiers, t.on]);
      return t.on === undefined
        ? { kind: "forbid-modifier", modifiers: t.modifiers, span }
        : { kind: "forbid-modifier", modifiers: t.modifiers, on: t.on, span };
    }
    const codes = this.setExpr(one(c.codes));
    if (codes === undefined) return undefined;
    return { kind: "forbid-codes", codes, span: this.cover(kw, [codes]) };
  }

  private limitAction(node: C.LimitActionCstNode): A.LimitAction | undefined {
    const c = node.children;
    const kw = one(c.Limit);
    const codes = this.setExpr(one(c.codes));
    const max = this.number(one(c.max));
    if (!real(kw) || !real(one(c.To)) || codes === undefined || max === undefined) return undefined;
    if (c.Per === undefined) return { kind: "limit", codes, max, per: "day", span: this.cover(kw, [max]) };
    const unit = one(c.Line) ?? one(c.Day);
    if (!real(one(c.Per)) || !real(unit)) return undefined;
    const per = c.Line !== undefined ? "line" : "day";
    return { kind: "limit", codes, max, per, span: this.span(kw.startOffset, unit.startOffset + unit.image.length) };
  }

  // ---------------------------------------------------------------- metadata

  private metas(nodes: readonly C.MetaCstNode[] | undefined): A.Meta[] | undefined {
    return all((nodes ?? []).map((n) => this.meta(n)));
  }

  private meta(node: C.MetaCstNode): A.Meta | undefined {
    const c = node.children;
    if (c.Id) {
      const id = this.anyIdent(one(c.id));
      return real(c.Id[0]) && id ? { kind: "id", id, span: this.cover(c.Id[0], [id]) } : undefined;
    }
    if (c.Severity) {
      const severity = this.anyIdent(one(c.severity));
      return real(c.Severity[0]) && severity
        ? { kind: "severity", severity, span: this.cover(c.Severity[0], [severity]) }
        : undefined;
    }
    if (c.Category) {
      const category = this.anyIdent(one(c.category));
      return real(c.Category[0]) && category
        ? { kind: "category", category, span: this.cover(c.Category[0], [category]) }
        : undefined;
    }
    if (c.Message) {
      const message = this.string(one(c.message));
      return real(c.Message[0]) && message
        ? { kind: "message", message, span: this.cover(c.Message[0], [message]) }
        : undefined;
    }
    if (c.Source) {
      const source = this.string(one(c.source));
      return real(c.Source[0]) && source
        ? { kind: "source", source, span: this.cover(c.Source[0], [source]) }
        : undefined;
    }
    if (c.Effective) {
      const kw = c.Effective[0];
      if (!real(kw)) return undefined;
      const from = c.from !== undefined ? this.date(one(c.from)) : undefined;
      if (c.from !== undefined && from === undefined) return undefined;
      const until = c.Until !== undefined ? this.date(one(c.until)) : undefined;
      if (c.Until !== undefined && (until === undefined || !real(one(c.Until)))) return undefined;
      const span = this.cover(kw, [from, until]);
      return { kind: "effective", ...(from && { from }), ...(until && { until }), span };
    }
    if (c.Until) {
      const until = this.date(one(c.until));
      return real(c.Until[0]) && until ? { kind: "effective", until, span: this.cover(c.Until[0], [until]) } : undefined;
    }
    if (c.Fix) {
      const fixNode = one(c.fixSpec);
      const fix = fixNode && this.fixSpec(fixNode);
      return real(c.Fix[0]) && fix ? { kind: "fix", fix, span: this.cover(c.Fix[0], [fix]) } : undefined;
    }
    if (c.Version) {
      const version = this.string(one(c.version));
      return real(c.Version[0]) && version
        ? { kind: "version", version, span: this.cover(c.Version[0], [version]) }
        : undefined;
    }
    if (c.Only) {
      const codes = this.setExpr(one(c.only));
      return real(c.Only[0]) && codes ? { kind: "only", codes, span: this.cover(c.Only[0], [codes]) } : undefined;
    }
    return undefined;
  }

  private fixSpec(node: C.FixSpecCstNode): A.FixSpec | undefined {
    const c = node.children;
    if (c.Replace) {
      const kw = c.Replace[0]!;
      const from = this.setExpr(one(c.from));
      const to = this.setExpr(one(c.to));
      if (!real(kw) || !real(one(c.With)) || from === undefined || to === undefined) return undefined;
      return { kind: "replace", from, to, span: this.cover(kw, [to]) };
    }
    if (c.Remove) {
      const kw = c.Remove[0]!;
      if (!real(kw)) return undefined;
      if (c.codes === undefined) return { kind: "remove", span: this.tokenSpan(kw) };
      const codes = this.setExpr(one(c.codes));
      return codes && { kind: "remove", codes, span: this.cover(kw, [codes]) };
    }
    if (c.Add) {
      const kw = c.Add[0]!;
      if (!real(kw)) return undefined;
      if (c.Modifier !== undefined) {
        const modifier = this.word(one(c.modifier));
        if (!real(one(c.Modifier)) || modifier === undefined) return undefined;
        if (c.To === undefined) return { kind: "add-modifier", modifier, span: this.cover(kw, [modifier]) };
        const to = this.setExpr(one(c.to));
        if (!real(one(c.To)) || to === undefined) return undefined;
        return { kind: "add-modifier", modifier, to, span: this.cover(kw, [to]) };
      }
      const codes = this.setExpr(one(c.codes));
      return codes && { kind: "add-code", codes, span: this.cover(kw, [codes]) };
    }
    if (c.Set) {
      const kw = c.Set[0]!;
      const units = this.number(one(c.units));
      if (!real(kw) || !real(one(c.Units)) || units === undefined) return undefined;
      return { kind: "set-units", units, span: this.cover(kw, [units]) };
    }
    const text = this.string(one(c.text));
    return text && { kind: "text", text, span: text.span };
  }

  // ---------------------------------------------------------------- items

  private readonly items: A.Item[] = [];
  private ruleset: A.RulesetDecl | undefined;
  private seenRuleset = false;
  private itemCount = 0;

  /**
   * Converts the next top-level item (in file order) and keeps it if it is complete.
   * DR1006 for a `ruleset` line that is not the first item, or not the only one.
   */
  addItem(node: C.ItemCstNode): void {
    const index = this.itemCount++;
    const decl = one(node.children.rulesetDecl);
    if (decl === undefined) {
      const item = this.item(node);
      if (item !== undefined) this.items.push(item);
      return;
    }
    const converted = this.rulesetDecl(decl);
    if (converted !== undefined) {
      if (this.seenRuleset) {
        this.error("DR1006", "a file takes one `ruleset` line; this is a second one", converted.span);
      } else if (index > 0) {
        this.error("DR1006", "`ruleset` must come before everything else in the file", converted.span);
      }
      this.ruleset ??= converted;
    }
    this.seenRuleset = true;
  }

  /** The file node, once every item has been added. */
  fileNode(): A.RuleFile {
    const ruleset = this.ruleset;
    return {
      kind: "file",
      path: this.file,
      ...(ruleset && { ruleset }),
      items: this.items,
      span: this.span(0, this.textLength),
    };
  }

  private item(node: C.ItemCstNode): A.Item | undefined {
    const c = node.children;
    if (c.setDecl) return this.setDecl(c.setDecl[0]!);
    if (c.rule) return this.rule(c.rule[0]!);
    if (c.overrideDecl) return this.overrideDecl(c.overrideDecl[0]!);
    if (c.disableDecl) return this.disableDecl(c.disableDecl[0]!);
    if (c.tableRef) return this.tableRef(c.tableRef[0]!);
    if (c.selectTable) return this.selectTable(c.selectTable[0]!);
    if (c.testBlock) return this.testBlock(c.testBlock[0]!);
    return undefined;
  }

  private rulesetDecl(node: C.RulesetDeclCstNode): A.RulesetDecl | undefined {
    const c = node.children;
    const kw = one(c.Ruleset);
    const name = this.anyIdent(one(c.name));
    if (!real(kw) || name === undefined) return undefined;
    if (c.Extends === undefined) return { kind: "ruleset", name, span: this.cover(kw, [name]) };
    const base = this.anyIdent(one(c.base));
    if (!real(one(c.Extends)) || base === undefined) return undefined;
    return { kind: "ruleset", name, extends: base, span: this.cover(kw, [base]) };
  }

  private setDecl(node: C.SetDeclCstNode): A.SetDecl | undefined {
    const c = node.children;
    const kindNode = one(c.setKind);
    const kw = kindNode && (one(kindNode.children.Codes) ?? one(kindNode.children.Dx) ?? one(kindNode.children.Modifiers));
    const name = this.word(one(c.name));
    const value = this.setExpr(one(c.setExpr));
    if (!real(kw) || name === undefined || !real(one(c.Eq)) || value === undefined) return undefined;
    const setKind = kw.image as A.SetDecl["setKind"];
    return { kind: "set-decl", setKind, name, value, span: this.cover(kw, [value]) };
  }

  private ruleBody(node: C.RuleBodyCstNode | undefined, meta: readonly A.Meta[]): A.Rule | undefined {
    if (node === undefined) return undefined;
    const c = node.children;
    const when = one(c.When);
    const action = this.action(one(c.action));
    if (!real(when) || action === undefined) return undefined;
    const span = this.cover(when, [action, ...meta]);
    if (c.Line !== undefined) {
      const subject = this.setExpr(one(c.subject));
      if (!real(one(c.Line)) || subject === undefined) return undefined;
      if (c.And !== undefined && !real(one(c.And))) return undefined;
      if (c.condition === undefined) return { kind: "rule", scope: "line", subject, action, meta, span };
      const condition = this.orCond(one(c.condition));
      if (condition === undefined) return undefined;
      return { kind: "rule", scope: "line", subject, condition, action, meta, span };
    }
    const condition = this.orCond(one(c.condition));
    if (condition === undefined) return undefined;
    return { kind: "rule", scope: "claim", condition, action, meta, span };
  }

  private rule(node: C.RuleCstNode): A.Rule | undefined {
    const meta = this.metas(node.children.meta);
    return meta && this.ruleBody(one(node.children.ruleBody), meta);
  }

  /** Metadata after `override ID [when …]` belongs to the override, so `rule.meta` is empty. */
  private overrideDecl(node: C.OverrideDeclCstNode): A.OverrideDecl | undefined {
    const c = node.children;
    const kw = one(c.Override);
    const target = this.anyIdent(one(c.target));
    const meta = this.metas(c.meta);
    if (!real(kw) || target === undefined || meta === undefined) return undefined;
    let rule: A.Rule | undefined;
    if (c.ruleBody !== undefined) {
      rule = this.ruleBody(one(c.ruleBody), []);
      if (rule === undefined) return undefined;
    }
    const span = this.cover(kw, [target, rule, ...meta]);
    return { kind: "override", target, ...(rule && { rule }), meta, span };
  }

  private disableDecl(node: C.DisableDeclCstNode): A.DisableDecl | undefined {
    const kw = one(node.children.Disable);
    const target = this.anyIdent(one(node.children.target));
    if (!real(kw) || target === undefined) return undefined;
    return { kind: "disable", target, span: this.cover(kw, [target]) };
  }

  private tableRef(node: C.TableRefCstNode): A.TableRef | undefined {
    const c = node.children;
    const kindNode = one(c.tableKind);
    const kw = kindNode && (one(kindNode.children.Ptp) ?? one(kindNode.children.Mue) ?? one(kindNode.children.Aoc));
    const path = this.string(one(c.path));
    const meta = this.metas(c.meta);
    if (!real(kw) || path === undefined || meta === undefined) return undefined;
    const table = kw.image as A.TableRef["table"];
    return { kind: "table-ref", table, path, meta, span: this.cover(kw, [path, ...meta]) };
  }

  private selectTable(node: C.SelectTableCstNode): A.SelectTable | undefined {
    const c = node.children;
    const kw = one(c.Select);
    const subject = this.setExpr(one(c.subject));
    const cases = all((c.selectCase ?? []).map((n) => this.selectCase(n)));
    const meta = this.metas(c.meta);
    const close = one(c.RCurly);
    if (!real(kw) || !real(one(c.For)) || !real(one(c.LCurly)) || !real(close)) return undefined;
    if (subject === undefined || cases === undefined || meta === undefined) return undefined;
    const span = this.cover(kw, [{ span: this.tokenSpan(close) }, ...meta]);
    return { kind: "select", subject, cases, meta, span };
  }

  private selectCase(node: C.SelectCaseCstNode): A.SelectCase | undefined {
    const c = node.children;
    const kw = one(c.Case);
    const condition = this.orCond(one(c.condition));
    const code = this.word(one(c.code));
    if (!real(kw) || condition === undefined || !real(one(c.Arrow)) || code === undefined) return undefined;
    return { kind: "case", condition, code, span: this.cover(kw, [code]) };
  }

  // ---------------------------------------------------------------- test blocks

  private testBlock(node: C.TestBlockCstNode): A.TestBlock | undefined {
    const c = node.children;
    const kw = one(c.Test);
    const name = this.string(one(c.name));
    const close = one(c.RCurly);
    if (!real(kw) || name === undefined || !real(one(c.LCurly)) || !real(close)) return undefined;
    const claimNodes = c.testClaim ?? [];
    for (const extra of claimNodes.slice(1)) {
      const claimKw = one(extra.children.Claim);
      if (real(claimKw)) {
        this.error("DR1008", "a test block takes one `claim` line; this is a second one", this.tokenSpan(claimKw));
      }
    }
    // Convert every part before giving up, so that each part reports its own problems.
    const claim = claimNodes[0] !== undefined ? this.testClaim(claimNodes[0]) : undefined;
    const lines = all((c.testLine ?? []).map((n) => this.testLine(n)));
    const expectations = all((c.expectation ?? []).map((n) => this.expectation(n)));
    if (claimNodes.length > 1 || (claimNodes.length === 1 && claim === undefined)) return undefined;
    if (lines === undefined || expectations === undefined) return undefined;
    const span = this.span(kw.startOffset, close.startOffset + 1);
    return { kind: "test", name, ...(claim && { claim }), lines, expectations, span };
  }

  /** The one node of a single-valued attribute; DR1008 (and `false`) when it is repeated. */
  private single<N>(
    nodes: readonly N[] | undefined,
    keyword: string,
    owner: string,
    keywordOf: (node: N) => IToken | undefined,
  ): N | undefined | false {
    if (nodes === undefined || nodes.length === 0) return undefined;
    if (nodes.length > 1) {
      for (const extra of nodes.slice(1)) {
        const token = keywordOf(extra);
        if (real(token)) {
          this.error("DR1008", `\`${keyword}\` is given twice in this \`${owner}\` line`, this.tokenSpan(token));
        }
      }
      return false;
    }
    return nodes[0];
  }

  private testClaim(node: C.TestClaimCstNode): A.TestClaim | undefined {
    const c = node.children;
    const kw = one(c.Claim);
    if (!real(kw)) return undefined;
    const idNode = this.single(c.claimId, "id", "claim", (n) => one(n.children.Id));
    const dosNode = this.single(c.dosAttr, "dos", "claim", (n) => one(n.children.Dos));
    const payerNode = this.single(c.payerAttr, "payer", "claim", (n) => one(n.children.Payer));
    const sexNode = this.single(c.sexAttr, "sex", "claim", (n) => one(n.children.Sex));
    const bornNode = this.single(c.bornAttr, "born", "claim", (n) => one(n.children.Born));
    const posNode = this.single(c.posAttr, "pos", "claim", (n) => one(n.children.Pos));
    if ([idNode, dosNode, payerNode, sexNode, bornNode, posNode].includes(false)) return undefined;

    let id: A.TestClaim["id"];
    if (idNode) {
      const value = one(idNode.children.claimIdValue)?.children;
      if (value === undefined) return undefined;
      id = value.Word
        ? this.word(one(value.Word))
        : value.StringLiteral
          ? this.string(one(value.StringLiteral))
          : this.anyIdent(one(value.anyIdent));
      if (id === undefined) return undefined;
    }
    const serviceDate = dosNode ? this.date(one(dosNode.children.DateLiteral)) : undefined;
    const payer = payerNode ? this.anyIdent(one(payerNode.children.anyIdent)) : undefined;
    const sex = sexNode ? this.word(one(sexNode.children.Word)) : undefined;
    const birthDate = bornNode ? this.date(one(bornNode.children.DateLiteral)) : undefined;
    const placeOfService = posNode ? this.word(one(posNode.children.Word)) : undefined;
    if ((dosNode && !serviceDate) || (payerNode && !payer) || (sexNode && !sex)) return undefined;
    if ((bornNode && !birthDate) || (posNode && !placeOfService)) return undefined;

    const diagnoses: A.Word[] = [];
    for (const dx of c.dxAttr ?? []) {
      const words = this.words(one(dx.children.wordList));
      if (words === undefined) return undefined;
      diagnoses.push(...words);
    }
    const span = this.cover(kw, [id, serviceDate, payer, sex, birthDate, placeOfService, ...diagnoses]);
    return {
      kind: "test-claim",
      ...(id && { id }),
      ...(serviceDate && { serviceDate }),
      ...(payer && { payer }),
      diagnoses,
      ...(sex && { sex }),
      ...(birthDate && { birthDate }),
      ...(placeOfService && { placeOfService }),
      span,
    };
  }

  private testLine(node: C.TestLineCstNode): A.TestLine | undefined {
    const c = node.children;
    const kw = one(c.Line);
    const code = this.word(one(c.code));
    // Convert every attribute before giving up, so that each reports its own problems.
    let complete = real(kw) && code !== undefined;
    const unitsNode = this.single(c.unitsAttr, "units", "line", (n) => one(n.children.Units));
    const dosNode = this.single(c.dosAttr, "dos", "line", (n) => one(n.children.Dos));
    const chargeNode = this.single(c.chargeAttr, "charge", "line", (n) => one(n.children.Charge));
    const units = unitsNode ? this.number(one(unitsNode.children.number)) : undefined;
    const serviceDate = dosNode ? this.date(one(dosNode.children.DateLiteral)) : undefined;
    const charge = chargeNode ? this.number(one(chargeNode.children.number)) : undefined;
    if (unitsNode === false || dosNode === false || chargeNode === false) complete = false;
    if ((unitsNode && !units) || (dosNode && !serviceDate) || (chargeNode && !charge)) complete = false;

    // List attributes may be repeated; their values add up.
    const modifiers: A.Word[] = [];
    for (const m of c.modifiersAttr ?? []) {
      const words = this.words(one(m.children.wordList));
      if (words === undefined) complete = false;
      else modifiers.push(...words);
    }
    const dxPointers: A.NumberLit[] = [];
    for (const dx of c.dxAttr ?? []) {
      const pointers = this.numbers(one(dx.children.wordList));
      if (pointers === undefined) complete = false;
      else dxPointers.push(...pointers);
    }
    const facts: { name: A.Ident; value: A.NumberLit | A.Word | A.Ident }[] = [];
    for (const f of c.factsAttr ?? []) {
      const pairs = f.children.factPair ?? [];
      if (pairs.length === 0 || pairs.length !== (f.children.Comma?.length ?? 0) + 1) complete = false;
      for (const pair of pairs) {
        const name = this.anyIdent(one(pair.children.name));
        const value = this.factValue(one(pair.children.value));
        if (name === undefined || value === undefined) complete = false;
        else facts.push({ name, value });
      }
    }
    if (!complete || !real(kw) || code === undefined) return undefined;
    const span = this.cover(kw, [
      code,
      units || undefined,
      serviceDate,
      charge || undefined,
      ...modifiers,
      ...dxPointers,
      ...facts.map((f) => f.value),
    ]);
    return {
      kind: "test-line",
      code,
      ...(units && { units }),
      modifiers,
      dxPointers,
      ...(serviceDate && { serviceDate }),
      ...(charge && { charge }),
      facts,
      span,
    };
  }

  private expectation(node: C.ExpectationCstNode): A.Expectation | undefined {
    const c = node.children;
    const kw = one(c.Expect);
    if (!real(kw)) return undefined;
    if (c.No !== undefined) {
      const rule = this.anyIdent(one(c.rule));
      if (!real(one(c.No)) || rule === undefined) return undefined;
      return { kind: "expect-no", rule, span: this.cover(kw, [rule]) };
    }
    if (c.Verdict !== undefined) {
      const verdict = this.anyIdent(one(c.verdict));
      if (!real(one(c.Verdict)) || verdict === undefined) return undefined;
      return { kind: "expect-verdict", verdict, span: this.cover(kw, [verdict]) };
    }
    const first = this.identToken(one(c.first));
    if (first === undefined) return undefined;
    let severity: A.Ident | undefined;
    let rule = first;
    if (c.second !== undefined) {
      const second = this.identToken(one(c.second));
      if (second === undefined) return undefined;
      severity = first;
      rule = second;
    }
    let lines: A.NumberLit[] | undefined;
    if (c.Lines !== undefined) {
      lines = this.numbers(one(c.lines));
      if (!real(one(c.Lines)) || lines === undefined) return undefined;
    }
    const span = this.cover(kw, [rule, ...(lines ?? [])]);
    return { kind: "expect-finding", ...(severity && { severity }), rule, ...(lines && { lines }), span };
  }
}

/** Whether the character at `index` of a string image is escaped by an odd run of `\`. */
function isEscapedAt(image: string, index: number): boolean {
  let backslashes = 0;
  for (let i = index - 1; i >= 0 && image[i] === "\\"; i--) backslashes++;
  return backslashes % 2 === 1;
}

/**
 * The typed AST of a rule file. Types only.
 *
 * Every node is a readonly plain object with a `kind` string literal and a `span`.
 * Names are not resolved here: a `Word` inside a code set may be a code, a range end or
 * the name of a set; the compiler decides by context (codes, dx or modifiers).
 * See docs/language.md for the meaning of each construct.
 */
import type { Span } from "./source.ts";

/** A token-level value with its place: codes, set names, numbers, site words. */
export interface Word {
  readonly kind: "word";
  readonly text: string;
  readonly span: Span;
}

/** A lower-case identifier: rule ids (`cms.aoc.17003`), ruleset names, fact names, payers. */
export interface Ident {
  readonly kind: "ident";
  readonly text: string;
  readonly span: Span;
}

export interface StringLit {
  readonly kind: "string";
  /** The unescaped value. */
  readonly value: string;
  readonly span: Span;
}

export interface DateLit {
  readonly kind: "date";
  /** As written, `YYYY-MM-DD` (validated by the compiler). */
  readonly text: string;
  readonly span: Span;
}

export interface NumberLit {
  readonly kind: "number";
  readonly value: number;
  readonly text: string;
  readonly span: Span;
}

/** `17000`, `G0127`, `C44.*`, `L57.0`, `59`, or a set name `MALIGNANT_SKIN`. */
export interface SetRef {
  readonly kind: "set-ref";
  readonly word: Word;
  readonly span: Span;
}

/** `11600-11606` (codes) or `L57.0-L57.9`; both ends inclusive. */
export interface SetRange {
  readonly kind: "set-range";
  readonly from: Word;
  readonly to: Word;
  readonly span: Span;
}

export type SetItem = SetRef | SetRange;

/** A comma-separated list of set items; its meaning (codes / dx / modifiers) comes from context. */
export interface SetExpr {
  readonly kind: "set";
  readonly items: readonly SetItem[];
  readonly span: Span;
}

export type CmpOp = ">" | ">=" | "<" | "<=" | "=" | "!=";

// ---------------------------------------------------------------- conditions

export interface AndCond {
  readonly kind: "and";
  readonly args: readonly Cond[];
  readonly span: Span;
}
export interface OrCond {
  readonly kind: "or";
  readonly args: readonly Cond[];
  readonly span: Span;
}
export interface NotCond {
  readonly kind: "not";
  readonly arg: Cond;
  readonly span: Span;
}
/** `(a or b)`: kept so that spans and printing stay faithful; meaning = `inner`. */
export interface ParenCond {
  readonly kind: "paren";
  readonly inner: Cond;
  readonly span: Span;
}

/**
 * A code-set atom: some line carries a code of `codes` (claim level), optionally qualified:
 * - `count <op> N`: total units of the set's codes on the date of service;
 * - `units <op> N`: some line of the set has units <op> N;
 * - `with modifier M` / `without modifier M`: some line of the set has / lacks any modifier of M;
 * - `with dx D` / `without dx D`: some line of the set points to / does not point to a dx of D.
 */
export interface CodesCond {
  readonly kind: "codes";
  readonly codes: SetExpr;
  readonly qualifier?: CodesQualifier;
  readonly span: Span;
}

export type CodesQualifier =
  | { readonly kind: "count"; readonly op: CmpOp; readonly value: NumberLit; readonly span: Span }
  | { readonly kind: "units"; readonly op: CmpOp; readonly value: NumberLit; readonly span: Span }
  | { readonly kind: "with-modifier"; readonly negated: boolean; readonly modifiers: SetExpr; readonly span: Span }
  | { readonly kind: "with-dx"; readonly negated: boolean; readonly dx: SetExpr; readonly span: Span };

/**
 * `dx in D` (or `dx D`): in a line-scope rule, the current line's pointed diagnoses;
 * in a claim-scope rule, the claim's diagnoses. `claim dx in D` is always the claim's.
 */
export interface DxCond {
  readonly kind: "dx";
  readonly scope: "default" | "claim";
  readonly dx: SetExpr;
  readonly span: Span;
}

/** `modifier M`: the current line carries a modifier of M (line scope only). */
export interface ModifierCond {
  readonly kind: "modifier";
  readonly modifiers: SetExpr;
  readonly span: Span;
}

/** `units <op> N`: the current line's units (line scope only). */
export interface UnitsCond {
  readonly kind: "units";
  readonly op: CmpOp;
  readonly value: NumberLit;
  readonly span: Span;
}

/** `age <op> N`: patient age in whole years on the date of service. */
export interface AgeCond {
  readonly kind: "age";
  readonly op: CmpOp;
  readonly value: NumberLit;
  readonly span: Span;
}

/** `sex F` / `sex in M, F`: patient sex (M, F, U). */
export interface SexCond {
  readonly kind: "sex";
  readonly values: readonly Word[];
  readonly span: Span;
}

/** `pos 11` / `pos in 11, 22`: place of service. */
export interface PosCond {
  readonly kind: "pos";
  readonly values: readonly Word[];
  readonly span: Span;
}

/** `payer acme-health` / `payer in a, b`: the claim's payer. */
export interface PayerCond {
  readonly kind: "payer";
  readonly values: readonly Ident[];
  readonly span: Span;
}

/** `dos >= 2026-01-01`: date of service. */
export interface DosCond {
  readonly kind: "dos";
  readonly op: CmpOp;
  readonly date: DateLit;
  readonly span: Span;
}

/**
 * A documentation fact of the current line (line scope only):
 * `excisedDiameterCm <= 0.5`, `lesionCount >= 15`, `site in nose, lip`, `site = nose`.
 * Fact names: site, lesionCount, excisedDiameterCm, repairLengthCm (checked by the compiler).
 */
export interface FactCond {
  readonly kind: "fact";
  readonly name: Ident;
  readonly op: CmpOp | "in";
  /** One value for a comparison; one or more for `in`. Site values are words/idents. */
  readonly values: readonly (NumberLit | Word | Ident)[];
  readonly span: Span;
}

export type Cond =
  | AndCond
  | OrCond
  | NotCond
  | ParenCond
  | CodesCond
  | DxCond
  | ModifierCond
  | UnitsCond
  | AgeCond
  | SexCond
  | PosCond
  | PayerCond
  | DosCond
  | FactCond;

// ---------------------------------------------------------------- actions

/** `require 17000` — the claim must carry a code of the set (add-on needs its primary). */
export interface RequireCodesAction {
  readonly kind: "require-codes";
  readonly codes: SetExpr;
  readonly span: Span;
}
/** `require modifier 25 [on 99202-99215]` — target lines must carry one of the modifiers. */
export interface RequireModifierAction {
  readonly kind: "require-modifier";
  readonly modifiers: SetExpr;
  readonly on?: SetExpr;
  readonly span: Span;
}
/** `require dx in MALIGNANT_SKIN` — subject lines must point to a diagnosis of the set. */
export interface RequireDxAction {
  readonly kind: "require-dx";
  readonly dx: SetExpr;
  readonly span: Span;
}
/** `forbid 17000, 17003` — every line of the set (other than the rule's subject lines) is denied. */
export interface ForbidCodesAction {
  readonly kind: "forbid-codes";
  readonly codes: SetExpr;
  readonly span: Span;
}
/** `forbid modifier GA [on S]` — target lines must not carry any of the modifiers. */
export interface ForbidModifierAction {
  readonly kind: "forbid-modifier";
  readonly modifiers: SetExpr;
  readonly on?: SetExpr;
  readonly span: Span;
}
/** `limit 11102 to 1 [per line | per day]` — units of the set at most N (default per day). */
export interface LimitAction {
  readonly kind: "limit";
  readonly codes: SetExpr;
  readonly max: NumberLit;
  readonly per: "day" | "line";
  readonly span: Span;
}
/** `deny` — an error on the subject lines. */
export interface DenyAction {
  readonly kind: "deny";
  readonly span: Span;
}
/** `flag` — a warning for review on the subject lines. */
export interface FlagAction {
  readonly kind: "flag";
  readonly span: Span;
}

export type Action =
  | RequireCodesAction
  | RequireModifierAction
  | RequireDxAction
  | ForbidCodesAction
  | ForbidModifierAction
  | LimitAction
  | DenyAction
  | FlagAction;

// ---------------------------------------------------------------- fixes and metadata

export type FixSpec =
  /** `fix replace 17000, 17003 with 17004` */
  | { readonly kind: "replace"; readonly from: SetExpr; readonly to: SetExpr; readonly span: Span }
  /** `fix remove [S]` (default: the finding's lines) */
  | { readonly kind: "remove"; readonly codes?: SetExpr; readonly span: Span }
  /** `fix add 17000` */
  | { readonly kind: "add-code"; readonly codes: SetExpr; readonly span: Span }
  /** `fix add modifier 25 [to 99213]` */
  | { readonly kind: "add-modifier"; readonly modifier: Word; readonly to?: SetExpr; readonly span: Span }
  /** `fix set units 13` */
  | { readonly kind: "set-units"; readonly units: NumberLit; readonly span: Span }
  /** `fix "free text"` */
  | { readonly kind: "text"; readonly text: StringLit; readonly span: Span };

export type Meta =
  | { readonly kind: "id"; readonly id: Ident; readonly span: Span }
  | { readonly kind: "severity"; readonly severity: Ident; readonly span: Span }
  | { readonly kind: "category"; readonly category: Ident; readonly span: Span }
  | { readonly kind: "message"; readonly message: StringLit; readonly span: Span }
  | { readonly kind: "source"; readonly source: StringLit; readonly span: Span }
  | { readonly kind: "effective"; readonly from?: DateLit; readonly until?: DateLit; readonly span: Span }
  | { readonly kind: "fix"; readonly fix: FixSpec; readonly span: Span }
  /** Table references only: `version "ccipra-v301r0"`. */
  | { readonly kind: "version"; readonly version: StringLit; readonly span: Span }
  /** Table references only: `only 10004-19499` keeps rows that touch a code of the set. */
  | { readonly kind: "only"; readonly codes: SetExpr; readonly span: Span };

// ---------------------------------------------------------------- top-level items

/** `ruleset acme-health extends cms` — at most one per file, before everything else. */
export interface RulesetDecl {
  readonly kind: "ruleset";
  readonly name: Ident;
  readonly extends?: Ident;
  readonly span: Span;
}

/** `codes NAME = …`, `dx NAME = …`, `modifiers NAME = …`. */
export interface SetDecl {
  readonly kind: "set-decl";
  readonly setKind: "codes" | "dx" | "modifiers";
  readonly name: Word;
  readonly value: SetExpr;
  readonly span: Span;
}

/**
 * `when [line S [and]] COND ACTION META*`.
 * `scope: "line"` with `subject` = S: evaluated once per line of S, and line atoms
 * (modifier, units, dx, facts) refer to that line.
 */
export interface Rule {
  readonly kind: "rule";
  readonly scope: "claim" | "line";
  readonly subject?: SetExpr;
  /** Absent for `when line S ACTION` (no further condition). */
  readonly condition?: Cond;
  readonly action: Action;
  readonly meta: readonly Meta[];
  readonly span: Span;
}

/** `override ID [when … ACTION] META*` — replaces (with a body) or amends a base rule. */
export interface OverrideDecl {
  readonly kind: "override";
  readonly target: Ident;
  readonly rule?: Rule;
  readonly meta: readonly Meta[];
  readonly span: Span;
}

/** `disable ID` (an exact id, or a prefix ending in `.*`, e.g. `cms.ptp.11102.*`). */
export interface DisableDecl {
  readonly kind: "disable";
  readonly target: Ident;
  readonly span: Span;
}

/** `ptp "file.tsv.gz" META*` (also `mue`, `aoc`): a CMS edit table loaded by reference. */
export interface TableRef {
  readonly kind: "table-ref";
  readonly table: "ptp" | "mue" | "aoc";
  readonly path: StringLit;
  readonly meta: readonly Meta[];
  readonly span: Span;
}

/** `case COND -> CODE` inside a select table. */
export interface SelectCase {
  readonly kind: "case";
  readonly condition: Cond;
  readonly code: Word;
  readonly span: Span;
}

/**
 * `select for S { case … -> CODE … } META*` — a code-selection table: for each line of S
 * whose facts match a case (first match wins), the line's code must be that case's code.
 */
export interface SelectTable {
  readonly kind: "select";
  readonly subject: SetExpr;
  readonly cases: readonly SelectCase[];
  readonly meta: readonly Meta[];
  readonly span: Span;
}

/** A claim line written in a test block: `line 17003 units 4 modifiers 59 dx 1 facts lesionCount 5`. */
export interface TestLine {
  readonly kind: "test-line";
  readonly code: Word;
  readonly units?: NumberLit;
  readonly modifiers: readonly Word[];
  readonly dxPointers: readonly NumberLit[];
  readonly serviceDate?: DateLit;
  readonly charge?: NumberLit;
  readonly facts: readonly { readonly name: Ident; readonly value: NumberLit | Word | Ident }[];
  readonly span: Span;
}

/** `claim [id X] [dos D] [payer P] [dx a, b] [sex F] [born D] [pos 11]` in a test block. */
export interface TestClaim {
  readonly kind: "test-claim";
  readonly id?: Word | Ident | StringLit;
  readonly serviceDate?: DateLit;
  readonly payer?: Ident;
  readonly diagnoses: readonly Word[];
  readonly sex?: Word;
  readonly birthDate?: DateLit;
  readonly placeOfService?: Word;
  readonly span: Span;
}

export type Expectation =
  /** `expect [error|warning|info] ID [lines 1, 2]` — a finding of that rule must be produced. */
  | {
      readonly kind: "expect-finding";
      readonly severity?: Ident;
      readonly rule: Ident;
      readonly lines?: readonly NumberLit[];
      readonly span: Span;
    }
  /** `expect no ID` — no finding of that rule (an id, or a prefix ending in `.*`). */
  | { readonly kind: "expect-no"; readonly rule: Ident; readonly span: Span }
  /** `expect verdict deny|review|clean|invalid` */
  | { readonly kind: "expect-verdict"; readonly verdict: Ident; readonly span: Span };

/** `test "name" { claim … line … expect … }` */
export interface TestBlock {
  readonly kind: "test";
  readonly name: StringLit;
  readonly claim?: TestClaim;
  readonly lines: readonly TestLine[];
  readonly expectations: readonly Expectation[];
  readonly span: Span;
}

export type Item = SetDecl | Rule | OverrideDecl | DisableDecl | TableRef | SelectTable | TestBlock;

export interface RuleFile {
  readonly kind: "file";
  readonly path: string;
  readonly ruleset?: RulesetDecl;
  readonly items: readonly Item[];
  readonly span: Span;
}

export type Node =
  | RuleFile
  | RulesetDecl
  | Item
  | Cond
  | Action
  | SetExpr
  | SetItem
  | Word
  | Ident
  | StringLit
  | DateLit
  | NumberLit;

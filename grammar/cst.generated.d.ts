// Generated from grammar/parser.ts by generateCstDts: do not edit.
// Regenerate: UPDATE_CST_DTS=1 npx vitest run test/grammar/cst-dts.test.ts
import type { CstNode, ICstVisitor, IToken } from "chevrotain";

export interface FileCstNode extends CstNode {
  name: "file";
  children: FileCstChildren;
}

export type FileCstChildren = {
  item?: ItemCstNode[];
};

export interface ItemCstNode extends CstNode {
  name: "item";
  children: ItemCstChildren;
}

export type ItemCstChildren = {
  rulesetDecl?: RulesetDeclCstNode[];
  setDecl?: SetDeclCstNode[];
  rule?: RuleCstNode[];
  overrideDecl?: OverrideDeclCstNode[];
  disableDecl?: DisableDeclCstNode[];
  tableRef?: TableRefCstNode[];
  selectTable?: SelectTableCstNode[];
  testBlock?: TestBlockCstNode[];
};

export interface RulesetDeclCstNode extends CstNode {
  name: "rulesetDecl";
  children: RulesetDeclCstChildren;
}

export type RulesetDeclCstChildren = {
  Ruleset: IToken[];
  name: AnyIdentCstNode[];
  Extends?: IToken[];
  base?: AnyIdentCstNode[];
};

export interface SetDeclCstNode extends CstNode {
  name: "setDecl";
  children: SetDeclCstChildren;
}

export type SetDeclCstChildren = {
  setKind: SetKindCstNode[];
  name: IToken[];
  Eq: IToken[];
  setExpr: SetExprCstNode[];
};

export interface SetKindCstNode extends CstNode {
  name: "setKind";
  children: SetKindCstChildren;
}

export type SetKindCstChildren = {
  Codes?: IToken[];
  Dx?: IToken[];
  Modifiers?: IToken[];
};

export interface RuleCstNode extends CstNode {
  name: "rule";
  children: RuleCstChildren;
}

export type RuleCstChildren = {
  ruleBody: RuleBodyCstNode[];
  meta?: MetaCstNode[];
};

export interface RuleBodyCstNode extends CstNode {
  name: "ruleBody";
  children: RuleBodyCstChildren;
}

export type RuleBodyCstChildren = {
  When: IToken[];
  Line?: IToken[];
  subject?: SetExprCstNode[];
  And?: IToken[];
  condition?: (OrCondCstNode)[];
  action: ActionCstNode[];
};

export interface OverrideDeclCstNode extends CstNode {
  name: "overrideDecl";
  children: OverrideDeclCstChildren;
}

export type OverrideDeclCstChildren = {
  Override: IToken[];
  target: AnyIdentCstNode[];
  ruleBody?: RuleBodyCstNode[];
  meta?: MetaCstNode[];
};

export interface DisableDeclCstNode extends CstNode {
  name: "disableDecl";
  children: DisableDeclCstChildren;
}

export type DisableDeclCstChildren = {
  Disable: IToken[];
  target: AnyIdentCstNode[];
};

export interface TableRefCstNode extends CstNode {
  name: "tableRef";
  children: TableRefCstChildren;
}

export type TableRefCstChildren = {
  tableKind: TableKindCstNode[];
  path: IToken[];
  meta?: MetaCstNode[];
};

export interface TableKindCstNode extends CstNode {
  name: "tableKind";
  children: TableKindCstChildren;
}

export type TableKindCstChildren = {
  Ptp?: IToken[];
  Mue?: IToken[];
  Aoc?: IToken[];
};

export interface SelectTableCstNode extends CstNode {
  name: "selectTable";
  children: SelectTableCstChildren;
}

export type SelectTableCstChildren = {
  Select: IToken[];
  For: IToken[];
  subject: SetExprCstNode[];
  LCurly: IToken[];
  selectCase?: SelectCaseCstNode[];
  RCurly: IToken[];
  meta?: MetaCstNode[];
};

export interface SelectCaseCstNode extends CstNode {
  name: "selectCase";
  children: SelectCaseCstChildren;
}

export type SelectCaseCstChildren = {
  Case: IToken[];
  condition: OrCondCstNode[];
  Arrow: IToken[];
  code: IToken[];
};

export interface TestBlockCstNode extends CstNode {
  name: "testBlock";
  children: TestBlockCstChildren;
}

export type TestBlockCstChildren = {
  Test: IToken[];
  name: IToken[];
  LCurly: IToken[];
  testClaim?: TestClaimCstNode[];
  testLine?: TestLineCstNode[];
  expectation?: ExpectationCstNode[];
  RCurly: IToken[];
};

export interface TestClaimCstNode extends CstNode {
  name: "testClaim";
  children: TestClaimCstChildren;
}

export type TestClaimCstChildren = {
  Claim: IToken[];
  claimId?: ClaimIdCstNode[];
  dosAttr?: DosAttrCstNode[];
  payerAttr?: PayerAttrCstNode[];
  dxAttr?: DxAttrCstNode[];
  sexAttr?: SexAttrCstNode[];
  bornAttr?: BornAttrCstNode[];
  posAttr?: PosAttrCstNode[];
};

export interface ClaimIdCstNode extends CstNode {
  name: "claimId";
  children: ClaimIdCstChildren;
}

export type ClaimIdCstChildren = {
  Id: IToken[];
  claimIdValue: ClaimIdValueCstNode[];
};

export interface ClaimIdValueCstNode extends CstNode {
  name: "claimIdValue";
  children: ClaimIdValueCstChildren;
}

export type ClaimIdValueCstChildren = {
  Word?: IToken[];
  StringLiteral?: IToken[];
  anyIdent?: AnyIdentCstNode[];
};

export interface DosAttrCstNode extends CstNode {
  name: "dosAttr";
  children: DosAttrCstChildren;
}

export type DosAttrCstChildren = {
  Dos: IToken[];
  DateLiteral: IToken[];
};

export interface PayerAttrCstNode extends CstNode {
  name: "payerAttr";
  children: PayerAttrCstChildren;
}

export type PayerAttrCstChildren = {
  Payer: IToken[];
  anyIdent: AnyIdentCstNode[];
};

export interface DxAttrCstNode extends CstNode {
  name: "dxAttr";
  children: DxAttrCstChildren;
}

export type DxAttrCstChildren = {
  Dx: IToken[];
  wordList: WordListCstNode[];
};

export interface SexAttrCstNode extends CstNode {
  name: "sexAttr";
  children: SexAttrCstChildren;
}

export type SexAttrCstChildren = {
  Sex: IToken[];
  Word: IToken[];
};

export interface BornAttrCstNode extends CstNode {
  name: "bornAttr";
  children: BornAttrCstChildren;
}

export type BornAttrCstChildren = {
  Born: IToken[];
  DateLiteral: IToken[];
};

export interface PosAttrCstNode extends CstNode {
  name: "posAttr";
  children: PosAttrCstChildren;
}

export type PosAttrCstChildren = {
  Pos: IToken[];
  Word: IToken[];
};

export interface TestLineCstNode extends CstNode {
  name: "testLine";
  children: TestLineCstChildren;
}

export type TestLineCstChildren = {
  Line: IToken[];
  code: IToken[];
  unitsAttr?: UnitsAttrCstNode[];
  modifiersAttr?: ModifiersAttrCstNode[];
  dxAttr?: DxAttrCstNode[];
  dosAttr?: DosAttrCstNode[];
  chargeAttr?: ChargeAttrCstNode[];
  factsAttr?: FactsAttrCstNode[];
};

export interface UnitsAttrCstNode extends CstNode {
  name: "unitsAttr";
  children: UnitsAttrCstChildren;
}

export type UnitsAttrCstChildren = {
  Units: IToken[];
  number: NumberCstNode[];
};

export interface ModifiersAttrCstNode extends CstNode {
  name: "modifiersAttr";
  children: ModifiersAttrCstChildren;
}

export type ModifiersAttrCstChildren = {
  Modifiers?: IToken[];
  Modifier?: IToken[];
  wordList: WordListCstNode[];
};

export interface ChargeAttrCstNode extends CstNode {
  name: "chargeAttr";
  children: ChargeAttrCstChildren;
}

export type ChargeAttrCstChildren = {
  Charge: IToken[];
  number: NumberCstNode[];
};

export interface FactsAttrCstNode extends CstNode {
  name: "factsAttr";
  children: FactsAttrCstChildren;
}

export type FactsAttrCstChildren = {
  Facts: IToken[];
  factPair: (FactPairCstNode)[];
  Comma?: IToken[];
};

export interface FactPairCstNode extends CstNode {
  name: "factPair";
  children: FactPairCstChildren;
}

export type FactPairCstChildren = {
  name: AnyIdentCstNode[];
  value: FactValueCstNode[];
};

export interface ExpectationCstNode extends CstNode {
  name: "expectation";
  children: ExpectationCstChildren;
}

export type ExpectationCstChildren = {
  Expect: IToken[];
  No?: IToken[];
  rule?: AnyIdentCstNode[];
  Verdict?: IToken[];
  verdict?: AnyIdentCstNode[];
  first?: IToken[];
  second?: IToken[];
  Lines?: IToken[];
  lines?: WordListCstNode[];
};

export interface ActionCstNode extends CstNode {
  name: "action";
  children: ActionCstChildren;
}

export type ActionCstChildren = {
  requireAction?: RequireActionCstNode[];
  forbidAction?: ForbidActionCstNode[];
  limitAction?: LimitActionCstNode[];
  Deny?: IToken[];
  Flag?: IToken[];
};

export interface RequireActionCstNode extends CstNode {
  name: "requireAction";
  children: RequireActionCstChildren;
}

export type RequireActionCstChildren = {
  Require: IToken[];
  modifierTarget?: ModifierTargetCstNode[];
  Dx?: IToken[];
  In?: IToken[];
  dx?: SetExprCstNode[];
  codes?: SetExprCstNode[];
};

export interface ForbidActionCstNode extends CstNode {
  name: "forbidAction";
  children: ForbidActionCstChildren;
}

export type ForbidActionCstChildren = {
  Forbid: IToken[];
  modifierTarget?: ModifierTargetCstNode[];
  codes?: SetExprCstNode[];
};

export interface ModifierTargetCstNode extends CstNode {
  name: "modifierTarget";
  children: ModifierTargetCstChildren;
}

export type ModifierTargetCstChildren = {
  Modifier: IToken[];
  modifiers: SetExprCstNode[];
  On?: IToken[];
  on?: SetExprCstNode[];
};

export interface LimitActionCstNode extends CstNode {
  name: "limitAction";
  children: LimitActionCstChildren;
}

export type LimitActionCstChildren = {
  Limit: IToken[];
  codes: SetExprCstNode[];
  To: IToken[];
  max: NumberCstNode[];
  Per?: IToken[];
  Line?: IToken[];
  Day?: IToken[];
};

export interface MetaCstNode extends CstNode {
  name: "meta";
  children: MetaCstChildren;
}

export type MetaCstChildren = {
  Id?: IToken[];
  id?: AnyIdentCstNode[];
  Severity?: IToken[];
  severity?: AnyIdentCstNode[];
  Category?: IToken[];
  category?: AnyIdentCstNode[];
  Message?: IToken[];
  message?: IToken[];
  Source?: IToken[];
  source?: IToken[];
  Effective?: IToken[];
  from?: IToken[];
  Until?: (IToken)[];
  until?: (IToken)[];
  Fix?: IToken[];
  fixSpec?: FixSpecCstNode[];
  Version?: IToken[];
  version?: IToken[];
  Only?: IToken[];
  only?: SetExprCstNode[];
};

export interface FixSpecCstNode extends CstNode {
  name: "fixSpec";
  children: FixSpecCstChildren;
}

export type FixSpecCstChildren = {
  Replace?: IToken[];
  from?: SetExprCstNode[];
  With?: IToken[];
  to?: (SetExprCstNode)[];
  Remove?: IToken[];
  codes?: (SetExprCstNode)[];
  Add?: IToken[];
  Modifier?: IToken[];
  modifier?: IToken[];
  To?: IToken[];
  Set?: IToken[];
  Units?: IToken[];
  units?: NumberCstNode[];
  text?: IToken[];
};

export interface OrCondCstNode extends CstNode {
  name: "orCond";
  children: OrCondCstChildren;
}

export type OrCondCstChildren = {
  andCond: (AndCondCstNode)[];
  Or?: IToken[];
};

export interface AndCondCstNode extends CstNode {
  name: "andCond";
  children: AndCondCstChildren;
}

export type AndCondCstChildren = {
  notCond: (NotCondCstNode)[];
  And?: IToken[];
};

export interface NotCondCstNode extends CstNode {
  name: "notCond";
  children: NotCondCstChildren;
}

export type NotCondCstChildren = {
  Not?: IToken[];
  notCond?: NotCondCstNode[];
  atom?: AtomCstNode[];
};

export interface AtomCstNode extends CstNode {
  name: "atom";
  children: AtomCstChildren;
}

export type AtomCstChildren = {
  LParen?: IToken[];
  orCond?: OrCondCstNode[];
  RParen?: IToken[];
  codesAtom?: CodesAtomCstNode[];
  dxAtom?: DxAtomCstNode[];
  claimDxAtom?: ClaimDxAtomCstNode[];
  modifierAtom?: ModifierAtomCstNode[];
  unitsAtom?: UnitsAtomCstNode[];
  ageAtom?: AgeAtomCstNode[];
  sexAtom?: SexAtomCstNode[];
  posAtom?: PosAtomCstNode[];
  payerAtom?: PayerAtomCstNode[];
  dosAtom?: DosAtomCstNode[];
  factAtom?: FactAtomCstNode[];
};

export interface CodesAtomCstNode extends CstNode {
  name: "codesAtom";
  children: CodesAtomCstChildren;
}

export type CodesAtomCstChildren = {
  codes: SetExprCstNode[];
  codesQualifier?: CodesQualifierCstNode[];
};

export interface CodesQualifierCstNode extends CstNode {
  name: "codesQualifier";
  children: CodesQualifierCstChildren;
}

export type CodesQualifierCstChildren = {
  Count?: IToken[];
  CmpOp?: (IToken)[];
  number?: (NumberCstNode)[];
  Units?: IToken[];
  With?: IToken[];
  Without?: IToken[];
  Modifier?: IToken[];
  modifiers?: SetExprCstNode[];
  Dx?: IToken[];
  dx?: SetExprCstNode[];
};

export interface DxAtomCstNode extends CstNode {
  name: "dxAtom";
  children: DxAtomCstChildren;
}

export type DxAtomCstChildren = {
  Dx: IToken[];
  In?: IToken[];
  setExpr: SetExprCstNode[];
};

export interface ClaimDxAtomCstNode extends CstNode {
  name: "claimDxAtom";
  children: ClaimDxAtomCstChildren;
}

export type ClaimDxAtomCstChildren = {
  Claim: IToken[];
  Dx: IToken[];
  In?: IToken[];
  setExpr: SetExprCstNode[];
};

export interface ModifierAtomCstNode extends CstNode {
  name: "modifierAtom";
  children: ModifierAtomCstChildren;
}

export type ModifierAtomCstChildren = {
  Modifier: IToken[];
  setExpr: SetExprCstNode[];
};

export interface UnitsAtomCstNode extends CstNode {
  name: "unitsAtom";
  children: UnitsAtomCstChildren;
}

export type UnitsAtomCstChildren = {
  Units: IToken[];
  CmpOp: IToken[];
  number: NumberCstNode[];
};

export interface AgeAtomCstNode extends CstNode {
  name: "ageAtom";
  children: AgeAtomCstChildren;
}

export type AgeAtomCstChildren = {
  Age: IToken[];
  CmpOp: IToken[];
  number: NumberCstNode[];
};

export interface SexAtomCstNode extends CstNode {
  name: "sexAtom";
  children: SexAtomCstChildren;
}

export type SexAtomCstChildren = {
  Sex: IToken[];
  inOrEq?: InOrEqCstNode[];
  wordList: WordListCstNode[];
};

export interface PosAtomCstNode extends CstNode {
  name: "posAtom";
  children: PosAtomCstChildren;
}

export type PosAtomCstChildren = {
  Pos: IToken[];
  inOrEq?: InOrEqCstNode[];
  wordList: WordListCstNode[];
};

export interface PayerAtomCstNode extends CstNode {
  name: "payerAtom";
  children: PayerAtomCstChildren;
}

export type PayerAtomCstChildren = {
  Payer: IToken[];
  inOrEq?: InOrEqCstNode[];
  anyIdent: (AnyIdentCstNode)[];
  Comma?: IToken[];
};

export interface InOrEqCstNode extends CstNode {
  name: "inOrEq";
  children: InOrEqCstChildren;
}

export type InOrEqCstChildren = {
  In?: IToken[];
  Eq?: IToken[];
};

export interface DosAtomCstNode extends CstNode {
  name: "dosAtom";
  children: DosAtomCstChildren;
}

export type DosAtomCstChildren = {
  Dos: IToken[];
  CmpOp: IToken[];
  DateLiteral: IToken[];
};

export interface FactAtomCstNode extends CstNode {
  name: "factAtom";
  children: FactAtomCstChildren;
}

export type FactAtomCstChildren = {
  name: IToken[];
  CmpOp?: IToken[];
  factValue?: (FactValueCstNode)[];
  In?: IToken[];
  Comma?: IToken[];
};

export interface FactValueCstNode extends CstNode {
  name: "factValue";
  children: FactValueCstChildren;
}

export type FactValueCstChildren = {
  Word?: IToken[];
  anyIdent?: AnyIdentCstNode[];
};

export interface SetExprCstNode extends CstNode {
  name: "setExpr";
  children: SetExprCstChildren;
}

export type SetExprCstChildren = {
  setItem: (SetItemCstNode)[];
  Comma?: IToken[];
};

export interface SetItemCstNode extends CstNode {
  name: "setItem";
  children: SetItemCstChildren;
}

export type SetItemCstChildren = {
  from: IToken[];
  Minus?: IToken[];
  to?: IToken[];
};

export interface WordListCstNode extends CstNode {
  name: "wordList";
  children: WordListCstChildren;
}

export type WordListCstChildren = {
  Word: (IToken)[];
  Comma?: IToken[];
};

export interface NumberCstNode extends CstNode {
  name: "number";
  children: NumberCstChildren;
}

export type NumberCstChildren = {
  Word: IToken[];
};

export interface AnyIdentCstNode extends CstNode {
  name: "anyIdent";
  children: AnyIdentCstChildren;
}

export type AnyIdentCstChildren = {
  Ident?: IToken[];
  Keyword?: IToken[];
};

export interface ICstNodeVisitor<IN, OUT> extends ICstVisitor<IN, OUT> {
  file(children: FileCstChildren, param?: IN): OUT;
  item(children: ItemCstChildren, param?: IN): OUT;
  rulesetDecl(children: RulesetDeclCstChildren, param?: IN): OUT;
  setDecl(children: SetDeclCstChildren, param?: IN): OUT;
  setKind(children: SetKindCstChildren, param?: IN): OUT;
  rule(children: RuleCstChildren, param?: IN): OUT;
  ruleBody(children: RuleBodyCstChildren, param?: IN): OUT;
  overrideDecl(children: OverrideDeclCstChildren, param?: IN): OUT;
  disableDecl(children: DisableDeclCstChildren, param?: IN): OUT;
  tableRef(children: TableRefCstChildren, param?: IN): OUT;
  tableKind(children: TableKindCstChildren, param?: IN): OUT;
  selectTable(children: SelectTableCstChildren, param?: IN): OUT;
  selectCase(children: SelectCaseCstChildren, param?: IN): OUT;
  testBlock(children: TestBlockCstChildren, param?: IN): OUT;
  testClaim(children: TestClaimCstChildren, param?: IN): OUT;
  claimId(children: ClaimIdCstChildren, param?: IN): OUT;
  claimIdValue(children: ClaimIdValueCstChildren, param?: IN): OUT;
  dosAttr(children: DosAttrCstChildren, param?: IN): OUT;
  payerAttr(children: PayerAttrCstChildren, param?: IN): OUT;
  dxAttr(children: DxAttrCstChildren, param?: IN): OUT;
  sexAttr(children: SexAttrCstChildren, param?: IN): OUT;
  bornAttr(children: BornAttrCstChildren, param?: IN): OUT;
  posAttr(children: PosAttrCstChildren, param?: IN): OUT;
  testLine(children: TestLineCstChildren, param?: IN): OUT;
  unitsAttr(children: UnitsAttrCstChildren, param?: IN): OUT;
  modifiersAttr(children: ModifiersAttrCstChildren, param?: IN): OUT;
  chargeAttr(children: ChargeAttrCstChildren, param?: IN): OUT;
  factsAttr(children: FactsAttrCstChildren, param?: IN): OUT;
  factPair(children: FactPairCstChildren, param?: IN): OUT;
  expectation(children: ExpectationCstChildren, param?: IN): OUT;
  action(children: ActionCstChildren, param?: IN): OUT;
  requireAction(children: RequireActionCstChildren, param?: IN): OUT;
  forbidAction(children: ForbidActionCstChildren, param?: IN): OUT;
  modifierTarget(children: ModifierTargetCstChildren, param?: IN): OUT;
  limitAction(children: LimitActionCstChildren, param?: IN): OUT;
  meta(children: MetaCstChildren, param?: IN): OUT;
  fixSpec(children: FixSpecCstChildren, param?: IN): OUT;
  orCond(children: OrCondCstChildren, param?: IN): OUT;
  andCond(children: AndCondCstChildren, param?: IN): OUT;
  notCond(children: NotCondCstChildren, param?: IN): OUT;
  atom(children: AtomCstChildren, param?: IN): OUT;
  codesAtom(children: CodesAtomCstChildren, param?: IN): OUT;
  codesQualifier(children: CodesQualifierCstChildren, param?: IN): OUT;
  dxAtom(children: DxAtomCstChildren, param?: IN): OUT;
  claimDxAtom(children: ClaimDxAtomCstChildren, param?: IN): OUT;
  modifierAtom(children: ModifierAtomCstChildren, param?: IN): OUT;
  unitsAtom(children: UnitsAtomCstChildren, param?: IN): OUT;
  ageAtom(children: AgeAtomCstChildren, param?: IN): OUT;
  sexAtom(children: SexAtomCstChildren, param?: IN): OUT;
  posAtom(children: PosAtomCstChildren, param?: IN): OUT;
  payerAtom(children: PayerAtomCstChildren, param?: IN): OUT;
  inOrEq(children: InOrEqCstChildren, param?: IN): OUT;
  dosAtom(children: DosAtomCstChildren, param?: IN): OUT;
  factAtom(children: FactAtomCstChildren, param?: IN): OUT;
  factValue(children: FactValueCstChildren, param?: IN): OUT;
  setExpr(children: SetExprCstChildren, param?: IN): OUT;
  setItem(children: SetItemCstChildren, param?: IN): OUT;
  wordList(children: WordListCstChildren, param?: IN): OUT;
  number(children: NumberCstChildren, param?: IN): OUT;
  anyIdent(children: AnyIdentCstChildren, param?: IN): OUT;
}

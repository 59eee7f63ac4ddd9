/**
 * What the language server answers, computed from a document's text and its group's
 * latest compilation: the token under the cursor, hovers, definitions and completions.
 * Offsets are UTF-16 code units, as in the AST and in LSP positions.
 */
import type { IToken } from "chevrotain";
import type { Program, ProgramLayer, ProgramRule, ProgramTable } from "../../compiler/index.ts";
import type * as A from "../../grammar/ast.ts";
import { parseRules, printItem, printSet } from "../../grammar/index.ts";
import { keywordTokens, ruleLexer } from "../../grammar/tokens.ts";
import { formatDay } from "../../runtime/dates.ts";
import { modifierLabel, procedureLabel } from "./code-labels.ts";
import { icdEntry } from "./icd-descriptions.ts";

/** A place in a file (a compile-input path): a half-open offset range, or a 1-based line and column. */
export type Place =
  | { readonly file: string; readonly start: number; readonly end: number }
  | { readonly file: string; readonly line: number; readonly column: number };

/** The token at `offset` (one that contains it, or ends right at it), with the token before it. */
export function tokenAt(text: string, offset: number): { token?: IToken; previous?: IToken } {
  const tokens = ruleLexer().tokenize(text).tokens;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const end = t.startOffset + t.image.length;
    if (t.startOffset <= offset && offset < end) return { token: t, previous: tokens[i - 1] };
    if (end === offset && !(tokens[i + 1] && tokens[i + 1]!.startOffset === offset)) {
      return { token: t, previous: tokens[i - 1] };
    }
    if (t.startOffset > offset) return { previous: tokens[i - 1] };
  }
  return { previous: tokens[tokens.length - 1] };
}

export const KEYWORDS: readonly string[] = keywordTokens.map((t) => t.PATTERN as string).sort();
const KEYWORD_SET = new Set(KEYWORDS);

/** One-line help for the keywords a coder meets most (docs/language.md says the rest). */
const KEYWORD_HELP: Readonly<Record<string, string>> = {
  when: "starts a rule: `when [line SUBJECT and] CONDITION ACTION`, metadata on the lines below",
  line: "`when line S …`: the rule is checked once per claim line whose code is in S",
  require: "action: the claim must carry a code (`require 17000`), a modifier (`require modifier 25`) or a diagnosis (`require dx in S`)",
  forbid: "action: lines of the set (or carrying the modifier) are denied",
  limit: "action: `limit S to N [per line | per day]`, units of the set at most N",
  deny: "action: an error on the rule's subject lines",
  flag: "action: a warning for review on the rule's subject lines",
  id: "metadata: the rule's stable id",
  severity: "metadata: `error` (will deny), `warning` (review) or `info`",
  category: "metadata: ptp, mue, addon, medical-necessity, modifier, code-selection, coverage, code or policy",
  message: "metadata: what the coder reads",
  source: "metadata: the citation (NCCI manual section, CMS file version, LCD id)",
  effective: "metadata: `effective FROM until UNTIL`, the dates of service the rule applies to (inclusive)",
  fix: "metadata: the suggested fix (`replace A with B`, `remove`, `add 17000`, `add modifier 25`, `set units N`, or text)",
  ruleset: "`ruleset NAME [extends BASE]`: the layer this file belongs to (default `cms`)",
  override: "`override ID` amends a base rule with metadata lines, or replaces it with a `when` body",
  disable: "`disable ID` removes a base rule or table edit (`cms.ptp.11102.*` for a prefix)",
  select: "`select for S { case CONDITION -> CODE … }`: a code-selection table",
  test: '`test "name" { claim … line … expect … }`: an example claim and the findings it must produce',
  expect: "`expect [severity] ID [lines N, …]`, `expect no ID`, `expect verdict deny|review|clean|invalid`",
  count: "`S count > N`: total units of the set on the date of service",
  dx: "`dx in S`: the line's diagnoses (line scope) or the claim's (claim scope)",
  ptp: "a CMS NCCI procedure-to-procedure table, loaded from a TSV file",
  mue: "a CMS NCCI medically unlikely edit table, loaded from a TSV file",
  aoc: "a CMS NCCI add-on code table, loaded from a TSV file",
};

// ---------------------------------------------------------------- lookups

/** The layer a document's rules belong to (its `ruleset`, else the default). */
function layerOf(program: Program, ast: A.RuleFile): ProgramLayer | undefined {
  return program.layers.get(ast.ruleset?.name.text ?? program.defaultLayer) ?? program.layers.get(program.defaultLayer);
}

function idMatches(pattern: string, id: string): boolean {
  return pattern.endsWith(".*") ? id.startsWith(pattern.slice(0, -1)) : id === pattern;
}

/** Every rule of every layer with an id the pattern matches (each id once, the first layer's). */
function rulesMatching(program: Program, pattern: string): ProgramRule[] {
  const seen = new Map<string, ProgramRule>();
  for (const layer of program.layers.values()) {
    for (const r of layer.rules) if (idMatches(pattern, r.id) && !seen.has(r.id)) seen.set(r.id, r);
  }
  return [...seen.values()];
}

/** The table edit an id names (`cms.ptp.17004.17003`, `cms.mue.17003`, `cms.aoc.17003`) in a table, as a description. */
function tableEdit(table: ProgramTable, id: string): string | undefined {
  const head = `${table.idPrefix}.`;
  if (!id.startsWith(head)) return undefined;
  const rest = id.slice(head.length);
  const date = (d: number | null): string => (d === null ? "open" : formatDay(d));
  switch (table.kind) {
    case "ptp": {
      const [c1, c2] = rest.split(".");
      const rows = table.rows.filter((r) => r.column1 === c1 && r.column2 === c2);
      if (rows.length === 0) return undefined;
      const lines = rows.map((r) => `modifier indicator ${r.modifier}, effective ${date(r.effective)} until ${date(r.deletion)}`);
      return `**PTP edit** column 1 \`${c1}\`, column 2 \`${c2}\`: ${lines.join("; ")}`;
    }
    case "mue": {
      const row = table.rows.find((r) => r.code === rest);
      return row && `**MUE** \`${row.code}\`: ${row.mue} unit${row.mue === 1 ? "" : "s"} (MAI ${row.mai})`;
    }
    case "aoc": {
      const rows = table.rows.filter((r) => r.addon === rest);
      if (rows.length === 0) return undefined;
      const primaries = [...new Set(rows.map((r) => r.primary))].filter((p) => p !== "CCCCC");
      return `**add-on code** \`${rest}\` (type ${rows[0]!.type}): ${primaries.length > 0 ? `primaries ${primaries.map((p) => `\`${p}\``).join(", ")}` : "no listed primary"}`;
    }
    default: {
      const never: never = table;
      return never;
    }
  }
}

function tablesOf(layer: ProgramLayer | undefined): ProgramTable[] {
  return layer ? [...layer.ptp, ...layer.mue, ...layer.aoc] : [];
}

// ---------------------------------------------------------------- hover

/** The hover text (Markdown) at an offset, or undefined. */
export function hoverAt(text: string, file: string, offset: number, program: Program): { markdown: string; start: number; end: number } | undefined {
  const { token } = tokenAt(text, offset);
  if (!token || offset >= token.startOffset + token.image.length) return undefined;
  const range = { start: token.startOffset, end: token.startOffset + token.image.length };
  const word = token.image;
  const ast = parseRules(text, file).ast;
  const layer = layerOf(program, ast);
  const kind = token.tokenType.name;
  let markdown: string | undefined;
  if (kind === "Word") markdown = hoverWord(word, program, layer);
  else if (kind === "Ident") markdown = hoverIdent(word, program, layer);
  else if (KEYWORD_SET.has(word)) markdown = `**keyword** \`${word}\`${KEYWORD_HELP[word] ? `: ${KEYWORD_HELP[word]}` : ""}`;
  return markdown === undefined ? undefined : { markdown, ...range };
}

function hoverWord(word: string, program: Program, layer: ProgramLayer | undefined): string | undefined {
  const set = program.lookupSet(word);
  if (set) {
    const value = printSet(set.decl.value);
    const shown = value.length > 400 ? `${value.slice(0, 399)}…` : value;
    return `**${set.kind} set** \`${set.name}\` (ruleset \`${set.layer}\`)\n\n\`\`\`dermrules\n${set.kind} ${set.name} = ${shown}\n\`\`\``;
  }
  const parts: string[] = [];
  if (/^[0-9]{4}[0-9AMUFT]$|^[A-Z][0-9]{4}$/.test(word)) {
    const label = procedureLabel(word);
    parts.push(`**procedure code** \`${word}\`${label ? `: ${label}` : ""}`);
    for (const t of tablesOf(layer)) {
      if (t.kind === "mue") {
        const e = tableEdit(t, `${t.idPrefix}.${word}`);
        if (e) parts.push(e);
      } else if (t.kind === "aoc") {
        const e = tableEdit(t, `${t.idPrefix}.${word}`);
        if (e) parts.push(e);
      } else {
        const asColumn2 = t.rows.filter((r) => r.column2 === word).length;
        const asColumn1 = t.rows.filter((r) => r.column1 === word).length;
        if (asColumn1 + asColumn2 > 0) parts.push(`**PTP** (${t.version}): column 1 of ${asColumn1} edits, column 2 of ${asColumn2}`);
      }
    }
  }
  if (/^[A-Z][0-9][0-9A-Z]/.test(word) && !word.includes("*")) {
    const entry = icdEntry(word);
    if (entry) parts.push(`**ICD-10-CM** \`${word}\`: ${entry.description}${entry.billable ? "" : " (a category header, not billable)"}`);
  }
  const modifier = word.length === 2 ? modifierLabel(word) : undefined;
  if (modifier) parts.push(`**modifier** \`${word}\`: ${modifier}`);
  return parts.length > 0 ? parts.join("\n\n") : undefined;
}

function hoverIdent(word: string, program: Program, layer: ProgramLayer | undefined): string | undefined {
  const rules = rulesMatching(program, word);
  if (rules.length === 1 || (rules.length > 0 && !word.endsWith(".*"))) return describeRule(rules[0]!);
  if (rules.length > 1) return `**${rules.length} rules** match \`${word}\`: ${rules.slice(0, 20).map((r) => `\`${r.id}\``).join(", ")}${rules.length > 20 ? ", …" : ""}`;
  for (const t of tablesOf(layer)) {
    const e = tableEdit(t, word);
    if (e) return `${e}\n\n*source:* ${t.source || "—"} (version \`${t.version}\`)`;
  }
  if (KEYWORD_SET.has(word)) return `**keyword** \`${word}\`${KEYWORD_HELP[word] ? `: ${KEYWORD_HELP[word]}` : ""}`;
  return undefined;
}

/** A rule as a coder reads it: id, severity, category, message, citation, window, where. */
export function describeRule(r: ProgramRule): string {
  const [from, until] = r.meta.effective;
  const window = from === null && until === null ? "" : `\n\n*effective:* ${from === null ? "…" : formatDay(from)} until ${until === null ? "…" : formatDay(until)}`;
  const body = printItem(r.node).split("\n")[0]!;
  return (
    `**rule** \`${r.id}\` · ${r.meta.severity} · ${r.meta.category} (ruleset \`${r.layer}\`)\n\n` +
    `${r.meta.message}\n\n` +
    `*source:* ${r.meta.source || "—"}${window}\n\n` +
    `\`\`\`dermrules\n${body}\n\`\`\`\n\n*defined at* ${r.origin}`
  );
}

// ---------------------------------------------------------------- definition

/** Where the set name or rule id at an offset is defined. `current` is the document's own (fresh) AST. */
export function definitionsAt(text: string, file: string, offset: number, program: Program): Place[] {
  const { token } = tokenAt(text, offset);
  if (!token) return [];
  const name = token.image;
  const current = parseRules(text, file).ast;
  // The document's own definitions come from its current text; other files from the compilation.
  const files = [current, ...program.files.filter((f) => f.path !== file)];
  if (token.tokenType.name === "Word") {
    const out: Place[] = [];
    for (const f of files) {
      for (const item of f.items) {
        if (item.kind === "set-decl" && item.name.text === name) out.push({ file: f.path, start: item.name.span.start, end: item.name.span.end });
      }
    }
    return out;
  }
  if (token.tokenType.name !== "Ident") return [];
  const out: Place[] = [];
  for (const f of files) {
    for (const item of f.items) {
      if (item.kind !== "rule" && item.kind !== "select") continue;
      for (const m of item.meta) {
        if (m.kind === "id" && idMatches(name, m.id.text)) out.push({ file: f.path, start: m.id.span.start, end: m.id.span.end });
      }
    }
  }
  if (out.length > 0) return out;
  // Rules without an `id` line (derived ids) point to their origin; table edits to their table.
  for (const r of rulesMatching(program, name)) {
    const origin = /^(.*):(\d+):(\d+)$/.exec(r.origin);
    if (origin) out.push({ file: origin[1]!, line: Number(origin[2]), column: Number(origin[3]) });
  }
  for (const layer of program.layers.values()) {
    for (const t of tablesOf(layer)) {
      const prefix = `${t.idPrefix}.`;
      const matches = name.endsWith(".*") ? prefix.startsWith(name.slice(0, -1)) || name.startsWith(prefix) : tableEdit(t, name) !== undefined;
      if (matches && !out.some((p) => p.file === t.ref.span.file && "start" in p && p.start === t.ref.span.start)) {
        out.push({ file: t.ref.span.file, start: t.ref.span.start, end: t.ref.path.span.end });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------- completion

/** A completion: a keyword, a set name or a rule id. */
export interface Completion {
  readonly label: string;
  readonly kind: "keyword" | "set" | "rule";
  readonly detail?: string;
}

/** Words that a rule id follows. */
const BEFORE_RULE_ID = new Set(["override", "disable", "no"]);

/** Completions at an offset: rule ids after `override`/`disable`/`expect …`; else keywords and set names. */
export function completionsAt(text: string, file: string, offset: number, program: Program): Completion[] {
  const tokens = ruleLexer()
    .tokenize(text)
    .tokens.filter((t) => t.startOffset + t.image.length <= offset);
  // The word being typed touches the cursor; the token before it says what may come here.
  const last = tokens[tokens.length - 1];
  const typing = last && last.startOffset + last.image.length === offset && /^[A-Za-z0-9_]/.test(last.image);
  const beforeIndex = tokens.length - (typing ? 2 : 1);
  const before = tokens[beforeIndex];
  // `error`, `warning`, `info` take a rule id only in `expect error ID` (not in `severity error`).
  const severityWord = before !== undefined && ["error", "warning", "info"].includes(before.image);
  const ruleIdHere =
    before !== undefined &&
    (before.image === "expect" || (severityWord ? tokens[beforeIndex - 1]?.image === "expect" : BEFORE_RULE_ID.has(before.image)));
  if (before && ruleIdHere) {
    const ids = new Set<string>();
    for (const layer of program.layers.values()) for (const r of layer.rules) ids.add(r.id);
    const out: Completion[] = [...ids].sort().map((id) => ({ label: id, kind: "rule" as const }));
    if (before.image === "expect") for (const k of ["no", "verdict", "error", "warning", "info"]) out.push({ label: k, kind: "keyword" });
    return out;
  }
  const out: Completion[] = KEYWORDS.map((k) => ({ label: k, kind: "keyword" as const, ...(KEYWORD_HELP[k] && { detail: KEYWORD_HELP[k] }) }));
  const sets = new Map<string, string>();
  for (const item of parseRules(text, file).ast.items) if (item.kind === "set-decl") sets.set(item.name.text, `${item.setKind} set`);
  for (const s of program.sets.values()) if (!sets.has(s.name)) sets.set(s.name, `${s.kind} set`);
  for (const [name, detail] of [...sets].sort()) out.push({ label: name, kind: "set", detail });
  return out;
}

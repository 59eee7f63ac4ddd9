/**
 * Shared helpers for the grammar tests: doc examples, span-free AST builders and a span
 * checker.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { parseRules, withoutSpans, type Item, type Node, type RuleFile, type Span } from "../../grammar/index.ts";

const LANGUAGE_MD = fileURLToPath(new URL("../../docs/language.md", import.meta.url));

/** Every fenced block of docs/language.md, with the 1-based line its code starts on. */
export function docExamples(): { line: number; text: string }[] {
  const md = readFileSync(LANGUAGE_MD, "utf8");
  const out: { line: number; text: string }[] = [];
  const fence = /^```[^\n]*\n([\s\S]*?)^```/gm;
  for (const match of md.matchAll(fence)) {
    const line = md.slice(0, match.index).split("\n").length + 1;
    out.push({ line, text: match[1]! });
  }
  return out;
}

/** Parses and asserts that there is no diagnostic at all. */
export function parseClean(text: string, file = "test.rules"): RuleFile {
  const { ast, diagnostics } = parseRules(text, file);
  expect(diagnostics).toEqual([]);
  return ast;
}

/** The span-free form of the only item of a clean parse. */
export function onlyItem(text: string): ReturnType<typeof withoutSpans<Item>> {
  const ast = parseClean(text);
  expect(ast.items).toHaveLength(1);
  return withoutSpans(ast.items[0]!);
}

/** The number of fast-check runs (FC_NUM_RUNS overrides, for long soak runs). */
export function numRuns(fallback: number): number {
  const fromEnv = Number(process.env["FC_NUM_RUNS"]);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : fallback;
}

// ---------------------------------------------------------------- span-free builders

export const word = (text: string) => ({ kind: "word", text }) as const;
export const ident = (text: string) => ({ kind: "ident", text }) as const;
export const num = (text: string) => ({ kind: "number", value: Number(text), text }) as const;
export const date = (text: string) => ({ kind: "date", text }) as const;
export const str = (value: string) => ({ kind: "string", value }) as const;

/** A set expression: `"17000"` is a reference, `["11600", "11606"]` a range. */
export function set(...items: (string | [string, string])[]) {
  return {
    kind: "set",
    items: items.map((item) =>
      typeof item === "string"
        ? { kind: "set-ref", word: word(item) }
        : { kind: "set-range", from: word(item[0]), to: word(item[1]) },
    ),
  } as const;
}

export const codes = (...items: (string | [string, string])[]) => ({ kind: "codes", codes: set(...items) }) as const;

// ---------------------------------------------------------------- spans

/**
 * Every problem with the spans of a tree: a span outside the text or the file, a span
 * that is not inside its parent's, or a leaf whose span does not cover its own text.
 */
export function spanProblems(ast: RuleFile, text: string, file: string): string[] {
  const problems: string[] = [];
  const visit = (value: unknown, parent: Span, path: string): void => {
    if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, parent, `${path}[${i}]`));
      return;
    }
    if (value === null || typeof value !== "object") return;
    const node = value as Partial<Node> & Record<string, unknown>;
    let here = parent;
    if (node.span !== undefined) {
      const s = node.span;
      here = s;
      if (s.file !== file) problems.push(`${path}: file ${s.file}`);
      if (!(Number.isInteger(s.start) && Number.isInteger(s.end) && 0 <= s.start && s.start <= s.end && s.end <= text.length)) {
        problems.push(`${path}: span ${s.start}-${s.end} outside 0-${text.length}`);
      }
      if (s.start < parent.start || s.end > parent.end) {
        problems.push(`${path}: span ${s.start}-${s.end} not inside parent ${parent.start}-${parent.end}`);
      }
      const kind = node.kind;
      if ((kind === "word" || kind === "ident" || kind === "date" || kind === "number") && typeof node["text"] === "string") {
        if (text.slice(s.start, s.end) !== node["text"]) problems.push(`${path}: span text differs from ${node["text"]}`);
      }
    }
    for (const [key, child] of Object.entries(node)) {
      if (key !== "span") visit(child, here, `${path}.${key}`);
    }
  };
  visit(ast, { file, start: 0, end: text.length }, "file");
  return problems;
}

/**
 * The TextMate grammar (editors/textmate/dermrules.tmLanguage.json), as VS Code runs it:
 * golden tokenizations (`test/golden/textmate/<case>.rules` → `<case>.rules.tokens`; update
 * with `npx vitest run test/editors -u` and review), and checks that keep the grammar in step
 * with the lexer: every keyword, comment, string and date the lexer knows is scoped as such.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ruleLexer, keywordTokens } from "../../grammar/tokens.ts";
import { GRAMMAR_PATH, renderTokens, tokenize } from "./textmate.ts";

const DIR = path.resolve(import.meta.dirname, "../golden/textmate");
const cases = fs.readdirSync(DIR).filter((f) => f.endsWith(".rules")).sort();

describe("TextMate grammar", () => {
  it("is valid JSON with the dermrules scope and file type", () => {
    const g = JSON.parse(fs.readFileSync(GRAMMAR_PATH, "utf8")) as { scopeName: string; fileTypes: string[] };
    expect(g.scopeName).toBe("source.dermrules");
    expect(g.fileTypes).toEqual(["rules"]);
  });

  it("has golden cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(5);
  });

  for (const c of cases) {
    it(`tokenizes ${c}`, async () => {
      const text = fs.readFileSync(path.join(DIR, c), "utf8");
      await expect(renderTokens(await tokenize(text))).toMatchFileSnapshot(path.join(DIR, `${c}.tokens`));
    });
  }

  it("scopes every keyword of the lexer as a keyword or storage type", async () => {
    for (const token of keywordTokens) {
      const word = token.PATTERN as string;
      const [t] = (await tokenize(word)).filter((x) => x.text.trim() !== "");
      expect(t?.text, word).toBe(word);
      expect(t!.scopes.some((s) => s.startsWith("keyword.") || s.startsWith("storage.type.")), `${word}: ${t!.scopes.join(" ")}`).toBe(true);
    }
  });

  it("agrees with the lexer on comments, strings and dates in the shipped rule files", async () => {
    const root = path.resolve(import.meta.dirname, "../..");
    const files = ["rules/cms/sets.rules", "rules/cms/integumentary.rules", "rules/cms/ncci/ncci.rules"].filter((f) =>
      fs.existsSync(path.join(root, f)),
    );
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const text = fs.readFileSync(path.join(root, file), "utf8");
      const lexed = ruleLexer().tokenize(text);
      const fromLexer = [
        ...(lexed.groups["comments"] ?? []).map((t) => `comment ${t.image.trimEnd()}`),
        ...lexed.tokens.filter((t) => t.tokenType.name === "StringLiteral").map((t) => `string ${t.image}`),
        ...lexed.tokens.filter((t) => t.tokenType.name === "DateLiteral").map((t) => `date ${t.image}`),
      ].sort();
      // Join consecutive tokens of one kind on one line (a string is several tokens: quotes, body, escapes).
      const runs: string[] = [];
      let current: { line: number; kind: string; text: string } | undefined;
      const flush = (): void => {
        if (current?.kind) runs.push(`${current.kind} ${current.text.trimEnd()}`);
        current = undefined;
      };
      for (const t of await tokenize(text)) {
        const kind = t.scopes.some((s) => s.startsWith("comment."))
          ? "comment"
          : t.scopes.some((s) => s.startsWith("string.quoted"))
            ? "string"
            : t.scopes.some((s) => s.startsWith("constant.other.date"))
              ? "date"
              : "";
        if (current && current.line === t.line && current.kind === kind) current.text += t.text;
        else {
          flush();
          current = { line: t.line, kind, text: t.text };
        }
      }
      flush();
      expect(runs.sort(), file).toEqual(fromLexer);
    }
  });
});

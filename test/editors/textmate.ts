/**
 * Tokenizes text with the TextMate grammar of editors/textmate, the way VS Code does:
 * vscode-textmate with the Oniguruma regex engine compiled to WebAssembly (the `.wasm` ships
 * inside the vscode-oniguruma package; nothing is downloaded).
 */
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import oniguruma from "vscode-oniguruma";
import vsctm from "vscode-textmate";

export const GRAMMAR_PATH = path.resolve(import.meta.dirname, "../../editors/textmate/dermrules.tmLanguage.json");
export const SCOPE = "source.dermrules";

/** One token: its text and its scopes, the root scope first. */
export interface Token {
  readonly line: number;
  readonly text: string;
  readonly scopes: readonly string[];
}

let grammar: Promise<vsctm.IGrammar> | undefined;

/** The grammar, loaded once. */
export function loadGrammar(): Promise<vsctm.IGrammar> {
  grammar ??= (async () => {
    const require = createRequire(import.meta.url);
    const wasm = fs.readFileSync(path.join(path.dirname(require.resolve("vscode-oniguruma")), "onig.wasm"));
    await oniguruma.loadWASM(wasm);
    const registry = new vsctm.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
        createOnigString: (s: string) => new oniguruma.OnigString(s),
      }),
      loadGrammar: async (scopeName: string) =>
        scopeName === SCOPE ? vsctm.parseRawGrammar(fs.readFileSync(GRAMMAR_PATH, "utf8"), GRAMMAR_PATH) : null,
    });
    const loaded = await registry.loadGrammar(SCOPE);
    if (!loaded) throw new Error(`cannot load ${GRAMMAR_PATH}`);
    return loaded;
  })();
  return grammar;
}

/** Every token of a text, line by line, with the state carried across lines. */
export async function tokenize(text: string): Promise<Token[]> {
  const g = await loadGrammar();
  const tokens: Token[] = [];
  let state = vsctm.INITIAL;
  text.split(/\r?\n/).forEach((lineText, index) => {
    const result = g.tokenizeLine(lineText, state);
    for (const t of result.tokens) {
      tokens.push({ line: index + 1, text: lineText.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    }
    state = result.ruleStack;
  });
  return tokens;
}

/**
 * The golden form: one line per token, `line:text` in JSON quotes, then its scopes without
 * the root scope. Whitespace that carries only the root scope is left out.
 */
export function renderTokens(tokens: readonly Token[]): string {
  return tokens
    .filter((t) => !(t.text.trim() === "" && t.scopes.length === 1))
    .map((t) => `${t.line}:${JSON.stringify(t.text)} ${t.scopes.slice(1).join(" ") || "-"}`)
    .join("\n")
    .concat("\n");
}

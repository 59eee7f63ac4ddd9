/**
 * Stage `parse`: every rule file through the grammar, sorted by path so that the table does
 * not depend on the order files were named in.
 */
import { parseRules } from "../grammar/index.ts";
import { SourceFile } from "../grammar/source.ts";
import type { CompileContext } from "./context.ts";

/** Parses the inputs into `ctx.files`, collecting syntax diagnostics. */
export function parseStage(ctx: CompileContext): void {
  const inputs = ctx.inputs.slice().sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const seen = new Set<string>();
  for (const input of inputs) {
    // The same path twice (a file named directly and inside a named folder) is read once.
    if (seen.has(input.path)) continue;
    seen.add(input.path);
    // A BOM is not part of the text: offsets must match what an editor shows.
    const text = input.text.charCodeAt(0) === 0xfeff ? input.text.slice(1) : input.text;
    ctx.sources.set(input.path, new SourceFile(input.path, text));
    const parsed = parseRules(text, input.path);
    ctx.files.push(parsed.ast);
    ctx.diagnostics.push(...parsed.diagnostics);
  }
}

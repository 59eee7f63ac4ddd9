/**
 * The examples of docs/runtime-api.md are real: each claim shown, evaluated on the shipped
 * rules' table, gives exactly the result shown after it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { compilePaths } from "../../compiler/index.ts";
import { evaluate, evaluateJsonText, loadTable } from "../../runtime/index.ts";
import { REPO_ROOT } from "../support/cli.ts";

const DOC = path.join(REPO_ROOT, "docs", "runtime-api.md");

function jsonBlocks(md: string): unknown[] {
  return [...md.matchAll(/^```json\n([\s\S]*?)^```/gm)].map((m) => JSON.parse(m[1]!) as unknown);
}

describe("docs/runtime-api.md", () => {
  it("shows real results for its claims", () => {
    const r = compilePaths([path.join(REPO_ROOT, "rules")], { cwd: REPO_ROOT });
    const loaded = loadTable(r.table!);
    if (!loaded.ok) throw new Error("the shipped table does not load");
    const blocks = jsonBlocks(fs.readFileSync(DOC, "utf8"));
    // claim, result; invalid claim, invalid result; NDJSON line 7's result.
    expect(blocks.length).toBe(5);
    expect(evaluate(loaded.table, blocks[0])).toEqual(blocks[1]);
    expect(evaluate(loaded.table, blocks[2])).toEqual(blocks[3]);
    expect(evaluateJsonText(loaded.table, "{oops", 7)).toEqual(blocks[4]);
  });

  it("shows the real DR4502 message", () => {
    const r = loadTable('{"formatVersion": 9}');
    expect(r.ok).toBe(false);
    expect(fs.readFileSync(DOC, "utf8")).toContain(`(\`${!r.ok && r.errors[0]!.message}\`)`);
  });
});

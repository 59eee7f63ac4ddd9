/**
 * grammar/cst.generated.d.ts must match the grammar. To regenerate after a grammar change:
 * `UPDATE_CST_DTS=1 npx vitest run test/grammar/cst-dts.test.ts`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { cstTypesText } from "../../grammar/parser.ts";

const PATH = fileURLToPath(new URL("../../grammar/cst.generated.d.ts", import.meta.url));

it("grammar/cst.generated.d.ts is up to date", () => {
  const expected = cstTypesText();
  if (process.env["UPDATE_CST_DTS"] === "1") writeFileSync(PATH, expected);
  expect(readFileSync(PATH, "utf8")).toBe(expected);
});

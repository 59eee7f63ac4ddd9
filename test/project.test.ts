/**
 * Whole-project checks that belong in the test command: the TypeScript sources typecheck
 * (strict), runtime/ compiles alone with the DOM lib and no Node types, and the runtime
 * bundles for a browser without any module from outside runtime/ (`npm run check:isolation`).
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");
const TSC = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");

function run(cmd: string, args: string[]): { code: number; out: string } {
  try {
    const out = execFileSync(cmd, args, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return { code: 0, out };
  } catch (err) {
    const e = err as { status?: number; stdout?: string; stderr?: string };
    return { code: e.status ?? 1, out: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

describe("project", () => {
  it("typechecks (tsc --noEmit, strict)", () => {
    const r = run(process.execPath, [TSC, "-p", "tsconfig.json"]);
    expect(r.out).toBe("");
    expect(r.code).toBe(0);
  }, 120_000);

  it("runtime/ compiles alone with the DOM lib and no Node types", () => {
    const r = run(process.execPath, [TSC, "-p", "tsconfig.runtime.json"]);
    expect(r.out).toBe("");
    expect(r.code).toBe(0);
  }, 120_000);

  it("runtime/ bundles for a browser with nothing from outside runtime/", () => {
    const r = run(process.execPath, [path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"), "scripts/check-isolation.ts"]);
    expect(r.code, r.out).toBe(0);
  }, 120_000);
});

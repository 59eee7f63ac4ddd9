/**
 * The progress line: redrawn in place on a terminal, plain periodic lines otherwise, quiet on
 * short runs in `auto`, silent with `never`.
 */
import { describe, expect, it } from "vitest";
import { Progress, type ProgressMode } from "../../report/progress.ts";

function run(mode: ProgressMode, tty: boolean, durationMs: number, records = 10_000, totalBytes?: number): string[] {
  let now = 0;
  const out: string[] = [];
  const p = new Progress({ mode, tty, write: (t) => out.push(t), now: () => now, ...(totalBytes !== undefined ? { totalBytes } : {}) });
  for (let i = 1; i <= records; i++) {
    now = (durationMs * i) / records;
    p.tick({ records: i, denied: Math.floor(i / 10), invalid: Math.floor(i / 100), bytes: totalBytes ? Math.floor((totalBytes * i) / records) : 0 });
  }
  p.done({ records, denied: records / 10, invalid: records / 100, bytes: totalBytes ?? 0 }, " → r.html");
  return out;
}

describe("Progress", () => {
  it("prints nothing with never", () => {
    expect(run("never", true, 60_000)).toEqual([]);
  });

  it("stays quiet on a short run in auto, and speaks on a long one", () => {
    expect(run("auto", false, 2_000)).toEqual([]);
    expect(run("auto", true, 500)).toEqual([]);
    const long = run("auto", false, 60_000);
    expect(long.length).toBeGreaterThan(5);
    expect(long.at(-1)).toMatch(/^audit: 10,000 claims in 60\.0 s \(167 claims\/s\), 1,000 denied, 100 invalid → r\.html\n$/);
  });

  it("writes plain lines every few seconds off a terminal", () => {
    const out = run("always", false, 30_000);
    expect(out.every((l) => l.endsWith("\n") && !l.includes("\r"))).toBe(true);
    // 30 s at one line per 5 s, plus the first and the final line.
    expect(out.length).toBeGreaterThanOrEqual(6);
    expect(out.length).toBeLessThanOrEqual(9);
  });

  it("redraws one line in place on a terminal, with size, share and time left", () => {
    const out = run("always", true, 10_000, 10_000, 50 * 1_048_576);
    const redraws = out.slice(0, -1);
    expect(redraws.length).toBeGreaterThan(20);
    expect(redraws.every((l) => l.startsWith("\r\x1b[2K") && !l.endsWith("\n"))).toBe(true);
    expect(redraws[redraws.length - 1]).toMatch(/audit: [\d,]+ claims · [\d,]+ denied, [\d,]+ invalid · [\d,]+ claims\/s · [\d.]+ of 50\.0 MB \(\d+%\) · about \d+ s left$/);
    expect(out.at(-1)).toMatch(/^\r\x1b\[2Kaudit: 10,000 claims in 10\.0 s/);
  });
});

/**
 * The report page is self-contained and safe: no script, nothing loaded from anywhere, user
 * text escaped, every headline figure marked with its name and raw value, charts as inline SVG.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { AuditAggregator } from "../../report/aggregate.ts";
import { renderHtml } from "../../report/html.ts";
import { barChart, columnChart, stackedBar } from "../../report/svg.ts";
import { loadTable, type LoadedTable } from "../../runtime/index.ts";
import { runCli, tempDir } from "../support/cli.ts";

let loaded: LoadedTable;
beforeAll(async () => {
  const out = path.join(tempDir(), "table.json");
  expect((await runCli(["compile", "rules", "-o", out])).code).toBe(0);
  const r = loadTable(fs.readFileSync(out, "utf8"));
  if (!r.ok) throw new Error(r.errors[0]!.message);
  loaded = r.table;
}, 120_000);

function page(): { html: string; totals: Record<string, number | null> } {
  const a = new AuditAggregator({ input: { name: "<claims>.ndjson", format: "json" }, table: loaded.table, version: "t", generatedAt: "2026-11-26T00:00:00.000Z" });
  const evil = "<script>alert(1)</script>";
  a.add(
    { id: evil, payer: `"payer" & <co>`, serviceDate: "2026-10-15", provider: { name: evil }, diagnoses: ["L57.0"], lines: [{ code: "17000", units: 1, charge: 12.5 }] },
    { claimId: evil, verdict: "deny", layer: "cms", findings: [{ rule: "r.<x>", category: "ptp", severity: "error", lines: [1], message: "`<b>` bundled", source: "src & co", fix: { op: "text", text: "<i>do</i>" } }] },
  );
  a.addDiagnostic({ code: "DR5133", severity: "error", message: "SE01 says `<25>`", segment: 36 });
  const s = a.summary();
  return { html: renderHtml(s), totals: s.totals as unknown as Record<string, number | null> };
}

describe("renderHtml", () => {
  it("has no script and loads nothing: no src, href or url(), no http URL but the SVG namespace", () => {
    const { html } = page();
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\s(src|href)=/i);
    expect(html).not.toMatch(/url\(/i);
    expect(html.replace(/http:\/\/www\.w3\.org\/2000\/svg/g, "")).not.toMatch(/https?:/);
  });

  it("escapes user text everywhere", () => {
    const { html } = page();
    expect(html).not.toContain("<script>alert");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toContain("<i>do</i>");
    expect(html).toContain("<code>&lt;b&gt;</code> bundled"); // backticked text shown as code, still escaped
  });

  it("marks each headline figure with its totals name and raw value", () => {
    const { html, totals } = page();
    for (const name of ["records", "cleanClaimRate", "charges", "chargesAtRisk", "deny", "review", "invalid", "findings"]) {
      const m = new RegExp(`data-figure="${name}" data-value="([^"]*)"`).exec(html);
      expect(m, name).not.toBeNull();
      expect(m![1]).toBe(String(totals[name]));
    }
  });

  it("draws its charts as inline SVG with titles", () => {
    const { html } = page();
    const charts = html.match(/<svg class="chart" role="img"/g) ?? [];
    expect(charts.length).toBeGreaterThanOrEqual(6);
    expect(html.match(/<svg[^>]*>(?!<title)/g)).toBeNull();
  });
});

describe("the chart functions", () => {
  const widths = (svg: string): number[] => [...svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)"/g)].map((m) => Number(m[1]));

  it("scale bars to the largest value", () => {
    const w = widths(barChart("t", [{ label: "a", value: 10 }, { label: "b", value: 5 }, { label: "c", value: 0 }], { width: 500, labelWidth: 100 }));
    expect(w[0]).toBe(500 - 100 - 110);
    expect(w[1]).toBeCloseTo(w[0]! / 2, 0);
    expect(w[2]).toBe(0);
  });

  it("split a stacked bar by share and draw an empty one for no data", () => {
    const w = widths(stackedBar("t", [{ label: "a", value: 3, color: "#000" }, { label: "b", value: 1, color: "#111" }], { width: 400 }));
    expect(w.slice(0, 2)).toEqual([300, 100]);
    expect(stackedBar("t", [{ label: "a", value: 0, color: "#000" }])).toContain('fill="#e6e6e6"');
  });

  it("stack columns and give each a tooltip with its figures", () => {
    const svg = columnChart("t", [{ label: "w1", stacks: [{ name: "clean", value: 3, color: "#0f0" }, { name: "denied", value: 1, color: "#f00" }] }]);
    expect(svg).toContain("<title>w1: clean 3, denied 1</title>");
    expect(svg.match(/<rect x=/g)!.length).toBeGreaterThanOrEqual(2);
  });
});

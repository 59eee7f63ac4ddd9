/**
 * The report as a person sees it: `dermrules audit` writes the page, headless Chromium (Debian
 * `chromium`, driven by playwright-core, never a downloaded browser) opens it with JavaScript
 * off, the headline figures on the page are checked against the JSON summary, nothing is
 * fetched, and a screenshot is saved under test-output/. Skipped when Chromium is absent,
 * except under CI=true, where its absence is a failure.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, runCli, tempDir } from "../support/cli.ts";
import { syntheticText } from "../formats/support/generate.ts";

const CHROMIUM = "/usr/bin/chromium";
const present = fs.existsSync(CHROMIUM);
const OUT = path.join(REPO_ROOT, "test-output");

// Our own formatting, written independently of report/html.ts, so the test does not compare the code with itself.
const usd = (n: number): string => `$${n.toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ",")}`;
const count = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
const share = (x: number | null): string => (x === null ? "n/a" : `${(Math.round(x * 1000) / 10).toFixed(1)}%`);

const HEADLINE: [string, (v: any) => string][] = [
  ["records", count],
  ["cleanClaimRate", share],
  ["charges", usd],
  ["chargesAtRisk", usd],
  ["deny", count],
  ["review", count],
  ["invalid", count],
  ["findings", count],
];

let browser: Browser;
let dir: string;
let table: string;

describe.skipIf(!present && process.env.CI !== "true")("the audit report in headless Chromium", () => {
  beforeAll(async () => {
    dir = tempDir();
    table = path.join(dir, "table.json");
    expect((await runCli(["compile", "rules", "-o", table])).code).toBe(0);
    fs.mkdirSync(OUT, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  async function check(input: string, name: string): Promise<{ summary: any; text: string }> {
    const html = path.join(dir, `${name}.html`);
    const json = path.join(dir, `${name}.json`);
    const r = await runCli(["audit", "--table", table, input, "--html", html, "--json", json, "--progress", "never"]);
    expect(r.code).toBeLessThan(2);
    const summary = JSON.parse(fs.readFileSync(json, "utf8"));

    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    const requests: string[] = [];
    page.on("request", (req) => requests.push(req.url()));
    await page.goto(`file://${html}`);

    for (const [figure, format] of HEADLINE) {
      const el = page.locator(`[data-figure="${figure}"]`);
      await expect(el.count(), figure).resolves.toBe(1);
      const value = summary.totals[figure];
      expect(await el.getAttribute("data-value"), figure).toBe(value === null ? "" : String(value));
      expect((await el.innerText()).trim(), figure).toBe(format(value));
    }
    expect(await page.locator('[data-figure="contentHash"]').innerText()).toBe(summary.method.table.contentHash);
    const dates = summary.method.serviceDates;
    expect(await page.locator('[data-figure="serviceDates"]').innerText()).toBe(dates.from === dates.to ? dates.from : `${dates.from} to ${dates.to}`);
    expect(await page.locator("svg.chart").count()).toBeGreaterThanOrEqual(5);
    expect(await page.locator("script").count()).toBe(0);
    // Only the page itself was loaded: no CDN, font or image.
    expect(requests).toEqual([`file://${html}`]);
    // Every top rule is on the page with its citation.
    const text = await page.locator("body").innerText();
    for (const rule of summary.topRules) {
      expect(text).toContain(rule.rule);
      expect(text).toContain(rule.source);
    }
    const shot = path.join(OUT, `audit-report-${name}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    expect(fs.statSync(shot).size).toBeGreaterThan(10_000);
    await context.close();
    return { summary, text };
  }

  it("shows the example claims' figures as the JSON summary has them", async () => {
    const { summary, text } = await check(path.join(REPO_ROOT, "examples/claims/batch.ndjson"), "examples");
    expect(summary.totals.records).toBe(4);
    expect(text).toContain("cms.ptp.11104.11102");
  }, 60_000);

  it("shows the 837P sample's denial with its claim and charges at risk", async () => {
    const { summary, text } = await check(path.join(REPO_ROOT, "test/fixtures/samples/x12/derm-synthetic-837p.edi"), "sample-837p");
    expect(summary.costliestDenials[0].claimId).toBe("DERM-0001");
    expect(text).toContain("DERM-0001");
  }, 60_000);

  it("reads well for a quarter of synthetic claims (a screenshot to look at)", async () => {
    const file = path.join(dir, "quarter.ndjson");
    fs.writeFileSync(file, [...syntheticText(1500, "ndjson", 11)].join(""));
    const { summary } = await check(file, "quarter");
    expect(summary.byWeek.length).toBeGreaterThanOrEqual(13);
    expect(summary.byProvider.length).toBeGreaterThan(1);
  }, 60_000);
});

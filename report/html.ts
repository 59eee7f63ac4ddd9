/**
 * The audit report as one self-contained HTML file: inline CSS, inline SVG charts drawn by
 * report/svg.ts, no script, no font or image from anywhere else. It renders an
 * `AuditSummary` and nothing more, so the page and the JSON summary agree by construction;
 * each headline figure carries `data-figure` (its name in `totals`) and `data-value` (the raw
 * number) so a test can check the page against the JSON.
 */
import type { AuditSummary, AuditVerdict, GroupFigures } from "./aggregate.ts";
import { barChart, columnChart, esc, resetChartIds, ring, stackedBar } from "./svg.ts";

const MONEY = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });
const INT = new Intl.NumberFormat("en-US");

/** `$12,345.67`. */
export function money(n: number): string {
  return MONEY.format(n);
}

/** `12,345`. */
export function int(n: number): string {
  return INT.format(n);
}

/** `87.5%`, or `n/a` for no data. */
export function pct(share: number | null): string {
  return share === null ? "n/a" : `${(share * 100).toFixed(1)}%`;
}

/** Verdict colours (also used by the legend); deny and invalid stay distinguishable in grey print. */
export const VERDICT_COLORS: Record<AuditVerdict, string> = { clean: "#2e7d32", review: "#e0a100", deny: "#c62828", invalid: "#6d6d6d" };
const VERDICT_NAMES: Record<AuditVerdict, string> = { clean: "clean", review: "review", deny: "denied", invalid: "invalid" };

/** How many provider / payer rows the page shows (the JSON has them all). */
const GROUP_ROWS = 25;

const CSS = `
:root{--ink:#1d2329;--muted:#5b6670;--line:#d9dee3;--bg:#f6f7f9;--card:#fff;--accent:#3f6fb5}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--bg)}
header{background:#20303f;color:#fff;padding:22px 32px 18px}
header h1{margin:0 0 4px;font-size:24px;font-weight:650}
header p{margin:0;color:#c9d3dc}
main{max-width:1120px;margin:0 auto;padding:20px 24px 40px}
section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:18px 22px;margin:0 0 18px;break-inside:avoid}
h2{font-size:18px;margin:0 0 4px}
.lead{color:var(--muted);margin:0 0 12px;font-size:14px}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(230px,1fr));gap:12px;background:none;border:0;padding:0}
.tile{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 14px}
.tile .k{font-size:13px;color:var(--muted)}
.tile .v{font-size:28px;white-space:nowrap;font-weight:650;font-variant-numeric:tabular-nums;margin-top:2px}
.tile .s{font-size:12.5px;color:var(--muted)}
.tile.bad .v{color:#b3261e}.tile.good .v{color:#1f6f2a}
.split{display:flex;gap:24px;align-items:center;flex-wrap:wrap}
table{border-collapse:collapse;width:100%;font-size:13.5px;margin-top:10px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-weight:600;color:var(--muted);font-size:12.5px;text-transform:uppercase;letter-spacing:.02em}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.nw,.nw{white-space:nowrap}
code{font:12.5px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f0f2f4;padding:1px 4px;border-radius:3px}
.cite{color:var(--muted);font-size:12.5px}
.sev{display:inline-block;padding:0 6px;border-radius:9px;font-size:12px;font-weight:600}
.sev.error{background:#fbe3e1;color:#8c1d18}.sev.warning{background:#fdf0cc;color:#6b4f00}.sev.info{background:#e3ecf8;color:#1f4f8f}
.chart{max-width:100%;height:auto;display:block}
.chart .lbl,.chart .val,.chart .lg{font-size:12.5px;fill:#1d2329}
.chart .tick{font-size:11px;fill:#5b6670}
.chart .grid{stroke:#eceff2}.chart .axis{stroke:#9aa4ad}
.chart .ringtxt{font-size:20px;font-weight:650;fill:#1d2329}
.note{color:var(--muted);font-size:13px;margin:8px 0 0}
details summary{cursor:pointer;color:var(--accent);margin-top:8px}
dl.method{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:8px 0 0;font-size:14px}
dl.method dt{color:var(--muted)}dl.method dd{margin:0}
footer{color:var(--muted);font-size:12.5px;text-align:center;padding:0 0 30px}
@media print{body{background:#fff}header{background:#fff;color:#000;border-bottom:2px solid #000}header p{color:#333}section{border-color:#bbb}}
`;

/** `1 note`, `2 notes`, with the number formatted. */
function plural(n: number, word: string): string {
  return `${int(n)} ${word}${n === 1 ? "" : "s"}`;
}

/** Escapes text and shows `backticked` parts (codes, ids in messages) as code. */
function rich(text: string): string {
  return esc(text).replace(/`([^`]+)`/g, "<code>$1</code>");
}

function fig(name: string, value: number | null, text: string): string {
  return `<span data-figure="${esc(name)}" data-value="${value === null ? "" : String(value)}">${esc(text)}</span>`;
}

function tile(label: string, name: string, value: number | null, text: string, sub: string, cls = ""): string {
  return `<div class="tile${cls ? ` ${cls}` : ""}"><div class="k">${esc(label)}</div><div class="v">${fig(name, value, text)}</div><div class="s">${sub}</div></div>`;
}

function table(head: readonly [string, boolean][], rows: readonly string[][]): string {
  const th = head.map(([h, n]) => `<th${n ? ' class="n"' : ""}>${esc(h)}</th>`).join("");
  const body = rows.map((r) => `<tr>${r.map((cell, i) => `<td${head[i]?.[1] ? ' class="n"' : ""}>${cell}</td>`).join("")}</tr>`).join("");
  return `<table><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
}

function groupSection(title: string, lead: string, groups: readonly GroupFigures[], without: number, whatLacks: string): string {
  if (groups.length === 0) {
    return `<section><h2>${esc(title)}</h2><p class="lead">No claim in this input names a ${esc(whatLacks)}.</p></section>`;
  }
  const shown = groups.slice(0, GROUP_ROWS);
  const chart = barChart(
    `${title}: charges at risk`,
    shown.slice(0, 12).map((g) => ({ label: g.label, value: g.chargesAtRisk, valueText: money(g.chargesAtRisk), color: VERDICT_COLORS.deny })),
    { labelWidth: 230 },
  );
  const rows = shown.map((g) => [
    `${esc(g.label)}${g.npi !== undefined && g.npi !== g.label ? ` <span class="cite">NPI ${esc(g.npi)}</span>` : ""}`,
    int(g.claims),
    int(g.deny),
    int(g.review),
    int(g.clean),
    pct(g.claims > 0 ? (g.clean + g.review) / g.claims : null),
    money(g.charges),
    money(g.chargesAtRisk),
  ]);
  const more = groups.length > GROUP_ROWS ? `<p class="note">${int(groups.length - GROUP_ROWS)} more in the JSON summary.</p>` : "";
  const lacking = without > 0 ? `<p class="note">${int(without)} evaluated claim${without === 1 ? "" : "s"} name no ${esc(whatLacks)} and are not in this table.</p>` : "";
  return (
    `<section><h2>${esc(title)}</h2><p class="lead">${lead}</p>${chart}` +
    table(
      [
        ["", false],
        ["claims", true],
        ["denied", true],
        ["review", true],
        ["clean", true],
        ["clean rate", true],
        ["charges", true],
        ["at risk", true],
      ],
      rows,
    ) +
    more +
    lacking +
    `</section>`
  );
}

/** Renders the summary as the report page. */
export function renderHtml(s: AuditSummary): string {
  resetChartIds();
  const t = s.totals;
  const dates = s.method.serviceDates;
  const period = dates ? (dates.from === dates.to ? dates.from : `${dates.from} to ${dates.to}`) : "no dates of service";
  const verdictParts = s.byVerdict.map((v) => ({ label: VERDICT_NAMES[v.verdict], value: v.claims, color: VERDICT_COLORS[v.verdict], valueText: int(v.claims) }));
  const chargeParts = s.byVerdict.map((v) => ({ label: VERDICT_NAMES[v.verdict], value: v.charges, color: VERDICT_COLORS[v.verdict], valueText: money(v.charges) }));

  const headline =
    `<section class="tiles" aria-label="headline figures">` +
    tile("Claims audited", "records", t.records, int(t.records), `${int(t.claims)} evaluated, ${int(t.invalid)} invalid`) +
    tile("Clean-claim rate", "cleanClaimRate", t.cleanClaimRate, pct(t.cleanClaimRate), "no error-level finding", (t.cleanClaimRate ?? 1) >= 0.95 ? "good" : "") +
    tile("Charges billed", "charges", t.charges, money(t.charges), "evaluated claims") +
    tile("Charges at risk", "chargesAtRisk", t.chargesAtRisk, money(t.chargesAtRisk), `${pct(t.chargesAtRiskRate)} of billed, on lines with errors`, t.chargesAtRisk > 0 ? "bad" : "") +
    tile("Denied", "deny", t.deny, int(t.deny), "claims with an error finding", t.deny > 0 ? "bad" : "") +
    tile("Needs review", "review", t.review, int(t.review), "warnings only") +
    tile("Invalid", "invalid", t.invalid, int(t.invalid), "could not be evaluated", t.invalid > 0 ? "bad" : "") +
    tile("Findings", "findings", t.findings, int(t.findings), `${plural(t.errors, "error")}, ${plural(t.warnings, "warning")}, ${plural(t.infos, "note")}`) +
    `</section>`;

  const verdictSection =
    `<section><h2>Claims and charges by verdict</h2>` +
    `<p class="lead">Denied: at least one error finding (the payer will deny a line). Review: warnings only. Invalid: the record could not be read as a claim.</p>` +
    `<div class="split">${ring("Clean-claim rate", t.cleanClaimRate)}<div style="flex:1;min-width:300px">` +
    `<p class="note">Claims</p>${stackedBar("Claims by verdict", verdictParts)}` +
    `<p class="note">Charges</p>${stackedBar("Charges by verdict", chargeParts)}</div></div>` +
    table(
      [
        ["verdict", false],
        ["claims", true],
        ["share", true],
        ["charges", true],
      ],
      s.byVerdict.map((v) => [esc(VERDICT_NAMES[v.verdict]), int(v.claims), pct(t.records > 0 ? v.claims / t.records : null), money(v.charges)]),
    ) +
    `</section>`;

  const categorySection =
    `<section><h2>Findings by category</h2><p class="lead">${plural(t.findings, "finding")}: ${plural(t.errors, "error")}, ${plural(t.warnings, "warning")}, ${plural(t.infos, "note")}, from ${plural(t.rules, "rule")}.</p>` +
    (s.byCategory.length > 0
      ? barChart(
          "Findings by category",
          s.byCategory.map((c) => ({ label: c.category, value: c.findings, valueText: int(c.findings) })),
        ) +
        table(
          [
            ["category", false],
            ["findings", true],
            ["errors", true],
            ["warnings", true],
            ["notes", true],
            ["claims", true],
            ["at risk", true],
          ],
          s.byCategory.map((c) => [esc(c.category), int(c.findings), int(c.errors), int(c.warnings), int(c.infos), int(c.claims), money(c.chargesAtRisk)]),
        )
      : `<p>No findings.</p>`) +
    `</section>`;

  const rulesSection =
    `<section><h2>${s.topRules.length === 1 ? "The rule that fired" : `Top ${s.topRules.length} rules`}</h2><p class="lead">Errors first, then warnings and notes; within each, the rules that fired most often, with the policy they cite and the fix they suggest.</p>` +
    (s.topRules.length > 0
      ? barChart(
          "Findings by rule",
          s.topRules.slice(0, 10).map((r) => ({ label: r.rule, value: r.findings, valueText: int(r.findings), color: r.severity === "error" ? VERDICT_COLORS.deny : r.severity === "warning" ? VERDICT_COLORS.review : "#3f6fb5" })),
          { labelWidth: 240 },
        ) +
        table(
          [
            ["rule", false],
            ["findings", true],
            ["claims", true],
            ["at risk", true],
            ["citation and fix", false],
          ],
          s.topRules.map((r) => [
            `<code>${esc(r.rule)}</code><br><span class="sev ${r.severity}">${esc(r.severity)}</span> <span class="cite">${esc(r.category)}</span>`,
            int(r.findings),
            int(r.claims),
            money(r.chargesAtRisk),
            `${rich(r.message)}<br><span class="cite">${esc(r.source)}</span>${r.fix ? `<br><b>Fix:</b> ${rich(r.fix)}` : ""}`,
          ]),
        )
      : `<p>No rule fired.</p>`) +
    `</section>`;

  const weekSection =
    `<section><h2>By week of service</h2><p class="lead">Claims per ISO week of the date of service, by verdict.</p>` +
    (s.byWeek.length > 0
      ? columnChart(
          "Claims by week of service",
          s.byWeek.map((w) => ({
            label: w.start.slice(5),
            stacks: (["clean", "review", "deny", "invalid"] as const).map((v) => ({ name: VERDICT_NAMES[v], value: w[v], color: VERDICT_COLORS[v] })),
          })),
        ) +
        `<details><summary>Table by week</summary>` +
        table(
          [
            ["week", false],
            ["from", false],
            ["claims", true],
            ["denied", true],
            ["review", true],
            ["invalid", true],
            ["charges", true],
            ["at risk", true],
          ],
          s.byWeek.map((w) => [esc(w.week), esc(w.start), int(w.claims), int(w.deny), int(w.review), int(w.invalid), money(w.charges), money(w.chargesAtRisk)]),
        ) +
        `</details>`
      : `<p>No claim has a readable date of service.</p>`) +
    `</section>`;

  const denialSection =
    `<section><h2>${s.costliestDenials.length === 1 ? "The costliest denial" : `The ${s.costliestDenials.length} costliest denials`}</h2><p class="lead">Denied claims with the most charges at risk: start here.</p>` +
    (s.costliestDenials.length > 0
      ? table(
          [
            ["claim", false],
            ["date", false],
            ["provider", false],
            ["payer", false],
            ["charges", true],
            ["at risk", true],
            ["rules", false],
          ],
          s.costliestDenials.map((d) => [
            `<code class="nw">${esc(d.claimId)}</code>`,
            `<span class="nw">${esc(d.serviceDate ?? "")}</span>`,
            esc(d.provider ?? ""),
            esc(d.payer ?? ""),
            money(d.charges),
            money(d.chargesAtRisk),
            d.rules.map((r) => `<code>${esc(r)}</code>`).join(" "),
          ]),
        )
      : `<p>No claim was denied.</p>`) +
    `</section>`;

  const inv = s.invalidRecords;
  const imp = s.importDiagnostics;
  const problemsSection =
    inv.count > 0 || imp.errors + imp.warnings > 0
      ? `<section><h2>Records that could not be evaluated</h2>` +
        `<p class="lead">${int(inv.count)} invalid record${inv.count === 1 ? "" : "s"}; ${int(imp.errors)} file-level error${imp.errors === 1 ? "" : "s"} and ${int(imp.warnings)} warning${imp.warnings === 1 ? "" : "s"} from the importer.</p>` +
        (inv.examples.length > 0
          ? table(
              [
                ["record", false],
                ["problem", false],
              ],
              inv.examples.map((x) => [
                `${x.claimId !== null ? `<code class="nw">${esc(x.claimId)}</code>` : "(no id)"}${x.line !== undefined ? `<br><span class="cite">input line ${x.line}</span>` : ""}`,
                x.errors.map((e) => `<code>${esc(e.pointer || "/")}</code> ${rich(e.message)} <span class="cite">${esc(e.code)}</span>`).join("<br>"),
              ]),
            )
          : "") +
        (imp.examples.length > 0
          ? `<details><summary>Importer diagnostics</summary>` +
            table(
              [
                ["severity", false],
                ["where", false],
                ["problem", false],
              ],
              imp.examples.map((d) => [
                `<span class="sev ${d.severity}">${esc(d.severity)}</span>`,
                esc([d.segment !== undefined ? `segment ${d.segment}` : "", d.element ?? "", d.line !== undefined ? `line ${d.line}` : ""].filter((x) => x !== "").join(", ")),
                `${rich(d.message)} <span class="cite">${esc(d.code)}</span>`,
              ]),
            ) +
            `</details>`
          : "") +
        `</section>`
      : "";

  const m = s.method;
  const sources = m.sources
    .map((x) => `<tr><td>${esc(x.kind)}</td><td><code>${esc(x.path)}</code></td><td>${esc(x.version ?? "")}</td><td><code>${esc(x.sha256.slice(0, 16))}</code></td></tr>`)
    .join("");
  const methodSection =
    `<section><h2>Method</h2><p class="lead">What was run, on what, and what each figure means.</p>` +
    `<dl class="method">` +
    `<dt>input</dt><dd><code>${esc(s.input.name)}</code> (${esc(s.input.format)})</dd>` +
    `<dt>dates of service</dt><dd data-figure="serviceDates">${esc(period)}</dd>` +
    `<dt>decision table</dt><dd><code data-figure="contentHash">${esc(m.table.contentHash)}</code></dd>` +
    `<dt>compiled by</dt><dd>${esc(m.table.generator)}, format ${m.table.formatVersion}, ${int(m.table.rules)} rules, layers ${m.table.layers.map((l) => `<code>${esc(l)}</code>`).join(" ")} (default <code>${esc(m.table.defaultLayer)}</code>)</dd>` +
    `<dt>evaluated by</dt><dd>dermrules ${esc(m.dermrules)}, ${esc(s.generatedAt)}</dd>` +
    `</dl>` +
    `<table><thead><tr><th>data</th><th>file</th><th>version</th><th>sha256</th></tr></thead><tbody>${sources}</tbody></table>` +
    `<table><thead><tr><th>figure</th><th>definition</th></tr></thead><tbody>${Object.entries(m.definitions)
      .map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`)
      .join("")}</tbody></table>` +
    `</section>`;

  return (
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>Claim audit · ${esc(period)}</title><style>${CSS}</style></head><body>` +
    `<header><h1>Claim audit</h1><p>${esc(s.input.name)} · dates of service ${esc(period)} · ${int(t.records)} claims</p></header><main>` +
    headline +
    verdictSection +
    categorySection +
    rulesSection +
    groupSection("By provider", "Rendering provider (else billing provider) of each claim, most charges at risk first.", s.byProvider, s.claimsWithoutProvider, "provider") +
    groupSection("By payer", "The claim's payer (the ruleset layer it was checked against, or the payer's own name when no layer matches).", s.byPayer, s.claimsWithoutPayer, "payer") +
    weekSection +
    denialSection +
    problemsSection +
    methodSection +
    `</main><footer>dermrules audit · the findings are coding-policy checks, not a payer's decision · CPT codes without descriptors</footer></body></html>\n`
  );
}

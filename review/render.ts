/**
 * A `DiffReport` as text for a terminal, and as Markdown to paste as a pull-request comment
 * (a summary table first, then the details in collapsible `<details>` sections).
 */
import type { Claim, Finding } from "../runtime/types.ts";
import { thousands } from "./table-diff.ts";
import type { BehaviourKind, ClaimCounts, DiffReport, RuleBehaviour, RuleChange, TableChange, Witness } from "./types.ts";

const KIND_WORDS: Record<BehaviourKind, string> = {
  "now-fires": "now fires",
  "no-longer-fires": "no longer fires",
  changes: "fires differently",
};

function plural(n: number, one: string, many = `${one}s`): string {
  return `${thousands(n)} ${n === 1 ? one : many}`;
}

/** A claim on one line: `2024-05-15 · payer acme · dx L57.0, Z00.00 · #1 17000 ×1 →1 · #2 17003-59 ×14 →1`. */
export function claimText(c: Claim): string {
  const parts: string[] = [];
  if (c.serviceDate) parts.push(c.serviceDate);
  if (c.payer) parts.push(`payer ${c.payer}`);
  if (c.placeOfService) parts.push(`pos ${c.placeOfService}`);
  if (c.patient) {
    const p: string[] = [];
    if (c.patient.sex) p.push(c.patient.sex);
    if (c.patient.birthDate) p.push(`born ${c.patient.birthDate}`);
    if (p.length) parts.push(`patient ${p.join(" ")}`);
  }
  parts.push(`dx ${c.diagnoses.join(", ")}`);
  c.lines.forEach((l, i) => {
    let s = `#${i + 1} ${l.code}`;
    if (l.modifiers?.length) s += `-${l.modifiers.join("-")}`;
    s += ` ×${l.units}`;
    if (l.dxPointers) s += ` →dx ${l.dxPointers.join(",")}`;
    if (l.serviceDate && l.serviceDate !== c.serviceDate) s += ` on ${l.serviceDate}`;
    if (l.facts) s += ` {${Object.entries(l.facts).map(([k, v]) => `${k} ${v}`).join(", ")}}`;
    parts.push(s);
  });
  return parts.join(" · ");
}

function fixWords(f: Finding): string {
  const x = f.fix;
  if (!x) return "none";
  const on = x.lines?.length ? ` on line${x.lines.length > 1 ? "s" : ""} ${x.lines.join(", ")}` : "";
  const what = x.op === "replace" ? `replace${on} with ${(x.codes ?? []).join(", ")}` : x.op === "remove" ? `remove${on}` : x.op === "add-modifier" ? `add modifier ${x.modifier}${on}` : x.op === "set-units" ? `set units ${x.units}${on}` : x.op === "add-code" ? `add ${(x.codes ?? []).join(" or ")}` : "";
  return [what, x.text ? JSON.stringify(x.text) : ""].filter(Boolean).join(" ");
}

/**
 * A finding in one line; `other` (the same rule's findings on the other side) decides which
 * extra fields are worth showing: the fix, related lines or citation when only they differ.
 */
function findingText(f: Finding, other: readonly Finding[] = []): string {
  const where = f.lines.length ? `line${f.lines.length > 1 ? "s" : ""} ${f.lines.join(", ")}` : "claim";
  const twin = other.find((o) => o.message === f.message && o.severity === f.severity && o.lines.join() === f.lines.join());
  const extra: string[] = [];
  if (twin) {
    if (JSON.stringify(twin.fix) !== JSON.stringify(f.fix)) extra.push(`fix: ${fixWords(f)}`);
    if ((twin.related ?? []).join() !== (f.related ?? []).join()) extra.push(`with lines ${(f.related ?? []).join(", ") || "none"}`);
    if (twin.source !== f.source) extra.push(`source: ${f.source}`);
    if (twin.category !== f.category) extra.push(`category ${f.category}`);
  }
  return `${f.severity} ${where}: ${f.message}${extra.length ? ` (${extra.join("; ")})` : ""}`;
}

function findingsText(fs: Finding[], other: readonly Finding[] = []): string {
  return fs.length === 0 ? "no finding of this rule" : fs.map((f) => findingText(f, other)).join(" | ");
}

function countsText(c: Record<BehaviourKind, number>): string {
  return (Object.keys(KIND_WORDS) as BehaviourKind[])
    .filter((k) => c[k] > 0)
    .map((k) => `${KIND_WORDS[k]} on ${plural(c[k], "claim")}`)
    .join(", ");
}

function total(c: Record<BehaviourKind, number>): number {
  return c["now-fires"] + c["no-longer-fires"] + c.changes;
}

function transitions(c: ClaimCounts): string {
  const t = Object.entries(c.transitions).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return t.length ? ` (${t.map(([k, n]) => `${k}: ${thousands(n)}`).join(", ")})` : "";
}

/** One sentence on behaviour, for the summary. */
export function behaviourSummary(r: DiffReport): string {
  const b = r.behaviour;
  if (!b.changed) {
    if (b.equivalent) return `no behaviour change: ${b.equivalent}`;
    const tried = b.generated.claims + (b.corpus?.claims ?? 0);
    return `no behaviour change found on ${plural(tried, "claim")} tried${b.corpus ? ` (${thousands(b.corpus.claims)} from the corpus)` : ""}`;
  }
  const parts: string[] = [`${plural(b.byRule.length, "rule")} ${b.byRule.length === 1 ? "changes" : "change"} findings`];
  if (b.generated.claims > 0) {
    parts.push(`${thousands(b.generated.findingsChanged)} of ${plural(b.generated.claims, "generated claim")} change findings, ${thousands(b.generated.verdictChanged)} change verdict${transitions(b.generated)}`);
  }
  return parts.join("; ");
}

/** The corpus sentence of the summary: "1,204 of 50,000 corpus claims change verdict". */
export function corpusSummary(r: DiffReport): string | undefined {
  const c = r.behaviour.corpus;
  if (!c) return undefined;
  const inv = c.invalid ? `; ${plural(c.invalid, "record")} not valid claims, skipped` : "";
  return `${thousands(c.verdictChanged)} of ${plural(c.claims, "corpus claim")} change verdict${transitions(c)}; ${thousands(c.findingsChanged)} change findings${inv}`;
}

function ruleCountText(r: DiffReport): string {
  const n = (k: RuleChange["change"]) => r.rules.filter((x) => x.change === k).length;
  const parts = [`${n("added")} added`, `${n("removed")} removed`, `${n("modified")} modified`];
  const moved = r.moved.length ? `; ${plural(r.moved.length, "rule")} only moved` : "";
  return `${parts.join(" · ")} (${r.base.rules} → ${r.head.rules} definitions)${moved}`;
}

function tableLine(t: TableChange): string {
  const v = t.version.before !== t.version.after ? ` ${t.version.before ?? "—"} → ${t.version.after ?? "—"}` : t.version.after ? ` ${t.version.after}` : "";
  return `${t.idPrefix} (${t.kind.toUpperCase()}${v})`;
}

function tableSummary(t: TableChange): string {
  const s = t.summary.filter((x) => !x.startsWith("version "));
  return s.length ? s.join("; ") : t.summary.join("; ");
}

// ================================================================================== text

/** The report for a terminal. */
export function renderText(r: DiffReport): string {
  const out: string[] = [];
  out.push(`dermrules diff: ${r.base.label} → ${r.head.label}`);
  out.push(`  base  ${plural(r.base.rules, "rule definition")}, layers ${r.base.layers.join(", ")} (sha256 ${r.base.contentHash.slice(0, 12)})`);
  out.push(`  head  ${plural(r.head.rules, "rule definition")}, layers ${r.head.layers.join(", ")} (sha256 ${r.head.contentHash.slice(0, 12)})`);
  out.push("", `Rules: ${ruleCountText(r)}`);
  for (const c of r.rules) {
    const sign = c.change === "added" ? "+" : c.change === "removed" ? "-" : "~";
    const where = (c.after ?? c.before)!.origin;
    out.push(`  ${sign} ${c.id}${c.override ? " (override)" : ""} [${c.layer}] ${where}`);
    if (c.change !== "modified") out.push(`      ${(c.after ?? c.before)!.text}`);
    if (c.change === "added" && c.override && c.fields.length) out.push("      it changes, from the rule it overrides:");
    for (const f of c.fields) {
      out.push(`      ${f.field}: ${f.before}`);
      out.push(`      ${" ".repeat(f.field.length)}→ ${f.after}`);
      for (const n of f.notes ?? []) out.push(`        · ${n}`);
    }
  }
  for (const m of r.moved) out.push(`  = ${m.id} [${m.layer}] moved ${m.from} → ${m.to} (not a change)`);
  if (r.layers.length) {
    out.push("", "Layers:");
    for (const l of r.layers) for (const d of l.details) out.push(`  ${l.layer}: ${d}`);
  }
  if (r.sets.length) {
    out.push("", "Named sets:");
    for (const s of r.sets) {
      const parts = [s.added.length ? `adds ${s.added.join(", ")}` : "", s.removed.length ? `removes ${s.removed.join(", ")}` : ""].filter(Boolean);
      out.push(`  ${s.change === "added" ? "+" : s.change === "removed" ? "-" : "~"} ${s.kind} ${s.name}: ${parts.join("; ") || s.change}`);
    }
  }
  if (r.tables.length || r.icd10 || r.defaultLayer) {
    out.push("", "Tables:");
    for (const t of r.tables) {
      out.push(`  ${tableLine(t)} [${t.layer}]: ${tableSummary(t)}`);
      const show = (label: string, rows: typeof t.rows.added, n: number) => {
        for (const row of rows.slice(0, 10)) out.push(`      ${label} ${row.id}: ${row.before ?? ""}${row.before && row.after ? " → " : ""}${row.after ?? ""}`);
        if (n > 10) out.push(`      … and ${thousands(n - 10)} more ${label === "+" ? "added" : label === "-" ? "deleted" : "changed"}`);
      };
      show("+", t.rows.added, t.counts.added);
      show("-", t.rows.deleted, t.counts.deleted);
      show("~", t.rows.changed, t.counts.changed);
    }
    if (r.icd10) out.push(`  ICD-10-CM ${r.icd10.version.before} → ${r.icd10.version.after}: ${thousands(r.icd10.billableAdded)} billable codes added, ${thousands(r.icd10.billableRemoved)} removed`);
    if (r.defaultLayer) out.push(`  default layer: ${r.defaultLayer.before} → ${r.defaultLayer.after}`);
  }
  out.push("", `Behaviour: ${behaviourSummary(r)}`);
  const corpus = corpusSummary(r);
  if (corpus) out.push(`  corpus: ${corpus}`);
  for (const x of r.behaviour.byRule) out.push(...behaviourText(x));
  if (r.behaviour.targets.sampled.length) out.push(`  (sampled: ${r.behaviour.targets.sampled.join("; ")})`);
  return out.join("\n") + "\n";
}

function behaviourText(x: RuleBehaviour): string[] {
  const out: string[] = [""];
  const g = countsText(x.generated);
  const c = countsText(x.corpus);
  const vc = x.verdictChanged.generated + x.verdictChanged.corpus;
  out.push(`  ${x.rule}${x.changedItself ? "" : " (a consequence: the rule itself did not change)"}`);
  if (g) out.push(`    generated: ${g}${x.verdictChanged.generated ? `; ${thousands(x.verdictChanged.generated)} change verdict` : ""}`);
  if (c) out.push(`    corpus: ${c}${x.verdictChanged.corpus ? `; ${thousands(x.verdictChanged.corpus)} change verdict` : ""}`);
  if (!g && !c && vc) out.push(`    ${thousands(vc)} change verdict`);
  for (const w of x.witnesses) {
    out.push(`    witness (${KIND_WORDS[w.kind]}, ${w.from}): ${claimText(w.claim)}`);
    out.push(`      before: ${w.before.verdict} — ${findingsText(w.before.findings, w.after.findings)}`);
    out.push(`      after:  ${w.after.verdict} — ${findingsText(w.after.findings, w.before.findings)}`);
  }
  return out;
}

// ================================================================================== markdown

/** Text safe inside a Markdown table cell. */
function cell(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** Inline code that survives backticks inside (`` `a` `` needs a longer fence). */
function code(s: string): string {
  const fence = s.includes("`") ? "``" : "`";
  const pad = s.startsWith("`") || s.endsWith("`") ? " " : "";
  return `${fence}${pad}${s}${pad}${fence}`;
}

function html(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function shorten(s: string, n = 90): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

function fieldsCell(c: RuleChange): string {
  return c.fields
    .map((f) => {
      if (f.field === "message" || f.field === "source") return `${f.field} reworded`;
      const notes = (f.notes ?? []).filter((n) => !n.startsWith("as written") && !n.startsWith("compared with"));
      const setOnly = (f.notes ?? []).some((n) => n.startsWith("as written, the condition is unchanged"));
      // Long conditions read better as what changed inside them.
      if ((setOnly || f.before.length > 50 || f.after.length > 50) && notes.length > 0) {
        return `${f.field}: ${setOnly ? "a set it names changed — " : ""}${notes.map((n) => shorten(n, 80)).join("; ")}`;
      }
      return `${f.field}: ${code(shorten(f.before, 50))} → ${code(shorten(f.after, 50))}`;
    })
    .join("<br>");
}

function ruleChangeCell(c: RuleChange): string {
  if (c.change === "added" && c.override) return `override added${c.fields.length ? `: ${fieldsCell(c)}` : ""}`;
  if (c.change === "added") return `added: ${code(shorten(c.after!.text))}`;
  if (c.change === "removed") return `${c.override ? "override " : ""}removed: ${code(shorten(c.before!.text))}`;
  return fieldsCell(c);
}

/** Rows of the behaviour table in Markdown, at most. */
const MAX_MD_RULES = 100;
/** Characters of behaviour details in Markdown, at most (the rest of the comment needs room too). */
const MD_BUDGET = 45_000;

/** The report as a pull-request comment. */
export function renderMarkdown(r: DiffReport): string {
  const out: string[] = [];
  const b = r.behaviour;
  out.push(`### dermrules policy diff: ${code(r.base.label)} → ${code(r.head.label)}`, "");
  out.push("| | |", "| --- | --- |");
  out.push(`| **Rules** | ${cell(ruleCountText(r))} |`);
  if (r.layers.length) out.push(`| **Layers** | ${cell(r.layers.map((l) => `${l.layer}: ${l.details.length} change${l.details.length === 1 ? "" : "s"}`).join("; "))} |`);
  if (r.sets.length) out.push(`| **Named sets** | ${cell(r.sets.map((s) => `${s.name} ${s.change}`).join(", "))} |`);
  out.push(`| **CMS tables** | ${r.tables.length ? cell(r.tables.map((t) => `${tableLine(t)}: ${tableSummary(t)}`).join("; ")) : "no change"} |`);
  if (r.icd10) out.push(`| **ICD-10-CM** | ${cell(`${r.icd10.version.before} → ${r.icd10.version.after}: ${thousands(r.icd10.billableAdded)} billable codes added, ${thousands(r.icd10.billableRemoved)} removed`)} |`);
  out.push(`| **Behaviour** | ${b.changed ? "⚠️ " : "✅ "}${cell(behaviourSummary(r))} |`);
  const corpus = corpusSummary(r);
  if (corpus) out.push(`| **Corpus** | ${cell(corpus)} |`);
  out.push("");

  if (r.rules.length || r.layers.length) {
    out.push("#### Rule changes", "");
    out.push("| rule | layer | change |", "| --- | --- | --- |");
    for (const c of r.rules) out.push(`| ${code(c.id)}${c.override ? " (override)" : ""} | ${c.layer} | ${cell(ruleChangeCell(c))} |`);
    for (const l of r.layers) for (const d of l.details) out.push(`| (layer) | ${l.layer} | ${cell(d)} |`);
    out.push("");
  }

  if (b.byRule.length) {
    out.push("#### Behaviour changes", "");
    out.push("| rule | how its findings change | claims | verdict changes | witness |", "| --- | --- | --- | --- | --- |");
    for (const x of b.byRule.slice(0, MAX_MD_RULES)) {
      const how = (Object.keys(KIND_WORDS) as BehaviourKind[]).filter((k) => x.generated[k] + x.corpus[k] > 0).map((k) => KIND_WORDS[k]).join(", ");
      const counts = [x.generated, x.corpus].map(total);
      const claims = [counts[0] ? `${thousands(counts[0])} generated` : "", counts[1] ? `${thousands(counts[1])} corpus` : ""].filter(Boolean).join(", ");
      const vc = [x.verdictChanged.generated ? `${thousands(x.verdictChanged.generated)} generated` : "", x.verdictChanged.corpus ? `${thousands(x.verdictChanged.corpus)} corpus` : ""].filter(Boolean).join(", ") || "none";
      const w = x.witnesses[0];
      const wit = w ? `${w.before.verdict} → ${w.after.verdict}: ${code(shorten(claimText(w.claim), 70))}` : "";
      out.push(`| ${code(x.rule)}${x.changedItself ? "" : " (consequence)"} | ${how} | ${claims} | ${vc} | ${cell(wit)} |`);
    }
    if (b.byRule.length > MAX_MD_RULES) out.push("", `… and ${thousands(b.byRule.length - MAX_MD_RULES)} more rules whose findings change (\`dermrules diff --json\` lists them all).`);
    out.push("");
  }

  // ---- details, within a pull-request comment's size (GitHub takes 65,536 characters)
  let size = out.join("\n").length;
  let shownDetails = 0;
  for (const x of b.byRule) {
    const d = behaviourDetails(x);
    const n = d.join("\n").length;
    if (size + n > MD_BUDGET) break;
    out.push(...d);
    size += n;
    shownDetails++;
  }
  if (shownDetails < b.byRule.length) out.push(`<sub>Witnesses shown for ${shownDetails} of ${thousands(b.byRule.length)} rules, to keep the comment short; \`--json\` has them all.</sub>`, "");
  if (r.rules.length) {
    out.push("<details><summary>Rule changes in full</summary>", "");
    for (const c of r.rules) {
      out.push(`**${code(c.id)}** (${c.change}${c.override ? ", override" : ""}, layer ${c.layer}) — ${c.change === "removed" ? `was at ${code(c.before!.origin)}` : `at ${code(c.after!.origin)}`}`, "");
      if (c.change !== "modified") {
        out.push("```", (c.after ?? c.before)!.text, "```", "");
        if (c.fields.length === 0) continue;
      }
      for (const f of c.fields) {
        out.push(`- **${f.field}**`);
        out.push(`  - before: ${code(f.before)}`);
        out.push(`  - after: ${code(f.after)}`);
        for (const n of f.notes ?? []) out.push(`  - ${n}`);
      }
      out.push("");
    }
    out.push("</details>", "");
  }
  if (r.moved.length) {
    out.push(`<details><summary>${plural(r.moved.length, "rule")} moved (not a change)</summary>`, "");
    for (const m of r.moved) out.push(`- ${code(m.id)}: ${code(m.from)} → ${code(m.to)}`);
    out.push("", "</details>", "");
  }
  if (r.sets.length) {
    out.push("<details><summary>Named set changes</summary>", "");
    for (const s of r.sets) {
      const parts = [s.added.length ? `adds ${code(s.added.join(", "))}` : "", s.removed.length ? `removes ${code(s.removed.join(", "))}` : ""].filter(Boolean);
      out.push(`- ${s.kind} **${s.name}** (${s.change}): ${parts.join("; ")}`);
    }
    out.push("", "</details>", "");
  }
  for (const t of r.tables) {
    out.push(`<details><summary>${html(tableLine(t))}: ${html(tableSummary(t))}</summary>`, "");
    out.push(`Layer ${t.layer}; ${thousands(t.counts.before)} → ${thousands(t.counts.after)} ${t.kind === "ptp" ? "pairs" : "codes"}: ${thousands(t.counts.added)} added, ${thousands(t.counts.deleted)} deleted, ${thousands(t.counts.changed)} changed.`, "");
    if (t.source.before !== t.source.after) out.push(`Citation: ${t.source.before ?? "—"} → ${t.source.after ?? "—"}`, "");
    const rows = [...t.rows.added.map((x) => ({ ...x, c: "added" })), ...t.rows.deleted.map((x) => ({ ...x, c: "deleted" })), ...t.rows.changed.map((x) => ({ ...x, c: "changed" }))];
    if (rows.length) {
      out.push("| edit | change | before | after |", "| --- | --- | --- | --- |");
      for (const row of rows.slice(0, 100)) out.push(`| ${code(row.id)} | ${row.c} | ${cell(row.before ?? "")} | ${cell(row.after ?? "")} |`);
      const more = t.counts.added + t.counts.deleted + t.counts.changed - Math.min(rows.length, 100);
      if (more > 0) out.push("", `… and ${thousands(more)} more rows (\`--json\` lists up to 200 of each kind).`);
    }
    out.push("", "</details>", "");
  }
  if (b.targets.sampled.length) out.push(`<sub>Sampled for generated claims: ${html(b.targets.sampled.join("; "))}.</sub>`, "");
  out.push(
    `<sub>Generated claims aim at ${[
      b.targets.rules ? plural(b.targets.rules, "changed rule") : "",
      b.targets.ptpPairs ? plural(b.targets.ptpPairs, "PTP pair") : "",
      b.targets.mueCodes ? plural(b.targets.mueCodes, "MUE code") : "",
      b.targets.addons ? plural(b.targets.addons, "add-on code") : "",
      b.targets.diagnoses ? plural(b.targets.diagnoses, "diagnosis", "diagnoses") : "",
    ]
      .filter(Boolean)
      .join(", ") || "nothing (no change)"}; each claim is evaluated on both tables by the runtime. base ${code(r.base.contentHash.slice(0, 12))}, head ${code(r.head.contentHash.slice(0, 12))}.</sub>`,
  );
  return out.join("\n") + "\n";
}

function witnessMd(w: Witness): string[] {
  const out: string[] = [];
  out.push(`*${KIND_WORDS[w.kind]}* — witness (${w.from}): ${code(claimText(w.claim))}`, "");
  out.push("| | verdict | findings of this rule |", "| --- | --- | --- |");
  out.push(`| before | ${w.before.verdict} | ${cell(findingsText(w.before.findings, w.after.findings))} |`);
  out.push(`| after | ${w.after.verdict} | ${cell(findingsText(w.after.findings, w.before.findings))} |`);
  out.push("", "```json", JSON.stringify(w.claim), "```", "");
  return out;
}

function behaviourDetails(x: RuleBehaviour): string[] {
  const t = total(x.generated) + total(x.corpus);
  const how = countsText({ "now-fires": x.generated["now-fires"] + x.corpus["now-fires"], "no-longer-fires": x.generated["no-longer-fires"] + x.corpus["no-longer-fires"], changes: x.generated.changes + x.corpus.changes });
  const out = [`<details><summary><code>${html(x.rule)}</code> ${html(how)}${x.changedItself ? "" : " (consequence)"}</summary>`, ""];
  if (!x.changedItself) out.push("The rule itself did not change: its findings move with a rule or row that did (an add-on that falls with its primary, a PTP edit on a line that another rule now denies, …).", "");
  void t;
  for (const w of x.witnesses) out.push(...witnessMd(w));
  out.push("</details>", "");
  return out;
}

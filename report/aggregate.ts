/**
 * The audit's figures, gathered in one pass over the results. `AuditAggregator.add` is called
 * once per input record (claim and result) and keeps only counters keyed by things that do not
 * grow with the number of claims (verdicts, categories, rules, providers, payers, weeks) plus
 * the 20 costliest denials, so memory stays flat on any batch. `summary()` gives the JSON
 * summary, which the HTML report renders: the page and the JSON carry the same figures.
 */
import type { DecisionTable } from "../runtime/table.ts";
import type { EvalResult, Finding, FindingCategory, FindingSeverity, Fix } from "../runtime/types.ts";
import { detach, type ImportDiagnostic, type InputFormat } from "../formats/types.ts";

/** Version tag of the summary's shape. */
export const SUMMARY_SCHEMA = "dermrules-audit-summary/1";

/** How many rows the "top" lists keep. */
export const TOP_RULES = 20;
export const TOP_DENIALS = 20;
/** Examples of invalid records and import problems kept for the report. */
export const EXAMPLES = 20;

export type AuditVerdict = "clean" | "review" | "deny" | "invalid";
export const VERDICTS: readonly AuditVerdict[] = ["clean", "review", "deny", "invalid"];

/** Claims and charges of one verdict. */
export interface VerdictFigures {
  verdict: AuditVerdict;
  claims: number;
  /** Sum of line charges of these claims. */
  charges: number;
}

export interface CategoryFigures {
  category: FindingCategory;
  findings: number;
  errors: number;
  warnings: number;
  infos: number;
  /** Claims with at least one finding of the category. */
  claims: number;
  /** Charges of the lines that error findings of this category name. */
  chargesAtRisk: number;
}

export interface RuleFigures {
  rule: string;
  category: FindingCategory;
  severity: FindingSeverity;
  findings: number;
  claims: number;
  chargesAtRisk: number;
  /** The rule's citation (`source`). */
  source: string;
  /** A message the rule gave (the first seen). */
  message: string;
  /** The suggested fix in words (the most frequent one), when the rule gives one. */
  fix?: string;
}

/** Figures of one provider or payer. */
export interface GroupFigures {
  /** Grouping key: the NPI (else the name) for providers, the payer for payers. */
  key: string;
  label: string;
  npi?: string;
  claims: number;
  clean: number;
  review: number;
  deny: number;
  invalid: number;
  charges: number;
  chargesAtRisk: number;
  findings: number;
}

export interface WeekFigures {
  /** ISO week, e.g. `2026-W42`. */
  week: string;
  /** Its Monday. */
  start: string;
  claims: number;
  clean: number;
  review: number;
  deny: number;
  invalid: number;
  charges: number;
  chargesAtRisk: number;
}

export interface DenialFigures {
  claimId: string;
  serviceDate?: string;
  provider?: string;
  payer?: string;
  charges: number;
  chargesAtRisk: number;
  /** Rules of the claim's error findings, in finding order, without repeats. */
  rules: string[];
}

export interface InvalidExample {
  claimId: string | null;
  line?: number;
  errors: { pointer: string; code: string; message: string }[];
}

/** The audit summary (`--json summary.json`); the HTML report shows exactly these figures. */
export interface AuditSummary {
  schema: typeof SUMMARY_SCHEMA;
  generatedAt: string;
  input: { name: string; format: InputFormat };
  totals: {
    /** Input records: one per input claim, invalid ones included. */
    records: number;
    /** Records that were evaluated (not invalid). */
    claims: number;
    clean: number;
    review: number;
    deny: number;
    invalid: number;
    /** Share of records with no error-level finding and not invalid: (clean + review) / records; null when there are none. */
    cleanClaimRate: number | null;
    /** Sum of line charges of evaluated claims. */
    charges: number;
    /** Sum of `charge` on lines named by error findings (a claim-level error puts every line of its claim at risk); each line once. */
    chargesAtRisk: number;
    /** chargesAtRisk / charges; null when nothing was charged. */
    chargesAtRiskRate: number | null;
    /** Charges on invalid records (not evaluated). */
    invalidCharges: number;
    findings: number;
    errors: number;
    warnings: number;
    infos: number;
    /** Distinct rules that fired; `topRules` lists errors first, then warnings, then notes, most frequent first. */
    rules: number;
  };
  byVerdict: VerdictFigures[];
  byCategory: CategoryFigures[];
  topRules: RuleFigures[];
  byProvider: GroupFigures[];
  /** Evaluated claims that name no provider. */
  claimsWithoutProvider: number;
  byPayer: GroupFigures[];
  /** Evaluated claims that name no payer (the table's default layer applied). */
  claimsWithoutPayer: number;
  byWeek: WeekFigures[];
  costliestDenials: DenialFigures[];
  invalidRecords: { count: number; examples: InvalidExample[] };
  importDiagnostics: { errors: number; warnings: number; byCode: Record<string, number>; examples: ImportDiagnostic[] };
  method: {
    dermrules: string;
    table: { contentHash: string; generator: string; formatVersion: number; rules: number; layers: string[]; defaultLayer: string };
    /** CMS data and rule files the table was compiled from, with versions and sha256. */
    sources: { kind: string; path: string; version?: string; sha256: string }[];
    /** First and last date of service among the records. */
    serviceDates: { from: string; to: string } | null;
    definitions: Record<string, string>;
  };
}

/** The definitions printed in the report's method section (and in the JSON). */
export const DEFINITIONS: Record<string, string> = {
  records: "input records: one per claim in the input, invalid ones included",
  cleanClaimRate: "records whose claim has no error-level finding and is not invalid (verdict clean or review), divided by all records",
  charges: "sum of the line charges of the evaluated claims",
  chargesAtRisk:
    "sum of the charges of the lines that error-level findings name; a claim-level error puts every line of its claim at risk; each line counts once",
  ruleChargesAtRisk: "per rule and category, the charges of the lines that rule's errors name: a line denied by two rules counts under both",
  week: "ISO week (Monday to Sunday) of the claim's date of service",
  costliestDenials: "denied claims ranked by charges at risk, then by charges",
};

function cents(n: number): number {
  return Math.round(n * 100) / 100;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Describes a fix in words, without line numbers (they differ per claim). */
export function describeFix(fix: Fix): string {
  let text: string;
  switch (fix.op) {
    case "replace":
      text = `replace with ${fix.codes?.join(", ") ?? "another code"}`;
      break;
    case "remove":
      text = "remove the line";
      break;
    case "add-modifier":
      text = `add modifier ${fix.modifier ?? "?"}`;
      break;
    case "set-units":
      text = `set units to ${fix.units ?? "?"}`;
      break;
    case "add-code":
      text = `add ${fix.codes?.join(" or ") ?? "a code"}`;
      break;
    case "text":
      return fix.text ?? "";
    default: {
      const never: never = fix.op;
      text = String(never);
    }
  }
  return fix.text ? `${text} (${fix.text})` : text;
}

/** ISO week (`2026-W42`) and its Monday, of a `YYYY-MM-DD` date. */
export function isoWeek(date: string): { week: string; start: string } {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const t = Date.UTC(y, m - 1, d);
  const dow = (new Date(t).getUTCDay() + 6) % 7; // Monday = 0
  const monday = t - dow * 86_400_000;
  const thursday = monday + 3 * 86_400_000;
  const wy = new Date(thursday).getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(wy, 0, 1)) / (7 * 86_400_000)) + 1;
  return { week: `${wy}-W${String(week).padStart(2, "0")}`, start: new Date(monday).toISOString().slice(0, 10) };
}

/** Whether denial `a` ranks before `b`: more at risk, then more charged, then by claim id. */
function worse(a: DenialFigures, b: DenialFigures): boolean {
  return a.chargesAtRisk !== b.chargesAtRisk ? a.chargesAtRisk > b.chargesAtRisk : a.charges !== b.charges ? a.charges > b.charges : a.claimId < b.claimId;
}

function emptyGroup(key: string, label: string, npi?: string): GroupFigures {
  return { key, label, ...(npi !== undefined ? { npi } : {}), claims: 0, clean: 0, review: 0, deny: 0, invalid: 0, charges: 0, chargesAtRisk: 0, findings: 0 };
}

interface RuleAcc {
  rule: string;
  category: FindingCategory;
  severity: FindingSeverity;
  findings: number;
  claims: number;
  chargesAtRisk: number;
  source: string;
  message: string;
  fixes: Map<string, number>;
  lastClaim: number;
}

/** Options of the aggregator. */
export interface AggregatorOptions {
  input: { name: string; format: InputFormat };
  /** The decision table (for the method section). */
  table: DecisionTable;
  /** dermrules version. */
  version: string;
  /** Fixed for tests; default now. */
  generatedAt?: string;
}

/** Gathers the audit figures, one record at a time. */
export class AuditAggregator {
  private readonly opts: AggregatorOptions;
  private records = 0;
  private readonly verdicts = new Map<AuditVerdict, VerdictFigures>(VERDICTS.map((v) => [v, { verdict: v, claims: 0, charges: 0 }]));
  private atRisk = 0;
  private findings = 0;
  private readonly severities = { error: 0, warning: 0, info: 0 };
  private readonly categories = new Map<FindingCategory, CategoryFigures & { lastClaim: number }>();
  private readonly rules = new Map<string, RuleAcc>();
  private readonly providers = new Map<string, GroupFigures>();
  private readonly payers = new Map<string, GroupFigures>();
  private readonly weeks = new Map<string, WeekFigures>();
  private noProvider = 0;
  private noPayer = 0;
  private denials: DenialFigures[] = [];
  private invalidExamples: InvalidExample[] = [];
  private readonly diag = { errors: 0, warnings: 0, byCode: new Map<string, number>(), examples: [] as ImportDiagnostic[] };
  /** Date → ISO week, so the date arithmetic runs once per distinct date. */
  private readonly weekOf = new Map<string, { week: string; start: string }>();
  private minDate: string | undefined;
  private maxDate: string | undefined;

  constructor(opts: AggregatorOptions) {
    this.opts = opts;
  }

  /** Counts an importer diagnostic (file-level problems and warnings). */
  addDiagnostic(d: ImportDiagnostic): void {
    if (d.severity === "error") this.diag.errors++;
    else this.diag.warnings++;
    this.diag.byCode.set(d.code, (this.diag.byCode.get(d.code) ?? 0) + 1);
    if (this.diag.examples.length < EXAMPLES) this.diag.examples.push(d);
  }

  /** Adds one input record: the claim as read (any value; undefined when it was not JSON) and its result. */
  add(claim: unknown, result: EvalResult): void {
    const n = ++this.records;
    const c = isObject(claim) ? claim : undefined;
    const lines = c && Array.isArray(c.lines) ? (c.lines as unknown[]) : [];
    const charges = lines.map((l) => (isObject(l) && typeof l.charge === "number" && Number.isFinite(l.charge) ? l.charge : 0));
    const billed = charges.reduce((s, x) => s + x, 0);
    const date = this.dateOf(c, lines);
    const verdict: AuditVerdict = result.verdict;
    const vf = this.verdicts.get(verdict)!;
    vf.claims++;
    vf.charges += billed;

    if (result.verdict === "invalid") {
      if (this.invalidExamples.length < EXAMPLES) {
        this.invalidExamples.push({
          claimId: result.claimId,
          ...(result.line !== undefined ? { line: result.line } : {}),
          errors: result.errors.slice(0, 3).map((e) => ({ pointer: e.pointer, code: e.code, message: e.message })),
        });
      }
      this.week(date, verdict, billed, 0);
      return;
    }

    // Lines at risk: those that error findings name (claim-level errors: every line).
    const risky = new Set<number>();
    for (const f of result.findings) {
      this.findings++;
      this.severities[f.severity]++;
      const risk = this.findingRisk(f, charges, risky);
      let cat = this.categories.get(f.category);
      if (!cat) {
        cat = { category: f.category, findings: 0, errors: 0, warnings: 0, infos: 0, claims: 0, chargesAtRisk: 0, lastClaim: 0 };
        this.categories.set(f.category, cat);
      }
      cat.findings++;
      if (f.severity === "error") cat.errors++;
      else if (f.severity === "warning") cat.warnings++;
      else cat.infos++;
      cat.chargesAtRisk += risk;
      if (cat.lastClaim !== n) {
        cat.claims++;
        cat.lastClaim = n;
      }
      let r = this.rules.get(f.rule);
      if (!r) {
        r = { rule: detach(f.rule), category: f.category, severity: f.severity, findings: 0, claims: 0, chargesAtRisk: 0, source: detach(f.source), message: detach(f.message), fixes: new Map(), lastClaim: 0 };
        this.rules.set(f.rule, r);
      }
      r.findings++;
      r.chargesAtRisk += risk;
      if (r.lastClaim !== n) {
        r.claims++;
        r.lastClaim = n;
      }
      if (f.fix) {
        const text = describeFix(f.fix);
        // A handful of distinct fix texts per rule at most (codes vary for code-selection rules).
        if (r.fixes.has(text) || r.fixes.size < 8) r.fixes.set(text, (r.fixes.get(text) ?? 0) + 1);
      }
    }
    let claimRisk = 0;
    for (const ln of risky) claimRisk += charges[ln - 1] ?? 0;
    this.atRisk += claimRisk;

    // Provider and payer, where the claim carries them.
    const provider = c && isObject(c.provider) ? c.provider : undefined;
    const npi = provider && typeof provider.npi === "string" && provider.npi !== "" ? provider.npi : undefined;
    const pname = provider && typeof provider.name === "string" && provider.name !== "" ? provider.name : undefined;
    if (npi !== undefined || pname !== undefined) {
      const key = npi ?? `name:${pname}`;
      let g = this.providers.get(key);
      if (!g) {
        g = emptyGroup(detach(key), detach(pname ?? npi!), npi === undefined ? undefined : detach(npi));
        this.providers.set(key, g);
      } else if (g.label === npi && pname !== undefined) g.label = detach(pname);
      this.group(g, verdict, billed, claimRisk, result.findings.length);
    } else this.noProvider++;
    const payer = c && typeof c.payer === "string" && c.payer !== "" ? c.payer : undefined;
    if (payer !== undefined) {
      let g = this.payers.get(payer);
      if (!g) {
        g = emptyGroup(detach(payer), detach(payer));
        this.payers.set(payer, g);
      }
      this.group(g, verdict, billed, claimRisk, result.findings.length);
    } else this.noPayer++;

    this.week(date, verdict, billed, claimRisk);

    if (verdict === "deny") {
      const rules: string[] = [];
      for (const f of result.findings) if (f.severity === "error" && !rules.includes(f.rule)) rules.push(f.rule);
      this.denial({
        claimId: detach(result.claimId),
        ...(date !== undefined ? { serviceDate: date } : {}),
        ...(pname !== undefined || npi !== undefined ? { provider: pname ?? npi! } : {}),
        ...(payer !== undefined ? { payer } : {}),
        charges: cents(billed),
        chargesAtRisk: cents(claimRisk),
        rules,
      });
    }
  }

  /** Charges of the lines an error finding names (all lines for a claim-level error), marking them at risk. */
  private findingRisk(f: Finding, charges: readonly number[], risky: Set<number>): number {
    if (f.severity !== "error") return 0;
    let s = 0;
    if (f.lines.length === 0) {
      for (let i = 0; i < charges.length; i++) {
        s += charges[i]!;
        risky.add(i + 1);
      }
      return s;
    }
    for (const ln of f.lines) {
      s += charges[ln - 1] ?? 0;
      risky.add(ln);
    }
    return s;
  }

  private group(g: GroupFigures, verdict: AuditVerdict, billed: number, risk: number, findings: number): void {
    g.claims++;
    g[verdict]++;
    g.charges += billed;
    g.chargesAtRisk += risk;
    g.findings += findings;
  }

  private dateOf(c: Record<string, unknown> | undefined, lines: unknown[]): string | undefined {
    let date = c && typeof c.serviceDate === "string" ? c.serviceDate : undefined;
    if (date === undefined) {
      for (const l of lines) {
        const d = isObject(l) && typeof l.serviceDate === "string" ? l.serviceDate : undefined;
        if (d !== undefined && (date === undefined || d < date)) date = d;
      }
    }
    if (date === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date))) return undefined;
    if (this.minDate === undefined || date < this.minDate) this.minDate = date;
    if (this.maxDate === undefined || date > this.maxDate) this.maxDate = date;
    return date;
  }

  private week(date: string | undefined, verdict: AuditVerdict, billed: number, risk: number): void {
    if (date === undefined) return;
    let wk = this.weekOf.get(date);
    if (!wk) {
      wk = isoWeek(date);
      this.weekOf.set(detach(date), wk);
    }
    const { week, start } = wk;
    let w = this.weeks.get(week);
    if (!w) {
      w = { week, start, claims: 0, clean: 0, review: 0, deny: 0, invalid: 0, charges: 0, chargesAtRisk: 0 };
      this.weeks.set(week, w);
    }
    w.claims++;
    w[verdict]++;
    w.charges += billed;
    w.chargesAtRisk += risk;
  }

  /** Keeps the TOP_DENIALS costliest denials (a short sorted list: insertion is cheap at this size). */
  private denial(d: DenialFigures): void {
    const list = this.denials;
    if (list.length === TOP_DENIALS && !worse(d, list[list.length - 1]!)) return;
    let i = list.length;
    while (i > 0 && worse(d, list[i - 1]!)) i--;
    list.splice(i, 0, d);
    if (list.length > TOP_DENIALS) list.pop();
  }

  /** The summary of everything added so far. */
  summary(): AuditSummary {
    const v = (k: AuditVerdict): VerdictFigures => this.verdicts.get(k)!;
    const records = this.records;
    const claims = records - v("invalid").claims;
    const charges = cents(v("clean").charges + v("review").charges + v("deny").charges);
    const byGroup = (m: Map<string, GroupFigures>): GroupFigures[] =>
      [...m.values()]
        .map((g) => ({ ...g, charges: cents(g.charges), chargesAtRisk: cents(g.chargesAtRisk) }))
        .sort((a, b) => b.chargesAtRisk - a.chargesAtRisk || b.claims - a.claims || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
    // Errors first (they cost money), then warnings, then notes; most frequent first within each.
    const rank = { error: 0, warning: 1, info: 2 } as const;
    const rules = [...this.rules.values()].sort(
      (a, b) =>
        rank[a.severity] - rank[b.severity] || b.findings - a.findings || b.chargesAtRisk - a.chargesAtRisk || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0),
    );
    const t = this.opts.table;
    return {
      schema: SUMMARY_SCHEMA,
      generatedAt: this.opts.generatedAt ?? new Date().toISOString(),
      input: this.opts.input,
      totals: {
        records,
        claims,
        clean: v("clean").claims,
        review: v("review").claims,
        deny: v("deny").claims,
        invalid: v("invalid").claims,
        cleanClaimRate: records === 0 ? null : (v("clean").claims + v("review").claims) / records,
        charges,
        chargesAtRisk: cents(this.atRisk),
        chargesAtRiskRate: charges === 0 ? null : cents(this.atRisk) / charges,
        invalidCharges: cents(v("invalid").charges),
        findings: this.findings,
        errors: this.severities.error,
        warnings: this.severities.warning,
        infos: this.severities.info,
        rules: this.rules.size,
      },
      byVerdict: VERDICTS.map((k) => ({ verdict: k, claims: v(k).claims, charges: cents(v(k).charges) })),
      byCategory: [...this.categories.values()]
        .map(({ lastClaim: _, ...c }) => ({ ...c, chargesAtRisk: cents(c.chargesAtRisk) }))
        .sort((a, b) => b.findings - a.findings || (a.category < b.category ? -1 : 1)),
      topRules: rules.slice(0, TOP_RULES).map((r) => {
        let fix: string | undefined;
        let best = 0;
        for (const [text, count] of r.fixes) if (count > best) [fix, best] = [text, count];
        return {
          rule: r.rule,
          category: r.category,
          severity: r.severity,
          findings: r.findings,
          claims: r.claims,
          chargesAtRisk: cents(r.chargesAtRisk),
          source: r.source,
          message: r.message,
          ...(fix !== undefined ? { fix } : {}),
        };
      }),
      byProvider: byGroup(this.providers),
      claimsWithoutProvider: this.noProvider,
      byPayer: byGroup(this.payers),
      claimsWithoutPayer: this.noPayer,
      byWeek: [...this.weeks.values()].map((w) => ({ ...w, charges: cents(w.charges), chargesAtRisk: cents(w.chargesAtRisk) })).sort((a, b) => (a.week < b.week ? -1 : 1)),
      costliestDenials: this.denials.map((d) => ({ ...d, rules: [...d.rules] })),
      invalidRecords: { count: v("invalid").claims, examples: this.invalidExamples },
      importDiagnostics: {
        errors: this.diag.errors,
        warnings: this.diag.warnings,
        byCode: Object.fromEntries([...this.diag.byCode].sort(([a], [b]) => (a < b ? -1 : 1))),
        examples: this.diag.examples,
      },
      method: {
        dermrules: this.opts.version,
        table: {
          contentHash: t.contentHash,
          generator: t.generator,
          formatVersion: t.formatVersion,
          rules: t.rules.length,
          layers: Object.keys(t.layers).sort(),
          defaultLayer: t.defaultLayer,
        },
        sources: t.provenance.sources.map((s) => ({ kind: s.kind, path: s.path, ...(s.version !== undefined ? { version: s.version } : {}), sha256: s.sha256 })),
        serviceDates: this.minDate !== undefined && this.maxDate !== undefined ? { from: this.minDate, to: this.maxDate } : null,
        definitions: DEFINITIONS,
      },
    };
  }
}

/**
 * The audit report: streaming aggregation of results into an `AuditSummary`, its rendering as
 * one self-contained HTML page with inline SVG charts, and the progress line of long runs.
 * Not part of the embeddable runtime (runtime/ never imports it).
 */
export {
  AuditAggregator,
  DEFINITIONS,
  SUMMARY_SCHEMA,
  TOP_DENIALS,
  TOP_RULES,
  VERDICTS,
  describeFix,
  isoWeek,
  type AggregatorOptions,
  type AuditSummary,
  type AuditVerdict,
  type CategoryFigures,
  type DenialFigures,
  type GroupFigures,
  type RuleFigures,
  type VerdictFigures,
  type WeekFigures,
} from "./aggregate.ts";
export { renderHtml, money, int, pct, VERDICT_COLORS } from "./html.ts";
export { barChart, columnChart, stackedBar, ring, esc } from "./svg.ts";
export { Progress, type ProgressMode, type ProgressOptions, type ProgressStats } from "./progress.ts";

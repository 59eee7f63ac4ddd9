/**
 * Review tools: the semantic policy diff of two rule sets, tables or git revisions
 * (rules, layers, named sets, CMS tables, behaviour on generated and corpus claims) and its
 * text, Markdown and JSON renderings. `explain` lives in compiler/explain.ts.
 */
export type * from "./types.ts";
export { diffSides, hasChanges, type DiffOptions } from "./diff.ts";
export { diffRules, diffLayers, diffSets, ruleFieldChanges, ruleText, canonical } from "./rule-diff.ts";
export { diffTables, diffIcd, codeRuns, thousands } from "./table-diff.ts";
export { searchBehaviour, ruleDifferences, isEquivalent, tidyClaim, type BehaviourOptions, type Changes } from "./behaviour.ts";
export { claimsFor, seededRandom, DEFAULT_DAY, type Target, type GenContext } from "./generate.ts";
export { renderText, renderMarkdown, claimText, behaviourSummary, corpusSummary } from "./render.ts";
export { loadPathSide, loadGitSide, parseRevRange, type SideResult } from "./sides.ts";

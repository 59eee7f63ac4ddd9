/**
 * The semantic policy diff: two sides in, a `DiffReport` out.
 *
 *     const report = await diffSides(base, head, { corpus: lines });
 *     process.stdout.write(renderMarkdown(report));
 */
import { searchBehaviour, type BehaviourOptions } from "./behaviour.ts";
import { diffLayers, diffRules, diffSets } from "./rule-diff.ts";
import { diffIcd, diffTables } from "./table-diff.ts";
import type { DiffReport, Side } from "./types.ts";

/** Options of {@link diffSides}: the behaviour search's. */
export type DiffOptions = BehaviourOptions;

function sideInfo(s: Side): DiffReport["base"] {
  return { label: s.label, contentHash: s.table.contentHash, rules: s.table.rules.length, layers: Object.keys(s.table.layers).sort() };
}

/** Compares two sides: rules, layers, sets, CMS tables, ICD-10-CM, then behaviour. */
export async function diffSides(base: Side, head: Side, opts: DiffOptions = {}): Promise<DiffReport> {
  const { rules, moved } = diffRules(base, head);
  const layers = diffLayers(base, head);
  const sets = diffSets(base, head);
  const tables = diffTables(base.table, head.table);
  const icd10 = diffIcd(base.table, head.table);
  const defaultLayerChanged = base.table.defaultLayer !== head.table.defaultLayer;
  const behaviour = await searchBehaviour(base, head, { rules, layers, tables, ...(icd10 && { icd10 }), defaultLayerChanged }, opts);
  return {
    base: sideInfo(base),
    head: sideInfo(head),
    rules,
    moved,
    layers,
    sets,
    tables,
    ...(icd10 && { icd10 }),
    ...(defaultLayerChanged && { defaultLayer: { before: base.table.defaultLayer, after: head.table.defaultLayer } }),
    behaviour,
  };
}

/** Whether the report shows any change at all (rules, layers, tables, ICD list, behaviour). */
export function hasChanges(r: DiffReport): boolean {
  return r.rules.length > 0 || r.layers.length > 0 || r.tables.length > 0 || r.icd10 !== undefined || r.defaultLayer !== undefined || r.behaviour.changed;
}

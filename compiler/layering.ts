/**
 * Stage `layering`: the effective rules and table edits of each layer, and the `Program`.
 *
 * A layer inherits its base's effective rules and tables. Its own rules are added; a rule id
 * used twice in one layer is an error, and so is reusing a base rule's id without
 * `override`. `override ID` with only metadata amends the base rule; with a `when` body it
 * replaces it and keeps the id. `disable ID` (or `prefix.*`) removes rules and table edits;
 * one that matches nothing is a warning.
 */
import type { DisableDecl, OverrideDecl, TestBlock } from "../grammar/ast.ts";
import type { TRule } from "../runtime/table.ts";
import type { CompileContext, LoadedRef, Program, ProgramAoc, ProgramLayer, ProgramMue, ProgramPtp, ProgramRule, ProgramTable, RuleDef } from "./context.ts";
import { error, tick, warning } from "./diagnostics.ts";
import { IcdList } from "./icd10.ts";
import { metaPatch, originOf } from "./lower.ts";
import { DEFAULT_LAYER } from "./rulesets.ts";
import { SetResolver } from "./sets.ts";
import { didYouMean, suggest } from "./suggest.ts";

/** A rule in force in a layer, with the lowered form the table gets. */
interface Entry {
  rule: ProgramRule;
  lowered: TRule;
}

/** Whether an id matches a disable/expect pattern: exact, or `prefix.*`. */
export function idMatches(pattern: string, id: string): boolean {
  return pattern.endsWith(".*") ? id.startsWith(pattern.slice(0, -1)) : id === pattern;
}

/** Whether some edit of a table has an id matching the pattern. */
export function tableMatches(t: ProgramTable, pattern: string): boolean {
  const prefix = pattern.endsWith(".*") ? pattern.slice(0, -1) : undefined;
  const head = `${t.idPrefix}.`;
  if (prefix !== undefined) {
    if (head.startsWith(prefix)) return t.rows.length > 0;
    if (!prefix.startsWith(head)) return false;
  } else if (!pattern.startsWith(head)) return false;
  // The id space is entered: test the rows' ids.
  switch (t.kind) {
    case "ptp":
      return t.rows.some((r) => idMatches(pattern, `${head}${r.column1}.${r.column2}`));
    case "mue":
      return t.rows.some((r) => idMatches(pattern, `${head}${r.code}`));
    case "aoc":
      return t.rows.some((r) => idMatches(pattern, `${head}${r.addon}`));
    default: {
      const never: never = t;
      return never;
    }
  }
}

/** Builds every layer (bases first) and the program. */
export function layeringStage(ctx: CompileContext): void {
  const built = new Map<string, { layer: ProgramLayer; entries: Map<string, Entry> }>();
  const r = new SetResolver(ctx.sets, ctx.icd);

  for (const name of ctx.layerOrder) {
    const info = ctx.rulesets.get(name)!;
    const base = info.extends ? built.get(info.extends) : undefined;
    const entries = new Map<string, Entry>(base?.entries ?? []);
    const inherited = base?.entries ?? new Map<string, Entry>();

    // Own rules.
    const own = new Map<string, RuleDef>();
    for (const def of ctx.defs) {
      if (def.layer !== name || def.override) continue;
      const id = def.meta.id;
      const first = own.get(id);
      if (first) {
        ctx.diagnostics.push(
          error("DR2050", def.idSpan, `rule id ${tick(id)} is used twice in ruleset ${tick(name)}`, {
            related: [{ span: first.idSpan, message: `${tick(id)} is first used here` }],
            hint: def.node.meta.some((m) => m.kind === "id") ? "give each rule its own `id`" : "the two rules mean the same: remove one, or give each an `id`",
          }),
        );
        continue;
      }
      const baseEntry = inherited.get(id);
      if (baseEntry) {
        ctx.diagnostics.push(
          error("DR2051", def.idSpan, `rule ${tick(id)} is already defined in ruleset ${tick(baseEntry.rule.layer)}`, {
            hint: `write \`override ${id}\` to replace it (defined at ${baseEntry.rule.origin})`,
          }),
        );
        continue;
      }
      own.set(id, def);
    }

    // Tables: inherited first, then own; one id prefix per kind.
    const tables = {
      ptp: [...(base?.layer.ptp ?? [])] as ProgramPtp[],
      mue: [...(base?.layer.mue ?? [])] as ProgramMue[],
      aoc: [...(base?.layer.aoc ?? [])] as ProgramAoc[],
    };
    for (const t of ctx.tables) {
      if (t.layer !== name) continue;
      const list = tables[t.kind] as ProgramTable[];
      const clash = list.find((u) => u.idPrefix === t.idPrefix);
      if (clash) {
        ctx.diagnostics.push(
          error("DR2055", t.ref.span, `two ${t.kind.toUpperCase()} tables of ruleset ${tick(name)} produce the ids ${tick(`${t.idPrefix}.*`)}`, {
            related: [{ span: clash.ref.span, message: `the other table (from ${tick(clash.file)})` }],
            hint: "give one of them an `id` line with another prefix",
          }),
        );
        continue;
      }
      list.push(programTable(t));
    }
    const allTables: ProgramTable[] = [...tables.ptp, ...tables.mue, ...tables.aoc];

    // Overrides.
    const overridden = new Map<string, OverrideDecl>();
    for (const file of info.files) {
      for (const item of file.items) {
        if (item.kind !== "override") continue;
        const target = item.target.text;
        const prev = overridden.get(target);
        if (prev) {
          ctx.diagnostics.push(
            error("DR2050", item.target.span, `rule ${tick(target)} is overridden twice in ruleset ${tick(name)}`, {
              related: [{ span: prev.target.span, message: "first override here" }],
              hint: "merge the two overrides",
            }),
          );
          continue;
        }
        const baseEntry = inherited.get(target);
        if (!baseEntry) {
          ctx.diagnostics.push(unknownOverride(item, name, info.extends, inherited, own, allTables));
          continue;
        }
        overridden.set(target, item);
        const baseOrigin = baseEntry.rule.baseOrigin ?? baseEntry.rule.origin;
        const origin = originOf(ctx, item.span);
        if (item.rule) {
          const def = ctx.defs.find((d) => d.override === item)!;
          entries.set(target, { rule: { id: target, node: def.node, meta: def.meta, origin, layer: name, baseOrigin }, lowered: def.lowered });
        } else {
          const patch = metaPatch(item.meta, r);
          const meta = { ...baseEntry.rule.meta, ...patch };
          const lowered: TRule = {
            ...baseEntry.lowered,
            origin,
            layer: name,
            severity: meta.severity,
            category: meta.category,
            message: meta.message,
            source: meta.source,
            effective: meta.effective,
          };
          if (meta.fix) lowered.fix = meta.fix;
          entries.set(target, { rule: { ...baseEntry.rule, meta, origin, layer: name, baseOrigin }, lowered });
        }
      }
    }
    for (const [id, def] of own) {
      entries.set(id, { rule: { id, node: def.node, meta: def.meta, origin: def.origin, layer: name }, lowered: def.lowered });
    }

    // Disables: rules leave the layer; table edits are listed for the runtime.
    const disabled = new Set<string>(base?.layer.disabled ?? []);
    for (const file of info.files) {
      for (const item of file.items) {
        if (item.kind !== "disable") continue;
        const pattern = item.target.text;
        const ruleHits = [...entries.keys()].filter((id) => idMatches(pattern, id));
        const tableHit = allTables.some((t) => tableMatches(t, pattern));
        for (const id of ruleHits) entries.delete(id);
        if (tableHit) disabled.add(pattern);
        if (ruleHits.length === 0 && !tableHit) ctx.diagnostics.push(unknownDisable(item, name, [...inherited.keys(), ...own.keys()]));
      }
    }

    const rules = [...entries.values()].sort((a, b) => cmpStr(a.rule.id, b.rule.id));
    const layer: ProgramLayer = {
      name,
      extends: info.extends,
      rules: rules.map((e) => e.rule),
      selects: rules.filter((e) => e.rule.node.kind === "select").map((e) => e.rule),
      ptp: tables.ptp,
      mue: tables.mue,
      aoc: tables.aoc,
      disabled: [...disabled].sort(),
    };
    built.set(name, { layer, entries: new Map(rules.map((e) => [e.rule.id, e])) });
  }

  const layers = new Map<string, ProgramLayer>();
  for (const name of ctx.layerOrder) layers.set(name, built.get(name)!.layer);
  const tests: { block: TestBlock; file: string; layer: string }[] = [];
  for (const file of ctx.files) {
    for (const item of file.items) if (item.kind === "test") tests.push({ block: item, file: file.path, layer: ctx.fileLayer.get(file)! });
  }
  const program: Program = {
    files: ctx.files,
    defaultLayer: DEFAULT_LAYER,
    layers,
    sets: ctx.sets,
    lookupSet: (n) => ctx.sets.get(n),
    icd10: ctx.icd ?? new IcdList([]),
    tests,
  };
  ctx.program = program;
  // The lowered rules in force, for emit: keyed by the ProgramRule objects of the layers.
  loweredOf.set(program, new Map([...built.values()].flatMap((b) => [...b.entries.values()].map((e) => [e.rule, e.lowered] as const))));
}

/** The lowered form of each effective `ProgramRule` (kept out of the public `Program`). */
export const loweredOf = new WeakMap<Program, Map<ProgramRule, TRule>>();

function programTable(t: LoadedRef): ProgramTable {
  const { sha256: _sha, only: _only, ...rest } = t;
  void _sha;
  void _only;
  return rest as ProgramTable;
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function unknownOverride(
  item: OverrideDecl,
  layer: string,
  base: string | null,
  inherited: Map<string, Entry>,
  own: Map<string, RuleDef>,
  tables: ProgramTable[],
) {
  const target = item.target.text;
  if (tables.some((t) => tableMatches(t, target))) {
    return error("DR2056", item.target.span, `${tick(target)} is a table edit: table edits cannot be overridden`, {
      hint: `write \`disable ${target}\` and, if needed, a rule of your own`,
    });
  }
  if (own.has(target)) {
    return error("DR2052", item.target.span, `\`override\` names ${tick(target)}, a rule of ruleset ${tick(layer)} itself`, {
      hint: "overrides change rules of the base ruleset: edit this rule directly",
    });
  }
  if (base === null) {
    return error("DR2052", item.target.span, `ruleset ${tick(layer)} extends no ruleset, so there is no rule ${tick(target)} to override`, {
      hint:
        layer === DEFAULT_LAYER
          ? "overrides belong in a ruleset that extends another, e.g. a file starting `ruleset acme-health extends cms`"
          : `write \`ruleset ${layer} extends cms\` at the top of the file`,
    });
  }
  const near = suggest(target, [...inherited.keys()].sort());
  return error("DR2052", item.target.span, `\`override\` names no rule of ${tick(base)}: ${tick(target)}`, {
    hint: didYouMean(near) ?? `the base rules are listed by \`dermrules compile\`; check the id`,
  });
}

function unknownDisable(item: DisableDecl, layer: string, ids: string[]) {
  const target = item.target.text;
  const near = suggest(target, [...new Set(ids)].sort());
  return warning("DR2053", item.target.span, `\`disable\` matches no rule or table edit of ruleset ${tick(layer)}: ${tick(target)}`, {
    hint: didYouMean(near) ?? "check the id; a pattern ends in `.*` (e.g. `cms.ptp.11102.*`)",
  });
}

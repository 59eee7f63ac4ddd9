/**
 * Stage `rulesets`: which layer each file belongs to, what each layer extends, and the order
 * in which layers are built (bases first).
 *
 * A file without a `ruleset` line belongs to `cms`, which always exists (it is the default
 * layer). `extends` must name a known ruleset; files of one ruleset must not name different
 * bases; cycles are an error that names the whole cycle.
 */
import type { CompileContext, RulesetInfo } from "./context.ts";
import { error, tick } from "./diagnostics.ts";
import { didYouMean, suggest } from "./suggest.ts";

/** The layer of files without a `ruleset` line, and the default layer of every table. */
export const DEFAULT_LAYER = "cms";

/** Groups files into rulesets and orders the layers. */
export function rulesetsStage(ctx: CompileContext): void {
  const rulesets = ctx.rulesets;
  const get = (name: string): RulesetInfo => {
    let r = rulesets.get(name);
    if (!r) rulesets.set(name, (r = { name, extends: null, files: [], decls: [] }));
    return r;
  };
  get(DEFAULT_LAYER);
  for (const file of ctx.files) {
    const decl = file.ruleset;
    const name = decl?.name.text ?? DEFAULT_LAYER;
    const info = get(name);
    info.files.push(file);
    ctx.fileLayer.set(file, name);
    if (decl) info.decls.push(decl);
  }

  // Bases: every file that states one must agree.
  for (const info of rulesets.values()) {
    const stated = info.decls.filter((d) => d.extends !== undefined);
    const first = stated[0];
    if (!first) continue;
    for (const d of stated.slice(1)) {
      if (d.extends!.text !== first.extends!.text) {
        ctx.diagnostics.push(
          error("DR2012", d.extends!.span, `ruleset ${tick(info.name)} extends ${tick(d.extends!.text)} here but ${tick(first.extends!.text)} in another file`, {
            related: [{ span: first.extends!.span, message: `${tick(info.name)} extends ${tick(first.extends!.text)} here` }],
            hint: "a ruleset has one base: make its files agree",
          }),
        );
      }
    }
    const base = first.extends!.text;
    if (!rulesets.has(base)) {
      const near = suggest(base, [...rulesets.keys()].filter((n) => n !== info.name).sort());
      ctx.diagnostics.push(
        error("DR2010", first.extends!.span, `unknown ruleset ${tick(base)}`, {
          hint: didYouMean(near) ?? `known rulesets: ${[...rulesets.keys()].sort().map(tick).join(", ")}`,
        }),
      );
      continue;
    }
    info.extends = base;
  }

  // Order: depth-first from each layer to its root; a layer met again on the current path is a cycle.
  const order: string[] = [];
  const state = new Map<string, "visiting" | "done" | "cycle">();
  const reported = new Set<string>();
  const visit = (name: string, path: string[]): boolean => {
    const s = state.get(name);
    if (s === "done") return true;
    if (s === "cycle") return false;
    if (s === "visiting") {
      const cycle = [...path.slice(path.indexOf(name)), name];
      const key = [...new Set(cycle)].sort().join(" ");
      if (!reported.has(key)) {
        reported.add(key);
        const decl = rulesets.get(name)!.decls.find((d) => d.extends !== undefined);
        if (decl) {
          ctx.diagnostics.push(
            error("DR2011", decl.extends!.span, `rulesets extend each other in a cycle: ${cycle.map(tick).join(" → ")}`, {
              hint: "a ruleset cannot be its own base; one of them must extend another ruleset or none",
            }),
          );
        }
      }
      for (const n of cycle) state.set(n, "cycle");
      return false;
    }
    state.set(name, "visiting");
    const info = rulesets.get(name)!;
    const ok = info.extends === null || visit(info.extends, [...path, name]);
    if (!ok) {
      state.set(name, "cycle");
      return false;
    }
    state.set(name, "done");
    order.push(name);
    return true;
  };
  for (const name of [...rulesets.keys()].sort()) visit(name, []);
  ctx.layerOrder = order;
}

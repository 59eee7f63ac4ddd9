/**
 * Stage `resolve`: set names. Names are global to the compilation (across files and layers).
 * A name defined twice is an error pointing at the first definition; an unknown name gets a
 * did-you-mean; a set of the wrong kind says what it is ("`X` is a dx set, not a code set");
 * sets that refer to each other in a cycle are an error naming the cycle.
 */
import type { SetDecl } from "../grammar/ast.ts";
import type { CompileContext, SetInfo } from "./context.ts";
import { error, tick } from "./diagnostics.ts";
import { formatLocation } from "./render.ts";
import { classifyWord, kindName } from "./sets.ts";
import { isSetName } from "./codes.ts";
import { didYouMean, suggest } from "./suggest.ts";
import { itemSetUses } from "./walk.ts";

/** Collects set declarations and checks every set-name reference. */
export function resolveStage(ctx: CompileContext): void {
  const sets = ctx.sets;
  for (const file of ctx.files) {
    const layer = ctx.fileLayer.get(file)!;
    for (const item of file.items) {
      if (item.kind !== "set-decl") continue;
      const name = item.name.text;
      if (!isSetName(name)) {
        ctx.diagnostics.push(
          error("DR2002", item.name.span, `${tick(name)} cannot name a set`, {
            hint: "set names are upper case with a `_` or two letters before any digit, and at least 3 characters (e.g. `MALIGNANT_SKIN`), so they never look like a code or a modifier",
          }),
        );
        continue;
      }
      const first = sets.get(name);
      if (first) {
        ctx.diagnostics.push(
          error("DR2001", item.name.span, `set ${tick(name)} is defined twice`, {
            related: [{ span: first.decl.name.span, message: `${tick(name)} is first defined here` }],
            hint: "set names are global to the compilation: rename one of them or merge their items",
          }),
        );
        continue;
      }
      sets.set(name, { name, kind: item.setKind, decl: item, layer });
    }
  }

  const isDefined = (n: string): boolean => sets.has(n);
  const where = (info: SetInfo): string => formatLocation(ctx.sources, info.decl.name.span.file, info.decl.name.span.start);
  for (const file of ctx.files) {
    for (const item of file.items) {
      for (const use of itemSetUses(item)) {
        for (const it of use.expr.items) {
          if (it.kind !== "set-ref") continue;
          const c = classifyWord(it.word.text, use.kind, isDefined, ctx.icd);
          if (c.k !== "set") continue;
          const info = sets.get(c.name);
          if (!info) {
            const sameKind = [...sets.values()].filter((s) => s.kind === use.kind).map((s) => s.name).sort();
            let near = suggest(c.name, sameKind);
            if (near.length === 0) near = suggest(c.name, [...sets.keys()].sort());
            const hint =
              near.length === 1 ? `${didYouMean(near)} (defined at ${where(sets.get(near[0]!)!)})` : didYouMean(near);
            ctx.diagnostics.push(error("DR2003", it.word.span, `unknown ${kindName(use.kind)} ${tick(c.name)}`, hint ? { hint } : {}));
          } else if (info.kind !== use.kind) {
            ctx.diagnostics.push(
              error("DR2004", it.word.span, `${tick(c.name)} is a ${kindName(info.kind)}, not a ${kindName(use.kind)}`, {
                related: [{ span: info.decl.name.span, message: `${tick(c.name)} is defined here as a ${kindName(info.kind)}` }],
                hint: wrongKindHint(info, use.kind),
              }),
            );
          }
        }
      }
    }
  }
  reportCycles(ctx);
}

function wrongKindHint(info: SetInfo, wanted: SetInfo["kind"]): string {
  if (info.kind === "dx" && wanted === "codes") return `to test diagnoses, write \`dx in ${info.name}\` (or \`<codes> with dx ${info.name}\`)`;
  if (info.kind === "modifiers") return `to test modifiers, write \`modifier ${info.name}\` (or \`<codes> with modifier ${info.name}\`)`;
  return `declare a ${kindName(wanted)} with \`${wanted} NAME = …\``;
}

/** Sets whose definitions refer to each other in a cycle (which would never expand). */
function reportCycles(ctx: CompileContext): void {
  const refs = new Map<string, string[]>();
  const isDefined = (n: string): boolean => ctx.sets.has(n);
  for (const info of ctx.sets.values()) {
    const out: string[] = [];
    for (const it of info.decl.value.items) {
      if (it.kind !== "set-ref") continue;
      const c = classifyWord(it.word.text, info.kind, isDefined, ctx.icd);
      if (c.k === "set" && ctx.sets.get(c.name)?.kind === info.kind) out.push(c.name);
    }
    refs.set(info.name, out);
  }
  const state = new Map<string, "visiting" | "done">();
  const reported = new Set<string>();
  const visit = (name: string, path: string[]): void => {
    if (state.get(name) === "done") return;
    if (state.get(name) === "visiting") {
      const cycle = [...path.slice(path.indexOf(name)), name];
      const key = [...new Set(cycle)].sort().join(" ");
      if (reported.has(key)) return;
      reported.add(key);
      const decl: SetDecl = ctx.sets.get(name)!.decl;
      ctx.diagnostics.push(
        error("DR2005", decl.name.span, `sets are defined in terms of each other in a cycle: ${cycle.map(tick).join(" → ")}`, {
          hint: "a set cannot contain itself; list the codes in one of them",
        }),
      );
      return;
    }
    state.set(name, "visiting");
    for (const r of refs.get(name) ?? []) visit(r, [...path, name]);
    state.set(name, "done");
  };
  for (const name of [...ctx.sets.keys()].sort()) visit(name, []);
}

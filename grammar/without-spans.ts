/**
 * Span-free copies of AST nodes, for comparing trees by meaning (Cedar ignores `loc` in
 * equality the same way): `withoutSpans(parse(print(ast)))` should equal `withoutSpans(ast)`.
 */

/** `T` with every `span` property removed, recursively. */
export type WithoutSpans<T> = T extends readonly (infer U)[]
  ? readonly WithoutSpans<U>[]
  : T extends object
    ? { readonly [K in keyof T as K extends "span" ? never : K]: WithoutSpans<T[K]> }
    : T;

/** A deep copy of `node` with every `span` property dropped (arrays and plain objects only). */
export function withoutSpans<T>(node: T): WithoutSpans<T> {
  return strip(node) as WithoutSpans<T>;
}

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      if (key !== "span") out[key] = strip(child);
    }
    return out;
  }
  return value;
}

/** Comparison operators of the language (`count > 14`, `age >= 65`), shared by lowering, explain and check. */
import type { Op } from "../runtime/table.ts";

/** `a op b`. The reference interpreter keeps its own copy on purpose (it shares no logic with the fast path). */
export function compare(a: number, op: Op, b: number): boolean {
  switch (op) {
    case ">":
      return a > b;
    case ">=":
      return a >= b;
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case "=":
      return a === b;
    case "!=":
      return a !== b;
    default: {
      const never: never = op;
      return never;
    }
  }
}

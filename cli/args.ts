/** Argument parsing shared by the commands (node:util parseArgs; usage errors become exit 2). */
import { parseArgs, type ParseArgsConfig } from "node:util";

export type Options = NonNullable<ParseArgsConfig["options"]>;

/** Parses args, or returns the usage error text. */
export function parse<O extends Options>(
  args: string[],
  options: O,
): { ok: true; values: Record<string, string | boolean | string[] | undefined>; positionals: string[] } | { ok: false; error: string } {
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { ok: true, values: values as Record<string, string | boolean | string[] | undefined>, positionals };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * An engine for a long-running service: it holds the current decision table and swaps in a
 * new one atomically.
 *
 *     const made = createEngine(tableText, { sha256: REVIEWED });
 *     if (!made.ok) throw new Error(made.errors[0].message);
 *     const engine = made.engine;
 *     engine.evaluate(claim);
 *     const swapped = engine.swap(newTableText, { sha256: NEXT_REVIEWED });
 *     if (!swapped.ok) log(swapped.errors);   // the old table is still in place
 *
 * Semantics. A swap loads and checks the new table completely before it replaces the old one
 * (one reference assignment), so a table that fails to load, fails its hash or is not the
 * pinned release leaves the old one in place, and no evaluation ever sees a half-loaded table.
 * Evaluation is synchronous, so no single `evaluate` can straddle a swap; work that spans
 * several calls takes the table once when it starts: `createBatchEvaluator`, `evaluateStream`
 * and `snapshot` keep evaluating on the table they started with, even after a swap, until
 * they finish. Nothing here needs Node: it is plain runtime code.
 */
import { createBatchEvaluator, evaluate, evaluateJsonText } from "./index.ts";
import { checkPin } from "./integrity.ts";
import { loadTable, type LoadedTable, type LoadTableOptions, type TableError } from "./load.ts";
import type { EvalResult } from "./types.ts";

/** The table an engine evaluates against at one moment, with the calls bound to it. */
export interface EngineSnapshot {
  readonly table: LoadedTable;
  /** The table's content hash (verified when it was loaded). */
  readonly contentHash: string;
  /** Which table of the engine's life this is: 0 for the first, +1 per successful swap. */
  readonly generation: number;
  evaluate(claim: unknown): EvalResult;
  evaluateJsonText(text: string, lineNumber?: number): EvalResult;
}

/** What a swap returns: the table now in use and the one it replaced, or why nothing changed. */
export type SwapResult =
  | { ok: true; current: EngineSnapshot; previous: EngineSnapshot }
  | { ok: false; errors: TableError[]; current: EngineSnapshot };

/** An engine: the current table, evaluation against it, and atomic swaps. */
export interface Engine {
  /** The table in use now. */
  readonly current: EngineSnapshot;
  /** Evaluates one claim (a parsed value) against the current table. */
  evaluate(claim: unknown): EvalResult;
  /** Evaluates one NDJSON record's text against the current table. */
  evaluateJsonText(text: string, lineNumber?: number): EvalResult;
  /** The current table with calls bound to it: later swaps do not affect it. */
  snapshot(): EngineSnapshot;
  /**
   * A stream evaluator (duplicate-id warnings, see `createBatchEvaluator`) on the table current
   * when it is created: a stream in flight finishes on its table.
   */
  createBatchEvaluator(): (record: unknown, textLineNumber?: number) => EvalResult;
  /**
   * Evaluates NDJSON lines as they come (blank lines skipped, line numbers 1-based) on the
   * table current when the stream starts, however long it runs and whatever is swapped in.
   */
  evaluateStream(lines: AsyncIterable<string> | Iterable<string>): AsyncGenerator<EvalResult>;
  /**
   * Loads `table` (JSON text, a parsed table, or a table `loadTable` already loaded) and, only
   * when it loads, makes it current. Never throws on a bad table: the errors come back and the
   * old table stays.
   */
  swap(table: unknown, options?: LoadTableOptions): SwapResult;
}

/** Whether a value is a table `loadTable` already loaded (its lookup structures are Maps). */
function isLoadedTable(v: unknown): v is LoadedTable {
  if (typeof v !== "object" || v === null) return false;
  const t = v as Partial<LoadedTable>;
  return t.layers instanceof Map && t.codeIds instanceof Map && typeof t.contentHash === "string" && typeof t.table === "object";
}

function load(table: unknown, options: LoadTableOptions): { ok: true; table: LoadedTable } | { ok: false; errors: TableError[] } {
  if (!isLoadedTable(table)) return loadTable(table, options);
  // Already loaded, so its content hash was verified then; a pin still has to match it.
  const pinned = options.sha256 === undefined ? null : checkPin(options.sha256, table.contentHash, undefined);
  return pinned === null ? { ok: true, table } : { ok: false, errors: [pinned] };
}

function snapshotOf(table: LoadedTable, generation: number): EngineSnapshot {
  return {
    table,
    contentHash: table.contentHash,
    generation,
    evaluate: (claim) => evaluate(table, claim),
    evaluateJsonText: (text, lineNumber) => evaluateJsonText(table, text, lineNumber),
  };
}

/**
 * Makes an engine from a first table (JSON text, a parsed table, or a loaded one); `options`
 * as for `loadTable` (`sha256` pins the reviewed release). Never throws on a bad table.
 */
export function createEngine(table: unknown, options: LoadTableOptions = {}): { ok: true; engine: Engine } | { ok: false; errors: TableError[] } {
  const first = load(table, options);
  if (!first.ok) return first;
  // INVARIANT: `current` is replaced only by a fully loaded table, in one assignment.
  let current = snapshotOf(first.table, 0);
  const engine: Engine = {
    get current() {
      return current;
    },
    evaluate: (claim) => evaluate(current.table, claim),
    evaluateJsonText: (text, lineNumber) => evaluateJsonText(current.table, text, lineNumber),
    snapshot: () => current,
    createBatchEvaluator: () => createBatchEvaluator(current.table),
    evaluateStream(lines) {
      const next = createBatchEvaluator(current.table);
      return (async function* () {
        let lineNo = 0;
        for await (const raw of lines) {
          lineNo++;
          const text = lineNo === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
          if (text.trim() === "") continue;
          yield next(text, lineNo);
        }
      })();
    },
    swap(table, opts = {}) {
      const loaded = load(table, opts);
      if (!loaded.ok) return { ok: false, errors: loaded.errors, current };
      const previous = current;
      current = snapshotOf(loaded.table, previous.generation + 1);
      return { ok: true, current, previous };
    },
  };
  return { ok: true, engine };
}

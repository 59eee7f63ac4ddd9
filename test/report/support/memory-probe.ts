/**
 * Run by test/report/memory.test.ts in a child process with `--expose-gc`: streams synthetic
 * claims (generated on the fly, never held) through an importer, the runtime and the audit
 * aggregator, and prints the live heap after a full GC at checkpoints, as JSON.
 *
 *     node --expose-gc --import tsx test/report/support/memory-probe.ts <table.json> <837|csv|json> <claims> <checkpoint…>
 */
import * as fs from "node:fs";
import { createRecordEvaluator, lineSource, readClaims, type InputFormat } from "../../../formats/index.ts";
import { AuditAggregator } from "../../../report/aggregate.ts";
import { renderHtml } from "../../../report/html.ts";
import { loadTable } from "../../../runtime/index.ts";
import { syntheticText } from "../../formats/support/generate.ts";

const [tablePath, format, total, ...marks] = process.argv.slice(2);
const loaded = loadTable(fs.readFileSync(tablePath!, "utf8"));
if (!loaded.ok) throw new Error(loaded.errors[0]!.message);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc");
const checkpoints = new Set(marks.map(Number));
const kind = format === "json" ? "ndjson" : (format as "837" | "csv");

// Text chunks → lines, as a file or stdin would give them (the X12 reader gets the chunks back with their line breaks).
async function* lines(): AsyncGenerator<string> {
  let rest = "";
  for (const chunk of syntheticText(Number(total), kind, 5)) {
    const parts = (rest + chunk).split("\n");
    rest = parts.pop()!;
    yield* parts;
  }
  if (rest) yield rest;
}

const agg = new AuditAggregator({ input: { name: "probe", format: format as InputFormat }, table: loaded.table.table, version: "probe" });
const evaluateRecord = createRecordEvaluator(loaded.table);
const heap: Record<string, number> = {};
let n = 0;
for await (const ev of readClaims(lineSource(lines()), format as InputFormat)) {
  if (ev.kind === "diagnostic") {
    agg.addDiagnostic(ev.diagnostic);
    continue;
  }
  agg.add(ev.claim, evaluateRecord(ev));
  if (checkpoints.has(++n)) {
    gc();
    heap[n] = process.memoryUsage().heapUsed;
  }
}
const html = renderHtml(agg.summary());
process.stdout.write(JSON.stringify({ claims: n, heap, htmlBytes: html.length, records: agg.summary().totals.records }) + "\n");

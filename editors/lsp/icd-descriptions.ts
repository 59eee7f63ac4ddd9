/**
 * ICD-10-CM descriptions for hovers, from the packaged FY2026 order file
 * (data/icd10cm-order.tsv.gz: code, billable, description). The descriptions are the CDC's
 * (public domain). Read once, on the first hover over a diagnosis code.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { gunzipSync } from "node:zlib";

const ORDER_FILE = path.resolve(import.meta.dirname, "../../data/icd10cm-order.tsv.gz");

/** What the list says about one code. */
export interface IcdEntry {
  readonly description: string;
  readonly billable: boolean;
}

let entries: Map<string, IcdEntry> | undefined;

/** The entry of a code (with or without the dot), or undefined when the list lacks it or cannot be read. */
export function icdEntry(code: string): IcdEntry | undefined {
  if (entries === undefined) {
    entries = new Map();
    try {
      const text = gunzipSync(fs.readFileSync(ORDER_FILE)).toString("utf8");
      for (const line of text.split("\n").slice(1)) {
        const [c, billable, description] = line.split("\t");
        if (c && description !== undefined) entries.set(c, { description: description.trim(), billable: billable === "1" });
      }
    } catch {
      // No list, no descriptions: hovers still show the code.
    }
  }
  return entries.get(code.replace(".", "").toUpperCase());
}

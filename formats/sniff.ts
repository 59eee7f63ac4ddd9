/**
 * Guessing the input format when `--format` is not given, from the first bytes of the input
 * and the file name. The guess is conservative: anything it does not recognise is the core's
 * claim JSON / NDJSON, so existing inputs behave as before.
 */
import type { InputFormat } from "./types.ts";

/** How many characters of the input the sniffer wants to see. */
export const SNIFF_BYTES = 4096;

const CSV_HEADER_HINTS = /(^|[,;\t"])\s*(claim[ _-]?(id|number|no)?|claimid)\s*("?)([,;\t]|$)/i;

/**
 * The input's format: `837` when it starts with `ISA`; `fhir` when it is JSON with a
 * `resourceType`; `json` for other JSON; `csv` for a `.csv`/`.tsv` name or a first line that
 * looks like a claim CSV header; `837` for `.edi`/`.x12`/`.837`; else `json`.
 */
export function sniffFormat(head: string, fileName?: string): InputFormat {
  const text = (head.charCodeAt(0) === 0xfeff ? head.slice(1) : head).replace(/^\s+/, "");
  const ext = fileName ? (/\.([A-Za-z0-9]+)$/.exec(fileName)?.[1] ?? "").toLowerCase() : "";
  if (text.startsWith("ISA")) return "837";
  if (text.startsWith("{") || text.startsWith("[")) return /"resourceType"\s*:/.test(text) ? "fhir" : "json";
  if (ext === "csv" || ext === "tsv") return "csv";
  const firstLine = text.split(/\r?\n/, 1)[0] ?? "";
  if (/[,;\t]/.test(firstLine) && CSV_HEADER_HINTS.test(firstLine)) return "csv";
  if (ext === "edi" || ext === "x12" || ext === "837") return "837";
  return "json";
}

/** Parses a `--format` value (`837`, `x12`, `fhir`, `csv`, `json`, `ndjson`), or undefined. */
export function parseFormatName(name: string): InputFormat | undefined {
  switch (name.trim().toLowerCase()) {
    case "837":
    case "837p":
    case "x12":
      return "837";
    case "fhir":
      return "fhir";
    case "csv":
      return "csv";
    case "json":
    case "ndjson":
      return "json";
    default:
      return undefined;
  }
}

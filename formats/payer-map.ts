/**
 * Which ruleset layer a claim's payer gets. X12 837P names the payer with SBR09 (claim filing
 * indicator: `MB` Medicare Part B, `MA` Part A, `CI` commercial, …) and the 2010BB payer
 * (NM1*PR: name NM103, id NM109); FHIR names it with `Claim.insurer` (display, identifier).
 * A small JSON file (`--payer-map`) maps these to layers; by default Medicare `MB`/`MA` → `cms`.
 *
 *     { "claimFilingIndicator": { "MB": "cms", "MA": "cms" },
 *       "payers": { "99999": "acme-health", "Example Commercial Plan": "acme-health" } }
 *
 * Lookup order: payer id, payer name (case-insensitive), filing indicator. A payer that maps
 * to nothing keeps its own name (else its id) as `payer`, so the runtime applies the default
 * layer with a note that names it, and the audit report groups by it.
 */
import type { ImportDiagnostic } from "./types.ts";

/** A payer map, keys normalised (filing indicators upper case, payer keys lower case). */
export interface PayerMap {
  /** X12 SBR09 claim filing indicator code → layer. */
  readonly claimFilingIndicator: Readonly<Record<string, string>>;
  /** Payer id or name → layer (keys lower case). */
  readonly payers: Readonly<Record<string, string>>;
}

/** Medicare Part B and Part A → the `cms` layer; nothing else. */
export const DEFAULT_PAYER_MAP: PayerMap = Object.freeze({
  claimFilingIndicator: Object.freeze({ MB: "cms", MA: "cms" }),
  payers: Object.freeze({}),
});

/** What a claim says about its payer (any part may be missing). */
export interface PayerFacts {
  /** X12 SBR09. */
  filingIndicator?: string;
  /** X12 NM1*PR NM109; FHIR insurer identifier value. */
  payerId?: string;
  /** X12 NM1*PR NM103; FHIR insurer display. */
  payerName?: string;
}

/**
 * An own entry of a map, never an inherited one: a payer named `constructor` or `__proto__`
 * must not find `Object.prototype`'s members.
 */
function own(map: Readonly<Record<string, string>>, key: string): string | undefined {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}

/** The layer for a claim's payer, or undefined when the claim says nothing about its payer. */
export function resolvePayer(map: PayerMap, facts: PayerFacts): string | undefined {
  const id = facts.payerId?.trim();
  const name = facts.payerName?.trim();
  if (id) {
    const hit = own(map.payers, id.toLowerCase());
    if (hit !== undefined) return hit;
  }
  if (name) {
    const hit = own(map.payers, name.toLowerCase());
    if (hit !== undefined) return hit;
  }
  const fi = facts.filingIndicator?.trim().toUpperCase();
  if (fi) {
    const hit = own(map.claimFilingIndicator, fi);
    if (hit !== undefined) return hit;
  }
  return name || id || undefined;
}

/**
 * Reads a payer map file (JSON). The file's entries are laid over the defaults (so `MB`/`MA`
 * still map to `cms` unless the file says otherwise). Never throws: problems come back as
 * DR54xx diagnostics.
 */
export function parsePayerMap(text: string): { ok: true; map: PayerMap } | { ok: false; errors: ImportDiagnostic[] } {
  const errors: ImportDiagnostic[] = [];
  const fail = (message: string): ImportDiagnostic => ({ code: "DR5402", severity: "error", message });
  let data: unknown;
  try {
    data = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    return { ok: false, errors: [{ code: "DR5401", severity: "error", message: `the payer map is not valid JSON (${(err as Error).message.replace(/`/g, "'")})` }] };
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return { ok: false, errors: [fail("the payer map must be a JSON object with `claimFilingIndicator` and/or `payers`")] };
  }
  // Null-prototype objects: a key `__proto__` is an entry like any other, not the prototype.
  const cfi: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, DEFAULT_PAYER_MAP.claimFilingIndicator);
  const payers: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, DEFAULT_PAYER_MAP.payers);
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    if (key !== "claimFilingIndicator" && key !== "payers") {
      errors.push(fail(`unknown key \`${key}\` in the payer map: expected \`claimFilingIndicator\` or \`payers\``));
      continue;
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      errors.push(fail(`\`${key}\` must be an object of name → ruleset layer`));
      continue;
    }
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (typeof v !== "string" || v.trim() === "") {
        errors.push(fail(`\`${key}.${k}\` must name a ruleset layer (a non-empty string)`));
        continue;
      }
      if (key === "claimFilingIndicator") cfi[k.trim().toUpperCase()] = v.trim();
      else payers[k.trim().toLowerCase()] = v.trim();
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, map: { claimFilingIndicator: cfi, payers } };
}

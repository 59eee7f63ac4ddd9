/**
 * Test helper: writes claims as CSV in the documented header (one row per line, claim-level
 * columns repeated on every row), the inverse of the CSV importer.
 */
import type { Claim } from "../../../runtime/types.ts";
import { CSV_COLUMNS } from "../../../formats/csv.ts";

function cell(v: string | number | undefined): string {
  if (v === undefined) return "";
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Writes CSV rows, claim by claim. */
export class CsvWriter {
  /** The header line. */
  header(): string {
    return CSV_COLUMNS.join(",") + "\n";
  }

  /** The rows of one claim. */
  claim(c: Claim): string {
    return c.lines
      .map((l) => {
        const row: Record<(typeof CSV_COLUMNS)[number], string | number | undefined> = {
          claim_id: c.id,
          payer: c.payer,
          claim_filing_indicator: undefined,
          service_date: c.serviceDate,
          place_of_service: c.placeOfService,
          provider_npi: c.provider?.npi,
          provider_name: c.provider?.name,
          patient_sex: c.patient?.sex,
          patient_birth_date: c.patient?.birthDate,
          diagnoses: c.diagnoses.join(";"),
          line_service_date: l.serviceDate,
          code: l.code,
          modifiers: l.modifiers?.join(";"),
          units: l.units,
          dx_pointers: l.dxPointers?.join(";"),
          charge: l.charge,
          site: l.facts?.site,
          excised_diameter_cm: l.facts?.excisedDiameterCm,
          lesion_count: l.facts?.lesionCount,
          repair_length_cm: l.facts?.repairLengthCm,
        };
        return CSV_COLUMNS.map((k) => cell(row[k])).join(",") + "\n";
      })
      .join("");
  }
}

/** All claims as one CSV text. */
export function writeCsv(claims: readonly Claim[]): string {
  const w = new CsvWriter();
  return w.header() + claims.map((c) => w.claim(c)).join("");
}

/**
 * The fix for every diagnostic code, and the description of the codes that have no catalogue
 * of their own (the compiler's descriptions come from compiler/diagnostics.ts `CATALOGUE`).
 * docs/diagnostics.md is generated from this file by scripts/generate-diagnostics-doc.ts;
 * test/review/diagnostics-doc.test.ts fails when a code used in the sources has no entry here,
 * or when the page is out of date.
 */

/** One code's entry. `what` is required where the compiler's CATALOGUE has no description. */
export interface CodeDoc {
  severity: "error" | "warning" | "info" | "error or warning" | "warning or info" | "error, warning or info";
  what?: string;
  fix: string;
}

/** The sections of the page, by code prefix, in order. */
export const SECTIONS: { prefix: RegExp; title: string; intro: string }[] = [
  {
    prefix: /^DR1/,
    title: "DR1xxx — syntax (grammar)",
    intro: "The parser never stops at the first error: it recovers and reports every problem, with the place and, where it can, the keyword you meant.",
  },
  {
    prefix: /^DR2/,
    title: "DR2xxx — names, codes, dates and values (compiler)",
    intro: "The rules parse, but something they name or compare does not exist or does not fit: a set name, a code, a date, a metadata value, a layer.",
  },
  {
    prefix: /^DR3/,
    title: "DR3xxx — static analysis (`dermrules check`)",
    intro: "The rules compile, and the analysis found something about the rule set as a whole: conflicts, rules that can never fire, duplicates, contradicting CMS rows, untested rules. Most come with a witness claim.",
  },
  {
    prefix: /^DR40/,
    title: "DR40xx — CMS data files (compiler)",
    intro: "A `ptp`, `mue` or `aoc` line (or the packaged ICD-10-CM list) names a file the compiler cannot use. Messages name the file and its line.",
  },
  {
    prefix: /^DR45/,
    title: "DR45xx — loading a decision table (runtime)",
    intro: "`loadTable` (and `eval --table`, `explain --table`) checks a table before it evaluates anything. Errors carry a JSON pointer into the table.",
  },
  {
    prefix: /^DR50/,
    title: "DR50xx — claim input (runtime)",
    intro: "A record that is not a valid claim gets `verdict: \"invalid\"` with these errors, each with a JSON pointer to the field. Nothing is evaluated.",
  },
  {
    prefix: /^DR51/,
    title: "DR51xx — X12 837P import (`--format 837`)",
    intro: "Positions are the segment number, line and column in the 837 file. A problem inside a claim makes that claim's record invalid; envelope problems are reported for the file. See docs/formats.md for the mapping.",
  },
  {
    prefix: /^DR52/,
    title: "DR52xx — FHIR R4 Claim import (`--format fhir`)",
    intro: "Positions are FHIRPath-like (`Claim.item[0].quantity`). See docs/formats.md.",
  },
  {
    prefix: /^DR53/,
    title: "DR53xx — CSV import (`--format csv`)",
    intro: "Positions are the CSV line and column name. See docs/formats.md for the columns.",
  },
  {
    prefix: /^DR54/,
    title: "DR54xx — payer map (`--payer-map`)",
    intro: "The payer map decides which ruleset layer a claim's payer gets.",
  },
];

export const FIXES: Record<string, CodeDoc> = {
  // ------------------------------------------------------------------ DR1xxx syntax
  DR1001: {
    severity: "error",
    what: "a character that starts no token (a non-ASCII character outside strings and comments, `@`, `;`, …)",
    fix: "Delete the character, or put the text in a `\"string\"` or after `#`. Typographic quotes and dashes pasted from a document are the usual cause: type `\"` and `-`.",
  },
  DR1002: {
    severity: "error",
    what: "a syntax error: the parser expected something else here (the message lists what)",
    fix: "Read what the message expected at the caret. A rule is `when CONDITION ACTION` with metadata on the following lines; a missing action (`require`, `forbid`, `limit`, `deny`, `flag`) or a misspelt keyword (the hint suggests one) is the common case.",
  },
  DR1003: {
    severity: "error",
    what: "an unterminated string",
    fix: "Close the string with `\"` on the same line: strings cannot span lines. Write `\\\"` for a quote inside it.",
  },
  DR1004: {
    severity: "error",
    what: "a word where a number belongs",
    fix: "Write a number: `count > 14`, `units <= 2`, `limit 11102 to 1`, `lesionCount >= 15`.",
  },
  DR1005: {
    severity: "error",
    what: "conditions nested deeper than 64 levels of parentheses or `not`",
    fix: "Flatten the condition: `not not X` is `X`, and a long chain of `or` needs no parentheses. Split a very large condition into several rules, or name its codes with a set.",
  },
  DR1006: {
    severity: "error",
    what: "a `ruleset` line that is not the first item of the file, or a second one",
    fix: "Move `ruleset NAME [extends BASE]` to the top of the file (comments may precede it) and keep one per file. A file without one belongs to `cms`.",
  },
  DR1007: {
    severity: "error",
    what: "an unknown escape in a string",
    fix: "Strings know `\\\"` and `\\\\` only. Write a backslash as `\\\\`.",
  },
  DR1008: {
    severity: "error",
    what: "a test attribute given twice (a second `claim` line, or `units`/`dos`/… twice on one line)",
    fix: "Keep one of them. A test block has one `claim` line; each `line` gives each attribute once.",
  },
  DR1009: {
    severity: "error",
    what: "a rule file larger than 16 MiB characters (not parsed)",
    fix: "Split the rules over several files. Bulk CMS data does not belong in rule text: load it with `ptp`, `mue` or `aoc` lines from its data file.",
  },
  DR1010: {
    severity: "error",
    what: "a file that is not UTF-8 text: a NUL character (a binary file) or bytes that are not valid UTF-8 (not parsed)",
    fix: "Check that the right file is named, and save it as UTF-8 (an editor's Latin-1 or Windows-1252 encoding is the usual cause).",
  },
  DR1999: {
    severity: "error",
    what: "an internal error in the parser or the formatter (a bug)",
    fix: "Not your rules' fault. Report it with the file that caused it; meanwhile `dermrules fmt` refuses to write, so the file is untouched.",
  },

  // ------------------------------------------------------------------ DR2xxx names, codes, dates, values
  DR2001: { severity: "error", fix: "Set names are global to a compilation: rename one of the two sets, or delete the copy (the related location points at the first definition)." },
  DR2002: { severity: "error", fix: "A set name is upper case with at least one `_` or at least two letters before any digit, so it never looks like a code: `MALIGNANT_SKIN`, `EM_OFFICE`, `MOHS`." },
  DR2003: { severity: "error", fix: "Define the set (`codes NAME = …`, `dx NAME = …`, `modifiers NAME = …`) or fix the spelling: the hint names the closest set in scope." },
  DR2004: { severity: "error", fix: "Use a set of the kind the place expects: a `codes` set after `when`/`require`/`forbid`, a `dx` set after `dx in`/`with dx`, a `modifiers` set after `modifier`. Define a second set of the right kind if you need both." },
  DR2005: { severity: "error", fix: "Break the cycle: a set may name other sets, but not (directly or through others) itself. Write the shared members into one of them." },
  DR2010: { severity: "error", fix: "Name an existing ruleset after `extends` (`cms`, or a `ruleset` line of another compiled file), or compile the file that declares the base too." },
  DR2011: { severity: "error", fix: "Rulesets form a tree: make one of them extend nothing (or `cms`)." },
  DR2012: { severity: "error", fix: "Every file of one ruleset must name the same base on its `ruleset` line: make them agree." },
  DR2020: { severity: "error", fix: "Procedure codes are five characters: CPT `NNNNN`, `NNNNA/M/U/F/T`, or HCPCS `ANNNN` (`17000`, `0591T`, `G0127`). A diagnosis belongs after `dx in` (the hint says so when the word looks like one)." },
  DR2021: { severity: "error", fix: "Both ends of a range must have the same shape (`11600-11606`, `G0127-G0130`): split a mixed range into one range per shape." },
  DR2022: { severity: "error", fix: "Write an ICD-10-CM code (`L57.0`, `C44311`) or pattern (`C44.*`, `D03*`). A procedure code belongs outside `dx`." },
  DR2023: { severity: "error", fix: "Use a code of the FY2026 ICD-10-CM list: the hint suggests the nearest ones. Check the digits, and the dot (`L57.0`, not `L570.`)." },
  DR2024: { severity: "warning", fix: "A category header (`C44.31`) is not billable, so it only matches claims that carry the header itself: write the pattern `C44.31*` to mean every code under it, or list the billable codes." },
  DR2025: { severity: "error", fix: "The pattern's prefix matches no FY2026 code: check it for a typo (`C4A.*` exists, `C4B.*` does not)." },
  DR2026: { severity: "error", fix: "An ICD-10-CM range runs from a code to a code (`L57.0-L57.9`), forwards; for everything under a category write a pattern alone (`L57.*`)." },
  DR2027: { severity: "error", fix: "Modifiers are two letters or digits: `25`, `59`, `XS`, `RT`." },
  DR2028: { severity: "error", fix: "Modifier sets, sexes and places of service take single values: list them one by one (`59, XE, XS`)." },
  DR2029: { severity: "error", fix: "Write the range from the lower code to the higher: the hint gives the reversed range." },
  DR2030: { severity: "error", fix: "Dates are `YYYY-MM-DD` and must exist on the calendar (no `2026-02-30`)." },
  DR2031: { severity: "error", fix: "`effective FROM until UNTIL` needs FROM on or before UNTIL (both are inclusive). Swap the dates, or fix the year." },
  DR2032: { severity: "error", fix: "Severities are `error` (will deny), `warning` (review) and `info`." },
  DR2033: { severity: "error", fix: "Categories are `ptp`, `mue`, `addon`, `medical-necessity`, `modifier`, `code-selection`, `coverage`, `code`, `policy` (the hint suggests the nearest)." },
  DR2034: { severity: "error", fix: "The documentation facts are `site`, `lesionCount`, `excisedDiameterCm` and `repairLengthCm` (the hint suggests the nearest)." },
  DR2035: { severity: "error", fix: "`modifier`, `units` and facts read the current line, which only a line-scope rule has: write `when line CODES and …` (the message spells out the rewrite), or use the claim-level forms `CODES with modifier M`, `CODES units > N`." },
  DR2036: { severity: "error", fix: "Counts, units and limits are whole numbers of 0 or more; `lesionCount` is whole; lengths and diameters may have decimals but are not negative." },
  DR2037: { severity: "error", fix: "Sex is `M`, `F` or `U`; a place of service is two digits (`11` office, `22` outpatient hospital)." },
  DR2038: { severity: "error", fix: "Compare `site` with `in` or `=` and words (`site in nose, lip`); compare the numeric facts with numbers (`excisedDiameterCm <= 0.5`)." },
  DR2039: { severity: "error", fix: "Remove the line, or move it where it applies: `version` and `only` belong to `ptp`/`mue`/`aoc` lines, `fix` and `effective` to rules (the message lists what the item takes)." },
  DR2040: { severity: "error", fix: "Keep one of the two lines (the related location points at the first)." },
  DR2041: { severity: "error", fix: "A fix names the exact codes to bill: list them one by one (`fix replace 17000, 17003 with 17004`), not as a range or a set of ranges." },
  DR2050: { severity: "error", fix: "Rule ids are unique within a ruleset: rename one of the two rules (ids are stable: findings and `disable` lines refer to them), or merge them." },
  DR2051: { severity: "error", fix: "A payer layer changes a base rule with `override ID` (metadata lines amend it, a `when` body replaces it); a new rule needs a new id, usually prefixed with the layer's name." },
  DR2052: { severity: "error", fix: "`override` names a rule of a base layer: check the id (the hint suggests one) and that the file's `ruleset … extends …` line names the right base." },
  DR2053: { severity: "warning", fix: "The `disable` line does nothing: check the id or the `prefix.*` pattern against the base's rule ids and the table edits (`cms.ptp.11102.*`)." },
  DR2054: { severity: "error", fix: "An override keeps the id it overrides: remove the `id` line. To give a rule a new id, `disable` the old one and write a new rule." },
  DR2055: { severity: "error", fix: "Two tables of one kind in one layer would produce the same finding ids: keep one `ptp`/`mue`/`aoc` line per kind and layer, or split them across layers." },
  DR2056: { severity: "error", fix: "Table edits (`cms.ptp.…`, `cms.mue.…`, `cms.aoc.…`) cannot be overridden: `disable` them and write a rule that says what the payer wants instead." },

  // ------------------------------------------------------------------ DR3xxx analysis
  DR3001: { severity: "error or warning", fix: "Following the rule's requirement or fix would get the added code or modifier denied by another rule or edit (the witness claim shows it): change the fix, narrow one rule's condition, or `disable` the edit in the layer that means it." },
  DR3002: { severity: "error or warning", fix: "Every claim where the rule applies is denied whichever way the coder complies: narrow the condition, require something the other edits allow, or turn the rule into `deny` with a fix that says what to bill instead." },
  DR3003: { severity: "warning", fix: "The rule can never give a finding (its condition contradicts itself, its window is empty, or its action can never trigger on the lines it selects): fix the condition or the window, check the sets it names, or remove the rule." },
  DR3004: { severity: "warning", fix: "The rule's effective window lies outside every other rule's window in its ruleset: check the year." },
  DR3005: { severity: "warning or info", fix: "Every finding of the rule is already given on the same lines by another rule or a CMS edit with the same or a higher severity: remove it, keep it only for its message, or narrow the other rule if both are meant." },
  DR3006: { severity: "warning", fix: "The case of the select table is never chosen (its condition cannot hold, or earlier cases take every line it matches): fix its condition, or order the cases from the most specific to the most general." },
  DR3007: { severity: "warning", fix: "Two rules do the same thing under two ids: keep one, merging their messages and sources." },
  DR3008: { severity: "warning", fix: "Rows of one PTP pair overlap in dates with different modifier indicators (the stricter wins): give the older row a deletion date before the newer row's effective date. In CMS's own practitioner file this is a data gap, not a rule problem." },
  DR3009: { severity: "warning", fix: "A PTP pair is edited both ways (a/b and b/a) on overlapping dates: delete the old direction when a pair is reversed." },
  DR3010: { severity: "warning", fix: "One code has MUE limits in two tables of the ruleset, and both apply: keep one limit per code (drop the duplicate row), or `disable` one table's edit." },
  DR3011: { severity: "info", fix: "Add-on codes whose listed primaries appear in no other table of the ruleset: usually a gap between the CMS tables or a deleted primary; check these add-on rows against the current code set. Nothing to change in the rules." },
  DR3012: { severity: "warning", fix: "The procedure code is in none of the CMS tables the ruleset loads: check for a typo or a deleted code." },
  DR3013: { severity: "warning", fix: "The range holds no code the loaded CMS tables name: check its ends." },
  DR3014: { severity: "warning", fix: "The set item is already covered by the set's other items: remove it, or check that the other items are the ones meant." },
  DR3015: { severity: "warning", fix: "The test claim uses a diagnosis that is not billable, so every result also gets an ICD-10-CM error: use a billable code (the hint suggests one), or expect that finding." },
  DR3020: { severity: "warning", fix: "No test block exercises the rule: add a `test` block whose claim gets the finding, and one where it must not (`expect no ID`). `dermrules test --coverage` lists them all." },
  DR3021: { severity: "warning", fix: "The expectation names no rule or table edit, so it can never pass (`expect`) or never fail (`expect no`): check the id." },
  DR3030: { severity: "info", fix: "Some analysis questions were left undecided because the search ran out of steps: the checks that asked them report nothing about them. Raise the budget with `dermrules check --steps N`." },

  // ------------------------------------------------------------------ DR40xx data files
  DR4001: { severity: "error", fix: "Paths in `ptp`/`mue`/`aoc` lines are relative to the rule file (the hint names its folder): check the path, and that the file is in the repository. For `compile`/`test` arguments, check the path from the current folder." },
  DR4011: { severity: "error", fix: "The header line must hold CMS's own column names (the layouts of `data/`): restore the header row of the CMS file, or check that the right kind of file is loaded (`ptp`, `mue` and `aoc` differ)." },
  DR4012: { severity: "error", fix: "The row has more or fewer tab-separated fields than the header: check for a stray tab or a row cut in two. The message names the line." },
  DR4013: { severity: "error", fix: "Dates in the CMS files are `YYYYMMDD` (PTP), or year and day of year `YYYYDDD` (add-on codes); `*` or empty means open. Fix the cell the message names." },
  DR4014: { severity: "error", fix: "PTP modifier indicators are 0, 1 or 9; MUE adjudication indicators (MAI) 1, 2 or 3; add-on edit types 1, 2 or 3. Fix the cell the message names." },
  DR4015: { severity: "error", fix: "The cell is not a procedure code (or, in the ICD-10-CM list, not a code without its dot): fix the row, or check that the file is the one meant." },
  DR4016: { severity: "error", fix: "The file ends in the middle of a row: the copy is incomplete. Fetch the file again." },
  DR4017: { severity: "error", fix: "A `.gz` file must be gzip data: recompress it (`gzip -k file.tsv`), or drop the `.gz` from the name if it is plain text." },
  DR4018: { severity: "error", fix: "MUE values are whole numbers of units: fix the cell the message names." },
  DR4019: { severity: "error", fix: "The file is empty: it needs at least its header line. Fetch it again." },
  DR4020: { severity: "error", fix: "Only the first problems of a data file are listed: fix them and compile again to see the rest." },
  DR4021: { severity: "error", fix: "The packaged ICD-10-CM list (`data/icd10cm-order.tsv.gz`) cannot be read: reinstall (`npm ci`) or restore the file from the repository." },
  DR4022: { severity: "warning", fix: "The MUE file lists the code twice; the first row is kept. Remove the duplicate row (check which value the CMS file means)." },

  // ------------------------------------------------------------------ DR45xx table load
  DR4501: { severity: "error", what: "the table is not valid JSON", fix: "The file is not a decision table, or it was cut short: compile it again with `dermrules compile … -o table.json`." },
  DR4502: { severity: "error", what: "the table's `formatVersion` is not one this runtime reads", fix: "Compile the rules again with the compiler of the same release as the runtime, or upgrade the runtime (it reads format versions 1 and 2)." },
  DR4503: { severity: "error", what: "the table does not match its JSON Schema (a field missing or of the wrong type)", fix: "The table was edited by hand or produced by something else: compile it again. The pointer names the field." },
  DR4504: { severity: "error", what: "the table is inconsistent (a bad edit row, an index out of range, an unknown layer)", fix: "The table was edited by hand or is damaged: compile it again. The pointer names the place." },
  DR4505: { severity: "error", what: "the table's content does not match its embedded `contentHash`", fix: "The table was changed after it was compiled (by hand, or damaged in transit): compile it again, and ship it as is." },
  DR4506: { severity: "error", what: "the table is not the one the embedder pinned (its sha256 differs)", fix: "Deploy the table whose hash you pinned, or update the pin to the new table's hash after it has been reviewed." },
  DR4507: { severity: "error", what: "the sha256 pin given to `loadTable` is malformed", fix: "A pin is 64 hexadecimal digits: the table's `contentHash`, or the `sha256sum` of the table file." },

  // ------------------------------------------------------------------ DR50xx claim input
  DR5001: { severity: "error", what: "the NDJSON line is not JSON", fix: "Each line of an NDJSON file holds one claim object as JSON. Blank lines are skipped; check the line number the result names." },
  DR5002: { severity: "error", what: "the record is not a JSON object", fix: "A claim is an object `{ \"id\": …, \"diagnoses\": […], \"lines\": […] }`, not an array or a string." },
  DR5003: { severity: "error", what: "a required field is missing (`id`, `diagnoses`, `lines`, a line's `code` or `units`)", fix: "Add the field the pointer names." },
  DR5004: { severity: "error", what: "a field has the wrong type (`units: \"1\"`, `units: 1.5`)", fix: "Send the type the message expects: numbers unquoted, units whole." },
  DR5005: { severity: "error", what: "a value is out of range or a list has the wrong length (`units: 0`, 51 lines, 5 dx pointers)", fix: "Units are 1–9999; a claim has 1–12 diagnoses and 1–50 lines; a line has at most 4 modifiers and 1–4 dx pointers." },
  DR5006: { severity: "error", what: "a value is malformed (`code: \"1700\"`, a date not `YYYY-MM-DD`, a diagnosis not ICD-10-CM shaped)", fix: "Send the shape the message expects: 5-character procedure codes, `YYYY-MM-DD` dates, ICD-10-CM codes with or without the dot." },
  DR5007: { severity: "error", what: "a value is not one of the allowed ones (`sex: \"X\"`)", fix: "Use one of the listed values (`sex` is `M`, `F` or `U`)." },
  DR5008: { severity: "error", what: "a dx pointer points past the claim's diagnoses", fix: "Pointer n names diagnosis n (1-based): add the diagnosis, or fix the pointer." },
  DR5009: { severity: "error", what: "a line has no date of service (neither its own nor the claim's)", fix: "Give the claim a `serviceDate`, or each line its own." },
  DR5010: { severity: "error", what: "a date is not on the calendar (`2026-02-30`)", fix: "Send a real date." },
  DR5011: { severity: "error", what: "the record holds bytes that are not valid UTF-8", fix: "Export the claims as UTF-8: the pointer names the field that held the bad bytes." },
  DR5012: { severity: "error", what: "more errors in the record than are listed", fix: "Fix the listed errors first; the rest are reported once those are gone." },
  DR5099: { severity: "error", what: "another schema error", fix: "The message says what the schema expected at the pointer: send that." },

  // ------------------------------------------------------------------ DR51xx X12 837P
  DR5101: { severity: "error", what: "text where an interchange should start (before `ISA`)", fix: "An 837 file starts each interchange with `ISA`: remove the text before it (a mail header, a BOM, a banner)." },
  DR5102: { severity: "warning", what: "the last segment has no segment terminator", fix: "The file may be truncated: check that the whole transmission arrived (it should end with `IEA…~`)." },
  DR5103: { severity: "error", what: "the `ISA` segment is not fixed-width, or its delimiters are not distinct", fix: "ISA is exactly 106 characters: element separator at position 4, repetition at 83, component at 105, segment terminator at 106. Re-export the file from the sender." },
  DR5104: { severity: "warning", what: "ISA11 is not a repetition separator (pre-5010 `U`)", fix: "Nothing to do for a 4010-style header; 005010 puts a repetition separator such as `^` there." },
  DR5105: { severity: "error", what: "a malformed segment id", fix: "A segment starts with a 2–3 character id such as `SV1`: the delimiters in the file do not match the ISA's, or the file is damaged. Re-export it." },
  DR5106: { severity: "error", what: "an envelope segment out of place (`GS` outside `ISA`, `SE` without `ST`, a segment between `SE` and `ST`, …)", fix: "Check the envelope nesting ISA › GS › ST … SE › GE › IEA; the file was probably concatenated or cut." },
  DR5107: { severity: "warning", what: "GS01 is not `HC` or GS08 is not 005010X222", fix: "The file is read as an 837P anyway: check that it is a professional claim file (837I and 837D are other formats)." },
  DR5108: { severity: "error", what: "a transaction set that is not an 837 (skipped)", fix: "Only 837 transactions hold claims; other sets (999, 277, …) are skipped. Send them elsewhere." },
  DR5109: { severity: "warning", what: "an unknown segment (skipped)", fix: "The segment is not part of 837P 005010X222A1 and is skipped; check the sender's implementation if claim data seems missing." },
  DR5111: { severity: "error", what: "`SBR` outside a subscriber loop (HL level 22)", fix: "Each SBR belongs under `HL*…*22`: the HL structure of the file is broken." },
  DR5112: { severity: "error", what: "`HI`, `LX` or `SV1` outside a claim (no `CLM` before it)", fix: "Claim data follows a `CLM` segment: the claim's CLM is missing or out of place." },
  DR5113: { severity: "warning", what: "HL01 repeats an earlier id or is not a number", fix: "HL ids count 1, 2, 3 … in order: check the sender's HL numbering." },
  DR5114: { severity: "error", what: "an HL parent that is missing or of the wrong level", fix: "HL02 must name an open loop of the level above (22 under 20, 23 under 22): the claims under this loop are invalid until the hierarchy is fixed." },
  DR5115: { severity: "error", what: "an unknown hierarchical level in HL03", fix: "837P uses 20 (billing provider), 22 (subscriber) and 23 (patient)." },
  DR5116: { severity: "error", what: "CLM01 (the claim id) is empty", fix: "Every claim needs its patient control number in CLM01." },
  DR5117: { severity: "error", what: "`CLM` outside a subscriber or patient loop", fix: "A claim sits in an `HL*…*22` or `HL*…*23` loop: the HL segments before it are missing." },
  DR5118: { severity: "error", what: "CLM02 (the total charge) is not an amount", fix: "Write the total as a decimal number (`150.00`)." },
  DR5119: { severity: "error", what: "CLM05 is not a composite", fix: "CLM05 is place of service, facility code qualifier and frequency joined by the component separator (`11:B:1`)." },
  DR5120: { severity: "error", what: "a diagnosis `HI` segment after the first service line", fix: "Diagnoses belong to the claim loop 2300, before the first `LX`." },
  DR5121: { severity: "error", what: "a malformed `HI` composite (qualifier and code in separate elements, no qualifier, no code)", fix: "Each HI element is one composite `ABK:L570` (qualifier, component separator, code)." },
  DR5122: { severity: "error", what: "an ICD-9-CM diagnosis qualifier (`BK`/`BF`)", fix: "Claims since 2015-10-01 use ICD-10-CM (`ABK`/`ABF`): recode the diagnoses." },
  DR5123: { severity: "error", what: "`ABK` (principal diagnosis) is not first", fix: "The principal diagnosis comes first, then the `ABF` codes." },
  DR5124: { severity: "error", what: "`SV1` without an `LX` before it", fix: "Each service line starts with `LX`." },
  DR5125: { severity: "error", what: "a second `SV1` in one service line", fix: "Each `LX` holds one `SV1`: start a new `LX` for the next procedure." },
  DR5126: { severity: "error", what: "SV101 is not `HC:code[:modifiers…]`", fix: "SV101 is the qualifier `HC`, the CPT/HCPCS code and up to 4 modifiers, joined by the component separator." },
  DR5127: { severity: "error", what: "SV102 (charge) or SV104 (units) is not a number", fix: "Write the charge as a decimal amount and the units as a number." },
  DR5128: { severity: "error", what: "an SV107 diagnosis pointer that is not 1–12", fix: "SV107 lists up to 4 pointers (1–12) into the claim's HI diagnoses." },
  DR5129: { severity: "error", what: "a DTP*472 date that is not `D8` CCYYMMDD or `RD8` CCYYMMDD-CCYYMMDD", fix: "Write the service date as `DTP*472*D8*20260115`." },
  DR5130: { severity: "error", what: "a service line without `SV1`", fix: "Each `LX` needs an `SV1` with the procedure." },
  DR5131: { severity: "warning", what: "CLM02 differs from the sum of the line charges", fix: "Check the claim's total charge against its lines (a line may be missing)." },
  DR5132: { severity: "error", what: "a transaction without `SE` (the open claim is invalid: it may be cut)", fix: "The file ends inside a transaction: check that the whole transmission arrived." },
  DR5133: { severity: "error", what: "an SE01, GE01 or IEA01 count that does not match", fix: "The counts in the trailers must match the segments, transactions and groups sent: the file was edited or cut." },
  DR5134: { severity: "error", what: "an SE02, GE02 or IEA02 control number that does not match its header", fix: "Trailer control numbers repeat their header's (ST02, GS06, ISA13): the file was concatenated or edited." },
  DR5135: { severity: "error", what: "a functional group without `GE`, or an interchange without `IEA`", fix: "The file ends before its trailers: check that the whole transmission arrived." },

  // ------------------------------------------------------------------ DR52xx FHIR
  DR5201: { severity: "error", what: "the input is not JSON", fix: "Send a FHIR R4 `Claim` or `Bundle` as JSON (or NDJSON, one resource per line)." },
  DR5202: { severity: "error", what: "not a FHIR resource, or a resource that is neither `Claim` nor `Bundle`", fix: "Send `Claim` resources, or a `Bundle` whose entries include them." },
  DR5203: { severity: "error", what: "a diagnosis without an ICD-10-CM code (a `diagnosisReference`, an ICD-9 system)", fix: "Give each `diagnosis[]` a `diagnosisCodeableConcept` with a coding of system `http://hl7.org/fhir/sid/icd-10-cm`." },
  DR5204: { severity: "error", what: "an item without a procedure code", fix: "Give each `item[]` a `productOrService` with a CPT/HCPCS coding." },
  DR5205: { severity: "error", what: "a `diagnosisSequence` that names no diagnosis, or two diagnoses with one `sequence`", fix: "Item pointers name `diagnosis[].sequence` values; sequences are unique." },
  DR5206: { severity: "error", what: "a Claim with neither `identifier[].value` nor `id`", fix: "Give the Claim an identifier (the claim id comes from it)." },
  DR5207: { severity: "warning", what: "the claim type is not `professional`", fix: "The claim is read as a professional claim: check that it is one." },
  DR5208: { severity: "warning", what: "a reference that does not resolve", fix: "Include the referenced resource (contained, in the Bundle, or on an earlier NDJSON line), or the field it fills stays empty." },
  DR5209: { severity: "error", what: "`net` or `unitPrice` without a numeric value", fix: "Money is `{ \"value\": 150.00, \"currency\": \"USD\" }`." },
  DR5210: { severity: "warning", what: "items with different places of service", fix: "A claim carries one place of service (the first item's): split the claim if the places differ." },

  // ------------------------------------------------------------------ DR53xx CSV
  DR5301: { severity: "error", what: "a header without `claim_id` or `code` (no claims read)", fix: "The first line names the columns; `claim_id` and `code` are required (their aliases are listed in docs/formats.md)." },
  DR5302: { severity: "warning", what: "unknown columns (ignored)", fix: "Rename the column to a known one (see docs/formats.md), or ignore the warning if the column is not claim data." },
  DR5303: { severity: "error", what: "a row without `claim_id`", fix: "Every row (one claim line) carries its claim's id." },
  DR5304: { severity: "error", what: "claim-level columns that disagree between the rows of one claim", fix: "Claim-level columns may repeat on every row but must hold the same value: fix the row the message names." },
  DR5305: { severity: "error", what: "a quoted field that is never closed", fix: "Close the quote; a `\"` inside a quoted field is written `\"\"`." },

  // ------------------------------------------------------------------ DR54xx payer map
  DR5401: { severity: "error", what: "the payer map is not JSON", fix: "Write the map as JSON: `{ \"claimFilingIndicator\": { \"MB\": \"cms\" }, \"payers\": { \"99999\": \"acme-health\" } }`." },
  DR5402: { severity: "error", what: "the payer map has the wrong shape", fix: "The map has two optional objects, `claimFilingIndicator` and `payers`, each mapping a string to a ruleset name." },
};

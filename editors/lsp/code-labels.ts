/**
 * Our own short labels for the procedure codes and modifiers that dermatology rules name,
 * shown on hover. They are written here from the project's coding primer
 * (shared/design/domain.md): family, site group, size band, first or additional. They are
 * NOT the AMA's CPT descriptors, which the project must never ship; keep them short and in
 * our own words. Codes without a label get none (the hover still shows the CMS table facts).
 */

interface RangeLabel {
  readonly from: number;
  readonly to: number;
  readonly label: string;
}

/** The size bands of the excision codes, by last digit (there is no …5). */
const SIZE_BANDS: Readonly<Record<string, string>> = {
  "0": "excised diameter 0.5 cm or less",
  "1": "excised diameter 0.6–1.0 cm",
  "2": "excised diameter 1.1–2.0 cm",
  "3": "excised diameter 2.1–3.0 cm",
  "4": "excised diameter 3.1–4.0 cm",
  "6": "excised diameter over 4.0 cm",
};

const EXCISION_SITES: readonly { readonly tens: string; readonly sites: string }[] = [
  { tens: "0", sites: "trunk, arms, legs" },
  { tens: "2", sites: "scalp, neck, hands, feet, genitalia" },
  { tens: "4", sites: "face, ears, eyelids, nose, lips" },
];

/** Single codes with a label of their own. */
const SINGLE: Readonly<Record<string, string>> = {
  "11102": "tangential skin biopsy, first lesion",
  "11103": "tangential skin biopsy, each further lesion (add-on)",
  "11104": "punch skin biopsy, first lesion",
  "11105": "punch skin biopsy, each further lesion (add-on)",
  "11106": "incisional skin biopsy, first lesion",
  "11107": "incisional skin biopsy, each further lesion (add-on)",
  "11200": "skin tag removal, first 15 tags",
  "11201": "skin tag removal, each further 10 tags (add-on)",
  "13102": "complex repair, each further length (add-on)",
  "13122": "complex repair, each further length (add-on)",
  "13133": "complex repair, each further length (add-on)",
  "13153": "complex repair, each further length (add-on)",
  "17000": "premalignant lesion destruction, first lesion",
  "17003": "premalignant lesion destruction, each of lesions 2–14 (add-on)",
  "17004": "premalignant lesion destruction, 15 or more lesions (reported alone)",
  "17110": "benign lesion destruction (warts, molluscum), up to 14 lesions",
  "17111": "benign lesion destruction (warts, molluscum), 15 or more lesions",
  "17311": "Mohs surgery, first stage: head, neck, hands, feet, genitalia, or deep structures",
  "17312": "Mohs surgery, each further stage after 17311 (add-on)",
  "17313": "Mohs surgery, first stage: trunk, arms, legs",
  "17314": "Mohs surgery, each further stage after 17313 (add-on)",
  "17315": "Mohs surgery, each further block beyond 5 (add-on)",
};

/** Families, most specific first. */
const RANGES: readonly RangeLabel[] = [
  { from: 11300, to: 11313, label: "shave removal of a skin lesion, by site and diameter" },
  { from: 12001, to: 12021, label: "simple repair (included in an excision of the same site)" },
  { from: 12031, to: 12057, label: "intermediate repair" },
  { from: 13100, to: 13153, label: "complex repair" },
  { from: 14000, to: 14350, label: "adjacent tissue transfer (includes excising the lesion there)" },
  { from: 17260, to: 17286, label: "malignant lesion destruction, by site and diameter" },
  { from: 99202, to: 99205, label: "office visit (E/M), new patient" },
  { from: 99211, to: 99215, label: "office visit (E/M), established patient" },
  { from: 99202, to: 99499, label: "evaluation and management (E/M)" },
  { from: 10004, to: 19499, label: "integumentary system procedure" },
];

/** Our short label of a procedure code, or undefined. */
export function procedureLabel(code: string): string | undefined {
  const single = SINGLE[code];
  if (single !== undefined) return single;
  const excision = /^11([46])([024])([0-6])$/.exec(code);
  if (excision) {
    const [, kind, tens, digit] = excision;
    const sites = EXCISION_SITES.find((s) => s.tens === tens)?.sites;
    const size = SIZE_BANDS[digit!];
    if (sites && size) return `${kind === "4" ? "benign" : "malignant"} lesion excision, ${sites}, ${size}`;
  }
  if (!/^[0-9]{5}$/.test(code)) return undefined;
  const n = Number(code);
  return RANGES.find((r) => r.from <= n && n <= r.to)?.label;
}

const MODIFIERS: Readonly<Record<string, string>> = {
  "25": "significant, separately identifiable E/M on the day of a procedure",
  "59": "distinct procedural service",
  XE: "distinct service: separate encounter",
  XS: "distinct service: separate structure or organ",
  XP: "distinct service: separate practitioner",
  XU: "distinct service: unusual non-overlapping service",
  "76": "repeat procedure by the same physician",
  RT: "right side",
  LT: "left side",
  GA: "ABN (advance beneficiary notice) on file",
  GZ: "service expected to be denied, no ABN on file",
  GY: "statutorily excluded service (e.g. cosmetic)",
};

/** Our short label of a modifier, or undefined. */
export function modifierLabel(modifier: string): string | undefined {
  const known = MODIFIERS[modifier];
  if (known !== undefined) return known;
  if (/^(E[1-4]|FA|F[1-9]|TA|T[1-9]|LC|LD|LM|RC|RI)$/.test(modifier)) return "anatomic modifier (NCCI-associated)";
  return undefined;
}

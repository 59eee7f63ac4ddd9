/**
 * Loading a decision table: parse, check the format version, validate against the generated
 * table schema, check the bulk edit rows and cross references, and build the lookup
 * structures once, so evaluation never scans: procedure codes interned to small ids (a Map,
 * plus a dense array by `codeSlot` for the hot path); PTP pairs in per-column-1 hash segments;
 * MUE limits and add-on rows in arrays by code id; Sets for ICD-10-CM; per-layer rule indexes
 * (by code id, an elementary-interval index for ranges, `always`).
 *
 * Codes (DR45xx, table load; the compiler's data-file codes are DR40xx): DR4501 not JSON ·
 * DR4502 unsupported formatVersion · DR4503 schema mismatch · DR4504 inconsistent table (bad
 * edit row, index out of range, unknown layer) · DR4505 content hash mismatch · DR4506 not the
 * pinned sha256 · DR4507 malformed pin (runtime/integrity.ts).
 */
import validateTableSchema from "./generated/validate-table.js";
import type { ValidatorError } from "./generated/validate-table.js";
import { SUPPORTED_FORMAT_VERSIONS } from "./table.ts";
import { attachExpandedPairs, unpackPairs, type PackedPtp } from "./ptp-pack.ts";
import { CODE_SLOTS, codeSlot, lowerBound } from "./codes.ts";
import { verifyTableIntegrity, type IntegrityOptions } from "./integrity.ts";
import { isPlainObject } from "./validate.ts";
import type { AocTable, DecisionTable, MueTable, PtpTable, TRule } from "./table.ts";

/** One table-load problem: where in the table (JSON pointer), a stable code, what is wrong. */
export interface TableError {
  pointer: string;
  code: string;
  message: string;
}

/** A PTP row: [effectiveDay|null, deletionDay|null, modifierIndicator]. */
export type PtpRow = [number | null, number | null, 0 | 1 | 9];
/** An add-on row: [editType, primary, primaryDeletionDay|null, editEffectiveDay|null, editDeletionDay|null]. */
export type AocRow = [1 | 2 | 3, string, number | null, number | null, number | null];

/**
 * A PTP table ready for lookups. Codes are interned to small integer ids
 * (`LoadedTable.codeIds`). Each column-1 code owns a small open-addressing hash of its column-2
 * ids, and all of them sit in one Int32Array (`slots`: one word per slot, the column-2 id + 1 in
 * the low `keyBits` bits and the row-set index above them; 0 = empty). A claim's lookups touch
 * only its own codes' segments, at about one probe each: a single hash over all pairs spreads its
 * probes over megabytes, and a binary search per pair costs ~10 steps in the long segments of
 * codes like 11102 (both measured). In front of the segments, each code's Bloom filter (`bloom`,
 * see `ptpMayHave`) answers most absent pairs.
 */
export interface LoadedPtp {
  meta: PtpTable;
  /**
   * By column-1 id a, four words at 4a (one cache line, read together for every probe of a's
   * pairs): where its segment starts in `slots` (HEAD_START), the index of the segment's last
   * slot (its capacity - 1, any number) or -1 for none (HEAD_LAST), and its Bloom block
   * (HEAD_BLOOM, HEAD_SHIFT: see `bloom`).
   */
  head: Int32Array;
  /** One word per slot: (column-2 id + 1) | (row-set index << keyBits); 0 = empty. */
  slots: Int32Array;
  /** Bits of a slot word that hold the column-2 id + 1 (enough for every code id + 1). */
  keyBits: number;
  /** (1 << keyBits) - 1. */
  keyMask: number;
  /**
   * The largest row-set index a slot word holds (2^(32 - keyBits) - 1): a slot with this value
   * finds its row-set index in `rsWide` at the same position. Never met in practice (CMS tables
   * have a few hundred row sets); `rsWide` is empty then.
   */
  rsSentinel: number;
  rsWide: Int32Array;
  /**
   * By row-set index: the rows. A packed table shares one row set among all pairs with the same
   * rows; an expanded one has a row set per pair.
   */
  rows: PtpRow[][];
  /**
   * By row-set index: the strictest indicator when every row is undated (the common case,
   * answered without touching the rows), or -1 when the rows must be checked against the date.
   */
  fixedInd: Int8Array;
  /**
   * Per column-1 code, a small blocked Bloom filter of its column-2 ids (see `ptpMayHave`), all
   * in one array: `bloom` holds the blocks back to back; `head[4a + HEAD_BLOOM]` is code a's
   * first word in it and `head[4a + HEAD_SHIFT]` the shift that turns a 32-bit hash into a bit of
   * its block (32 - log2 of the block's bits; the word is that bit / 32). Codes without pairs
   * share the all-zero word 0.
   */
  bloom: Int32Array;
}

/** An MUE table ready for lookups: by code id, the limit (-1 = none) and the MAI. */
export interface LoadedMue {
  meta: MueTable;
  limit: Int32Array;
  mai: Uint8Array;
}

/** An add-on table ready for lookups: by code id, the add-on's rows. */
export interface LoadedAoc {
  meta: AocTable;
  rows: (AocRow[] | undefined)[];
}

/** The four words of a column-1 code in `LoadedPtp.head`. */
const HEAD_START = 0;
const HEAD_LAST = 1;
const HEAD_BLOOM = 2;
const HEAD_SHIFT = 3;

/**
 * Code ids by code slot, an open-addressing hash of capacity `mask + 1` (a power of two): entry
 * i is `kv[2i]`, the slot (-1 = empty), and `kv[2i + 1]`, its id; key and id share a cache line.
 */
export interface SlotIds {
  kv: Int32Array;
  mask: number;
}

function buildSlotIds(codeIds: ReadonlyMap<string, number>): SlotIds {
  let cap = 16;
  while (cap < codeIds.size * 2) cap *= 2;
  const kv = new Int32Array(2 * cap).fill(-1);
  const mask = cap - 1;
  for (const [code, id] of codeIds) {
    const slot = codeSlot(code);
    let i = slotHash(slot, mask);
    while (kv[2 * i] !== -1) i = (i + 1) & mask;
    kv[2 * i] = slot;
    kv[2 * i + 1] = id;
  }
  return { kv, mask };
}

/** The code id of a code slot, or -1 when no edit or index mentions the code. */
export function codeIdOfSlot(t: SlotIds, slot: number): number {
  const kv = t.kv;
  const mask = t.mask;
  for (let i = slotHash(slot, mask); ; i = (i + 1) & mask) {
    const k = kv[2 * i];
    if (k === slot) return kv[2 * i + 1];
    if (k === -1) return -1;
  }
}

/** Whether column-1 id `a` has any pair in the table. */
export function ptpHasColumn1(t: LoadedPtp, a: number): boolean {
  return t.head[4 * a + HEAD_LAST] >= 0;
}

/**
 * Whether the pair (a, b) may be in the table. Column-1 code a has its own Bloom filter of its
 * column-2 ids, 12–24 bits per partner; b picks one 32-bit word of it and three bits in that
 * word (about 1 false positive in 100 probes of absent pairs: 0.9% at workload (c)'s 1M rows,
 * 0.4% on the derm table, 0.7% on the full CMS file). A claim over codes spread across a large
 * table probes mostly absent pairs: the filter answers them branch-free from a small block per
 * code (four cache lines at 1M rows' ~125 partners; one table-wide filter put each probe on its
 * own random line), and a "maybe" — a present pair or a false positive — costs a mispredicted
 * branch and a cache miss in the segments.
 */
export function ptpMayHave(t: LoadedPtp, a: number, b: number): boolean {
  // The word and bits `buildPtpMatrix` sets, written out in both places: computed by helper
  // functions shared with the builder, this probe (inlined into the evaluator's pair loop)
  // measured 0.92× and 0.98× on workload (a) (bench/ab.ts).
  const head = t.head;
  const word = t.bloom[head[4 * a + HEAD_BLOOM] + ((Math.imul(b, 0x9e3779b1) >>> head[4 * a + HEAD_SHIFT]) >>> 5)];
  const h = Math.imul(b, 0x85ebca6b);
  const bits = (1 << (h & 31)) | (1 << ((h >>> 5) & 31)) | (1 << ((h >>> 10) & 31));
  return (word & bits) === bits;
}

/** A code slot's first place in the slot-id hash (`SlotIds`). */
function slotHash(slot: number, mask: number): number {
  return (Math.imul(slot, 0x9e3779b1) >>> 16) & mask;
}

/** A column-2 id's first slot in a segment of `cap` slots (any capacity, not only powers of two). */
function slotStart(b: number, cap: number): number {
  return (((Math.imul(b, 0x9e3779b1) >>> 0) * cap) / 4294967296) | 0;
}

/** The row-set index of the pair (column-1 id, column-2 id), or -1 when there is no such pair. */
export function ptpPairIndex(t: LoadedPtp, a: number, b: number): number {
  const m = t.head[4 * a + HEAD_LAST];
  if (m < 0) return -1;
  const base = t.head[4 * a + HEAD_START];
  const slots = t.slots;
  const key = b + 1;
  for (let i = slotStart(b, m + 1); ; i = i === m ? 0 : i + 1) {
    const w = slots[base + i];
    if ((w & t.keyMask) === key) {
      const rs = w >>> t.keyBits;
      return rs !== t.rsSentinel ? rs : t.rsWide[base + i];
    }
    if (w === 0) return -1;
  }
}

/** The rows of the pair (column-1 id, column-2 id), or undefined. */
export function ptpRowsById(t: LoadedPtp, a: number, b: number): PtpRow[] | undefined {
  const i = ptpPairIndex(t, a, b);
  return i < 0 ? undefined : t.rows[i];
}

/** The rows of the pair (column 1, column 2) by code, or undefined (tests, tools). */
export function ptpRows(lt: LoadedTable, t: LoadedPtp, col1: string, col2: string): PtpRow[] | undefined {
  const a = lt.codeIds.get(col1);
  const b = lt.codeIds.get(col2);
  return a === undefined || b === undefined ? undefined : ptpRowsById(t, a, b);
}

/** A PTP table read but not yet indexed (the code count is known only after every table is read). */
interface PtpDraft {
  /** Column-1 id, column-2 id and row-set index per pair. */
  a: Int32Array;
  b: Int32Array;
  rs: Int32Array;
  n: number;
  rows: PtpRow[][];
  /** Per row set: the fixed indicator, or -1 (see LoadedPtp.fixedInd). */
  fixed: number[];
}

/** Builds the per-column-1 hashes of a PTP table. */
function buildPtpMatrix(meta: PtpTable, draft: PtpDraft, nCodes: number): LoadedPtp {
  const { a: as, b: bs, rs, n, rows, fixed } = draft;
  const count = new Int32Array(nCodes);
  for (let r = 0; r < n; r++) count[as[r]]++;
  const head = new Int32Array(4 * nCodes);
  for (let a = 0; a < nCodes; a++) head[4 * a + HEAD_LAST] = -1;
  let total = 0;
  for (let a = 0; a < nCodes; a++) {
    if (count[a] === 0) continue;
    // Load factor about 3/4: the filter sends few absent pairs here, and a present one is found
    // within a slot or three of its start; one word per slot. Denser segments are fewer bytes
    // for a claim's hits to miss on (1M rows: 5.4 MB instead of 22.5 MB as [id, row set] pairs at
    // a load of at most 1/2), and at least one slot stays empty, so every probe ends.
    const cap = count[a] + Math.ceil(count[a] / 3) + 1;
    head[4 * a + HEAD_START] = total;
    head[4 * a + HEAD_LAST] = cap - 1;
    total += cap;
  }
  let keyBits = 1;
  while (1 << keyBits <= nCodes) keyBits++;
  const keyMask = (1 << keyBits) - 1;
  const rsSentinel = 2 ** (32 - keyBits) - 1;
  const slots = new Int32Array(total);
  let rsWide = new Int32Array(0);
  for (let r = 0; r < n; r++) {
    const a = as[r];
    const b = bs[r];
    const m = head[4 * a + HEAD_LAST];
    const base = head[4 * a + HEAD_START];
    let i = slotStart(b, m + 1);
    // INVARIANT: no pair comes twice (object keys in the expanded form; strictly increasing
    // pairs by construction in the packed form).
    while (slots[base + i] !== 0) i = i === m ? 0 : i + 1;
    const set = rs[r];
    if (set >= rsSentinel) {
      if (rsWide.length === 0) rsWide = new Int32Array(total);
      rsWide[base + i] = set;
    }
    slots[base + i] = (b + 1) | (Math.min(set, rsSentinel) << keyBits);
  }
  // Per column-1 code: a Bloom block of the next power of two >= 12 bits per partner, at least
  // one word; word 0 is the shared empty block. One pass over the pairs sets the bits. Measured
  // on workload (c) at 1M rows: 8 bits per partner (half the lines, three times the false
  // positives) and 16 (fewer false positives, more lines) were no faster; a second, one-line
  // filter in front was 15% slower (its unpredictable branch stalls the probes behind it).
  let words = 1;
  for (let a = 0; a < nCodes; a++) {
    const c = count[a];
    let log = 5;
    while (1 << log < c * 12 && log < 30) log++;
    head[4 * a + HEAD_SHIFT] = 32 - log;
    if (c === 0) continue;
    head[4 * a + HEAD_BLOOM] = words;
    words += 1 << (log - 5);
  }
  const bloom = new Int32Array(words);
  const t: LoadedPtp = { meta, head, slots, keyBits, keyMask, rsSentinel, rsWide, rows, fixedInd: Int8Array.from(fixed), bloom };
  // The word and bits `ptpMayHave` tests (it writes them out for speed; test/runtime/ptp-index.test.ts
  // checks that every pair passes it).
  for (let r = 0; r < n; r++) {
    const a = as[r];
    const b = bs[r];
    const h = Math.imul(b, 0x85ebca6b);
    bloom[head[4 * a + HEAD_BLOOM] + ((Math.imul(b, 0x9e3779b1) >>> head[4 * a + HEAD_SHIFT]) >>> 5)] |= (1 << (h & 31)) | (1 << ((h >>> 5) & 31)) | (1 << ((h >>> 10) & 31));
  }
  return t;
}

/**
 * Wide trigger ranges cut into elementary pieces: every range end is a point; a code equal to
 * `points[i]` hits `atPoint[i]`, a code strictly between `points[i]` and `points[i+1]` hits
 * `inGap[i]`. One binary search answers "which ranges contain this code".
 */
export interface RangeIndex {
  points: string[];
  atPoint: number[][];
  inGap: number[][];
}

/** A layer ready for evaluation. */
export interface LoadedLayer {
  name: string;
  /** By code id: the rules indexed under exactly that code. */
  byCodeId: (number[] | undefined)[];
  /** Whether `byCodeId` has any entry. */
  hasByCode: boolean;
  ranges: RangeIndex;
  always: number[];
  ptp: LoadedPtp[];
  mue: LoadedMue[];
  aoc: LoadedAoc[];
  /** Exact ids of disabled table edits. */
  disabledIds: Set<string>;
  /** Prefixes of disabled `prefix.*` patterns, each ending in ".". */
  disabledPrefixes: string[];
}

/** Per-rule facts precomputed for the hot path. */
export interface RuleInfo {
  /** Effective window as day numbers; open bounds are ±Infinity. */
  from: number;
  until: number;
  needsBirthDate: boolean;
  needsSex: boolean;
  needsPos: boolean;
}

/** A checked decision table with its lookup structures, from `loadTable`. Treat as opaque and read-only. */
export interface LoadedTable {
  /** The table as loaded (not copied: do not mutate). */
  readonly table: DecisionTable;
  readonly contentHash: string;
  readonly defaultLayer: string;
  readonly layers: ReadonlyMap<string, LoadedLayer>;
  readonly rules: readonly TRule[];
  /** Every procedure code the edits and rule indexes mention → a small integer id. */
  readonly codeIds: ReadonlyMap<string, number>;
  /**
   * The same ids by `codeSlot(code)`, for the hot path (`codeIdOfSlot`): an open-addressing hash
   * of slots, a few hundred KB that stay in cache, not a dense array over every possible code.
   */
  readonly slotIds: SlotIds;
  readonly ruleInfo: readonly RuleInfo[];
  readonly billable: ReadonlySet<string>;
  /** Billable codes, sorted: header suggestions are a binary search away. */
  readonly billableSorted: readonly string[];
  readonly headers: ReadonlySet<string>;
  readonly icdVersion: string;
  /**
   * Evaluation scratch: `mark[rule] === epoch` marks a rule already collected as a candidate
   * for the current group, so candidate sets need no allocation. Safe because evaluation is
   * synchronous and never re-entered.
   */
  readonly scratch: { mark: Uint32Array; epoch: number; cands: Int32Array };
}

export type LoadTableResult = { ok: true; table: LoadedTable } | { ok: false; errors: TableError[] };

/** Options of {@link loadTable}: `sha256` pins the reviewed release (see runtime/integrity.ts). */
export type LoadTableOptions = IntegrityOptions;

const MAX_ERRORS = 20;

function isDay(v: unknown): v is number | null {
  return v === null || (typeof v === "number" && Number.isInteger(v));
}

function esc(seg: string): string {
  return seg.replace(/~/g, "~0").replace(/\//g, "~1");
}

function schemaError(e: ValidatorError): TableError {
  if (e.keyword === "required") {
    const prop = String(e.params.missingProperty);
    return { pointer: `${e.instancePath}/${esc(prop)}`, code: "DR4503", message: `table field \`${prop}\` is missing at \`${e.instancePath || "/"}\`` };
  }
  const params = Object.entries(e.params)
    .map(([k, v]) => `${k} ${JSON.stringify(v)}`)
    .join(", ");
  return {
    pointer: e.instancePath,
    code: "DR4503",
    message: `table does not match its schema at \`${e.instancePath || "/"}\`: \`${e.keyword}\` check failed${params ? ` (${params})` : ""}`,
  };
}

/**
 * Checks and prepares a decision table (a parsed object or its JSON text). Never throws:
 * problems come back as errors with JSON pointers. A table whose content does not match its
 * embedded content hash, or (with `options.sha256`) is not the pinned release, is refused.
 */
export function loadTable(json: unknown, options: LoadTableOptions = {}): LoadTableResult {
  let data = json;
  if (typeof json === "string") {
    try {
      data = JSON.parse(json);
    } catch (err) {
      return { ok: false, errors: [{ pointer: "", code: "DR4501", message: `table is not valid JSON: ${(err as Error).message}` }] };
    }
  }
  if (!isPlainObject(data)) {
    return { ok: false, errors: [{ pointer: "", code: "DR4503", message: "table is not a JSON object: expected a decision table from `dermrules compile`" }] };
  }
  if ("formatVersion" in data && !SUPPORTED_FORMAT_VERSIONS.includes(data.formatVersion as number)) {
    return {
      ok: false,
      errors: [
        {
          pointer: "/formatVersion",
          code: "DR4502",
          message: `table formatVersion ${JSON.stringify(data.formatVersion)} is not supported by this runtime (supports ${SUPPORTED_FORMAT_VERSIONS.join(" and ")})`,
        },
      ],
    };
  }
  if (!validateTableSchema(data)) {
    return { ok: false, errors: (validateTableSchema.errors ?? []).slice(0, MAX_ERRORS).map(schemaError) };
  }
  const table = data;
  const errors: TableError[] = [];
  const fail = (pointer: string, message: string) => {
    if (errors.length < MAX_ERRORS) errors.push({ pointer, code: "DR4504", message });
  };

  const codeIds = new Map<string, number>();
  const codeIdBySlot = new Int32Array(CODE_SLOTS).fill(-1);
  /** The id of a code, interning it; -1 for a key without the procedure-code shape. */
  const idOf = (code: string): number => {
    const slot = codeSlot(code);
    if (slot < 0) return -1;
    let id = codeIdBySlot[slot];
    if (id < 0) {
      id = codeIds.size;
      codeIdBySlot[slot] = id;
      codeIds.set(code, id);
    }
    return id;
  };
  // Intern every code first (PTP while reading its rows: one pass over the biggest map), so the
  // per-code arrays can have their final size.
  const ptpDrafts = table.edits.ptp.map((t, i) => readPtp(t, `/edits/ptp/${i}`, fail, idOf));
  for (const t of table.edits.mue) for (const code in t.limits) idOf(code);
  for (const t of table.edits.aoc) for (const code in t.addons) idOf(code);
  for (const layer of Object.values(table.layers)) for (const code in layer.index.byCode) idOf(code);
  const nCodes = codeIds.size;

  const ptps = ptpDrafts.map((d, i) => buildPtpMatrix(table.edits.ptp[i], d, nCodes));
  const mues = table.edits.mue.map((t, i) => loadMue(t, `/edits/mue/${i}`, fail, codeIds, nCodes));
  const aocs = table.edits.aoc.map((t, i) => loadAoc(t, `/edits/aoc/${i}`, fail, codeIds, nCodes));

  const nRules = table.rules.length;
  const checkIndexes = (list: number[], n: number, pointer: string, what: string) => {
    for (let i = 0; i < list.length; i++) {
      if (list[i] >= n) fail(`${pointer}/${i}`, `${what} index ${list[i]} is out of range (the table has ${n})`);
    }
  };
  const layers = new Map<string, LoadedLayer>();
  for (const [name, layer] of Object.entries(table.layers)) {
    const p = `/layers/${esc(name)}`;
    if (layer.name !== name) fail(`${p}/name`, `layer \`${name}\` is named \`${layer.name}\` inside`);
    if (layer.extends !== null && !(layer.extends in table.layers)) fail(`${p}/extends`, `layer \`${name}\` extends unknown layer \`${layer.extends}\``);
    checkIndexes(layer.rules, nRules, `${p}/rules`, "rule");
    checkIndexes(layer.index.always, nRules, `${p}/index/always`, "rule");
    checkIndexes(layer.ptp, ptps.length, `${p}/ptp`, "ptp table");
    checkIndexes(layer.mue, mues.length, `${p}/mue`, "mue table");
    checkIndexes(layer.aoc, aocs.length, `${p}/aoc`, "aoc table");
    const byCodeId: (number[] | undefined)[] = new Array(nCodes).fill(undefined);
    let hasByCode = false;
    for (const [code, list] of Object.entries(layer.index.byCode)) {
      checkIndexes(list, nRules, `${p}/index/byCode/${esc(code)}`, "rule");
      const id = codeIds.get(code);
      if (id === undefined) {
        fail(`${p}/index/byCode/${esc(code)}`, `index key \`${code}\` is not a procedure code`);
        continue;
      }
      byCodeId[id] = list;
      hasByCode = true;
    }
    layer.index.byRange.forEach((r, i) => {
      if (r[2] >= nRules) fail(`${p}/index/byRange/${i}/2`, `rule index ${r[2]} is out of range (the table has ${nRules})`);
      if (r[0] > r[1]) fail(`${p}/index/byRange/${i}`, `range \`${r[0]}-${r[1]}\` is reversed`);
    });
    const disabledPrefixes: string[] = [];
    const disabledIds = new Set<string>();
    for (const d of layer.disabled) {
      if (d.endsWith(".*")) disabledPrefixes.push(d.slice(0, -1));
      else disabledIds.add(d);
    }
    layers.set(name, {
      name,
      byCodeId,
      hasByCode,
      ranges: buildRangeIndex(layer.index.byRange),
      always: layer.index.always,
      ptp: layer.ptp.map((i) => ptps[i]).filter((t) => t !== undefined),
      mue: layer.mue.map((i) => mues[i]).filter((t) => t !== undefined),
      aoc: layer.aoc.map((i) => aocs[i]).filter((t) => t !== undefined),
      disabledIds,
      disabledPrefixes,
    });
  }
  if (!layers.has(table.defaultLayer)) fail("/defaultLayer", `default layer \`${table.defaultLayer}\` is not among the table's layers`);

  const ruleInfo: RuleInfo[] = table.rules.map((r) => ({
    from: r.effective[0] ?? -Infinity,
    until: r.effective[1] ?? Infinity,
    needsBirthDate: r.needs.includes("patient.birthDate"),
    needsSex: r.needs.includes("patient.sex"),
    needsPos: r.needs.includes("placeOfService"),
  }));
  table.rules.forEach((r, i) => {
    if ((r.scope === "line" || r.action.k === "select") && r.subject === undefined && r.triggers.length === 0) {
      fail(`/rules/${i}/subject`, `line-scope rule \`${r.id}\` has neither a subject nor triggers`);
    }
  });

  if (errors.length > 0) return { ok: false, errors };
  // Last, so a damaged table still gets the precise errors above; text in the compiler's own
  // form is hashed in one pass over it.
  const integrity = verifyTableIntegrity(table, typeof json === "string" ? json : undefined, options);
  if (integrity !== null) return { ok: false, errors: [integrity] };

  const billableSorted = splitCodes(table.icd10.billable);
  // The list is documented as sorted; sort anyway when it is not, since suggestions rely on it.
  if (!isSorted(billableSorted)) billableSorted.sort();
  return {
    ok: true,
    table: {
      table,
      contentHash: table.contentHash,
      defaultLayer: table.defaultLayer,
      layers,
      rules: table.rules,
      codeIds,
      slotIds: buildSlotIds(codeIds),
      ruleInfo,
      billable: new Set(billableSorted),
      billableSorted,
      headers: new Set(splitCodes(table.icd10.headers)),
      icdVersion: table.icd10.version,
      scratch: { mark: new Uint32Array(table.rules.length), epoch: 0, cands: new Int32Array(table.rules.length) },
    },
  };
}

function splitCodes(text: string): string[] {
  const out: string[] = [];
  for (const s of text.split(" ")) if (s !== "") out.push(s);
  return out;
}

function isSorted(a: string[]): boolean {
  for (let i = 1; i < a.length; i++) if (a[i - 1] > a[i]) return false;
  return true;
}

/** Whether a key has the procedure-code shape (cheaper than a regex per key). */
function isCodeKey(k: string): boolean {
  return codeSlot(k) >= 0;
}

type Fail = (pointer: string, message: string) => void;

/** Whether a value is a PTP row [effectiveDay|null, deletionDay|null, 0|1|9]. */
function isPtpRow(r: unknown): r is PtpRow {
  return Array.isArray(r) && r.length === 3 && isDay(r[0]) && isDay(r[1]) && (r[2] === 0 || r[2] === 1 || r[2] === 9);
}

/** The strictest indicator of rows when every row is undated, else -1 (see LoadedPtp.fixedInd). */
function fixedIndicator(rows: PtpRow[]): number {
  let ind = 9;
  for (const r of rows) {
    if (r[0] !== null || r[1] !== null) return -1;
    if (r[2] < ind) ind = r[2];
  }
  return ind;
}

/**
 * Checks a PTP table's pairs, packed (format 2) or expanded (format 1), and collects them as
 * (column-1 id, column-2 id, row set).
 */
function readPtp(t: PtpTable, p: string, fail: Fail, idOf: (code: string) => number): PtpDraft {
  const packed = (t as { packed?: PackedPtp }).packed;
  if (packed !== undefined) return readPackedPtp(t, packed, p, fail, idOf);
  if (!isPlainObject(t.pairs)) {
    fail(p, "ptp table has neither `packed` nor `pairs`");
    return { a: new Int32Array(0), b: new Int32Array(0), rs: new Int32Array(0), n: 0, rows: [], fixed: [] };
  }
  const as: number[] = [];
  const bs: number[] = [];
  const fixed: number[] = [];
  const rowsList: PtpRow[][] = [];
  for (const col1 in t.pairs) {
    const inner = t.pairs[col1] as unknown;
    const a = idOf(col1);
    if (a < 0 || !isPlainObject(inner)) {
      fail(`${p}/pairs/${esc(col1)}`, `ptp column 1 \`${col1}\` must be a procedure code mapping to column 2 codes`);
      continue;
    }
    for (const col2 in inner) {
      const rows = inner[col2];
      const b = idOf(col2);
      let ok = b >= 0 && Array.isArray(rows) && rows.length > 0;
      if (ok) for (const r of rows as unknown[]) if (!isPtpRow(r)) ok = false;
      if (!ok) {
        fail(`${p}/pairs/${esc(col1)}/${esc(col2)}`, `ptp rows of \`${col1}\`/\`${col2}\` must be [effectiveDay|null, deletionDay|null, 0|1|9]`);
        continue;
      }
      as.push(a);
      bs.push(b);
      rowsList.push(rows as PtpRow[]);
      fixed.push(fixedIndicator(rows as PtpRow[]));
    }
  }
  // One row set per pair.
  const n = as.length;
  return { a: Int32Array.from(as), b: Int32Array.from(bs), rs: Int32Array.from({ length: n }, (_, i) => i), n, rows: rowsList, fixed };
}

/** The packed form: row sets checked once each, pairs decoded in one pass over the string. */
function readPackedPtp(t: PtpTable, packed: PackedPtp, p: string, fail: Fail, idOf: (code: string) => number): PtpDraft {
  const empty: PtpDraft = { a: new Int32Array(0), b: new Int32Array(0), rs: new Int32Array(0), n: 0, rows: [], fixed: [] };
  const u = unpackPairs(packed);
  if (typeof u === "string") {
    fail(`${p}/packed`, u);
    return empty;
  }
  const rows = packed.rowSets as unknown[];
  const fixed: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const set = rows[i];
    if (!Array.isArray(set) || set.length === 0 || !set.every(isPtpRow)) {
      fail(`${p}/packed/rowSets/${i}`, "a ptp row set must be a non-empty list of [effectiveDay|null, deletionDay|null, 0|1|9]");
      return empty;
    }
    fixed.push(fixedIndicator(set));
  }
  const ids = new Int32Array(u.codes.length);
  for (let i = 0; i < u.codes.length; i++) {
    ids[i] = idOf(u.codes[i]);
    if (ids[i] < 0) {
      fail(`${p}/packed/codes`, `packed code \`${u.codes[i]}\` is not a procedure code`);
      return empty;
    }
  }
  const a = new Int32Array(u.n);
  const b = new Int32Array(u.n);
  for (let i = 0; i < u.n; i++) {
    a[i] = ids[u.a[i]];
    b[i] = ids[u.b[i]];
  }
  // Tools (explain, diff) read the expanded pairs: give them a lazy view.
  attachExpandedPairs(t as PtpTable & { packed: PackedPtp });
  return { a, b, rs: u.rs, n: u.n, rows: packed.rowSets as PtpRow[][], fixed };
}

function loadMue(t: MueTable, p: string, fail: Fail, codeIds: Map<string, number>, nCodes: number): LoadedMue {
  const limit = new Int32Array(nCodes).fill(-1);
  const mai = new Uint8Array(nCodes);
  for (const code in t.limits) {
    const v = t.limits[code] as unknown;
    if (!isCodeKey(code) || !Array.isArray(v) || v.length !== 2 || !Number.isInteger(v[0]) || v[0] < 0 || v[0] > 2147483647 || (v[1] !== 1 && v[1] !== 2 && v[1] !== 3)) {
      fail(`${p}/limits/${esc(code)}`, `mue limit of \`${code}\` must be [units, 1|2|3]`);
      continue;
    }
    const id = codeIds.get(code) as number;
    limit[id] = v[0];
    mai[id] = v[1];
  }
  return { meta: t, limit, mai };
}

function loadAoc(t: AocTable, p: string, fail: Fail, codeIds: Map<string, number>, nCodes: number): LoadedAoc {
  const byId: (AocRow[] | undefined)[] = new Array(nCodes).fill(undefined);
  for (const code in t.addons) {
    const rows = t.addons[code] as unknown;
    let ok = isCodeKey(code) && Array.isArray(rows);
    if (ok) {
      for (const r of rows as unknown[]) {
        if (
          !Array.isArray(r) || r.length !== 5 || (r[0] !== 1 && r[0] !== 2 && r[0] !== 3) || typeof r[1] !== "string" ||
          !isDay(r[2]) || !isDay(r[3]) || !isDay(r[4])
        ) {
          ok = false;
          break;
        }
      }
    }
    if (!ok) {
      fail(`${p}/addons/${esc(code)}`, `aoc rows of \`${code}\` must be [1|2|3, primary, primaryDeletionDay|null, editEffectiveDay|null, editDeletionDay|null]`);
      continue;
    }
    byId[codeIds.get(code) as number] = rows as AocRow[];
  }
  return { meta: t, rows: byId };
}

/** Builds the elementary-interval index of wide trigger ranges. */
export function buildRangeIndex(byRange: [string, string, number][]): RangeIndex {
  const points = [...new Set(byRange.flatMap((r) => [r[0], r[1]]))].sort();
  const atPoint: number[][] = points.map(() => []);
  const inGap: number[][] = points.map(() => []);
  for (const [lo, hi, rule] of byRange) {
    if (lo > hi) continue;
    const a = lowerBound(points, lo);
    const b = lowerBound(points, hi);
    for (let i = a; i <= b; i++) atPoint[i].push(rule);
    for (let i = a; i < b; i++) inGap[i].push(rule);
  }
  return { points, atPoint, inGap };
}

const NONE: number[] = [];

/** The rules whose wide trigger ranges contain `code`. */
export function rulesInRanges(index: RangeIndex, code: string): number[] {
  const points = index.points;
  if (points.length === 0) return NONE;
  // Largest i with points[i] <= code.
  let lo = 0;
  let hi = points.length - 1;
  let i = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (points[mid] <= code) {
      i = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (i < 0) return NONE;
  return points[i] === code ? index.atPoint[i] : index.inGap[i];
}

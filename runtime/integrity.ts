/**
 * Table integrity, browser-safe: a small synchronous SHA-256, the canonical JSON writer the
 * content hash is defined over, and the checks `loadTable` runs (embedded content hash,
 * `sha256` pin).
 *
 * The canonical form (the compiler writes tables with it too, see compiler/emit.ts): object
 * keys sorted by UTF-16 code units, recursively, `undefined` properties left out, compact.
 * `JSON.stringify` cannot produce this order by itself (it lists integer-like keys such as
 * `"11102"` first), so it is written here by hand. The content hash is the SHA-256 (hex) of
 * the canonical JSON, UTF-8 encoded, of the table with `contentHash` set to "".
 *
 * Why our own SHA-256: runtime/ may not import `node:*`, and WebCrypto's digest is
 * asynchronous while `loadTable` is not. Callers with a faster digest at hand (Node's
 * `crypto.createHash`) can pass it in as a {@link HashFactory}.
 */

/** A streaming hash: text goes in as UTF-8, bytes as they are; `digest("hex")` gives lower-case hex. */
export interface HashSink {
  update(chunk: string | Uint8Array): unknown;
  digest(encoding: "hex"): string;
}

/** Makes a fresh SHA-256 sink; `() => crypto.createHash("sha256")` from `node:crypto` fits. */
export type HashFactory = () => HashSink;

// ------------------------------------------------------------------------------ SHA-256

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be,
  0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa,
  0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85,
  0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
  0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
  0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const INITIAL = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

/** Characters encoded per step: at most 3 UTF-8 bytes each, so a step fits the staging buffer. */
const STEP_CHARS = 16384;

/**
 * SHA-256 (FIPS 180-4) over UTF-8 text, synchronous and dependency-free. Strings are encoded
 * in steps into one staging buffer, so hashing a large table allocates nothing per chunk.
 * A lone surrogate is encoded as U+FFFD, as `TextEncoder` (and Node's `update(string)`) do.
 */
export class Sha256 implements HashSink {
  private readonly h = Int32Array.from(INITIAL);
  private readonly w = new Int32Array(64);
  /** Bytes of the current, incomplete block. */
  private readonly block = new Uint8Array(64);
  private blockLen = 0;
  /** Total bytes hashed (exact up to 2^53). */
  private total = 0;
  private readonly staging = new Uint8Array(STEP_CHARS * 3);
  private readonly encoder = new TextEncoder();
  private done = false;

  /** Adds text (as UTF-8) or bytes. */
  update(chunk: string | Uint8Array): this {
    if (typeof chunk !== "string") return this.updateBytes(chunk);
    for (let i = 0; i < chunk.length; ) {
      let end = Math.min(chunk.length, i + STEP_CHARS);
      // INVARIANT: a step never ends between the halves of a surrogate pair, which would turn
      // one character into two replacement characters.
      const last = chunk.charCodeAt(end - 1);
      if (end < chunk.length && last >= 0xd800 && last <= 0xdbff) end--;
      const { written } = this.encoder.encodeInto(chunk.slice(i, end), this.staging);
      this.updateBytes(this.staging, written);
      i = end;
    }
    return this;
  }

  /** Adds raw bytes: the first `length` bytes of `data`. */
  updateBytes(data: Uint8Array, length = data.length): this {
    if (this.done) throw new Error("Sha256: update after digest");
    this.total += length;
    let i = 0;
    if (this.blockLen > 0) {
      const take = Math.min(64 - this.blockLen, length);
      this.block.set(data.subarray(0, take), this.blockLen);
      this.blockLen += take;
      i = take;
      if (this.blockLen < 64) return this;
      this.compress(this.block, 0);
      this.blockLen = 0;
    }
    for (; i + 64 <= length; i += 64) this.compress(data, i);
    if (i < length) {
      this.block.set(data.subarray(i, length), 0);
      this.blockLen = length - i;
    }
    return this;
  }

  /** The digest as 64 lower-case hex digits. The hash cannot be updated afterwards. */
  digest(_encoding: "hex" = "hex"): string {
    if (!this.done) {
      const bits = this.total * 8;
      const pad = new Uint8Array((this.blockLen < 56 ? 64 : 128) - this.blockLen);
      pad[0] = 0x80;
      const n = pad.length;
      // The length in bits, big-endian, in the last 8 bytes (high word by division: no 64-bit ints).
      const hi = Math.floor(bits / 0x100000000);
      const lo = bits >>> 0;
      pad[n - 8] = hi >>> 24;
      pad[n - 7] = hi >>> 16;
      pad[n - 6] = hi >>> 8;
      pad[n - 5] = hi;
      pad[n - 4] = lo >>> 24;
      pad[n - 3] = lo >>> 16;
      pad[n - 2] = lo >>> 8;
      pad[n - 1] = lo;
      const total = this.total;
      this.updateBytes(pad);
      this.total = total;
      this.done = true;
    }
    let hex = "";
    for (let i = 0; i < 8; i++) hex += (this.h[i]! >>> 0).toString(16).padStart(8, "0");
    return hex;
  }

  private compress(d: Uint8Array, off: number): void {
    const w = this.w;
    for (let t = 0; t < 16; t++, off += 4) w[t] = (d[off]! << 24) | (d[off + 1]! << 16) | (d[off + 2]! << 8) | d[off + 3]!;
    for (let t = 16; t < 64; t++) {
      const a = w[t - 15]!;
      const b = w[t - 2]!;
      const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
      const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
      w[t] = (w[t - 16]! + s0 + w[t - 7]! + s1) | 0;
    }
    const h = this.h;
    let a = h[0]!, b = h[1]!, c = h[2]!, e = h[4]!, f = h[5]!, g = h[6]!, k = h[7]!, dd = h[3]!;
    for (let t = 0; t < 64; t++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (k + S1 + ch + K[t]! + w[t]!) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (S0 + maj) | 0;
      k = g;
      g = f;
      f = e;
      e = (dd + t1) | 0;
      dd = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h[0] = (h[0]! + a) | 0;
    h[1] = (h[1]! + b) | 0;
    h[2] = (h[2]! + c) | 0;
    h[3] = (h[3]! + dd) | 0;
    h[4] = (h[4]! + e) | 0;
    h[5] = (h[5]! + f) | 0;
    h[6] = (h[6]! + g) | 0;
    h[7] = (h[7]! + k) | 0;
  }
}

/** SHA-256 (hex) of text, UTF-8 encoded. */
export function sha256Hex(text: string): string {
  return new Sha256().update(text).digest("hex");
}

/** The runtime's own SHA-256 as a {@link HashFactory}. */
export const createSha256: HashFactory = () => new Sha256();

// ------------------------------------------------------------------------------ canonical JSON

/** Where the canonical writer puts text. */
export interface TextSink {
  write(text: string): void;
}

/**
 * Gathers small pieces into chunks of about 64 KB before handing them on, so a table with
 * millions of PTP rows neither builds an array of millions of strings nor one giant string
 * just to hash it.
 */
export class Chunker implements TextSink {
  private buf = "";
  constructor(private readonly flush: (chunk: string) => void) {}
  write(s: string): void {
    this.buf += s;
    if (this.buf.length > 65536) this.end();
  }
  end(): void {
    if (this.buf.length > 0) this.flush(this.buf);
    this.buf = "";
  }
}

/** Whether a value is an array holding only plain values or arrays of them (no keys to order). */
export function isFlat(v: unknown[]): boolean {
  for (const x of v) {
    if (x !== null && typeof x === "object") {
      if (!Array.isArray(x)) return false;
      for (const y of x) if (y !== null && typeof y === "object") return false;
    }
  }
  return true;
}

/** An object's keys with a defined value, in code-unit order. */
export function sortedKeys(o: Record<string, unknown>): string[] {
  const keys: string[] = [];
  for (const k of Object.keys(o)) if (o[k] !== undefined) keys.push(k);
  // Code-unit order, not `localeCompare`: the canonical form must not depend on the locale.
  return keys.sort();
}

/** Writes the canonical JSON of a value (see the module comment) into `out`. */
export function writeCanonical(v: unknown, out: TextSink): void {
  if (v === null || typeof v !== "object") {
    out.write(v === undefined ? "null" : JSON.stringify(v));
    return;
  }
  if (Array.isArray(v)) {
    // Arrays without objects have no keys to order: JSON.stringify writes them as is, fast.
    if (isFlat(v)) {
      out.write(JSON.stringify(v));
      return;
    }
    out.write("[");
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out.write(",");
      writeCanonical(v[i], out);
    }
    out.write("]");
    return;
  }
  const o = v as Record<string, unknown>;
  const keys = sortedKeys(o);
  out.write("{");
  for (let i = 0; i < keys.length; i++) {
    out.write(i > 0 ? `,${JSON.stringify(keys[i])}:` : `${JSON.stringify(keys[i])}:`);
    writeCanonical(o[keys[i]!], out);
  }
  out.write("}");
}

/** Compact JSON with object keys sorted recursively (undefined properties left out). */
export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  const out = new Chunker((c) => parts.push(c));
  writeCanonical(value, out);
  out.end();
  return parts.join("");
}

/**
 * The content hash of a table (a parsed object with the table's shape): SHA-256 (hex) of the
 * canonical JSON with `contentHash` set to "", streamed into the hash.
 */
export function computeContentHash(table: object, createHash: HashFactory = createSha256): string {
  const hash = createHash();
  const out = new Chunker((c) => {
    hash.update(c);
  });
  writeCanonical({ ...table, contentHash: "" }, out);
  out.end();
  return hash.digest("hex");
}

// ------------------------------------------------------------------------------ checks

/** Whether a text is a SHA-256 in hex (64 hex digits, either case). */
export function isSha256Hex(text: string): boolean {
  return /^[0-9a-fA-F]{64}$/.test(text);
}

/** One integrity problem, in the shape of the runtime's table errors. */
export interface IntegrityError {
  pointer: string;
  code: string;
  message: string;
}

/**
 * Checks a table's embedded content hash against the recomputed one: `null` when they match,
 * else the DR4505 error. `actual` is the recomputed hash.
 */
export function checkContentHash(embedded: string, actual: string): IntegrityError | null {
  if (embedded === actual) return null;
  if (embedded === "") {
    return {
      pointer: "/contentHash",
      code: "DR4505",
      message: `table has no content hash (\`contentHash\` is empty): expected \`${actual}\`, the sha256 of its canonical JSON, as \`dermrules compile\` writes it`,
    };
  }
  return {
    pointer: "/contentHash",
    code: "DR4505",
    message: `table content does not match its content hash: the table says \`${embedded.length > 80 ? `${embedded.slice(0, 77)}...` : embedded}\` but its content hashes to \`${actual}\`; the file is corrupt or was edited by hand: rebuild it with \`dermrules compile\``,
  };
}

/**
 * Checks a pinned SHA-256 (the reviewed release's hash). It may be given as the table's
 * content hash or as the SHA-256 of the table file's bytes (`sha256sum table.json`), when the
 * table was given as text. `null` when it matches, else the DR4506 (or DR4507, malformed pin) error.
 */
export function checkPin(pin: string, contentHash: string, text: string | undefined, createHash: HashFactory = createSha256): IntegrityError | null {
  if (!isSha256Hex(pin)) {
    return {
      pointer: "",
      code: "DR4507",
      message: `the pinned sha256 \`${pin.length > 80 ? `${pin.slice(0, 77)}...` : pin}\` is not a sha256: expected 64 hexadecimal digits`,
    };
  }
  const want = pin.toLowerCase();
  if (want === contentHash) return null;
  if (text !== undefined) {
    const sink = createHash();
    sink.update(text);
    if (sink.digest("hex") === want) return null;
  }
  return {
    pointer: "",
    code: "DR4506",
    message: `table is not the pinned release: expected sha256 \`${want}\`, but its content hash is \`${contentHash}\`${text !== undefined ? " (and its file hash differs too)" : ""}: load the reviewed table or update the pin`,
  };
}

/** Whether a UTF-16 code unit (or a byte) is JSON whitespace. */
function isJsonSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/** Skips JSON whitespace from `i`. */
function skipSpace(text: string, i: number): number {
  while (i < text.length && isJsonSpace(text.charCodeAt(i))) i++;
  return i;
}

/**
 * The content hash of a table's JSON text, computed from the text itself: the text without
 * whitespace outside strings, with the value of the leading `contentHash` key replaced by "".
 * For a file the compiler wrote (canonical key order, any indentation) this is the canonical
 * JSON, so the hash comes from one linear pass over UTF-8 bytes, several times faster than
 * writing the canonical form from the parsed table. Returns `null` when the text does not
 * start with the `contentHash` key holding `embedded` (another writer's key order): then only
 * the canonical writer can tell.
 *
 * Sound because a match means the compacted text is exactly the canonical JSON that was hashed
 * at build time, and compacting never changes what `JSON.parse` returns.
 */
export function contentHashOfText(text: string, embedded: string, createHash: HashFactory = createSha256): string | null {
  // The head, `{"contentHash": "<embedded>"`, as the pretty and compact forms both write it.
  let i = skipSpace(text, 0);
  if (text.charCodeAt(i) !== 123) return null;
  i = skipSpace(text, i + 1);
  if (!text.startsWith('"contentHash"', i)) return null;
  i = skipSpace(text, i + 13);
  if (text.charCodeAt(i) !== 58) return null;
  i = skipSpace(text, i + 1);
  const value = JSON.stringify(embedded);
  if (!text.startsWith(value, i)) return null;
  i += value.length;

  const hash = createHash();
  hash.update('{"contentHash":""');
  const encoder = new TextEncoder();
  const bytes = new Uint8Array(STEP_CHARS * 3);
  const out = new Uint8Array(STEP_CHARS * 3);
  // Outside strings after the head; the state carries across steps.
  let inString = false;
  let escaped = false;
  while (i < text.length) {
    let end = Math.min(text.length, i + STEP_CHARS);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    const { written } = encoder.encodeInto(text.slice(i, end), bytes);
    let o = 0;
    for (let k = 0; k < written; k++) {
      const b = bytes[k]!;
      if (inString) {
        out[o++] = b;
        if (escaped) escaped = false;
        else if (b === 92) escaped = true;
        else if (b === 34) inString = false;
      } else if (!isJsonSpace(b)) {
        out[o++] = b;
        if (b === 34) inString = true;
      }
    }
    hash.update(out.subarray(0, o));
    i = end;
  }
  return hash.digest("hex");
}

/** What {@link verifyTableIntegrity} needs to know besides the table. */
export interface IntegrityOptions {
  /** The pinned SHA-256 of the reviewed release: its content hash, or its file's SHA-256. */
  sha256?: string;
  /** A faster SHA-256 when one is at hand (default: {@link createSha256}). */
  createHash?: HashFactory;
}

/**
 * Checks a schema-valid table: its embedded content hash (DR4505), then the pin (DR4506,
 * DR4507). `text` is the JSON text the table was parsed from, when it was. `null` when all is well.
 */
export function verifyTableIntegrity(table: { contentHash: string }, text: string | undefined, options: IntegrityOptions = {}): IntegrityError | null {
  const createHash = options.createHash ?? createSha256;
  const embedded = table.contentHash;
  let actual = text !== undefined ? contentHashOfText(text, embedded, createHash) : null;
  // Text in another key order (or a parsed object): write the canonical form from the table.
  if (actual !== embedded) actual = computeContentHash(table, createHash);
  const mismatch = checkContentHash(embedded, actual);
  if (mismatch) return mismatch;
  return options.sha256 === undefined ? null : checkPin(options.sha256, actual, text, createHash);
}

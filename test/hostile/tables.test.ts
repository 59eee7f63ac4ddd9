/**
 * Tamper-evident, deterministic tables (issue 7): `loadTable` refuses a table whose content
 * does not match its embedded hash, whose formatVersion is unknown or that fails its schema;
 * `loadTable(text, { sha256 })` and `dermrules eval --table-sha256` pin the reviewed release; a
 * table built twice is byte-identical; the runtime's SHA-256 and canonical writer agree with
 * Node's crypto and the compiler's writer.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson as compilerCanonicalJson, compilePaths, contentHash, serializeTable } from "../../compiler/index.ts";
import { loadTable, sha256Hex, type TableError } from "../../runtime/index.ts";
import { canonicalJson, computeContentHash, contentHashOfText, Sha256 } from "../../runtime/integrity.ts";
import { runCli } from "../support/cli.ts";
import { REPO_ROOT, claim, tableOf, tempDir, tempFile } from "./support.ts";

const { json } = tableOf();
const parsed = () => JSON.parse(json) as Record<string, any>;

function loadErrors(input: unknown, options?: { sha256?: string }): TableError[] {
  const r = loadTable(input, options);
  if (r.ok) throw new Error("expected the table to be refused");
  return r.errors;
}

describe("loadTable refuses a damaged or foreign table", () => {
  it("content that does not match the embedded hash: DR4505 at /contentHash", () => {
    const t = parsed();
    const embedded = t.contentHash as string;
    t.rules[0].message = "edited after review";
    const actual = computeContentHash(t);
    expect(loadErrors(t)).toEqual([
      {
        pointer: "/contentHash",
        code: "DR4505",
        message: `table content does not match its content hash: the table says \`${embedded}\` but its content hashes to \`${actual}\`; the file is corrupt or was edited by hand: rebuild it with \`dermrules compile\``,
      },
    ]);
    // One changed character of the file, as text: same refusal.
    const flipped = json.replace('"15 or more lesions: 17004"', '"15 or more lesions: 17005"');
    expect(flipped).not.toBe(json);
    expect(loadErrors(flipped)[0]).toMatchObject({ pointer: "/contentHash", code: "DR4505" });
    // No hash at all.
    expect(loadErrors({ ...parsed(), contentHash: "" })[0]!.message).toBe(
      `table has no content hash (\`contentHash\` is empty): expected \`${embedded}\`, the sha256 of its canonical JSON, as \`dermrules compile\` writes it`,
    );
  });

  it("truncated text: DR4501, not JSON", () => {
    const [e] = loadErrors(json.slice(0, Math.floor(json.length / 2)));
    expect(e).toMatchObject({ pointer: "", code: "DR4501" });
    expect(e!.message).toMatch(/^table is not valid JSON: /);
  });

  it("an unknown formatVersion: DR4502, naming the versions this runtime reads", () => {
    const [e, ...rest] = loadErrors({ ...parsed(), formatVersion: 99 });
    expect(rest).toEqual([]);
    expect(e).toMatchObject({ pointer: "/formatVersion", code: "DR4502" });
    expect(e!.message).toMatch(/^table formatVersion 99 is not supported by this runtime \(supports .+\)$/);
  });

  it("a table that fails its schema: DR4503 with the pointer", () => {
    const t = parsed();
    t.rules[0].severity = "fatal";
    expect(loadErrors(t)[0]).toMatchObject({ pointer: "/rules/0/severity", code: "DR4503" });
    const u = parsed();
    delete u.layers;
    expect(loadErrors(u)[0]).toEqual({ pointer: "/layers", code: "DR4503", message: "table field `layers` is missing at `/`" });
    expect(loadErrors([])[0]).toMatchObject({ pointer: "", code: "DR4503" });
  });

  it("the hash check does not make loading much slower: the compiler's text is hashed in one pass", () => {
    const t = parsed();
    let started = performance.now();
    expect(contentHashOfText(json, t.contentHash)).toBe(t.contentHash);
    const textMs = performance.now() - started;
    started = performance.now();
    expect(computeContentHash(t)).toBe(t.contentHash);
    // Another writer's key order still verifies, through the canonical writer.
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(t).reverse()));
    expect(contentHashOfText(reordered, t.contentHash)).toBe(null);
    expect(loadTable(reordered).ok).toBe(true);
    expect(textMs).toBeLessThan(2_000);
  });
});

describe("pinning the reviewed release", () => {
  const t = parsed();
  const fileSha = createHash("sha256").update(json).digest("hex");

  it("loadTable(text, { sha256 }) accepts the content hash or the file's sha256, either case", () => {
    expect(loadTable(json, { sha256: t.contentHash }).ok).toBe(true);
    expect(loadTable(json, { sha256: fileSha }).ok).toBe(true);
    expect(loadTable(json, { sha256: fileSha.toUpperCase() }).ok).toBe(true);
    // A parsed table has no file bytes: only its content hash can match.
    expect(loadTable(t, { sha256: t.contentHash }).ok).toBe(true);
    expect(loadErrors(t, { sha256: fileSha })[0]!.code).toBe("DR4506");
  });

  it("refuses anything else, even a table with a correct embedded hash: DR4506; a malformed pin: DR4507", () => {
    // A deliberate edit that also rewrites the embedded hash passes the hash check, not the pin.
    const edited = parsed();
    edited.rules[0].severity = "info";
    edited.contentHash = computeContentHash(edited);
    expect(loadTable(edited).ok).toBe(true);
    expect(loadErrors(edited, { sha256: t.contentHash })).toEqual([
      {
        pointer: "",
        code: "DR4506",
        message: `table is not the pinned release: expected sha256 \`${t.contentHash}\`, but its content hash is \`${edited.contentHash}\`: load the reviewed table or update the pin`,
      },
    ]);
    expect(loadErrors(json, { sha256: "abc" })).toEqual([
      { pointer: "", code: "DR4507", message: "the pinned sha256 `abc` is not a sha256: expected 64 hexadecimal digits" },
    ]);
  });

  it("dermrules eval --table-sha256: the pinned table runs, any other is refused with exit 2", async () => {
    const tablePath = tempFile("table.json", json);
    const claimPath = tempFile("claim.json", JSON.stringify(claim()));
    const ok = await runCli(["eval", "--table", tablePath, "--table-sha256", fileSha, "--json", claimPath]);
    expect(ok).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(ok.stdout)).toMatchObject({ claimId: "C1", verdict: "clean" });
    expect((await runCli(["eval", "--table", tablePath, "--table-sha256", t.contentHash, "--json", claimPath])).code).toBe(0);
    const other = "0".repeat(64);
    const refused = await runCli(["eval", "--table", tablePath, "--table-sha256", other, "--json", claimPath]);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toBe(
      `dermrules eval: \`${tablePath}\` is not a usable decision table:\n` +
        `  /: DR4506: table is not the pinned release: expected sha256 \`${other}\`, but its content hash is \`${t.contentHash}\` (and its file hash differs too): load the reviewed table or update the pin\n`,
    );
    const corrupt = tempFile("corrupt.json", json.replace('"one excision per line"', '"one excision per day!"'));
    const bad = await runCli(["eval", "--table", corrupt, "--json", claimPath]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/\/contentHash: DR4505: table content does not match its content hash/);
  });
});

describe("determinism", () => {
  it("a table built twice from the same sources is byte-identical, with no timestamps", () => {
    const a = compilePaths(["rules"], { cwd: REPO_ROOT });
    const b = compilePaths(["rules"], { cwd: REPO_ROOT });
    expect(a.table && b.table).toBeTruthy();
    const ta = serializeTable(a.table!);
    const tb = serializeTable(b.table!);
    expect(ta).toBe(tb);
    expect(sha256Hex(ta)).toBe(sha256Hex(tb));
    // Nothing that looks like a build time: no ISO timestamps, no epoch milliseconds.
    const head = ta.slice(0, ta.indexOf('"rules"'));
    expect(head).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    expect(ta).not.toMatch(/"(built|buildTime|timestamp|createdAt|date)"\s*:/i);
  });

  it("the file list's order, the checkout's location and the file order on disk do not matter", () => {
    const dir = tempDir("dermrules-determinism-");
    const copy = path.join(dir, "rules");
    fs.cpSync(path.join(REPO_ROOT, "rules"), copy, { recursive: true });
    fs.cpSync(path.join(REPO_ROOT, "data"), path.join(dir, "data"), { recursive: true });
    const files = (d: string): string[] =>
      fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(d, e.name)) : e.name.endsWith(".rules") ? [path.join(d, e.name)] : []));
    const list = files(copy).map((f) => path.relative(dir, f));
    const forward = compilePaths(list, { cwd: dir });
    const backward = compilePaths([...list].reverse(), { cwd: dir });
    const inRepo = compilePaths(["rules"], { cwd: REPO_ROOT });
    const data = (t: typeof forward) => serializeTable(t.table!);
    expect(data(backward)).toBe(data(forward));
    // Rule files relative to the cwd: a checkout elsewhere builds the same bytes, if its data files are the same.
    expect(forward.table!.contentHash).toBe(inRepo.table!.contentHash);
  });
});

describe("the runtime's SHA-256 and canonical writer", () => {
  it("SHA-256 equals node:crypto on any text (surrogates, lone surrogates, block edges)", () => {
    for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 1000, 16383, 16384, 16385, 100_000]) {
      const s = "é".repeat(n);
      expect(sha256Hex(s), `length ${n}`).toBe(createHash("sha256").update(s).digest("hex"));
    }
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "binary", maxLength: 300 }), { maxLength: 8 }), (parts) => {
        const h = new Sha256();
        for (const p of parts) h.update(p);
        expect(h.digest("hex")).toBe(createHash("sha256").update(parts.join("")).digest("hex"));
      }),
      { numRuns: 300 },
    );
    // Bytes in, and a pair split exactly at a step boundary of the encoder.
    const bytes = new Uint8Array(70_000).map((_, i) => (i * 31) & 255);
    expect(new Sha256().update(bytes).digest("hex")).toBe(createHash("sha256").update(bytes).digest("hex"));
    const edge = `${"a".repeat(16383)}😀${"b".repeat(10)}`;
    expect(sha256Hex(edge)).toBe(createHash("sha256").update(edge).digest("hex"));
  });

  it("the canonical writer is the compiler's: same bytes, same content hash", () => {
    const t = parsed();
    expect(compilerCanonicalJson(t)).toBe(canonicalJson(t));
    expect(contentHash(t as never)).toBe(computeContentHash(t));
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(compilerCanonicalJson(v)).toBe(canonicalJson(v));
        // Keys sorted by code unit, integer-like keys included (JSON.stringify would put them first).
        expect(JSON.parse(canonicalJson(v))).toEqual(JSON.parse(JSON.stringify(v)));
      }),
      { numRuns: 300 },
    );
    expect(canonicalJson({ b: 1, "10": 2, a: { "2": 0, "1": [{ z: 1, y: 2 }] }, u: undefined })).toBe('{"10":2,"a":{"1":[{"y":2,"z":1}],"2":0},"b":1}');
  });

  it("the text fast path agrees with the canonical writer on compiled tables, pretty or compact", () => {
    const t = parsed();
    const compact = canonicalJson(t);
    expect(contentHashOfText(json, t.contentHash)).toBe(t.contentHash);
    expect(contentHashOfText(compact, t.contentHash)).toBe(t.contentHash);
    // Insignificant white space anywhere outside strings changes nothing.
    const spaced = json.replace(/\n/g, "\r\n\t");
    expect(contentHashOfText(spaced, t.contentHash)).toBe(t.contentHash);
    expect(loadTable(spaced).ok).toBe(true);
    // White space inside a string is content.
    expect(contentHashOfText(json.replace('"one excision per line"', '"one excision  per line"'), t.contentHash)).not.toBe(t.contentHash);
  });
});

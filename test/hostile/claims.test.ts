/**
 * Hostile claims (issue 7): every malformed record gives an `invalid` result whose errors name
 * a JSON pointer, a stable DR50xx code and what would be valid; unusual but valid input is
 * accepted; nothing throws, and nothing reaches Object.prototype.
 */
import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBatchEvaluator, evaluate, evaluateJsonText, loadTable, type EvalResult, type InputError } from "../../runtime/index.ts";
import { DEFAULT_PAYER_MAP, parsePayerMap, resolvePayer } from "../../formats/payer-map.ts";
import { runCli } from "../support/cli.ts";
import { serializeTable } from "../../compiler/index.ts";
import { claim, compile, lines, tableOf, tempFile } from "./support.ts";

const { table, json: tableJson } = tableOf();
const text = (v: unknown) => JSON.stringify(v);

function errorsOf(r: EvalResult): InputError[] {
  if (r.verdict !== "invalid") throw new Error(`expected invalid, got ${JSON.stringify(r).slice(0, 300)}`);
  return r.errors;
}

/** The errors of one record given as NDJSON text (line 7 of some stream). */
function errorsOfText(t: string): InputError[] {
  const r = evaluateJsonText(table, t, 7);
  expect(r).toMatchObject({ line: 7, verdict: "invalid", findings: [] });
  return errorsOf(r);
}

describe("records that are not claims", () => {
  it("a line that is not JSON, or truncated JSON: DR5001 at the record, with its line number", () => {
    for (const t of ["hello", "{", '{"id": "C1", "lines": [', text(claim()).slice(0, -1), "\u0000\u0001"]) {
      const [e, ...rest] = errorsOfText(t);
      expect(rest).toEqual([]);
      expect(e).toMatchObject({ pointer: "", code: "DR5001" });
      expect(e!.message).toMatch(/^the record is not valid JSON \(.+\): expected one claim object per line$/);
    }
  });

  it("a top-level array, number, string, boolean or null: DR5002", () => {
    for (const [t, shown] of [["[1,2]", "`[1,2]`"], ["42", "`42`"], ['"C1"', "`C1`"], ["true", "`true`"], ["null", "`null`"]] as const) {
      expect(errorsOfText(t)).toEqual([
        { pointer: "", code: "DR5002", message: `the record is ${shown}, not a claim: expected a claim object with \`id\`, \`diagnoses\` and \`lines\`` },
      ]);
    }
  });

  it("a missing or blank id: DR5003 / DR5006 at /id", () => {
    const { id: _id, ...noId } = claim();
    expect(errorsOf(evaluate(table, noId))).toEqual([{ pointer: "/id", code: "DR5003", message: "the claim has no `id`: expected a non-blank string" }]);
    expect(errorsOf(evaluate(table, claim({ id: "   " })))[0]).toMatchObject({ pointer: "/id", code: "DR5006" });
    expect(errorsOf(evaluate(table, claim({ id: 17 })))[0]).toMatchObject({ pointer: "/id", code: "DR5004" });
  });
});

describe("claims with hostile values", () => {
  it("duplicate ids in a batch: each evaluated, later ones warned, invalid records do not count", () => {
    const next = createBatchEvaluator(table);
    const first = next(text(claim()), 1);
    const invalid = next(text(claim({ id: "C2", lines: [] })), 2);
    const second = next(text(claim()), 3);
    const c2 = next(text(claim({ id: "C2" })), 4);
    expect(first.findings.map((f) => f.rule)).not.toContain("dermrules.batch.duplicate-id");
    expect(invalid.verdict).toBe("invalid");
    expect(second).toMatchObject({ claimId: "C1", verdict: "review" });
    expect(second.findings).toContainEqual({
      rule: "dermrules.batch.duplicate-id",
      category: "policy",
      severity: "warning",
      lines: [],
      message: "claim id `C1` appears more than once in this batch",
      source: "dermrules runtime",
    });
    expect(c2.findings.map((f) => f.rule)).not.toContain("dermrules.batch.duplicate-id");
  });

  it("10,000 lines in one claim: one DR5005 at /lines; bad lines capped at 20 errors + DR5012", () => {
    const many = claim({ lines: Array.from({ length: 10_000 }, () => ({ code: "17000", units: 1 })) });
    expect(errorsOf(evaluate(table, many))).toEqual([{ pointer: "/lines", code: "DR5005", message: "lines has 10000 items: expected a list of 1 to 50 lines" }]);
    const started = performance.now();
    const bad = errorsOf(evaluate(table, claim({ lines: Array.from({ length: 10_000 }, () => ({ code: "x", units: 0 })) })));
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(bad).toHaveLength(21);
    expect(bad[0]).toMatchObject({ pointer: "/lines", code: "DR5005" });
    expect(bad[20]).toEqual({ pointer: "", code: "DR5012", message: "and 19981 more errors in this record: fix the ones above first" });
  });

  it("units of 0, negative, fractional, 1e308, overflowing, quoted: DR5005 / DR5004 at the units", () => {
    const units = (u: unknown) => errorsOf(evaluate(table, claim({ lines: [{ code: "17000", units: u }] })));
    const expected = "expected a whole number from 1 to 9999";
    expect(units(0)).toEqual([{ pointer: "/lines/0/units", code: "DR5005", message: `line 1 units \`0\` is out of range: ${expected}` }]);
    expect(units(-3)).toEqual([{ pointer: "/lines/0/units", code: "DR5005", message: `line 1 units \`-3\` is out of range: ${expected}` }]);
    expect(units(1.5)).toEqual([{ pointer: "/lines/0/units", code: "DR5004", message: `line 1 units \`1.5\` is not a whole number: ${expected}` }]);
    expect(units(1e308)).toEqual([{ pointer: "/lines/0/units", code: "DR5005", message: `line 1 units \`1e+308\` is out of range: ${expected}` }]);
    expect(units(10_000)).toEqual([{ pointer: "/lines/0/units", code: "DR5005", message: `line 1 units \`10000\` is out of range: ${expected}` }]);
    expect(units("1")).toEqual([{ pointer: "/lines/0/units", code: "DR5004", message: `line 1 units \`1\` is not a whole number: ${expected}` }]);
    // `1e999` parses to Infinity: the message says so (JSON would print it as `null`).
    const inf = errorsOfText('{"id":"C1","serviceDate":"2026-10-15","diagnoses":["L57.0"],"lines":[{"code":"17000","units":1e999}]}');
    expect(inf).toEqual([{ pointer: "/lines/0/units", code: "DR5004", message: `line 1 units \`Infinity\` is not a whole number: ${expected}` }]);
  });

  it("dates that are not on the calendar: DR5010 at the date; leap days accepted", () => {
    for (const d of ["2026-02-30", "2025-02-29", "2026-04-31", "2026-13-01", "2026-00-10"]) {
      expect(errorsOf(evaluate(table, claim({ serviceDate: d })))).toEqual([
        { pointer: "/serviceDate", code: "DR5010", message: `serviceDate \`${d}\` is not a calendar date: expected a real date \`YYYY-MM-DD\`` },
      ]);
    }
    expect(evaluate(table, claim({ serviceDate: "2024-02-29" })).verdict).not.toBe("invalid");
    expect(errorsOf(evaluate(table, claim({ patient: { birthDate: "1951-02-29" } })))[0]).toMatchObject({ pointer: "/patient/birthDate", code: "DR5010" });
    expect(errorsOf(evaluate(table, claim({ lines: [{ code: "17000", units: 1, serviceDate: "2026-02-30" }] })))[0]).toMatchObject({ pointer: "/lines/0/serviceDate", code: "DR5010" });
    expect(errorsOf(evaluate(table, claim({ serviceDate: "15/10/2026" })))[0]).toMatchObject({ pointer: "/serviceDate", code: "DR5006" });
  });

  it("dx pointers out of range: DR5008 past the diagnoses, DR5005 past 12 or below 1", () => {
    expect(errorsOf(evaluate(table, claim({ lines: [{ code: "17000", units: 1, dxPointers: [1, 2] }] })))).toEqual([
      { pointer: "/lines/0/dxPointers/1", code: "DR5008", message: "line 1 dx pointer 2 points past the 1 diagnosis: expected a number from 1 to 1" },
    ]);
    expect(errorsOf(evaluate(table, claim({ lines: [{ code: "17000", units: 1, dxPointers: [13] }] })))[0]).toMatchObject({ pointer: "/lines/0/dxPointers/0", code: "DR5005" });
    expect(errorsOf(evaluate(table, claim({ lines: [{ code: "17000", units: 1, dxPointers: [0] }] })))[0]).toMatchObject({ pointer: "/lines/0/dxPointers/0", code: "DR5005" });
  });

  describe("codes with spaces or lower case", () => {
    it("padding and case are normalised: accepted, evaluated as upper-case codes, caller's object untouched", () => {
      const input = claim({
        diagnoses: [" c44.311 "],
        lines: [
          { code: " 17000 ", units: 1, dxPointers: [1], modifiers: ["rt", " 59 "] },
          { code: "g0127", units: 1 },
          { code: "0591t", units: 1 },
        ],
      });
      const before = structuredClone(input);
      const r = evaluate(table, input);
      expect(r.verdict).not.toBe("invalid");
      // The AK rule sees 17000 (normalised) on a claim without L57.0: it fires on line 1.
      expect(r.findings.filter((f) => f.rule === "cms.hostile.ak").map((f) => f.lines)).toEqual([[1]]);
      expect(input).toEqual(before);
      // Same answer as the clean spelling.
      const clean = claim({
        diagnoses: ["C44.311"],
        lines: [
          { code: "17000", units: 1, dxPointers: [1], modifiers: ["RT", "59"] },
          { code: "G0127", units: 1 },
          { code: "0591T", units: 1 },
        ],
      });
      expect(r).toEqual(evaluate(table, clean));
      // A padded L57.0 is L57.0: the AK rule stays silent.
      expect(evaluate(table, claim({ diagnoses: [" l57.0\t"] })).findings.map((f) => f.rule)).not.toContain("cms.hostile.ak");
    });

    it("a space inside, look-alike digits, a wrong length: rejected with the value as sent", () => {
      const code = (c: string) => errorsOf(evaluate(table, claim({ lines: [{ code: c, units: 1 }] })));
      const what = "expected a 5-character CPT/HCPCS code: `NNNNN`, `NNNNA` (A, M, U, F or T last) or `ANNNN`";
      expect(code("170 00")).toEqual([{ pointer: "/lines/0/code", code: "DR5006", message: `line 1 code \`170 00\` is malformed: ${what}` }]);
      expect(code("１７０００")).toEqual([{ pointer: "/lines/0/code", code: "DR5006", message: `line 1 code \`１７０００\` is malformed: ${what}` }]);
      expect(code("1700")).toEqual([{ pointer: "/lines/0/code", code: "DR5006", message: `line 1 code \`1700\` is malformed: ${what}` }]);
      // Case is normalised, but the message quotes what was sent.
      expect(code("g01 27")[0]!.message).toBe(`line 1 code \`g01 27\` is malformed: ${what}`);
      expect(errorsOf(evaluate(table, claim({ diagnoses: ["C44 311"] })))[0]).toMatchObject({ pointer: "/diagnoses/0", code: "DR5006" });
      expect(errorsOf(evaluate(table, claim({ lines: [{ code: "17000", units: 1, modifiers: ["5 9"] }] })))[0]).toMatchObject({ pointer: "/lines/0/modifiers/0", code: "DR5006" });
    });
  });

  describe("no prototype pollution", () => {
    let snapshot: [string, unknown][];
    beforeAll(() => {
      snapshot = Object.getOwnPropertyNames(Object.prototype).map((k) => [k, Object.getOwnPropertyDescriptor(Object.prototype, k)?.value]);
    });
    afterAll(() => {
      // Object.prototype is exactly as it was: no key added, none replaced.
      expect(Object.getOwnPropertyNames(Object.prototype).map((k) => [k, Object.getOwnPropertyDescriptor(Object.prototype, k)?.value])).toEqual(snapshot);
    });

    it("keys `__proto__`, `constructor`, `prototype` everywhere in a record", () => {
      const record =
        '{"__proto__":{"polluted":1,"id":"X"},"constructor":{"prototype":{"polluted":2}},"prototype":{"polluted":3},' +
        '"id":"__proto__","payer":"constructor","serviceDate":"2026-10-15","diagnoses":["L57.0"],' +
        '"patient":{"__proto__":{"sex":"F"},"constructor":1},' +
        '"lines":[{"code":"17000","units":1,"__proto__":{"units":99},"facts":{"__proto__":{"site":"nose"},"constructor":{"prototype":1},"site":"constructor"}}]}';
      const next = createBatchEvaluator(table);
      const r = next(record, 1);
      const again = next(record, 2);
      expect(r).toMatchObject({ claimId: "__proto__", verdict: "clean", layer: "cms" });
      expect(r.findings).toEqual([
        {
          rule: "dermrules.payer.unknown",
          category: "coverage",
          severity: "info",
          lines: [],
          message: "payer `constructor` has no ruleset: the `cms` rules were applied",
          source: "dermrules runtime",
        },
      ]);
      // The id `__proto__` is an id like any other (a Set, not an object's keys).
      expect(again.findings.map((f) => f.rule)).toContain("dermrules.batch.duplicate-id");
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty("polluted");
    });

    it("payer names that are Object.prototype members pick no layer", () => {
      for (const payer of ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "__defineGetter__"]) {
        const r = evaluate(table, claim({ payer }));
        expect(r).toMatchObject({ verdict: "clean", layer: "cms" });
        expect(r.findings[0]!.message).toBe(`payer \`${payer}\` has no ruleset: the \`cms\` rules were applied`);
      }
    });

    it("rulesets and rule ids named after Object.prototype members compile to real layers", () => {
      const r = compile({
        "a.rules": "when 17000 flag id cms.__proto__.x\n",
        "b.rules": "ruleset constructor extends cms\nwhen 17000 flag id constructor.prototype\n",
        "c.rules": "ruleset hasOwnProperty extends cms\n",
      });
      expect(lines(r)).toEqual([]);
      expect(Object.keys(r.table!.layers)).toEqual(["cms", "constructor", "hasOwnProperty"]);
      const loaded = loadTable(serializeTable(r.table!));
      if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
      const rulesFor = (payer: string) => evaluate(loaded.table, claim({ payer })).findings.map((f) => f.rule);
      expect(rulesFor("constructor")).toEqual(["cms.__proto__.x", "constructor.prototype"]);
      expect(rulesFor("hasOwnProperty")).toEqual(["cms.__proto__.x"]);
      expect(rulesFor("prototype")).toEqual(["dermrules.payer.unknown", "cms.__proto__.x"]);
    });

    it("the payer map (837/FHIR/CSV import) resolves only its own entries", () => {
      expect(resolvePayer(DEFAULT_PAYER_MAP, { payerName: "Constructor" })).toBe("Constructor");
      expect(resolvePayer(DEFAULT_PAYER_MAP, { payerId: "__proto__" })).toBe("__proto__");
      const parsed = parsePayerMap('{"payers":{"__proto__":"acme","constructor":"globex"},"claimFilingIndicator":{"__proto__":"cms"}}');
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
      expect(resolvePayer(parsed.map, { payerId: "__proto__" })).toBe("acme");
      expect(resolvePayer(parsed.map, { payerName: "CONSTRUCTOR" })).toBe("globex");
      expect(resolvePayer(parsed.map, { payerName: "hasOwnProperty" })).toBe("hasOwnProperty");
      expect(({} as Record<string, unknown>).acme).toBeUndefined();
    });
  });

  it("1 MB strings: accepted where any string is, rejected briefly where a code is", () => {
    const mb = "x".repeat(1 << 20);
    const started = performance.now();
    const big = evaluate(table, claim({ id: `A${mb}`, provider: { name: mb }, lines: [{ code: "17000", units: 1, facts: { site: mb } }] }));
    expect(big).toMatchObject({ verdict: "clean" });
    expect(big.claimId).toHaveLength((1 << 20) + 1);
    const [e] = errorsOf(evaluate(table, claim({ lines: [{ code: mb, units: 1 }] })));
    expect(e).toMatchObject({ pointer: "/lines/0/code", code: "DR5006" });
    expect(e!.message.length).toBeLessThan(200);
    expect(e!.message).toMatch(/^line 1 code `x{37}\.\.\.` is malformed/);
    const dx = errorsOf(evaluate(table, claim({ diagnoses: [mb] })));
    expect(dx[0]!.message.length).toBeLessThan(200);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it("deeply nested objects: ignored as extra fields, reported briefly in checked ones, never a stack overflow", () => {
    const deep = (n: number) => `${"[".repeat(n)}${"]".repeat(n)}`;
    const ok = evaluateJsonText(table, `{"id":"C1","serviceDate":"2026-10-15","diagnoses":["L57.0"],"lines":[{"code":"17000","units":1,"dxPointers":[1]}],"x":${deep(100_000)}}`);
    expect(ok.verdict).toBe("clean");
    const objs = `${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}`;
    expect(evaluateJsonText(table, `{"id":"C1","serviceDate":"2026-10-15","diagnoses":["L57.0"],"lines":[{"code":"17000","units":1,"dxPointers":[1],"facts":${objs}}]}`).verdict).toBe("clean");
    // In a field the schema checks: the message shows `[…]` (printing it would overflow).
    expect(errorsOfText(`{"id":"C1","serviceDate":"2026-10-15","diagnoses":["L57.0"],"lines":[{"code":"17000","units":1,"facts":{"site":${deep(100_000)}}}]}`)).toEqual([
      { pointer: "/lines/0/facts/site", code: "DR5004", message: "line 1 facts site `[…]` is not a string: expected a site word such as `nose`" },
    ]);
    // Deeper than JSON.parse goes: still one invalid record, not a crash.
    const r = evaluateJsonText(table, `{"id":"C1","x":${deep(5_000_000)}}`, 3);
    expect(r.verdict).toBe("invalid");
  });

  describe("invalid UTF-8", () => {
    it("U+FFFD (what a decoder makes of invalid bytes) in a record: DR5011 at the field", () => {
      expect(errorsOfText(text(claim({ provider: { name: "Dr \uFFFDlvarez" } })))).toEqual([
        { pointer: "/provider/name", code: "DR5011", message: "provider name holds bytes that are not valid UTF-8 (decoded as U+FFFD): expected UTF-8 text; re-export the claim as UTF-8" },
      ]);
      // In a code: the encoding error first, then the schema's.
      const e = errorsOfText(text(claim({ lines: [{ code: "1700\uFFFD", units: 1 }] })));
      expect(e.map((x) => [x.pointer, x.code])).toEqual([
        ["/lines/0/code", "DR5011"],
        ["/lines/0/code", "DR5006"],
      ]);
      // In a key.
      expect(errorsOfText(text({ ...claim(), "n\uFFFDte": 1 }))[0]).toMatchObject({ pointer: "/n\uFFFDte", code: "DR5011" });
    });

    it("raw invalid bytes through `dermrules eval`: one invalid record per bad line, in order", async () => {
      const good = Buffer.from(text(claim({ id: "G1" })) + "\n");
      const badInString = Buffer.concat([Buffer.from('{"id":"B1","serviceDate":"2026-10-15","diagnoses":["L57.0"],"provider":{"name":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"},"lines":[{"code":"17000","units":1}]}\n')]);
      const badOutside = Buffer.concat([Buffer.from('{"id":"B2"'), Buffer.from([0xff, 0xfe]), Buffer.from("}\n")]);
      const file = tempFile("bad-utf8.ndjson", Buffer.concat([good, badInString, badOutside, good]));
      const tablePath = tempFile("t.json", tableJson);
      const run = await runCli(["eval", "--table", tablePath, "--json", file]);
      expect(run.code).toBe(1);
      const out = run.stdout.trim().split("\n").map((l) => JSON.parse(l) as EvalResult & { line?: number; errors?: InputError[] });
      expect(out.map((r) => [r.claimId, r.verdict, r.line])).toEqual([
        ["G1", "clean", undefined],
        ["B1", "invalid", 2],
        [null, "invalid", 3],
        ["G1", "review", undefined],
      ]);
      expect(out[1]!.errors![0]).toMatchObject({ pointer: "/provider/name", code: "DR5011" });
      expect(out[2]!.errors![0]).toMatchObject({ pointer: "", code: "DR5001" });
      fs.rmSync(file);
    });
  });
});

/**
 * The language server, in-process, spoken to in LSP protocol messages over a pair of
 * in-memory streams (vscode-jsonrpc's stream reader and writer): initialize, didOpen and
 * didChange with the diagnostics they publish, hover, definition, formatting, completion.
 * The workspace is a temporary folder with a rules/ root, a file outside it, and CMS tables
 * cut down to a few real rows of the shipped data files.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PassThrough } from "node:stream";
import { pathToFileURL } from "node:url";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CompletionRequest,
  DefinitionRequest,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentFormattingRequest,
  ExitNotification,
  HoverRequest,
  InitializeRequest,
  InitializedNotification,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  createConnection,
  createProtocolConnection,
  type CompletionItem,
  type Hover,
  type Location,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextEdit,
} from "vscode-languageserver/node";
import { startServer } from "../../editors/lsp/server.ts";
import { formatRules } from "../../grammar/index.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "dermrules-lsp-")));
const uri = (rel: string): string => pathToFileURL(path.join(dir, rel)).href;

/** The header and the rows of a shipped data file whose first field (or `field`) is one of `codes`. */
function realRows(file: string, codes: readonly string[], field = 0): string {
  const lines = gunzipSync(fs.readFileSync(path.join(ROOT, "data", file))).toString("utf8").split("\n");
  return [lines[0], ...lines.slice(1).filter((l) => codes.includes(l.split("\t")[field] ?? ""))].join("\n") + "\n";
}

const SETS = `ruleset cms

dx MALIGNANT_SKIN = C43.*, C4A.*, C44.*, D03.*, D04.*
dx ACTINIC_KERATOSIS = L57.0
codes PREMALIGNANT_DESTRUCTION = 17000, 17003, 17004
`;
const POLICY = `ruleset cms

when line PREMALIGNANT_DESTRUCTION require dx in ACTINIC_KERATOSIS
  id cms.necessity.ak-destruction-dx
  severity warning
  message "premalignant lesion destruction without actinic keratosis on the line"
  source "CMS NCD 250.4 Treatment of Actinic Keratosis"

when line 11600-11646 require dx in MALIGNANT_SKIN
  id cms.necessity.malignant-excision-dx
  message "malignant excision needs a malignant diagnosis"
  source "NCCI Policy Manual ch. III"

test "ak destruction without ak" {
  claim dos 2024-05-15 dx L82.1
  line 17000 dx 1
  expect warning cms.necessity.ak-destruction-dx lines 1
  expect no cms.mue.17003
}
`;
const NCCI = `ruleset cms

ptp "../data/ptp.tsv"
  version "ccipra-v301r0"
  source "CMS NCCI practitioner PTP edits v30.1r0, rows for 17000-17004"

mue "../data/mue.tsv"
  version "MCR_MUE_PractitionerServices_Eff_07-01-2024"
  source "CMS NCCI practitioner MUE table, rows for 17000-17004"

aoc "../data/aoc.tsv"
  version "AOC_V2026Q2-MCR"
  source "CMS NCCI add-on code edits, rows for 17003"
`;
const PAYER = `ruleset acme extends cms

override cms.necessity.ak-destruction-dx
  severity info

disable cms.necessity.malignant-excision-dx
`;

interface Session {
  client: ProtocolConnection;
  /** Resolves with the next diagnostics published for `uri` that satisfy `test`. */
  diagnostics(uri: string, test?: (p: PublishDiagnosticsParams) => boolean): Promise<PublishDiagnosticsParams>;
  close(): Promise<void>;
}

/** A server and a client joined by two in-memory streams. */
function connect(): Session {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const server = createConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
  startServer(server, { debounceMs: 10 });
  const client = createProtocolConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
  const seen: PublishDiagnosticsParams[] = [];
  let waiters: { uri: string; test: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  client.onNotification(PublishDiagnosticsNotification.type, (p) => {
    seen.push(p);
    const ready = waiters.filter((w) => w.uri === p.uri && w.test(p));
    waiters = waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve(p);
  });
  client.onRequest(RegistrationRequest.type, () => undefined);
  client.listen();
  return {
    client,
    diagnostics: (u, test = () => true) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching diagnostics for ${u}; got ${JSON.stringify(seen.filter((s) => s.uri === u))}`)), 20_000);
        waiters.push({ uri: u, test, resolve: (p) => (clearTimeout(timer), resolve(p)) });
      }),
    close: async () => {
      await client.sendRequest(ShutdownRequest.type);
      client.dispose();
      server.dispose();
    },
  };
}

/** The LSP position of the `occurrence`-th `needle` in `text` (plus `delta` characters). */
function at(text: string, needle: string, delta = 0, occurrence = 1): { line: number; character: number } {
  let index = -1;
  for (let i = 0; i < occurrence; i++) index = text.indexOf(needle, index + 1);
  if (index < 0) throw new Error(`\`${needle}\` not in text`);
  const before = text.slice(0, index + delta);
  const line = before.split("\n").length - 1;
  return { line, character: before.length - before.lastIndexOf("\n") - 1 };
}

let s: Session;
let version = 1;

async function open(rel: string, text: string): Promise<PublishDiagnosticsParams> {
  const published = s.diagnostics(uri(rel));
  await s.client.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: uri(rel), languageId: "dermrules", version: version++, text } });
  return published;
}

async function change(rel: string, text: string, test?: (p: PublishDiagnosticsParams) => boolean): Promise<PublishDiagnosticsParams> {
  const published = s.diagnostics(uri(rel), test);
  await s.client.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: uri(rel), version: version++ }, contentChanges: [{ text }] });
  return published;
}

const hover = (rel: string, text: string, needle: string, delta = 1, occurrence = 1) =>
  s.client.sendRequest(HoverRequest.type, { textDocument: { uri: uri(rel) }, position: at(text, needle, delta, occurrence) }) as Promise<Hover | null>;
const definition = (rel: string, text: string, needle: string, delta = 1, occurrence = 1) =>
  s.client.sendRequest(DefinitionRequest.type, { textDocument: { uri: uri(rel) }, position: at(text, needle, delta, occurrence) }) as Promise<Location[]>;
const markdown = (h: Hover | null): string => (h && typeof h.contents === "object" && "value" in h.contents ? h.contents.value : "");

beforeAll(async () => {
  fs.mkdirSync(path.join(dir, "rules", "payers"), { recursive: true });
  fs.mkdirSync(path.join(dir, "data"));
  fs.mkdirSync(path.join(dir, "examples"));
  fs.writeFileSync(path.join(dir, "rules", "sets.rules"), SETS);
  fs.writeFileSync(path.join(dir, "rules", "policy.rules"), POLICY);
  fs.writeFileSync(path.join(dir, "rules", "ncci.rules"), NCCI);
  fs.writeFileSync(path.join(dir, "rules", "payers", "acme.rules"), PAYER);
  fs.writeFileSync(path.join(dir, "data", "ptp.tsv"), realRows("ncci-ptp-derm.tsv.gz", ["17004"]));
  fs.writeFileSync(path.join(dir, "data", "mue.tsv"), realRows("mue-practitioner.tsv.gz", ["17000", "17003", "17004"]));
  fs.writeFileSync(path.join(dir, "data", "aoc.tsv"), realRows("aoc.tsv.gz", ["17003"], 1));
  s = connect();
  const init = await s.client.sendRequest(InitializeRequest.type, {
    processId: null,
    rootUri: pathToFileURL(dir).href,
    capabilities: {},
    initializationOptions: { rulesRoots: ["rules"] },
  });
  expect(init.capabilities).toMatchObject({ hoverProvider: true, definitionProvider: true, documentFormattingProvider: true });
  expect(init.capabilities.completionProvider).toBeDefined();
  await s.client.sendNotification(InitializedNotification.type, {});
}, 60_000);

afterAll(async () => {
  await s.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("language server: diagnostics as you type", () => {
  it("publishes no diagnostics for a clean file, then the compiler's as the text changes", async () => {
    const first = await open("rules/policy.rules", POLICY);
    expect(first.diagnostics).toEqual([]);

    const typo = POLICY.replace("require dx in MALIGNANT_SKIN", "require dx in MALIGANT_SKIN");
    const bad = await change("rules/policy.rules", typo, (p) => p.diagnostics.length > 0);
    expect(bad.diagnostics).toHaveLength(1);
    const d = bad.diagnostics[0]!;
    expect(d).toMatchObject({ code: "DR2003", severity: 1, source: "dermrules" });
    expect(d.message).toContain("unknown");
    expect(d.message).toContain("hint: did you mean `MALIGNANT_SKIN`?");
    expect(d.range).toEqual({ start: at(typo, "MALIGANT_SKIN"), end: at(typo, "MALIGANT_SKIN", "MALIGANT_SKIN".length) });

    const fixed = await change("rules/policy.rules", POLICY, (p) => p.diagnostics.length === 0);
    expect(fixed.diagnostics).toEqual([]);
  });

  it("compiles unsaved text with the other files of its rules root (a set defined twice)", async () => {
    // The editor's unsaved policy.rules (first in path order) now defines MALIGNANT_SKIN too:
    // the definition in sets.rules, on disk and not open, becomes the second one.
    const twice = `${POLICY}\ndx MALIGNANT_SKIN = C44.*\n`;
    const onSets = s.diagnostics(uri("rules/sets.rules"), (p) => p.diagnostics.some((d) => d.code === "DR2001"));
    await change("rules/policy.rules", twice);
    const dup = (await onSets).diagnostics.find((d) => d.code === "DR2001")!;
    expect(dup.range.start).toEqual(at(SETS, "MALIGNANT_SKIN =", 0));
    expect(dup.message).toContain("MALIGNANT_SKIN");
    // Undoing the edit clears the other file's diagnostics too.
    const cleared = s.diagnostics(uri("rules/sets.rules"), (p) => p.diagnostics.length === 0);
    await change("rules/policy.rules", POLICY, (p) => p.diagnostics.length === 0);
    expect((await cleared).diagnostics).toEqual([]);
  });

  it("reports syntax errors while typing, with the parser's position", async () => {
    const broken = POLICY.replace("require dx in ACTINIC_KERATOSIS", "require dx in");
    const published = await change("rules/policy.rules", broken, (p) => p.diagnostics.some((d) => d.code === "DR1002"));
    expect(published.diagnostics[0]).toMatchObject({ code: "DR1002", severity: 1 });
    await change("rules/policy.rules", POLICY, (p) => p.diagnostics.length === 0);
  });

  it("checks an unsaved, untitled document alone", async () => {
    const untitled = "untitled:Untitled-1";
    const published = s.diagnostics(untitled);
    await s.client.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: untitled, languageId: "dermrules", version: version++, text: "when 17000 require dx in NO_SUCH_SET\n" },
    });
    expect((await published).diagnostics.map((d) => d.code)).toEqual(["DR2003"]);
  });

  it("compiles a file outside the rules roots alone", async () => {
    const text = "when line 17000 require dx in ACTINIC_KERATOSIS\n";
    const published = await open("examples/alone.rules", text);
    expect(published.diagnostics.map((d) => d.code)).toEqual(["DR2003"]);
  });
});

describe("language server: hover", () => {
  it("shows a rule's id, message, citation and place where an `expect` names it", async () => {
    const h = await hover("rules/policy.rules", POLICY, "expect warning cms.necessity", "expect warning ".length + 2);
    const text = markdown(h);
    expect(text).toContain("`cms.necessity.ak-destruction-dx`");
    expect(text).toContain("warning");
    expect(text).toContain("premalignant lesion destruction without actinic keratosis on the line");
    expect(text).toContain("CMS NCD 250.4 Treatment of Actinic Keratosis");
    expect(text).toContain("rules/policy.rules:3:1");
    expect(h!.range).toEqual({ start: at(POLICY, "cms.necessity.ak-destruction-dx", 0, 2), end: at(POLICY, "cms.necessity.ak-destruction-dx", 31, 2) });
  });

  it("shows a set's definition", async () => {
    const text = markdown(await hover("rules/policy.rules", POLICY, "ACTINIC_KERATOSIS"));
    expect(text).toContain("**dx set** `ACTINIC_KERATOSIS`");
    expect(text).toContain("dx ACTINIC_KERATOSIS = L57.0");
  });

  it("shows a procedure code's own short label and its CMS table facts, and no CPT descriptor", async () => {
    await open("rules/sets.rules", SETS);
    const text = markdown(await hover("rules/sets.rules", SETS, "17003"));
    expect(text).toContain("**procedure code** `17003`: premalignant lesion destruction, each of lesions 2–14 (add-on)");
    expect(text).toContain("**MUE** `17003`: 13 units (MAI 2)");
    expect(text).toContain("**add-on code** `17003` (type 1): primaries `17000`");
    // Our label is the only text about the code's meaning: short, and ours.
    expect(text.split("\n")[0]!.length).toBeLessThan(110);
  });

  it("shows an ICD-10-CM code's CDC description", async () => {
    const text = markdown(await hover("rules/sets.rules", SETS, "L57.0"));
    expect(text).toContain("**ICD-10-CM** `L57.0`: Actinic keratosis");
  });

  it("shows a table edit named by its id", async () => {
    const text = markdown(await hover("rules/policy.rules", POLICY, "cms.mue.17003"));
    expect(text).toContain("**MUE** `17003`: 13 units (MAI 2)");
    expect(text).toContain("MCR_MUE_PractitionerServices_Eff_07-01-2024");
  });

  it("explains keywords, and returns nothing over blank space", async () => {
    expect(markdown(await hover("rules/policy.rules", POLICY, "severity warning"))).toContain("**keyword** `severity`");
    expect(await hover("rules/policy.rules", POLICY, "\n\nwhen line 11600", 1)).toBeNull();
  });
});

describe("language server: go to definition", () => {
  it("goes from a set name to its declaration in another file", async () => {
    const [loc, ...rest] = await definition("rules/policy.rules", POLICY, "ACTINIC_KERATOSIS");
    expect(rest).toEqual([]);
    expect(loc!.uri).toBe(uri("rules/sets.rules"));
    expect(loc!.range).toEqual({ start: at(SETS, "ACTINIC_KERATOSIS"), end: at(SETS, "ACTINIC_KERATOSIS", 17) });
  });

  it("goes from a rule id in `expect`, `override` and `disable` to the rule's `id` line", async () => {
    const fromExpect = await definition("rules/policy.rules", POLICY, "expect warning cms.necessity", "expect warning ".length + 3);
    expect(fromExpect).toEqual([{ uri: uri("rules/policy.rules"), range: { start: at(POLICY, "cms.necessity.ak-destruction-dx"), end: at(POLICY, "cms.necessity.ak-destruction-dx", 31) } }]);

    await open("rules/payers/acme.rules", PAYER);
    const fromOverride = await definition("rules/payers/acme.rules", PAYER, "cms.necessity.ak");
    expect(fromOverride).toEqual([{ uri: uri("rules/policy.rules"), range: { start: at(POLICY, "cms.necessity.ak-destruction-dx"), end: at(POLICY, "cms.necessity.ak-destruction-dx", 31) } }]);
    const fromDisable = await definition("rules/payers/acme.rules", PAYER, "cms.necessity.malignant");
    expect(fromDisable[0]!.uri).toBe(uri("rules/policy.rules"));
    expect(fromDisable[0]!.range.start).toEqual(at(POLICY, "cms.necessity.malignant-excision-dx"));
  });

  it("goes from a table edit id to the table that produces it", async () => {
    const [loc] = await definition("rules/policy.rules", POLICY, "cms.mue.17003");
    expect(loc!.uri).toBe(uri("rules/ncci.rules"));
    expect(loc!.range.start).toEqual(at(NCCI, "mue ", 0));
  });
});

describe("language server: formatting", () => {
  it("returns one edit that gives formatRules' text", async () => {
    const messy = "when 17003 count>14 require 17004\n    message \"m\"\n  id a.b\n";
    await open("examples/messy.rules", messy);
    const edits = (await s.client.sendRequest(DocumentFormattingRequest.type, {
      textDocument: { uri: uri("examples/messy.rules") },
      options: { tabSize: 2, insertSpaces: true },
    })) as TextEdit[];
    expect(edits).toHaveLength(1);
    expect(edits[0]!.range).toEqual({ start: { line: 0, character: 0 }, end: { line: 3, character: 0 } });
    expect(edits[0]!.newText).toBe(formatRules(messy, "examples/messy.rules").text);
    expect(edits[0]!.newText).toBe('when 17003 count > 14 require 17004\n  id a.b\n  message "m"\n');
  });

  it("returns no edit for a formatted file or one with syntax errors", async () => {
    const fmt = (rel: string) =>
      s.client.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri: uri(rel) }, options: { tabSize: 2, insertSpaces: true } });
    expect(await fmt("rules/sets.rules")).toEqual([]);
    await change("examples/messy.rules", "when 17003 count>\n", (p) => p.diagnostics.length > 0);
    expect(await fmt("examples/messy.rules")).toEqual([]);
  });
});

describe("language server: completion", () => {
  const complete = async (rel: string, text: string, position: { line: number; character: number }) =>
    (await s.client.sendRequest(CompletionRequest.type, { textDocument: { uri: uri(rel) }, position })) as CompletionItem[];

  it("offers keywords and set names (of the workspace and of the unsaved text)", async () => {
    const text = `${POLICY}\ncodes NEW_SET = 17110\nwhen line `;
    await change("rules/policy.rules", text);
    const lines = text.split("\n");
    const items = await complete("rules/policy.rules", text, { line: lines.length - 1, character: lines[lines.length - 1]!.length });
    const labels = items.map((i) => i.label);
    expect(labels).toContain("when");
    expect(labels).toContain("require");
    expect(labels).toContain("MALIGNANT_SKIN");
    expect(labels).toContain("PREMALIGNANT_DESTRUCTION");
    expect(labels).toContain("NEW_SET");
    expect(items.find((i) => i.label === "MALIGNANT_SKIN")).toMatchObject({ kind: 21, detail: "dx set" });
    expect(items.find((i) => i.label === "when")!.kind).toBe(14);
    expect(labels).not.toContain("cms.necessity.ak-destruction-dx");
  });

  it("offers rule ids after `override`, `disable` and `expect`", async () => {
    for (const prefix of ["override ", "disable cms.nec", "test \"t\" { expect error "]) {
      const text = `ruleset acme extends cms\n\n${prefix}`;
      await change("rules/payers/acme.rules", text);
      const items = await complete("rules/payers/acme.rules", text, { line: 2, character: prefix.length });
      const labels = items.map((i) => i.label);
      expect(labels, prefix).toContain("cms.necessity.ak-destruction-dx");
      expect(labels, prefix).toContain("cms.necessity.malignant-excision-dx");
      expect(labels, prefix).not.toContain("when");
    }
  });
});

describe("language server: the start script", () => {
  it("answers initialize over stdio and exits cleanly after shutdown and exit", async () => {
    const child = spawn(process.execPath, [path.join(ROOT, "editors/lsp/start.mjs"), "--stdio"], { cwd: dir, stdio: ["pipe", "pipe", "inherit"] });
    const client = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    client.onRequest(RegistrationRequest.type, () => undefined);
    client.listen();
    const init = await client.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: pathToFileURL(dir).href, capabilities: {} });
    expect(init.serverInfo?.name).toBe("dermrules");
    expect(init.capabilities.hoverProvider).toBe(true);
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    await client.sendRequest(ShutdownRequest.type);
    await client.sendNotification(ExitNotification.type);
    expect(await exited).toBe(0);
    client.dispose();
  }, 60_000);
});

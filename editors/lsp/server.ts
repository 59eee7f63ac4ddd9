/**
 * The dermrules language server (LSP, over any connection: stdio in editors, in-memory
 * streams in tests). Built on `vscode-languageserver`, the LSP library VS Code's own servers
 * use: it does the JSON-RPC framing, the protocol types, capability negotiation and
 * document sync, so this file only maps requests onto grammar/ and compiler/.
 *
 * - diagnostics as you type: the open document is parsed and compiled with the other rule
 *   files of its group (workspace.ts), unsaved text included, a short pause after the last
 *   change; every file of the group gets its diagnostics;
 * - hover: a rule's id, message, citation and window; a set's definition; a code's own short
 *   label (never a CPT descriptor), its MUE and add-on facts; an ICD-10-CM code's CDC
 *   description; a table edit's row;
 * - go to definition: set names, rule ids (in `override`, `disable`, `expect`, …) and table
 *   edit ids;
 * - formatting: `formatRules` (nothing when the file has syntax errors);
 * - completion: keywords and set names; rule ids after `override`, `disable` and `expect`.
 *
 * Start it with `node editors/lsp/start.mjs --stdio` (docs/editors.md).
 */
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  CompletionItemKind,
  DiagnosticSeverity,
  DidChangeWatchedFilesNotification,
  MarkupKind,
  TextDocumentSyncKind,
  TextDocuments,
  type Connection,
  type Diagnostic as LspDiagnostic,
  type InitializeResult,
  type Location,
  type Range,
} from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import type { Diagnostic } from "../../compiler/index.ts";
import { formatRules } from "../../grammar/index.ts";
import type { SourceFile } from "../../grammar/source.ts";
import { completionsAt, definitionsAt, hoverAt, type Place } from "./features.ts";
import { Workspace, type GroupResult } from "./workspace.ts";

/** Options of {@link startServer}. */
export interface ServerOptions {
  /** Pause after the last change before compiling (ms); default 250. */
  readonly debounceMs?: number;
}

/** What clients may pass in `initializationOptions`. */
interface InitializationOptions {
  /** Folders (relative to the workspace) whose rule files compile together; default `["rules"]`. */
  readonly rulesRoots?: readonly string[];
}

/** Wires the server's handlers onto a connection and starts listening. */
export function startServer(connection: Connection, options: ServerOptions = {}): void {
  const debounceMs = options.debounceMs ?? 250;
  const documents = new TextDocuments(TextDocument);
  let workspace = new Workspace(process.cwd(), []);
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Files that were sent diagnostics, per group: they get an empty list once clean. */
  const published = new Map<string, Set<string>>();

  const toPath = (uri: string): string => (uri.startsWith("file:") ? fileURLToPath(uri) : uri);
  const toUri = (abs: string): string => (path.isAbsolute(abs) ? pathToFileURL(abs).href : abs);

  connection.onInitialize((params): InitializeResult => {
    const folder = params.workspaceFolders?.[0]?.uri ?? params.rootUri ?? undefined;
    const root = folder ? toPath(folder) : process.cwd();
    const init = (params.initializationOptions ?? {}) as InitializationOptions;
    workspace = new Workspace(root, init.rulesRoots ?? ["rules"]);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        definitionProvider: true,
        documentFormattingProvider: true,
        completionProvider: { triggerCharacters: [" "] },
      },
      serverInfo: { name: "dermrules", version: "0.1.0" },
    };
  });

  connection.onInitialized(() => {
    // Rule files changed on disk (a `git pull`, another editor) recompile their group.
    void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: "**/*.rules" }] }).catch(() => {});
  });

  // ---------------------------------------------------------------- diagnostics

  function schedule(key: string, trigger: string): void {
    clearTimeout(timers.get(key));
    timers.set(
      key,
      setTimeout(() => {
        timers.delete(key);
        publish(workspace.compile(key), trigger);
      }, debounceMs),
    );
  }

  function publish(result: GroupResult, trigger: string): void {
    const byFile = new Map<string, LspDiagnostic[]>();
    const triggerRel = workspace.rel(trigger);
    for (const d of result.compile.diagnostics) {
      const own = result.files.some((f) => workspace.rel(f) === d.span.file);
      // A problem in a data file is shown on the file that was being edited, at its top.
      const file = own ? d.span.file : triggerRel;
      const source = result.compile.sources.get(d.span.file);
      const lsp = toLspDiagnostic(d, own && source ? rangeOf(source, d.span.start, d.span.end) : zero(), own ? "" : `${d.span.file}: `);
      const related = (d.related ?? []).flatMap((r) => {
        const src = result.compile.sources.get(r.span.file);
        return src ? [{ location: { uri: toUri(workspace.abs(r.span.file)), range: rangeOf(src, r.span.start, r.span.end) }, message: r.message }] : [];
      });
      if (related.length > 0) lsp.relatedInformation = related;
      byFile.set(file, [...(byFile.get(file) ?? []), lsp]);
    }
    const before = published.get(result.key) ?? new Set<string>();
    const now = new Set(byFile.keys());
    // Open files always hear back (an empty list says "clean"); others only when it changed.
    const open = result.files.filter((f) => documents.get(toUri(f)) !== undefined).map((f) => workspace.rel(f));
    for (const file of new Set([...before, ...now, ...open])) {
      void connection.sendDiagnostics({ uri: toUri(workspace.abs(file)), diagnostics: byFile.get(file) ?? [] });
    }
    published.set(result.key, now);
  }

  documents.onDidOpen((e) => {
    const abs = toPath(e.document.uri);
    schedule(workspace.setOpen(abs, e.document.getText()), abs);
  });
  documents.onDidChangeContent((e) => {
    const abs = toPath(e.document.uri);
    schedule(workspace.setOpen(abs, e.document.getText()), abs);
  });
  documents.onDidClose((e) => {
    const abs = toPath(e.document.uri);
    schedule(workspace.close(abs), abs);
  });
  connection.onDidChangeWatchedFiles((params) => {
    for (const change of params.changes) {
      const abs = toPath(change.uri);
      schedule(workspace.diskChanged(abs), abs);
    }
  });

  // ---------------------------------------------------------------- requests

  /** The open document, its compile path and its group's latest compilation. */
  function context(uri: string): { doc: TextDocument; file: string; result: GroupResult } | undefined {
    const doc = documents.get(uri);
    if (!doc) return undefined;
    const abs = toPath(uri);
    return { doc, file: workspace.rel(abs), result: workspace.result(abs) };
  }

  connection.onHover((params) => {
    const c = context(params.textDocument.uri);
    if (!c) return null;
    const hover = hoverAt(c.doc.getText(), c.file, c.doc.offsetAt(params.position), c.result.compile.program);
    if (!hover) return null;
    return {
      contents: { kind: MarkupKind.Markdown, value: hover.markdown },
      range: { start: c.doc.positionAt(hover.start), end: c.doc.positionAt(hover.end) },
    };
  });

  connection.onDefinition((params) => {
    const c = context(params.textDocument.uri);
    if (!c) return null;
    const places = definitionsAt(c.doc.getText(), c.file, c.doc.offsetAt(params.position), c.result.compile.program);
    return places.map((p) => location(p, c)).filter((l): l is Location => l !== undefined);
  });

  /** A place as an LSP location: offsets through the open document or the compiled source. */
  function location(p: Place, c: { doc: TextDocument; file: string; result: GroupResult }): Location | undefined {
    const uri = p.file === c.file ? c.doc.uri : toUri(workspace.abs(p.file));
    if ("line" in p) {
      const position = { line: p.line - 1, character: p.column - 1 };
      return { uri, range: { start: position, end: position } };
    }
    if (p.file === c.file) return { uri, range: { start: c.doc.positionAt(p.start), end: c.doc.positionAt(p.end) } };
    const source = c.result.compile.sources.get(p.file);
    return source ? { uri, range: rangeOf(source, p.start, p.end) } : undefined;
  }

  connection.onDocumentFormatting((params) => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return null;
    const result = formatRules(doc.getText(), workspace.rel(toPath(doc.uri)));
    if (result.text === undefined || !result.changed) return [];
    return [{ range: { start: { line: 0, character: 0 }, end: doc.positionAt(doc.getText().length) }, newText: result.text }];
  });

  connection.onCompletion((params) => {
    const c = context(params.textDocument.uri);
    if (!c) return [];
    return completionsAt(c.doc.getText(), c.file, c.doc.offsetAt(params.position), c.result.compile.program).map((item) => ({
      label: item.label,
      kind:
        item.kind === "keyword" ? CompletionItemKind.Keyword : item.kind === "set" ? CompletionItemKind.Constant : CompletionItemKind.Reference,
      ...(item.detail !== undefined && { detail: item.detail }),
    }));
  });

  connection.onShutdown(() => {
    for (const t of timers.values()) clearTimeout(t);
    timers.clear();
  });

  documents.listen(connection);
  connection.listen();
}

// ---------------------------------------------------------------- conversions

function rangeOf(source: SourceFile, start: number, end: number): Range {
  const a = source.position(start);
  const b = source.position(end);
  return { start: { line: a.line - 1, character: a.column - 1 }, end: { line: b.line - 1, character: b.column - 1 } };
}

function zero(): Range {
  return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
}

const SEVERITY = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
} as const;

/** Our diagnostic as LSP's: code, severity, the hint on a second line, related places kept. */
function toLspDiagnostic(d: Diagnostic, range: Range, prefix: string): LspDiagnostic {
  return {
    range,
    severity: SEVERITY[d.severity],
    code: d.code,
    source: "dermrules",
    message: `${prefix}${d.message}${d.hint ? `\nhint: ${d.hint}` : ""}`,
  };
}

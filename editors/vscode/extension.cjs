// The VS Code side of the dermrules extension: starts the language server of
// editors/lsp (over stdio) for *.rules files. Highlighting needs nothing from here: the
// TextMate grammar is declared in package.json. See docs/editors.md.
"use strict";
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const config = vscode.workspace.getConfiguration("dermrules");
  const [command, ...args] = config.get("server.command", ["node", "editors/lsp/start.mjs", "--stdio"]);
  const options = { cwd: folder ? folder.uri.fsPath : undefined };
  client = new LanguageClient(
    "dermrules",
    "dermrules",
    { run: { command, args, options, transport: TransportKind.stdio }, debug: { command, args, options, transport: TransportKind.stdio } },
    {
      documentSelector: [{ scheme: "file", language: "dermrules" }],
      initializationOptions: { rulesRoots: config.get("rulesRoots", ["rules"]) },
      synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/*.rules") },
    },
  );
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };

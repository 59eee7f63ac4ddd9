#!/usr/bin/env node
// Starts the dermrules language server: `node editors/lsp/start.mjs --stdio` (or
// `npx dermrules-lsp --stdio`). The sources are TypeScript; tsx compiles them on load.
import { register } from "tsx/esm/api";

register();
const { createConnection, ProposedFeatures } = await import("vscode-languageserver/node");
const { startServer } = await import("./server.ts");
// Without arguments, createConnection reads the transport from the command line (--stdio).
startServer(createConnection(ProposedFeatures.all));

#!/usr/bin/env node
// The `dermrules` command. The sources are TypeScript; tsx compiles them on load (cached).
import { register } from "tsx/esm/api";

register();
const { main } = await import("../cli/main.ts");
const code = await main(process.argv.slice(2), undefined);
process.exitCode = code;

/**
 * The part of @gorules/zen-engine's API the peers benchmark uses. ZEN is installed into
 * bench/node_modules by `npm run bench:peers` (see bench/package.json), so on a fresh clone it is
 * absent; this declaration keeps the project's typecheck independent of that install.
 */
declare module "@gorules/zen-engine" {
  export interface ZenEvaluateResponse {
    result: unknown;
  }
  export interface ZenDecision {
    evaluate(context: unknown): Promise<ZenEvaluateResponse>;
  }
  export class ZenEngine {
    constructor(options?: unknown);
    createDecision(content: unknown): ZenDecision;
  }
}

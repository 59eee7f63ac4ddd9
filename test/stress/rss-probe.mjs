// Loaded with `node --import` into a stress-test child: when the process exits, writes its peak
// RSS, its run time and samples of its memory to the file DERMRULES_RSS_PROBE names. With
// --expose-gc it collects garbage before each sample, so `heapUsed` is the live heap.
import * as fs from "node:fs";

const out = process.env.DERMRULES_RSS_PROBE;
if (out) {
  const started = Date.now();
  const every = Number(process.env.DERMRULES_RSS_PROBE_MS ?? 250);
  /** [ms since start, rss, heapUsed] */
  const samples = [];
  const timer = setInterval(() => {
    globalThis.gc?.();
    const m = process.memoryUsage();
    samples.push([Date.now() - started, m.rss, m.heapUsed]);
  }, every);
  timer.unref();
  process.on("exit", () => {
    fs.writeFileSync(out, JSON.stringify({ maxRssBytes: process.resourceUsage().maxRSS * 1024, ms: Date.now() - started, samples }));
  });
}

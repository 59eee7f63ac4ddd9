// `npm run test:stress`: the large hostile cases of issue 7 (a 50 MB rule file, a stream of
// 1,000,000 claims), each a real `dermrules` child process whose time and peak memory are
// measured. Kept out of `npm test` (whose include is test/**/*.test.ts) because they take
// minutes, not seconds.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/stress/**/*.stress.ts"],
    testTimeout: 15 * 60_000,
    hookTimeout: 5 * 60_000,
    // One at a time: the measurements must not compete for the CPU or for memory.
    fileParallelism: false,
    sequence: { concurrent: false },
  },
});

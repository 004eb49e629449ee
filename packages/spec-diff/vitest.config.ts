import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The JSON report feeds the one-line summary .ci/run prints (scripts/test-summary.mjs).
    reporters: ["default", "json"],
    outputFile: { json: "test-results/vitest.json" },
    // The git-mode and process tests start git and node; give them room on a busy CI machine.
    testTimeout: 30_000,
  },
});

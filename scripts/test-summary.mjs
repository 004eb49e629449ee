// Adds up the JSON reports every package's Vitest run leaves in test-results/ and prints one
// closing line, "tests: N passed, N failed", so CI reads a single verdict for the whole repo.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const packages = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).workspaces;
let passed = 0;
let failed = 0;
let skipped = 0;
for (const pattern of packages) {
  const parent = join(root, pattern.replace("/*", ""));
  for (const name of readdirSync(parent)) {
    const report = join(parent, name, "test-results", "vitest.json");
    if (!existsSync(report)) continue;
    const result = JSON.parse(readFileSync(report, "utf8"));
    passed += result.numPassedTests;
    failed += result.numFailedTests;
    skipped += result.numPendingTests + (result.numTodoTests ?? 0);
    console.log(`${name}: ${result.numPassedTests} passed, ${result.numFailedTests} failed`);
  }
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);

#!/usr/bin/env node
// spec-diff: what changed in openapi.yaml between two revisions, and whether it breaks clients.
// `npm run spec:diff` runs this with the package as working directory; npm's INIT_CWD is where
// the user typed the command, so relative paths and git revisions are resolved from there.
import { main } from "./main.js";

try {
  process.exitCode = await main(process.argv.slice(2), {
    cwd: process.env.INIT_CWD ?? process.cwd(),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
} catch (error) {
  // A bug, not bad input: say so, and keep exit code 2 so CI does not read it as "breaking".
  console.error("spec-diff: unexpected error:", error);
  process.exitCode = 2;
}

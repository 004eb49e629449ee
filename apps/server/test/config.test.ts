// The configuration's documentation and plumbing: every variable the server reads is in
// .env.example, and the variables the bench passes on to its server reach the bench (turbo
// hands a task only the environment variables its turbo.json entry names).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CONFIG_VARIABLES, loadConfig } from "../src/config.js";

const ROOT = new URL("../../../", import.meta.url);
const envExample = readFileSync(new URL(".env.example", ROOT), "utf8");
const turbo = JSON.parse(readFileSync(new URL("turbo.json", ROOT), "utf8")) as {
  tasks: Record<string, { passThroughEnv?: string[] }>;
};

/** Names set in .env.example, commented out or not (`NAME=value` or `# NAME=value`). */
const documented = [...envExample.matchAll(/^(?:# )?([A-Z][A-Z0-9_]*)=/gm)].map(
  (m) => m[1] as string,
);

/** Whether turbo's passThroughEnv patterns (names, `PREFIX_*`) let `name` through. */
const passes = (patterns: string[], name: string) =>
  patterns.some((pattern) =>
    pattern.endsWith("*") ? name.startsWith(pattern.slice(0, -1)) : name === pattern,
  );

describe("configuration variables", () => {
  it("are each in .env.example, which names no other", () => {
    expect(CONFIG_VARIABLES.length).toBeGreaterThan(20);
    expect(CONFIG_VARIABLES.filter((name) => !documented.includes(name))).toEqual([]);
    expect(documented.filter((name) => !CONFIG_VARIABLES.includes(name))).toEqual([]);
  });

  it("that the bench passes on to its server reach the bench under npm run bench", () => {
    const passedOn = /const PASSED_ON = \[([^\]]*)\]/.exec(
      readFileSync(new URL("apps/server/bench/run.mjs", ROOT), "utf8"),
    )?.[1];
    const names = [...(passedOn ?? "").matchAll(/"([A-Z0-9_]+)"/g)].map((m) => m[1] as string);
    expect(names.length).toBeGreaterThan(0);
    const patterns = turbo.tasks.bench?.passThroughEnv ?? [];
    expect(names.filter((name) => !passes(patterns, name))).toEqual([]);
  });
});

describe("TRUST_PROXY", () => {
  const trusted = (value?: string) =>
    loadConfig(value === undefined ? {} : { TRUST_PROXY: value }).rateLimits.trustedProxies;

  it("counts the proxies in front: none by default, one for true, or a number", () => {
    expect([trusted(), trusted("false"), trusted("true"), trusted("1"), trusted("3")]).toEqual([
      0, 0, 1, 1, 3,
    ]);
  });

  it("refuses anything else, naming the variable", () => {
    for (const value of ["yes", "0", "-1", "11", "1.5", "TRUE"]) {
      expect(() => trusted(value), value).toThrow(/TRUST_PROXY/);
    }
  });
});

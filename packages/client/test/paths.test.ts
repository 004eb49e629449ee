// The generated types do not say where an operation is served or whether it needs a token, so
// the client states both (ROOT_PATHS, OAUTH_PATH). These tests read openapi.yaml and fail when
// the spec moves an operation to the site root or makes another one public.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { OAUTH_PATH, PUBLIC_API_PATHS, ROOT_PATHS, rootUrlOf } from "../src/paths.js";

const SPEC_URL = new URL("../../../openapi/openapi.yaml", import.meta.url);
const METHODS = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);

interface SpecFacts {
  serverUrl: string | undefined;
  rootPaths: string[];
  publicOperations: string[];
}

/**
 * Reads the few facts needed from the spec's layout (two-space indentation, as written and
 * as Redocly lints it), without a YAML dependency.
 */
function readSpecFacts(yaml: string): SpecFacts {
  const facts: SpecFacts = { serverUrl: undefined, rootPaths: [], publicOperations: [] };
  let section = "";
  let path = "";
  let method = "";
  let inPathServers = false;
  let inTopServers = false;
  for (const line of yaml.split("\n")) {
    const top = /^([A-Za-z]\w*):/.exec(line);
    if (top?.[1]) {
      section = top[1];
      inTopServers = section === "servers";
      continue;
    }
    if (inTopServers) {
      const url = /^ {2}- url: (\S+)/.exec(line)?.[1];
      facts.serverUrl ??= url;
    }
    if (section !== "paths") continue;
    const pathKey = /^ {2}(\/\S*):\s*$/.exec(line)?.[1];
    if (pathKey) {
      path = pathKey;
      method = "";
      continue;
    }
    const itemKey = /^ {4}(\w+):/.exec(line)?.[1];
    if (itemKey) {
      inPathServers = itemKey === "servers";
      method = METHODS.has(itemKey) ? itemKey : "";
      continue;
    }
    if (inPathServers && /^ {6}- url: \/\s*$/.test(line)) {
      facts.rootPaths.push(path);
    }
    if (method && /^ {6}security: \[\]\s*$/.test(line)) {
      facts.publicOperations.push(`${method} ${path}`);
    }
  }
  return facts;
}

describe("the client's view of the spec", () => {
  const facts = readSpecFacts(readFileSync(SPEC_URL, "utf8"));

  it("uses /api as the base path, as baseUrl documents", () => {
    expect(facts.serverUrl).toBe("/api");
  });

  it("lists exactly the paths the spec serves at the site root", () => {
    expect([...facts.rootPaths].sort()).toStrictEqual([...ROOT_PATHS].sort());
  });

  it("sends a bearer token to every /api operation but the token exchanges", () => {
    const rootPaths: readonly string[] = ROOT_PATHS;
    const publicApiPaths = facts.publicOperations
      .map((operation) => operation.split(" ")[1] ?? "")
      .filter((path) => !rootPaths.includes(path));
    expect([...publicApiPaths].sort()).toStrictEqual([...PUBLIC_API_PATHS].sort());
    expect(PUBLIC_API_PATHS).toContain(OAUTH_PATH);
  });
});

describe("rootUrlOf", () => {
  it.each([
    { given: "http://127.0.0.1:8080/api", want: "http://127.0.0.1:8080" },
    { given: "http://127.0.0.1:8080/api/", want: "http://127.0.0.1:8080" },
    { given: "https://t1-s1.example.com/kibo/api", want: "https://t1-s1.example.com/kibo" },
    { given: "/api", want: "" },
    { given: "https://example.com/v2", want: "https://example.com" },
  ])("answers $want for $given", ({ given, want }) => {
    expect(rootUrlOf(given)).toBe(want);
  });

  it("throws for a relative base URL it cannot place", () => {
    expect(() => rootUrlOf("/v2")).toThrow(TypeError);
  });
});

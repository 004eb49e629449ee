// The command's contract: exit 0 (no breaking change, or --fail-on none), 1 (breaking), 2 (a
// usage error, or a spec that cannot be read, with a message naming the side). Run in-process
// through main(), and once through the built dist/cli.js to prove the real process exit code.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/main.js";
import { fixturePath, packageDir } from "./helpers.js";

let temp: string;
beforeAll(() => {
  // Outside any git repository, so nothing can fall back on one by accident.
  temp = mkdtempSync(join(tmpdir(), "spec-diff-cli-"));
});
afterAll(() => rmSync(temp, { recursive: true, force: true }));

async function run(args: string[], cwd = temp) {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    cwd,
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
}

const pair = (name: string) => [
  "--base",
  fixturePath(name, "base"),
  "--head",
  fixturePath(name, "head"),
];

function writeTemp(name: string, text: string): string {
  const path = join(temp, name);
  writeFileSync(path, text);
  return path;
}

describe("exit code 0", () => {
  it("when nothing breaks", async () => {
    const { code, stdout, stderr } = await run(pair("response-property-added"));
    expect(code).toBe(0);
    expect(stderr).toBe("");
    expect(stdout).toContain("0 breaking, 1 non-breaking");
  });

  it("when something breaks but --fail-on none", async () => {
    const { code, stdout } = await run([...pair("response-property-removed"), "--fail-on", "none"]);
    expect(code).toBe(0);
    expect(stdout).toContain("1 breaking");
  });

  it("for --help", async () => {
    const { code, stdout } = await run(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain("Usage: npm run spec:diff -- --base <git-ref|file>");
  });
});

describe("exit code 1", () => {
  it("when a breaking change is found", async () => {
    const { code, stdout } = await run([
      ...pair("response-property-removed"),
      "--format",
      "markdown",
    ]);
    expect(code).toBe(1);
    expect(stdout).toContain("#### Breaking changes (1)");
  });

  it("writes the report to --output, relative to where the command was run", async () => {
    const { code, stdout } = await run([
      ...pair("operation-removed"),
      "--format",
      "json",
      "--output",
      "report.json",
    ]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    const report = JSON.parse(readFileSync(join(temp, "report.json"), "utf8"));
    expect(report.summary.breaking).toBe(1);
  });
});

describe("exit code 2", () => {
  it.each([
    { given: [], want: "--base is required" },
    { given: ["--base", "a.yaml", "--colour"], want: "Unknown option '--colour'" },
    {
      given: ["--base", "a.yaml", "--format", "html"],
      want: "--format must be markdown, json or text",
    },
    {
      given: ["--base", "a.yaml", "--fail-on", "warning"],
      want: "--fail-on must be breaking or none",
    },
    { given: ["--base", "a.yaml", "stray"], want: "Unexpected argument 'stray'" },
  ])("for a usage error: $want", async ({ given, want }) => {
    const { code, stdout, stderr } = await run(given);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain(want);
    expect(stderr).toContain("Usage:");
  });

  it.each([
    { side: "base", text: "openapi: 3.1.0\npaths: [unclosed", want: "base: not valid YAML" },
    {
      side: "head",
      text: "swagger: '2.0'\npaths: {}\n",
      want: "head: Swagger 2.0 is not supported",
    },
    {
      side: "head",
      text: "openapi: 4.0.0\npaths: {}\n",
      want: "head: not an OpenAPI 3.x document (openapi: 4.0.0)",
    },
    { side: "base", text: "just a string\n", want: "base: not an OpenAPI document" },
    { side: "base", text: "", want: "base: the document is empty" },
    {
      side: "head",
      text: "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {$ref: '#/components/responses/Gone'}\n",
      want: 'head: a $ref cannot be resolved: Missing $ref pointer "#/components/responses/Gone"',
    },
    {
      side: "base",
      text: "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a: {$ref: 'other.yaml#/paths/a'}\n",
      want: 'base: external $ref "other.yaml#/paths/a" is not supported',
    },
  ])("when the $side spec is invalid: $want", async ({ side, text, want }) => {
    const bad = writeTemp(`bad-${side}.yaml`, text);
    const good = fixturePath("mixed", "base");
    const args =
      side === "base" ? ["--base", bad, "--head", good] : ["--base", good, "--head", bad];
    const { code, stdout, stderr } = await run(args);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr.startsWith(want)).toBe(true);
  });

  it("when the base is neither a file nor a git revision, outside a repository", async () => {
    const { code, stderr } = await run([
      "--base",
      "missing.yaml",
      "--head",
      fixturePath("mixed", "head"),
    ]);
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /^base: "missing.yaml" is not a file, and .* is not inside a git repository/,
    );
  });

  it("when --head is left out outside a repository", async () => {
    const { code, stderr } = await run(["--base", fixturePath("mixed", "base")]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^head: no --head given and .* is not inside a git repository/);
  });
});

describe("the built command", () => {
  const cli = join(packageDir, "dist/cli.js");
  const spawn = (args: string[]) =>
    spawnSync(process.execPath, [cli, ...args], {
      encoding: "utf8",
      env: { ...process.env, INIT_CWD: temp },
    });

  it("exits with 0, 1 and 2 as a process", () => {
    const built = spawn(["--help"]);
    if (built.status !== 0) throw new Error(`build spec-diff first: ${built.stderr}`);
    expect(spawn(pair("response-property-added")).status).toBe(0);
    expect(spawn(pair("response-property-removed")).status).toBe(1);
    const broken = spawn(["--base", "nowhere.yaml", "--head", fixturePath("mixed", "head")]);
    expect(broken.status).toBe(2);
    expect(broken.stderr).toMatch(/^base: /);
  });

  it("resolves relative paths from INIT_CWD, where npm was invoked", () => {
    writeFileSync(join(temp, "relative-base.yaml"), readFileSync(fixturePath("mixed", "base")));
    const result = spawn(["--base", "relative-base.yaml", "--head", fixturePath("mixed", "base")]);
    expect(result.stderr).toBe("");
    expect(result.stdout).toContain("no changes");
    expect(result.status).toBe(0);
  });
});

// Git mode on a throw-away repository with two commits: a revision is read with `git show`,
// the working tree is the default head, and paths are taken from where the command was run.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/main.js";
import { readFixture } from "./helpers.js";

let repo: string;
const specFile = () => join(repo, "openapi/openapi.yaml");

function git(...args: string[]) {
  // Identity and signing set here, so a developer's global git config cannot fail the test.
  execFileSync(
    "git",
    [
      "-c",
      "user.name=Spec Diff",
      "-c",
      "user.email=spec-diff@example.com",
      "-c",
      "commit.gpgsign=false",
      ...args,
    ],
    { cwd: repo, stdio: "pipe" },
  );
}

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), "spec-diff-git-"));
  git("init", "--quiet", "--initial-branch=main");
  mkdirSync(join(repo, "openapi"));
  writeFileSync(specFile(), readFixture("mixed", "base"));
  git("add", ".");
  git("commit", "--quiet", "-m", "first spec");
  writeFileSync(specFile(), readFixture("mixed", "head"));
  git("commit", "--quiet", "-am", "second spec");
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

async function run(args: string[], cwd = repo) {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    cwd,
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
  });
  return {
    code,
    stdout,
    stderr,
    json: code < 2 && args.includes("json") ? JSON.parse(stdout) : undefined,
  };
}

describe("git mode", () => {
  it("compares two revisions", async () => {
    const { code, json } = await run(["--base", "HEAD~1", "--head", "HEAD", "--format", "json"]);
    expect(code).toBe(1);
    expect(json.base).toBe("HEAD~1:openapi/openapi.yaml");
    expect(json.head).toBe("HEAD:openapi/openapi.yaml");
    expect(json.summary).toEqual({
      breaking: 2,
      "non-breaking": 2,
      deprecation: 1,
      "documentation-only": 1,
    });
  });

  it("compares a revision with the working tree when --head is left out", async () => {
    const { code, json } = await run(["--base", "main~1", "--format", "json"]);
    expect(code).toBe(1);
    expect(json.head).toBe("working tree openapi/openapi.yaml");
    expect(json.summary.breaking).toBe(2);
  });

  it("sees an uncommitted edit of the working tree", async () => {
    const committed = readFileSync(specFile(), "utf8");
    try {
      writeFileSync(specFile(), committed.replace("enum: [bearer, mac]", "enum: [bearer]"));
      const { code, json } = await run(["--base", "HEAD", "--format", "json"]);
      expect(code).toBe(0);
      expect(json.changes).toEqual([
        expect.objectContaining({
          classification: "non-breaking",
          change: "enum values removed: mac",
        }),
      ]);
    } finally {
      writeFileSync(specFile(), committed);
    }
  });

  it("resolves revisions and relative paths from a subdirectory", async () => {
    const { code, json } = await run(
      ["--base", "HEAD~1", "--head", "openapi.yaml", "--format", "json"],
      join(repo, "openapi"),
    );
    expect(code).toBe(1);
    expect(json.head).toBe("openapi.yaml");
    expect(json.summary.breaking).toBe(2);
  });

  it("accepts <rev>:<path> for a spec stored elsewhere", async () => {
    const { code, stdout } = await run([
      "--base",
      "HEAD~1:openapi/openapi.yaml",
      "--head",
      "HEAD~1",
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain("no changes");
  });

  it("exits 2 naming the side for an unknown revision", async () => {
    const { code, stderr } = await run(["--base", "HEAD", "--head", "v9.9.9"]);
    expect(code).toBe(2);
    expect(stderr).toBe('head: "v9.9.9" is not a file, and not a git revision known here\n');
  });

  it("exits 2 naming the side when the revision has no spec at that path", async () => {
    const { code, stderr } = await run(["--base", "HEAD~1", "--spec", "api/openapi.yaml"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /^base: git cannot read HEAD~1:api\/openapi.yaml: fatal: path 'api\/openapi.yaml' does not exist/,
    );
  });
});

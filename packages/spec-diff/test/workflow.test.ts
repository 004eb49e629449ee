// .github/workflows/spec-diff.yml cannot run here, so this test reads it and runs what it can:
// the diff step's shell script (for real, through `npm run spec:diff`), the comment script
// against a fake GitHub client, and the gate script for each exit code and label.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { packageDir, repoRoot } from "./helpers.js";

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  if?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}

const workflowPath = join(repoRoot, ".github/workflows/spec-diff.yml");
const workflow = parse(readFileSync(workflowPath, "utf8"));
const steps: Step[] = workflow.jobs["spec-diff"].steps;
const diffStep = steps.find((s) => s.id === "diff");
const commentStep = steps.find((s) => s.uses?.startsWith("actions/github-script@"));
const gateStep = steps.find((s) => s.run?.includes("breaking-change-approved"));

/** A GitHub Actions expression as written in the workflow: `${{ ... }}`. */
const expression = (inner: string) => `\${{ ${inner} }}`;

let temp: string;
beforeAll(() => {
  temp = mkdtempSync(join(tmpdir(), "spec-diff-workflow-"));
});
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function runShell(script: string, env: Record<string, string>) {
  return spawnSync("bash", ["-e", "-c", script], {
    cwd: repoRoot,
    env: { ...process.env, INIT_CWD: repoRoot, ...env },
    encoding: "utf8",
  });
}

describe("spec-diff workflow", () => {
  it("runs on pull requests that touch openapi/, and again when labels change", () => {
    const trigger = workflow.on.pull_request;
    expect(trigger.paths).toContain("openapi/**");
    expect(trigger.types).toEqual(
      expect.arrayContaining(["opened", "synchronize", "labeled", "unlabeled"]),
    );
    expect(workflow.permissions["pull-requests"]).toBe("write");
  });

  it("checks out the history, so the base commit can be read with git show", () => {
    const checkout = steps.find((s) => s.uses?.startsWith("actions/checkout@"));
    expect(checkout?.with?.["fetch-depth"]).toBe(0);
  });

  it("runs the CLI against the pull request's base commit, in Markdown, into the job summary", () => {
    expect(diffStep?.run).toContain(
      'npm run spec:diff -- --base "$BASE_SHA" --format markdown --output "$REPORT"',
    );
    expect(diffStep?.env?.BASE_SHA).toBe(expression("github.event.pull_request.base.sha"));
    expect(diffStep?.run).toContain('>> "$GITHUB_STEP_SUMMARY"');
  });

  describe("diff step, run for real", () => {
    const runDiff = (base: string) => {
      const report = join(temp, `report-${Math.random().toString(36).slice(2)}.md`);
      const output = join(temp, "output");
      const summary = join(temp, "summary");
      writeFileSync(output, "");
      writeFileSync(summary, "");
      const result = runShell(diffStep?.run ?? "exit 99", {
        BASE_SHA: base,
        REPORT: report,
        GITHUB_OUTPUT: output,
        GITHUB_STEP_SUMMARY: summary,
      });
      return {
        result,
        output: readFileSync(output, "utf8"),
        summary: readFileSync(summary, "utf8"),
      };
    };

    beforeAll(() => {
      // The CLI is run from dist, as in CI (turbo builds before it tests).
      const built = spawnSync("node", [join(packageDir, "dist/cli.js"), "--help"]);
      if (built.status !== 0)
        throw new Error("build spec-diff first (npx tsc -p tsconfig.build.json)");
    });

    it("reports status 1 and a Markdown table when an operation disappeared", () => {
      const spec = parse(readFileSync(join(repoRoot, "openapi/openapi.yaml"), "utf8"));
      spec.paths["/spec-diff-test"] = { get: { responses: { "200": { description: "ok" } } } };
      const base = join(temp, "base-with-extra-operation.yaml");
      writeFileSync(base, stringify(spec));
      const { result, output, summary } = runDiff(base);
      expect(result.stderr).not.toMatch(/error/i);
      expect(output).toBe("status=1\n");
      expect(summary).toMatch(/^### OpenAPI spec diff\n/);
      expect(summary).toContain("| `GET /spec-diff-test` | operation |  | operation removed |");
    });

    it("reports status 0 when the base is the same spec", () => {
      const { output, summary } = runDiff(join(repoRoot, "openapi/openapi.yaml"));
      expect(output).toBe("status=0\n");
      expect(summary).toContain("**No changes**");
    });

    it("reports status 2 and the CLI's message when the base cannot be read", () => {
      const { output, summary } = runDiff("no-such-revision-for-spec-diff");
      expect(output).toBe("status=2\n");
      expect(summary).toContain("The spec diff could not run (exit code 2)");
      expect(summary).toContain(
        'base: "no-such-revision-for-spec-diff" is not a file, and not a git revision',
      );
    });
  });

  describe("comment step", () => {
    const script = String(commentStep?.with?.script ?? "");

    function fakeGitHub(existing: { id: number; body: string; user: { type: string } }[]) {
      const calls: { method: string; args: Record<string, unknown> }[] = [];
      const record = (method: string) => async (args: Record<string, unknown>) => {
        calls.push({ method, args });
        return { data: {} };
      };
      const rest = {
        issues: {
          listComments: record("listComments"),
          updateComment: record("updateComment"),
          createComment: record("createComment"),
        },
      };
      const github = {
        rest,
        paginate: async (fn: unknown, args: Record<string, unknown>) => {
          expect(fn).toBe(rest.issues.listComments);
          calls.push({ method: "paginate", args });
          return existing;
        },
      };
      return { github, calls };
    }

    async function runComment(existing: Parameters<typeof fakeGitHub>[0]) {
      const report = join(temp, "comment-report.md");
      writeFileSync(report, "### OpenAPI spec diff\n\n**No changes** between `a` and `b`.\n");
      const { github, calls } = fakeGitHub(existing);
      const context = { repo: { owner: "kibo", repo: "auth" }, issue: { number: 7 } };
      const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
      // actions/github-script runs the script as the body of an async function with these names.
      const fn = new AsyncFunction("github", "context", "require", "process", script);
      await fn(github, context, createRequire(import.meta.url), { env: { REPORT: report } });
      return calls.filter((c) => c.method !== "paginate" && c.method !== "listComments");
    }

    it("reads the report the diff step wrote", () => {
      expect(commentStep?.env?.REPORT).toBe(diffStep?.env?.REPORT);
      expect(commentStep?.if).toContain("always()");
    });

    it("creates one comment, with a hidden marker, when there is none", async () => {
      const calls = await runComment([]);
      expect(calls).toHaveLength(1);
      expect(calls[0]?.method).toBe("createComment");
      expect(calls[0]?.args).toMatchObject({ owner: "kibo", repo: "auth", issue_number: 7 });
      expect(String(calls[0]?.args.body)).toMatch(
        /^<!-- spec-diff-report -->\n### OpenAPI spec diff/,
      );
    });

    it("edits its earlier comment on the next push instead of adding another", async () => {
      const calls = await runComment([
        { id: 1, body: "Looks good to me", user: { type: "User" } },
        { id: 2, body: "<!-- spec-diff-report -->\nold report", user: { type: "Bot" } },
      ]);
      expect(calls.map((c) => c.method)).toEqual(["updateComment"]);
      expect(calls[0]?.args).toMatchObject({ comment_id: 2 });
      expect(String(calls[0]?.args.body)).toContain("**No changes**");
    });
  });

  describe("gate step", () => {
    const gate = (status: string, allowed: string) =>
      runShell(gateStep?.run ?? "exit 99", { STATUS: status, ALLOWED: allowed }).status;

    it("reads the diff's exit code and the approval label", () => {
      expect(gateStep?.env?.STATUS).toBe(expression("steps.diff.outputs.status"));
      expect(gateStep?.env?.ALLOWED).toBe(
        expression("contains(github.event.pull_request.labels.*.name, 'breaking-change-approved')"),
      );
    });

    it("passes without breaking changes", () => {
      expect(gate("0", "false")).toBe(0);
    });

    it("fails on breaking changes unless the label allows them", () => {
      expect(gate("1", "false")).toBe(1);
      expect(gate("1", "true")).toBe(0);
    });

    it("fails when the specs could not be compared, label or not", () => {
      expect(gate("2", "true")).toBe(1);
    });
  });
});

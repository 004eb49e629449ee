// The reports. Markdown and text are compared with golden files under test/golden/; after an
// intended change of format, rewrite them with `UPDATE_GOLDEN=1 npx vitest run` and review the
// diff like any other code change.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  formatPair,
  formatValue,
  renderJson,
  renderMarkdown,
  renderText,
  summaryLine,
} from "../src/render.js";
import type { Change } from "../src/types.js";
import { diffFixture } from "./helpers.js";

const goldenDir = fileURLToPath(new URL("./golden", import.meta.url));

function expectGolden(name: string, actual: string): void {
  const path = `${goldenDir}/${name}`;
  if (process.env.UPDATE_GOLDEN === "1") {
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) {
    throw new Error(`golden file ${name} is missing: run UPDATE_GOLDEN=1 npx vitest run`);
  }
  expect(actual).toBe(readFileSync(path, "utf8"));
}

const labels = { base: "base.yaml", head: "head.yaml" };

describe("renderMarkdown", () => {
  it("matches the golden report of a change of each kind", async () => {
    const changes = await diffFixture("mixed");
    expectGolden("mixed.md", renderMarkdown({ ...labels, changes }));
  });

  it("matches the golden report of the shared-component case", async () => {
    const changes = await diffFixture("shared-component-made-required");
    expectGolden("shared-component-made-required.md", renderMarkdown({ ...labels, changes }));
  });

  it("matches the golden report when nothing changed", () => {
    expectGolden("no-changes.md", renderMarkdown({ ...labels, changes: [] }));
  });

  it("puts one summary line first, then breaking before non-breaking before documentation", async () => {
    const markdown = renderMarkdown({ ...labels, changes: await diffFixture("mixed") });
    const lines = markdown.split("\n");
    expect(lines[2]).toMatch(
      /^\*\*2 breaking\*\*, 2 non-breaking, 1 deprecation, 1 documentation-only: /,
    );
    const order = [
      "#### Breaking",
      "#### Non-breaking",
      "#### Deprecations",
      "Documentation-only changes",
    ];
    const positions = order.map((heading) => markdown.indexOf(heading));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it("merges a change found in several responses of one operation into one row", () => {
    const change = (status: string, operation = "GET /a"): Change => ({
      classification: "breaking",
      operation,
      location: `response ${status}`,
      mediaType: "application/json",
      path: "errorCode",
      change: "enum values added: ACCOUNT_LOCKED",
      rule: "enum:widened-response",
    });
    const markdown = renderMarkdown({
      ...labels,
      changes: [change("400"), change("401"), change("500"), change("500", "GET /b")],
    });
    const rows = markdown.split("\n").filter((line) => line.startsWith("| `GET"));
    expect(rows).toEqual([
      "| `GET /a` | responses 400, 401, 500 | `errorCode` | enum values added: ACCOUNT_LOCKED |  |  |",
      "| `GET /b` | response 500 | `errorCode` | enum values added: ACCOUNT_LOCKED |  |  |",
    ]);
    expect(markdown).toContain("**4 breaking**");
  });

  it("keeps a table intact when a value holds a pipe, a backtick or a line break", () => {
    const change: Change = {
      classification: "documentation-only",
      operation: "GET /a",
      location: "operation",
      path: "",
      change: "description changed",
      before: "a | b",
      after: "uses `x`\nand more",
      rule: "documentation",
    };
    const row = renderMarkdown({ ...labels, changes: [change] })
      .split("\n")
      .find((line) => line.startsWith("| `GET /a`"));
    expect(row).toBe(
      "| `GET /a` | operation |  | description changed | `a \\| b` | ``uses `x` and more`` |",
    );
  });
});

describe("renderText", () => {
  it("matches the golden report", async () => {
    const changes = await diffFixture("mixed");
    expectGolden("mixed.txt", renderText({ ...labels, changes }));
  });
});

describe("renderJson", () => {
  it("carries the summary and every change with its rule", async () => {
    const changes = await diffFixture("mixed");
    const json = JSON.parse(renderJson({ ...labels, changes }));
    expect(json.summary).toEqual({
      breaking: 2,
      "non-breaking": 2,
      deprecation: 1,
      "documentation-only": 1,
    });
    expect(json.changes).toHaveLength(6);
    expect(json.changes[0]).toMatchObject({
      classification: "breaking",
      operation: "POST /commerce/customer/accounts/Add-Account-And-Login",
      location: "response 200",
      mediaType: "application/json",
      path: "requires2FA",
      rule: "property:removed-response",
      before: { type: "boolean" },
    });
  });
});

describe("formatValue and summaryLine", () => {
  it("shows a schema the way a reader says it", () => {
    expect(formatValue({ type: ["string", "null"], format: "date-time" })).toBe(
      "string|null (date-time)",
    );
    expect(formatValue({ type: "object", properties: { id: {}, name: {} } })).toBe(
      "object {id, name}",
    );
    expect(formatValue({ name: "x", in: "query", schema: { type: "integer" } })).toBe("integer");
    expect(formatValue("x".repeat(200))).toHaveLength(80);
  });

  it("shows two long, alike texts from just before where they differ", () => {
    const start =
      "The application lacks a behavior the request needs, or asks for another tenant's data";
    const [before, after] = formatPair(`${start}.`, `${start}, or its token expired.`);
    expect(before).toBe("…another tenant's data.");
    expect(after).toBe("…another tenant's data, or its token expired.");
  });

  it('says "no changes" when there are none', () => {
    expect(summaryLine([])).toBe("no changes");
  });
});

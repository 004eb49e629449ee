// The repository's own openapi/openapi.yaml: compared with itself it has no changes, and an
// edit of a shared component shows up at every place a client meets it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { brief, diffDocs, repoRoot } from "./helpers.js";

const text = readFileSync(join(repoRoot, "openapi/openapi.yaml"), "utf8");
const SIGN_UP = "POST /commerce/customer/accounts/Add-Account-And-Login";

describe("openapi/openapi.yaml", () => {
  it("has no changes against itself", async () => {
    expect(await diffDocs(text, text)).toEqual([]);
  });

  it("reports a property removed from CustomerAccount in the request and in the response", async () => {
    const head = parse(text);
    const account = head.components.schemas.CustomerAccount;
    delete account.properties.emailAddress;
    account.required = account.required.filter((name: string) => name !== "emailAddress");
    const changes = (await diffDocs(text, head)).map(brief);
    // Other operations may return the account too (the spec grows): each is reported as well.
    expect(changes.filter((c) => c.operation === SIGN_UP)).toEqual([
      expect.objectContaining({
        classification: "breaking",
        location: "request body",
        path: "account.emailAddress",
        change: "property removed",
      }),
      expect.objectContaining({
        classification: "breaking",
        location: "response 200",
        path: "customerAccount.emailAddress",
        change: "property removed",
      }),
    ]);
    for (const change of changes) {
      expect(change).toMatchObject({ classification: "breaking", change: "property removed" });
      expect(change.path).toMatch(/(^|\.)emailAddress$/);
    }
  });

  it("reports a new error code in every response that carries KiboError", async () => {
    const head = parse(text);
    head.components.schemas.KiboError.properties.errorCode.enum.push("SPEC_DIFF_TEST_ONLY_CODE");
    const changes = await diffDocs(text, head);
    expect(changes.length).toBeGreaterThan(5);
    for (const change of changes) {
      expect(change).toMatchObject({
        classification: "breaking",
        path: "errorCode",
        change: "enum values added: SPEC_DIFF_TEST_ONLY_CODE",
      });
      expect(change.location).toMatch(/^response [45]\d\d$/);
    }
    expect(changes.map((c) => c.operation)).toContain(SIGN_UP);
  });
});

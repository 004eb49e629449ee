// Every fixture pair under test/fixtures/<case>/{base,head}.yaml, with the exact list of changes
// a client author expects: nothing missing, nothing extra, each in its place and class.
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Classification } from "../src/types.js";
import { brief, diffFixture, fixturesDir } from "./helpers.js";

const SIGN_UP = "POST /commerce/customer/accounts/Add-Account-And-Login";
const OAUTH = "POST /platform/applications/authtickets/oauth";
const HEALTH = "GET /healthz";

interface Want {
  classification: Classification;
  operation?: string;
  location: string;
  path: string;
  change: string;
}

const want = (
  classification: Classification,
  operation: string | undefined,
  location: string,
  path: string,
  change: string,
): Want => ({ classification, operation, location, path, change });

const FIXTURES: { given: string; want: Want[] }[] = [
  {
    given: "response-property-removed",
    want: [want("breaking", SIGN_UP, "response 200", "requires2FA", "property removed")],
  },
  {
    given: "request-optional-property-added",
    want: [want("non-breaking", SIGN_UP, "request body", "fingerprint", "optional property added")],
  },
  {
    given: "request-required-property-added",
    // One change, not "property added" plus "made required": they are the same edit.
    want: [want("breaking", SIGN_UP, "request body", "region", "required property added")],
  },
  {
    given: "request-enum-narrowed",
    want: [
      want("breaking", OAUTH, "request body", "grant_type", "enum values removed: refresh_token"),
    ],
  },
  {
    given: "response-enum-widened",
    want: [want("breaking", OAUTH, "response 200", "token_type", "enum values added: mac")],
  },
  {
    given: "type-changed",
    want: [
      want("breaking", SIGN_UP, "response 200", "requires2FA", "type changed: boolean -> string"),
    ],
  },
  {
    given: "format-replaced",
    want: [
      want(
        "breaking",
        SIGN_UP,
        "response 200",
        "accessTokenExpiration",
        "format changed: date-time -> date",
      ),
    ],
  },
  {
    // CustomerAccount is sent (account) and received (customerAccount): int64 ids are fine to
    // send, but a client storing the answer in 32 bits overflows.
    given: "format-widened-in-shared-component",
    want: [
      want(
        "breaking",
        SIGN_UP,
        "response 200",
        "customerAccount.id",
        "format changed: int32 -> int64",
      ),
      want("non-breaking", SIGN_UP, "request body", "account.id", "format changed: int32 -> int64"),
    ],
  },
  {
    // The client already handles null; it now never gets one.
    given: "response-nullability-removed",
    want: [want("non-breaking", SIGN_UP, "response 200", "userId", "nullability removed")],
  },
  {
    given: "response-nullability-added",
    want: [want("breaking", SIGN_UP, "response 200", "accessTokenExpiration", "nullability added")],
  },
  {
    given: "request-nullability-removed",
    want: [want("breaking", SIGN_UP, "request body", "password", "nullability removed")],
  },
  {
    given: "response-nullability-removed-anyof",
    want: [
      want(
        "non-breaking",
        SIGN_UP,
        "response 409",
        "exceptionDetail",
        "nullability removed (anyOf null)",
      ),
    ],
  },
  {
    given: "operation-added",
    want: [want("non-breaking", "GET /readyz", "operation", "", "operation added")],
  },
  {
    given: "operation-removed",
    want: [want("breaking", HEALTH, "operation", "", "operation removed")],
  },
  {
    given: "parameter-made-required",
    want: [
      want("breaking", SIGN_UP, "query parameter responseFields", "", "parameter made required"),
    ],
  },
  {
    given: "parameter-added-optional",
    want: [
      want("non-breaking", SIGN_UP, "header parameter x-vol-site", "", "optional parameter added"),
    ],
  },
  {
    // /healthz dropped its `security: []` and now inherits the document's appToken.
    given: "security-requirement-added",
    want: [want("breaking", HEALTH, "security", "", "security requirement added")],
  },
  {
    given: "response-status-removed",
    want: [want("breaking", SIGN_UP, "response 409", "", "response removed")],
  },
  {
    given: "response-status-added",
    want: [want("non-breaking", SIGN_UP, "response 429", "", "response added")],
  },
  {
    given: "response-header-removed",
    want: [
      want("breaking", SIGN_UP, "response 200 header x-vol-correlation", "", "header removed"),
    ],
  },
  {
    // A shared header's description reaches both responses; a schema description both bodies.
    given: "description-only",
    want: [
      want("documentation-only", SIGN_UP, "operation", "", "summary changed"),
      want("documentation-only", SIGN_UP, "request body", "account", "description changed"),
      want("documentation-only", SIGN_UP, "response 200", "customerAccount", "description changed"),
      want(
        "documentation-only",
        SIGN_UP,
        "response 200 header x-vol-correlation",
        "",
        "description changed",
      ),
      want(
        "documentation-only",
        SIGN_UP,
        "response 409 header x-vol-correlation",
        "",
        "description changed",
      ),
      want("documentation-only", HEALTH, "response 200", "", "example added"),
    ],
  },
  {
    // One edit inside CustomerAccount, judged where it is used: required in a request breaks
    // clients that leave it out; required in a response only promises more.
    given: "shared-component-made-required",
    want: [
      want("breaking", SIGN_UP, "request body", "account.firstName", "property made required"),
      want(
        "non-breaking",
        SIGN_UP,
        "response 200",
        "customerAccount.firstName",
        "property made required (always present)",
      ),
    ],
  },
  {
    given: "shared-component-max-length-raised",
    want: [
      want(
        "breaking",
        SIGN_UP,
        "response 200",
        "customerAccount.firstName",
        "maxLength changed: 100 -> 200",
      ),
      want(
        "non-breaking",
        SIGN_UP,
        "request body",
        "account.firstName",
        "maxLength changed: 100 -> 200",
      ),
    ],
  },
  {
    given: "deprecation-added",
    want: [
      want("deprecation", SIGN_UP, "request body", "isImport", "deprecated"),
      want("deprecation", OAUTH, "operation", "", "deprecated"),
    ],
  },
  {
    given: "request-property-removed",
    want: [want("breaking", SIGN_UP, "request body", "isImport", "property removed")],
  },
  {
    given: "response-property-added",
    want: [want("non-breaking", SIGN_UP, "response 200", "refreshToken", "property added")],
  },
  {
    given: "response-property-made-optional",
    want: [
      want(
        "breaking",
        SIGN_UP,
        "response 200",
        "jwtAccessToken",
        "property made optional (may be absent)",
      ),
    ],
  },
  {
    given: "request-min-length-raised",
    want: [want("breaking", SIGN_UP, "request body", "password", "minLength changed: 8 -> 12")],
  },
  {
    given: "request-body-content-type-removed",
    want: [
      want(
        "breaking",
        OAUTH,
        "request body (application/x-www-form-urlencoded)",
        "",
        "media type removed",
      ),
    ],
  },
  {
    // The golden Markdown's input: one of each kind.
    given: "mixed",
    want: [
      want("breaking", SIGN_UP, "response 200", "requires2FA", "property removed"),
      want("breaking", OAUTH, "response 200", "token_type", "enum values added: mac"),
      want("non-breaking", SIGN_UP, "request body", "fingerprint", "optional property added"),
      want("non-breaking", "GET /readyz", "operation", "", "operation added"),
      want("deprecation", OAUTH, "operation", "", "deprecated"),
      want("documentation-only", SIGN_UP, "operation", "", "summary changed"),
    ],
  },
];

describe("fixture pairs", () => {
  it("has an expectation for every fixture directory, and a directory for every expectation", () => {
    const dirs = readdirSync(fixturesDir).sort();
    expect(FIXTURES.map((f) => f.given).sort()).toEqual(dirs);
    expect(dirs.length).toBeGreaterThanOrEqual(15);
  });

  it.each(FIXTURES)("classifies $given", async ({ given, want }) => {
    const changes = (await diffFixture(given)).map(brief);
    expect(changes).toEqual(want);
  });
});

// The shapes the library hands out: one Change per thing a client author would notice.

/** How a change affects a client that works against the base document today. */
export type Classification = "breaking" | "non-breaking" | "deprecation" | "documentation-only";

/** Order of the report: what needs attention first. */
export const CLASSIFICATIONS: readonly Classification[] = [
  "breaking",
  "non-breaking",
  "deprecation",
  "documentation-only",
];

/** Which way data flows at the place of a change, seen from the client. */
export type Direction = "request" | "response" | "none";

export interface Change {
  classification: Classification;
  /** `POST /commerce/customer/accounts/Add-Account-And-Login`; absent for document-level changes. */
  operation?: string;
  /**
   * Where in the operation: `request body`, `query parameter responseFields`, `response 200`,
   * `response 200 header x-vol-correlation`, `security`, `operation`, `servers`, `document`...
   */
  location: string;
  /** The media type of a request or response body, when the change is inside one. */
  mediaType?: string;
  /** Dotted path of the property inside the body or parameter (`customerAccount.contacts[].email`); "" for the whole. */
  path: string;
  /** What happened, for a person: `property removed`, `enum values added: mac`. */
  change: string;
  before?: unknown;
  after?: unknown;
  /** The rule that decided the classification (see classify.ts); lets a reviewer see why. */
  rule: string;
}

export type Summary = Record<Classification, number>;

/** A spec that parsed, looked like OpenAPI 3.x and had every internal $ref resolved. */
export interface LoadedSpec {
  /** What the user named (`HEAD~1`, `openapi/openapi.yaml`), for the report's heading. */
  label: string;
  document: Record<string, unknown>;
}

// The document layer of the drift guard: the OpenAPI document the real app emits from its zod
// routes says what openapi.yaml says (after the normalisation written down in
// compare-documents.ts), and the app serves exactly the spec's operations.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emittedDocument, ROUTES } from "../../src/routes.js";
import { loadSpec } from "../support/spec-validator.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { compareDocuments, compareRoutes, normalise } from "./compare-documents.js";

// One database is enough: the document and the routing table come from the code, not from the
// data (the behaviour layer runs every route suite on every database).
describe("the real app", () => {
  let t: TestApp;
  const spec = loadSpec();

  beforeAll(async () => {
    t = await createTestApp("sqlite");
  });
  afterAll(() => t.close());

  it("emits a document equal to openapi.yaml, difference for difference", () => {
    const differences = compareDocuments(spec, emittedDocument(t.app));
    // Every difference on its own line, so one failure shows them all.
    expect(differences.map((difference) => difference.text)).toEqual([]);
  });

  it("serves every operation of the spec, and no route the spec lacks", () => {
    const differences = compareRoutes(spec, t.app.routes);
    expect(differences.map((difference) => difference.text)).toEqual([]);
  });

  it("registers exactly the operations of ROUTES (the path canonicaliser's list)", () => {
    const registered = Object.keys(normalise(emittedDocument(t.app), "app").operations);
    const listed = ROUTES.map((route) => `${route.method.toUpperCase()} ${route.path}`);
    expect(registered.sort()).toEqual(listed.sort());
  });
});

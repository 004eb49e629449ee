// Edge cases of diffSpecs that the fixture pairs do not show: how documents are normalised
// before comparing (path-level parameters, inherited security), OpenAPI 3.0 and 3.1 spellings
// of nullability, circular schemas, and api-smart-diff's merged-array indexes.
import { describe, expect, it } from "vitest";
import { brief, diffDocs, minimalDoc, ok } from "./helpers.js";

const get = (operation: Record<string, unknown> = {}) => ({ responses: ok(), ...operation });
const query = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  in: "query",
  required: false,
  schema: { type: "string" },
  ...extra,
});

describe("diffSpecs", () => {
  it("finds nothing between a document and itself", async () => {
    const doc = minimalDoc({ "/a": { get: get() } });
    expect(await diffDocs(doc, doc)).toEqual([]);
  });

  it("reports a path-level parameter made required for every operation of the path", async () => {
    const item = (required: boolean) => ({
      parameters: [query("tenant", { required })],
      get: get(),
      delete: get(),
    });
    const changes = await diffDocs(
      minimalDoc({ "/t": item(false) }),
      minimalDoc({ "/t": item(true) }),
    );
    expect(changes.map(brief)).toEqual([
      expect.objectContaining({
        operation: "GET /t",
        location: "query parameter tenant",
        classification: "breaking",
      }),
      expect.objectContaining({
        operation: "DELETE /t",
        location: "query parameter tenant",
        classification: "breaking",
      }),
    ]);
  });

  it("names the right parameter when one is inserted before it", async () => {
    // api-smart-diff indexes parameters by its merged array (old ones, then added ones).
    const base = minimalDoc({ "/p": { get: get({ parameters: [query("a"), query("b")] }) } });
    const head = minimalDoc({
      "/p": {
        get: get({
          parameters: [
            query("c"),
            query("a"),
            query("b", { schema: { type: "string", maxLength: 5 } }),
          ],
        }),
      },
    });
    expect((await diffDocs(base, head)).map(brief)).toEqual([
      expect.objectContaining({
        location: "query parameter b",
        change: "maxLength added: 5",
        classification: "breaking",
      }),
      expect.objectContaining({
        location: "query parameter c",
        change: "optional parameter added",
        classification: "non-breaking",
      }),
    ]);
  });

  it("judges a document-wide security requirement on the operations that inherit it", async () => {
    const paths = { "/open": { get: get({ security: [] }) }, "/closed": { get: get() } };
    const schemes = {
      components: { securitySchemes: { token: { type: "http", scheme: "bearer" } } },
    };
    const changes = await diffDocs(
      minimalDoc(paths, schemes),
      minimalDoc(paths, { ...schemes, security: [{ token: [] }] }),
    );
    expect(changes.map(brief)).toEqual([
      expect.objectContaining({
        operation: "GET /closed",
        location: "security",
        change: "security requirement added",
      }),
    ]);
    expect(changes[0]).toMatchObject({ before: "none", after: "token" });
  });

  it("treats another way to authenticate as non-breaking and a replaced one as breaking", async () => {
    const schemes = {
      components: {
        securitySchemes: {
          token: { type: "http", scheme: "bearer" },
          key: { type: "apiKey", in: "header", name: "x-key" },
        },
      },
    };
    const doc = (security: unknown[]) => minimalDoc({ "/a": { get: get({ security }) } }, schemes);
    const relaxed = await diffDocs(doc([{ token: [] }]), doc([{ token: [] }, { key: [] }]));
    expect(relaxed.map((c) => [c.classification, c.change])).toEqual([
      ["non-breaking", "security requirement relaxed"],
    ]);
    const replaced = await diffDocs(doc([{ token: [] }]), doc([{ key: [] }]));
    expect(replaced.map((c) => [c.classification, c.change])).toEqual([
      ["breaking", "security requirement changed"],
    ]);
  });

  it("reads OpenAPI 3.0 `nullable: true` as nullability", async () => {
    const doc = (schema: unknown) => ({
      ...minimalDoc({
        "/a": { get: get({ responses: ok({ type: "object", properties: { n: schema } }) }) },
      }),
      openapi: "3.0.3",
    });
    const changes = await diffDocs(
      doc({ type: "string" }),
      doc({ type: "string", nullable: true }),
    );
    expect(changes.map((c) => [c.classification, c.path, c.change])).toEqual([
      ["breaking", "n", "nullability added"],
    ]);
  });

  it("sees no change when a 3.1 type array is only reordered", async () => {
    const doc = (type: string[]) =>
      minimalDoc({
        "/a": { get: get({ responses: ok({ type: "object", properties: { n: { type } } }) }) },
      });
    expect(await diffDocs(doc(["string", "null"]), doc(["null", "string"]))).toEqual([]);
  });

  it("treats integer -> number as a widening, and so breaking only in a response", async () => {
    const doc = (type: string) =>
      minimalDoc({
        "/a": {
          post: {
            requestBody: {
              content: {
                "application/json": { schema: { type: "object", properties: { q: { type } } } },
              },
            },
            responses: ok({ type: "object", properties: { r: { type } } }),
          },
        },
      });
    const changes = await diffDocs(doc("integer"), doc("number"));
    expect(changes.map((c) => [c.classification, c.location, c.path])).toEqual([
      ["breaking", "response 200", "r"],
      ["non-breaking", "request body", "q"],
    ]);
  });

  it("compares circular schemas without looping", async () => {
    const doc = (withName: boolean) =>
      minimalDoc(
        { "/tree": { get: get({ responses: ok({ $ref: "#/components/schemas/Node" }) }) } },
        {
          components: {
            schemas: {
              Node: {
                type: "object",
                properties: {
                  ...(withName && { name: { type: "string" } }),
                  children: { type: "array", items: { $ref: "#/components/schemas/Node" } },
                },
              },
            },
          },
        },
      );
    const changes = await diffDocs(doc(true), doc(false));
    expect(changes.map(brief)).toEqual([
      expect.objectContaining({
        classification: "breaking",
        operation: "GET /tree",
        path: "name",
        change: "property removed",
      }),
    ]);
  });

  it("does not require a request property the server marks readOnly", async () => {
    const doc = (required: string[]) =>
      minimalDoc({
        "/a": {
          post: {
            requestBody: {
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    required,
                    properties: { id: { type: "integer", readOnly: true } },
                  },
                },
              },
            },
            responses: ok(),
          },
        },
      });
    expect(await diffDocs(doc([]), doc(["id"]))).toEqual([]);
  });

  it("reports server, info and security-scheme changes at document level", async () => {
    const base = minimalDoc(
      { "/a": { get: get() } },
      {
        servers: [{ url: "/api" }],
        components: { securitySchemes: { t: { type: "http", scheme: "bearer" } } },
      },
    );
    const head = minimalDoc(
      { "/a": { get: get() } },
      {
        servers: [{ url: "/v2" }],
        components: { securitySchemes: { t: { type: "http", scheme: "basic" } } },
      },
    );
    head.info = { title: "t", version: "2.0.0" };
    const changes = (await diffDocs(base, head)).map((c) => [
      c.classification,
      c.location,
      c.change,
    ]);
    expect(changes).toEqual([
      ["breaking", "security scheme t", "security scheme scheme changed"],
      ["breaking", "servers", "server URL changed"],
      ["documentation-only", "document", "changed"],
    ]);
  });

  it("sees a renamed path template as the same URLs, and still compares its security", async () => {
    const schemes = { components: { securitySchemes: { t: { type: "http", scheme: "bearer" } } } };
    const doc = (name: string, security: unknown[]) =>
      minimalDoc(
        {
          [`/accounts/{${name}}`]: {
            get: get({
              security,
              parameters: [{ name, in: "path", required: true, schema: { type: "integer" } }],
            }),
          },
        },
        schemes,
      );
    const changes = await diffDocs(doc("id", []), doc("accountId", [{ t: [] }]));
    expect(changes.map((c) => [c.classification, c.location, c.change])).toEqual([
      ["breaking", "security", "security requirement added"],
      ["non-breaking", "path /accounts/{accountId}", "path template renamed (same URLs)"],
      ["non-breaking", "path parameter id", "path parameter renamed"],
    ]);
  });

  it("reports an inserted tag once, not as every later tag renamed", async () => {
    const tags = (names: string[]) => ({ tags: names.map((name) => ({ name })) });
    const paths = { "/a": { get: get() } };
    const changes = await diffDocs(
      minimalDoc(paths, tags(["a", "c", "d"])),
      minimalDoc(paths, tags(["a", "b", "c", "d"])),
    );
    expect(changes).toEqual([
      expect.objectContaining({
        classification: "documentation-only",
        path: "tags",
        change: "tags changed",
        before: "a, c, d",
        after: "a, b, c, d",
      }),
    ]);
  });

  it("flips request and response for webhooks, which the API sends", async () => {
    const doc = (properties: Record<string, unknown>) => ({
      ...minimalDoc({}),
      webhooks: {
        accountCreated: {
          post: {
            requestBody: {
              content: { "application/json": { schema: { type: "object", properties } } },
            },
            responses: { "200": { description: "received" } },
          },
        },
      },
    });
    const changes = await diffDocs(doc({ id: { type: "integer" } }), doc({}));
    expect(changes.map(brief)).toEqual([
      expect.objectContaining({
        classification: "breaking",
        operation: "POST accountCreated (webhook)",
        location: "request body",
        path: "id",
      }),
    ]);
  });
});

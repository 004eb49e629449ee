// The contract itself: openapi.yaml parses, every $ref resolves, Redocly's recommended rules
// pass without a warning, and every example is valid against its schema, with no field the
// schema does not declare (so the examples prove every seed field is in the spec).
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import $RefParser from "@apidevtools/json-schema-ref-parser";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { seedRequest, seedResponse } from "./seed-example.js";

const specPath = fileURLToPath(new URL("../../../openapi/openapi.yaml", import.meta.url));
const redoclyConfig = fileURLToPath(new URL("../../../openapi/redocly.yaml", import.meta.url));
const redocly = fileURLToPath(new URL("../../../node_modules/.bin/redocly", import.meta.url));

type Json = Record<string, unknown>;
const spec = parse(readFileSync(specPath, "utf8")) as Json;

function* refsIn(node: unknown, at = "#"): Generator<{ at: string; ref: string }> {
  if (Array.isArray(node)) {
    for (const [i, child] of node.entries()) yield* refsIn(child, `${at}/${i}`);
  } else if (node && typeof node === "object") {
    for (const [key, child] of Object.entries(node)) {
      if (key === "$ref" && typeof child === "string") yield { at, ref: child };
      else yield* refsIn(child, `${at}/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`);
    }
  }
}

function resolvePointer(doc: unknown, ref: string): unknown {
  if (!ref.startsWith("#/")) return undefined;
  let node: unknown = doc;
  for (const raw of ref.slice(2).split("/")) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (!node || typeof node !== "object" || !(key in node)) return undefined;
    node = (node as Json)[key];
  }
  return node;
}

/** A copy of the schemas in which every object rejects properties it does not declare. */
function closedSchemas(schemas: Json): Json {
  const close = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(close);
    if (!node || typeof node !== "object") return node;
    const copy = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, close(v)]));
    if ("properties" in copy && !("additionalProperties" in copy)) {
      copy.additionalProperties = false;
    }
    return copy;
  };
  return close(schemas) as Json;
}

describe("openapi.yaml", () => {
  it("is an OpenAPI 3.1 document served under /api", () => {
    expect(spec.openapi).toMatch(/^3\.1\./);
    expect(spec.servers).toEqual([expect.objectContaining({ url: "/api" })]);
  });

  it("resolves every $ref it contains", async () => {
    const broken = [...refsIn(spec)].filter(({ ref }) => resolvePointer(spec, ref) === undefined);
    expect(broken).toEqual([]);
    // And a standard dereferencer agrees (it also rejects circular or external surprises).
    await expect($RefParser.dereference(structuredClone(spec))).resolves.toBeTruthy();
  });

  it("passes Redocly's recommended rules with no error and no warning", async () => {
    const { stdout, stderr } = await promisify(execFile)(
      redocly,
      ["lint", specPath, "--config", redoclyConfig, "--format", "stylish"],
      { env: { ...process.env, NO_COLOR: "1" } },
    ).catch((error: { stdout: string; stderr: string }) => error);
    const report = `${stdout}\n${stderr}`;
    expect(report).toContain("Your API description is valid");
    expect(report).not.toMatch(/\d+:\d+\s+(error|warning)\s/);
  });

  describe("every example is valid for its schema and uses only declared fields", () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const components = spec.components as Json;
    ajv.addSchema({
      $id: "spec",
      components: { schemas: closedSchemas(components.schemas as Json) },
    });

    const cases: { name: string; schemaRef: string; value: unknown }[] = [];
    const pointers = new Map<string, string>();
    for (const { at, ref } of refsIn(spec)) pointers.set(at, ref);
    const visit = (node: unknown, at: string) => {
      if (!node || typeof node !== "object") return;
      const media = node as Json;
      const schema = media.schema as Json | undefined;
      if (schema?.$ref && media.examples) {
        for (const [name, example] of Object.entries(media.examples as Json)) {
          cases.push({
            name: `${at} ${name}`,
            schemaRef: String(schema.$ref),
            value: (example as Json).value,
          });
        }
      }
      for (const [key, child] of Object.entries(node)) visit(child, `${at}/${key}`);
    };
    visit(spec, "#");

    it("finds the request and response examples", () => {
      expect(cases.length).toBeGreaterThanOrEqual(4);
    });

    it.each(cases)("$name", ({ schemaRef, value }) => {
      const validate = ajv.getSchema(`spec${schemaRef}`);
      expect(validate).toBeDefined();
      const valid = validate?.(value);
      expect(validate?.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
    });
  });

  it("has examples equal to the literals the type test compiles", () => {
    const operation = (spec.paths as Json)[
      "/commerce/customer/accounts/Add-Account-And-Login"
    ] as Json;
    const post = operation.post as Json;
    const body = ((post.requestBody as Json).content as Json)["application/json"] as Json;
    const ok = (((post.responses as Json)["200"] as Json).content as Json)[
      "application/json"
    ] as Json;
    expect(((body.examples as Json).shopper as Json).value).toEqual(seedRequest);
    expect(((ok.examples as Json).loggedIn as Json).value).toEqual(seedResponse);
  });
});

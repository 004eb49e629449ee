// Text -> a dereferenced OpenAPI 3.x document, or a SpecError naming the side and the reason.
import { $RefParser } from "@apidevtools/json-schema-ref-parser";
import { parseDocument } from "yaml";
import { type Side, SpecError } from "./errors.js";
import type { LoadedSpec } from "./types.js";

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Parses YAML (or JSON, which is YAML) and checks that it is an OpenAPI 3.x document. */
export function parseSpecText(text: string, side: Side): Json {
  if (text.trim() === "") throw new SpecError(side, "the document is empty");
  // `yaml` caps alias expansion (maxAliasCount), so a hostile "billion laughs" file fails here.
  const parsed = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const [error] = parsed.errors;
  if (error) throw new SpecError(side, `not valid YAML: ${error.message.split("\n")[0]}`);
  let doc: unknown;
  try {
    doc = parsed.toJS();
  } catch (cause) {
    throw new SpecError(side, `not valid YAML: ${(cause as Error).message}`);
  }
  if (!isObject(doc)) {
    throw new SpecError(side, "not an OpenAPI document: the top level is not a mapping");
  }
  if (doc.swagger !== undefined) {
    throw new SpecError(
      side,
      `Swagger ${String(doc.swagger)} is not supported: convert it to OpenAPI 3.x first`,
    );
  }
  if (typeof doc.openapi !== "string" || !/^3\.\d+(\.\d+)?/.test(doc.openapi)) {
    const found = doc.openapi === undefined ? "no `openapi` field" : `openapi: ${doc.openapi}`;
    throw new SpecError(side, `not an OpenAPI 3.x document (${found})`);
  }
  if (doc.paths !== undefined && !isObject(doc.paths)) {
    throw new SpecError(side, "`paths` is not a mapping");
  }
  return doc;
}

function* externalRefs(node: unknown, seen = new Set<unknown>()): Generator<string> {
  if (typeof node !== "object" || node === null || seen.has(node)) return;
  seen.add(node);
  for (const [key, child] of Object.entries(node)) {
    if (key === "$ref" && typeof child === "string" && !child.startsWith("#")) yield child;
    else yield* externalRefs(child, seen);
  }
}

/**
 * Inlines every internal $ref, so that a schema shared through `components` is compared where
 * it is used (a request body or a response), not once in isolation. Circular references stay
 * as `$ref` (api-smart-diff and our own lookups follow them lazily); external ones are refused,
 * because reading other files or URLs named by a pull request is neither expected nor safe.
 */
export async function dereferenceSpec(doc: Json, side: Side): Promise<Json> {
  let result: unknown;
  try {
    result = await $RefParser.dereference(structuredClone(doc), {
      resolve: { external: false },
      dereference: { circular: "ignore", preservedProperties: ["description", "summary"] },
    });
  } catch (cause) {
    throw new SpecError(side, `a $ref cannot be resolved: ${(cause as Error).message}`);
  }
  if (!isObject(result)) throw new SpecError(side, "the document did not dereference to a mapping");
  const [external] = externalRefs(result);
  if (external !== undefined) {
    throw new SpecError(
      side,
      `external $ref "${external}" is not supported: bundle the spec first`,
    );
  }
  return result;
}

/** parseSpecText + dereferenceSpec: what every caller of diffSpecs needs first. */
export async function loadSpec(text: string, side: Side, label: string): Promise<LoadedSpec> {
  const parsed = parseSpecText(text, side);
  return { label, document: await dereferenceSpec(parsed, side) };
}

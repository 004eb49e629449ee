// The behaviour layer of the drift guard: every response a suite provokes is checked against
// openapi.yaml itself (not against the server's zod schemas). A response fails when its status
// is not documented for the operation, its body breaks the schema or carries a property the
// spec does not declare, or a documented header is missing. Violations name the operation,
// the status and the JSON pointer.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { parse } from "yaml";

type Json = Record<string, unknown>;

export const SPEC_PATH = fileURLToPath(
  new URL("../../../../openapi/openapi.yaml", import.meta.url),
);

export function loadSpec(path = SPEC_PATH): Json {
  return parse(readFileSync(path, "utf8")) as Json;
}

export class SpecViolation extends Error {
  override name = "SpecViolation";
}

export interface ObservedResponse {
  method: string;
  url: string;
  status: number;
  headers: Headers;
  body: unknown;
}

interface Operation {
  id: string;
  method: string;
  pattern: RegExp;
  responses: Json;
}

/** Every object that lists properties rejects the ones it does not list. */
function closed(node: unknown, dropRequired: boolean): unknown {
  if (Array.isArray(node)) return node.map((child) => closed(child, dropRequired));
  if (!node || typeof node !== "object") return node;
  const copy: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (dropRequired && key === "required" && Array.isArray(value)) continue;
    copy[key] = closed(value, dropRequired);
  }
  if ("properties" in copy && !("additionalProperties" in copy)) copy.additionalProperties = false;
  return copy;
}

function resolve(spec: Json, node: unknown): Json {
  let current = node as Json;
  while (current && typeof current.$ref === "string") {
    current = current.$ref
      .slice(2)
      .split("/")
      .reduce<unknown>((at, key) => (at as Json)[key], spec) as Json;
  }
  return current;
}

export function createSpecValidator(spec: Json = loadSpec()) {
  const makeAjv = (dropRequired: boolean) => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv);
    ajv.addSchema({ $id: "spec", components: closed(spec.components, dropRequired) });
    return ajv;
  };
  const strict = makeAjv(false);
  // With responseFields the caller chose which fields come back: the spec says unselected
  // fields are left out, required or not, so only `required` is relaxed.
  const selected = makeAjv(true);

  const baseUrl = String((spec.servers as Json[] | undefined)?.[0]?.url ?? "");
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(spec.paths as Json)) {
    const pathItem = item as Json;
    const server = String((pathItem.servers as Json[] | undefined)?.[0]?.url ?? baseUrl);
    const full = `${server.replace(/\/$/, "")}${path}`;
    const pattern = new RegExp(
      `^${full.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}$`,
      "i",
    );
    for (const method of ["get", "put", "post", "delete", "patch"]) {
      const operation = pathItem[method] as Json | undefined;
      if (!operation) continue;
      operations.push({
        id: String(operation.operationId),
        method: method.toUpperCase(),
        pattern,
        responses: operation.responses as Json,
      });
    }
  }
  const errorSchemaRef = "spec#/components/schemas/KiboError";
  const compiled = new Map<string, ValidateFunction>();
  const validatorFor = (ajv: Ajv2020, key: string, schema: Json) => {
    const cacheKey = `${ajv === strict ? "s" : "r"}:${key}`;
    let validate = compiled.get(cacheKey);
    if (!validate) {
      validate = ajv.compile(rewriteRefs(schema));
      compiled.set(cacheKey, validate);
    }
    return validate;
  };

  return {
    operations,

    /** The problems with one response; empty when it matches the spec. */
    check(observed: ObservedResponse): string[] {
      const { pathname, searchParams } = new URL(observed.url, "http://localhost");
      const operation = operations.find(
        (op) => op.method === observed.method.toUpperCase() && op.pattern.test(pathname),
      );
      const problems: string[] = [];
      if (!operation && META_ROUTE.test(pathname)) return problems;
      if (!operation) {
        // No operation here: the answer must be Kibo's 404 (or 405) error, nothing else.
        const validate = strict.getSchema(errorSchemaRef);
        if (observed.status !== 404) {
          problems.push(
            `${observed.method} ${pathname}: no operation, yet status ${observed.status}`,
          );
        }
        if (validate && !validate(observed.body)) {
          problems.push(...describe(`${observed.method} ${pathname}`, observed.status, validate));
        }
        return problems;
      }
      const where = `${operation.id} ${observed.status}`;
      const documented = operation.responses[String(observed.status)];
      if (!documented) {
        return [`${where}: status ${observed.status} is not documented for ${operation.id}`];
      }
      const response = resolve(spec, documented);
      for (const [name, header] of Object.entries((response.headers as Json | undefined) ?? {})) {
        const resolved = resolve(spec, header);
        if (resolved.required === true && !observed.headers.has(name)) {
          problems.push(`${where}: header ${name} is missing`);
        }
      }
      const media = (response.content as Json | undefined)?.["application/json"] as
        | Json
        | undefined;
      if (media) {
        const contentType = observed.headers.get("content-type") ?? "";
        if (!contentType.startsWith("application/json")) {
          problems.push(`${where}: content-type is "${contentType}", not application/json`);
        }
        const success = observed.status < 400;
        const ajv = success && searchParams.has("responseFields") ? selected : strict;
        const validate = validatorFor(
          ajv,
          `${operation.id}:${observed.status}`,
          media.schema as Json,
        );
        if (!validate(observed.body)) problems.push(...describe(where, observed.status, validate));
      }
      return problems;
    },
  };
}

/**
 * The routes that serve the spec itself and its reference page (/openapi.json, /docs and its
 * assets). They are not API operations, so the spec does not list them; everything else the
 * server answers must be an operation of the spec.
 */
export const META_ROUTE = /^\/(openapi\.json|docs(\/.*)?)$/;

function rewriteRefs(schema: Json): Json {
  return JSON.parse(JSON.stringify(schema).replaceAll('"$ref":"#/', '"$ref":"spec#/')) as Json;
}

function describe(where: string, _status: number, validate: ValidateFunction): string[] {
  return (validate.errors ?? []).map((error) => {
    const extra =
      error.keyword === "additionalProperties"
        ? ` (undeclared property "${String(error.params.additionalProperty)}")`
        : "";
    return `${where}: ${error.instancePath || "/"} ${error.message ?? error.keyword}${extra}`;
  });
}

export type SpecValidator = ReturnType<typeof createSpecValidator>;

let shared: SpecValidator | undefined;
/** One validator for the whole test run (compiling the spec once). */
export function specValidator(): SpecValidator {
  shared ??= createSpecValidator();
  return shared;
}

/** Reads a response (without consuming it) and throws SpecViolation when it breaks the spec. */
export async function assertMatchesSpec(
  method: string,
  url: string,
  response: Response,
  validator: SpecValidator = specValidator(),
): Promise<void> {
  const text = await response.clone().text();
  let body: unknown = text;
  if ((response.headers.get("content-type") ?? "").includes("json")) {
    try {
      body = JSON.parse(text);
    } catch {
      throw new SpecViolation(`${method} ${url}: the body is not JSON: ${text.slice(0, 80)}`);
    }
  }
  const problems = validator.check({
    method,
    url,
    status: response.status,
    headers: response.headers,
    body,
  });
  if (problems.length > 0) throw new SpecViolation(problems.join("\n"));
}

/** A fetch that checks every response against the spec before handing it over. */
export function validatingFetch(inner: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const response = await inner(request.clone());
    await assertMatchesSpec(request.method, request.url, response);
    return response;
  };
}

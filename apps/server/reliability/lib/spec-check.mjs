// The behaviour layer of the drift guard: a response is checked against openapi.yaml itself (not
// against the server's zod schemas). It fails when its status is not documented for the
// operation, its body breaks the schema or carries a property the spec does not declare, or a
// documented header is missing. Problems name the operation, the status and the JSON pointer.
// Plain JavaScript, so that `npm run reliability` uses it as it is; the tests use it through
// test/support/spec-validator.ts (types in spec-check.d.mts).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { parse } from "yaml";

export const SPEC_PATH = fileURLToPath(
  new URL("../../../../openapi/openapi.yaml", import.meta.url),
);

export function loadSpec(path = SPEC_PATH) {
  return parse(readFileSync(path, "utf8"));
}

/**
 * The routes that serve the spec itself and its reference page (/openapi.json, /docs and its
 * assets). They are not API operations, so the spec does not list them; everything else the
 * server answers must be an operation of the spec.
 */
export const META_ROUTE = /^\/(openapi\.json|docs(\/.*)?)$/;

/** Every object that lists properties rejects the ones it does not list. */
function closed(node, dropRequired) {
  if (Array.isArray(node)) return node.map((child) => closed(child, dropRequired));
  if (!node || typeof node !== "object") return node;
  const copy = {};
  for (const [key, value] of Object.entries(node)) {
    if (dropRequired && key === "required" && Array.isArray(value)) continue;
    copy[key] = closed(value, dropRequired);
  }
  if ("properties" in copy && !("additionalProperties" in copy)) copy.additionalProperties = false;
  return copy;
}

function resolve(spec, node) {
  let current = node;
  while (current && typeof current.$ref === "string") {
    current = current.$ref
      .slice(2)
      .split("/")
      .reduce((at, key) => at[key], spec);
  }
  return current;
}

const rewriteRefs = (schema) =>
  JSON.parse(JSON.stringify(schema).replaceAll('"$ref":"#/', '"$ref":"spec#/'));

function describe(where, validate) {
  return (validate.errors ?? []).map((error) => {
    const extra =
      error.keyword === "additionalProperties"
        ? ` (undeclared property "${String(error.params.additionalProperty)}")`
        : "";
    return `${where}: ${error.instancePath || "/"} ${error.message ?? error.keyword}${extra}`;
  });
}

/**
 * A response's body as the checker wants it: parsed when its content type says JSON.
 * `problem` says why it could not be parsed.
 */
export function bodyOf(text, headers) {
  if (!(headers.get("content-type") ?? "").includes("json")) return { body: text };
  // No body at all (an answer to HEAD): nothing to parse; a schema still refuses undefined.
  if (text === "") return { body: undefined };
  try {
    return { body: JSON.parse(text) };
  } catch {
    return { body: text, problem: `the body is not JSON: ${text.slice(0, 80)}` };
  }
}

function decodedPath(path) {
  try {
    return decodeURI(path);
  } catch {
    return path; // a malformed escape: the server answers it as written
  }
}

export function createSpecChecker(spec = loadSpec()) {
  const makeAjv = (dropRequired) => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv);
    ajv.addSchema({ $id: "spec", components: closed(spec.components, dropRequired) });
    return ajv;
  };
  const strict = makeAjv(false);
  // With responseFields the caller chose which fields come back: the spec says unselected
  // fields are left out, required or not, so only `required` is relaxed.
  const selected = makeAjv(true);

  const baseUrl = String(spec.servers?.[0]?.url ?? "");
  const operations = [];
  for (const [path, item] of Object.entries(spec.paths)) {
    const server = String(item.servers?.[0]?.url ?? baseUrl);
    const full = `${server.replace(/\/$/, "")}${path}`;
    // Any case, and one trailing slash or none, as the spec's description says.
    const pattern = new RegExp(
      `^${full.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}/?$`,
      "i",
    );
    for (const method of ["get", "put", "post", "delete", "patch"]) {
      const operation = item[method];
      if (!operation) continue;
      operations.push({
        id: String(operation.operationId),
        method: method.toUpperCase(),
        pattern,
        parameters: (full.match(/\{/g) ?? []).length,
        responses: operation.responses,
      });
    }
  }
  /**
   * The operations of the path item a request path is: a fixed path before a templated one, as
   * OpenAPI matches them (/accounts/Add-Account-And-Login is not /accounts/{accountId}).
   */
  const operationsAt = (pathname) => {
    const fitting = operations.filter((op) => op.pattern.test(pathname));
    const fewest = Math.min(...fitting.map((op) => op.parameters));
    return fitting.filter((op) => op.parameters === fewest);
  };
  const errorSchemaRef = "spec#/components/schemas/KiboError";
  const compiled = new Map();
  const validatorFor = (ajv, key, schema) => {
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

    /** The problems with one response (its body parsed, see bodyOf); empty when it matches. */
    check({ method, url, status, headers, body }) {
      const parsed = new URL(url, "http://localhost");
      const { searchParams } = parsed;
      // The path as the server routes it: percent-escapes decoded as decodeURI does (Hono too).
      const pathname = decodedPath(parsed.pathname);
      // HEAD is answered as GET, without the body.
      const head = method.toUpperCase() === "HEAD";
      const pathOperations = operationsAt(pathname);
      const operation = pathOperations.find(
        (op) => op.method === (head ? "GET" : method.toUpperCase()),
      );
      const problems = [];
      if (!operation && META_ROUTE.test(pathname)) return problems;
      if (!operation) {
        // No operation here: the answer must be Kibo's error, nothing else. 404 where the path
        // has no operation at all; 405 where it has some for other methods, with an Allow
        // header naming exactly those (and HEAD with GET), as the spec's description says.
        const validate = strict.getSchema(errorSchemaRef);
        const methods = new Set(pathOperations.map((op) => op.method));
        if (methods.size === 0 && status !== 404)
          problems.push(`${method} ${pathname}: no operation, yet status ${status}`);
        if (methods.size > 0) {
          if (methods.has("GET")) methods.add("HEAD");
          const expected = [...methods].sort().join(", ");
          const allow = (headers.get("allow") ?? "").split(",").map((m) => m.trim());
          const sent = allow.filter(Boolean).sort().join(", ");
          if (status !== 405)
            problems.push(`${method} ${pathname}: no ${method} operation, yet status ${status}`);
          else if (sent !== expected)
            problems.push(`${method} ${pathname}: Allow is "${sent}", not "${expected}"`);
          if (status === 405 && !head && body?.errorCode !== "METHOD_NOT_ALLOWED")
            problems.push(`${method} ${pathname}: 405 with errorCode ${body?.errorCode}`);
        }
        if (validate && !head && !validate(body))
          problems.push(...describe(`${method} ${pathname}`, validate));
        return problems;
      }
      const where = `${operation.id} ${status}`;
      const documented = operation.responses[String(status)];
      if (!documented) return [`${where}: status ${status} is not documented for ${operation.id}`];
      const response = resolve(spec, documented);
      for (const [name, header] of Object.entries(response.headers ?? {})) {
        if (resolve(spec, header).required === true && !headers.has(name)) {
          problems.push(`${where}: header ${name} is missing`);
        }
      }
      const media = response.content?.["application/json"];
      if (media) {
        const contentType = headers.get("content-type") ?? "";
        if (!contentType.startsWith("application/json")) {
          problems.push(`${where}: content-type is "${contentType}", not application/json`);
        }
        if (head) return problems;
        const ajv = status < 400 && searchParams.has("responseFields") ? selected : strict;
        const validate = validatorFor(ajv, `${operation.id}:${status}`, media.schema);
        if (!validate(body)) problems.push(...describe(where, validate));
      }
      return problems;
    },
  };
}

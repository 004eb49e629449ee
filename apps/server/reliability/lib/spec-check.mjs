// Every response the reliability script provokes is checked against openapi.yaml, by the same
// rules as test/support/spec-validator.ts (the script is plain JavaScript and cannot import
// that TypeScript module): the status must be documented for the operation, the body must
// match its schema with no undeclared property, and documented required headers must be there.
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

/** Objects that list properties reject the ones they do not list. */
function closed(node) {
  if (Array.isArray(node)) return node.map(closed);
  if (!node || typeof node !== "object") return node;
  const copy = {};
  for (const [key, value] of Object.entries(node)) copy[key] = closed(value);
  if ("properties" in copy && !("additionalProperties" in copy)) copy.additionalProperties = false;
  return copy;
}

const resolve = (spec, node) => {
  let current = node;
  while (current && typeof current.$ref === "string") {
    current = current.$ref
      .slice(2)
      .split("/")
      .reduce((at, key) => at[key], spec);
  }
  return current;
};

const META_ROUTE = /^\/(openapi\.json|docs(\/.*)?)$/;

export function createSpecChecker(spec = loadSpec()) {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats.default(ajv);
  ajv.addSchema({ $id: "spec", components: closed(spec.components) });
  const baseUrl = String(spec.servers?.[0]?.url ?? "");
  const operations = [];
  for (const [path, item] of Object.entries(spec.paths)) {
    const server = String(item.servers?.[0]?.url ?? baseUrl);
    const full = `${server.replace(/\/$/, "")}${path}`;
    const pattern = new RegExp(
      `^${full.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}$`,
      "i",
    );
    for (const method of ["get", "put", "post", "delete", "patch"]) {
      if (!item[method]) continue;
      operations.push({
        id: item[method].operationId,
        method: method.toUpperCase(),
        pattern,
        responses: item[method].responses,
      });
    }
  }
  const compiled = new Map();
  const validatorFor = (key, schema) => {
    let validate = compiled.get(key);
    if (!validate) {
      const rewritten = JSON.parse(
        JSON.stringify(schema).replaceAll('"$ref":"#/', '"$ref":"spec#/'),
      );
      validate = ajv.compile(rewritten);
      compiled.set(key, validate);
    }
    return validate;
  };
  const describe = (where, validate) =>
    (validate.errors ?? []).map(
      (error) => `${where}: ${error.instancePath || "/"} ${error.message ?? error.keyword}`,
    );

  return {
    /** The problems with one response (empty when it matches the spec). */
    check({ method, url, status, headers, text }) {
      const { pathname } = new URL(url, "http://localhost");
      let body = text;
      if ((headers.get("content-type") ?? "").includes("json")) {
        try {
          body = JSON.parse(text);
        } catch {
          return [`${method} ${pathname}: the body is not JSON: ${text.slice(0, 80)}`];
        }
      }
      const operation = operations.find(
        (op) => op.method === method.toUpperCase() && op.pattern.test(pathname),
      );
      if (!operation) {
        if (META_ROUTE.test(pathname)) return [];
        const validate = ajv.getSchema("spec#/components/schemas/KiboError");
        const problems =
          status === 404 ? [] : [`${method} ${pathname}: no operation, yet ${status}`];
        if (validate && !validate(body))
          problems.push(...describe(`${method} ${pathname}`, validate));
        return problems;
      }
      const where = `${operation.id} ${status}`;
      const documented = operation.responses[String(status)];
      if (!documented) return [`${where}: status ${status} is not documented for ${operation.id}`];
      const response = resolve(spec, documented);
      const problems = [];
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
        const validate = validatorFor(`${operation.id}:${status}`, media.schema);
        if (!validate(body)) problems.push(...describe(where, validate));
      }
      return problems;
    },
  };
}

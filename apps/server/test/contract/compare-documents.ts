// The document layer of the drift guard: openapi.yaml (written by hand) against the document
// the app emits from its zod routes (@hono/zod-openapi), and openapi.yaml against the routes
// Hono really serves.
//
// Both documents go through the same normalisation before they are compared. Each rule below
// removes a difference of *spelling* only, one that no client, validator or code generator can
// observe; nothing that changes what a request or a response may carry is normalised away.
//
//  1. Operations are keyed by method and full path. openapi.yaml writes paths relative to a
//     server (`servers[0].url` of the operation, else of the path item, else of the document:
//     `/api` for the Kibo operations, `/` for the probes); the app registers full paths
//     (`/api/...`, `/healthz`). Full path = server path + path.
//  2. Every `$ref` inside an operation is replaced by what it points to. openapi.yaml shares
//     parameters, responses, headers and schemas through `components`; the emitted document
//     inlines parameters, responses and headers and refers only to schemas. What a client
//     gets is the same either way. Component *schemas* are compared by name as well
//     (`components.schemas.X`, their inner `$ref`s kept as references), so that a named schema
//     the app lost, renamed or added is reported once, at its name; so are security schemes.
//     Other component maps (responses, parameters, headers) are not compared by name: they
//     only exist to be referenced, and every use of them is compared inside the operations.
//  3. Prose and presentation are dropped: `description`, `summary`, `title`, `example`,
//     `examples`, `$comment`, `tags`, `externalDocs`, specification extensions (`x-...`, such
//     as `x-extension: true` marking an operation Kibo does not have), and at the top `info`,
//     `servers`, `tags`. They are annotations for readers and tools: no validator reads them.
//     (Only where they are keywords: a schema *property* called `description`, as in
//     CustomerSegment, is of course kept.)
//  4. Empty `webhooks` and empty `components.*` maps are dropped: @hono/zod-openapi emits
//     `webhooks: {}` and `components.parameters: {}` even when there are none.
//  5. Security is the effective one: the operation's `security`, else the document's, else
//     none. openapi.yaml states the application token once at the top and `security: []` on
//     the public operations; the app states it on every operation. A requirement list is an
//     OR of ANDs, so lists and scopes are compared in sorted order.
//  6. Parameters are a set keyed by location and name (their order means nothing); header
//     names are lower-cased (HTTP header names are case-insensitive), in parameters and in
//     response headers alike. Parameters of a path item are merged into each operation, an
//     operation's own parameter of the same location and name winning (OpenAPI's rule).
//  7. Defaults are written out: an absent `required` on a parameter, header or request body is
//     `false` (OpenAPI's default; the app writes `required: false` on query parameters); an
//     absent `style`/`explode` equals the location's default, so an explicit default is dropped.
//  8. Status codes are strings (`200`, as YAML keys and JSON keys both become).
//  9. In schemas, `required` and `enum` are sets (JSON Schema gives their order no meaning; the
//     app's `required` follows zod key order), `type: [x]` is `type: x`, and a type list is
//     compared as a set (written in sorted order with `null` last, as openapi.yaml writes it).
// 10. `format: int32` already bounds an integer to [-2^31, 2^31-1]: a `minimum`/`maximum` equal
//     to exactly those bounds is dropped. zod emits them when an int32 is written with its
//     range (`z.int().min(-(2 ** 31)).max(2 ** 31 - 1).openapi({ format: "int32" })`, which
//     also keeps `.nullable()` and narrower `.min()`/`.max()` visible). Any other bound stays.
//
// Everything else is compared as written: operationIds, every parameter's location, name,
// requiredness and schema, request bodies and their media types, every status code with its
// headers and body schema per media type, and in schemas every type, format, nullability,
// `required`, enum, constraint (length, range, pattern, item counts) and
// `additionalProperties`. Unknown keys are compared too, never ignored.
//
// Differences read `<place>: <spec> != <app>` (the left value is openapi.yaml's, the right
// the app's), or `<place>: in spec only` / `in app only`.

import { META_ROUTE } from "../support/spec-validator.js";

type Json = Record<string, unknown>;
export type Side = "spec" | "app";

export interface Difference {
  /** Where: `POST /api/... responses.200 schema: customerAccount.id format`, or a JSON path. */
  place: string;
  /** The whole message: the place, then what differs. */
  text: string;
}

export interface NormalisedOperation {
  operationId: unknown;
  security: unknown[];
  /** `query responseFields`, `header x-vol-tenant`, `path tenantId` -> the parameter. */
  parameters: Record<string, Json>;
  requestBody: Json | undefined;
  /** Status -> { required headers..., content: media type -> { schema } }. */
  responses: Record<string, Json>;
  /** Any other key of the operation (deprecated, callbacks...), normalised generically. */
  rest: Json;
}

export interface NormalisedDocument {
  openapi: unknown;
  /** `POST /api/commerce/customer/accounts/Add-Account-And-Login` -> operation. */
  operations: Record<string, NormalisedOperation>;
  schemas: Record<string, unknown>;
  securitySchemes: Record<string, unknown>;
  /** Anything else at the top of the document that is not an annotation. */
  rest: Json;
}

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
/** Annotation keywords: never read by a validator (rule 3); `x-...` extensions too. */
const ANNOTATION_KEYWORDS = new Set([
  "description",
  "summary",
  "title",
  "example",
  "examples",
  "$comment",
  "tags",
  "externalDocs",
]);
const ANNOTATIONS = { has: (key: string) => ANNOTATION_KEYWORDS.has(key) || key.startsWith("x-") };
/** Keywords whose value is one schema. */
const SCHEMA_KEYWORDS = new Set([
  "items",
  "additionalProperties",
  "unevaluatedProperties",
  "unevaluatedItems",
  "not",
  "contains",
  "propertyNames",
  "if",
  "then",
  "else",
  "contentSchema",
]);
/** Keywords whose value is a list of schemas. */
const SCHEMA_LIST_KEYWORDS = new Set(["anyOf", "oneOf", "allOf", "prefixItems"]);
/** Keywords whose value maps names to schemas. */
const SCHEMA_MAP_KEYWORDS = new Set([
  "properties",
  "patternProperties",
  "$defs",
  "dependentSchemas",
]);
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const sortedBy = <T>(values: T[]): T[] =>
  [...values].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));

/** `null` last, the rest alphabetical: `[string, "null"]`, as openapi.yaml writes it. */
const sortTypes = (types: unknown[]): unknown[] =>
  [...types].sort((a, b) =>
    a === "null" ? 1 : b === "null" ? -1 : String(a).localeCompare(String(b)),
  );

/** A pointer such as `#/components/schemas/CustomerAccount`, looked up in `doc`. */
function lookup(doc: Json, ref: string, side: Side): unknown {
  if (!ref.startsWith("#/")) throw new Error(`${side}: only local $refs are supported: ${ref}`);
  let at: unknown = doc;
  for (const raw of ref.slice(2).split("/")) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (!isObject(at) || !(key in at)) throw new Error(`${side}: $ref ${ref} points nowhere`);
    at = at[key];
  }
  return at;
}

/** Follows a chain of `$ref`s on a non-schema object (parameter, response, header). */
function follow(doc: Json, node: unknown, side: Side): Json {
  let at = node;
  for (let hops = 0; isObject(at) && typeof at.$ref === "string"; hops += 1) {
    if (hops > 20) throw new Error(`${side}: $ref loop at ${at.$ref}`);
    at = lookup(doc, at.$ref, side);
  }
  return isObject(at) ? at : {};
}

interface SchemaContext {
  doc: Json;
  side: Side;
  /** Inline every `$ref` (operations) or keep them as references (component schemas). */
  inline: boolean;
  /** The `$ref`s being inlined right now: a recursive schema stays a reference (no loop). */
  open: Set<string>;
}

export function normaliseSchema(node: unknown, context: SchemaContext): unknown {
  if (!isObject(node)) return node; // `true`, `false`, or a malformed value compared as is.
  if (typeof node.$ref === "string" && context.inline && !context.open.has(node.$ref)) {
    const ref = node.$ref;
    context.open.add(ref);
    const target = normaliseSchema(lookup(context.doc, ref, context.side), context);
    context.open.delete(ref);
    const { $ref: _ref, ...siblings } = node;
    const rest = normaliseSchema(siblings, context) as Json;
    // A bare $ref is its target; siblings (3.1 allows them) stay next to the inlined target.
    return Object.keys(rest).length === 0 ? target : { ...rest, $ref: target };
  }
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (ANNOTATIONS.has(key)) continue;
    if (SCHEMA_MAP_KEYWORDS.has(key) && isObject(value)) {
      out[key] = Object.fromEntries(
        Object.entries(value).map(([name, schema]) => [name, normaliseSchema(schema, context)]),
      );
    } else if (SCHEMA_KEYWORDS.has(key)) {
      out[key] = normaliseSchema(value, context);
    } else if (SCHEMA_LIST_KEYWORDS.has(key) && Array.isArray(value)) {
      out[key] = value.map((schema) => normaliseSchema(schema, context));
    } else if (key === "required" && Array.isArray(value)) {
      out[key] = [...value].map(String).sort();
    } else if (key === "enum" && Array.isArray(value)) {
      out[key] = sortedBy(value);
    } else if (key === "type" && Array.isArray(value)) {
      out[key] = value.length === 1 ? value[0] : sortTypes(value);
    } else {
      out[key] = value;
    }
  }
  if (out.format === "int32") {
    if (out.minimum === INT32_MIN) delete out.minimum;
    if (out.maximum === INT32_MAX) delete out.maximum;
  }
  return out;
}

const DEFAULT_STYLE: Record<string, string> = {
  query: "form",
  cookie: "form",
  path: "simple",
  header: "simple",
};

/** Rule 7: a parameter or header with its defaults written out and its prose dropped. */
function normaliseParameterLike(node: Json, location: string, context: SchemaContext): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (ANNOTATIONS.has(key) || key === "name" || key === "in") continue;
    out[key] =
      key === "schema"
        ? normaliseSchema(value, context)
        : key === "content"
          ? normaliseContent(value, context)
          : value;
  }
  out.required = out.required === true;
  const style = out.style ?? DEFAULT_STYLE[location];
  if (out.style === DEFAULT_STYLE[location]) delete out.style;
  if (out.explode === (style === "form")) delete out.explode;
  return out;
}

function normaliseContent(content: unknown, context: SchemaContext): Json {
  const out: Json = {};
  for (const [media, rawMedia] of Object.entries(isObject(content) ? content : {})) {
    const mediaObject: Json = {};
    for (const [key, value] of Object.entries(isObject(rawMedia) ? rawMedia : {})) {
      if (ANNOTATIONS.has(key)) continue;
      mediaObject[key] = key === "schema" ? normaliseSchema(value, context) : value;
    }
    out[media] = mediaObject;
  }
  return out;
}

function normaliseResponse(node: Json, context: SchemaContext): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (ANNOTATIONS.has(key)) continue;
    if (key === "headers") {
      out.headers = Object.fromEntries(
        Object.entries(isObject(value) ? value : {}).map(([name, header]) => [
          name.toLowerCase(),
          normaliseParameterLike(follow(context.doc, header, context.side), "header", context),
        ]),
      );
    } else if (key === "content") {
      out.content = normaliseContent(value, context);
    } else {
      out[key] = value;
    }
  }
  return out;
}

function serverPath(servers: unknown): string | undefined {
  const url = Array.isArray(servers) && isObject(servers[0]) ? servers[0].url : undefined;
  if (typeof url !== "string") return undefined;
  // An absolute server URL contributes its path only: the app knows nothing of hosts.
  return new URL(url, "http://localhost").pathname.replace(/\/$/, "");
}

/** Rule 5: requirement objects with sorted scopes, the list in sorted order. */
function normaliseSecurity(security: unknown): unknown[] {
  if (!Array.isArray(security)) return [];
  return sortedBy(
    security.map((requirement) =>
      Object.fromEntries(
        Object.entries(isObject(requirement) ? requirement : {})
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([name, scopes]) => [name, Array.isArray(scopes) ? [...scopes].sort() : scopes]),
      ),
    ),
  );
}

function parameterKey(parameter: Json): string {
  const location = String(parameter.in);
  const name = String(parameter.name);
  return `${location} ${location === "header" ? name.toLowerCase() : name}`;
}

/** The documents in comparable form (the rules in this file's header). */
export function normalise(document: object, side: Side): NormalisedDocument {
  const doc = document as Json;
  const inline = (): SchemaContext => ({ doc, side, inline: true, open: new Set() });
  const documentServer = serverPath(doc.servers) ?? "";
  const operations: Record<string, NormalisedOperation> = {};
  for (const [path, rawItem] of Object.entries(isObject(doc.paths) ? doc.paths : {})) {
    const item = follow(doc, rawItem, side);
    const itemServer = serverPath(item.servers);
    for (const method of METHODS) {
      const operation = item[method];
      if (!isObject(operation)) continue;
      const server = serverPath(operation.servers) ?? itemServer ?? documentServer;
      const key = `${method.toUpperCase()} ${server}${path}`;

      const parameters: Record<string, Json> = {};
      for (const raw of [
        ...(Array.isArray(item.parameters) ? item.parameters : []),
        ...(Array.isArray(operation.parameters) ? operation.parameters : []),
      ]) {
        const parameter = follow(doc, raw, side);
        parameters[parameterKey(parameter)] = normaliseParameterLike(
          parameter,
          String(parameter.in),
          inline(),
        );
      }

      let requestBody: Json | undefined;
      if (operation.requestBody !== undefined) {
        const body = follow(doc, operation.requestBody, side);
        requestBody = {};
        for (const [field, value] of Object.entries(body)) {
          if (ANNOTATIONS.has(field)) continue;
          requestBody[field] = field === "content" ? normaliseContent(value, inline()) : value;
        }
        requestBody.required = requestBody.required === true;
      }

      const responses: Record<string, Json> = {};
      for (const [status, response] of Object.entries(
        isObject(operation.responses) ? operation.responses : {},
      )) {
        responses[String(status)] = normaliseResponse(follow(doc, response, side), inline());
      }

      const rest: Json = {};
      for (const [field, value] of Object.entries(operation)) {
        if (ANNOTATIONS.has(field) || field === "servers") continue;
        if (["operationId", "security", "parameters", "requestBody", "responses"].includes(field))
          continue;
        rest[field] = value;
      }

      operations[key] = {
        operationId: operation.operationId,
        security: normaliseSecurity(operation.security ?? doc.security),
        parameters,
        requestBody,
        responses,
        rest,
      };
    }
  }

  const components = isObject(doc.components) ? doc.components : {};
  const byName = (map: unknown, each: (value: unknown) => unknown) =>
    Object.fromEntries(Object.entries(isObject(map) ? map : {}).map(([n, v]) => [n, each(v)]));
  const schemas = byName(components.schemas, (schema) =>
    normaliseSchema(schema, { doc, side, inline: false, open: new Set() }),
  );
  const securitySchemes = byName(components.securitySchemes, (scheme) =>
    Object.fromEntries(
      Object.entries(follow(doc, scheme, side)).filter(([key]) => !ANNOTATIONS.has(key)),
    ),
  );

  const rest: Json = {};
  for (const [key, value] of Object.entries(doc)) {
    if (["openapi", "info", "servers", "tags", "externalDocs", "paths", "security"].includes(key))
      continue;
    if (key === "components") continue;
    if (key === "webhooks" && isObject(value) && Object.keys(value).length === 0) continue;
    rest[key] = value;
  }

  return { openapi: doc.openapi, operations, schemas, securitySchemes, rest };
}

// ---------------------------------------------------------------------------------------------
// Comparison

const show = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
};

const deepEqual = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((value, i) => deepEqual(value, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((key) => deepEqual(a[key], b[key]));
  }
  return false;
};

class Report {
  readonly differences: Difference[] = [];
  add(place: string, what: string): void {
    this.differences.push({ place, text: `${place}: ${what}` });
  }
  values(place: string, spec: unknown, app: unknown): void {
    if (spec === undefined) this.add(place, `in app only (${show(app)})`);
    else if (app === undefined) this.add(place, `in spec only (${show(spec)})`);
    else this.add(place, `${show(spec)} != ${show(app)}`);
  }
  /** Members of a set (`required`, `enum`, media types...) that one side lacks. */
  sets(place: string, spec: unknown[], app: unknown[]): void {
    for (const value of spec)
      if (!app.some((other) => deepEqual(other, value)))
        this.add(place, `${show(value)} in spec only`);
    for (const value of app)
      if (!spec.some((other) => deepEqual(other, value)))
        this.add(place, `${show(value)} in app only`);
  }
}

/** One step of a path inside a schema. */
type Step = { property: string } | { keyword: string } | { index: number };

/** `properties.customerAccount.properties.id.format`: a JSON path into the document. */
const jsonPath = (steps: Step[]): string =>
  steps
    .map((step) =>
      "property" in step
        ? `properties.${step.property}`
        : "keyword" in step
          ? step.keyword
          : String(step.index),
    )
    .join(".");

/** `customerAccount.contacts[].id format`: properties dotted, the differing keyword last. */
const compactPath = (steps: Step[]): string => {
  let text = "";
  steps.forEach((step, i) => {
    const last = i === steps.length - 1;
    if ("property" in step) text += text ? `.${step.property}` : step.property;
    else if ("index" in step) text += `[${step.index}]`;
    else if (step.keyword === "properties" && !last) return;
    else if (step.keyword === "items" && !last) text += "[]";
    else if (last) text += text ? ` ${step.keyword}` : step.keyword;
    else text += text ? `.${step.keyword}` : step.keyword;
  });
  return text || "(root)";
};

type Render = (steps: Step[]) => string;

function diffSchema(spec: unknown, app: unknown, steps: Step[], render: Render, report: Report) {
  if (!isObject(spec) || !isObject(app)) {
    if (!deepEqual(spec, app)) report.values(render(steps), spec, app);
    return;
  }
  const keys = [...new Set([...Object.keys(spec), ...Object.keys(app)])];
  for (const key of keys) {
    const a = spec[key];
    const b = app[key];
    const here = [...steps, { keyword: key }];
    if (a === undefined || b === undefined) {
      report.values(render(here), a, b);
    } else if (key === "properties" && isObject(a) && isObject(b)) {
      for (const name of new Set([...Object.keys(a), ...Object.keys(b)])) {
        const at = [...steps, { property: name }];
        if (!(name in b)) report.add(render(at), "in spec only");
        else if (!(name in a)) report.add(render(at), "in app only");
        else diffSchema(a[name], b[name], at, render, report);
      }
    } else if ((key === "required" || key === "enum") && Array.isArray(a) && Array.isArray(b)) {
      report.sets(render(here), a, b);
    } else if (SCHEMA_KEYWORDS.has(key) || key === "$ref") {
      diffSchema(a, b, here, render, report);
    } else if (SCHEMA_LIST_KEYWORDS.has(key) && Array.isArray(a) && Array.isArray(b)) {
      if (a.length !== b.length) report.values(render(here), a, b);
      else
        for (const [i, schema] of a.entries())
          diffSchema(schema, b[i], [...here, { index: i }], render, report);
    } else if (!deepEqual(a, b)) {
      report.values(render(here), a, b);
    }
  }
}

/** Non-schema objects (parameters, headers, media types): key by key, schemas by diffSchema. */
function diffObject(spec: Json, app: Json, place: string, report: Report) {
  for (const key of new Set([...Object.keys(spec), ...Object.keys(app)])) {
    const a = spec[key];
    const b = app[key];
    if (key === "schema" && a !== undefined && b !== undefined) {
      diffSchema(a, b, [], (steps) => `${place} schema: ${compactPath(steps)}`, report);
    } else if (!deepEqual(a, b)) {
      report.values(`${place} ${key}`, a, b);
    }
  }
}

function diffContent(spec: unknown, app: unknown, place: string, report: Report) {
  const a = isObject(spec) ? spec : {};
  const b = isObject(app) ? app : {};
  report.sets(`${place} content`, Object.keys(a), Object.keys(b));
  for (const media of Object.keys(a)) {
    if (!(media in b)) continue;
    // application/json is the only JSON media type here: leave it out of the place.
    const at = media === "application/json" ? place : `${place} content[${media}]`;
    diffObject(a[media] as Json, b[media] as Json, at, report);
  }
}

function diffOperation(
  key: string,
  spec: NormalisedOperation,
  app: NormalisedOperation,
  report: Report,
) {
  if (!deepEqual(spec.operationId, app.operationId))
    report.values(`${key} operationId`, spec.operationId, app.operationId);
  if (!deepEqual(spec.security, app.security))
    report.values(`${key} security`, spec.security, app.security);

  for (const name of new Set([...Object.keys(spec.parameters), ...Object.keys(app.parameters)])) {
    const place = `${key} parameters.${name.replace(" ", ".")}`;
    const a = spec.parameters[name];
    const b = app.parameters[name];
    if (!b) report.add(place, "in spec only");
    else if (!a) report.add(place, "in app only");
    else diffObject(a, b, place, report);
  }

  if (!spec.requestBody || !app.requestBody) {
    if (spec.requestBody || app.requestBody)
      report.add(`${key} requestBody`, spec.requestBody ? "in spec only" : "in app only");
  } else {
    const { content: a, ...specRest } = spec.requestBody;
    const { content: b, ...appRest } = app.requestBody;
    diffObject(specRest, appRest, `${key} requestBody`, report);
    diffContent(a, b, `${key} requestBody`, report);
  }

  for (const status of new Set([...Object.keys(spec.responses), ...Object.keys(app.responses)])) {
    const place = `${key} responses.${status}`;
    const a = spec.responses[status];
    const b = app.responses[status];
    if (!b) {
      report.add(place, "in spec only");
      continue;
    }
    if (!a) {
      report.add(place, "in app only");
      continue;
    }
    const { headers: specHeaders, content: specContent, ...specRest } = a;
    const { headers: appHeaders, content: appContent, ...appRest } = b;
    diffObject(specRest, appRest, place, report);
    const ha = isObject(specHeaders) ? specHeaders : {};
    const hb = isObject(appHeaders) ? appHeaders : {};
    for (const name of new Set([...Object.keys(ha), ...Object.keys(hb)])) {
      const at = `${place} headers.${name}`;
      if (!(name in hb)) report.add(at, "in spec only");
      else if (!(name in ha)) report.add(at, "in app only");
      else diffObject(ha[name] as Json, hb[name] as Json, at, report);
    }
    diffContent(specContent, appContent, place, report);
  }

  diffObject(spec.rest, app.rest, key, report);
}

/** Every difference between openapi.yaml and the emitted document, each naming its place. */
export function compareDocuments(spec: object, emitted: object): Difference[] {
  const a = normalise(spec, "spec");
  const b = normalise(emitted, "app");
  const report = new Report();

  if (!deepEqual(a.openapi, b.openapi)) report.values("openapi", a.openapi, b.openapi);

  for (const key of new Set([...Object.keys(a.operations), ...Object.keys(b.operations)])) {
    const specOperation = a.operations[key];
    const appOperation = b.operations[key];
    if (!appOperation) report.add(key, "operation in spec only");
    else if (!specOperation) report.add(key, "operation in app only");
    else diffOperation(key, specOperation, appOperation, report);
  }

  for (const name of new Set([...Object.keys(a.schemas), ...Object.keys(b.schemas)])) {
    const place = `components.schemas.${name}`;
    if (!(name in b.schemas)) report.add(place, "in spec only");
    else if (!(name in a.schemas)) report.add(place, "in app only");
    else
      diffSchema(
        a.schemas[name],
        b.schemas[name],
        [],
        (steps) => {
          const path = jsonPath(steps);
          return path ? `${place}.${path}` : place;
        },
        report,
      );
  }

  for (const name of new Set([
    ...Object.keys(a.securitySchemes),
    ...Object.keys(b.securitySchemes),
  ])) {
    const place = `components.securitySchemes.${name}`;
    const specScheme = a.securitySchemes[name];
    const appScheme = b.securitySchemes[name];
    if (!deepEqual(specScheme, appScheme)) report.values(place, specScheme, appScheme);
  }

  for (const key of new Set([...Object.keys(a.rest), ...Object.keys(b.rest)])) {
    if (!deepEqual(a.rest[key], b.rest[key])) report.values(key, a.rest[key], b.rest[key]);
  }
  return report.differences;
}

// ---------------------------------------------------------------------------------------------
// Served routes

export interface ServedRoute {
  method: string;
  path: string;
}

/**
 * What Hono really serves (`app.routes`) against the spec's operations, so that a handler added
 * with a plain `app.get(...)`, outside the OpenAPI registry and so absent from the emitted
 * document, is caught too. Two kinds of entries are exempt:
 * - method `ALL`: Hono records `app.use(...)` middleware (correlation id, body limit, the
 *   application token, responseFields) as method ALL. Middleware answers no request of its own
 *   (it wraps the operations' handlers), and Hono offers no way to tell it apart from an
 *   `app.all(...)` handler; such a handler is left to the behaviour layer, which fails any
 *   response from a path the spec lacks unless it is the 404 error.
 * - META_ROUTE paths (/openapi.json, /docs, /docs/assets/:name): they serve the spec and its
 *   reference page, not the API, so the spec does not list them.
 */
export function compareRoutes(spec: object, routes: readonly ServedRoute[]): Difference[] {
  const report = new Report();
  const documented = new Set(Object.keys(normalise(spec, "spec").operations));
  const served = new Set<string>();
  for (const route of routes) {
    const method = route.method.toUpperCase();
    if (method === "ALL" || META_ROUTE.test(route.path)) continue;
    // Hono writes parameters as `:name` (optionally `:name{regex}`); OpenAPI as `{name}`.
    const path = route.path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, "{$1}");
    served.add(`${method} ${path}`);
  }
  for (const key of served)
    if (!documented.has(key)) report.add(`routes: ${key}`, "served by the app, not in the spec");
  for (const key of documented)
    if (!served.has(key)) report.add(`routes: ${key}`, "in the spec, not served by the app");
  return report.differences;
}

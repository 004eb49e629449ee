// diffSpecs(base, head): every change between two dereferenced OpenAPI 3.x documents, placed
// (operation, location, property path) and classified for a client author.
//
// api-smart-diff finds the changes and proposes a classification; this module maps each of its
// JSON paths to the place a reader understands and re-judges the change with the rules in
// classify.ts wherever the library's verdict ignores which way the data flows.
import { apiCompare, type Diff } from "api-smart-diff";
import {
  boundChange,
  branchChange,
  decide,
  defaultChange,
  deprecation,
  describeTypes,
  documentation,
  enumChange,
  formatChange,
  fromLibrary,
  isBoundKeyword,
  isDocumentationKey,
  narrowed,
  opennessChange,
  typeChange,
  type Verdict,
  verb,
  visibilityChange,
  widened,
} from "./classify.js";
import { HTTP_METHODS, type Normalized, normalize, operationKey } from "./normalize.js";
import { displayPath, parseSchemaPath, type Segment } from "./schema-path.js";
import { compareSecurity, describeSecurity } from "./security.js";
import { type Change, CLASSIFICATIONS, type Direction, type LoadedSpec } from "./types.js";

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Where a change sits, as the report names it. */
interface Site {
  operation?: string;
  location: string;
  mediaType?: string;
  direction: Direction;
}

/** A diff inside a schema, kept until all diffs are seen (some are judged together). */
interface SchemaEvent {
  site: Site;
  /** Absolute path (in the normalized documents) of the schema the body or parameter uses. */
  root: Segment[];
  rel: Segment[];
  diff: Diff;
}

interface Run {
  base: Normalized;
  head: Normalized;
  merged: unknown;
  changes: Change[];
  events: SchemaEvent[];
  tagsChanged: boolean;
  /** `<section>\u0000<base path>` -> head path, for path templates api-smart-diff matched. */
  renamedPaths: Map<string, string>;
}

const pathKey = (segments: readonly Segment[]) => JSON.stringify(segments);

// ---------------------------------------------------------------------------------------------
// Looking values up in the documents.

function resolvePointer(root: unknown, ref: string): unknown {
  let node = root;
  for (const raw of ref.slice(2).split("/")) {
    const key = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    if (!isObject(node) && !Array.isArray(node)) return undefined;
    node = (node as Json)[key];
  }
  return node;
}

/** Follows a `$ref` left in place (only circular ones are, after dereferencing). */
function follow(root: unknown, node: unknown): unknown {
  let current = node;
  for (let hops = 0; hops < 32; hops++) {
    if (!isObject(current) || typeof current.$ref !== "string" || !current.$ref.startsWith("#/")) {
      return current;
    }
    current = resolvePointer(root, current.$ref);
  }
  return current;
}

function parameterIdentity(parameter: unknown): { in: string; name: string } | undefined {
  return isObject(parameter) && typeof parameter.name === "string"
    ? { in: String(parameter.in), name: parameter.name }
    : undefined;
}

/**
 * The value at `segments` in one document. api-smart-diff's indexes into `parameters` are
 * indexes of its merged array (old entries, then added ones), not of either document, so a
 * parameter is found by its name and place instead.
 */
function lookup(run: Run, side: "base" | "head", segments: readonly Segment[]): unknown {
  const root = side === "base" ? run.base.document : run.head.document;
  let node: unknown = root;
  let merged: unknown = run.merged;
  for (const [i, seg] of segments.entries()) {
    node = follow(root, node);
    if (Array.isArray(node) && i === 4 && segments[3] === "parameters") {
      const id = parameterIdentity(Array.isArray(merged) ? merged[Number(seg)] : undefined);
      node = id ? node.find((p) => isObject(p) && p.name === id.name && p.in === id.in) : undefined;
    } else if (Array.isArray(node)) {
      node = node[Number(seg)];
    } else if (isObject(node)) {
      node = node[String(seg)];
    } else {
      return undefined;
    }
    merged = isObject(merged) || Array.isArray(merged) ? (merged as Json)[String(seg)] : undefined;
  }
  return follow(root, node);
}

// ---------------------------------------------------------------------------------------------
// Recording changes.

function record(
  run: Run,
  site: Site,
  path: string,
  verdict: Verdict,
  before?: unknown,
  after?: unknown,
): void {
  const change: Change = {
    classification: verdict.classification,
    ...(site.operation !== undefined && { operation: site.operation }),
    location: site.location,
    ...(site.mediaType !== undefined && { mediaType: site.mediaType }),
    path,
    change: verdict.change,
    ...(before !== undefined && { before }),
    ...(after !== undefined && { after }),
    rule: verdict.rule,
  };
  run.changes.push(change);
}

const requiredness = (value: unknown) => (value === true ? "required" : "optional");

const describeDiff = (diff: Diff, what: string) => `${what} ${verb(diff.action)}`;

function libraryVerdict(diff: Diff, what: string): Verdict {
  return fromLibrary(diff.type, describeDiff(diff, what));
}

// ---------------------------------------------------------------------------------------------
// Schema changes.

function schemaEvent(run: Run, site: Site, root: Segment[], rel: Segment[], diff: Diff): void {
  run.events.push({ site, root, rel, diff });
}

/** A property of a request that the server marks readOnly is not sent by clients (and so on). */
function ignoredByDirection(schema: unknown, direction: Direction): boolean {
  if (!isObject(schema)) return false;
  return (
    (direction === "request" && schema.readOnly === true) ||
    (direction === "response" && schema.writeOnly === true)
  );
}

function propertyAdded(
  run: Run,
  event: SchemaEvent,
  parent: Segment[],
  name: string,
  path: string,
) {
  const { site } = event;
  const schema = event.diff.after;
  if (site.direction === "request" && !ignoredByDirection(schema, site.direction)) {
    const required = lookup(run, "head", [...parent, "required"]);
    const isRequired = Array.isArray(required) && required.includes(name);
    // A required property the old client does not send: every old request is now rejected.
    const verdict: Verdict = isRequired
      ? decide("breaking", "required property added", "property:added-required")
      : decide("non-breaking", "optional property added", "property:added-optional");
    record(run, site, path, verdict, undefined, schema);
    return;
  }
  // A response may always carry more: clients ignore properties they do not know.
  const verdict: Verdict = decide(
    "non-breaking",
    "property added",
    `property:added-${site.direction}`,
  );
  record(run, site, path, verdict, undefined, schema);
}

function propertyRemoved(run: Run, event: SchemaEvent, path: string) {
  const { site } = event;
  const schema = event.diff.before;
  if (ignoredByDirection(schema, site.direction)) {
    const verdict: Verdict = decide(
      "non-breaking",
      "property removed (was not used in this direction)",
      "property:removed-unused",
    );
    record(run, site, path, verdict, schema);
    return;
  }
  // Response: clients that read the property get nothing. Request: clients still send it and
  // the server no longer takes it: what they asked for is silently dropped (or rejected, when
  // the object is closed), and their generated types no longer compile. Both are breaking;
  // api-smart-diff calls an optional one "non-breaking" in either direction.
  const verdict: Verdict = decide(
    "breaking",
    "property removed",
    `property:removed-${site.direction}`,
  );
  record(run, site, path, verdict, schema);
}

function judgeSchemaEvents(run: Run): void {
  // Properties added or removed, by the schema that holds them: a `required` entry that comes
  // with its property is reported once, with the property.
  const touchedProperties = new Set<string>();
  const groups = new Map<
    string,
    {
      event: SchemaEvent;
      node: Segment[];
      kind: string;
      nav: ReturnType<typeof parseSchemaPath>["nav"];
    }
  >();

  const parsed = run.events.map((event) => ({ event, path: parseSchemaPath(event.rel) }));
  for (const { event, path } of parsed) {
    const last = path.nav.at(-1);
    if (path.keyword.length === 0 && last?.kind === "property") {
      const parent = [...event.root, ...path.nodeSegments.slice(0, -2)];
      touchedProperties.add(pathKey([...parent, last.name]));
    }
    if (path.keyword.length === 1 && path.keyword[0] === "properties") {
      const parent = [...event.root, ...path.nodeSegments];
      const map = event.diff.action === "add" ? event.diff.after : event.diff.before;
      for (const name of isObject(map) ? Object.keys(map) : []) {
        touchedProperties.add(pathKey([...parent, name]));
      }
    }
  }

  for (const { event, path } of parsed) {
    const { site, diff } = event;
    const node = [...event.root, ...path.nodeSegments];
    const [keyword, ...deeper] = path.keyword;
    const last = path.nav.at(-1);
    const where = displayPath(path.nav);

    if (keyword === undefined) {
      if (last?.kind === "property") {
        const parent = [...event.root, ...path.nodeSegments.slice(0, -2)];
        if (diff.action === "add") propertyAdded(run, event, parent, last.name, where);
        else if (diff.action === "remove") propertyRemoved(run, event, where);
        else record(run, site, where, libraryVerdict(diff, "property"), diff.before, diff.after);
      } else if (diff.action === "add") {
        record(
          run,
          site,
          where,
          narrowed(site.direction, "schema added", "schema"),
          undefined,
          diff.after,
        );
      } else if (diff.action === "remove") {
        record(run, site, where, widened(site.direction, "schema removed", "schema"), diff.before);
      } else {
        record(run, site, where, libraryVerdict(diff, "schema"), diff.before, diff.after);
      }
      continue;
    }

    if (isDocumentationKey(keyword)) {
      record(
        run,
        site,
        where,
        documentation(`${keyword} ${verb(diff.action)}`),
        diff.before,
        diff.after,
      );
      continue;
    }

    const kind =
      keyword === "type" || keyword === "nullable"
        ? "type"
        : keyword === "enum" || keyword === "const"
          ? "enum"
          : keyword === "required"
            ? "required"
            : undefined;
    if (kind) {
      const key = `${pathKey(node)}|${kind}`;
      if (!groups.has(key)) groups.set(key, { event, node, kind, nav: path.nav });
      continue;
    }

    if (keyword === "properties" && deeper.length === 0) {
      const map = diff.action === "add" ? diff.after : diff.before;
      for (const [name, schema] of isObject(map) ? Object.entries(map) : []) {
        const one: SchemaEvent = {
          ...event,
          diff: {
            ...diff,
            path: [...diff.path, name],
            before: diff.action === "add" ? undefined : schema,
            after: diff.action === "add" ? schema : undefined,
          },
        };
        const propertyPath = displayPath(path.nav, name);
        if (diff.action === "add") propertyAdded(run, one, node, name, propertyPath);
        else propertyRemoved(run, one, propertyPath);
      }
      continue;
    }

    const verdict = schemaKeywordVerdict(String(keyword), deeper, diff, site.direction);
    record(run, site, where, verdict, diff.before, diff.after);
  }

  for (const { event, node, kind, nav } of groups.values()) {
    const { site } = event;
    const before = lookup(run, "base", node);
    const after = lookup(run, "head", node);
    const where = displayPath(nav);
    if (kind === "type") {
      const verdict = typeChange(before, after, site.direction);
      if (verdict) record(run, site, where, verdict, describeTypes(before), describeTypes(after));
    } else if (kind === "enum") {
      // The values added or removed are in the change text; whole lists would drown them.
      const verdict = enumChange(before, after, site.direction);
      if (verdict) record(run, site, where, verdict);
    } else {
      judgeRequired(run, site, node, nav, before, after, touchedProperties);
    }
  }
}

function judgeRequired(
  run: Run,
  site: Site,
  node: Segment[],
  nav: ReturnType<typeof parseSchemaPath>["nav"],
  before: unknown,
  after: unknown,
  touched: Set<string>,
): void {
  const list = (s: unknown) =>
    new Set(isObject(s) && Array.isArray(s.required) ? s.required.map(String) : []);
  const was = list(before);
  const now = list(after);
  const properties = (s: unknown) => (isObject(s) && isObject(s.properties) ? s.properties : {});
  for (const name of now) {
    if (was.has(name) || touched.has(pathKey([...node, name]))) continue;
    const schema = properties(after)[name];
    if (ignoredByDirection(schema, site.direction)) continue;
    // Request: old clients may leave it out and are now rejected. Response: it is now always
    // there, which no client minds.
    const verdict: Verdict =
      site.direction === "response"
        ? decide(
            "non-breaking",
            "property made required (always present)",
            "required:added-response",
          )
        : decide("breaking", "property made required", `required:added-${site.direction}`);
    record(run, site, displayPath(nav, name), verdict, "optional", "required");
  }
  for (const name of was) {
    if (now.has(name) || touched.has(pathKey([...node, name]))) continue;
    const schema = properties(before)[name];
    if (ignoredByDirection(schema, site.direction)) continue;
    // Response: a client that relied on the property being there may now find it missing.
    const verdict: Verdict =
      site.direction === "request"
        ? decide("non-breaking", "property made optional", "required:removed-request")
        : decide(
            "breaking",
            "property made optional (may be absent)",
            `required:removed-${site.direction}`,
          );
    record(run, site, displayPath(nav, name), verdict, "required", "optional");
  }
}

const COMBINATOR_KEYWORDS = new Set(["anyOf", "oneOf", "allOf"]);

function schemaKeywordVerdict(
  keyword: string,
  deeper: Segment[],
  diff: Diff,
  direction: Direction,
): Verdict {
  const { action, before, after } = diff;
  const scalar = deeper.length === 0;
  if (keyword === "deprecated" && scalar) return deprecation(action, after);
  if (keyword === "format" && scalar) return formatChange(action, before, after, direction);
  if (isBoundKeyword(keyword) && scalar) {
    const verdict = boundChange(keyword, action, before, after, direction);
    if (verdict) return verdict;
  }
  if ((keyword === "additionalProperties" || keyword === "unevaluatedProperties") && scalar) {
    const verdict = opennessChange(keyword, action, before, after, direction);
    if (verdict) return verdict;
  }
  if ((keyword === "readOnly" || keyword === "writeOnly") && scalar) {
    return visibilityChange(keyword, action, after, direction);
  }
  if (keyword === "default")
    return defaultChange(scalar ? action : "replace", before, after, direction);
  if (keyword === "items" && scalar && action !== "replace") {
    return action === "add"
      ? narrowed(direction, "items schema added", "items")
      : widened(direction, "items schema removed", "items");
  }
  if (COMBINATOR_KEYWORDS.has(keyword) && deeper.length === 1) {
    const verdict = branchChange(keyword, action, before, after, direction);
    if (verdict) return verdict;
  }
  if (COMBINATOR_KEYWORDS.has(keyword) && scalar && action !== "replace") {
    return action === "add"
      ? narrowed(direction, `${keyword} added`, keyword)
      : widened(direction, `${keyword} removed`, keyword);
  }
  return libraryVerdict(diff, [keyword, ...deeper].join("."));
}

// ---------------------------------------------------------------------------------------------
// Operation-level changes.

function locateParameter(run: Run, segments: readonly Segment[], diff: Diff) {
  // The merged document is keyed by the head's paths; the base has a renamed path's old key.
  const id =
    parameterIdentity(lookupMerged(run.merged, segments)) ??
    parameterIdentity(lookupMerged(run.base.document, segments)) ??
    parameterIdentity(diff.after) ??
    parameterIdentity(diff.before);
  return id ? `${id.in} parameter ${id.name}` : "parameter";
}

function lookupMerged(merged: unknown, segments: readonly Segment[]): unknown {
  let node = merged;
  for (const seg of segments) {
    if (!isObject(node) && !Array.isArray(node)) return undefined;
    node = (node as Json)[String(seg)];
  }
  return node;
}

function judgeParameter(
  run: Run,
  operation: string,
  prefix: Segment[],
  rest: Segment[],
  diff: Diff,
) {
  const site: Site = {
    operation,
    location: locateParameter(run, prefix, diff),
    direction: "request",
  };
  const [key, ...deeper] = rest;
  const { action, before, after } = diff;
  if (key === undefined) {
    if (action === "add") {
      const required = isObject(after) && (after.required === true || after.in === "path");
      const verdict: Verdict = required
        ? decide("breaking", "required parameter added", "parameter:added-required")
        : decide("non-breaking", "optional parameter added", "parameter:added-optional");
      record(run, site, "", verdict, undefined, after);
    } else if (action === "remove") {
      // Clients keep sending it; what it asked for is no longer honoured.
      record(run, site, "", decide("breaking", "parameter removed", "parameter:removed"), before);
    } else {
      record(run, site, "", libraryVerdict(diff, "parameter"), before, after);
    }
    return;
  }
  if (isDocumentationKey(key)) {
    record(run, site, "", documentation(`${key} ${verb(action)}`), before, after);
  } else if (key === "required" && deeper.length === 0) {
    const nowRequired = action !== "remove" && after === true;
    const verdict: Verdict = nowRequired
      ? decide("breaking", "parameter made required", "parameter:required")
      : decide("non-breaking", "parameter made optional", "parameter:optional");
    record(run, site, "", verdict, requiredness(before), requiredness(after));
  } else if (key === "deprecated" && deeper.length === 0) {
    record(run, site, "", deprecation(action, after), before, after);
  } else if (key === "name" && deeper.length === 0) {
    // A path parameter's name is not on the wire; any other parameter's name is.
    const inPath = site.location.startsWith("path parameter");
    const verdict = inPath
      ? decide("non-breaking", "path parameter renamed", "parameter:renamed-path")
      : decide("breaking", "parameter renamed", "parameter:renamed");
    record(run, site, "", verdict, before, after);
  } else if (key === "schema") {
    schemaEvent(run, site, [...prefix, "schema"], deeper, diff);
  } else if (key === "content" && deeper[1] === "schema") {
    const mediaType = String(deeper[0]);
    schemaEvent(
      run,
      { ...site, mediaType },
      [...prefix, "content", mediaType, "schema"],
      deeper.slice(2),
      diff,
    );
  } else if (key === "style" || key === "explode" || key === "allowReserved") {
    // How the client must encode the value on the wire: an old client encodes it the old way.
    record(
      run,
      site,
      "",
      decide("breaking", `serialization changed (${key})`, "parameter:serialization"),
      before,
      after,
    );
  } else {
    record(run, site, "", libraryVerdict(diff, rest.join(".")), before, after);
  }
}

/** Inside `content` of a request body or response: `rest` starts at the media type. */
function judgeBody(run: Run, site: Site, prefix: Segment[], rest: Segment[], diff: Diff) {
  const [mediaType, key, ...deeper] = rest;
  const { action, before, after } = diff;
  if (mediaType === undefined) {
    const map = action === "add" ? after : before;
    if (!isObject(map)) {
      record(run, site, "", libraryVerdict(diff, "content"), before, after);
      return;
    }
    for (const type of Object.keys(map)) judgeBody(run, site, prefix, [type], diff);
    return;
  }
  const at: Site = { ...site, mediaType: String(mediaType) };
  if (key === undefined) {
    if (action === "replace" || action === "rename") {
      record(run, at, "", libraryVerdict(diff, "media type"), before, after);
      return;
    }
    // A client sends (or asks for) the media type it was built for.
    const verdict: Verdict =
      action === "add"
        ? decide("non-breaking", "media type added", `media-type:added`)
        : decide("breaking", "media type removed", `media-type:removed`);
    record(run, at, "", verdict);
    return;
  }
  if (isDocumentationKey(key)) {
    record(run, at, "", documentation(`${key} ${verb(action)}`), before, after);
  } else if (key === "schema") {
    schemaEvent(run, at, [...prefix, String(mediaType), "schema"], deeper, diff);
  } else {
    record(run, at, "", libraryVerdict(diff, [key, ...deeper].join(".")), before, after);
  }
}

function judgeResponse(
  run: Run,
  operation: string,
  webhook: boolean,
  prefix: Segment[],
  rest: Segment[],
  diff: Diff,
) {
  const [code, key, ...deeper] = rest;
  const { action, before, after } = diff;
  const direction: Direction = webhook ? "request" : "response";
  if (code === undefined) {
    const map = action === "add" ? after : before;
    for (const status of isObject(map) ? Object.keys(map) : []) {
      judgeResponse(run, operation, webhook, prefix, [status], diff);
    }
    return;
  }
  const site: Site = { operation, location: `response ${code}`, direction };
  if (key === undefined) {
    // A removed status is a case the client handled that no longer comes; more importantly
    // the answers it now gets instead are ones it was not written for.
    const verdict: Verdict =
      action === "add"
        ? decide("non-breaking", "response added", "response:added")
        : action === "remove"
          ? decide("breaking", "response removed", "response:removed")
          : libraryVerdict(diff, "response");
    record(run, site, "", verdict);
    return;
  }
  if (isDocumentationKey(key)) {
    record(run, site, "", documentation(`${key} ${verb(action)}`), before, after);
  } else if (key === "content") {
    judgeBody(run, site, [...prefix, code, "content"], deeper, diff);
  } else if (key === "headers") {
    judgeResponseHeader(run, site, [...prefix, code, "headers"], deeper, diff);
  } else {
    record(run, site, "", libraryVerdict(diff, [key, ...deeper].join(".")), before, after);
  }
}

function judgeResponseHeader(
  run: Run,
  response: Site,
  prefix: Segment[],
  rest: Segment[],
  diff: Diff,
) {
  const [name, key, ...deeper] = rest;
  const { action, before, after } = diff;
  if (name === undefined) {
    const map = action === "add" ? after : before;
    for (const header of isObject(map) ? Object.keys(map) : []) {
      judgeResponseHeader(run, response, prefix, [header], {
        ...diff,
        before: isObject(before) ? before[header] : undefined,
        after: isObject(after) ? after[header] : undefined,
      });
    }
    return;
  }
  const site: Site = { ...response, location: `${response.location} header ${name}` };
  if (key === undefined) {
    // Clients may read the header (x-vol-correlation is quoted in bug reports): gone is breaking.
    const verdict: Verdict =
      action === "add"
        ? decide("non-breaking", "header added", "header:added")
        : action === "remove"
          ? decide("breaking", "header removed", "header:removed")
          : libraryVerdict(diff, "header");
    record(run, site, "", verdict, before, after);
  } else if (isDocumentationKey(key)) {
    record(run, site, "", documentation(`${key} ${verb(action)}`), before, after);
  } else if (key === "required" && deeper.length === 0) {
    const nowRequired = action !== "remove" && after === true;
    const verdict: Verdict = nowRequired
      ? decide("non-breaking", "header made required (always sent)", "header:required")
      : decide("breaking", "header made optional (may be absent)", "header:optional");
    record(run, site, "", verdict, requiredness(before), requiredness(after));
  } else if (key === "deprecated" && deeper.length === 0) {
    record(run, site, "", deprecation(action, after), before, after);
  } else if (key === "schema") {
    schemaEvent(run, site, [...prefix, name, "schema"], deeper, diff);
  } else {
    record(run, site, "", libraryVerdict(diff, [key, ...deeper].join(".")), before, after);
  }
}

function judgeServers(run: Run, site: Site, rest: Segment[], diff: Diff) {
  const [index, key] = rest;
  const { action, before, after } = diff;
  let verdict: Verdict;
  if (key !== undefined && isDocumentationKey(key)) {
    verdict = documentation(`server ${key} ${verb(action)}`);
  } else if (index !== undefined && key === undefined && action === "add") {
    verdict = decide("non-breaking", "server added", "servers:added");
  } else if (index === undefined) {
    // A whole `servers` list where there was none (or none left) moves the base URL from `/`.
    verdict = decide("breaking", `servers ${verb(action)}`, "servers:changed");
  } else if (key === undefined || key === "url") {
    // Clients are configured with a base URL; one that disappears or moves leaves them calling
    // the old one.
    const change = key === "url" ? "server URL changed" : `server ${verb(action)}`;
    verdict = decide("breaking", change, "servers:changed");
  } else {
    verdict = libraryVerdict(diff, `server ${rest.slice(1).join(".")}`);
  }
  record(run, site, "", verdict, before, after);
}

function judgeOperation(
  run: Run,
  section: string,
  path: string,
  method: string,
  rest: Segment[],
  diff: Diff,
) {
  const key = operationKey(section, path, method);
  const info = run.head.operations.get(key) ?? run.base.operations.get(key);
  const operation = info?.label ?? `${method.toUpperCase()} ${path}`;
  const webhook = info?.webhook ?? section === "webhooks";
  const prefix: Segment[] = [section, path, method];
  const [first, ...deeper] = rest;
  const { action, before, after } = diff;
  const opSite: Site = { operation, location: "operation", direction: "none" };

  if (first === undefined) {
    const verdict: Verdict =
      action === "add"
        ? decide("non-breaking", "operation added", "operation:added")
        : action === "remove"
          ? decide("breaking", "operation removed", "operation:removed")
          : libraryVerdict(diff, "operation");
    record(run, opSite, "", verdict);
    return;
  }
  if (first === "operationId" && deeper.length === 0) {
    // Not on the wire, but SDK generators name methods after it: a regenerated client changes.
    record(
      run,
      opSite,
      "",
      decide("non-breaking", "operationId changed", "operation:operationId"),
      before,
      after,
    );
  } else if (isDocumentationKey(first)) {
    record(run, opSite, "", documentation(`${first} ${verb(action)}`), before, after);
  } else if (first === "deprecated" && deeper.length === 0) {
    record(run, opSite, "", deprecation(action, after), before, after);
  } else if (first === "servers") {
    judgeServers(run, { ...opSite, location: "servers" }, deeper, diff);
  } else if (first === "parameters") {
    const [index, ...inner] = deeper;
    if (index === undefined) {
      const list = action === "add" ? after : before;
      for (const [i, parameter] of (Array.isArray(list) ? list : []).entries()) {
        judgeParameter(run, operation, [...prefix, "parameters", i], [], {
          ...diff,
          before: action === "add" ? undefined : parameter,
          after: action === "add" ? parameter : undefined,
        });
      }
      return;
    }
    judgeParameter(run, operation, [...prefix, "parameters", index], inner, diff);
  } else if (first === "requestBody") {
    const direction: Direction = webhook ? "response" : "request";
    const site: Site = { operation, location: "request body", direction };
    const [key, ...inner] = deeper;
    if (key === undefined) {
      const required = isObject(after) && after.required === true;
      const verdict: Verdict =
        action === "add"
          ? required
            ? decide("breaking", "required request body added", "request-body:added-required")
            : decide("non-breaking", "optional request body added", "request-body:added-optional")
          : action === "remove"
            ? decide("breaking", "request body removed", "request-body:removed")
            : libraryVerdict(diff, "request body");
      record(run, site, "", verdict);
    } else if (key === "required" && inner.length === 0) {
      const nowRequired = action !== "remove" && after === true;
      const verdict: Verdict = nowRequired
        ? decide("breaking", "request body made required", "request-body:required")
        : decide("non-breaking", "request body made optional", "request-body:optional");
      record(run, site, "", verdict, requiredness(before), requiredness(after));
    } else if (isDocumentationKey(key)) {
      record(run, site, "", documentation(`${key} ${verb(action)}`), before, after);
    } else if (key === "content") {
      judgeBody(run, site, [...prefix, "requestBody", "content"], inner, diff);
    } else {
      record(run, site, "", libraryVerdict(diff, deeper.join(".")), before, after);
    }
  } else if (first === "responses") {
    judgeResponse(run, operation, webhook, [...prefix, "responses"], deeper, diff);
  } else {
    record(run, opSite, "", libraryVerdict(diff, rest.join(".")), before, after);
  }
}

function judgeDiff(run: Run, diff: Diff): void {
  const [section, second, third, ...rest] = diff.path;
  const { action, before, after } = diff;
  const document: Site = { location: "document", direction: "none" };
  if (section === "paths" || section === "webhooks") {
    if (second === undefined && action === "rename") {
      // api-smart-diff matches `/accounts/{id}` with `/accounts/{accountId}`: the URLs a client
      // calls are the same, only the template's parameter name changed.
      run.renamedPaths.set(`${String(section)}\u0000${String(before)}`, String(after));
      record(
        run,
        { location: `path ${String(after)}`, direction: "none" },
        "",
        decide("non-breaking", "path template renamed (same URLs)", "path:renamed"),
        before,
        after,
      );
    } else if (second === undefined) {
      record(run, document, "", libraryVerdict(diff, String(section)), before, after);
    } else if (third === undefined) {
      // A whole path item: one change per operation it holds.
      const item = action === "add" ? after : before;
      for (const method of HTTP_METHODS) {
        if (isObject(item) && isObject(item[method])) {
          judgeOperation(run, section, String(second), method, [], {
            ...diff,
            path: [...diff.path, method],
          });
        }
      }
      if (action !== "add" && action !== "remove") {
        record(
          run,
          { ...document, location: `path ${String(second)}` },
          "",
          libraryVerdict(diff, "path"),
          before,
          after,
        );
      }
    } else if (HTTP_METHODS.includes(String(third))) {
      judgeOperation(run, section, String(second), String(third), rest, diff);
    } else if (isDocumentationKey(third)) {
      record(
        run,
        { ...document, location: `path ${String(second)}` },
        "",
        documentation(`${String(third)} ${verb(action)}`),
        before,
        after,
      );
    } else {
      record(
        run,
        { ...document, location: `path ${String(second)}` },
        "",
        libraryVerdict(diff, [third, ...rest].join(".")),
        before,
        after,
      );
    }
    return;
  }
  if (section === "components") {
    // Components are judged where they are used (the documents are dereferenced), except
    // security schemes, which operations name instead of embedding.
    if (second !== "securitySchemes" || third === undefined) return;
    const site: Site = { location: `security scheme ${String(third)}`, direction: "none" };
    const [key] = rest;
    if (key === undefined) {
      // Whether an operation needs it is judged with the operation's security requirement.
      record(
        run,
        site,
        "",
        decide("non-breaking", `security scheme ${verb(action)}`, "security-scheme:listed"),
        before,
        after,
      );
    } else if (isDocumentationKey(key) || key === "bearerFormat") {
      record(run, site, "", documentation(`${String(key)} ${verb(action)}`), before, after);
    } else {
      // A different scheme, header name, token URL or scope set: old credentials stop working.
      record(
        run,
        site,
        rest.join("."),
        decide(
          "breaking",
          `security scheme ${String(key)} ${verb(action)}`,
          "security-scheme:changed",
        ),
        before,
        after,
      );
    }
    return;
  }
  if (section === "servers") {
    judgeServers(
      run,
      { ...document, location: "servers" },
      [second, third, ...rest].filter((s) => s !== undefined),
      diff,
    );
    return;
  }
  if (section === "tags") {
    // The tag list is compared by position, so one inserted tag shifts all that follow: the
    // whole list is reported once instead (see judgeTags).
    run.tagsChanged = true;
    return;
  }
  const where = diff.path.join(".");
  if (isDocumentationKey(section) || section === "info") {
    record(run, document, where, documentation(`${verb(action)}`), before, after);
    return;
  }
  record(run, document, where, libraryVerdict(diff, "value"), before, after);
}

function judgeSecurity(run: Run): void {
  for (const [key, was] of run.base.operations) {
    const [section = "", path = "", method = ""] = key.split("\u0000");
    const renamed = run.renamedPaths.get(`${section}\u0000${path}`);
    const now = run.head.operations.get(renamed ? operationKey(section, renamed, method) : key);
    if (!now || was.webhook) continue;
    const verdict = compareSecurity(was.security, now.security);
    if (!verdict) continue;
    record(
      run,
      { operation: now.label, location: "security", direction: "request" },
      "",
      {
        classification: verdict.breaking ? "breaking" : "non-breaking",
        change: verdict.change,
        rule: verdict.breaking ? "security:stricter" : "security:relaxed",
      },
      describeSecurity(was.security),
      describeSecurity(now.security),
    );
  }
}

function judgeTags(run: Run): void {
  const names = (doc: Json) =>
    (Array.isArray(doc.tags) ? doc.tags : []).map((tag) =>
      isObject(tag) ? String(tag.name) : String(tag),
    );
  const before = names(run.base.document);
  const after = names(run.head.document);
  const change =
    JSON.stringify(before) === JSON.stringify(after) ? "tag descriptions changed" : "tags changed";
  record(
    run,
    { location: "document", direction: "none" },
    "tags",
    documentation(change),
    before.join(", "),
    after.join(", "),
  );
}

// ---------------------------------------------------------------------------------------------

const METHOD_ORDER = new Map(HTTP_METHODS.map((m, i) => [m.toUpperCase(), i]));

function operationSortKey(operation: string | undefined): [string, number] {
  if (operation === undefined) return ["", -1];
  const [method = "", path = ""] = operation.split(" ");
  return [path, METHOD_ORDER.get(method) ?? 99];
}

export function compareChanges(a: Change, b: Change): number {
  const byClass =
    CLASSIFICATIONS.indexOf(a.classification) - CLASSIFICATIONS.indexOf(b.classification);
  if (byClass) return byClass;
  const [pathA, methodA] = operationSortKey(a.operation);
  const [pathB, methodB] = operationSortKey(b.operation);
  if (pathA !== pathB) return pathA < pathB ? -1 : 1;
  if (methodA !== methodB) return methodA - methodB;
  const where = (c: Change) => [c.location, c.mediaType ?? "", c.path, c.change].join("\u0000");
  return where(a) < where(b) ? -1 : where(a) > where(b) ? 1 : 0;
}

/** Every change from `base` to `head`, breaking ones first. Both must come from loadSpec. */
export function diffSpecs(base: LoadedSpec, head: LoadedSpec): Change[] {
  const run: Run = {
    base: normalize(base.document),
    head: normalize(head.document),
    merged: undefined,
    changes: [],
    events: [],
    tagsChanged: false,
    renamedPaths: new Map(),
  };
  const { diffs, merged } = apiCompare(run.base.document, run.head.document, {
    metaKey: Symbol("spec-diff"),
  });
  run.merged = merged;
  for (const diff of diffs) judgeDiff(run, diff);
  judgeSchemaEvents(run);
  judgeSecurity(run);
  if (run.tagsChanged) judgeTags(run);
  const seen = new Set<string>();
  const unique = run.changes.filter((change) => {
    const key = JSON.stringify([
      change.operation,
      change.location,
      change.mediaType,
      change.path,
      change.change,
    ]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.sort(compareChanges);
}

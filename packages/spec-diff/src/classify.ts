// The classification rules, judged as a client author would: "does the client I wrote against
// the base document keep working against the head one?". The rule that decides each change is
// named in Change.rule, so a surprising verdict can be traced back here.
//
// The one idea behind most schema rules: a client *sends* request values and *receives*
// response values. Accepting fewer values (narrowing) breaks a request and is harmless in a
// response; producing more values (widening) is harmless in a request and breaks a response.
// api-smart-diff gets several of these backwards or judges them without direction (an optional
// response property removed is "non-breaking" to it, a response format int32 -> int64 too, and
// `type: [integer, 'null']` added to a response as well), hence these explicit rules.
import type { ActionType, DiffType } from "api-smart-diff";
import type { Classification, Direction } from "./types.js";

export interface Verdict {
  classification: Classification;
  change: string;
  rule: string;
}

export type Action = ActionType;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Keywords that change what people read, never what is sent or accepted. */
export const DOCUMENTATION_KEYWORDS = new Set([
  "description",
  "summary",
  "title",
  "example",
  "examples",
  "externalDocs",
  "$comment",
  "tags",
]);

export const isDocumentationKey = (key: unknown): boolean =>
  typeof key === "string" && (DOCUMENTATION_KEYWORDS.has(key) || key.startsWith("x-"));

export const decide = (classification: Classification, change: string, rule: string): Verdict => ({
  classification,
  change,
  rule,
});

export function documentation(change: string): Verdict {
  return decide("documentation-only", change, "documentation");
}

/** The schema now accepts or produces fewer values. */
export function narrowed(direction: Direction, change: string, rule: string): Verdict {
  // Unknown direction (a keyword outside any body or parameter): assume the worst.
  const classification = direction === "response" ? "non-breaking" : "breaking";
  return { classification, change, rule: `${rule}:narrowed-${direction}` };
}

/** The schema now accepts or produces more values. */
export function widened(direction: Direction, change: string, rule: string): Verdict {
  const classification = direction === "request" ? "non-breaking" : "breaking";
  return { classification, change, rule: `${rule}:widened-${direction}` };
}

const verb = (action: Action) =>
  action === "add" ? "added" : action === "remove" ? "removed" : "changed";

/** A library verdict, used where no rule here knows better. */
export function fromLibrary(type: DiffType, change: string): Verdict {
  switch (type) {
    case "breaking":
      return decide("breaking", change, "library:breaking");
    case "non-breaking":
      return decide("non-breaking", change, "library:non-breaking");
    case "deprecated":
      return decide("deprecation", change, "library:deprecated");
    case "annotation":
      return decide("documentation-only", change, "library:annotation");
    default:
      // "unclassified": the library does not know. A gate that must stop breaking changes
      // treats an unknown as breaking; a reviewer can still approve it with the label.
      return decide("breaking", change, "library:unclassified");
  }
}

export function deprecation(action: Action, after: unknown): Verdict {
  return action !== "remove" && after === true
    ? decide("deprecation", "deprecated", "deprecated")
    : decide("non-breaking", "no longer deprecated", "deprecated:lifted");
}

// ---------------------------------------------------------------------------------------------
// Types. OpenAPI 3.1 writes nullability as a type array (`type: [string, 'null']`), 3.0 as
// `nullable: true`; both become one set here, so `string` -> `[string, 'null']` is seen as
// "nullability added" (a widening) and not as an opaque type replacement.

export type TypeSet = Set<string> | "any";

export function typeSet(schema: unknown): TypeSet {
  if (!isObject(schema)) return "any";
  const { type } = schema;
  let set: Set<string>;
  if (typeof type === "string") set = new Set([type]);
  else if (Array.isArray(type)) set = new Set(type.map(String));
  else return "any";
  if (schema.nullable === true) set.add("null");
  return set;
}

/** Does every value of type set `inner` also belong to `outer`? (integer is a number) */
export function covers(outer: TypeSet, inner: TypeSet): boolean {
  if (outer === "any") return true;
  if (inner === "any") return false;
  for (const t of inner) {
    if (!outer.has(t) && !(t === "integer" && outer.has("number"))) return false;
  }
  return true;
}

const showTypes = (set: TypeSet) => (set === "any" ? "any" : [...set].join("|"));

/** `string|null`, whichever OpenAPI version spelled it. */
export const describeTypes = (schema: unknown) => showTypes(typeSet(schema));

export function typeChange(
  before: unknown,
  after: unknown,
  direction: Direction,
): Verdict | undefined {
  const was = typeSet(before);
  const now = typeSet(after);
  const wider = covers(now, was);
  const narrower = covers(was, now);
  if (wider && narrower) return undefined;
  const onlyNull =
    was !== "any" &&
    now !== "any" &&
    [...was, ...now].filter((t) => was.has(t) !== now.has(t)).every((t) => t === "null");
  if (wider) {
    const change = onlyNull
      ? "nullability added"
      : `type widened: ${showTypes(was)} -> ${showTypes(now)}`;
    return widened(direction, change, onlyNull ? "nullable" : "type");
  }
  if (narrower) {
    const change = onlyNull
      ? "nullability removed"
      : `type narrowed: ${showTypes(was)} -> ${showTypes(now)}`;
    return narrowed(direction, change, onlyNull ? "nullable" : "type");
  }
  // Neither contains the other (string -> integer): old values are rejected and new ones are
  // unexpected, whichever way the data flows.
  return decide("breaking", `type changed: ${showTypes(was)} -> ${showTypes(now)}`, "type:changed");
}

// ---------------------------------------------------------------------------------------------
// Enumerations (and `const`, an enumeration of one).

function allowedValues(schema: unknown): unknown[] | undefined {
  if (!isObject(schema)) return undefined;
  if (Array.isArray(schema.enum)) return schema.enum;
  if ("const" in schema) return [schema.const];
  return undefined;
}

const show = (values: unknown[]) =>
  values.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join(", ");

export function enumChange(
  before: unknown,
  after: unknown,
  direction: Direction,
): Verdict | undefined {
  const was = allowedValues(before);
  const now = allowedValues(after);
  if (!was && !now) return undefined;
  if (!was) return narrowed(direction, `enum added: ${show(now ?? [])}`, "enum");
  if (!now) return widened(direction, `enum removed (was ${show(was)})`, "enum");
  const key = (v: unknown) => JSON.stringify(v);
  const wasKeys = new Set(was.map(key));
  const nowKeys = new Set(now.map(key));
  const added = now.filter((v) => !wasKeys.has(key(v)));
  const removed = was.filter((v) => !nowKeys.has(key(v)));
  if (added.length === 0 && removed.length === 0) return undefined;
  if (added.length && removed.length) {
    return decide(
      "breaking",
      `enum values replaced: removed ${show(removed)}; added ${show(added)}`,
      "enum:replaced",
    );
  }
  if (added.length) return widened(direction, `enum values added: ${show(added)}`, "enum");
  return narrowed(direction, `enum values removed: ${show(removed)}`, "enum");
}

// ---------------------------------------------------------------------------------------------
// Formats. A known widening (int32 -> int64) is told from a replacement (date -> date-time).

const FORMAT_WIDENINGS: Record<string, string> = { int32: "int64", float: "double" };

export function formatChange(
  action: Action,
  before: unknown,
  after: unknown,
  direction: Direction,
): Verdict {
  if (action === "add") return narrowed(direction, `format added: ${String(after)}`, "format");
  if (action === "remove")
    return widened(direction, `format removed (was ${String(before)})`, "format");
  const change = `format changed: ${String(before)} -> ${String(after)}`;
  if (FORMAT_WIDENINGS[String(before)] === after) return widened(direction, change, "format");
  if (FORMAT_WIDENINGS[String(after)] === before) return narrowed(direction, change, "format");
  // A different format is a different value space: a client parsing or validating the old
  // one (a generated model, a date parser) fails on the new one, in either direction.
  return decide("breaking", change, "format:changed");
}

// ---------------------------------------------------------------------------------------------
// Bounds and other validation keywords.

const UPPER_BOUNDS = new Set([
  "maxLength",
  "maxItems",
  "maxProperties",
  "maximum",
  "exclusiveMaximum",
  "maxContains",
]);
const LOWER_BOUNDS = new Set([
  "minLength",
  "minItems",
  "minProperties",
  "minimum",
  "exclusiveMinimum",
  "minContains",
]);

export function isBoundKeyword(keyword: string): boolean {
  return (
    UPPER_BOUNDS.has(keyword) ||
    LOWER_BOUNDS.has(keyword) ||
    ["pattern", "multipleOf", "uniqueItems"].includes(keyword)
  );
}

export function boundChange(
  keyword: string,
  action: Action,
  before: unknown,
  after: unknown,
  direction: Direction,
): Verdict | undefined {
  // Numbers read well inline; a regular expression is left to the before/after columns.
  const values = keyword !== "pattern";
  const change =
    action === "add"
      ? `${keyword} added${values ? `: ${JSON.stringify(after)}` : ""}`
      : action === "remove"
        ? `${keyword} removed${values ? ` (was ${JSON.stringify(before)})` : ""}`
        : `${keyword} changed${values ? `: ${JSON.stringify(before)} -> ${JSON.stringify(after)}` : ""}`;
  const rule = keyword;
  if (UPPER_BOUNDS.has(keyword) || LOWER_BOUNDS.has(keyword)) {
    if (action === "add") return narrowed(direction, change, rule);
    if (action === "remove") return widened(direction, change, rule);
    // 3.0's boolean exclusiveMaximum and friends: leave them to the library.
    if (typeof before !== "number" || typeof after !== "number") return undefined;
    const tighter = UPPER_BOUNDS.has(keyword) ? after < before : after > before;
    return tighter ? narrowed(direction, change, rule) : widened(direction, change, rule);
  }
  if (keyword === "uniqueItems") {
    const nowUnique = action !== "remove" && after === true;
    return nowUnique ? narrowed(direction, change, rule) : widened(direction, change, rule);
  }
  if (keyword === "multipleOf") {
    if (action === "add") return narrowed(direction, change, rule);
    if (action === "remove") return widened(direction, change, rule);
    if (typeof before === "number" && typeof after === "number") {
      if (after % before === 0) return narrowed(direction, change, rule);
      if (before % after === 0) return widened(direction, change, rule);
    }
    return decide("breaking", change, "multipleOf:changed");
  }
  // pattern: two regular expressions cannot be compared; a new one is a new value space.
  if (action === "add") return narrowed(direction, change, rule);
  if (action === "remove") return widened(direction, change, rule);
  return decide("breaking", change, "pattern:changed");
}

// ---------------------------------------------------------------------------------------------
// Keywords about which properties exist.

/** additionalProperties / unevaluatedProperties: false (closed) < a schema < true or absent. */
export function opennessChange(
  keyword: string,
  action: Action,
  before: unknown,
  after: unknown,
  direction: Direction,
): Verdict | undefined {
  const rank = (present: boolean, value: unknown) =>
    !present || value === true ? 2 : value === false ? 0 : 1;
  const was = rank(action !== "add", before);
  const now = rank(action !== "remove", after);
  if (was === now) return undefined;
  const change = now < was ? `${keyword} restricted` : `${keyword} allowed`;
  if (now < was) return narrowed(direction, change, keyword);
  // Extra properties in a response are harmless: clients must ignore properties they do not
  // know, exactly as they do when a property is added (also non-breaking).
  return decide("non-breaking", change, `${keyword}:opened`);
}

export function visibilityChange(
  keyword: "readOnly" | "writeOnly",
  action: Action,
  after: unknown,
  direction: Direction,
): Verdict {
  const set = action !== "remove" && after === true;
  if (!set) return decide("non-breaking", `${keyword} removed`, keyword);
  // readOnly: the server stops taking the field from clients (a request loses it);
  // writeOnly: the server stops sending it back (a response loses it).
  const losesIt = keyword === "readOnly" ? direction !== "response" : direction !== "request";
  return {
    classification: losesIt ? "breaking" : "non-breaking",
    change: `made ${keyword}`,
    rule: `${keyword}:${direction}`,
  };
}

export function defaultChange(
  action: Action,
  before: unknown,
  after: unknown,
  direction: Direction,
): Verdict {
  const change =
    action === "add"
      ? `default added: ${JSON.stringify(after)}`
      : action === "remove"
        ? `default removed (was ${JSON.stringify(before)})`
        : `default changed: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`;
  // A client that leaves the field out relied on the old default; writing one down where there
  // was none documents what the server did anyway.
  if (direction === "request" && action !== "add") {
    return decide("breaking", change, "default:request");
  }
  return decide("non-breaking", change, `default:${direction}`);
}

const isNullSchema = (schema: unknown) =>
  isObject(schema) && (schema.type === "null" || (schema.const === null && !("type" in schema)));

/** A whole anyOf/oneOf/allOf branch added or removed. */
export function branchChange(
  combinator: string,
  action: Action,
  before: unknown,
  after: unknown,
  direction: Direction,
): Verdict | undefined {
  if (action === "replace" || action === "rename") return undefined;
  const branch = action === "add" ? after : before;
  const nullBranch = isNullSchema(branch);
  const change = nullBranch
    ? `nullability ${verb(action)} (${combinator} null)`
    : `${combinator} branch ${verb(action)}`;
  const rule = nullBranch ? "nullable" : combinator;
  // anyOf/oneOf: one more branch, more values; allOf: one more constraint, fewer values.
  const more = combinator === "allOf" ? action === "remove" : action === "add";
  return more ? widened(direction, change, rule) : narrowed(direction, change, rule);
}

export { verb };

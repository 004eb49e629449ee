// A JSON path inside a schema, split into the way down to a sub-schema (properties, items,
// anyOf branches...) and the keyword that changed there (`type`, `enum/1`, `maxLength`).

export type Segment = string | number;

export type NavStep =
  | { kind: "property"; name: string }
  | { kind: "items" }
  | { kind: "prefixItems"; index: Segment }
  | { kind: "additionalProperties" }
  | { kind: "patternProperties"; pattern: string }
  | { kind: "branch"; combinator: "anyOf" | "oneOf" | "allOf"; index: Segment }
  | { kind: "not" };

export interface SchemaPath {
  nav: NavStep[];
  /** Segments of the path that lead to the sub-schema the keyword belongs to. */
  nodeSegments: Segment[];
  /** The keyword path inside that sub-schema; empty when a whole property was added or removed. */
  keyword: Segment[];
}

const COMBINATORS = new Set(["anyOf", "oneOf", "allOf"]);

export function parseSchemaPath(segments: readonly Segment[]): SchemaPath {
  const nav: NavStep[] = [];
  let i = 0;
  while (i < segments.length) {
    const seg = segments[i];
    const next = segments[i + 1];
    const hasMore = (n: number) => segments.length > i + n;
    if (seg === "properties" && next !== undefined) {
      nav.push({ kind: "property", name: String(next) });
      i += 2;
    } else if (seg === "items" && hasMore(1)) {
      nav.push({ kind: "items" });
      i += 1;
    } else if ((seg === "additionalProperties" || seg === "unevaluatedProperties") && hasMore(1)) {
      nav.push({ kind: "additionalProperties" });
      i += 1;
    } else if (seg === "patternProperties" && next !== undefined && hasMore(2)) {
      nav.push({ kind: "patternProperties", pattern: String(next) });
      i += 2;
    } else if (seg === "prefixItems" && next !== undefined && hasMore(2)) {
      nav.push({ kind: "prefixItems", index: next });
      i += 2;
    } else if (
      typeof seg === "string" &&
      COMBINATORS.has(seg) &&
      next !== undefined &&
      hasMore(2)
    ) {
      nav.push({ kind: "branch", combinator: seg as "anyOf" | "oneOf" | "allOf", index: next });
      i += 2;
    } else if (seg === "not" && hasMore(1)) {
      nav.push({ kind: "not" });
      i += 1;
    } else {
      break;
    }
  }
  return { nav, nodeSegments: segments.slice(0, i), keyword: segments.slice(i) };
}

/** `customerAccount.contacts[].email`, the way a client author names a field. */
export function displayPath(nav: readonly NavStep[], leaf?: string): string {
  let out = "";
  const dot = (name: string) => {
    out = out === "" ? name : `${out}.${name}`;
  };
  for (const step of nav) {
    switch (step.kind) {
      case "property":
        dot(step.name);
        break;
      case "items":
        out += "[]";
        break;
      case "prefixItems":
        out += `[${step.index}]`;
        break;
      case "additionalProperties":
        dot("*");
        break;
      case "patternProperties":
        dot(`/${step.pattern}/`);
        break;
      case "branch":
        dot(`${step.combinator}[${step.index}]`);
        break;
      case "not":
        dot("not");
        break;
    }
  }
  if (leaf !== undefined) dot(leaf);
  return out;
}

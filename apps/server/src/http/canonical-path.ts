// Kibo's SDKs differ in path casing (Add-Account-And-Login vs add-account-and-login), and the
// older ones end some paths with a slash (authtickets/): map a request path onto the registered
// route whose static segments match it case-insensitively, with or without one trailing slash.

/** A route template's segments, each parameter (`{name}` or `:name`) as null. */
export type TemplateSegments = readonly (string | null)[];

export function templateSegments(template: string): TemplateSegments {
  return template
    .split("/")
    .map((segment) => (segment.startsWith(":") || segment.startsWith("{") ? null : segment));
}

/**
 * Whether a path's segments fit a template: its fixed segments in any case, and one non-empty
 * segment for each parameter (as Hono's router takes them). The 405 check uses it too, so that
 * both read a path alike.
 */
export function fitsTemplate(template: TemplateSegments, segments: readonly string[]): boolean {
  return (
    template.length === segments.length &&
    template.every((segment, i) =>
      segment === null ? segments[i] !== "" : segment.toLowerCase() === segments[i]?.toLowerCase(),
    )
  );
}

/**
 * `answer` remembered for each path: clients send the same few paths again and again. Bounded
 * to 10,000 paths of at most 200 characters (2 MB); a full memo starts over.
 */
export function rememberedByPath<T extends {}>(answer: (path: string) => T): (path: string) => T {
  const memo = new Map<string, T>();
  return (path) => {
    const remembered = memo.get(path);
    if (remembered !== undefined) return remembered;
    const answered = answer(path);
    if (path.length > 200) return answered;
    if (memo.size >= 10_000) memo.clear();
    memo.set(path, answered);
    return answered;
  };
}

export function createPathCanonicaliser(templates: string[]): (path: string) => string {
  const routes = templates.map(templateSegments);
  return rememberedByPath(canonicalise);

  function canonicalise(path: string): string {
    const segments = (path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path).split("/");
    for (const route of routes) {
      if (fitsTemplate(route, segments)) {
        return route.map((segment, i) => segment ?? segments[i]).join("/");
      }
    }
    return path;
  }
}

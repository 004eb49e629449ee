// Kibo's SDKs differ in path casing (Add-Account-And-Login vs add-account-and-login), and the
// older ones end some paths with a slash (authtickets/): map a request path onto the registered
// route whose static segments match it case-insensitively, with or without one trailing slash.
export function createPathCanonicaliser(templates: string[]): (path: string) => string {
  const routes = templates.map((template) =>
    template
      .split("/")
      .map((segment) => (segment.startsWith(":") || segment.startsWith("{") ? null : segment)),
  );
  // Clients send the same few paths again and again: remember the answers. Bounded to 10,000
  // paths of at most 200 characters (2 MB); a full memo starts over.
  const memo = new Map<string, string>();
  return (path) => {
    let canonical = memo.get(path);
    if (canonical === undefined) {
      canonical = canonicalise(path);
      if (path.length > 200) return canonical;
      if (memo.size >= 10_000) memo.clear();
      memo.set(path, canonical);
    }
    return canonical;
  };

  function canonicalise(path: string): string {
    const segments = (path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path).split("/");
    for (const route of routes) {
      if (route.length !== segments.length) continue;
      // A parameter takes one segment, never an empty one (as Hono's router does).
      const matches = route.every((segment, i) =>
        segment === null
          ? segments[i] !== ""
          : segment.toLowerCase() === segments[i]?.toLowerCase(),
      );
      if (matches) return route.map((segment, i) => segment ?? segments[i]).join("/");
    }
    return path;
  }
}

// Kibo's SDKs differ in path casing (Add-Account-And-Login vs add-account-and-login): map a
// request path onto the registered route whose static segments match it case-insensitively.
export function createPathCanonicaliser(templates: string[]): (path: string) => string {
  const routes = templates.map((template) =>
    template
      .split("/")
      .map((segment) => (segment.startsWith(":") || segment.startsWith("{") ? null : segment)),
  );
  return (path) => {
    const segments = path.split("/");
    for (const route of routes) {
      if (route.length !== segments.length) continue;
      const matches = route.every(
        (segment, i) => segment === null || segment.toLowerCase() === segments[i]?.toLowerCase(),
      );
      if (matches) return route.map((segment, i) => segment ?? segments[i]).join("/");
    }
    return path;
  };
}

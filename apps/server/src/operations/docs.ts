// The hand-written spec at /openapi.json and an API reference page at /docs whose every asset
// comes from this server (swagger-ui-dist): deployments may have no internet or a strict CSP.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Hono } from "hono";

const ASSETS = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
} as const;

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kibo customer sign-up API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/init.js"></script>
</body>
</html>
`;

const INIT = `window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });\n`;

// biome-ignore lint/suspicious/noExplicitAny: any Hono app, whatever its environment
export function mountDocs(app: Hono<any>, openApiDocument: unknown): void {
  const dir = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
  const assets = new Map<string, { body: Buffer | string; type: string }>(
    Object.entries(ASSETS).map(([name, type]) => [
      name,
      { body: readFileSync(join(dir, name)), type },
    ]),
  );
  assets.set("init.js", { body: INIT, type: "text/javascript; charset=utf-8" });
  const json = JSON.stringify(openApiDocument);

  app.get("/openapi.json", (c) => c.body(json, 200, { "content-type": "application/json" }));
  app.get("/docs", (c) => c.html(PAGE));
  app.get("/docs/assets/:name", (c) => {
    const asset = assets.get(c.req.param("name"));
    if (!asset) return c.notFound();
    return c.body(typeof asset.body === "string" ? asset.body : new Uint8Array(asset.body), 200, {
      "content-type": asset.type,
      "cache-control": "public, max-age=3600",
    });
  });
}

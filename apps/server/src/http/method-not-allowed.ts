// A request whose path has operations, but none for its method, answers 405 with an Allow
// header naming the methods the path has (RFC 9110, 15.5.6), instead of the 401 of a missing
// token or the 404 of an unknown path: a caller who sent GET where only POST exists learns that,
// whatever token it holds.
//
// Each path gets a route for every method it lacks, registered before authentication, so that
// a request meets it only when its method is not the path's own: getTenant never does. Where
// another path with a parameter has that method for this request's path (POST
// /accounts/{accountId} lacks POST, /accounts/Add-Account-And-Login has it), the request
// goes on to that operation.
import type { RouteConfig } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { MethodNotAllowedError } from "./errors.js";
import type { AppEnv, AppOpenAPI } from "./types.js";

/** The methods an operation may have (HEAD is GET's: Hono answers it with the GET route). */
const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"] as const;

const answers = new WeakSet<MiddlewareHandler<AppEnv>>();

/** Whether a served route is one of these answers (the drift guard exempts them). */
export function isMethodNotAllowedAnswer(handler: unknown): boolean {
  return answers.has(handler as MiddlewareHandler<AppEnv>);
}

export function mountMethodNotAllowed(app: AppOpenAPI, operations: readonly RouteConfig[]): void {
  const routes = operations.map((route) => ({
    path: route.path,
    segments: route.path.split("/"),
    method: route.method.toUpperCase(),
  }));

  /** The methods of the operations whose path matches this request path. */
  const methodsAt = (path: string) => {
    const segments = path.split("/");
    const methods = new Set<string>();
    for (const route of routes) {
      const matches =
        route.segments.length === segments.length &&
        route.segments.every(
          (segment, i) =>
            segment.startsWith("{") || segment.toLowerCase() === segments[i]?.toLowerCase(),
        );
      if (matches) methods.add(route.method);
    }
    return methods;
  };

  // The path is the canonical one (createApp's getPath): the template's case, no trailing slash.
  const answer: MiddlewareHandler<AppEnv> = (c, next) => {
    const methods = methodsAt(c.req.path);
    if (methods.has(c.req.method === "HEAD" ? "GET" : c.req.method)) return next();
    const allow = METHODS.flatMap((method) =>
      !methods.has(method) ? [] : method === "GET" ? ["GET", "HEAD"] : [method],
    ).join(", ");
    throw new MethodNotAllowedError(
      `This path has no ${c.req.method} operation; it answers ${allow}.`,
      allow,
    );
  };
  answers.add(answer);

  for (const path of new Set(routes.map((route) => route.path))) {
    const own = new Set(routes.filter((route) => route.path === path).map((route) => route.method));
    const missing = METHODS.filter((method) => !own.has(method));
    app.on(missing, path.replace(/\{([^}]+)\}/g, ":$1"), answer);
  }
}

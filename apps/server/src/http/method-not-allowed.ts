// A request whose path has operations, but none for its method, answers 405 with an Allow
// header naming the methods the path has (RFC 9110, 15.5.6), instead of the 401 of a missing
// token or the 404 of an unknown path: a caller who sent GET where only POST exists learns that,
// whatever token it holds. A path's methods are those of the route it is, a fixed path before
// a templated one, as OpenAPI matches paths: /accounts/Add-Account-And-Login has POST only,
// though /accounts/{accountId} has GET.
//
// Checked in createApp's first middleware rather than with a route per missing method: routes
// for POST /accounts/{accountId} beside the POST of /accounts/Add-Account-And-Login are more
// than Hono's RegExpRouter takes, and its fallback router made every request slower.
import type { RouteConfig } from "@hono/zod-openapi";
import { fitsTemplate, rememberedByPath, templateSegments } from "./canonical-path.js";
import { MethodNotAllowedError } from "./errors.js";

/** The methods an operation may have; HEAD is GET's (Hono answers it with the GET route). */
const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"] as const;

/**
 * What the operations' paths say about a request path. `path` is the canonical one
 * (createApp's getPath): where it matches a route, in the template's case and without the
 * trailing slash.
 */
export interface MethodCheck {
  /** The methods of the operations this path is (a fixed path before a templated one). */
  methodsAt(path: string): ReadonlySet<string>;
  /**
   * The 405 to answer for `method` on a path with these methods, or undefined when one of them
   * is the method or there are none.
   */
  refusal(method: string, methods: ReadonlySet<string>): MethodNotAllowedError | undefined;
}

export function createMethodCheck(operations: readonly RouteConfig[]): MethodCheck {
  const routes = operations.map((route) => {
    const template = templateSegments(route.path);
    const parameters = template.filter((segment) => segment === null).length;
    return { template, parameters, method: route.method.toUpperCase() };
  });
  const methodsAt = rememberedByPath((path): ReadonlySet<string> => {
    const segments = path.split("/");
    const fitting = routes.filter((route) => fitsTemplate(route.template, segments));
    const fewest = Math.min(...fitting.map((route) => route.parameters));
    return new Set(
      fitting.filter((route) => route.parameters === fewest).map((route) => route.method),
    );
  });

  return {
    methodsAt,
    refusal: (method, methods) => {
      if (methods.size === 0 || methods.has(method === "HEAD" ? "GET" : method)) return undefined;
      const allow = METHODS.flatMap((each) =>
        !methods.has(each) ? [] : each === "GET" ? ["GET", "HEAD"] : [each],
      ).join(", ");
      return new MethodNotAllowedError(
        `This path has no ${method} operation; it answers ${allow}.`,
        allow,
      );
    },
  };
}
